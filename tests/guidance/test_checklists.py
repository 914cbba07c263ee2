"""Checklist validation: every kind of mistake is found, and named by file, item and field."""

from __future__ import annotations

import os
import stat
from datetime import date
from pathlib import Path

import pytest

from kit.errors import BadInput, NotFound, UsageError
from kit.guidance import checklists
from kit.guidance.checklists import (
    MAX_FILE_BYTES,
    ChecklistError,
    Item,
    Library,
    Problem,
    Section,
    Source,
    load_library,
    parse_checklist,
    read_path,
    validate_path,
)
from tests.guidance.conftest import FIXTURES, VALID


def problems_in(text: str, name: str = "20-test.toml") -> list[Problem]:
    section, problems = parse_checklist(text.encode("utf-8"), name)
    assert (section is None) == bool(problems)
    return problems


def only(text: str) -> Problem:
    found = problems_in(text)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def breaking(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_a_valid_file_is_read_exactly(tmp_path: Path) -> None:
    path = tmp_path / "10-alpha.toml"
    path.write_text(VALID.replace('summary = "A made-up section for tests."',
                                  'summary = """\n  Two lines,\n  kept.\n"""'))
    sections, problems = read_path(path)
    assert problems == [] and validate_path(path) == []
    (section,) = sections
    assert (section.id, section.title, section.order, section.path) == ("alpha", "Alpha", 10,
                                                                         path)
    assert section.summary == "Two lines,\n  kept."
    one, two = section.items
    assert one == Item(
        id="alpha-one", title="Do the first thing", steps=("First step.", "Second step."),
        why="Because it matters.", priority="now", minutes=5, mode="prepare", regions=("uk",),
        sources=(Source("Example: a page", "https://example.org/one"),),
        last_verified=date(2026, 1, 10), recheck_days=90, stage=None, caution="",
        section="alpha")
    assert (two.stage, two.caution, two.recheck_days, two.regions) == (
        "evidence", "Not confirmed.", None, ("any",))
    assert one.priority_label == "Now" and two.priority_label == "This week"


def test_the_message_names_file_item_and_field() -> None:
    problem = only(breaking('priority = "now"', 'priority = "soon"'))
    assert problem == Problem("20-test.toml", "alpha-one", "priority",
                              '"soon" is not one of now, this-week, this-month, every-quarter')
    assert str(problem) == ('20-test.toml: item alpha-one: field priority: "soon" is not one '
                            'of now, this-week, this-month, every-quarter')
    assert problem.to_json()["text"] == str(problem)


@pytest.mark.parametrize(("old", "new", "item", "field", "words"), [
    ('minutes = 5\n', 'minutes = 5\ncolour = "blue"\n', "alpha-one", "colour",
     "is not part of checklist format version 1"),
    ('order = 10\n', 'order = 10\nicon = "x"\n', None, "section.icon",
     "is not part of checklist format version 1"),
    ('version = 1\n', 'version = 1\nauthor = "me"\n', None, "author", "allowed here"),
    ('url = "https://example.org/one"\n', 'url = "https://example.org/one"\nlang = "en"\n',
     "alpha-one", "sources[1].lang", "is not part of checklist format version 1"),
])
def test_unknown_fields_are_errors_everywhere(old: str, new: str, item: str | None,
                                              field: str, words: str) -> None:
    problem = only(breaking(old, new))
    assert (problem.item, problem.field) == (item, field)
    assert words in problem.message and "20-test.toml" in str(problem)


def test_a_duplicate_id_within_a_file() -> None:
    problem = only(breaking('id = "alpha-two"', 'id = "alpha-one"'))
    assert (problem.item, problem.field) == ("alpha-one", "id")
    assert "already used by item #1 in this file" in problem.message


def test_a_duplicate_id_across_files_of_a_folder(tmp_path: Path) -> None:
    (tmp_path / "10-a.toml").write_text(VALID)
    other = VALID.replace('id = "alpha"', 'id = "beta"').replace("alpha-two", "beta-two")
    (tmp_path / "20-b.toml").write_text(other)
    (problem,) = validate_path(tmp_path)
    assert problem.path == f"{tmp_path}/20-b.toml"
    assert (problem.item, problem.field) == ("alpha-one", "id")
    assert f"already used in {tmp_path}/10-a.toml" in problem.message
    assert str(problem).startswith(f"{tmp_path}/20-b.toml: item alpha-one: field id: ")


def test_a_duplicate_section_id_across_files(tmp_path: Path) -> None:
    (tmp_path / "10-a.toml").write_text(VALID)
    (tmp_path / "20-b.toml").write_text(VALID.replace("alpha-", "other-"))
    (problem,) = validate_path(tmp_path)
    assert (problem.path, problem.item, problem.field) == (f"{tmp_path}/20-b.toml", None,
                                                           "section.id")


def test_a_duplicate_id_across_folders_stops_the_load(tmp_path: Path,
                                                      shipped_fixtures: Path) -> None:
    org = tmp_path / "org"
    org.mkdir()
    (org / "50-org.toml").write_text(VALID.replace('"alpha-two"', '"prep-2fa"'))
    with pytest.raises(ChecklistError) as caught:
        load_library([org])
    (problem,) = caught.value.problems
    assert (problem.path, problem.item, problem.field) == (f"{org}/50-org.toml", "prep-2fa",
                                                           "id")
    assert "already used in checklists/20-prepare.toml" in problem.message
    assert isinstance(caught.value, BadInput) and caught.value.exit_code == 1
    assert str(problem) in caught.value.message
    # Checking the organisation's folder on its own finds the same clash with the kit's own.
    assert [str(p) for p in validate_path(org, alongside=[shipped_fixtures])] == [str(problem)]
    assert validate_path(org) == []
    # A file of the folder alongside is not compared with itself.
    assert validate_path(shipped_fixtures / "20-prepare.toml", alongside=[shipped_fixtures]) == []


def test_bad_priority_mode_region_and_stage() -> None:
    cases = [
        (('mode = "prepare"', 'mode = "later"'), "mode", '"later" is not one of prepare'),
        (('regions = ["uk"]', 'regions = ["fr"]'), "regions",
         '"fr" is not one of uk, england, scotland'),
        (('regions = ["uk"]', 'regions = []'), "regions", "must be a list of one or more"),
        (('regions = ["uk"]', 'regions = ["uk", "uk"]'), "regions", "names a region twice"),
        (('stage = "evidence"', 'stage = "panic"'), "stage",
         '"panic" is not one of safety, tell, evidence, report, young-people, work, '
         'aftercare'),
        (('recheck_days = 90', 'recheck_days = 90\nstage = "safety"'), "stage",
         "mode must be incident or both"),
    ]
    for (old, new), field, words in cases:
        problem = only(breaking(old, new))
        assert problem.field == field and words in problem.message, str(problem)


def test_a_missing_source_and_missing_fields() -> None:
    text = breaking('[[items.sources]]\ntitle = "Example: a page"\n'
                    'url = "https://example.org/one"\n', "")
    problem = only(text)
    assert (problem.item, problem.field) == ("alpha-one", "sources")
    assert "is missing" in problem.message and "https" in problem.message
    problem = only(breaking('why = "Because it matters."\n', ""))
    assert (problem.item, problem.field, problem.message) == ("alpha-one", "why", "is missing")
    problem = only(breaking('url = "https://example.org/one"\n', ""))
    assert (problem.field, problem.message) == ("sources[1].url", "is missing")


@pytest.mark.parametrize(("url", "words"), [
    ("http://example.org/one", "must start with https://"),
    ("ftp://example.org/one", "must start with https://"),
    ("https://", "is not a well-formed web address"),
    ("https://localhost/x", "is not a well-formed web address"),
    ("https://user:pw@example.org/", "is not a well-formed web address"),
    ("https://exa mple.org/", "contains a space"),
    ("https://[::1/", "is not a well-formed web address"),
    ("example.org/one", "must start with https://"),
])
def test_links_must_be_well_formed_https(url: str, words: str) -> None:
    problem = only(breaking('"https://example.org/one"', f'"{url}"'))
    assert (problem.item, problem.field) == ("alpha-one", "sources[1].url")
    assert words in problem.message


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ("minutes = 5", 'minutes = "ten"', "minutes", 'from 1 to 480, not "ten"'),
    ("minutes = 5", "minutes = 0", "minutes", "from 1 to 480, not 0"),
    ("minutes = 5", "minutes = 481", "minutes", "from 1 to 480"),
    ("minutes = 5", "minutes = 5.5", "minutes", "not 5.5"),
    ("recheck_days = 90", "recheck_days = true", "recheck_days", "1 to 730, not true"),
    ("recheck_days = 90", "recheck_days = 731", "recheck_days", "1 to 730"),
    ('steps = ["First step.", "Second step."]', 'steps = "First step."', "steps",
     "must be a list of 1 to 12 steps"),
    ('steps = ["First step.", "Second step."]', "steps = []", "steps", "must be a list"),
    ('steps = ["First step.", "Second step."]', 'steps = ["ok", 3]', "steps",
     "step 2 must be text, not 3"),
    ('steps = ["First step.", "Second step."]', 'steps = ["ok", "  "]', "steps",
     "step 2 must not be empty"),
    ('steps = ["First step.", "Second step."]', "steps = [" + '"s", ' * 13 + "]", "steps",
     "has 13 steps; at most 12"),
    ('title = "Do the first thing"', 'title = ["Do it"]', "title", "must be text, not a list"),
    ('title = "Do the first thing"', f'title = "{"x" * 101}"', "title",
     "is 101 characters long; at most 100"),
    ('title = "Do the first thing"', 'title = "Do it\\u001b[2J"', "title",
     "control character U+001B"),
    ('title = "Do the first thing"', 'title = "Do it\\u202e"', "title",
     "control character U+202E"),
    ('id = "alpha-one"', 'id = "Alpha One"', "id", "3 to 64 lower-case letters"),
    ('id = "alpha-one"', 'id = "ab"', "id", "3 to 64 lower-case letters"),
    ('why = "Because it matters."', "why = {a = 1}", "why", "must be text, not a table"),
])
def test_bad_types_and_values(old: str, new: str, field: str, words: str) -> None:
    problem = only(breaking(old, new))
    assert problem.field == field and words in problem.message, str(problem)
    assert problem.item in ("alpha-one", "#1")
    # Whatever was in the file, the line printed holds no raw control characters.
    assert all(ch == " " or ch.isprintable() for ch in str(problem))


