"""Settings read before the vault is unlocked, from $KIT_HOME/config.toml.

Only how the app behaves lives here (the idle lock, the theme, the region whose guidance
shows); never anything the user wrote, since this file is plaintext. The region is here, not
in the vault, because the "It's happening now" walk-through shows it before anyone unlocks.
[keys] changes the app's keys by binding id (kit.keymap checks them).
save_region() and save_theme() are the only places the kit writes this file (through one
_save_setting): each changes its one setting and keeps every other line, comments included.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from kit import paths
from kit.bounded_read import read_bounded
from kit.errors import BadInput
from kit.outside_data import Malformed, parse_toml

THEMES = ("kit-calm", "kit-high-contrast")
MAX_IDLE_MINUTES = 24 * 60
REGIONS = ("uk", "england", "scotland", "wales", "northern-ireland", "us",  # kit.guidance
           "any")  # .checklists.REGIONS, without importing it here
MAX_CHECKLIST_FOLDERS = 20
# [network]: kit.footprint.transport.PROXY_SCHEMES, without importing it here
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
MAX_NETWORK_TIMEOUT = 300
MAX_RETENTION_MONTHS = 1200


@dataclass(frozen=True)
class Config:
    idle_lock_minutes: float = 5.0
    theme: str = "kit-calm"
    # [checklists]: an organisation's own checklist folders, and which region's guidance shows.
    checklist_folders: tuple[Path, ...] = ()
    region: str = "uk"
    # [network]: the footprint checks' proxy (Tor: socks5h://127.0.0.1:9050) and per-request
    # timeout in seconds. The environment's proxy settings are never used.
    network_proxy: str | None = None
    network_timeout: float = 10.0
    # [supervision]: the time zone follow-ups are scheduled in (None: this computer's), and
    # how many months supervision records are kept before `kit supervision retention` offers
    # to delete them (0: kept until deleted by hand).
    time_zone: str | None = None
    retention_months: int = 0
    # [keys]: binding id -> the keys that replace its defaults (checked by kit.keymap).
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _check(path: Path, key: str, value: Any) -> Any:
    where = f"{path}: [app] {key}"
    if key == "idle_lock_minutes":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise BadInput(f"{where} must be a number of minutes, not {value!r}")
        if not 0 < value <= MAX_IDLE_MINUTES:
            raise BadInput(f"{where} must be more than 0 and at most {MAX_IDLE_MINUTES} minutes")
        return float(value)
    if key == "theme":
        if value not in THEMES:
            raise BadInput(f"{where} must be one of {', '.join(THEMES)}, not {value!r}")
        return value
    raise AssertionError(key)


MAX_CONFIG_BYTES = 1024 * 1024  # a few lines of settings


def load(path: Path | None = None) -> Config:
    """The config, or the defaults when there is no file. Mistakes are named precisely."""
    path = path or paths.config_path()
    try:
        raw = read_bounded(path, MAX_CONFIG_BYTES, "config file", pass_os_errors=True)
    except FileNotFoundError:
        return Config()
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror}") from None
    try:
        doc = parse_toml(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadInput(f"{path} is not valid TOML: it is not UTF-8 text") from None
    except Malformed as exc:
        raise BadInput(f"{path} {exc.reason}") from None
    unknown_tables = set(doc) - {"app", "checklists", "network", "supervision", "keys"}
    if unknown_tables:
        raise BadInput(f"{path}: unknown section [{sorted(unknown_tables)[0]}] "
                       "(expected [app], [checklists], [network], [supervision] or [keys])")
    app = doc.get("app", {})
    if not isinstance(app, dict):
        raise BadInput(f"{path}: app must be a table, [app]")
    known = {f.name for f in fields(Config)} - {"checklist_folders", "region",  # [checklists]
                                                "network_proxy", "network_timeout",  # [network]
                                                "time_zone", "retention_months",  # [supervision]
                                                "keys"}  # [keys]
    for key in app:
        if key not in known:
            raise BadInput(f"{path}: unknown setting [app] {key} "
                           f"(known: {', '.join(sorted(known))})")
    return Config(**{key: _check(path, key, value) for key, value in app.items()},
                  **_checklists(path, doc.get("checklists", {})),
                  **_network(path, doc.get("network", {})),
                  **_supervision(path, doc.get("supervision", {})),
                  keys=_keys(path, doc.get("keys", {})))


def _keys(path: Path, table: Any) -> dict[str, tuple[str, ...]]:
    """[keys] binding-id = "key" or "key,key": the app's keys a person has changed."""
    from kit import keymap

    if not isinstance(table, dict):
        raise BadInput(f"{path}: keys must be a table, [keys]")
    return keymap.check(table, path)


def _checklists(path: Path, table: Any) -> dict[str, Any]:
    """[checklists] folders (relative ones are read from the config file's folder) and region."""
    if not isinstance(table, dict):
        raise BadInput(f"{path}: checklists must be a table, [checklists]")
    for key in table:
        if key not in ("folders", "region"):
            raise BadInput(f"{path}: unknown setting [checklists] {key} (known: folders, region)")
    settings: dict[str, Any] = {}
    if "region" in table:
        region = table["region"]
        if region not in REGIONS:
            raise BadInput(f"{path}: [checklists] region must be one of {', '.join(REGIONS)}, "
                           f"not {region!r}")
        settings["region"] = region
    if "folders" in table:
        folders = table["folders"]
        if not isinstance(folders, list) or not all(
                isinstance(f, str) and f.strip() for f in folders):
            raise BadInput(f"{path}: [checklists] folders must be a list of folder paths, such "
                           f"as folders = [\"~/team-checklists\"], not {folders!r}")
        if len(folders) > MAX_CHECKLIST_FOLDERS:
            raise BadInput(f"{path}: [checklists] folders lists {len(folders)} folders; at most "
                           f"{MAX_CHECKLIST_FOLDERS} are allowed")
        settings["checklist_folders"] = tuple(
            path.parent / Path(f.strip()).expanduser() for f in folders)
    return settings


