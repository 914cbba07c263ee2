"""The canary scan, shared by the vault's, the incidents' and the app's canary tests: every
file under the given folders searched for each canary as UTF-8, UTF-16 (both byte orders), hex
and base64 (all three alignments, standard and URL-safe alphabets)."""

from __future__ import annotations

import base64
import os
import stat
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

CHILD = Path(__file__).with_name("crash_child.py")
CHUNK = 1024 * 1024
# The Python environment running the tests: the kit never writes there, and when the project
# is cloned under the temporary folder (as CI may), its thousands of files made each scan of
# that folder walk them all again.
PYTHON_ENV = os.path.realpath(sys.prefix)


def encodings(canary: str) -> dict[str, bytes]:
    """Every form of *canary* the scan looks for."""
    raw = canary.encode("utf-8")
    forms = {
        "utf-8": raw,
        "utf-16-le": canary.encode("utf-16-le"),
        "utf-16-be": canary.encode("utf-16-be"),
        "hex": raw.hex().encode("ascii"),
    }
    for shift in range(3):
        # Inside a longer base64 text the canary starts at any offset modulo 3; keep only the
        # 4-character groups made entirely of canary bytes.
        first, last = (1 if shift else 0), (shift + len(raw)) // 3
        for name, encode in (("base64", base64.b64encode), ("base64url",
                                                            base64.urlsafe_b64encode)):
            forms[f"{name}+{shift}"] = encode(b"\0" * shift + raw)[4 * first : 4 * last]
    return forms


class Scan:
    """Which files were read, and where any canary was found (path, canary, encoding)."""

    def __init__(self, canaries: Iterable[str]) -> None:
        self.needles = [(c, name, form) for c in canaries for name, form in encodings(c).items()]
        self.overlap = max(len(form) for _c, _n, form in self.needles) - 1
        self.files: set[Path] = set()
        self.hits: set[tuple[Path, str, str]] = set()
        self._seen: set[tuple[int, int]] = set()

    def tree(self, root: Path, since: float | None = None) -> Scan:
        """Every regular file under *root* (only those changed after *since*, if given)."""
        for dirpath, dirnames, filenames in os.walk(root, onerror=lambda _e: None):
            dirnames[:] = [d for d in dirnames
                           if os.path.realpath(os.path.join(dirpath, d)) != PYTHON_ENV]
            # A name holding a canary was made after it, so its folder changed after it too.
            if since is None or _changed_since(dirpath, since):
                for name in dirnames + filenames:
                    raw = os.fsencode(name)
                    for canary, _n, form in self.needles:
                        if form in raw:
                            self.hits.add((Path(dirpath) / name, canary, "file name"))
            for name in filenames:
                self.file(Path(dirpath) / name, since)
        return self

    def file(self, path: Path, since: float | None) -> None:
        try:
            st = os.lstat(path)
        except OSError:
            return
        if not stat.S_ISREG(st.st_mode) or (st.st_dev, st.st_ino) in self._seen:
            return
        # A file last changed before the canaries existed cannot hold them.
        if since is not None and max(st.st_mtime, st.st_ctime) < since:
            return
        self._seen.add((st.st_dev, st.st_ino))
        try:
            with open(path, "rb") as fh:
                self.files.add(path)
                tail = b""
                while chunk := fh.read(CHUNK):
                    window = tail + chunk
                    for canary, name, form in self.needles:
                        if form in window:
                            self.hits.add((path, canary, name))
                    tail = window[-self.overlap :]
        except OSError:
            return


def _changed_since(folder: str, since: float) -> bool:
    try:
        st = os.stat(folder)
    except OSError:
        return True
    return max(st.st_mtime, st.st_ctime) >= since


def scan_everything(canaries: Iterable[str], kit_home: Path, tmp_path: Path,
                    since: float) -> Scan:
    scan = Scan(canaries)
    scan.tree(kit_home).tree(tmp_path)
    scan.tree(Path(tempfile.gettempdir()), since)
    return scan
