"""What an area's tabs are made of: panes that read through the app's services, and tabs whose
content is built the first time it is shown.

An area (Prepare, Wellbeing, Footprint) is a small screen that composes one pane per tab, each
in its own module. A pane is an `AreaPane`: it reaches the open vault and the app's services
through the screen and app it sits in, never through another tab's widgets; it tells the
screen what happened by posting a typed Message.

An area opens on one tab; the others (a long plan form, two charts, a ledger table) cost as
much to build and style as the one shown, and most visits never look at them. A `LazyPane`
holds a factory instead of its widgets and calls it when its tab is first shown, so opening
an area builds only what the person sees (issue 15: the first open of an area within 300 ms).

`LazyTabs` is a TabbedContent that builds a lazy pane as it becomes the active one, whether by
a click, a key (ctrl+t) or code (`tabs.active = "plan"`). Code that needs a pane's widgets
before the pane is shown (a draft to restore, say) calls `pane.build()` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from textual.widget import AwaitMount, Widget
from textual.widgets import TabbedContent, TabPane

if TYPE_CHECKING:
    from kit.tui.app import AppServices, KitApp
    from kit.workspace import Workspace


class AreaPane(Widget):
    """A tab's content: reads the vault through the workspace and the settings through the
    app's services (the same ones the screen uses).

    Name it after the container it is (`class StepsPane(Horizontal, AreaPane)`): Textual
    styles a widget by its first base class, so the container's look comes first."""

    @property
    def kit_app(self) -> KitApp:
        from kit.tui.app import KitApp

        app = self.app
        assert isinstance(app, KitApp)
        return app

    @property
    def services(self) -> AppServices:
        return self.kit_app.services

    @property
    def workspace(self) -> Workspace:
        workspace = self.kit_app.workspace
        if workspace is None:
            raise RuntimeError("the vault is locked")
        return workspace

    def reload(self) -> None:
        """Show what the vault holds now."""


class LazyPane(TabPane):
    """A tab pane whose one child is made by *make* when the pane is first shown."""

    def __init__(self, title: str, make: Callable[[], Widget], *, id: str) -> None:
        super().__init__(title, id=id)
        self._make: Callable[[], Widget] | None = make
        self.content: Widget | None = None
        self._mounting: AwaitMount | None = None

    def build(self) -> Widget:
        """Make the pane's content and mount it (once); return it. Its own widgets are there
        once it is mounted: see `when_built`."""
        if self.content is None:
            assert self._make is not None
            self.content, self._make = self._make(), None
            self._mounting = self.mount(self.content)
        return self.content

    def when_built(self, then: Callable[[Any], object]) -> None:
        """Build the content if need be, and call *then* with it once it is all mounted."""
        content = self.build()
        if content.is_mounted or self._mounting is None:
            then(content)
            return
        mounting = self._mounting

        async def mounted() -> None:
            await mounting
            then(content)

        self.call_later(mounted)


W = TypeVar("W", bound=Widget)


def shown_pane(screen: Widget, kind: type[W]) -> W | None:
    """The pane of *kind* on *screen* once it is all there (built and mounted), else None. A
    pane not yet mounted loads what the vault holds as it mounts: it needs no reload."""
    found = screen.query(kind)
    pane = found.first() if found else None
    return pane if pane is not None and pane.is_mounted else None


class LazyTabs(TabbedContent):
    """Tabbed content that builds each LazyPane as it becomes the active tab."""

    def watch_active(self, active: str) -> None:
        if active:
            self.build(active)

    def build(self, pane_id: str) -> Any:
        """The content of the pane *pane_id*, built now if it had not been."""
        pane = self.get_pane(pane_id)
        return pane.build() if isinstance(pane, LazyPane) else pane

    def when_built(self, pane_id: str, then: Callable[[Any], object]) -> None:
        """Call *then* with the content of the pane *pane_id* once it is all mounted."""
        pane = self.get_pane(pane_id)
        if isinstance(pane, LazyPane):
            pane.when_built(then)
        else:
            then(pane)
