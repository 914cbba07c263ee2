"""The one-line scale answer: arrows, typed numbers (10 as two digits), clicks, and shape."""

from __future__ import annotations

from textual.app import App, ComposeResult

from kit.tui.widgets.scale import ScaleInput


class One(App[None]):
    def compose(self) -> ComposeResult:
        yield ScaleInput(0, 10, id="scale")


async def test_keys_and_clicks_choose_an_answer() -> None:
    app = One()
    async with app.run_test() as pilot:
        scale = app.query_one(ScaleInput)
        scale.focus()
        await pilot.pause()
        assert scale.value is None and "not answered" in str(scale.render())
        await pilot.press("right")  # the first arrow starts in the middle
        assert scale.value == 5
        await pilot.press("left", "left")
        assert scale.value == 3
        await pilot.press("end")
        assert scale.value == 10
        await pilot.press("right")  # never past the end
        assert scale.value == 10
        await pilot.press("home", "left")
        assert scale.value == 0
        await pilot.press("7")
        assert scale.value == 7
        await pilot.press("1", "0")  # typed quickly: ten
        assert scale.value == 10
        await pilot.click("#scale", offset=(1 + 4 * 2 + 1, 0))  # the third cell: 2
        assert scale.value == 2
        assert "[ 2]" in str(scale.render())  # chosen by shape, not only colour


async def test_a_digit_outside_the_scale_is_ignored() -> None:
    class OneToFive(App[None]):
        def compose(self) -> ComposeResult:
            yield ScaleInput(1, 5)

    app = OneToFive()
    async with app.run_test() as pilot:
        scale = app.query_one(ScaleInput)
        scale.focus()
        await pilot.press("0")
        assert scale.value is None
        await pilot.press("9")
        assert scale.value is None
        await pilot.press("4")
        assert scale.value == 4
