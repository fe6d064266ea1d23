"""LOCATE: where a request goes — peer IP, country, ASN/org and registrable domain.

Sources, in order: the lab overlay (CIDR → country, for lab networks and documentation ranges), then the
geo databases (MaxMind-format ``.mmdb`` read with geoip2: the default DB-IP/RouteViews build from
``make geodb`` or a user's licensed GeoIP2/GeoLite2 files), else ``unknown``.

The resolver is a narrow protocol (one ``lookup`` method) so that tests and other stages can pass a fake,
the way httpx lets tests swap its transport. Opening files happens once, up front (``MmdbResolver.open``,
``GeoOverlay.load``); lookups are pure reads of memory-mapped data and never raise.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal, Protocol, runtime_checkable

import geoip2.database
import geoip2.errors
import geoip2.models
import maxminddb
import tldextract
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from .errors import ConfigError
from .model import UNKNOWN_COUNTRY, Destination
from .yamlconf import load_model

__all__ = [
    "DatabaseInfo",
    "GeoAnswer",
    "GeoOverlay",
    "GeoResolver",
    "Locator",
    "MmdbResolver",
    "OverlayEntry",
    "load_default_resolver",
    "normalize_ip",
    "registrable_domain",
]

LOOKUP_CACHE_SIZE = 65_536
STALE_AFTER = timedelta(days=365)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


# ---------------------------------------------------------------------------------------------- addresses


def _parse_ip(ip: str) -> IPAddress:
    text = ip.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    # A zone index (fe80::1%eth0) names a local interface; it says nothing about where the peer is.
    text = text.split("%", 1)[0]
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(f"not an IP address: {ip[:64]!r}") from None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


def normalize_ip(ip: str) -> str:
    """Canonical text form of an address: no brackets or zone, IPv4-mapped IPv6 as plain IPv4.

    Dual-stack sockets report IPv4 peers as ``::ffff:a.b.c.d``; looked up as IPv6 they would miss the
    IPv4 ranges of most databases (and of the overlay). Raises ``ValueError`` for anything else.
    """
    return str(_parse_ip(ip))


def ip_or_none(value: object) -> str | None:
    """``normalize_ip`` of a value that may be a host name, empty or not a string: None for those."""
    if not isinstance(value, str) or not value:
        return None
    return _ip_or_none(value)


@lru_cache(maxsize=4096)
def _ip_or_none(value: str) -> str | None:
    # Cached: every request asks for its peers' addresses, and a lab has a handful of them.
    try:
        return normalize_ip(value)
    except ValueError:
        return None


def _try_parse_ip(ip: str | None) -> IPAddress | None:
    if not ip:
        return None
    try:
        return _parse_ip(ip)
    except ValueError:
        return None


# ---------------------------------------------------------------------------------------------- answers


@dataclass(frozen=True, slots=True)
class GeoAnswer:
    """What one source knows about an address; every field may be missing."""

    country: str | None
    asn: int | None
    org: str | None


NO_ANSWER = GeoAnswer(None, None, None)


@runtime_checkable
class GeoResolver(Protocol):
    """Anything that geolocates an address. Must not raise: unknown addresses give empty answers."""

    def lookup(self, ip: str) -> GeoAnswer: ...


# ---------------------------------------------------------------------------------------------- mmdb


@dataclass(frozen=True, slots=True)
class DatabaseInfo:
    """One opened .mmdb file, as shown on the dashboard and in evidence exports."""

    path: Path
    database_type: str
    kind: Literal["country", "asn"]
    build_date: str
    """ISO date (UTC) from the metadata ``build_epoch``."""
    description: str | None

    def age(self, today: datetime | None = None) -> timedelta:
        now = today or datetime.now(UTC)
        return now.date() - datetime.fromisoformat(self.build_date).date()


def _kind_of(database_type: str) -> Literal["country", "asn"] | None:
    if "ASN" in database_type:
        return "asn"
    if "Country" in database_type or "City" in database_type:
        return "country"
    return None


class MmdbResolver:
    """Geolocation from MaxMind-format databases (GeoIP2/GeoLite2 Country, City, ASN, or compatible).

    With several databases of one kind, the first that knows an address answers (order of ``paths``,
    files of a directory by name).
    """

    def __init__(
        self,
        country_readers: Sequence[tuple[geoip2.database.Reader, DatabaseInfo]],
        asn_readers: Sequence[tuple[geoip2.database.Reader, DatabaseInfo]],
        *,
        skipped: Sequence[str] = (),
        cache_size: int = LOOKUP_CACHE_SIZE,
    ) -> None:
        self._country = list(country_readers)
        self._asn = list(asn_readers)
        self.databases: list[DatabaseInfo] = [info for _, info in (*self._country, *self._asn)]
        self.skipped: list[str] = list(skipped)
        """Files of a directory that were not geo databases this resolver can read, with the reason."""
        self._cached_lookup = lru_cache(maxsize=cache_size)(self._lookup_normalized)

    @classmethod
    def open(cls, paths: Sequence[Path]) -> MmdbResolver:
        """Open every .mmdb named by ``paths`` (files, or directories of .mmdb files).

        A file named explicitly must be a Country/City/ASN database; in a directory, other database
        types are skipped and listed in ``skipped``. Unreadable files raise ``ConfigError``.
        """
        country: list[tuple[geoip2.database.Reader, DatabaseInfo]] = []
        asn: list[tuple[geoip2.database.Reader, DatabaseInfo]] = []
        skipped: list[str] = []
        try:
            for given in paths:
                given = Path(given)
                if given.is_dir():
                    files, explicit = sorted(p for p in given.glob("*.mmdb") if p.is_file()), False
                elif given.exists():
                    files, explicit = [given], True
                else:
                    raise ConfigError(f"{given}: geo database not found")
                for file in files:
                    reader, info = _open_mmdb(file)
                    if info is None:
                        reason = (
                            f"{file}: database type {reader.metadata().database_type!r} is neither "
                            "a Country/City nor an ASN database"
                        )
                        reader.close()
                        if explicit:
                            raise ConfigError(reason)
                        skipped.append(reason)
                        continue
                    (country if info.kind == "country" else asn).append((reader, info))
        except BaseException:
            for reader, _ in (*country, *asn):
                reader.close()
            raise
        return cls(country, asn, skipped=skipped)

    def lookup(self, ip: str) -> GeoAnswer:
        addr = _try_parse_ip(ip)
        if addr is None:
            return NO_ANSWER
        return self._cached_lookup(str(addr))

    def _lookup_normalized(self, ip: str) -> GeoAnswer:
        country = None
        record: geoip2.models.Country  # a City is a Country with more
        for reader, info in self._country:
            try:
                if "City" in info.database_type:
                    record = reader.city(ip)
                else:
                    record = reader.country(ip)
            except (geoip2.errors.AddressNotFoundError, ValueError, maxminddb.InvalidDatabaseError):
                # ValueError: an IPv6 address asked of an IPv4-only database.
                continue
            country = record.country.iso_code or record.registered_country.iso_code
            if country:
                break
        asn = org = None
        for reader, _ in self._asn:
            try:
                as_record = reader.asn(ip)
            except (geoip2.errors.AddressNotFoundError, ValueError, maxminddb.InvalidDatabaseError):
                continue
            asn = as_record.autonomous_system_number
            org = as_record.autonomous_system_organization
            if asn is not None or org:
                break
        return GeoAnswer(country.upper() if country else None, asn, org or None)

    def close(self) -> None:
        for reader, _ in (*self._country, *self._asn):
            reader.close()
        self._cached_lookup.cache_clear()

    def __enter__(self) -> MmdbResolver:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _open_mmdb(path: Path) -> tuple[geoip2.database.Reader, DatabaseInfo | None]:
    try:
        reader = geoip2.database.Reader(str(path))
    except (maxminddb.InvalidDatabaseError, ValueError) as e:
        raise ConfigError(f"{path}: not a MaxMind-format (.mmdb) database: {e}") from None
    except OSError as e:
        raise ConfigError(f"{path}: cannot read geo database: {e.strerror or e}") from None
    meta = reader.metadata()
    kind = _kind_of(meta.database_type)
    if kind is None:
        return reader, None
    description = meta.description.get("en") or next(iter(meta.description.values()), None)
    build_date = datetime.fromtimestamp(meta.build_epoch, UTC).date().isoformat()
    return reader, DatabaseInfo(path, meta.database_type, kind, build_date, description)


def load_default_resolver(
    geodb_paths: Sequence[Path] | None, default_dir: Path
) -> tuple[MmdbResolver | None, list[str]]:
    """The resolver the guard starts with, and warnings to show the person running it.

    Explicit ``--geodb`` paths must be usable (``ConfigError`` otherwise). Without them, ``default_dir``
    is used; if it holds no database the guard still runs, with every country ``unknown`` and a warning.
    """
    warnings: list[str] = []
    if geodb_paths:
        resolver = MmdbResolver.open(list(geodb_paths))
    else:
        if not default_dir.is_dir() or not any(default_dir.glob("*.mmdb")):
            return None, [
                f"no geo database found in {default_dir}/ — run `make geodb`; every destination country is 'unknown'"
            ]
        resolver = MmdbResolver.open([default_dir])
    warnings.extend(resolver.skipped)
    kinds = {info.kind for info in resolver.databases}
    if "country" not in kinds:
        where = ", ".join(str(p) for p in geodb_paths) if geodb_paths else f"{default_dir}/"
        warnings.append(f"no country database in {where}; every destination country is 'unknown'")
    if "asn" not in kinds:
        warnings.append("no ASN database loaded; destination ASN and organisation stay empty")
    now = datetime.now(UTC)
    for info in resolver.databases:
        if info.age(now) > STALE_AFTER:
            warnings.append(
                f"{info.path} was built on {info.build_date}, over a year ago; countries may be wrong "
                "(run `make geodb` or update the file)"
            )
    return resolver, warnings


# ---------------------------------------------------------------------------------------------- overlay


def _country_code(value: object) -> str:
    code = value.strip() if isinstance(value, str) else ""
    if len(code) != 2 or not (code.isascii() and code.isalpha()):
        raise ValueError("must be a two-letter ISO 3166-1 alpha-2 country code, e.g. NO or CN")
    return code.upper()


CountryCode = Annotated[str, BeforeValidator(_country_code)]
"""An ISO 3166-1 alpha-2 code as an overlay entry gives it, upper-cased."""


class OverlayEntry(BaseModel):
    """One lab network: every address in ``network`` is treated as being in ``country``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    network: ipaddress.IPv4Network | ipaddress.IPv6Network
    country: CountryCode
    org: str | None = None
    asn: int | None = Field(default=None, ge=0, le=0xFFFF_FFFF)

    @field_validator("network", mode="before")
    @classmethod
    def _parse_network(cls, value: object) -> object:
        if not isinstance(value, str):
            raise ValueError("must be a network in CIDR form, e.g. 10.66.0.0/16 or 2001:db8::/32")
        try:
            net = ipaddress.ip_network(value.strip(), strict=True)
        except ValueError as e:
            raise ValueError(f"not a network in CIDR form: {e}") from None
        mapped = isinstance(net, ipaddress.IPv6Network) and net.network_address.ipv4_mapped is not None
        if mapped and net.prefixlen >= 96:
            # Lookups see IPv4-mapped addresses as IPv4, so the entry must be written as IPv4 to match.
            raise ValueError("IPv4-mapped IPv6 network; write it as an IPv4 network")
        return net