def test_an_item_without_a_usable_id_is_named_by_position() -> None:
    problem = only(breaking('id = "alpha-two"\n', ""))
    assert (problem.item, problem.field, problem.message) == ("#2", "id", "is missing")


@pytest.mark.parametrize(("value", "words"), [
    ('"2026-01-10"', 'TOML date such as 2026-01-31 (write it without quotes), not "2026-01-10"'),
    ("2026-01-10T10:00:00", "not 2026-01-10T10:00:00"),
    ("10:00:00", "not 10:00:00"),
    ("20260110", "not 20260110"),
])
def test_bad_dates(value: str, words: str) -> None:
    problem = only(breaking("last_verified = 2026-01-10", f"last_verified = {value}"))
    assert (problem.item, problem.field) == ("alpha-one", "last_verified")
    assert words in problem.message


def test_an_impossible_date_is_a_toml_error_naming_the_line() -> None:
    problem = only(breaking("last_verified = 2026-01-10", "last_verified = 2026-02-30"))
    assert (problem.path, problem.item, problem.field) == ("20-test.toml", None, None)
    assert "is not valid TOML" in problem.message


def test_a_toml_syntax_error_names_file_and_line() -> None:
    problem = only(breaking('why = "Because it matters."', 'why = "Because it matters.'))
    assert str(problem).startswith("20-test.toml: is not valid TOML: ")
    assert "line 14" in problem.message


