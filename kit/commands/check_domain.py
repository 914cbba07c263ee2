"""`kit check domain NAME`: what the public record of your own domain shows about you (RDAP).

Attached to the `kit check` group in kit/commands/check.py. The --yes option is declared here
rather than imported from check.py, which imports this module.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

import click

from kit.commands.context import json_option, out, say, warn_problems
from kit.plurals import counted

if TYPE_CHECKING:
    from kit.footprint.rdap import DomainReport, SourceReport

KIND_WORDS = {"registry": "Registry", "registrar": "Registrar", "redirect": "Forwarded to",
              "contact": "Contact record", "nsset": "Name-server set",
              "keyset": "DNSSEC key set"}


@click.command("domain")
@click.argument("name")
@click.option("--refresh-bootstrap", is_flag=True,
              help="Fetch IANA's public list of domain registries again now (it is fetched "
              "by itself when 30 days old).")
@click.option("--yes", is_flag=True,
              help="Approve each plan without asking (each is still printed on stderr).")
@json_option
def check_domain(name: str, refresh_bootstrap: bool, yes: bool) -> None:
    """What does the public record (RDAP, the successor of WHOIS) of domain NAME show?

    For the registrant, administrative and technical contacts it lists which details anyone
    can look up (name, organisation, postal address, phone, email) and which are redacted.
    Your domain name is sent to the registry for its top-level domain and, when the registry
    points there, to the registrar's RDAP server; contacts the record names only by a
    reference are asked for by that reference. Each is a separate plan you approve; what is
    not read is listed, and the result then says it is incomplete.
    """
    from kit import config
    from kit.commands.footprint_consent import approve
    from kit.commands.services import open_footprint
    from kit.footprint import rdap
    from kit.footprint.plan import Plan
    from kit.footprint.transport import Transport

    rdap.parse_domain(name)  # a typo is reported before the vault is opened
    settings = config.load()  # a broken config fails before anything is asked or sent
    with open_footprint() as fp:
        warn_problems(fp.domain_bootstrap_problems())

        def ask(plan: Plan) -> None:
            approve(plan, yes)

        with Transport.from_config(settings) as transport:
            report = fp.check_domain(name, transport=transport, approve=ask,
                                     timeout=settings.network_timeout,
                                     refresh=refresh_bootstrap)
    for note in report.notes:
        say(f"Note: {note}")
    for gap in report.gaps:
        say(f"Note: {gap} That part of the record is missing from this report.")
    out(_text(report), {"check": "domain", **report.to_json()})


def _source_text(source: SourceReport) -> list[str]:
    from kit.footprint.rdap import ROLE_WORDS

    head = f"{KIND_WORDS.get(source.kind, source.kind)}: {source.host}"
    if source.registrar:
        head += f" (registrar: {source.registrar})"
    if source.handle:
        head += f" (reference {source.handle})"
    if source.status != "found":
        return [head, f"  not read: {source.message}"]
    lines = [head]
    if not any(role.in_record for role in source.roles):
        return [*lines, "  no contact details in this record"]
    for role in source.roles:
        if (source.kind == "contact" and role.role not in source.contact_roles) or \
                (source.kind in ("nsset", "keyset") and not role.in_record):
            continue
        label = ROLE_WORDS[role.role][0].upper() + ROLE_WORDS[role.role][1:]
        if not role.in_record:
            lines.append(f"  {label}: not in this record")
            continue
        if role.referred and not role.having("exposed", "partial", "redacted"):
            lines.append(f"  {label}: named only by a reference ({', '.join(role.referred)}); "
                         "the details are read separately, below")
            continue
        exposed = role.having("exposed")
        partial = role.having("partial")
        redacted = role.having("redacted")
        lines.append(f"  {label}:")
        if exposed:
            lines += ["    Shown:", *(f"      {f.label}: {f.shown}" for f in exposed)]
        if partial:
            lines += ["    Partly shown:", *(f"      {f.label}: {f.shown} ({f.how})"
                                              for f in partial)]
        if redacted:
            lines.append("    Redacted: " + ", ".join(f.label for f in redacted))
        if not (exposed or partial or redacted):
            lines.append("    no contact details")
    return lines


def _text(report: DomainReport) -> str:
    lines = [f"Public record of {report.domain.shown}", ""]
    for source in report.sources:
        lines += [*_source_text(source), ""]
    exposed = report.exposed()
    if any(f.state == "exposed" for hits in exposed.values() for _, f in hits):
        lines += textwrap.wrap(
            "Anyone can look up the details listed under Shown. `kit checklist show "
            "records-domain-whois` says how to hide them: your registrar's privacy option, "
            "or for a .uk domain you hold as an individual, the opt-out.", 100)
    elif exposed:
        lines.append("Only the region or country of an address is shown; the personal details "
                     "are redacted.")
    elif report.complete:
        lines.append("No personal contact details are shown in this record.")
    else:
        lines.append("No personal contact details are shown in the parts that were read, but "
                     "not all of the record could be read, so this is not a clean result.")
    if not report.complete:
        lines += ["", "Not read:"]
        for gap in report.gaps:
            lines += textwrap.wrap(gap, 100, initial_indent="  - ", subsequent_indent="    ")
    new = sum(1 for f in report.findings if f.seen_count == 1)
    if report.findings:
        lines.append(f"{counted(len(report.findings), 'finding')} recorded ({new} new); "
                     "`kit findings` lists them.")
    if report.cleared:
        lines.append(f"{counted(len(report.cleared), 'earlier finding')} no longer "
                     f"show{'s' if len(report.cleared) == 1 else ''} and "
                     f"{'was' if len(report.cleared) == 1 else 'were'} marked fixed.")
    return "\n".join(lines).rstrip()
