"""`kit incident` and `kit evidence`: the incident and evidence log, and signed evidence packs
(the erasure letter, which can list an incident's pages, is kit.commands.letters)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from kit import config, credentials
from kit.commands.context import (
    choice_of,
    indent_lines,
    json_option,
    local_time,
    optional_private_text,
    opts,
    out,
    say,
    unlocked_workspace,
    warn_problems,
)
from kit.errors import KitError, UsageError
from kit.plurals import counted
from kit.records import incidents as records

if TYPE_CHECKING:
    from kit.records.incidents import EvidenceItem, Incident
    from kit.reports.evidence_pack import PackReport

KEEP_ORIGINALS = ("Your original files were not changed, moved or deleted. Keep them as they "
                  "are: they are your untouched copy of the evidence.")
NOT_TOUCHED = ("Evidence packs you exported and your original files are not touched; the "
               "guidance is to keep the originals as they are.")
AFTER_DELETE = ("Evidence packs you exported and your original files were not touched: keep "
                "the originals as they are. Encrypted copies stay in the vault's local backups "
                "until newer backups replace them.")


# --- incidents ---


@click.group()
def incident() -> None:
    """The incident log: what happened, when and where, and the reference numbers you got."""


def _incident_full(found: Incident, items: Sequence[EvidenceItem]) -> str:
    lines = [f"Incident {found.short_id} ({found.id})",
             f"When:      {local_time(found.when)} (local time)",
             f"Category:  {found.category_label}",
             f"Platform:  {found.platform or 'not recorded'}",
             f"Status:    {found.status_label}"]
    if found.urls:
        lines += ["Web addresses:", *(f"  {u}" for u in found.urls)]
    if found.usernames:
        lines += ["Usernames:", *(f"  {u}" for u in found.usernames)]
    if found.references:
        lines += ["References:", *(f"  {r.kind_label}: {r.value}" + (f" ({r.note})" if r.note
                                                                       else "")
                                   for r in found.references)]
    if found.description:
        lines += ["Description:", indent_lines(found.description)]
    lines += ["", f"Evidence ({len(items)}):" if items else
              f"No evidence yet. `kit evidence add {found.short_id} FILE...` adds some."]
    for n, item in enumerate(items, 1):
        lines.append(f"  {n}. {item.short_id}  {item.kind_label}: {item.title}")
        if item.kind == "file":
            lines.append(f"     {item.file_name}, {item.size:,} bytes, SHA-256 {item.sha256}")
        if item.url:
            lines.append(f"     {item.url}")
        by = f" by {item.captured_by}" if item.captured_by else ""
        how = f" ({item.method})" if item.method else ""
        lines.append(f"     Captured {local_time(item.captured_at)}{by}{how}; the time is "
                     f"{item.captured_at_basis_label}")
        if item.note:
            lines += ["     Note:", indent_lines(item.note, "       ")]
        lines.append("     Custody log:")
        lines += [f"       {local_time(h.at)}  {h.action}" + (f" by {h.by}" if h.by else "")
                  + (f": {h.detail}" if h.detail else "") for h in item.handling]
    return "\n".join(lines)


@incident.command("add")
@click.option("--when", "when_text", metavar="DATE",
              help="When it happened: YYYY-MM-DD or 'YYYY-MM-DD HH:MM' (local time). "
              "Default: now.")
@click.option("--category", required=True, type=choice_of(records.CATEGORIES),
              help="What kind of incident.")
@click.option("--platform", required=True, metavar="NAME",
              help="Where it happened: a site or app, or 'phone', 'at home'.")
@click.option("--url", "urls", multiple=True, metavar="URL",
              help="A web address involved (repeat for more).")
@click.option("--username", "usernames", multiple=True, metavar="NAME",
              help="An account involved (repeat for more).")
@click.option("--description", metavar="TEXT|-",
              help="What happened. '-' reads it from stdin (recommended: text typed as an "
              "argument can end up in your shell history).")
@click.option("--ref", "refs", multiple=True, metavar="KIND:VALUE",
              help="A reference number, e.g. police:CR/12345/26 (KIND is police, platform, "
              "helpline or other). Repeat for more.")
@click.option("--status", type=choice_of(records.STATUSES), default="open", show_default=True)
@json_option
def incident_add(when_text: str | None, category: str, platform: str, urls: tuple[str, ...],
                 usernames: tuple[str, ...], description: str | None, refs: tuple[str, ...],
                 status: str) -> None:
    """Record an incident. Prints its id."""
    when = records.parse_when(when_text, "--when") if when_text is not None else None
    references = [records.parse_reference(r) for r in refs]
    records.check_urls(urls)
    records.check_usernames(usernames)
    text = optional_private_text(description)
    ws = unlocked_workspace()
    with ws.vault:
        saved = ws.incidents.add(when=when, category=category, platform=platform,
                                 description=text, urls=urls, usernames=usernames,
                                 references=references, status=status)
        warn_problems(ws.incidents.problems)
    say(f"Incident {saved.short_id} saved. Add evidence to it with "
        f"`kit evidence add {saved.short_id} FILE...`.")
    out(saved.short_id, saved.to_json())


@incident.command("list")
@json_option
def incident_list() -> None:
    """List incidents, newest first."""
    ws = unlocked_workspace()
    with ws.vault:
        found = ws.incidents.list()
        counts = ws.incidents.evidence_counts()
        warn_problems(ws.incidents.problems)
    rows = [f"{i.short_id}  {local_time(i.when)}  {i.category:<13}  {i.status:<8}  "
            f"{counts.get(i.id, 0):>8}  {i.platform}" for i in found]
    header = f"{'ID':<8}  {'WHEN':<16}  {'CATEGORY':<13}  {'STATUS':<8}  EVIDENCE  PLATFORM"
    human = "\n".join([header, *rows]) if rows else \
        "No incidents yet. `kit incident add` records one."
    out(human, {"incidents": [{**i.to_json(), "evidence": counts.get(i.id, 0)}
                              for i in found], "total": len(found)})


@incident.command("show")
@click.argument("incident_id", metavar="ID")
@json_option
def incident_show(incident_id: str) -> None:
    """Show an incident with its evidence and each item's custody log."""
    ws = unlocked_workspace()
    with ws.vault:
        found = ws.incidents.get(incident_id)
        items = ws.incidents.evidence(found.id)
        warn_problems(ws.incidents.problems)
    out(_incident_full(found, items), {"incident": found.to_json(),
                                       "evidence": [i.to_json() for i in items]})


