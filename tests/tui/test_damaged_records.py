"""One damaged or wrong-shaped record never takes the app down: every area opens, and the
journal lists the entries that read."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable
from pathlib import Path

from kit.records.journal import Journal
from kit.tui.app import AREA_KEYS, KitApp
from kit.vault import Credentials, Vault
from tests.conftest import PASSPHRASE
from tests.tui.conftest import SIZE, unlock, wait_for


async def test_every_area_opens_over_damaged_and_wrong_shaped_records(
        make_app: Callable[..., KitApp], closed_vault: Path) -> None:
    with Vault.open(closed_vault, Credentials(passphrase=PASSPHRASE)) as vault:
        journal = Journal(vault)
        good = [journal.add(f"good entry {n}").id for n in range(2)]
        flipped = journal.add("this one will be flipped").id
        vault.put("journal", {"text": 5, "created": "2026-01-01T09:00:00+00:00",
                              "updated": "2026-01-01T09:00:00+00:00"})
        vault.put("journal", {"text": "naive", "created": "2026-01-01T09:00:00",
                              "updated": "2026-01-01T09:00:00"})
        for kind in ("draft", "exposure", "wellbeing_plan", "safety_plan", "my_details",
                     "search_details", "instrument", "checkin", "checkin_schedule",
                     "checklist_progress", "incident", "evidence", "network_ledger",
                     "breach_catalogue", "finding", "rdap_bootstrap", "site_list",
                     "scan_memory", "contact", "identity_profile", "packet_sent",
                     "packet_received", "supervision_record", "removal"):
            vault.put(kind, {"shape": "wrong"})
    with contextlib.closing(sqlite3.connect(closed_vault / "vault.sqlite")) as conn:
        (ct,) = conn.execute("SELECT ct FROM records WHERE id = ?",
                             (bytes.fromhex(flipped),)).fetchone()
        conn.execute("UPDATE records SET ct = ? WHERE id = ?",
                     (ct[:30] + bytes([ct[30] ^ 4]) + ct[31:], bytes.fromhex(flipped)))
        conn.commit()

    app: KitApp = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        for key, mode, _label in AREA_KEYS:
            await pilot.press(key)
            # The lambda is awaited within this iteration, so it sees this iteration's mode.
            await wait_for(pilot, lambda: app.current_mode == mode, f"the {mode} area")  # noqa: B023
            await pilot.pause()
        await pilot.press("f3")
        await wait_for(pilot, lambda: app.current_mode == "journal", "the journal")
        await pilot.pause()
        table = app.screen.query_one("#entries")
        rows = [table.render_line(y).text for y in range(table.size.height)]
        assert sum("good entry" in row for row in rows) == len(good), rows
        assert not any("flipped" in row for row in rows)
        assert app.is_running
