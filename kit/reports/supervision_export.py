"""A supervision agreement or session record on paper: Markdown, and an A4 PDF that runs to as
many pages as it needs. Both are plaintext copies of an encrypted, countersigned record; the
command writes them through kit.reports.plaintext.

Both are set from the one view of the record (kit.supervision.view, which the app and the
command line show too), so they always say the same thing: the heading, who
supervises whom, which version and where it stands (sent, accepted or commented, and whether the
response came after the comment window), every field of the content, and a footer with
the start of the record's digest, so a paper copy can be matched to the signed original.
`export` writes either, read through the Supervision service: the one way the app and the
command line make the copy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from kit.reports.safety_plan_export import (
    BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    PT,
    FontFiles,
    Page,
    PdfExport,
    font_candidates,
    md_line,
)
from kit.supervision.view import ACTION_COLUMNS, EMPTY, PLAINTEXT, Field, view

if TYPE_CHECKING:
    from kit.supervision.records import SupervisionDoc
    from kit.supervision.service import Supervision

__all__ = ["PLAINTEXT", "Exported", "export", "may_export", "render_pdf", "to_markdown", "to_pdf"]

# --- Markdown ---


def _md_cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _md_field(f: Field) -> list[str]:
    lines = [md_line(line) for line in f.lines]
    if not f.long:
        return [f"- **{f.label}:** {' '.join(lines) or EMPTY}"]
    # Two trailing spaces keep the user's line breaks when the Markdown is rendered.
    return [f"## {f.label}", "", "  \n".join(lines) if lines else EMPTY, ""]


def _md_fields(fields: Iterable[Field]) -> list[str]:
    out: list[str] = []
    for f in fields:
        if f.long and out and out[-1] != "":
            out.append("")  # a heading needs a blank line above it
        out += _md_field(f)
    if out and out[-1] != "":
        out.append("")
    return out


def to_markdown(doc: SupervisionDoc, names: Mapping[str, str], zone: ZoneInfo, today: date,
                version: int | None = None) -> str:
    """The record as Markdown: heading, status, every field with its label, then the footer."""
    v = view(doc, names, zone, today, version)
    parts = [f"# {md_line(v.title)}", "", *_md_fields(v.about), *_md_fields(v.fields)]
    if v.actions is not None:
        parts += ["## Agreed actions", ""]
        if v.actions:
            parts += ["| " + " | ".join(ACTION_COLUMNS) + " |",
                      "|" + "|".join("---" for _ in ACTION_COLUMNS) + "|"]
            parts += ["| " + " | ".join(_md_cell(cell) for cell in row) + " |"
                      for row in v.actions]
        else:
            parts.append(EMPTY)
        parts.append("")
    parts += _md_fields(v.after)
    parts += ["---", "", "  \n".join(v.footer)]
    return "\n".join(parts) + "\n"


# --- PDF ---

TITLE_SIZE, LABEL_SIZE, BODY, SMALL = 16.0, 11.0, 10.5, 8.5


def line_height(size: float) -> float:
    return size * PT * 1.3


class Writer:
    """Lines down the page, starting a new page when one is full."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.y = MARGIN_TOP
        self.lost: list[str] = []

    def clean(self, text: str, where: str) -> str:
        shown, lost = self.page.clean(text)
        if lost and where not in self.lost:
            self.lost.append(where)
        return shown

    def need(self, height: float) -> None:
        """A new page unless *height* still fits above the page number."""
        if self.y + height > BOTTOM - 6:
            self.page.pdf.add_page()
            self.y = MARGIN_TOP

    def line(self, text: str, size: float, bold: bool = False) -> None:
        pdf, height = self.page.pdf, line_height(size)
        self.need(height)
        self.page.use(size, bold)
        pdf.set_xy(MARGIN_X, self.y)
        pdf.cell(pdf.epw, height, text, align="L")
        self.y += height

    def text(self, text: str, size: float, bold: bool = False, where: str = "") -> None:
        for line in self.page.wrap(self.clean(text, where), size, bold):
            self.line(line, size, bold)

    def gap(self, mm: float) -> None:
        self.y += mm

    def rule(self) -> None:
        if self.y + 2 > BOTTOM - 6:
            return
        pdf = self.page.pdf
        pdf.set_line_width(0.3)
        pdf.line(MARGIN_X, self.y, MARGIN_X + pdf.epw, self.y)


