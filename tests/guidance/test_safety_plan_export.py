"""The safety plan on paper: Markdown, and a PDF read back with poppler's own tools."""

from __future__ import annotations

import re
import subprocess
import tempfile
from datetime import date
from pathlib import Path

import pytest

from kit.records.safety_plan import SAFETY_FIELDS, TEXT_FIELDS, Contact, SafetyPlanDocument
from kit.reports.safety_plan_export import (
    CONTINUED,
    NOT_FILLED,
    FontFiles,
    font_candidates,
    render_pdf,
    to_markdown,
    to_pdf,
)
from kit.wellbeing.helplines import EMERGENCY, helplines

TODAY = date(2026, 11, 23)
PLAN = SafetyPlanDocument(
    trusted_people=(Contact("Sam Jones", "07700 900123"), Contact("Priya", "priya@example.org")),
    police_references="CAD 4411, 23 Nov 2026, Devon and Cornwall Police\nCrime 01/234567/26",
    household_plan="Meet at the corner shop.\nMum takes the dog.",
    review_date=date(2027, 2, 1),
)


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "plan.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def pdf_info(data: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True,
                         check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in
                                                 out.splitlines())}


def words(text: str) -> str:
    """Text with every run of spaces and line breaks made one space (pdftotext lays out)."""
    return re.sub(r"\s+", " ", text)


def system_font() -> FontFiles:
    found = [f for f in font_candidates() if f.regular.is_file()]
    if not found:
        pytest.skip("no Unicode font (DejaVu Sans or Liberation Sans) on this system; the "
                    "built-in font cannot show non-Latin-1 text, which another test covers")
    return found[0]


# --- Markdown ---


def test_markdown_has_every_label_the_text_and_support() -> None:
    text = to_markdown(PLAN, TODAY)
    assert text.startswith("# My safety plan\n")
    assert "Written on 23 November 2026." in text and "not encrypted" in text
    for f in SAFETY_FIELDS:
        assert f"\n## {f.label}\n" in text
    assert "- Sam Jones: 07700 900123\n- Priya: priya@example.org" in text
    assert "CAD 4411, 23 Nov 2026, Devon and Cornwall Police  \nCrime 01/234567/26" in text
    assert "1 February 2027" in text
    empty = [f for f in SAFETY_FIELDS if not getattr(PLAN, f.key)]
    assert text.count(f"_{NOT_FILLED}._") == len(empty) == 5
    # An empty part carries its hint, so the advice for armed police is there to read.
    assert "hands empty and where they can see them" in text
    assert EMERGENCY in text and "999" in text
    assert "Professionals Online Safety Helpline**: Call 0344 381 4772" in text
    assert "helpline@saferinternet.org.uk" in text and "Monday to Friday, 10:00 to 16:00" in text


def test_markdown_keeps_the_users_lines_from_changing_its_shape() -> None:
    plan = SafetyPlanDocument(household_plan="# not a heading\n1. not a list\n---\nplain # b",
                              trusted_people=(Contact("- Sam", "0770"),))
    text = to_markdown(plan, TODAY)
    assert "\\# not a heading  \n1\\. not a list  \n\\---  \nplain # b" in text
    assert "- \\- Sam: 0770" in text
    assert text.count("\n## ") == len(SAFETY_FIELDS) + 1  # the parts and "Support"


# --- PDF ---


def test_pdf_is_one_page_with_the_labels_and_the_text(tmp_path: Path) -> None:
    data = to_pdf(PLAN, TODAY)
    assert data.startswith(b"%PDF-")
    shown = pdf_text(data, tmp_path)
    for f in SAFETY_FIELDS:
        assert f.label in shown
    for piece in ("Sam Jones: 07700 900123", "Priya: priya@example.org",
                  "CAD 4411, 23 Nov 2026, Devon and Cornwall Police", "Crime 01/234567/26",
                  "Meet at the corner shop.", "Mum takes the dog.", "1 February 2027",
                  "Written on 23 November 2026", "call 999",
                  "Professionals Online Safety Helpline: Call 0344 381 4772"):
        assert piece in shown, piece
    assert CONTINUED not in shown
    info = pdf_info(data, tmp_path)
    assert info["Pages"] == "1" and info["Page size"].endswith("(A4)")
    # A neutral title; nothing about whose plan it is.
    assert info["Title"] == "Safety plan" and "Author" not in info
    assert "Subject" not in info and "Keywords" not in info


def test_an_empty_plan_is_a_form_to_fill_in(tmp_path: Path) -> None:
    result = render_pdf(SafetyPlanDocument(), TODAY)
    assert result.cut == () and result.lost == ()
    shown = words(pdf_text(result.data, tmp_path))
    for f in SAFETY_FIELDS:
        assert f.label in shown
        assert words(f.hint)[:40] in shown  # the hint says what to write on the lines
    assert pdf_info(result.data, tmp_path)["Pages"] == "1"


@pytest.mark.parametrize("region", ["uk", "scotland", "northern-ireland"])
def test_an_empty_form_lists_every_support_line_for_where_you_live(tmp_path: Path,
                                                                  region: str) -> None:
    # The emptiest plan needs the most room (ruled lines to write on): however many support
    # lines there are, each is printed, and the form stays on one page.
    result = render_pdf(SafetyPlanDocument(), TODAY, region=region)
    shown = words(pdf_text(result.data, tmp_path))
    assert result.cut == () and pdf_info(result.data, tmp_path)["Pages"] == "1"
    for line in helplines():
        listed = line.applies_to(region)
        assert (words(f"{line.name_for(region)}: {line.action}") in shown) == listed, line.id
    markdown = to_markdown(SafetyPlanDocument(), TODAY, region)
    assert all((f"**{line.name_for(region)}**" in markdown) == line.applies_to(region)
               for line in helplines())