def _network(path: Path, table: Any) -> dict[str, Any]:
    """[network] proxy (a URL; SOCKS for Tor) and timeout (seconds per request)."""
    if not isinstance(table, dict):
        raise BadInput(f"{path}: network must be a table, [network]")
    for key in table:
        if key not in ("proxy", "timeout"):
            raise BadInput(f"{path}: unknown setting [network] {key} (known: proxy, timeout)")
    settings: dict[str, Any] = {}
    if "proxy" in table:
        proxy = table["proxy"]
        schemes = ", ".join(f"{s}://" for s in PROXY_SCHEMES)
        if not isinstance(proxy, str) or not proxy.strip():
            raise BadInput(f"{path}: [network] proxy must be a proxy URL such as "
                           f"\"socks5h://127.0.0.1:9050\" (Tor), not {proxy!r}")
        proxy = proxy.strip()
        try:
            parts = urlsplit(proxy)
            port = parts.port
        except ValueError:
            raise BadInput(f"{path}: [network] proxy is not a valid URL; write it like "
                           "\"socks5h://127.0.0.1:9050\"") from None
        if parts.scheme not in PROXY_SCHEMES:
            # Not echoed whole: a proxy URL may carry a user name and password.
            raise BadInput(f"{path}: [network] proxy must start with one of {schemes} "
                           f"(it starts with {parts.scheme + '://' if parts.scheme else 'none'})")
        if not parts.hostname or port is None:
            raise BadInput(f"{path}: [network] proxy needs a host and a port, such as "
                           "\"socks5h://127.0.0.1:9050\"")
        settings["network_proxy"] = proxy
    if "timeout" in table:
        timeout = table["timeout"]
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) \
                or not 0 < timeout <= MAX_NETWORK_TIMEOUT:
            raise BadInput(f"{path}: [network] timeout must be a number of seconds, more than 0 "
                           f"and at most {MAX_NETWORK_TIMEOUT}, not {timeout!r}")
        settings["network_timeout"] = float(timeout)
    return settings


def _supervision(path: Path, table: Any) -> dict[str, Any]:
    """[supervision] time_zone (an IANA name such as "Europe/London") and retention_months."""
    if not isinstance(table, dict):
        raise BadInput(f"{path}: supervision must be a table, [supervision]")
    for key in table:
        if key not in ("time_zone", "retention_months"):
            raise BadInput(f"{path}: unknown setting [supervision] {key} "
                           "(known: time_zone, retention_months)")
    settings: dict[str, Any] = {}
    if "time_zone" in table:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        zone = table["time_zone"]
        try:
            if not isinstance(zone, str) or not zone:
                raise ValueError
            ZoneInfo(zone)
        except (ValueError, ZoneInfoNotFoundError):
            raise BadInput(f"{path}: [supervision] time_zone must be a time zone name such as "
                           f"\"Europe/London\", not {zone!r}") from None
        settings["time_zone"] = zone
    if "retention_months" in table:
        months = table["retention_months"]
        if isinstance(months, bool) or not isinstance(months, int) \
                or not 0 <= months <= MAX_RETENTION_MONTHS:
            raise BadInput(f"{path}: [supervision] retention_months must be a whole number of "
                           f"months from 0 (keep until deleted) to {MAX_RETENTION_MONTHS}, "
                           f"not {months!r}")
        settings["retention_months"] = months
    return settings


def save_region(region: str, path: Path | None = None) -> None:
    """Set [checklists] region in the config file, keeping the rest of the file as it is."""
    if region not in REGIONS:
        raise BadInput(f"region must be one of {', '.join(REGIONS)}, not {region!r}")
    _save_setting("checklists", "region", region, path)


def save_theme(theme: str, path: Path | None = None) -> None:
    """Set [app] theme in the config file (the palette's High contrast is remembered), keeping
    the rest of the file as it is."""
    if theme not in THEMES:
        raise BadInput(f"theme must be one of {', '.join(THEMES)}, not {theme!r}")
    _save_setting("app", "theme", theme, path)


def _save_setting(section: str, key: str, value: str, path: Path | None) -> None:
    """Set one setting, keeping every other line of the file, comments included.

    A file with a mistake in it is never overwritten: the mistake is reported (BadInput) and
    the file is left for the person to fix.
    """
    import tomlkit

    from kit.atomic import write_atomic

    path = path or paths.config_path()
    load(path)  # refuses a file it cannot read, before anything is changed
    try:
        text = read_bounded(path, MAX_CONFIG_BYTES, "config file",
                            pass_os_errors=True).decode("utf-8")
    except FileNotFoundError:
        text = ""
    doc = tomlkit.parse(text)
    table = doc.get(section)
    if table is None:
        table = tomlkit.table()
        doc[section] = table
    table[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, tomlkit.dumps(doc).encode("utf-8"))