@incident.command("update")
@click.argument("incident_id", metavar="ID")
@click.option("--status", type=choice_of(records.STATUSES), help="The new status.")
@click.option("--ref", "refs", multiple=True, metavar="KIND:VALUE",
              help="Add a reference number (repeat for more).")
@click.option("--url", "urls", multiple=True, metavar="URL", help="Add a web address.")
@click.option("--username", "usernames", multiple=True, metavar="NAME", help="Add an account.")
@click.option("--platform", metavar="NAME", help="Change the platform.")
@click.option("--category", type=choice_of(records.CATEGORIES), help="Change the category.")
@click.option("--when", "when_text", metavar="DATE", help="Change when it happened.")
@click.option("--description", metavar="TEXT|-",
              help="Replace the description ('-' reads it from stdin).")
@json_option
def incident_update(incident_id: str, status: str | None, refs: tuple[str, ...],
                    urls: tuple[str, ...], usernames: tuple[str, ...], platform: str | None,
                    category: str | None, when_text: str | None,
                    description: str | None) -> None:
    """Change an incident's status, or add references to it.

    Also adds web addresses or accounts, and can change its platform, category, time or
    description."""
    if not (status or refs or urls or usernames or platform is not None or category
            or when_text is not None or description is not None):
        raise UsageError("say what to change, for example --status reported or --ref "
                         "police:CR/12345/26; nothing was changed")
    references = tuple(records.parse_reference(r) for r in refs)
    records.check_urls(urls)
    records.check_usernames(usernames)
    when = records.parse_when(when_text, "--when") if when_text is not None else None
    text = optional_private_text(description) if description is not None else None
    ws = unlocked_workspace()
    with ws.vault:
        found = ws.incidents.get(incident_id)
        changed = dataclasses.replace(
            found,
            status=status or found.status,
            references=(*found.references, *references),
            urls=(*found.urls, *urls),
            usernames=(*found.usernames, *usernames),
            platform=found.platform if platform is None else platform,
            category=category or found.category,
            when=found.when if when is None else when,
            description=found.description if text is None else text,
        )
        saved = ws.incidents.update(changed)
    say(f"Incident {saved.short_id} saved." if saved is not found else
        f"Nothing changed; incident {saved.short_id} is as it was.")
    if opts().json:
        out("", saved.to_json())


def _local_day(when: datetime) -> str:
    """*when*'s day on this computer's clock, in words: "07 Dec 2026"."""
    return when.astimezone().strftime("%d %b %Y")