def _pdf_fields(w: Writer, fields: Sequence[Field]) -> None:
    for f in fields:
        body = "\n".join(f.lines) or EMPTY
        if f.long:
            w.gap(1.5)
            w.need(line_height(LABEL_SIZE) + line_height(BODY))  # a heading never ends a page
            w.text(f.label, LABEL_SIZE, bold=True, where=f.label)
            w.text(body, BODY, where=f.label)
        else:
            w.text(f"{f.label}: {body}", BODY, where=f.label)


def render_pdf(doc: SupervisionDoc, names: Mapping[str, str], zone: ZoneInfo, today: date,
               version: int | None = None,
               fonts: Iterable[FontFiles] | None = None) -> PdfExport:
    """The record as an A4 PDF of as many pages as it needs. *fonts* replaces the system fonts
    tried; `lost` names the parts that had characters the font cannot show."""
    v = view(doc, names, zone, today, version)
    page = Page(tuple(font_candidates() if fonts is None else fonts))
    pdf = page.pdf
    # A neutral title and no author: the file's details say nothing about whose record it is.
    pdf.set_title("Supervision agreement" if doc.type == "agreement" else "Supervision record")
    pdf.set_text_color(0, 0, 0)
    pdf.set_draw_color(0, 0, 0)
    w = Writer(page)
    w.text(v.title, TITLE_SIZE, bold=True, where="Title")
    w.gap(2)
    _pdf_fields(w, v.about)
    w.gap(2)
    w.rule()
    w.gap(2)
    _pdf_fields(w, v.fields)
    if v.actions is not None:
        w.gap(1.5)
        w.need(line_height(LABEL_SIZE) + line_height(BODY) + line_height(SMALL))
        w.text("Agreed actions", LABEL_SIZE, bold=True)
        if not v.actions:
            w.text(EMPTY, BODY)
        for n, (text, owner, due, status) in enumerate(v.actions, 1):
            w.need(line_height(BODY) + line_height(SMALL))  # an action and its owner stay together
            w.text(f"{n}. {text}", BODY, where="Agreed actions")
            w.text(f"Owner: {owner}   Due: {due}   Status: {status}", SMALL,
                   where="Agreed actions")
            w.gap(1)
    _pdf_fields(w, v.after)
    w.gap(3)
    w.rule()
    w.gap(2)
    for line in v.footer:
        w.text(line, SMALL)
    pages = pdf.pages_count
    for n in range(1, pages + 1):
        pdf.page = n
        page.use(SMALL)
        pdf.set_xy(MARGIN_X, BOTTOM - 4)
        pdf.cell(pdf.epw, line_height(SMALL), f"Page {n} of {pages}", align="R")
    return PdfExport(bytes(pdf.output()), page.font_name, tuple(w.lost), ())


def to_pdf(doc: SupervisionDoc, names: Mapping[str, str], zone: ZoneInfo, today: date,
           version: int | None = None) -> bytes:
    """The record as an A4 PDF."""
    return render_pdf(doc, names, zone, today, version).data


# --- the copy on disk ---


@dataclass(frozen=True)
class Exported:
    """A plaintext copy written: where, and the parts the PDF's font could not show."""

    path: Path
    lost: tuple[str, ...] = ()


def may_export(sup: Supervision) -> None:
    """Refuse (KitError) a plaintext copy from a vault the keyring opened: said before the
    person is asked where to write it."""
    from kit.reports.plaintext import require_passphrase

    require_passphrase(sup.workspace.vault)


def export(sup: Supervision, doc: SupervisionDoc, fmt: str, path: Path, *,
           overwrite: bool = False) -> Exported:
    """Write *doc* to *path* as *fmt* (md or pdf), NOT encrypted. Refused (nothing written)
    where the keyring opened the vault (a plaintext copy takes the passphrase), or where
    *path* is taken and not to be overwritten."""
    from kit.chosen_file import check_chosen_path
    from kit.reports.plaintext import write_plaintext

    if fmt not in ("md", "pdf"):
        raise ValueError(f"no supervision record export as {fmt!r}")
    may_export(sup)
    vault = sup.workspace.vault
    target = check_chosen_path(path, overwrite=overwrite)  # said before the PDF is made
    if fmt == "md":
        data = to_markdown(doc, sup.names(), sup.zone, sup.today()).encode("utf-8")
        return Exported(write_plaintext(vault, target, data, overwrite))
    rendered = render_pdf(doc, sup.names(), sup.zone, sup.today())
    return Exported(write_plaintext(vault, target, rendered.data, overwrite), rendered.lost)
