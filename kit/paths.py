"""Where the kit keeps things. The one seam tests use: point KIT_HOME at a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "frontline-kit"


def kit_home() -> Path:
    """Root for config and data: $KIT_HOME, else the platform's per-user data folder."""
    override = os.environ.get("KIT_HOME")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path(APP_NAME, appauthor=False, roaming=False)


def vault_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The vault directory: --vault, else $KIT_VAULT, else $KIT_HOME/vault."""
    if override:
        return Path(override).expanduser()
    env = os.environ.get("KIT_VAULT")
    if env:
        return Path(env).expanduser()
    return kit_home() / "vault"


def config_path() -> Path:
    return kit_home() / "config.toml"
