"""`kit check domain`: the IANA bootstrap, the registry and the registrar are real HTTP servers
on loopback (each its own 127.x address, as separate hosts). Exposed and redacted records,
the registrar as a second approved plan, unknown TLDs, malformed and hostile answers, the
bootstrap cache, findings kept per domain and role, and the command's exit codes."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kit.errors import NetworkFailed, NetworkRefused, NotFound, UsageError
from kit.footprint import rdap
from kit.footprint.plan import Plan
from kit.footprint.transport import Transport
from kit.records.ledger import Ledger
from kit.vault import Vault
from kit.workspace import Workspace
from tests.conftest import KitRun, run_kit
from tests.footprint.conftest import LoopbackServer
from tests.hostile_text import FORGED, HOSTILE, run_kit_raw, terminal_safe

JSON = {"Content-Type": "application/rdap+json"}


def vcard(*props: list[Any]) -> list[Any]:
    return ["vcard", [["version", {}, "text", "4.0"], *props]]


def entity(roles: list[str], *props: list[Any], **more: Any) -> dict[str, Any]:
    return {"objectClassName": "entity", "roles": roles, "vcardArray": vcard(*props), **more}


FN = ["fn", {}, "text", "Jane Smith"]
ADR = ["adr", {}, "text", ["", "", "1 Quiet Lane", "Leeds", "West Yorkshire", "LS1 1AA", "GB"]]
TEL = ["tel", {"type": "voice"}, "uri", "tel:+44.1134960000"]
EMAIL = ["email", {}, "text", "jane@example.org"]
REGISTRAR = entity(["registrar"], ["fn", {}, "text", "Example Registrar Ltd"],
                   entities=[entity(["abuse"], ["email", {}, "text", "abuse@registrar.test"])])


def record(name: str, *entities: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"objectClassName": "domain", "ldhName": name, "entities": [REGISTRAR, *entities],
            **more}


EXPOSED = record(
    "jane.example",
    entity(["registrant"], FN, ADR, TEL, EMAIL),
    entity(["technical"], ["fn", {}, "text", "REDACTED FOR PRIVACY"],
           ["email", {}, "text", "https://registrar.test/contact-form"]))

REDACTED = record(
    "quiet.example",
    entity(["registrant"], ["fn", {}, "text", ""],
           ["adr", {}, "text", ["", "", "", "", "West Yorkshire", "", "GB"]]),
    redacted=[
        {"name": {"type": "Registry Registrant ID"}, "prePath": "$.entities[?(@.roles[0]=="
         "'registrant')].handle", "method": "removal"},
        {"name": {"type": "Registrant Name"}, "method": "emptyValue",
         "postPath": "$.entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[0]=='fn')][3]"},
        {"name": {"type": "Registrant Street"}, "method": "emptyValue"},
        {"name": {"type": "Registrant Phone"}, "method": "removal",
         "prePath": "$.entities[?(@.roles[0]=='registrant')].vcardArray[1][?(@[0]=='tel')]"},
        {"name": {"type": "Registrant Email"}, "method": "removal"},
        {"name": {"description": "Technical contact email"}, "method": "removal",
         "prePath": "$.entities[?(@.roles[0]=='technical')].vcardArray[1][?(@[0]=='email')]"},
    ])


@dataclass
class Net:
    """Three loopback hosts: IANA's bootstrap, a registry and a registrar."""

    iana: LoopbackServer
    registry: LoopbackServer
    registrar: LoopbackServer
    docs: dict[str, tuple[int, bytes]] = field(default_factory=dict)  # path -> answer
    services: list[list[list[str]]] = field(default_factory=list)

    def bootstrap(self) -> bytes:
        return json.dumps({"version": "1.0", "publication": "2026-01-01T00:00:00Z",
                           "services": self.services}).encode()

    def serve(self, path: str, doc: Any, status: int = 200) -> None:
        body = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
        self.docs[path] = (status, body)


@pytest.fixture
def net(http_server: Callable[..., LoopbackServer], monkeypatch: pytest.MonkeyPatch) -> Net:
    iana = http_server(host="127.0.0.3")
    registry = http_server(host="127.0.0.1")
    registrar = http_server(host="127.0.0.2")
    state = Net(iana, registry, registrar)
    state.services = [[["example", "thin", "cz"], [f"{registry.url}/rdap/"]],
                      [["co.uk"], [f"{registry.url}/couk/"]],
                      [["plain"], ["http://rdap.plain.test/"]]]  # refused: plain http, not loopback

    def answer(method: str, path: str, headers: Mapping[str, str], body: bytes
               ) -> tuple[int, dict[str, str], bytes]:
        if path == "/rdap-bootstrap/dns.json":
            return 200, {"Content-Type": "application/json"}, state.bootstrap()
        status, doc = state.docs.get(path, (404, b'{"errorCode": 404}'))
        return status, JSON, doc

    for server in (iana, registry, registrar):
        server.handler = answer
    monkeypatch.setenv("KIT_RDAP_URL", f"{iana.url}/rdap-bootstrap/")
    return state


@dataclass
class Run:
    """One check, driven through the library API with a real Transport."""

    ws: Workspace
    plans: list[Plan] = field(default_factory=list)
    refuse_host: str | None = None
    refuse_text: str | None = None  # refuse a plan whose disclosure says this

    def approve(self, plan: Plan) -> None:
        self.plans.append(plan)
        if (self.refuse_host and self.refuse_host in plan.requests[0].host) or \
                (self.refuse_text and self.refuse_text in plan.disclosure):
            raise NetworkRefused("the domain check was not approved; nothing was sent")

    def __call__(self, name: str, **options: Any) -> rdap.DomainReport:
        with Transport() as transport:
            return rdap.check_domain(name, transport=transport, approve=self.approve,
                                     cache=self.ws.rdap_bootstrap, findings=self.ws.findings,
                                     ledger=self.ws.ledger, timeout=5, **options)


@pytest.fixture
def run(vault: Vault) -> Iterator[Run]:
    yield Run(Workspace(vault))


def fields_of(source: rdap.SourceReport, role: str) -> dict[str, str]:
    found = next(r for r in source.roles if r.role == role)
    return {f.field: f.state for f in found.fields}


def paths(server: LoopbackServer) -> list[str]:
    return [r.path for r in server.received]


# --- exposed and redacted ---