class OverlayDomain(BaseModel):
    """One name the lab knows the country of, for destinations known by name alone (a DNS query's
    name): ``domain`` and every name under it. An address, when there is one, is judged by the address."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    domain: str
    country: CountryCode
    org: str | None = None

    @field_validator("domain", mode="before")
    @classmethod
    def _parse_domain(cls, value: object) -> str:
        name = value.strip().rstrip(".").lower() if isinstance(value, str) else ""
        labels = name.split(".")
        if not name or len(name) > 253 or not all(_DNS_LABEL.fullmatch(label) for label in labels):
            raise ValueError("must be a domain name, e.g. vnet.cn or zzhc.vnet.cn (no scheme, port or path)")
        if _try_parse_ip(name) is not None:
            raise ValueError("is an address; list it under networks as a /32 or /128")
        return name


_DNS_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


class _OverlayFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    networks: list[OverlayEntry] = Field(default_factory=list)
    domains: list[OverlayDomain] = Field(default_factory=list)

    @model_validator(mode="after")
    def _says_something(self) -> _OverlayFile:
        if not self.model_fields_set & {"networks", "domains"}:
            raise ValueError("needs 'networks' (CIDR → country) or 'domains' (name → country)")
        return self


class GeoOverlay:
    """Lab networks file: CIDR → country (and optionally ASN/org). The longest matching prefix wins."""

    def __init__(
        self, entries: Sequence[OverlayEntry], source: Path | None = None, domains: Sequence[OverlayDomain] = ()
    ) -> None:
        self.entries: tuple[OverlayEntry, ...] = tuple(entries)
        self.source = source
        self.domains = {d.domain: d for d in domains}
        # Per address family: prefix length → {network address as int → entry}, longest prefix first.
        self._tables: dict[int, list[tuple[int, dict[int, OverlayEntry]]]] = {}
        by_len: dict[int, dict[int, dict[int, OverlayEntry]]] = {4: {}, 6: {}}
        for entry in self.entries:
            net = entry.network
            table = by_len[net.version].setdefault(net.prefixlen, {})
            table[int(net.network_address)] = entry
        for version, tables in by_len.items():
            self._tables[version] = sorted(tables.items(), reverse=True)

    @classmethod
    def load(cls, path: Path) -> GeoOverlay:
        path = Path(path)
        parsed, _, lines = load_model(path, _OverlayFile, "geo overlay")
        for section, field, keys in (
            ("networks", "network", [e.network for e in parsed.networks]),
            ("domains", "domain", [d.domain for d in parsed.domains]),
        ):
            seen: dict[object, int] = {}
            for i, key in enumerate(keys):
                first = seen.setdefault(key, i)
                if first != i:
                    line = lines.get((section, i, field)) or lines.get((section, i))
                    where = f"{path}:{line}" if line else str(path)
                    raise ConfigError(
                        f"invalid geo overlay file {path}\n  {where}: {section}[{i}].{field}: "
                        f"{key} is already listed as {section}[{first}]"
                    )
        return cls(parsed.networks, source=path, domains=parsed.domains)

    def lookup(self, ip: str) -> GeoAnswer | None:
        addr = _try_parse_ip(ip)
        if addr is None:
            return None
        entry = self._match(addr)
        if entry is None:
            return None
        return GeoAnswer(entry.country, entry.asn, entry.org)

    def lookup_name(self, host: str) -> GeoAnswer | None:
        """The entry for ``host`` or the closest domain above it (``a.zzhc.vnet.cn`` under ``vnet.cn``)."""
        labels = host.strip().rstrip(".").lower().split(".")
        for i in range(len(labels)):
            entry = self.domains.get(".".join(labels[i:]))
            if entry is not None:
                return GeoAnswer(entry.country, None, entry.org)
        return None

    def _match(self, addr: IPAddress) -> OverlayEntry | None:
        value = int(addr)
        width = addr.max_prefixlen
        for prefixlen, table in self._tables[addr.version]:
            key = value >> (width - prefixlen) << (width - prefixlen) if prefixlen else 0
            entry = table.get(key)
            if entry is not None:
                return entry
        return None

    def __len__(self) -> int:
        return len(self.entries) + len(self.domains)


# ---------------------------------------------------------------------------------------------- domain

# The bundled public suffix snapshot: no network fetch, no cache directory written.
_EXTRACT = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)


def registrable_domain(host: str) -> str | None:
    """Public suffix + 1 (``zzhc.vnet.cn`` → ``vnet.cn``); None for IP literals and bare suffixes."""
    name = host.strip().rstrip(".").lower()
    if not name or _try_parse_ip(name) is not None:
        return None
    try:
        domain = _EXTRACT(name).top_domain_under_public_suffix
    except (ValueError, UnicodeError):
        return None
    return domain or None


# ---------------------------------------------------------------------------------------------- locator


class Locator:
    """Turns (host, peer IP, port) into a Destination: overlay first, then the geo databases."""

    def __init__(self, resolver: GeoResolver | None, overlay: GeoOverlay | None = None) -> None:
        self.resolver = resolver
        self.overlay = overlay
        # Sources are fixed once built and Destination is immutable, so an answer can be reused; a
        # phone talks to few destinations, and parsing + two lookups cost ~0.1 ms per request.
        self._answers: dict[tuple[str, str | None, int], Destination] = {}

    def locate(self, host: str, ip: str | None, port: int) -> Destination:
        key = (host, ip, port)
        answer = self._answers.get(key)
        if answer is None:
            if len(self._answers) >= LOOKUP_CACHE_SIZE:
                self._answers.clear()
            answer = self._answers[key] = self._locate(host, ip, port)
        return answer

    def _locate(self, host: str, ip: str | None, port: int) -> Destination:
        host_text = host.strip()
        if host_text.startswith("[") and host_text.endswith("]"):
            host_text = host_text[1:-1]
        addr = _try_parse_ip(ip) if ip else _try_parse_ip(host_text)
        ip_text = str(addr) if addr is not None else None
        domain = registrable_domain(host_text)

        country: str | None = None
        asn: int | None = None
        org: str | None = None
        source: Literal["overlay", "geodb", "none"] = "none"
        if ip_text is not None:
            lab = self.overlay.lookup(ip_text) if self.overlay is not None else None
            if lab is not None:
                country, asn, org, source = lab.country, lab.asn, lab.org, "overlay"
            if self.resolver is not None and (lab is None or asn is None or org is None):
                geo = self.resolver.lookup(ip_text)
                if lab is None:
                    country, asn, org = geo.country, geo.asn, geo.org
                    if country:
                        source = "geodb"
                else:
                    asn = asn if asn is not None else geo.asn
                    org = org if org is not None else geo.org
        elif self.overlay is not None and (named := self.overlay.lookup_name(host_text)) is not None:
            # Known by name alone (a DNS query's name): what the lab says of the domain is all there is.
            country, org, source = named.country, named.org, "overlay"
        return Destination(
            host=host_text,
            ip=ip_text,
            port=port,
            country=country or UNKNOWN_COUNTRY,
            asn=asn,
            org=org,
            domain=domain,
            geo_source=source,
        )
