"""What every tab's pane of the Supervision screen shares: the service it reads through, a way
to tell the screen what happened, and loading once it is first shown (a tab never opened costs
nothing when the screen opens)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from textual.widget import Widget

from kit.supervision.records import SupervisionDoc
from kit.supervision.service import Supervision
from kit.tui.screens.supervision.messages import (
    AgreementSaved,
    Changed,
    Said,
    ShowTab,
)


def free_path(stem: str, today: date) -> Path:
    """A file name in the home folder that is not taken yet (nothing is written here)."""
    base = Path.home() / f"{stem}-{today.isoformat()}"
    path, n = base.with_suffix(".age"), 2
    while path.exists():
        path, n = Path(f"{base}-{n}.age"), n + 1
    return path


class Pane(Widget):
    """A tab's content, mixed in after the container it is: `class X(VerticalScroll, Pane)`.
    Textual takes a widget's CSS from its first base, so the container comes first; Pane has
    no __init__ of its own (the container's runs), and a pane calls `setup()` in its own."""

    TAB = ""  # the TabPane id this pane is shown in
    _service: Callable[[], Supervision]
    _shown: bool  # loaded once mounted; until then there is nothing to redraw
    _drawn: bool
    _then: list[Callable[[], object]]

    def setup(self, service: Callable[[], Supervision]) -> None:
        self._service = service
        self._shown = False
        self._drawn = False  # drawn as it was composed: nothing to draw again when mounted
        self._then = []

    def drawn(self) -> None:
        """Say the pane drew what the vault holds while it was composed."""
        self._drawn = True

    @property
    def sup(self) -> Supervision:
        return self._service()

    @property
    def loaded(self) -> bool:
        return self._shown

    def on_mount(self) -> None:
        if not self._drawn:
            self.reload()
        self._shown = True
        then, self._then = self._then, []
        for step in then:
            step()

    def when_loaded(self, step: Callable[[], object]) -> None:
        """Run *step* now if the pane is loaded, else once it is."""
        if self._shown:
            step()
        else:
            self._then.append(step)

    def reload(self) -> None:
        """Draw what the vault holds now."""

    def reload_if_loaded(self) -> None:
        if self._shown:
            self.reload()

    # --- telling the screen ---

    def say(self, text: str, *, error: bool = False) -> None:
        self.post_message(Said(text, error=error))

    def changed(self) -> None:
        self.post_message(Changed())

    def show_tab(self, tab: str) -> None:
        self.post_message(ShowTab(tab))

    def agreement_saved(self, doc: SupervisionDoc | None) -> None:
        """The agreement form's answer, for the screen to show and say."""
        self.post_message(AgreementSaved(doc))