def test_an_exposed_record_is_reported_and_becomes_a_finding(net: Net, run: Run,
                                                             vault: Vault) -> None:
    net.serve("/rdap/domain/jane.example", EXPOSED)
    report = run("Jane.Example.")
    assert run.plans[0].disclosure.startswith("Download the public list")
    assert "Nothing about you or your domain is sent" in run.plans[0].disclosure
    assert "your domain name is sent to 127.0.0.1" in run.plans[1].disclosure
    assert run.plans[1].requests[0].sends == ("your domain name: jane.example",)
    assert paths(net.iana) == ["/rdap-bootstrap/dns.json"]
    assert paths(net.registry) == ["/rdap/domain/jane.example"]
    assert net.registry.received[0].headers["accept"] == "application/rdap+json"
    assert paths(net.registrar) == []  # no related link: nothing more asked

    (source,) = report.sources
    assert (source.kind, source.status, source.registrar) == \
        ("registry", "found", "Example Registrar Ltd")
    assert fields_of(source, "registrant") == {
        "fn": "exposed", "org": "absent", "adr": "exposed", "tel": "exposed",
        "email": "exposed"}
    registrant = next(r for r in source.roles if r.role == "registrant")
    shown = {f.field: f.shown for f in registrant.fields}
    assert shown["adr"] == "1 Quiet Lane, Leeds, LS1 1AA, West Yorkshire, GB"
    assert shown["tel"] == "+44.1134960000"
    assert fields_of(source, "technical") == {
        "fn": "redacted", "org": "absent", "adr": "absent", "tel": "absent",
        "email": "redacted"}
    technical = next(r for r in source.roles if r.role == "technical")
    assert technical.fields[0].how == '"REDACTED FOR PRIVACY" is shown in its place'
    assert technical.fields[4].how == "a contact form is given instead"
    administrative = next(r for r in source.roles if r.role == "administrative")
    assert not administrative.in_record
    assert report.complete and report.bootstrap_refreshed

    (finding,) = report.findings
    assert (finding.source, finding.key, finding.severity, finding.fix_item) == \
        ("domain", "jane.example registrant", "high", "records-domain-whois")
    assert finding.title == ("jane.example: the registrant's name, postal address, phone "
                             "number and email address are public in the domain record")
    assert "1 Quiet Lane" in finding.exposed
    assert f"{net.registry.url}/rdap/domain/jane.example (registry)" in finding.evidence
    # Every request is in the encrypted ledger, by host and path only.
    entries = Ledger(vault).entries()
    assert sorted((e.host, e.path, e.status) for e in entries) == sorted([
        (f"127.0.0.3:{net.iana.port}", "/rdap-bootstrap/dns.json", 200),
        (f"127.0.0.1:{net.registry.port}", "/rdap/domain/jane.example", 200)])
    assert {e.check for e in entries} == {"domain"}


def test_a_redacted_record_says_what_is_hidden_and_records_nothing(net: Net,
                                                                   run: Run) -> None:
    net.serve("/rdap/domain/quiet.example", REDACTED)
    report = run("quiet.example")
    (source,) = report.sources
    assert fields_of(source, "registrant") == {
        "fn": "redacted", "org": "absent", "adr": "partial", "tel": "redacted",
        "email": "redacted"}
    registrant = next(r for r in source.roles if r.role == "registrant")
    by_field = {f.field: f for f in registrant.fields}
    assert by_field["fn"].how == "marked redacted by the server (emptyValue)"
    assert by_field["adr"].shown == "West Yorkshire, GB"
    assert fields_of(source, "technical")["email"] == "redacted"  # from the JSONPath alone
    assert next(r for r in source.roles if r.role == "technical").in_record
    assert report.findings == ()  # region and country only: not a finding on its own


def test_placeholder_and_privacy_service_values_count_as_redacted(net: Net, run: Run) -> None:
    net.serve("/rdap/domain/proxy.example", record(
        "proxy.example",
        entity(["registrant", "administrative"],
               ["fn", {}, "text", "Data Protected"],
               ["org", {}, "text", "Domains By Proxy, LLC"],
               ["adr", {"label": "REDACTED FOR PRIVACY"}, "text", ["", "", "", "", "", "", ""]],
               ["tel", {}, "uri", "tel:REDACTED"],
               ["email", {}, "text", "abc123@withheldforprivacy.com"])))
    report = run("proxy.example")
    for role in ("registrant", "administrative"):
        assert fields_of(report.sources[0], role) == {
            "fn": "redacted", "org": "redacted", "adr": "redacted", "tel": "redacted",
            "email": "redacted"}
    assert report.findings == ()


# --- the registrar, a second approved plan ---


def thin_record(registrar: LoopbackServer, name: str = "thin.thin") -> dict[str, Any]:
    return record(name, links=[
        {"rel": "self", "href": "https://ignored.test/domain/x", "type": "application/rdap+json"},
        {"rel": "related", "href": "https://registrar.test/whois", "type": "text/html"},
        {"rel": "related", "href": f"{registrar.url}/rdap/domain/{name.upper()}",
         "type": "application/rdap+json"}])


def test_a_thin_registry_leads_to_the_registrar_after_a_second_approval(net: Net,
                                                                        run: Run) -> None:
    net.serve("/rdap/domain/thin.thin", thin_record(net.registrar))
    net.serve("/rdap/domain/THIN.THIN", record(
        "thin.thin", entity(["registrant"], ["fn", {}, "text", "REDACTED"], EMAIL)))
    report = run("thin.thin")
    assert len(run.plans) == 3  # bootstrap, registry, then the registrar on its own
    registrar_plan = run.plans[2]
    assert registrar_plan.requests[0].host == f"127.0.0.2:{net.registrar.port}"
    assert "points to the registrar's RDAP server" in registrar_plan.disclosure
    assert paths(net.registrar) == ["/rdap/domain/THIN.THIN"]
    registry, registrar = report.sources
    assert (registry.kind, registrar.kind) == ("registry", "registrar")
    assert not any(r.in_record for r in registry.roles)
    assert fields_of(registrar, "registrant")["email"] == "exposed"
    (finding,) = report.findings
    assert finding.severity == "medium"
    assert "(registrar)" in finding.evidence


def test_declining_or_failing_at_the_registrar_keeps_the_registry_answer(net: Net,
                                                                         run: Run) -> None:
    net.serve("/rdap/domain/thin.thin", thin_record(net.registrar))
    run.refuse_host = "127.0.0.2"
    report = run("thin.thin")
    assert paths(net.registrar) == []  # declined: nothing sent there
    assert [s.status for s in report.sources] == ["found", "declined"]
    assert not report.complete
    run.refuse_host = None
    net.serve("/rdap/domain/THIN.THIN", b"oops", status=500)
    report = run("thin.thin")
    assert [s.status for s in report.sources] == ["found", "failed"]
    assert "HTTP 500" in report.sources[1].message
    del net.docs["/rdap/domain/THIN.THIN"]
    report = run("thin.thin")
    assert report.sources[1].message == f"127.0.0.2:{net.registrar.port} has no record of " \
        "thin.thin"


def test_links_that_are_not_a_plain_lookup_of_this_domain_are_not_followed(
        net: Net, run: Run) -> None:
    net.serve("/rdap/domain/thin.thin", record("thin.thin", links=[
        {"rel": "related", "href": f"{net.registrar.url}/rdap/domain/other.thin"},
        {"rel": "related", "href": f"{net.registrar.url}/rdap/domain/thin.thin?who=me"},
        {"rel": "related", "href": "http://registrar.test/rdap/domain/thin.thin"},
        {"rel": "related", "href": 42}, "not a link"]))
    report = run("thin.thin")
    assert len(run.plans) == 2 and paths(net.registrar) == []
    # Pointed to and not asked: the registrar's part is missing, so the report is incomplete.
    assert [(s.kind, s.status) for s in report.sources] == [("registry", "found"),
                                                          ("registrar", "skipped")]
    assert report.sources[1].url == f"{net.registrar.url}/rdap/domain/other.thin"
    assert not report.complete and "a lookup the kit does not follow" in report.gaps[0]
    # A related link to a web page, or to something other than a domain, is no gap.
    net.serve("/rdap/domain/thin.thin", record("thin.thin", links=[
        {"rel": "related", "href": "https://registrar.test/whois", "type": "text/html"},
        {"rel": "related", "href": f"{net.registrar.url}/rdap/entity/123"}]))
    report = run("thin.thin")
    assert len(report.sources) == 1 and report.complete


