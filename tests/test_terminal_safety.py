"""Text from strangers never reaches the terminal raw: the core rule (kit/terminal_text.py), the
one output layer that applies it, and --json."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit.supervision import packets
from kit.supervision.cards import Card, make_card, parse_card
from kit.terminal_text import for_terminal, json_text, layout_kept_table, quoted, shown
from kit.vault import Vault
from tests.conftest import PASSPHRASE
from tests.hostile_text import FORGED, HOSTILE, HOSTILE_SHOWN, run_kit_raw, terminal_safe

_UNSAFE_CHARS = st.sampled_from([chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7f, 0xa0)]
                                + list("\u061c\u200e\u200f\u2028\u2029\u202a\u202e\u2066\u2069"))
MIXED = st.text(alphabet=st.one_of(st.characters(), _UNSAFE_CHARS))


def test_one_line_shows_every_control_newline_and_bidi_character() -> None:
    assert shown(HOSTILE) == HOSTILE_SHOWN
    assert shown(42) == "42"
    assert shown("Zoë Ångström, 東京 — fine") == "Zoë Ångström, 東京 — fine"
    assert shown("a\udcffb") == "a\\udcffb"  # an undecodable byte in a file name


def test_a_whole_message_keeps_the_kits_own_layout_only() -> None:
    message = f"First line\n\tindented: {HOSTILE}"
    safe = for_terminal(message)
    assert safe.startswith("First line\n\tindented: Eve\\x1b]0;PWNED\\x07\\x1b[2J\\r\n")
    assert "\\x9b2J\\u202eexe.txt" in safe


def test_quoted_text_cannot_pass_for_the_kits_own_lines() -> None:
    text = quoted(f"Summary\r\n{FORGED}\x1b[2J\n")
    assert text == f"  | Summary\n  | {FORGED}\\x1b[2J"
    terminal_safe(text.encode())


def test_the_apps_table_is_the_command_lines_rule() -> None:
    """kit/tui/terminal_guard.py hands this table to Textual: it escapes exactly what
    for_terminal() escapes, in the same way."""
    table = layout_kept_table()
    assert len(table) == 32 - 2 + 33 + 14 + 2048  # C0 but LF and TAB, DEL and C1, bidi, surrogates
    for code in [*range(0x10000), 0x1F600, 0xE0001, 0x10FFFF]:
        assert chr(code).translate(table) == for_terminal(chr(code))


@given(MIXED)
def test_made_safe_text_holds_nothing_a_terminal_obeys(text: str) -> None:
    terminal_safe(shown(text).encode())
    assert "\n" not in shown(text)
    for_terminal(text).encode("utf-8")  # lone surrogates are gone too


@given(st.recursive(st.none() | st.booleans() | st.integers() | MIXED,
                    lambda inner: st.lists(inner) | st.dictionaries(MIXED, inner)))
def test_json_output_is_valid_safe_and_carries_the_same_values(data: object) -> None:
    for indent in (None, 2):
        text = json_text(data, indent=indent)
        assert json.loads(text) == data
        terminal_safe(text.encode())


# --- share packets: a stranger's names (error path) and a contact's content (success path) ---


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under *folder* and its bytes: "nothing changed on disk" is checked on this."""
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class Sender:
    """A vault that seals packets, whatever its card says its name is (a stranger can put
    anything in a packet sealed to the public key on someone's card)."""

    def __init__(self, path: Path, name: str) -> None:
        self.vault, _ = Vault.create(path, PASSPHRASE, "minimum")
        self.records = self.vault.snapshot().records
        self.card = make_card(self.records, "Ana Practitioner", "Social worker", date(2026, 11, 2))
        self.claimed = dataclasses.replace(self.card, name=name)

    def packet_for(self, to: Card, content: dict[str, object], *, to_name: str | None = None
                   ) -> bytes:
        addressed = dataclasses.replace(to, name=to_name) if to_name is not None else to
        text = packets.signed_text(self.records, self.claimed, addressed, "share", content,
                                   datetime.now(UTC))
        return packets.encrypt(text, to)


@pytest.fixture
def receiver(cli_vault: Path) -> Card:
    """The CLI's vault, with a name on its card; its card is returned."""
    made = run_kit_raw("id", "show", "--name", "Bo Supervisor", "--json")
    assert made.code == 0, made.err
    return parse_card(json.loads(made.out)["card"])


SHARE = {"start": "2026-11-01T00:00:00+00:00", "end": "2026-11-29T00:00:00+00:00",
         "fields": [{"key": "note", "label": "Note", "text": HOSTILE}]}


