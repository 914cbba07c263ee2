"""One answer on a numeric scale, in one focusable line: ← → to move, or type the number.

A question has one of these instead of a row of radio buttons: six questions on a 0-10 scale
would otherwise be 66 widgets, and opening the check-in would take a second. The chosen
answer is shown by shape ([7]) as well as colour.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding
from textual.events import Click, Key
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

# Two digits typed within this many seconds make one number (1 then 0 is 10).
TWO_DIGIT_SECONDS = 1.0


class ScaleInput(Widget, can_focus=True):
    DEFAULT_CSS = """
    ScaleInput {
        height: 1;
        width: auto;
        padding: 0 1;
    }
    ScaleInput:focus {
        background: $boost;
        text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[Any]] = [
        Binding("left", "step(-1)", "Lower", show=False),
        Binding("right", "step(1)", "Higher", show=False),
        Binding("home", "jump('min')", "Lowest", show=False),
        Binding("end", "jump('max')", "Highest", show=False),
    ]

    value: reactive[int | None] = reactive(None)

    class Changed(Message):
        def __init__(self, scale: ScaleInput, value: int | None) -> None:
            super().__init__()
            self.scale, self.value = scale, value

        @property
        def control(self) -> ScaleInput:
            return self.scale

    def __init__(self, low: int, high: int, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.low, self.high = low, high
        self._last_digit: tuple[int, float] | None = None

    def _cell(self, value: int) -> str:
        width = len(str(self.high))
        return f"[{value:>{width}}]" if value == self.value else f" {value:>{width}} "

    def render(self) -> Text:
        text = Text()
        for value in range(self.low, self.high + 1):
            chosen = value == self.value
            text.append(self._cell(value), style="reverse bold" if chosen else "")
        if self.value is None:
            text.append("  (not answered)", style="dim")
        return text

    def watch_value(self, value: int | None) -> None:
        self.post_message(self.Changed(self, value))

    def action_step(self, step: int) -> None:
        start = (self.low + self.high) // 2 if self.value is None else self.value + step
        self.value = max(self.low, min(self.high, start))

    def action_jump(self, where: str) -> None:
        self.value = self.low if where == "min" else self.high

    def on_key(self, event: Key) -> None:
        if event.character is None or not event.character.isdigit():
            return
        event.stop()
        digit, now = int(event.character), time.monotonic()
        if self._last_digit is not None and now - self._last_digit[1] < TWO_DIGIT_SECONDS:
            combined = self._last_digit[0] * 10 + digit
            if self.low <= combined <= self.high:
                self.value, self._last_digit = combined, None
                return
        if self.low <= digit <= self.high:
            self.value = digit
        self._last_digit = (digit, now)

    def on_click(self, event: Click) -> None:
        x = event.x - 1  # the left padding
        cell = len(self._cell(self.low))
        if 0 <= x < cell * (self.high - self.low + 1):
            self.value = self.low + x // cell