def test_a_section_table_that_is_wrong() -> None:
    problem = only(breaking('order = 10', 'order = "first"'))
    assert (problem.item, problem.field) == (None, "section.order")
    problem = only(breaking('id = "alpha"', 'id = "Alpha!"'))
    assert problem.field == "section.id"
    text = VALID.split("[section]")[0] + VALID.split("order = 10\n")[1]
    problem = only(text)
    assert (problem.field, problem.message) == ("section", "is missing: each file needs a "
                                                "[section] table")
    problem = only(VALID.split("[[items]]")[0])
    assert problem.field == "items" and "at least one [[items]] table" in problem.message


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ('format = "frontline-kit-checklist"\n', "", "format", "is missing"),
    ('format = "frontline-kit-checklist"', 'format = "frontline-kit-instrument"', "format",
     "is not a Frontline Kit checklist file"),
    ("version = 1", "version = 3", "version", "made for a newer Frontline Kit"),
    ("version = 1", 'version = "1"', "version", 'must be 1 or 2, not "1"'),
    ("version = 1", "version = 0", "version", "must be 1 or 2, not 0"),
    ("version = 1", "version = true", "version", "must be 1 or 2, not true"),
    # An integer, as the format says: a float that equals 1 is still not one.
    ("version = 1", "version = 1.0", "version", "must be 1 or 2, not 1.0"),
    ("version = 1", "version = 2.0", "version", "must be 1 or 2, not 2.0"),
    ("version = 1\n", "", "version", "is missing"),
])
def test_wrong_format_or_version_stops_there(old: str, new: str, field: str,
                                             words: str) -> None:
    # Everything after the header is broken too, and nothing of it is reported: a newer file
    # may use fields this version does not know.
    text = breaking(old, new, VALID.replace('priority = "now"', 'priority = "soon"'))
    problem = only(text)
    assert (problem.item, problem.field) == (None, field)
    assert words in problem.message


