"""The checklists ship inside the wheel, and an installed kit finds them there."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

from hatchling.builders.wheel import WheelBuilder

REPO = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_every_checklist_and_the_installed_kit_loads_them(
        tmp_path: Path) -> None:
    wheel = next(iter(WheelBuilder(str(REPO)).build(directory=str(tmp_path / "dist"),
                                                    versions=["standard"])))
    shipped = sorted(p.name for p in (REPO / "checklists").glob("*.toml"))
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        packed = sorted(n.removeprefix("kit/checklists/") for n in names
                        if n.startswith("kit/checklists/"))
        assert packed == shipped
        site = tmp_path / "site"
        archive.extractall(site)
    # Run from elsewhere, with only the unpacked wheel on the path: no source tree to fall
    # back on.
    probe = ("import json, kit.guidance.checklists as c; lib = c.load_library(); "
             "print(json.dumps([str(c.shipped_folder()), len(lib.items)]))")
    proc = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, "
                           f"{str(site)!r}); {probe}"], capture_output=True, text=True,
                          check=True, cwd=tmp_path)
    folder, count = json.loads(proc.stdout)
    assert Path(folder) == site / "kit" / "checklists"
    assert count >= 45
