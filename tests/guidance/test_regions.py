"""Where a user lives: the whole UK, one of its four nations, the US, or anywhere. A nation's
user sees the UK-wide steps and their own nation's; a UK user who has not said which nation
sees every nation's, each labelled; and a step only the user can take is never handed on."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit.guidance.checklists import UK_NATIONS, Library, read_path

NATIONS_FILE = '''\
format = "frontline-kit-checklist"
version = 2

[section]
id = "nations"
title = "Nations"
summary = "A made-up section for tests."
order = 10
'''

ITEM = '''
[[items]]
id = "{id}"
title = "{title}"
steps = ["Only step."]
why = "Because."
priority = "this-week"
minutes = 5
mode = "prepare"
regions = {regions}
{extra}
[[items.sources]]
title = "Example: a page"
url = "https://example.org/{id}"
'''

ITEMS = {
    "all-uk": '["uk"]', "england-wales": '["england", "wales"]', "scotland": '["scotland"]',
    "northern-ireland": '["northern-ireland"]', "us-only": '["us"]', "anywhere": '["any"]',
}


def nations_library(tmp_path: Path, extra: str = "") -> Library:
    text = NATIONS_FILE + "".join(
        ITEM.format(id=i, title=f"Step {i}", regions=r, extra=extra if i == "all-uk" else "")
        for i, r in ITEMS.items())
    (tmp_path / "10-nations.toml").write_text(text, encoding="utf-8")
    sections, problems = read_path(tmp_path)
    assert problems == [], problems
    return Library(sections)


@pytest.mark.parametrize(("region", "shown"), [
    ("england", {"all-uk", "england-wales", "anywhere"}),
    ("wales", {"all-uk", "england-wales", "anywhere"}),
    ("scotland", {"all-uk", "scotland", "anywhere"}),
    ("northern-ireland", {"all-uk", "northern-ireland", "anywhere"}),
    ("uk", {"all-uk", "england-wales", "scotland", "northern-ireland", "anywhere"}),
    ("us", {"us-only", "anywhere"}),
    ("any", set(ITEMS)),
])
def test_each_region_sees_its_own_steps(tmp_path: Path, region: str, shown: set[str]) -> None:
    library = nations_library(tmp_path)
    assert {item.id for item in library.for_region(region)} == shown


def test_a_nations_step_says_which_nation_to_someone_who_has_not_said(tmp_path: Path) -> None:
    library = nations_library(tmp_path)
    both = library.get("england-wales")
    assert both.nations == "England and Wales"
    assert both.title_for("uk") == "Step england-wales (England and Wales)"
    assert both.title_for("wales") == "Step england-wales"
    assert library.get("scotland").title_for("any") == "Step scotland (Scotland)"
    for plain in ("all-uk", "us-only", "anywhere"):
        assert library.get(plain).nations == ""
        assert library.get(plain).title_for("uk") == f"Step {plain}"
    assert set(UK_NATIONS) == {"england", "scotland", "wales", "northern-ireland"}


def test_only_you_marks_a_step_nobody_else_can_take(tmp_path: Path) -> None:
    library = nations_library(tmp_path, extra="only_you = true\n")
    assert library.get("all-uk").only_you and not library.get("scotland").only_you
    assert library.get("all-uk").to_json()["only_you"] is True


def test_only_you_must_be_true_or_false(tmp_path: Path) -> None:
    text = NATIONS_FILE + ITEM.format(id="all-uk", title="Step", regions='["uk"]',
                                      extra='only_you = "yes"\n')
    (tmp_path / "10-nations.toml").write_text(text, encoding="utf-8")
    _sections, problems = read_path(tmp_path)
    (problem,) = problems
    assert (problem.item, problem.field) == ("all-uk", "only_you")
    assert "must be true or false" in problem.message
