"""Home names where each kept draft comes back, so its words are true."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from kit.attention import needs_attention
from kit.vault import Vault
from kit.workspace import Workspace
from tests.conftest import PASSPHRASE


def test_home_names_the_areas_that_give_drafts_back(kit_env: Path) -> None:
    vault, _ = Vault.create(kit_env / "vault", PASSPHRASE, "minimum")
    workspace = Workspace(vault)
    try:
        def said() -> str:
            return next(a.detail for a in needs_attention(workspace, date(2026, 11, 23))
                        if a.title.startswith("Unsaved writing"))

        workspace.drafts.save("journal", {"text": "half a thought"})
        assert said() == "One draft; it comes back when you open Journal."
        workspace.drafts.save("safety-plan", {"trusted_people": "Sam: 07700 900123"})
        workspace.drafts.save("supervision-session", {"notes": "x"})
        workspace.drafts.save("supervision-agreement", {"notes": "y"})
        assert said() == ("4 drafts; each comes back when you open Journal, Prepare (Safety "
                          "plan) and Supervision.")
    finally:
        workspace.close()
