"""An action owner typed as "me" on the command line is kept as the supervisor's name: the
supervisee, and a later supervisor, would otherwise read "me" as themselves. The commands run
in this process (Cli)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.conftest import Cli


def test_me_as_an_action_owner_is_kept_as_the_supervisors_name(cli: Cli,
                                                                 tmp_path: Path) -> None:
    ana, bo = {"KIT_VAULT": str(tmp_path / "ana")}, {"KIT_VAULT": str(tmp_path / "bo")}

    def kit(env: dict[str, str], *args: str) -> str:
        return cli.ok(*args, env=env)

    for env in (ana, bo):
        kit(env, "init")
    card = json.loads(kit(ana, "id", "show", "--name", "Ana Practitioner", "--json"))
    kit(bo, "id", "show", "--name", "Bo Supervisor")
    (tmp_path / "ana.card").write_text(card["card"])
    kit(bo, "id", "add", str(tmp_path / "ana.card"), "--name", "Ana", "--relation",
        "supervisee", "--fingerprint", card["fingerprint"])
    made = json.loads(kit(bo, "supervision", "add", "Ana", "--impact", "A long week",
                          "--action", "Book two days of leave; me", "--json"))
    assert made["versions"][0]["content"]["actions"][0]["owner"] == "Bo Supervisor"
    listed = kit(bo, "action", "list")
    assert "Book two days of leave — Bo Supervisor, due no date" in listed