def test_a_strangers_name_in_a_packet_is_shown_not_obeyed(
        tmp_path: Path, cli_vault: Path, receiver: Card) -> None:
    eve = Sender(tmp_path / "eve", HOSTILE)
    packet = tmp_path / "from-eve.age"
    packet.write_bytes(eve.packet_for(receiver, {**SHARE, "text": "hi"}))
    before = _tree(cli_vault)
    for args in (("share", "open", str(packet)), ("share", "open", str(packet), "--json")):
        result = run_kit_raw(*args)
        err = terminal_safe(result.err)
        terminal_safe(result.out)
        # The kit may refuse the name itself as malformed (exit 4), or name it with its
        # escapes showing, as a sender it does not know (exit 1): never obey it.
        if result.code == 4:
            assert "packet is malformed" in err and "sender's name" in err
        else:
            assert result.code == 1
            assert f"this packet says it is from {HOSTILE_SHOWN} (" in err
            assert "who is not in your contacts" in err
        if "--json" in args:
            assert json.loads(result.out)["error"]["exit"] == result.code
    assert _tree(cli_vault) == before


def test_a_strangers_recipient_name_is_shown_not_obeyed(
        tmp_path: Path, cli_vault: Path, receiver: Card) -> None:
    """A packet for this vault's key that names someone else as its recipient."""
    eve = Sender(tmp_path / "eve", "Eve")
    other = Sender(tmp_path / "other", "Other").card
    forwarded = packets.signed_text(eve.records, eve.claimed,
                                    dataclasses.replace(other, name=HOSTILE), "share",
                                    {**SHARE, "text": "hi"}, datetime.now(UTC))
    packet = tmp_path / "forwarded.age"
    packet.write_bytes(packets.encrypt(forwarded, receiver))
    before = _tree(cli_vault)
    result = run_kit_raw("share", "open", str(packet))
    err = terminal_safe(result.err)
    if result.code == 4:
        assert "packet is malformed" in err and "recipient's name" in err
    else:
        assert result.code == 1
        assert f"this packet is addressed to {HOSTILE_SHOWN} (" in err
    assert _tree(cli_vault) == before


def test_a_contacts_share_content_is_quoted_and_shown_not_obeyed(
        tmp_path: Path, cli_vault: Path, receiver: Card) -> None:
    ana = Sender(tmp_path / "ana", "Ana Practitioner")
    card_file = tmp_path / "ana.card"
    card_file.write_text(ana.card.text(), encoding="utf-8")
    added = run_kit_raw("id", "add", str(card_file), "--name", "Ana", "--fingerprint",
                        ana.card.fingerprint)
    assert added.code == 0, added.err
    packet = tmp_path / "share.age"
    packet.write_bytes(ana.packet_for(receiver, {**SHARE, "text": f"Summary\n{HOSTILE}\n"}))
    result = run_kit_raw("share", "open", str(packet))
    assert result.code == 0, result.err
    out = terminal_safe(result.out)
    # A CRLF is a line break like any other; each line of the sender's is marked as theirs.
    assert out == ("A share from Ana with 1 field, kept in your vault.\n\n"
                   "  | Summary\n  | Eve\\x1b]0;PWNED\\x07\\x1b[2J\n"
                   f"  | {FORGED}\\x9b2J\\u202eexe.txt\n")
    terminal_safe(result.err)
    # Kept exactly as sent: only what is printed is escaped, and --json carries the same text.
    shown_again = run_kit_raw("share", "list", "--json")
    assert shown_again.code == 0
    terminal_safe(shown_again.out)


# --- identity cards ---


@pytest.mark.parametrize("line", ["Name", "Role"])
@pytest.mark.parametrize("value", [HOSTILE, "Eve\x1b]0;PWNED\x07\x9b2J\u202egnp.exe"])
def test_a_card_with_a_hostile_name_or_role_is_refused_and_shown_not_obeyed(
        tmp_path: Path, cli_vault: Path, line: str, value: str) -> None:
    ana = Sender(tmp_path / "ana", "Ana Practitioner")
    text = ana.card.text()
    original = f"{line}: {ana.card.name if line == 'Name' else ana.card.role}\n"
    assert original in text
    card_file = tmp_path / "card.txt"
    card_file.write_text(text.replace(original, f"{line}: {value}\n"), encoding="utf-8",
                         newline="")
    before = _tree(cli_vault)
    for extra in ((), ("--json",)):
        result = run_kit_raw("id", "add", str(card_file), "--name", "Ana", *extra)
        assert result.code == 4
        err = terminal_safe(result.err)
        assert err.startswith("kit: this is not a valid identity card: ")
        if extra:
            doc = json.loads(terminal_safe(result.out))
            assert doc["error"]["code"] == "card_invalid"
    assert _tree(cli_vault) == before


# --- checklists and instruments imported from files ---

TESTS = Path(__file__).resolve().parent