def _with_evidence(items: Sequence[EvidenceItem]) -> str:
    """'and its 3 evidence items (2 stored files)', for the question before a delete."""
    if not items:
        return " (it has no evidence)"
    files = sum(1 for i in items if i.kind == "file")
    stored = f" ({counted(files, 'stored file')})" if files else ""
    return f" and its {counted(len(items), 'evidence item')}{stored}"


def _refuse_without_terminal(what: str) -> None:
    """Deleting needs a yes: from --yes, or typed at a terminal (never read from stdin)."""
    if not credentials.terminal_available():
        raise UsageError(f"there is no terminal to ask on: add --yes to delete {what}; "
                         "nothing was deleted")


@incident.command("delete")
@click.argument("incident_id", metavar="ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
def incident_delete(incident_id: str, yes: bool) -> None:
    """Delete an incident with all its evidence (asks first unless --yes).

    The files kept in the vault go too. Evidence packs you exported and your original files
    are not touched."""
    ws = unlocked_workspace()
    with ws.vault:
        found = ws.incidents.get(incident_id)
        items = ws.incidents.evidence(found.id)
        warn_problems(ws.incidents.problems)
        if not yes:
            _refuse_without_terminal(f"incident {found.short_id} and its evidence")
            where = f", on {found.platform}" if found.platform else ""
            if not credentials.confirm(
                    f"Delete the incident {found.short_id} of {_local_day(found.when)} "
                    f"({found.category_label}{where}){_with_evidence(items)}?\n"
                    f"{NOT_TOUCHED} This cannot be undone."):
                raise KitError("nothing was deleted")
        deleted = ws.incidents.delete(found.id)
    say(f"Incident {found.short_id} deleted, with "
        f"{counted(len(deleted.evidence), 'evidence item')} "
        f"({counted(deleted.files, 'stored file')}).")
    say(AFTER_DELETE)
    if opts().json:
        out("", deleted.to_json())


# --- evidence ---


@click.group()
def evidence() -> None:
    """Evidence for an incident: files, web addresses and notes, kept encrypted with their
    SHA-256 and a custody log; signed evidence packs to hand over, and checking them."""


def _item_line(item: EvidenceItem) -> str:
    if item.kind == "file":
        return f"{item.short_id}  {item.sha256}  {item.file_name}"
    if item.kind == "url":
        return f"{item.short_id}  url  {item.url}"
    return f"{item.short_id}  note  {item.title}"


@evidence.command("add")
@click.argument("incident_id", metavar="INCIDENT")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path), metavar="[FILE]...")
@click.option("--url", "urls", multiple=True, metavar="URL",
              help="Record a web address where you saw something (repeat for more).")
@click.option("--captured-by", metavar="NAME",
              help="Who captured it (default: your saved name, if you saved one).")
@click.option("--method", metavar="TEXT",
              help="How it was captured, e.g. 'screenshot on my phone' or 'saved web page'.")
@click.option("--captured-at", "captured_text", metavar="DATE",
              help="When it was captured (YYYY-MM-DD or 'YYYY-MM-DD HH:MM', local time). "
              "Default: each file's last-modified time; for a web address or note, now.")
@click.option("--note", metavar="TEXT|-",
              help="A note kept with each item; with no FILE or --url, the note is itself the "
              "evidence. '-' reads it from stdin (recommended).")
@json_option
def evidence_add(incident_id: str, files: tuple[Path, ...], urls: tuple[str, ...],
                 captured_by: str | None, method: str | None, captured_text: str | None,
                 note: str | None) -> None:
    """Add evidence to an incident. Each file is copied into the vault, encrypted, exactly as
    it is, with its SHA-256; the original is only read, never changed or moved: keep it."""
    if not files and not urls and note is None:
        raise UsageError("give at least one FILE, --url or --note; nothing was added")
    captured_at = (records.parse_when(captured_text, "--captured-at")
                   if captured_text is not None else None)
    for path in files:  # every file checked before the first is saved or a passphrase asked
        records.check_file(path)
    for url in urls:
        records.check_url(url, "--url")
    note_text = optional_private_text(note)
    ws = unlocked_workspace()
    added: list[EvidenceItem] = []
    with ws.vault:
        found = ws.incidents.get(incident_id)
        by = captured_by if captured_by is not None else ws.my_details.get().name
        common: dict[str, Any] = {"captured_by": by, "captured_at": captured_at}
        try:
            for path in files:
                added.append(ws.incidents.add_file(found.id, path, method=method or "",
                                                   note=note_text, **common))
            for url in urls:
                added.append(ws.incidents.add_url(found.id, url, method=method or "",
                                                  note=note_text, **common))
            if not files and not urls:
                added.append(ws.incidents.add_note(found.id, note_text, **common))
        except KitError:
            if added:
                say("Saved before the error: " + ", ".join(
                    i.file_name or i.url or i.title for i in added))
            raise
        warn_problems(ws.incidents.problems)
    for item in added:
        if item.captured_at_basis == "file-modified":
            say(f"{item.file_name}: capture time taken from the file's last-modified time "
                f"({local_time(item.captured_at)}); give --captured-at if you know it better.")
    say(f"Added {counted(len(added), 'item')} to incident {found.short_id}.")
    if files:
        say(KEEP_ORIGINALS)
    out("\n".join(_item_line(i) for i in added),
        {"incident_id": found.id, "added": [i.to_json() for i in added]})


