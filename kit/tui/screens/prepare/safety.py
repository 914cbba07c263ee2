"""Prepare's "Safety plan" tab: the plan as a form, and its export to a file the user names."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
                       repository=lambda: self.workspace.safety_plan,
                       save_label="Save my safety plan (ctrl+s)", id="safety-form")
        with Horizontal(classes="buttons", id="safety-exports"):
            yield Button("Print version (PDF)…", id="export-pdf")
            yield Button("Markdown file…", id="export-md")

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
    """Ask where, then write the saved safety plan as *fmt* (pdf or md), not encrypted."""
    from kit.reports.plaintext import require_passphrase

    workspace = app.workspace
    if workspace is None:
        return
    try:
        require_passphrase(workspace.vault)
    except KitError as exc:
        app.notify(f"Not exported: {exc.message}.", severity="warning")
        return

    default = str(Path.home() / f"safety-plan.{fmt}")
    services = app.services
    today = services.clock().astimezone().date()

    def answered(answers: dict[str, str] | None) -> None:
        if not answers:
            return
        from kit.chosen_file import check_chosen_path
        from kit.reports.plaintext import warning, write_plaintext
        from kit.reports.safety_plan_export import render_pdf, to_markdown

        path = Path(answers["path"]).expanduser()
        plan = workspace.safety_plan.get()
        notes: list[str] = []

        def write(overwrite: bool) -> Path:
            check_chosen_path(path, overwrite=overwrite)  # ask before the PDF is made
            notes.clear()
            data: Any
            if fmt == "pdf":
                rendered = render_pdf(plan, today, region=services.config.region)
                data = rendered.data
                if rendered.lost:
                    notes.append("Some characters could not be printed in: "
                                 + ", ".join(rendered.lost) + ".")
                if rendered.cut:
                    notes.append("Too long for one page, so shortened: "
                                 + ", ".join(rendered.cut) + ".")
            else:
                data = to_markdown(plan, today, services.config.region).encode("utf-8")
            return write_plaintext(workspace.vault, path, data, force=overwrite)

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
