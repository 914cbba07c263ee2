"""config.toml: defaults without a file, and a precise message for every mistake in one."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit import config
from kit.errors import BadInput


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_no_file_means_the_defaults(tmp_path: Path) -> None:
    assert config.load(tmp_path / "missing.toml") == config.Config(5.0, "kit-calm")


def test_a_valid_file_is_read(tmp_path: Path) -> None:
    path = write(tmp_path, '[app]\nidle_lock_minutes = 10\ntheme = "kit-high-contrast"\n')
    assert config.load(path) == config.Config(10.0, "kit-high-contrast")


def test_the_default_location_is_under_kit_home(kit_env: Path) -> None:
    (kit_env / "config.toml").write_text("[app]\nidle_lock_minutes = 2.5\n")
    assert config.load().idle_lock_minutes == 2.5


@pytest.mark.parametrize(("text", "message"), [
    ("[app]\nidle_lock_minutes = 0\n", "idle_lock_minutes must be more than 0"),
    ("[app]\nidle_lock_minutes = 100000\n", "at most 1440 minutes"),
    ("[app]\nidle_lock_minutes = \"five\"\n", "must be a number of minutes"),
    ("[app]\nidle_lock_minutes = true\n", "must be a number of minutes"),
    ("[app]\ntheme = \"neon\"\n", "theme must be one of kit-calm, kit-high-contrast"),
    ("[app]\nidle_lock = 5\n", "unknown setting [app] idle_lock"),
    ("[display]\ntheme = \"kit-calm\"\n", "unknown section [display]"),
    ("app = 3\n", "app must be a table"),
    ("[app\n", "is not valid TOML"),
])
def test_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(BadInput) as caught:
        config.load(path)
    assert message in caught.value.message
    assert str(path) in caught.value.message


def test_a_file_that_is_not_utf8_is_named(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b"[app]\ntheme = \"\xff\"\n")
    with pytest.raises(BadInput, match="not valid TOML"):
        config.load(path)