@evidence.command("delete")
@click.argument("evidence_id", metavar="EVIDENCE_ID")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@json_option
def evidence_delete(evidence_id: str, yes: bool) -> None:
    """Delete one evidence item, and its file kept in the vault (asks first unless --yes).

    EVIDENCE_ID is the short id `kit incident show` gives each item. Evidence packs you
    exported and your original file are not touched."""
    ws = unlocked_workspace()
    with ws.vault:
        item = ws.incidents.evidence_item(evidence_id)
        owner = next((i for i in ws.incidents.list() if i.id == item.incident_id), None)
        warn_problems(ws.incidents.problems)
        if not yes:
            _refuse_without_terminal(f"evidence item {item.short_id}")
            of = (f"of the incident {owner.short_id} of {_local_day(owner.when)} "
                  f"({owner.category_label})" if owner else "(its incident is missing)")
            if not credentials.confirm(
                    f"Delete the evidence item {item.short_id} {of}: {_evidence_what(item)}?"
                    f"\n{NOT_TOUCHED} This cannot be undone."):
                raise KitError("nothing was deleted")
        ws.incidents.delete_evidence(item.id)
    say(f"Evidence item {item.short_id} deleted"
        + (", with its stored file." if item.kind == "file" else "."))
    say(AFTER_DELETE)
    if opts().json:
        out("", {"deleted": item.id, "incident_id": item.incident_id, "kind": item.kind,
                 "file_name": item.file_name, "sha256": item.sha256})


def _evidence_what(item: EvidenceItem) -> str:
    if item.kind == "file":
        return f"the file {item.file_name!r} ({item.size:,} bytes)"
    if item.kind == "url":
        return f"the web address {item.url}"
    return f"the note {item.title!r}"


@evidence.command("export")
@click.argument("incident_id", metavar="INCIDENT")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path),
              help="Where to write the pack: a new folder, a file ending .zip, or with "
              "--encrypt a file ending .age.")
@click.option("--encrypt", is_flag=True,
              help="Encrypt the pack (as a zip inside one age file) with a NEW passphrase, "
              "asked twice at the terminal or taken from KIT_NEW_PASSPHRASE. Anyone with the "
              "passphrase can open it with the kit or the standard `age -d` tool.")
@click.option("--force", is_flag=True, help="Overwrite an existing .zip or .age file.")
@json_option
def evidence_export(incident_id: str, out_path: Path, encrypt: bool, force: bool) -> None:
    """Write a signed evidence pack for an incident.

    The pack holds the incident's details, every file with its SHA-256, the custody log, and
    a manifest signed with this vault's key (docs/evidence-pack-format.md).

    Asks for your vault passphrase every time (never the keyring). Without --encrypt the pack
    is NOT encrypted: anyone who can read it can read the evidence.
    """
    from kit.reports.evidence_pack import check_target, container_for, export_pack
    from kit.reports.plaintext import warning

    container = container_for(out_path, encrypt)
    check_target(out_path.expanduser(), container, force)
    ws = unlocked_workspace(allow_device=False)
    with ws.vault:
        found = ws.incidents.get(incident_id)
        warn_problems(ws.incidents.problems)
        pack_passphrase = None
        if encrypt:
            pack_passphrase = credentials.new_passphrase(credentials.ENV_NEW_PASSPHRASE,
                                                         "passphrase for the evidence pack")
            say("Encrypting the pack (this takes a few seconds) ...")
        result = export_pack(ws.incidents, ws.snapshot().records, found.id, out_path,
                             encrypt_passphrase=pack_passphrase,
                             exported_by=ws.my_details.get().name, force=force,
                             nation=config.load().region)
    say(f"Evidence pack written to {result.path}: {counted(result.items, 'item')}, "
        f"{counted(result.files, 'file')}, signed with this vault's key.")
    say(f"Signer fingerprint: {result.fingerprint}\nWhoever receives the pack can check it "
        f"with: kit evidence verify PACK --fingerprint '{result.fingerprint}'")
    if result.container == "age":
        from kit.age_header import costly_note

        say("Give the passphrase to the recipient separately (by phone, say), never with the "
            "file.")
        note = costly_note(result.path, "kit evidence verify")
        if note:
            say(note)
    else:
        say(warning("the incident's details and its evidence", result.path))
    for note in result.notes():
        say(f"Warning: {note}")
    out(str(result.path), result.to_json())


