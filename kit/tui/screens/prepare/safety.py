"""Prepare's "Safety plan" tab: the plan as a form, and its export to a file the user names."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button

from kit.errors import KitError
from kit.records import safety_plan as sp
from kit.tui.panes import AreaPane
from kit.tui.widgets.ask import Ask, AskDialog
from kit.tui.widgets.plan_form import PlanForm
from kit.tui.widgets.replace_file import write_or_ask

if TYPE_CHECKING:
    from kit.guidance.service import Prepare
    from kit.tui.app import KitApp

DRAFT_AREA = "safety-plan"


class SafetyPlanPane(Vertical, AreaPane):
    DEFAULT_CSS = """
    SafetyPlanPane #safety-exports {
        padding: 0 2 1 2;
    }
    """

    def compose(self) -> ComposeResult:
        yield PlanForm(sp.SAFETY_FIELDS, prefix="safety", draft_area=DRAFT_AREA,
                       intro="What you and the people around you will do if you are "
                             "doxed or swatted. Only you see it, unless you print it.",
                       repository=lambda: self.prepare.safety_plan_store,
                       save_label="Save my safety plan (ctrl+s)", id="safety-form")
        with Horizontal(classes="buttons", id="safety-exports"):
            yield Button("Print version (PDF)…", id="export-pdf")
            yield Button("Markdown file…", id="export-md")

    @property
    def prepare(self) -> Prepare:
        """The one door to the Prepare records (kit.guidance.service)."""
        from kit.guidance.service import Prepare

        return Prepare(self.workspace)

    @property
    def form(self) -> PlanForm:
        return self.query_one(PlanForm)

    def on_mount(self) -> None:
        self.form.load()

    def reload(self) -> None:
        self.form.load()

    def save(self) -> None:
        self.form.save()

    def unsaved(self) -> dict[str, str] | None:
        return self.form.unsaved() if self.is_mounted else None

    def _today(self) -> date:
        return self.services.clock().astimezone().date()

    @on(Button.Pressed, "#export-pdf")
    def _export_pdf(self) -> None:
        self.export("pdf")

    @on(Button.Pressed, "#export-md")
    def _export_md(self) -> None:
        self.export("md")

    def export(self, fmt: str) -> None:
        """Write the saved plan to a plaintext file the user names, after a plain warning."""
        if self.unsaved() is not None:
            self.notify("Save the plan first (ctrl+s): the export is made from the saved plan.",
                        severity="warning")
            return
        export_safety_plan(self.kit_app, fmt)


def export_safety_plan(app: KitApp, fmt: str) -> None:
    """Ask where, then write the saved safety plan as *fmt* (pdf or md), not encrypted, the
    one way the command line does too (kit.reports.safety_plan_export.export)."""
    from kit.guidance.service import Prepare
    from kit.reports.plaintext import require_passphrase

    workspace = app.workspace
    if workspace is None:
        return
    prepare = Prepare(workspace)
    try:
        require_passphrase(prepare.vault)  # said before a file is asked for
    except KitError as exc:
        app.notify(f"Not exported: {exc.message}.", severity="warning")
        return

    default = str(Path.home() / f"safety-plan.{fmt}")
    services = app.services
    today = services.clock().astimezone().date()

    def answered(answers: dict[str, str] | None) -> None:
        if not answers:
            return
        from kit.reports.plaintext import warning
        from kit.reports.safety_plan_export import export

        path = Path(answers["path"]).expanduser()
        notes: list[str] = []

        def write(overwrite: bool) -> Path:
            exported = export(prepare, fmt, path, today=today,
                              region=services.config.region, overwrite=overwrite)
            notes.clear()
            if exported.lost:
                notes.append("Some characters could not be printed in: "
                             + ", ".join(exported.lost) + ".")
            if exported.cut:
                notes.append("Too long for one page, so shortened: "
                             + ", ".join(exported.cut) + ".")
            return exported.path

        def written(where: Path) -> None:
            app.notify(" ".join(["Written.", warning("your safety plan", where), *notes]),
                        timeout=15)

        write_or_ask(app, write, written,
                     lambda why: app.notify(f"Not exported: {why}", severity="error",
                                             timeout=10),
                     lambda kept: app.notify(kept, timeout=10))

    app.push_screen(AskDialog(
        "The exported file is NOT encrypted: anyone who can open it can read your safety "
        "plan. Print it, keep it somewhere safe, and delete the file when you are done.",
        [Ask("path", "Save as", value=default)],
        ok="Export", required=("path",)), answered)