def _toml_string(text: str) -> str:
    """*text* as a TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(text)


def test_a_checklist_file_with_hostile_text_is_refused_and_shown_not_obeyed(
        tmp_path: Path) -> None:
    source = (TESTS / "guidance" / "fixtures" / "valid" / "10-now.toml").read_text("utf-8")
    hostile = source.replace('title = "Check that everyone is safe"',
                             f"title = {_toml_string(HOSTILE)}", 1)
    hostile = hostile.replace('id = "now-safe"', f"id = {_toml_string('x' + HOSTILE)}", 1)
    assert hostile.count("PWNED") == 2
    path = tmp_path / "checklist.toml"
    path.write_text(hostile, encoding="utf-8")
    before = path.read_bytes()
    for extra in ((), ("--json",)):
        result = run_kit_raw("checklist", "validate", str(path), *extra, passphrase=None)
        assert result.code == 1
        out, err = terminal_safe(result.out), terminal_safe(result.err)
        if extra:
            doc = json.loads(out)
            assert doc["valid"] is False and doc["problems"]
        else:
            assert "PWNED" in out and "problem" in err
    assert path.read_bytes() == before


def test_an_instrument_file_with_hostile_text_is_refused_and_shown_not_obeyed(
        tmp_path: Path, cli_vault: Path) -> None:
    source = (TESTS / "wellbeing" / "fixtures" / "who5_structure.toml").read_text("utf-8")
    hostile = source.replace('name = "WHO-5 structure (test fixture)"',
                             f"name = {_toml_string(HOSTILE)}", 1)
    hostile = hostile.replace('id = "q1"', f"id = {_toml_string(HOSTILE)}", 1)
    assert hostile.count("PWNED") == 2
    path = tmp_path / "instrument.toml"
    path.write_text(hostile, encoding="utf-8")
    before = _tree(cli_vault)
    for extra in ((), ("--json",)):
        result = run_kit_raw("instrument", "add", str(path), *extra)
        assert result.code == 1, result.err
        err = terminal_safe(result.err)
        assert "contains the control character U+001B" in err
        if extra:
            assert json.loads(terminal_safe(result.out))["error"]["exit"] == 1
    assert _tree(cli_vault) == before


def test_a_supervisees_shared_bands_stay_on_their_row_in_the_team_view(
        tmp_path: Path, cli_vault: Path, receiver: Card) -> None:
    ana = Sender(tmp_path / "ana", "Ana Practitioner")
    card_file = tmp_path / "ana.card"
    card_file.write_text(ana.card.text(), encoding="utf-8")
    added = run_kit_raw("id", "add", str(card_file), "--name", "Ana", "--fingerprint",
                        ana.card.fingerprint, "--relation", "supervisee")
    assert added.code == 0, added.err
    bands = f"Pulse: band 'steady'\n{HOSTILE}"
    packet = tmp_path / "share.age"
    packet.write_bytes(ana.packet_for(receiver, {
        **SHARE, "fields": [{"key": "checkin_bands", "label": "Check-in bands", "text": bands}],
        "text": bands}))
    assert run_kit_raw("share", "open", str(packet)).code == 0
    team = run_kit_raw("team")
    assert team.code == 0, team.err
    out = terminal_safe(team.out)
    (row,) = out.splitlines()
    assert row.startswith("Ana ")
    assert row.endswith("; shared band: Pulse: band 'steady'; Eve\\x1b]0;PWNED\\x07\\x1b[2J; "
                        f"{FORGED}\\x9b2J\\u202eexe.txt")
    as_json = run_kit_raw("team", "--json")
    assert as_json.code == 0
    assert json.loads(terminal_safe(as_json.out))[0]["shared_band"] == bands


# --- evidence packs made elsewhere ---


def test_an_evidence_packs_manifest_is_shown_not_obeyed(tmp_path: Path) -> None:
    manifest = {"format": "frontline-kit-evidence-pack", "version": 1,
                "incident": {"id": HOSTILE, "category": HOSTILE,
                             "when": "2026-11-01T10:00:00+00:00"},
                "files": [{"path": f"files/{HOSTILE}", "sha256": "00" * 32, "size": 1}]}
    pack = tmp_path / "pack.zip"
    with zipfile.ZipFile(pack, "w") as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        zf.writestr("manifest.sig", "not a signature\n")
    before = pack.read_bytes()
    for extra in ((), ("--json",)):
        result = run_kit_raw("evidence", "verify", str(pack), *extra, passphrase=None)
        assert result.code == 4
        out, err = terminal_safe(result.out), terminal_safe(result.err)
        if extra:
            assert json.loads(out)["intact"] is False
        else:
            assert "NOT INTACT" in out and "manifest.sig is damaged" in out
            assert "Eve?]0;PWNED" in out
        assert "Traceback" not in err
    assert pack.read_bytes() == before