def _readable_time(value: object) -> str:
    """A pack's time as people read it; anything unexpected (packs are untrusted) as it is."""
    try:
        stamp = datetime.fromisoformat(str(value))
    except ValueError:
        return repr(value)
    if stamp.tzinfo is None:
        return repr(value)
    return stamp.astimezone(UTC).strftime("%d %b %Y %H:%M UTC")


def _report_text(report: PackReport) -> str:
    lines = [f"Evidence pack {report.path} ({report.container})"]
    if report.incident:
        inc = report.incident
        lines.append(f"Incident {str(inc.get('id', '?'))[:8]}: {inc.get('category', '?')}, "
                     f"{_readable_time(inc.get('when'))}")
    if report.exported_at:
        lines.append(f"Exported {_readable_time(report.exported_at)}")
    lines.append(f"Signer fingerprint: {report.signer_fingerprint or 'unknown'}"
                 + ("" if report.signature_valid else " (NOT confirmed: see below)"))
    ok = sum(1 for f in report.files if f.status == "ok")
    lines.append(f"Files checked: {ok} of {len(report.files)} match the manifest.")
    if report.intact:
        lines += ["", "INTACT: the signature is valid and every file matches the manifest; "
                  "nothing is missing or added.",
                  "Compare the fingerprint with the one the sender gives you (they see it in "
                  "`kit vault info`), or pass it with --fingerprint."]
    else:
        lines += ["", "NOT INTACT: the pack is damaged, was changed after it was signed, or was "
                  "signed by someone else:"]
        lines += [f"  [{f.code}] {f.message}" for f in report.findings]
    return "\n".join(lines)


@evidence.command("verify")
@click.argument("pack", type=click.Path(path_type=Path))
@click.option("--fingerprint", metavar="FINGERPRINT",
              help="The signer's fingerprint as the sender gave it; anything else is reported.")
@click.option("--allow-costly", is_flag=True, help="Open an encrypted pack whose passphrase "
              "protection asks for more memory than the kit accepts by default (a pack made "
              "on a much faster computer), up to age's own limit of 4 GiB.")
@json_option
def evidence_verify(pack: Path, fingerprint: str | None, allow_costly: bool) -> None:
    """Check an evidence pack: its signature and every file.

    PACK is a folder, a .zip or an .age file. Every file's size and SHA-256 is checked
    against the signed manifest. Needs no vault.

    Exit status: 0 intact; 4 something changed, missing, added, or the manifest or its
    signature does not check out; 1 not a pack, or refused as unsafe; 2 usage; 3 wrong
    passphrase for an encrypted pack (taken from KIT_PASSPHRASE, --passphrase-file or the
    terminal).
    """
    from kit.reports.evidence_pack import is_encrypted_pack, verify_pack
    from kit.supervision.cards import normalize_fingerprint

    if fingerprint is not None:
        normalize_fingerprint(fingerprint)  # a mistyped one is a usage error (exit 2), at once
    passphrase = None
    if is_encrypted_pack(pack):
        from kit.unlock import HOW_PASSPHRASE, given_passphrase

        passphrase = given_passphrase(opts().passphrase_file)
        if passphrase is None:
            passphrase = credentials.prompt_secret("Passphrase of the evidence pack: ",
                                                   HOW_PASSPHRASE)
        say("Decrypting the pack (this takes a few seconds) ...")
    report = verify_pack(pack, passphrase=passphrase, expected_fingerprint=fingerprint,
                         allow_costly=allow_costly)
    out(_report_text(report), report.to_json())
    if not report.intact:
        raise click.exceptions.Exit(4)
