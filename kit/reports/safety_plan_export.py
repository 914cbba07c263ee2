"""The safety plan on paper: Markdown to read or edit, and a one-page A4 PDF to print and keep
by the phone. Both are plaintext; the command writes them through kit.reports.plaintext.

The PDF is always exactly one page. Empty parts become ruled lines to fill in by hand (with the
part's hint in small print), long parts are set smaller, and if that is still not enough the
longest parts are cut with a clear "(continued in the kit)" marker. fpdf2's built-in fonts know
only Western European characters, so a Unicode font from the system is used when one is found;
whatever a font cannot show is replaced, and the parts that lost characters are named so the
command can tell the user.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from kit.records.safety_plan import SAFETY_FIELDS, Contact, SafetyPlanDocument
from kit.wellbeing.helplines import EMERGENCY, Helpline, helplines_for

if TYPE_CHECKING:
    from fpdf import FPDF

    from kit.guidance.service import Prepare
    from kit.records.document import PlanField

TITLE = "My safety plan"
NOT_FILLED = "Not filled in yet"
CONTINUED = "(continued in the kit)"
PRIVATE = ("This is a private copy of your safety plan, not encrypted: keep it somewhere safe "
           "and destroy it when you no longer need it.")


def _written(today: date) -> str:
    return f"Written on {today.day} {today:%B %Y}."


def _support(region: str) -> list[Helpline]:
    """The helplines for *region* (where the user lives: config.region), the Professionals
    Online Safety Helpline first: it is the one meant for a professional targeted online."""
    return sorted(helplines_for(region), key=lambda h: h.id != "posh")


def _support_lines(region: str, hours: bool = True) -> list[str]:
    """The helplines in a line each; without *hours*, only how to reach each (the printed
    page's last resort for room, before any of the user's own words are cut)."""
    return [f"{h.name_for(region)}: {h.action}" + (f" ({h.hours})" if hours else "")
            for h in _support(region)]


def _part_lines(plan: SafetyPlanDocument, f: PlanField) -> list[str]:
    """A part as lines of text; empty when the part is not filled in."""
    value = getattr(plan, f.key)
    if f.kind == "contacts":
        return [f"{c.name}: {c.how}" for c in value]
    if f.kind == "date":
        return [f"{value.day} {value:%B %Y}"] if value else []
    text: str = value.strip()
    return text.splitlines() if text else []


_CODE = re.compile(r"`([^`\n]*)`")


def printed(text: str) -> str:
    """The kit's own words as they go on paper: without the backticks that mark a command or
    a name on screen and in Markdown (a printed page shows them as stray characters)."""
    return _CODE.sub(r"\1", text)


# --- Markdown ---


# A line that Markdown would read as a heading, quote, list item, rule, fence or table row.
_MD_BLOCK = re.compile(r"^(\s*)([#>|]|[-+*](?=\s|$)|[-=*_]{3,}\s*$|```|~~~)")
_MD_NUMBERED = re.compile(r"^(\s*\d{1,9})([.)])(?=\s|$)")


def md_line(line: str) -> str:
    """The user's line, escaped so it cannot change the document's shape."""
    line = _MD_NUMBERED.sub(r"\1\\\2", line, count=1)
    return _MD_BLOCK.sub(r"\1\\\2", line, count=1)


def to_markdown(plan: SafetyPlanDocument, today: date, region: str = "uk") -> str:
    """The plan as Markdown: every part under its label, then where to find support (the
    lines for *region*, where the user lives)."""
    parts = [f"# {TITLE}", "", _written(today) + " " + PRIVATE, "", f"**{EMERGENCY}**", ""]
    for f in SAFETY_FIELDS:
        parts += [f"## {f.label}", ""]
        lines = _part_lines(plan, f)
        if not lines:
            parts += [f"_{NOT_FILLED}._ {f.hint}", ""]
        elif f.kind == "contacts":
            parts += [f"- {md_line(line)}" for line in lines] + [""]
        else:
            # Two trailing spaces keep the user's line breaks when the Markdown is rendered.
            parts += ["  \n".join(md_line(line) for line in lines), ""]
    parts += ["---", "", "## Support", "", f"**{EMERGENCY}**", ""]
    for h in _support(region):
        parts.append(f"- **{h.name_for(region)}**: {h.action} ({h.hours}). {h.who_for} "
                     f"Source: <{h.source_url}>. {h.checked}.")
    return "\n".join(parts) + "\n"


# --- PDF ---


class FontFiles(NamedTuple):
    regular: Path
    bold: Path | None = None
    number: int = 0  # the font's number inside a .ttc collection


def font_candidates() -> tuple[FontFiles, ...]:
    """Unicode fonts commonly found on each system, best first."""
    if sys.platform == "win32":  # pragma: no cover - the tests run on Linux
        fonts = Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"
        return (FontFiles(fonts / "arial.ttf", fonts / "arialbd.ttf"),
                FontFiles(fonts / "segoeui.ttf", fonts / "segoeuib.ttf"))
    if sys.platform == "darwin":  # pragma: no cover
        supplemental = Path("/System/Library/Fonts/Supplemental")
        return (FontFiles(supplemental / "Arial Unicode.ttf"),
                FontFiles(Path("/Library/Fonts/Arial Unicode.ttf")),
                FontFiles(supplemental / "Arial.ttf", supplemental / "Arial Bold.ttf"),
                FontFiles(Path("/System/Library/Fonts/Helvetica.ttc")))
    found = []
    for folder in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/dejavu",
                   "/usr/share/fonts/TTF", "/usr/share/fonts/dejavu-sans-fonts"):
        found.append(FontFiles(Path(folder, "DejaVuSans.ttf"), Path(folder, "DejaVuSans-Bold.ttf")))
    for folder in ("/usr/share/fonts/truetype/liberation", "/usr/share/fonts/truetype/liberation2",
                   "/usr/share/fonts/liberation-sans", "/usr/share/fonts/liberation"):
        found.append(FontFiles(Path(folder, "LiberationSans-Regular.ttf"),
                               Path(folder, "LiberationSans-Bold.ttf")))
    return tuple(found)


@dataclass(frozen=True)
class PdfExport:
    data: bytes
    font: str  # the font the page is set in, for the user: "DejaVuSans.ttf" or a core font
    lost: tuple[str, ...]  # labels of the parts that lost characters the font cannot show
    cut: tuple[str, ...]  # labels of the parts cut short to stay on one page


# Typographic characters the core fonts lack, with a plain stand-in: no meaning is lost.
_PLAIN = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2212": "-", "\u2032": "'",
                        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u200b": ""})

MARGIN_X, MARGIN_TOP = 15.0, 12.0
BOTTOM = 297.0 - 12.0  # A4, less the bottom margin
RULED_GAP = 7.0  # millimetres between ruled lines: room for handwriting
PT = 25.4 / 72  # millimetres in a point
SCALES = (1.0, 0.95, 0.9, 0.85, 0.8)  # the smallest keeps body text at 8.8 pt
BODY, LABEL, SMALL, HEADING = 11.0, 11.5, 8.5, 18.0
RULED_LINES = {"contacts": 3, "text": 2, "date": 1}
ROOMY = {"household_plan", "if_police_arrive"}  # parts that need more room to write by hand


class Page:
    """An fpdf2 page with one font set up, and the measuring the layout needs."""

    def __init__(self, fonts: Sequence[FontFiles]) -> None:
        from fpdf import FPDF
        from fpdf.fonts import TTFFont

        pdf = FPDF(orientation="P", unit="mm", format="A4")
        pdf.set_auto_page_break(False)
        pdf.set_margins(MARGIN_X, MARGIN_TOP, MARGIN_X)
        pdf.core_fonts_encoding = "windows-1252"
        # A neutral title and no author: the file says nothing about whose plan it is.
        pdf.set_title("Safety plan")
        pdf.set_lang("en-GB")
        self.pdf: FPDF = pdf
        self.family, self.font_name, self.bold = "helvetica", "Helvetica (built in)", "B"
        for files in fonts:
            if self._try_font(files):
                break
        self.can_show: Callable[[str], bool] = _cp1252
        font = pdf.fonts.get(self.family)
        if isinstance(font, TTFFont):
            cmap = font.cmap
            self.can_show = lambda ch: ord(ch) in cmap
        pdf.add_page()

    def _try_font(self, files: FontFiles) -> bool:
        if not files.regular.is_file():
            return False
        try:
            self.pdf.add_font("kitsans", "", files.regular,
                              collection_font_number=files.number)
            if files.bold is not None and files.bold.is_file():
                self.pdf.add_font("kitsans", "B", files.bold,
                                  collection_font_number=files.number)
                self.bold = "B"
            else:
                self.bold = ""  # no bold face: headings are still set larger
        except Exception:  # any font file fpdf2 cannot read: try the next one
            self.pdf.fonts.pop("kitsans", None)
            self.pdf.fonts.pop("kitsansb", None)
            return False
        self.family, self.font_name = "kitsans", files.regular.name
        return True

    def clean(self, text: str) -> tuple[str, bool]:
        """*text* with what the font cannot show replaced by '?'; True if anything was."""
        text = unicodedata.normalize("NFC", text).replace("\t", "    ").translate(_PLAIN)
        shown = "".join(ch if ch == "\n" or self.can_show(ch) else "?" for ch in text)
        return shown, shown != text

    def use(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font(self.family, self.bold if bold else "", size)

    def wrap(self, text: str, size: float, bold: bool = False) -> list[str]:
        """*text* broken into lines that fit the page width, at the first space that will do.

        Our own greedy wrap, not fpdf2's multi_cell: that one re-measures the whole line for
        every character, which took seconds for a long part at each trial size."""
        self.use(size, bold)
        room = self.pdf.epw - 2 * self.pdf.c_margin  # cell() pads the text on both sides
        widths: dict[str, float] = {}

        def measure(word: str) -> float:
            # One fpdf2 call per character seen: measuring whole words each time was slow.
            for ch in set(word) - widths.keys():
                widths[ch] = self.pdf.get_string_width(ch)
            return sum(widths[ch] for ch in word)

        space = measure(" ")
        lines: list[str] = []
        for paragraph in text.splitlines() or [""]:
            line, used = "", 0.0
            for word in paragraph.split(" "):
                width = measure(word)
                if line and used + space + width <= room:
                    line, used = f"{line} {word}", used + space + width
                    continue
                if line:
                    lines.append(line)
                line, used = word, width
                while used > room:  # a word longer than the line, such as a link
                    low, high = 1, len(line) - 1  # the longest start of it that fits
                    while low < high:
                        middle = (low + high + 1) // 2
                        low, high = (middle, high) if measure(line[:middle]) <= room \
                            else (low, middle - 1)
                    lines.append(line[:low])
                    line = line[low:]
                    used = measure(line)
            lines.append(line or " ")
        return lines


def _cp1252(ch: str) -> bool:
    try:
        ch.encode("windows-1252")
    except UnicodeEncodeError:
        return False
    return ch >= " "


def _line_height(size: float) -> float:
    return size * PT * 1.3


def _small(scale: float) -> float:
    """Small print (hints, the support lines) shrinks too, but never below 7.5 pt."""
    return max(SMALL * scale, 7.5)


class _Block(NamedTuple):
    key: str
    label: str
    lines: list[str]  # the user's text, wrapped; empty for a part not filled in
    hint: list[str]  # the hint, wrapped, shown in small print above ruled lines
    ruled: int


@dataclass(frozen=True)
class _Layout:
    scale: float
    blocks: tuple[_Block, ...]
    header: tuple[str, ...]
    support: tuple[str, ...]
    keep: Mapping[str, int]  # lines a cut part keeps, the marker included


def _layout(page: Page, plan: SafetyPlanDocument, support: Sequence[str], today: date,
            scale: float) -> _Layout:
    blocks = []
    for f in SAFETY_FIELDS:
        text = "\n".join(_part_lines(plan, f))
        if text:
            blocks.append(_Block(f.key, f.label, page.wrap(text, BODY * scale), [], 0))
        else:
            ruled = RULED_LINES[f.kind] + (1 if f.key in ROOMY else 0)
            blocks.append(_Block(f.key, f.label, [], page.wrap(printed(f.hint), _small(scale)),
                                 ruled))
    header = page.wrap(f"{_written(today)} {PRIVATE}", _small(scale))
    wrapped = [w for line in support for w in page.wrap(printed(line), _small(scale))]
    return _Layout(scale, tuple(blocks), tuple(header), tuple(wrapped), {})


def _fit(page: Page, plan: SafetyPlanDocument, support: Sequence[str],
         short_support: Sequence[str], today: date) -> _Layout:
    """The largest scale at which the plan fits the page. At the smallest, room is found in
    this order, so that the user's own words are the last thing cut: the support lines lose
    their hours (the kit has them), the parts not filled in give up ruled lines down to one
    each, and then the longest parts give up a line at a time."""
    for scale in SCALES:
        layout = _layout(page, plan, support, today, scale)
        if _draw(page, layout, dry=True) <= BOTTOM:
            return layout
    layout = _layout(page, plan, short_support, today, layout.scale)
    while _draw(page, layout, dry=True) > BOTTOM:
        roomiest = max(layout.blocks, key=lambda b: b.ruled)
        if roomiest.ruled <= 1:
            break
        layout = dataclasses.replace(layout, blocks=tuple(
            b._replace(ruled=b.ruled - 1) if b is roomiest else b for b in layout.blocks))
    keep = {b.key: len(b.lines) for b in layout.blocks if b.lines}
    full = dict(keep)
    step = _line_height(BODY * layout.scale)
    while (over := _draw(page, layout, dry=True) - BOTTOM) > 0:
        for _ in range(max(1, math.ceil(over / step))):
            key = max(keep, key=lambda k: keep[k], default=None)
            if key is None or keep[key] <= 2:  # pragma: no cover - shown to fit in the tests
                raise RuntimeError("the safety plan cannot be fitted on one page")
            keep[key] -= 1
        layout = dataclasses.replace(layout, keep={k: n for k, n in keep.items()
                                                   if n < full[k]})
    return layout


def render_pdf(plan: SafetyPlanDocument, today: date,
               fonts: Iterable[FontFiles] | None = None, region: str = "uk") -> PdfExport:
    """The plan on exactly one A4 page, with the support lines for *region* (where the user
    lives). *fonts* replaces the system fonts tried (the tests pass none to see the built-in
    fallback)."""
    page = Page(tuple(font_candidates() if fonts is None else fonts))
    changes: dict[str, Any] = {}
    lost: list[str] = []
    for f in SAFETY_FIELDS:
        value = getattr(plan, f.key)
        if f.kind == "text":
            changes[f.key], changed = page.clean(value)
        elif f.kind == "contacts":
            pairs = [(page.clean(c.name), page.clean(c.how)) for c in value]
            changes[f.key] = tuple(Contact(n, h) for (n, _), (h, _) in pairs)
            changed = any(n_lost or h_lost for (_, n_lost), (_, h_lost) in pairs)
        else:
            continue
        if changed:
            lost.append(f.label)
    shown = dataclasses.replace(plan, **changes)
    support = [page.clean(line)[0] for line in _support_lines(region)]
    short_support = [page.clean(line)[0] for line in _support_lines(region, hours=False)]
    layout = _fit(page, shown, support, short_support, today)
    _draw(page, layout)
    if page.pdf.pages_count != 1:  # pragma: no cover - the layout above rules it out
        raise RuntimeError("the safety plan did not fit on one page")
    labels = {f.key: f.label for f in SAFETY_FIELDS}
    return PdfExport(bytes(page.pdf.output()), page.font_name, tuple(lost),
                     tuple(labels[key] for key in layout.keep))


def to_pdf(plan: SafetyPlanDocument, today: date) -> bytes:
    """The plan as a one-page A4 PDF."""
    return render_pdf(plan, today).data


def _draw(page: Page, layout: _Layout, dry: bool = False) -> float:
    """Set the page out (or with *dry*, only measure it); returns where the text ends."""
    pdf, scale = page.pdf, layout.scale
    width = pdf.epw
    y = MARGIN_TOP

    def write(text: str, size: float, bold: bool = False) -> None:
        nonlocal y
        height = _line_height(size)
        if not dry:
            page.use(size, bold)
            pdf.set_xy(MARGIN_X, y)
            pdf.cell(width, height, text, align="L")
        y += height

    def rule(thickness: float, inset: float = 0) -> None:
        if not dry:
            pdf.set_line_width(thickness)
            pdf.line(MARGIN_X + inset, y, MARGIN_X + width - inset, y)

    if not dry:
        pdf.set_text_color(0, 0, 0)
        pdf.set_draw_color(0, 0, 0)
    write(TITLE, HEADING * scale, bold=True)
    for line in layout.header:
        write(line, _small(scale))
    y += 1.5 * scale
    write(page.clean(EMERGENCY)[0], BODY * scale, bold=True)
    y += 1 * scale
    rule(0.5)
    y += 1.5 * scale
    for block in layout.blocks:
        write(block.label, LABEL * scale, bold=True)
        y += 0.5 * scale
        if block.lines:
            keep = layout.keep.get(block.key)
            for line in block.lines if keep is None else block.lines[: keep - 1]:
                write(line, BODY * scale)
            if keep is not None:
                write(CONTINUED, BODY * scale, bold=True)
        else:
            for line in block.hint:
                write(line, _small(scale))
            for _ in range(block.ruled):
                y += RULED_GAP * scale
                rule(0.2, inset=1)
        y += 1.5 * scale
    y += 2 * scale
    rule(0.5)
    y += 2 * scale
    write("Support", BODY * scale, bold=True)
    for line in layout.support:
        write(line, _small(scale))
    return y


@dataclass(frozen=True)
class Exported:
    """A plaintext copy written: where, and what the person should be told about it."""

    path: Path
    fmt: str
    empty: bool  # a blank form to fill in by hand
    font: str | None = None  # the PDF's font
    lost: tuple[str, ...] = ()  # parts with characters the PDF's font cannot show
    cut: tuple[str, ...] = ()  # parts cut short to stay on one page


def export(prepare: Prepare, fmt: str, path: Path, *, today: date, region: str,
           overwrite: bool = False) -> Exported:
    """Write the saved safety plan, read through the Prepare service, to *path* as *fmt* (md
    or pdf), NOT encrypted: the one way the command line and the app make the copy. Refused
    (nothing written) where the keyring opened the vault, or where *path* is taken and not to
    be overwritten; *region* gives the support lines."""
    from kit.chosen_file import check_chosen_path
    from kit.reports.plaintext import require_passphrase, write_plaintext

    if fmt not in ("md", "pdf"):
        raise ValueError(f"no safety plan export as {fmt!r}")
    require_passphrase(prepare.vault)
    target = check_chosen_path(path, overwrite=overwrite)  # said before the PDF is made
    plan = prepare.safety_plan()
    if fmt == "md":
        written = write_plaintext(prepare.vault, target,
                                  to_markdown(plan, today, region).encode("utf-8"), overwrite)
        return Exported(written, fmt, plan.is_empty)
    rendered = render_pdf(plan, today, region=region)
    written = write_plaintext(prepare.vault, target, rendered.data, overwrite)
    return Exported(written, fmt, plan.is_empty, rendered.font, rendered.lost, rendered.cut)