def test_a_registry_redirect_is_followed_only_as_its_own_plan(net: Net, run: Run) -> None:
    target = f"{net.registrar.url}/moved/domain/jane.example"
    net.serve("/rdap/domain/jane.example", b"", status=302)
    net.registry.handler = lambda m, p, h, b: (302, {"Location": target}, b"")
    net.serve("/moved/domain/jane.example", EXPOSED)
    report = run("jane.example")
    assert len(run.plans) == 3
    assert "sent the question on to 127.0.0.2" in run.plans[2].disclosure
    assert report.sources[0].url == target and report.sources[0].status == "found"
    # Redirects that never end: each hop approved on its own, and a limit to them.
    hops = iter(range(100))
    net.registrar.handler = lambda m, p, h, b: (
        302, {"Location": f"/hop{next(hops)}/domain/jane.example"}, b"")
    with pytest.raises(NetworkFailed, match="pointed on again"):
        run("jane.example")
    assert len(net.registrar.received) == 1 + rdap.MAX_FOLLOW


# --- contacts named only by reference (CZ.NIC), a third approved plan ---


def cz_contact(base: str, handle: str, roles: list[str]) -> dict[str, Any]:
    """A contact as CZ.NIC's registry lists it in a domain record: handle, role, self link."""
    href = f"{base}/rdap/entity/{handle}"
    return {"objectClassName": "entity", "handle": handle, "roles": roles,
            "links": [{"href": href, "type": "application/rdap+json", "rel": "self",
                       "value": href}]}


def cz_record(base: str, name: str = "jana.cz", contacts: tuple[tuple[str, str], ...] = (
        ("CZ-JANA", "registrant"), ("FEELA", "administrative"),
        ("MAPET", "administrative"))) -> dict[str, Any]:
    """Shaped as CZ.NIC's own documented answer for nic.cz (fred-docs RDAPReference)."""
    self_link = f"{base}/rdap/domain/{name}"
    return {"objectClassName": "domain", "handle": name, "ldhName": name, "port43": "whois.nic.cz",
            "rdapConformance": ["rdap_level_0", "fred_version_0"], "status": ["active"],
            "links": [{"href": self_link, "type": "application/rdap+json", "rel": "self",
                       "value": self_link}],
            "entities": [cz_contact(base, contacts[0][0], [contacts[0][1]]),
                         {"objectClassName": "entity", "handle": "REG-CZNIC",
                          "roles": ["registrar"]},
                         *(cz_contact(base, h, [r]) for h, r in contacts[1:])]}


def cz_entity(handle: str, *props: list[Any]) -> dict[str, Any]:
    """CZ.NIC's answer to /entity/HANDLE: the vCard, its adr with eight parts as CZ.NIC sends."""
    return {"objectClassName": "entity", "handle": handle, "status": ["associated"],
            "port43": "whois.nic.cz", "rdapConformance": ["rdap_level_0"],
            "entities": [{"objectClassName": "entity", "handle": "REG-CZNIC",
                          "roles": ["registrar"]}],
            "vcardArray": vcard(*props)}


JANA = cz_entity("CZ-JANA", ["fn", {}, "text", "Jana Nováková"],
                 ["adr", {"type": ""}, "text",
                  ["", "Lipová 12", "", "", "Praha 3", "", "130 00", "CZ"]])
FEELA = cz_entity("FEELA", ["fn", {}, "text", "Pavel Novák"],
                  ["email", {}, "text", "pavel@example.cz"])
MAPET = cz_entity("MAPET", ["fn", {}, "text", "Martin Peterka"])


def serve_cz(net: Net) -> None:
    net.serve("/rdap/domain/jana.cz", cz_record(net.registry.url))
    net.serve("/rdap/entity/CZ-JANA", JANA)
    net.serve("/rdap/entity/FEELA", FEELA)
    net.serve("/rdap/entity/MAPET", MAPET)


def test_contacts_named_by_reference_are_asked_for_in_one_approved_plan(net: Net, run: Run,
                                                                        vault: Vault) -> None:
    serve_cz(net)
    report = run("jana.cz")
    assert len(run.plans) == 3  # bootstrap, registry, then the contacts on their own
    contacts = run.plans[2]
    assert contacts.disclosure == (
        f"The record from 127.0.0.1:{net.registry.port} names the registrant and administrative "
        "contact only by references; the details are kept at "
        f"127.0.0.1:{net.registry.port}. Ask for them: the references CZ-JANA, FEELA and MAPET "
        f"are sent to 127.0.0.1:{net.registry.port}, not your domain name. Without this the "
        "kit cannot tell whether they show personal details.")
    assert [r.sends for r in contacts.requests] == [
        (f"a contact reference from the record: {h}",) for h in ("CZ-JANA", "FEELA", "MAPET")]
    assert "jana.cz" not in " ".join(r.url for r in contacts.requests)
    assert paths(net.registry) == ["/rdap/domain/jana.cz", "/rdap/entity/CZ-JANA",
                                   "/rdap/entity/FEELA", "/rdap/entity/MAPET"]
    registry, *found = report.sources
    registrant = next(r for r in registry.roles if r.role == "registrant")
    assert registrant.referred == ("CZ-JANA",) and registrant.in_record
    assert [(s.kind, s.status, s.handle, s.contact_roles) for s in found] == [
        ("contact", "found", "CZ-JANA", ("registrant",)),
        ("contact", "found", "FEELA", ("administrative",)),
        ("contact", "found", "MAPET", ("administrative",))]
    assert fields_of(found[0], "registrant")["adr"] == "exposed"
    assert fields_of(found[1], "administrative")["email"] == "exposed"
    assert report.complete and report.gaps == ()
    titles = sorted(f.title for f in report.findings)
    assert titles == [
        "jana.cz: the admin contact's name and email address are public in the domain record",
        "jana.cz: the registrant's name and postal address are public in the domain record"]
    evidence = next(f.evidence for f in report.findings if f.key == "jana.cz registrant")
    assert f"{net.registry.url}/rdap/entity/CZ-JANA (contact)" in evidence
    assert len(Ledger(vault).entries()) == 5