def test_a_file_too_large_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    path.write_text(VALID + "#" * MAX_FILE_BYTES)
    (problem,) = validate_path(path)
    size = path.stat().st_size
    assert str(problem) == (f"{path}: is {size:,} bytes, larger than any checklist file can be "
                            "(at most 1 MiB)")


def test_every_problem_is_reported_at_once() -> None:
    text = breaking('priority = "now"', 'priority = "soon"')
    text = breaking("minutes = 10", "minutes = -1", text)
    text = breaking('url = "https://example.org/two"', 'url = "http://example.org/two"', text)
    text = breaking('title = "Alpha"', 'title = ""', text)
    found = {(p.item, p.field) for p in problems_in(text)}
    assert found == {("alpha-one", "priority"), ("alpha-two", "minutes"),
                     ("alpha-two", "sources[1].url"), (None, "section.title")}


def test_files_that_are_not_text_or_not_there(tmp_path: Path) -> None:
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\x00\xff\xfe garbage")
    assert [p.message for p in validate_path(binary)] == ["is not UTF-8 text"]
    assert [p.message for p in validate_path(tmp_path / "gone.toml")] == ["does not exist"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert [p.message for p in validate_path(empty)] == ["holds no checklist files (*.toml)"]
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    assert [p.message for p in validate_path(fifo)] == ["is a named pipe, not an ordinary file"]


def test_a_folder_of_junk_reports_each_file_and_ignores_the_rest(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("not a checklist")
    (tmp_path / ".#10-lock.toml").write_text("an editor's lock file")
    (tmp_path / "10-empty.toml").write_text("")
    (tmp_path / "20-nested.toml").write_text("a = " + "[" * 5000 + "]" * 5000)
    (tmp_path / "30-huge-int.toml").write_text("a = " + "9" * 5000)
    (tmp_path / "40-dir.toml").mkdir()
    found = {p.path.rsplit("/", 1)[1]: p.message for p in validate_path(tmp_path)}
    assert set(found) == {"10-empty.toml", "20-nested.toml", "30-huge-int.toml", "40-dir.toml"}
    assert "format: is missing" in str(validate_path(tmp_path / "10-empty.toml")[0])
    assert found["40-dir.toml"] == "is a folder, not an ordinary file"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.toml"
    path.write_text(VALID)
    path.chmod(0)
    try:
        assert [p.message for p in validate_path(path)] == ["cannot be read: Permission denied"]
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


# --- the library ---


def test_the_library_orders_sections_and_finds_items(fixture_library: Library) -> None:
    assert [s.id for s in fixture_library.sections] == ["now", "prepare"]
    assert list(fixture_library.items)[:2] == ["now-safe", "now-safe-us"]
    assert fixture_library.get("prep-2fa").title == "Turn on two-step verification"
    assert fixture_library.section("prepare").title == "Prepare"
    with pytest.raises(NotFound, match="did you mean prep-2fa"):
        fixture_library.get("prep-2af")
    with pytest.raises(NotFound, match="checklist list"):
        fixture_library.get("nothing-like-it")
    uk = {i.id for i in fixture_library.for_region("uk")}
    us = {i.id for i in fixture_library.for_region("us")}
    assert "now-safe" in uk and "now-safe-us" not in uk and "prep-brokers" not in uk
    assert "now-safe-us" in us and "now-safe" not in us and "prep-search" in us
    assert len(fixture_library.for_region("any")) == len(fixture_library.items)
    with pytest.raises(UsageError, match="not one of uk, england, scotland, wales"):
        fixture_library.for_region("fr")


def test_a_lower_order_comes_first_whatever_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "10-a.toml").write_text(VALID.replace("order = 10", "order = 30"))
    (tmp_path / "20-b.toml").write_text(VALID.replace("alpha", "beta"))
    sections, problems = read_path(tmp_path)
    assert problems == []
    library = Library(sections)
    assert [s.id for s in library.sections] == ["beta", "alpha"]
    assert list(library.items) == ["beta-one", "beta-two", "alpha-one", "alpha-two"]


def test_load_library_reads_extra_folders_and_sees_edits(tmp_path: Path,
                                                         shipped_fixtures: Path) -> None:
    org = tmp_path / "org"
    org.mkdir()
    path = org / "50-org.toml"
    path.write_text(VALID)
    library = load_library([org, org])  # a folder listed twice is read once
    assert "alpha-one" in library.items and "prep-2fa" in library.items
    assert load_library([org]).get("alpha-one").minutes == 5
    path.write_text(VALID.replace("minutes = 5", "minutes = 7  # edited"))
    assert load_library([org]).get("alpha-one").minutes == 7
    path.write_text(VALID.replace('priority = "now"', 'priority = "soon"'))
    with pytest.raises(ChecklistError, match="field priority"):
        load_library([org])
    assert load_library().items.keys() == load_library([shipped_fixtures]).items.keys()


def test_a_missing_extra_folder_is_a_clear_error(tmp_path: Path,
                                                 shipped_fixtures: Path) -> None:
    with pytest.raises(ChecklistError) as caught:
        load_library([tmp_path / "nowhere"])
    assert caught.value.message == (
        "the checklists could not be loaded (1 problem):\n"
        f"  {tmp_path}/nowhere: this checklist folder does not exist")


def test_a_long_list_of_problems_is_cut_short(tmp_path: Path, shipped_fixtures: Path) -> None:
    org = tmp_path / "org"
    org.mkdir()
    for n in range(40):
        (org / f"{n:02}.toml").write_text("broken")
    with pytest.raises(ChecklistError) as caught:
        load_library([org])
    assert len(caught.value.problems) == 40
    assert "... and 15 more (`kit checklist validate FOLDER` lists them all)" in \
        caught.value.message


def test_the_shipped_folder_is_found_in_a_source_checkout() -> None:
    assert checklists.shipped_folder() == Path(checklists.__file__).parents[2] / "checklists"
    assert FIXTURES.is_dir()


def test_a_read_error_is_a_problem_not_a_crash(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # Root (which runs these tests in CI) reads every file, so the failure is simulated here.
    path = tmp_path / "10-alpha.toml"
    path.write_text(VALID)

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    assert [str(p) for p in validate_path(path)] == [f"{path}: cannot be read: Permission denied"]


# --- the [checklists] table of config.toml ---


def test_config_names_folders_and_region(tmp_path: Path) -> None:
    from kit import config

    path = tmp_path / "config.toml"
    assert config.load(path).checklist_folders == () and config.load(path).region == "uk"
    path.write_text('[checklists]\nfolders = ["team", "~/org", "/srv/lists"]\nregion = "any"\n')
    loaded = config.load(path)
    assert loaded.region == "any"
    assert loaded.checklist_folders == (tmp_path / "team", Path("~/org").expanduser(),
                                        Path("/srv/lists"))


@pytest.mark.parametrize(("text", "message"), [
    ('[checklists]\nregion = "fr"\n', "[checklists] region must be one of uk, england, "
     "scotland, wales, northern-ireland, us, any, not 'fr'"),
    ("[checklists]\nregion = 1\n", "[checklists] region must be one of uk, england"),
    ('[checklists]\nfolders = "team"\n', "[checklists] folders must be a list of folder paths"),
    ('[checklists]\nfolders = ["team", 3]\n', "[checklists] folders must be a list"),
    ('[checklists]\nfolders = [""]\n', "[checklists] folders must be a list"),
    ("[checklists]\nfolders = [" + '"a", ' * 21 + "]\n", "lists 21 folders; at most 20"),
    ('[checklists]\nfolder = ["team"]\n', "unknown setting [checklists] folder (known: folders"),
    ("checklists = 3\n", "checklists must be a table, [checklists]"),
    ('[app]\nregion = "uk"\n', "unknown setting [app] region"),
    ('[lists]\nregion = "uk"\n',
     "unknown section [lists] (expected [app], [checklists], [network], [supervision] or "
     "[keys])"),
])
def test_config_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    from kit import config

    path = tmp_path / "config.toml"
    path.write_text(text)
    with pytest.raises(BadInput) as caught:
        config.load(path)
    assert message in caught.value.message and str(path) in caught.value.message


# --- version 2: an honest date (docs/checklist-format.md §5, §15) ---

V2 = breaking("version = 1", "version = 2")


def read_one(text: str, tmp_path: Path) -> Section:
    path = tmp_path / "10-alpha.toml"
    path.write_text(text)
    (section,), problems = read_path(path)
    assert problems == []
    return section


def test_a_version_2_item_without_a_date_says_it_was_not_checked(tmp_path: Path) -> None:
    text = breaking("last_verified = 2026-01-10\n", 'claim = "uk-process"\n', V2)
    one, two = read_one(text, tmp_path).items
    assert (one.last_verified, one.claim) == (None, "uk-process")
    assert one.checked_text == "Not yet checked against its source."
    assert one.to_json()["last_verified"] is None
    assert two.checked_text == "Checked against its source on 11 January 2026."
    assert two.to_json()["last_verified"] == "2026-01-11" and two.claim is None


def test_a_version_1_file_keeps_the_version_1_rules() -> None:
    # A user's own version 1 file still loads (the fixtures are version 1), with its dates.
    problem = only(breaking("last_verified = 2026-01-10\n", ""))
    assert (problem.item, problem.field, problem.message) == ("alpha-one", "last_verified",
                                                              "is missing")
    problem = only(breaking("recheck_days = 90\n", 'recheck_days = 90\nclaim = "how-to"\n'))
    assert (problem.item, problem.field) == ("alpha-one", "claim")
    assert problem.message.startswith("is not part of checklist format version 1")


def test_a_claim_must_be_one_of_the_three() -> None:
    problem = only(breaking("recheck_days = 90\n", 'recheck_days = 90\nclaim = "legal"\n', V2))
    assert (problem.item, problem.field) == ("alpha-one", "claim")
    assert problem.message == '"legal" is not one of uk-legal, uk-process, how-to'


# --- the walk-through's first question (paths) and the app's buttons (in_app), version 2 ---


V2 = breaking("version = 1", "version = 2")


def test_a_walk_through_item_can_be_limited_to_some_answers_and_open_an_area() -> None:
    text = breaking('stage = "evidence"',
                    'stage = "evidence"\npaths = ["doxing", "swatting"]\nin_app = "incidents"', V2)
    section, problems = parse_checklist(text.encode(), "20-test.toml")
    assert problems == [] and section is not None
    plain, limited = section.items
    assert plain.paths == ("danger", "swatting", "doxing") and plain.in_app is None
    assert limited.paths == ("swatting", "doxing") and limited.in_app == "incidents"
    assert limited.on_path("doxing") and not limited.on_path("danger")
    assert limited.on_path(None)
    assert limited.to_json()["paths"] == ["swatting", "doxing"]


@pytest.mark.parametrize(("new", "field", "words"), [
    ('stage = "evidence"\npaths = ["panic"]', "paths", "is not one of danger, swatting, doxing"),
    ('stage = "evidence"\npaths = []', "paths", "must be a list of one or more"),
    ('stage = "evidence"\npaths = ["doxing", "doxing"]', "paths", "names a path twice"),
    ('stage = "evidence"\nin_app = "journal"', "in_app",
     "is not one of incidents, prepare, wellbeing"),
])
def test_bad_paths_and_in_app(new: str, field: str, words: str) -> None:
    problem = only(breaking('stage = "evidence"', new, V2))
    assert problem.item == "alpha-two" and problem.field == field
    assert words in problem.message


def test_paths_belong_only_to_walk_through_items() -> None:
    problem = only(breaking("recheck_days = 90", 'recheck_days = 90\npaths = ["doxing"]', V2))
    assert problem.item == "alpha-one" and problem.field == "paths"
    assert "only a walk-through item" in problem.message


def test_version_1_knows_neither_field() -> None:
    problem = only(breaking('stage = "evidence"', 'stage = "evidence"\npaths = ["doxing"]'))
    assert problem.field == "paths" and "not part of checklist format version 1" in problem.message