def test_long_text_in_every_part_still_fits_on_one_page(tmp_path: Path) -> None:
    long = "Call Sam first, then the police, and keep every message. " * 60
    plan = SafetyPlanDocument(
        trusted_people=tuple(Contact(f"Person {n}", f"07700 900{n:03}") for n in range(40)),
        **{f.key: f"{f.label} starts here. {long}" for f in TEXT_FIELDS},
        review_date=date(2027, 1, 1))
    result = render_pdf(plan, TODAY)
    assert pdf_info(result.data, tmp_path)["Pages"] == "1"
    assert set(result.cut) == {f.label for f in SAFETY_FIELDS if f.kind != "date"}
    shown = pdf_text(result.data, tmp_path)
    assert shown.count(CONTINUED) == len(result.cut)
    for f in SAFETY_FIELDS:
        assert f.label in shown
    for f in TEXT_FIELDS:
        assert f"{f.label} starts here." in shown  # the start of each part is kept
    assert "Person 0: 07700 900000" in shown and "1 January 2027" in shown
    assert "Professionals Online Safety Helpline" in shown  # the footer is never pushed off


def test_text_a_little_too_long_is_set_smaller_not_cut(tmp_path: Path) -> None:
    middling = "We agreed this together at the kitchen table. " * 9
    plan = SafetyPlanDocument(**{f.key: middling for f in TEXT_FIELDS})
    result = render_pdf(plan, TODAY)
    assert result.cut == ()
    shown = words(pdf_text(result.data, tmp_path))
    assert shown.count(words(middling).strip()) == len(TEXT_FIELDS)  # every word of each part
    assert pdf_info(result.data, tmp_path)["Pages"] == "1"


def test_a_word_longer_than_the_line_is_broken_not_lost(tmp_path: Path) -> None:
    link = "https://example.org/" + "a" * 300
    result = render_pdf(SafetyPlanDocument(evidence_location=link), TODAY)
    shown = pdf_text(result.data, tmp_path)
    assert re.sub(r"\s", "", shown).count(link) == 1
    assert pdf_info(result.data, tmp_path)["Pages"] == "1"


def test_non_latin_names_survive_with_a_unicode_font(tmp_path: Path) -> None:
    font = system_font()
    plan = SafetyPlanDocument(trusted_people=(Contact("Łucja Wójcik", "07700 900123"),
                                              Contact("Олена Коваль", "07700 900456")),
                              household_plan="Zoë – the café “Rendez-vous” at 5 €")
    result = render_pdf(plan, TODAY, fonts=[font])
    assert result.font == font.regular.name and result.lost == ()
    shown = pdf_text(result.data, tmp_path)
    assert "Łucja Wójcik: 07700 900123" in shown and "Олена Коваль: 07700 900456" in shown
    assert "Zoë – the café “Rendez-vous” at 5 €" in shown


def test_without_a_unicode_font_lost_characters_are_named(tmp_path: Path) -> None:
    plan = SafetyPlanDocument(trusted_people=(Contact("Łucja", "07700 900123"),),
                              household_plan="Zoë – the café “Rendez-vous” at 5 €",
                              support_services="POSH 👍")
    result = render_pdf(plan, TODAY, fonts=[])
    assert "built in" in result.font
    assert result.lost == ("Trusted people", "Support services")  # cp1252 covers the rest
    shown = pdf_text(result.data, tmp_path)
    assert "?ucja: 07700 900123" in shown and "POSH ?" in shown
    assert "Zoë – the café “Rendez-vous” at 5 €" in shown
    assert pdf_info(result.data, tmp_path)["Pages"] == "1"


def test_a_font_file_that_cannot_be_read_is_passed_over(tmp_path: Path) -> None:
    broken = tmp_path / "Broken.ttf"
    broken.write_bytes(b"not a font at all")
    missing = FontFiles(tmp_path / "Missing.ttf")
    result = render_pdf(PLAN, TODAY, fonts=[missing, FontFiles(broken)])
    assert "built in" in result.font
    assert "Meet at the corner shop." in pdf_text(result.data, tmp_path)


def test_nothing_is_written_to_disk_while_rendering(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.chdir(scratch)
    render_pdf(PLAN, TODAY)
    assert list(scratch.iterdir()) == []


def test_printed_hints_and_support_lines_carry_no_markup(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A hint that names a command on screen (`like this`) prints without the backticks."""
    from kit.reports import safety_plan_export

    fields = tuple(f._replace(hint="See `kit incident list`.")
                   if f.key == "evidence_location" else f for f in SAFETY_FIELDS)
    monkeypatch.setattr(safety_plan_export, "SAFETY_FIELDS", fields)
    shown = words(pdf_text(to_pdf(SafetyPlanDocument(), TODAY), tmp_path))
    assert "See kit incident list." in shown and "`" not in shown
    assert "`" not in "".join(f.hint for f in SAFETY_FIELDS)  # nor in the shipped hints
