"""Open the terminal app: what `kit` does in a terminal, from kit.start (no arguments) or kit.cli
(`kit --vault DIR`, `kit demo`). Textual is imported when the app is opened, not before."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any


def launch_app(vault_path: Path, **extra: Any) -> None:
    """Open the app on the vault at *vault_path* (the settings from config.toml, the key
    derivation cost from KIT_KDF_PROFILE); *extra* goes to AppServices (the demo's).

    The garbage collector is paused until the first screen is up (Quick._on_ready resumes
    it): what start-up makes is the modules, the app and its first screen, which all live on,
    and its rounds over them were 5-8% of the CPU time to the lock screen."""
    gc.disable()
    from kit import config
    from kit.tui.app import AppServices, run

    settings = config.load()
    profile = os.environ.get("KIT_KDF_PROFILE", "default")
    run(AppServices(vault_path=vault_path, config=settings, kdf_profile=profile, **extra))
