"""The shipped guidance on the command line: for each of the UK's four nations,
`kit checklist list --region` gives each nation its own route where the process differs (the
land register above all), and never another nation's; a step done in the kit names its command
here, and only here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kit.guidance.checklists import UK_NATIONS, Library, load_library
from tests.conftest import KitRun

# The land register each nation's user must see: HM Land Registry covers England and Wales only.
LAND_REGISTER = {
    "england": "records-land-registry", "wales": "records-land-registry",
    "scotland": "records-land-register-scotland",
    "northern-ireland": "records-land-register-northern-ireland",
}


@pytest.fixture(scope="module")
def library() -> Library:
    return load_library()


def listed(kit: KitRun, region: str) -> set[str]:
    ran = kit("checklist", "list", "--region", region, "--json")
    assert ran.code == 0, ran.err
    doc: dict[str, Any] = ran.json()
    assert doc["region"] == region
    return {item["id"] for section in doc["sections"] for item in section["items"]}


@pytest.mark.parametrize("nation", UK_NATIONS)
def test_each_nation_lists_its_own_route_and_no_other_nations(
        nation: str, library: Library, made_vault: Path, kit_in_process: KitRun) -> None:
    shown = listed(kit_in_process, nation)
    assert LAND_REGISTER[nation] in shown
    for item in library.items.values():
        regions = set(item.regions)
        if nation in regions or regions & {"uk", "any"}:
            assert item.id in shown, item.id
        else:  # another nation's step, or the US's
            assert item.id not in shown, item.id
    own = [i for i in library.items.values() if nation in i.regions and "uk" not in i.regions]
    assert own, f"{nation} has no step of its own"


def test_every_nation_is_covered_and_a_uk_user_sees_them_all(
        library: Library, made_vault: Path, kit_in_process: KitRun) -> None:
    shown = listed(kit_in_process, "uk")
    assert set(LAND_REGISTER.values()) <= shown
    for item in library.items.values():
        if item.nations:
            assert item.id in shown and item.title_for("uk").endswith(f"({item.nations})")


def test_a_step_done_in_the_kit_names_its_command_only_on_the_command_line(
        library: Library, made_vault: Path, kit_in_process: KitRun) -> None:
    letter = library.get("search-erasure-letter")
    assert letter.in_app == "letter" and not any("kit letter" in s for s in letter.steps)
    ran = kit_in_process("checklist", "show", letter.id)
    assert ran.code == 0, ran.err
    assert "In the kit: kit letter erasure --site NAME --url LINK" in ran.out