def test_contacts_not_read_make_the_report_incomplete_never_clean(
        net: Net, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    serve_cz(net)
    first = run("jana.cz")
    assert first.complete and len(first.findings) == 2
    # Declined: nothing is sent to the contacts, the report says it is incomplete, and the
    # findings from the earlier run are not marked fixed on the strength of it.
    run.refuse_text = "only by references"
    declined = run("jana.cz")
    assert paths(net.registry).count("/rdap/entity/CZ-JANA") == 1
    assert not declined.complete and declined.findings == () and declined.cleared == ()
    assert [s.status for s in declined.sources] == ["found", "declined", "declined", "declined"]
    assert declined.gaps[0] == (
        "The record names the registrant only by a reference (CZ-JANA); the details were not "
        "asked for (the domain check was not approved; nothing was sent).")
    doc = declined.to_json()
    assert doc["complete"] is False and len(doc["incomplete"]) == 3
    assert all(f.status == "open" for f in run.ws.findings.list())
    # Offline by the time the contacts are approved: refused at the transport, not sent.
    run.refuse_text = None
    approve = run.approve

    def offline_for_contacts(plan: Plan) -> None:
        approve(plan)
        if "only by references" in plan.disclosure:
            monkeypatch.setenv("KIT_OFFLINE", "1")

    run.approve = offline_for_contacts  # type: ignore[method-assign]
    offline = run("jana.cz")
    monkeypatch.delenv("KIT_OFFLINE")
    run.approve = approve  # type: ignore[method-assign]
    assert paths(net.registry).count("/rdap/entity/CZ-JANA") == 1
    assert [s.status for s in offline.sources] == ["found", "declined", "declined", "declined"]
    assert not offline.complete and "offline (KIT_OFFLINE=1)" in offline.gaps[0]
    # Failed: one contact answers 500, one 404, one garbage; each says so on its own.
    run.refuse_text = None
    net.serve("/rdap/entity/FEELA", b"oops", status=500)
    del net.docs["/rdap/entity/MAPET"]
    net.serve("/rdap/entity/CZ-JANA", b"<html>")
    failed = run("jana.cz")
    assert [(s.status, s.message) for s in failed.sources[1:]] == [
        ("failed", f"the answer from 127.0.0.1:{net.registry.port} is not valid JSON; it was "
                   "not used"),
        ("failed", f"127.0.0.1:{net.registry.port} answered HTTP 500; nothing from it was used"),
        ("failed", f"127.0.0.1:{net.registry.port} has no record of it")]
    assert not failed.complete and len(failed.gaps) == 3 and failed.cleared == ()


def test_technical_contacts_on_a_name_server_set_are_read_through_it(net: Net,
                                                                      run: Run) -> None:
    """CZ.NIC lists a domain's technical contacts on its name-server set (fred_nsset), again
    by reference: the set is asked for with the other contacts, then its contacts."""
    base = net.registry.url
    doc = cz_record(base, contacts=(("CZ-JANA", "registrant"),))
    nsset_url = f"{base}/rdap/fred_nsset/NSS-JANA"
    doc["fred_nsset"] = {"objectClassName": "fred_nsset", "handle": "NSS-JANA",
                         "links": [{"href": nsset_url, "rel": "self",
                                    "type": "application/rdap+json", "value": nsset_url}]}
    net.serve("/rdap/domain/jana.cz", doc)
    net.serve("/rdap/entity/CZ-JANA", JANA)
    net.serve("/rdap/fred_nsset/NSS-JANA", {
        "objectClassName": "fred_nsset", "handle": "NSS-JANA", "status": ["associated"],
        "entities": [{"objectClassName": "entity", "handle": "REG-CZNIC", "roles": ["registrar"]},
                     cz_contact(base, "JANA-TECH", ["technical"])]})
    net.serve("/rdap/entity/JANA-TECH", cz_entity(
        "JANA-TECH", ["fn", {}, "text", "Jana Nováková"], ["tel", {}, "uri", "tel:+420.604123456"]))
    report = run("jana.cz")
    assert [r.sends for r in run.plans[2].requests] == [
        ("a contact reference from the record: CZ-JANA",),
        ("a reference to the domain's name-server set from the record: NSS-JANA",)]
    assert [r.sends for r in run.plans[3].requests] == [
        ("a contact reference from the record: JANA-TECH",)]
    assert [(s.kind, s.status, s.handle) for s in report.sources] == [
        ("registry", "found", ""), ("contact", "found", "CZ-JANA"), ("nsset", "found", "NSS-JANA"),
        ("contact", "found", "JANA-TECH")]
    assert fields_of(report.sources[3], "technical")["tel"] == "exposed"
    assert report.complete
    assert sorted(f.key for f in report.findings) == ["jana.cz registrant", "jana.cz technical"]
    # The set not asked for: its contacts are a gap, not "no technical contact".
    run.refuse_text = "only by references"
    report = run("jana.cz")
    assert not report.complete
    assert "The record names the technical contact only by a reference (NSS-JANA)" in \
        report.gaps[1]


def test_contact_references_are_bounded_and_only_plain_entity_lookups(net: Net,
                                                                      run: Run) -> None:
    base = net.registry.url
    many = tuple((f"C-{i}", "technical") for i in range(rdap.MAX_CONTACTS + 2))
    net.serve("/rdap/domain/many.cz", cz_record(base, "many.cz", (("CZ-JANA", "registrant"),
                                                                  *many)))
    net.serve("/rdap/entity/CZ-JANA", JANA)
    report = run("many.cz")
    assert len(run.plans[2].requests) == rdap.MAX_CONTACTS  # one plan, at most six asked
    statuses = [s.status for s in report.sources[1:]]
    assert statuses.count("skipped") == 3 and "found" in statuses
    assert not report.complete
    assert "the kit looks up at most 6 contacts in one check" in " ".join(report.gaps)

    # Links that are not a plain lookup of that very contact are never followed; a contact
    # with no link at all cannot be read either. Each leaves the report incomplete.
    odd = cz_record(base, "odd.cz", (("CZ-JANA", "registrant"),))
    odd["entities"] += [
        {"roles": ["administrative"], "handle": "A1", "links": [
            {"rel": "self", "href": f"{base}/rdap/entity/OTHER"},
            {"rel": "self", "href": f"{base}/rdap/entity/A1?x=1"},
            {"rel": "self", "href": "http://registry.test/rdap/entity/A1"},
            {"rel": "self", "href": f"{base}/rdap/domain/A1"},
            {"rel": "self", "href": f"{base}/rdap/entity/A1", "type": "text/html"},
            {"rel": "alternate", "href": f"{base}/rdap/entity/A1"}]},
        {"roles": ["technical"], "handle": "T\u202e1\x1b[2J"},
        {"roles": ["technical"]}]
    net.serve("/rdap/domain/odd.cz", odd)
    report = run("odd.cz")
    assert [r.url for r in run.plans[-1].requests] == [f"{base}/rdap/entity/CZ-JANA"]
    assert [(s.status, s.handle, s.contact_roles) for s in report.sources[1:]] == [
        ("found", "CZ-JANA", ("registrant",)),
        ("skipped", "A1", ("administrative",)),
        ("skipped", "", ("technical",)),
        ("skipped", "", ("technical",))]
    assert not report.complete
    assert "gives no address the kit can ask for its details" in report.gaps[0]
    assert all("\x1b" not in g and "\u202e" not in g for g in report.gaps)


def test_a_registrar_beyond_the_follow_limit_leaves_the_report_incomplete(net: Net,
                                                                           run: Run) -> None:
    net.serve("/rdap/domain/thin.thin", thin_record(net.registrar))
    hops = iter(range(100))
    net.registrar.handler = lambda m, p, h, b: (
        302, {"Location": f"/hop{next(hops)}/domain/thin.thin"}, b"")
    report = run("thin.thin")
    assert [(s.kind, s.status) for s in report.sources] == [("registry", "found"),
                                                          ("registrar", "skipped")]
    assert not report.complete and "at most 2 further servers" in report.gaps[0]


# --- placeholders and RFC 9537 redactions ---


def placeholder_record(name: str, *props: list[Any]) -> dict[str, Any]:
    return record(name, entity(["registrant"], *props))


# Each as a registrar shows it (GoDaddy, Tucows/OpenSRS, Namecheap, a .moscow registrar,
# RU-CENTER, ICANN's 2024 profile, EU registrars), with the field it stands in for.
PLACEHOLDERS = [
    ("fn", "Registration Private"), ("org", "Domains By Proxy, LLC"),
    ("adr", ["", "", "DomainsByProxy.com", "", "", "", ""]),
    ("email", "Select Contact Domain Holder link at https://www.godaddy.com/whois"),
    ("fn", "REDACTED FOR PRIVACY"), ("fn", "Redacted For Privacy"), ("fn", "redacted"),
    ("fn", "[REDACTED]"), ("fn", "REDACTED FOR GDPR PRIVACY"), ("fn", "Redacted | EU Data Subject"),
    ("org", "Contact Privacy Inc. Customer 0167521735"),
    ("email", "jana.cz@contactprivacy.com"), ("email", "https://tieredaccess.com/contact/1f"),
    ("org", "Privacy service provided by Withheld for Privacy ehf"),
    ("email", "0f3a2b@withheldforprivacy.com"),
    ("fn", "Personal data, can not be publicly disclosed according to applicable laws."),
    ("tel", "Personal data, can not be publicly disclosed according to applicable laws."),
    ("fn", "Undisclosed"), ("fn", "Not Disclosed"), ("org", "Non-Disclosed"), ("fn", "N/A"),
    ("org", "n/a"), ("org", "NA"), ("fn", "None"), ("fn", "Private Person"),
    ("fn", "Data Protected"), ("adr", ["", "", "Data Protected", "Data Protected", "", "", ""]),
    ("fn", "GDPR Masked"), ("fn", "Statutory Masking Enabled"), ("fn", "Whois Privacy Service"),
    ("org", "Perfect Privacy, LLC"), ("org", "Super Privacy Service LTD c/o Dynadot"),
    ("org", "PrivacyGuardian.org llc"), ("org", "WhoisGuard, Inc."),
    ("fn", "Identity Protection Service"), ("email", "pw-1a2b@privacyguardian.org"),
    ("email", "x7k2@anonymised.email"), ("fn", "Not Available"), ("fn", "Hidden"),
    ("fn", "Please query the RDDS service of the Registrar of Record identified in this output"),
    ("tel", "+1.0000000000"), ("tel", "tel:+1.0000000000"), ("tel", "+44.9999999999"),
    ("tel", "REDACTED FOR PRIVACY"), ("tel", "+1.555"), ("fn", "-"), ("fn", "xxxx"),
]
# Real details that merely contain such a word: shown, and must be reported as shown.
REAL_VALUES = [
    ("adr", ["", "", "4 Hidden Valley Road", "", "", "", "GB"]),
    ("org", "Privacy International"), ("fn", "Jane Private-Smith"), ("org", "Proxy Media Ltd"),
    ("adr", ["", "", "7 Proxy Lane", "", "", "", "GB"]), ("fn", "Data Protection Officer"),
    ("email", "jane@privatepractice.example"), ("tel", "+44.1134960000"),
    ("fn", "Nadia Masters"), ("org", "Undertone Records"), ("fn", "Anna Redman"),
]


def test_each_placeholder_is_redacted_and_each_real_value_stays_exposed() -> None:
    """Every value above, read as a registrant's field the way an answer is read (the
    realistic whole answers below go through loopback servers)."""
    cases = [(p, "redacted") for p in PLACEHOLDERS] + [(r, "exposed") for r in REAL_VALUES]
    wrong = []
    for (field_name, value), expected in cases:
        kind = "uri" if field_name == "tel" else "text"
        doc = placeholder_record("case.example", [field_name, {}, kind, value])
        source = rdap.analyse(doc, kind="registry", url="https://rdap.test/domain/case.example")
        state = fields_of(source, "registrant")[field_name]
        if state != expected:
            wrong.append((field_name, value, state))
    assert wrong == []


GODADDY = entity(["registrant", "administrative", "technical"],
                 ["fn", {}, "text", "Registration Private"],
                 ["org", {}, "text", "Domains By Proxy, LLC"],
                 ["adr", {"cc": "US"}, "text", ["", "", "DomainsByProxy.com\n100 S. Mill Ave, "
                                                "Suite 1600", "Tempe", "Arizona", "85281", ""]],
                 ["tel", {"type": "voice"}, "uri", "tel:+1.4806242599"],
                 ["email", {}, "text", "Select Contact Domain Holder link at "
                  "https://www.godaddy.com/whois/results.aspx?domain=jane.example"])
TUCOWS = entity(["registrant"], ["fn", {}, "text", "REDACTED FOR PRIVACY"],
                ["org", {}, "text", "Contact Privacy Inc. Customer 0167521735"],
                ["adr", {}, "text", ["", "", "96 Mowat Ave", "Toronto", "ON", "M6K 3M1", "CA"]],
                ["tel", {}, "uri", "tel:+1.4165385487"],
                ["contact-uri", {}, "uri", "https://tieredaccess.com/contact/7c1f"],
                ["email", {}, "text", "https://tieredaccess.com/contact/7c1f"])
NAMECHEAP = entity(["registrant"], ["fn", {}, "text", "Redacted for Privacy"],
                   ["org", {}, "text", "Privacy service provided by Withheld for Privacy ehf"],
                   ["adr", {}, "text", ["", "", "Kalkofnsvegur 2", "Reykjavik",
                                        "Capital Region", "101", "IS"]],
                   ["tel", {}, "uri", "tel:+354.4212434"],
                   ["email", {}, "text", "0f3a2b4c@withheldforprivacy.com"])
NOTICE = "Personal data, can not be publicly disclosed according to applicable laws."
MOSCOW = entity(["registrant", "technical"], ["fn", {}, "text", NOTICE],
                ["org", {}, "text", NOTICE],
                ["adr", {}, "text", ["", "", NOTICE, NOTICE, NOTICE, NOTICE, "RU"]],
                ["tel", {}, "uri", NOTICE], ["email", {}, "text", NOTICE])
GDPR = entity(["registrant"], ["fn", {}, "text", "N/A"], ["org", {}, "text", "Undisclosed"],
              ["adr", {}, "text", ["", "", "Data Protected", "Not Disclosed", "", "GDPR Masked",
                                   "DE"]],
              ["tel", {}, "uri", "tel:+1.0000000000"], ["email", {}, "text", "Redacted"])


def test_registrar_placeholder_answers_are_redacted_not_exposed(net: Net, run: Run) -> None:
    shapes = {"godaddy": GODADDY, "tucows": TUCOWS, "namecheap": NAMECHEAP, "moscow": MOSCOW,
              "gdpr": GDPR}
    for shape, entity_doc in shapes.items():  # one vault for all: each run is cheap
        net.serve(f"/rdap/domain/{shape}.example", record(f"{shape}.example", entity_doc))
        report = run(f"{shape}.example")
        (source,) = report.sources
        for role in rdap.ROLES:
            states = fields_of(source, role)
            assert "exposed" not in states.values(), (shape, role, states)
        assert report.findings == () and report.complete, shape
        registrant = next(r for r in source.roles if r.role == "registrant")
        assert all(f.how for f in registrant.fields if f.state == "redacted"), shape


# RFC 9537 answers from the test corpus its client implementers wrote (anewton1998/
# redacted_examples, example-1 and example-4): names and paths exactly as there.
ALL_TOP_LEVEL = [
    {"name": {"description": "All top level entity Names"},
     "postPath": "$.entities[*].vcardArray[1][?(@[0]=='fn')][3]", "pathLang": "jsonpath",
     "method": "emptyValue", "reason": {"description": "Server policy"}},
    {"name": {"description": "all top level entity Organizations"},
     "prePath": "$.entities[*].vcardArray[1][?(@[0]=='org')]", "pathLang": "jsonpath",
     "method": "removal", "reason": {"description": "Server policy"}},
    {"name": {"description": "all top level entity Street"},
     "postPath": "$.entities[*].vcardArray[1][?(@[0]=='adr')][3][:3]", "pathLang": "jsonpath",
     "method": "emptyValue", "reason": {"description": "Server policy"}},
    {"name": {"description": "all top level entity Email"},
     "prePath": "$.entities[*].vcardArray[1][?(@[0]=='email')]", "method": "removal",
     "reason": {"description": "Server policy"}},
    {"name": {"description": "all top level entity Phone"},
     "prePath": "$.entities[*].vcardArray[1][?(@[1].type=='voice')]", "method": "removal",
     "reason": {"description": "Server policy"}},
]
EMPTY_ADR = ["adr", {}, "text", ["", "", "", "", "QC", "", "Canada"]]


def test_an_rfc_9537_redaction_for_all_entities_applies_to_every_role(net: Net,
                                                                      run: Run) -> None:
    net.serve("/rdap/domain/example-4.example", record(
        "example-4.example",
        entity(["registrant"], ["fn", {}, "text", ""], EMPTY_ADR, handle="XXXX"),
        entity(["technical"], ["fn", {}, "text", ""], EMPTY_ADR, handle="YYYY"),
        redacted=ALL_TOP_LEVEL))
    report = run("example-4.example")
    (source,) = report.sources
    for role in ("registrant", "technical"):
        assert fields_of(source, role) == {"fn": "redacted", "org": "redacted",
                                           "adr": "partial", "tel": "redacted",
                                           "email": "redacted"}, role
    assert not next(r for r in source.roles if r.role == "administrative").in_record
    assert report.complete and report.findings == ()

    # Replacement values for every entity: anonymised addresses are not the holder's own.
    replaced = [{"name": {"description": "all top level entity Email"},
                 "postPath": "$.entities[*].vcardArray[1][?(@[0]=='email')][3]",
                 "method": "replacementValue"}]
    net.serve("/rdap/domain/anon.example", record(
        "anon.example",
        entity(["registrant"], ["email", {}, "text", "a91c@registrar.example"]),
        entity(["technical"], ["email", {}, "text", "77be@registrar.example"]),
        redacted=replaced))
    report = run("anon.example")
    assert fields_of(report.sources[0], "technical")["email"] == "redacted"
    assert fields_of(report.sources[0], "registrant")["email"] == "redacted"
    assert report.findings == ()


def test_rfc_9537_members_for_one_role_a_whole_contact_or_another_role(net: Net,
                                                                       run: Run) -> None:
    net.serve("/rdap/domain/example-1.example", record(
        "example-1.example",
        entity(["registrant"], FN, EMAIL),
        entity(["technical"], ["fn", {}, "text", ""],
               redacted=[{"name": {"description": "Technical Phone"},
                          "prePath": "$.vcardArray[1][?(@[1].type=='voice')]",
                          "method": "removal"}]),
        redacted=[
            {"name": {"description": "Registry Domain ID"}, "prePath": "$.handle",
             "method": "removal"},
            {"name": {"type": "Registry Registrant ID"},
             "prePath": "$.entities[?(@.roles[0]=='registrant')].handle", "method": "removal"},
            {"name": {"description": "Administrative Contact"},
             "prePath": "$.entities[?(@.roles[0]=='administrative')]", "method": "removal"},
            {"name": {"description": "Billing Contact"},
             "prePath": "$.entities[?(@.roles[0]=='billing')]", "method": "removal"},
            # About the registrar's own email: never about the holder's.
            {"name": {"description": "Registrar Email"},
             "postPath": "$.entities[?(@.roles[0]=='registrar')].vcardArray[1]"
                         "[?(@[0]=='email')][3]", "method": "replacementValue"},
            {"name": {"description": "Email"}, "method": "replacementValue",
             "postPath": "$.entities[0].vcardArray[1][?(@[0]=='email')][3]"},
            # A part of the registrant this check does not read: not the whole contact.
            {"name": {"description": "Registrant remarks"}, "method": "replacementValue",
             "postPath": "$.entities[?(@.roles[0] == 'registrant')].remarks"},
            {"name": {"description": "Technical Name"},
             "postPath": "$.entities[?(@.roles[*]=='technical')].vcardArray[1][?(@[0]=='fn')][3]",
             "method": "emptyValue"}]))
    report = run("example-1.example")
    (source,) = report.sources
    # The registrant's own email is shown: a member about the registrar (by role, and by
    # index: entities[0] is the registrar) leaves it exposed.
    assert fields_of(source, "registrant") == {"fn": "exposed", "org": "absent",
                                               "adr": "absent", "tel": "absent",
                                               "email": "exposed"}
    assert fields_of(source, "administrative") == dict.fromkeys(rdap.FIELDS, "redacted")
    assert fields_of(source, "technical") == {"fn": "redacted", "org": "absent",
                                              "adr": "absent", "tel": "redacted",
                                              "email": "absent"}
    assert [f.key for f in report.findings] == ["example-1.example registrant"]


def test_an_unstructured_address_left_at_region_and_country_is_partial(net: Net,
                                                                        run: Run) -> None:
    """redacted_examples example-13: the registrant's street, city and postal code redacted by
    partialValue from the address label, which keeps "QC\nCanada"; a label with the street
    in it (RFC 9083's own example) is the full address."""
    partial = [{"name": {"description": f"Registrant {part}"}, "method": "partialValue",
                "postPath": "$.entities[?(@.roles[0]=='registrant')].vcardArray[1]"
                            "[?(@[0]=='adr')].label"} for part in ("Street", "City",
                                                                   "Postal Code")]
    blank = ["", "", "", "", "", "", ""]
    net.serve("/rdap/domain/example-13.example", record(
        "example-13.example", entity(["registrant"], ["fn", {}, "text", ""],
                                     ["adr", {"label": "QC\nCanada"}, "text", blank]),
        redacted=partial))
    net.serve("/rdap/domain/label.example", record(
        "label.example", entity(["registrant"], [
            "adr", {"type": "home", "label": "123 Maple Ave\nSuite 90001\nVancouver\nBC\n1239\n"},
            "text", blank])))
    report = run("example-13.example")
    assert fields_of(report.sources[0], "registrant")["adr"] == "partial"
    assert report.findings == ()
    report = run("label.example")
    assert fields_of(report.sources[0], "registrant")["adr"] == "exposed"
    assert "123 Maple Ave" in report.findings[0].exposed


def test_check_domain_command_says_incomplete_in_json_and_text(made_vault: Path, net: Net,
                                                              kit_in_process: KitRun) -> None:
    serve_cz(net)
    net.serve("/rdap/entity/FEELA", b"oops", status=500)
    result = kit_in_process("check", "domain", "jana.cz", "--yes", "--json")
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["complete"] is False
    assert doc["incomplete"] == [
        "The record names the administrative contact only by a reference (FEELA); the details "
        f"could not be read (127.0.0.1:{net.registry.port} answered HTTP 500; nothing from it "
        "was used)."]
    contact = next(s for s in doc["sources"] if s["handle"] == "FEELA")
    assert (contact["kind"], contact["status"], contact["contact_roles"]) == \
        ("contact", "failed", ["administrative"])
    assert doc["sources"][0]["roles"][0]["only_by_reference"] == ["CZ-JANA"]
    assert "the references CZ-JANA, FEELA and MAPET are sent to" in \
        " ".join(result.err.split())  # the contacts plan, on stderr

    # Only the contacts that show nothing, and one not read: never "no personal details".
    net.serve("/rdap/entity/CZ-JANA", cz_entity("CZ-JANA", ["fn", {}, "text", ""]))
    net.serve("/rdap/entity/MAPET", cz_entity("MAPET"))
    human = kit_in_process("check", "domain", "jana.cz", "--yes")
    assert human.code == 0, human.err
    assert "Registrant (the domain's holder): named only by a reference (CZ-JANA)" in human.out
    assert "Contact record: 127.0.0.1:" in human.out
    assert "No personal contact details are shown in this record" not in human.out
    assert "so this is not a clean result" in human.out
    assert "Not read:\n  - The record names the administrative contact only by a reference " \
        "(FEELA)" in human.out


# --- what is refused, and how ---


def test_an_unknown_tld_sends_nothing_about_the_domain(net: Net, run: Run) -> None:
    with pytest.raises(NotFound, match=r"no RDAP server is listed for \.nowhere") as caught:
        run("jane.nowhere")
    assert "nothing about it was sent" in caught.value.message
    assert paths(net.registry) == [] and paths(net.registrar) == []
    assert len(run.plans) == 1  # only the bootstrap, which carries nothing about the domain
    with pytest.raises(NotFound, match="--refresh-bootstrap"):
        run("jane.plain")  # listed, but only over plain http: never used
    assert len(net.iana.received) == 1  # the cache served the second


BAD_NAMES = ("", "   ", "com", "not a domain", "https://jane.example/", "jane@example.org",
             "a..example", "-bad-.example", "x" * 64 + ".example", "1.2.3.4", "jane.example/x")


def test_a_bad_name_is_refused_before_anything_is_planned(net: Net, run: Run) -> None:
    for name in BAD_NAMES:
        with pytest.raises(UsageError):
            run(name)
    assert run.plans == [] and net.iana.received == []


def test_an_internationalised_name_is_sent_in_its_ascii_form(net: Net, run: Run) -> None:
    net.serve("/rdap/domain/xn--bcher-kva.example", record("xn--bcher-kva.example"))
    report = run("Bücher.example")
    assert paths(net.registry) == ["/rdap/domain/xn--bcher-kva.example"]
    assert report.domain.shown == "bücher.example (xn--bcher-kva.example)"
    net.serve("/couk/domain/jane.co.uk", record("jane.co.uk"))
    run("jane.co.uk")  # the longest listed suffix wins
    assert paths(net.registry)[-1] == "/couk/domain/jane.co.uk"


@pytest.mark.parametrize(("body", "status", "message"), [
    (b"{not json", 200, "not valid JSON"),
    (b"[" * 100_000 + b"]" * 100_000, 200, "not valid JSON"),  # nesting far past any limit
    (b'["a", "list"]', 200, "not an RDAP record"),
    (b"\xff\xfe garbage", 200, "not valid JSON"),
    (b"{}", 429, "try again in 30 seconds"),
    (b"{}", 403, "refused the request"),
    (b"{}", 503, "HTTP 503"),
])
def test_a_malformed_or_refused_answer_fails_clearly(body: bytes, status: int, message: str,
                                                     net: Net, run: Run, vault: Vault) -> None:
    answer = (status, {**JSON, "Retry-After": "30"}, body)
    net.registry.handler = lambda m, p, h, b: answer
    with pytest.raises(NetworkFailed, match=message):
        run("jane.example")
    assert run.ws.findings.list() == []
    assert len(Ledger(vault).entries()) == 2  # the failed check's requests are still logged


def test_an_oversized_answer_is_cut_and_not_used(net: Net, run: Run,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rdap, "MAX_RDAP_BYTES", 1000)
    net.serve("/rdap/domain/jane.example", {**EXPOSED, "padding": "x" * 5000})
    with pytest.raises(NetworkFailed, match="larger than 1,000 bytes"):
        run("jane.example")


def test_hostile_shapes_in_a_record_never_crash(net: Net, run: Run) -> None:
    net.serve("/rdap/domain/odd.example", {
        "entities": [5, "x", {"roles": "registrant"}, {"roles": [None, 3]},
                     {"roles": ["registrant"], "vcardArray": {"a": 1}},
                     {"roles": ["technical"], "vcardArray": ["vcard", [[1, 2], "fn",
                                                                       ["fn", [], "text"]]]},
                     {"roles": ["administrative"], "vcardArray": [
                         "vcard", [["adr", "params", "text", [[[[["deep"]]]]]],
                                   ["tel", {}, "uri", {"no": "number"}],
                                   ["email", {}, "text", ["jane@example.org"] * 10_000]]]}],
        "redacted": [None, {"name": 5}, {"name": {"type": 7}, "prePath": ["x"]}],
        "links": {"rel": "related"}})
    report = run("odd.example")
    admin = fields_of(report.sources[0], "administrative")
    assert admin["email"] == "exposed" and admin["tel"] == "absent"
    assert len(next(r for r in report.sources[0].roles if r.role == "administrative")
               .fields[4].shown) <= rdap.MAX_SHOWN


def test_a_malformed_bootstrap_sends_nothing_to_any_registry(net: Net, run: Run) -> None:
    for body in (b"<html>maintenance</html>", b'{"services": [["example"], 5]}',
                 b'{"services": [[["example"], ["ftp://x/"]]]}'):
        net.iana.handler = lambda m, p, h, b, body=body: (200, {}, body)
        with pytest.raises(NetworkFailed):
            run("jane.example")
    assert paths(net.registry) == []
    assert run.ws.rdap_bootstrap.current() is None


def test_offline_refuses_at_the_transport(net: Net, run: Run,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_OFFLINE", "1")
    with pytest.raises(NetworkRefused, match="offline"):
        run("jane.example")
    assert net.iana.received == [] and net.registry.received == []


def test_kit_rdap_url_must_be_https_or_loopback(run: Run,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_RDAP_URL", "http://rdap.example.net/")
    with pytest.raises(Exception, match="plain http") as caught:
        run("jane.example")
    assert caught.value.__class__.__name__ == "BadInput"


# --- the bootstrap cache and findings over time ---


def test_the_bootstrap_is_cached_in_the_vault_and_refreshed_when_old(
        net: Net, run: Run, vault: Vault) -> None:
    net.serve("/rdap/domain/jane.example", EXPOSED)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    run("jane.example", now=start)
    run("jane.example", now=start + timedelta(days=29))
    assert len(net.iana.received) == 1
    cached = run.ws.rdap_bootstrap.current()
    assert cached is not None and cached.publication == "2026-01-01T00:00:00Z"
    assert rdap.BootstrapCache(vault).current() == cached  # kept in the vault
    report = run("jane.example", now=start + timedelta(days=30))
    assert len(net.iana.received) == 2 and report.bootstrap_refreshed
    run("jane.example", now=start + timedelta(days=31), refresh=True)
    assert len(net.iana.received) == 3
    # A refresh that fails falls back to the cached copy, with a note.
    net.iana.handler = lambda m, p, h, b: (500, {}, b"")
    report = run("jane.example", now=start + timedelta(days=70))
    assert report.sources[0].status == "found"
    assert "was not refreshed" in report.notes[0] and "HTTP 500" in report.notes[0]
    # So does one the user declines; the registry is still asked, after its own approval.
    run.refuse_host = "127.0.0.3"
    report = run("jane.example", now=start + timedelta(days=70))
    assert report.sources[0].status == "found" and "not approved" in report.notes[0]
    assert len(net.iana.received) == 4


def test_findings_are_updated_on_rerun_and_fixed_when_gone(net: Net, run: Run) -> None:
    net.serve("/rdap/domain/jane.example", EXPOSED)
    first = run("jane.example").findings[0]
    second = run("jane.example").findings[0]
    assert second.id == first.id and second.seen_count == 2
    assert len(run.ws.findings.list()) == 1
    net.serve("/rdap/domain/jane.example", REDACTED)
    report = run("jane.example")
    assert report.findings == () and [f.id for f in report.cleared] == [first.id]
    assert run.ws.findings.find("domain", first.key).status == "fixed"  # type: ignore[union-attr]


# --- the command ---


def test_check_domain_command_end_to_end(cli_vault: Path, net: Net) -> None:
    net.serve("/rdap/domain/jane.example", EXPOSED)
    env = {"KIT_RDAP_URL": f"{net.iana.url}/rdap-bootstrap/"}
    refused = run_kit("check", "domain", "jane.example", env=env)
    assert refused.code == 6 and "--yes" in refused.err
    assert net.iana.received == []  # no terminal, no --yes: nothing sent

    result = run_kit("check", "domain", "jane.example", "--yes", "--json", env=env)
    assert result.code == 0, result.err
    doc = json.loads(result.out)
    assert doc["check"] == "domain" and doc["exposed"] == {
        "registrant": ["adr", "email", "fn", "tel"]}
    assert doc["findings"][0]["fix_item"] == "records-domain-whois"
    assert "Nothing about you or your domain is sent" in result.err  # the plans, on stderr
    assert "sends your domain name: jane.example" in result.err

    human = run_kit("check", "domain", "jane.example", "--yes", env=env)
    assert human.code == 0, human.err
    assert "Registrant (the domain's holder):" in human.out
    assert "    Shown:\n      name: Jane Smith\n" in human.out
    assert "Redacted: name, email address" in human.out
    assert "`kit checklist show records-domain-whois`" in human.out
    listed = json.loads(run_kit("findings", "--json").out)["findings"]
    assert [f["seen_count"] for f in listed] == [2]
    ledger = json.loads(run_kit("ledger", "--json").out)
    assert len(json.dumps(ledger)) > 0 and "jane.example" in json.dumps(ledger)


def test_check_domain_command_exit_codes(cli_vault: Path, net: Net, kit_env: Path) -> None:
    env = {"KIT_RDAP_URL": f"{net.iana.url}/rdap-bootstrap/"}
    bad = run_kit("--vault", str(kit_env / "none"), "check", "domain", "not a domain", env=env)
    assert bad.code == 2 and "not a domain name" in bad.err  # before any vault is needed
    unknown = run_kit("check", "domain", "jane.nowhere", "--yes", "--json", env=env)
    assert unknown.code == 1 and json.loads(unknown.out)["error"]["code"] == "not_found"
    assert "nothing about it was sent" in unknown.err
    missing = run_kit("check", "domain", "gone.example", "--yes", env=env)
    assert missing.code == 1 and "has no record of gone.example" in missing.err
    net.serve("/rdap/domain/jane.example", b"{broken")
    broken = run_kit("check", "domain", "jane.example", "--yes", "--json", env=env)
    assert broken.code == 7 and "Traceback" not in broken.err
    assert json.loads(broken.out)["error"]["exit"] == 7
    offline = run_kit("check", "domain", "jane.example", "--yes",
                      env={**env, "KIT_OFFLINE": "1"})
    assert offline.code == 6 and "offline" in offline.err
    assert paths(net.registry).count("/rdap/domain/jane.example") == 1


def test_a_hostile_record_reaches_the_terminal_only_as_visible_text(cli_vault: Path,
                                                                   net: Net) -> None:
    """A registry's answer is a stranger's text: names carrying terminal escapes, line breaks
    and a bidi override are printed, in the report and in the findings, without acting."""
    net.serve("/rdap/domain/jane.example", record(
        "jane.example", entity(["registrant"], ["fn", {}, "text", HOSTILE],
                               ["org", {}, "text", f"Org\u202e{HOSTILE}"], ADR)))
    env = {"KIT_RDAP_URL": f"{net.iana.url}/rdap-bootstrap/"}
    for extra in ((), ("--json",)):
        result = run_kit_raw("check", "domain", "jane.example", "--yes", *extra, env=env)
        assert result.code == 0, result.err
        out = terminal_safe(result.out)
        terminal_safe(result.err)
        if extra:
            assert "registrant" in json.loads(out)["exposed"]
        else:
            assert "Registrant (the domain's holder):" in out
            assert f"name: Eve\\x1b]0;PWNED\\x07\\x1b[2J {FORGED}\\x9b2J\\u202eexe.txt" in out
    for args in (("findings",), ("findings", "--json")):
        listed = run_kit_raw(*args)
        assert listed.code == 0, listed.err
        terminal_safe(listed.out)
        terminal_safe(listed.err)
