"""The command palette finds every area's actions from anywhere (README: "any action").

Each area's screen offers its actions (`AreaScreen.palette_commands`), but a screen exists
only once its area has been opened, and building one to read its list would make the palette
slow. So the names are listed here, by area; choosing one opens the area and runs the action
of that name on its screen. tests/tui/test_palette.py checks that this list and each screen's
own list name the same actions, so neither drifts from the other.

`open_area` is also how Home's quick actions start a task in another area.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from kit.tui.areas import AREA_KEYS

if TYPE_CHECKING:
    from kit.supervision.roles import Roles


@runtime_checkable
class Area(Protocol):
    """An area's screen as the palette uses it (kit.tui.app.AreaScreen is one). The app holds
    the palette, so the palette names what it needs rather than importing the app."""

    def palette_commands(self) -> Iterable[tuple[str, str, Callable[[], Any]]]: ...
    def quick_action(self, action: str) -> None: ...

# area -> (name, what it does), as each area's screen names them in palette_commands().
AREA_ACTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "journal": (("New journal entry", "Write a new entry (ctrl+n)"),
                ("Search the journal", "Filter entries as you type (ctrl+f)")),
    "exposure": (("Log exposure", "Record a session with difficult material (ctrl+n)"),),
    "wellbeing": (("Check in", "Answer a short wellbeing check-in"),
                  ("My wellbeing plan", "What keeps you well, and who to contact")),
    "prepare": (("Do this first", "The next preparation step for doxing and swatting"),
                ("My safety plan", "What you will do if you are doxed or swatted"),
                ("Export safety plan as PDF", "A printable one-page copy (not encrypted)")),
    "incidents": (("New incident", "Record what happened (ctrl+n)"),
                  ("Evidence pack", "Export a signed evidence pack for the highlighted "
                   "incident"),
                  ("Delete incident", "Delete the highlighted incident and its evidence, "
                   "after asking (ctrl+d)"),
                  ("Delete an evidence item", "Delete one piece of the highlighted incident's "
                   "evidence, after asking"),
                  ("Removal requests", "What you asked sites to take down, and when replies "
                   "are due (r)")),
    "footprint": (("Findings", "What the checks found, and what to do"),
                  ("Network ledger", "Every request the kit has sent"),
                  ("Forget my HIBP key", "Remove the Have I Been Pwned API key kept in this "
                   "computer's keyring")),
    "supervision": (("Open a packet", "Open a supervision packet someone sent you (ctrl+o)"),
                    ("Shares received", "Read what the highlighted person on the Team tab "
                     "has shared with you"),
                    ("New session record", "Write the record of a supervision session "
                     "(ctrl+n)"),
                    ("My identity card", "Show the card to give your supervisor"),
                    ("Add a contact", "Add a colleague's identity card"),
                    ("Export the record", "The highlighted record as Markdown or PDF, not "
                     "encrypted (ctrl+e)"),
                    ("Supervision agreement", "Write or change the agreement with the "
                     "highlighted person on the Team tab"),
                    ("Hand over a supervisee", "Seal the highlighted person's records for "
                     "their new supervisor"),
                    ("Old supervision records", "Delete records older than "
                     "retention_months, after asking")),
}


# Actions only someone who supervises can take. Who supervises is kit.supervision.roles' rule;
# nobody else is offered these, in the palette or on the Supervision screen.
SUPERVISOR_ONLY = frozenset({"Shares received", "New session record", "Supervision agreement",
                             "Hand over a supervisee"})


def offered(name: str, roles: Roles) -> bool:
    """Whether a person with these roles is offered the action called *name*."""
    return roles.supervises or name not in SUPERVISOR_ONLY


def _roles(app: Any) -> Roles:
    from kit.supervision.roles import roles_of

    workspace = getattr(app, "workspace", None)
    return roles_of(workspace.contacts.all() if workspace is not None else ())


def open_area(app: Any, area: str, then: Callable[[Any], object]) -> None:
    """Show *area*, then run *then* on its screen once that screen is mounted (a screen
    opened for the first time mounts after the switch, and its own on_mount would otherwise
    undo what *then* did, such as the tab it showed and the field it focused)."""
    app.switch_mode(area)

    def start() -> None:
        screen = app.screen
        if isinstance(screen, Screen) and isinstance(screen, Area):
            screen.call_after_refresh(then, screen)

    app.call_after_refresh(start)


def run_named(name: str, screen: Area) -> None:
    """Run the action called *name* on *screen*, if it offers one by that name now (a form
    open on top of the area's list offers none: the area is shown, with the form)."""
    for title, _help, callback in screen.palette_commands():
        if title == name:
            callback()
            return


# name, what it does, what choosing it runs, and the area it opens ("" for the app's commands)
Entry = tuple[str, str, Callable[[], object], str]


class AreaCommands(Provider):
    """Everything the palette offers, from one source, so the list comes in the same order
    each time it opens (two sources answer in whichever order they finish): the actions of the
    screen it was opened on, then every other area's actions, then the app's own commands
    (KitApp.get_system_commands) by name. It is the app's only source (KitApp.COMMANDS)."""

    def _entries(self) -> list[Entry]:
        """The screen's own actions, every other area's (each help names its area), then the
        app's commands."""
        app: Any = self.app
        system = [(name, help_text, callback, "") for name, help_text, callback, discover
                  in app.get_system_commands(self.screen) if discover]
        # The screen the palette was opened on offers its own actions among the app's.
        own = getattr(self.screen, "palette_commands", lambda: ())
        here = {title for title, _help, _callback in own()}
        first = [entry for entry in system if entry[0] in here]
        rest = sorted((entry for entry in system if entry[0] not in here), key=lambda e: e[0])
        areas: list[Entry] = []
        if getattr(app, "unlocked", False):
            labels = {mode: label for _key, mode, label in AREA_KEYS}
            roles = _roles(app)
            for area, actions in AREA_ACTIONS.items():
                for name, help_text in actions:
                    if name not in here and offered(name, roles):
                        label = labels.get(area, area)
                        areas.append((name, f"{label}: {help_text}",
                                      partial(open_area, app, area, partial(run_named, name)),
                                      label))
        return [*first, *areas, *rest]

    async def discover(self) -> Hits:
        for name, help_text, command, _area in self._entries():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command, area in self._entries():
            # An area's name counts too, below a name's own match: "prepare" finds the
            # safety plan.
            score = max(matcher.match(name), matcher.match(area) * 0.5 if area else 0)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, help=help_text)
