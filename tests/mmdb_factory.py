"""Small MaxMind-format databases for tests, built with mmdb-writer.

The database_type matters: geoip2's ``Reader.country()`` refuses a database whose type does not name a
Country/City database, and ``Reader.asn()`` one that does not name an ASN database.

    build_country_mmdb(tmp_path / "c.mmdb", {"192.0.2.0/24": "CN", "2001:db8::/32": "SG"})
    build_asn_mmdb(tmp_path / "a.mmdb", {"192.0.2.0/24": (4134, "CHINANET-BACKBONE")})

Databases are IPv6 trees with IPv4 networks stored at ::/96 (as MaxMind does), so both families work.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mmdb_writer import MMDBWriter
from netaddr import IPNetwork, IPSet


class _Writer(MMDBWriter):
    """MMDBWriter whose metadata build time can be set (to test stale-database warnings)."""

    build_epoch: int | None = None

    def _build_meta(self) -> dict[str, Any]:
        meta = super()._build_meta()
        if self.build_epoch is not None:
            meta["build_epoch"] = self.build_epoch
        return meta


def build_mmdb(
    path: Path,
    records: Mapping[str, dict[str, Any]],
    *,
    database_type: str,
    ip_version: int = 6,
    description: str = "residency-guard test database",
    build_epoch: int | None = None,
) -> Path:
    """Write ``records`` (CIDR → record dict) to ``path``; more specific networks may nest in wider ones."""
    writer = _Writer(
        ip_version=ip_version,
        ipv4_compatible=ip_version == 6,
        database_type=database_type,
        languages=["en"],
        description=description,
    )
    # Wider networks first: mmdb-writer splits an existing leaf when a subnet is inserted into it.
    for cidr, record in sorted(records.items(), key=lambda item: IPNetwork(item[0]).prefixlen):
        writer.insert_network(IPSet([cidr]), record)
    writer.build_epoch = build_epoch
    path.parent.mkdir(parents=True, exist_ok=True)
    writer.to_db_file(str(path))
    return path


def country_record(iso_code: str, *, registered_only: bool = False) -> dict[str, Any]:
    """A GeoIP2 Country record; ``registered_only`` leaves out ``country`` (as for some anycast ranges)."""
    body = {"iso_code": iso_code, "names": {"en": iso_code}}
    return {"registered_country": body} if registered_only else {"country": body, "registered_country": body}


def build_country_mmdb(
    path: Path,
    networks: Mapping[str, str],
    *,
    database_type: str = "GeoLite2-Country",
    ip_version: int = 6,
) -> Path:
    """CIDR → ISO country code, as a GeoLite2-Country-compatible database."""
    records = {cidr: country_record(code) for cidr, code in networks.items()}
    return build_mmdb(path, records, database_type=database_type, ip_version=ip_version)


def build_asn_mmdb(path: Path, networks: Mapping[str, tuple[int, str]], *, ip_version: int = 6) -> Path:
    """CIDR → (AS number, organisation), as a GeoLite2-ASN-compatible database."""
    records = {
        cidr: {"autonomous_system_number": asn, "autonomous_system_organization": org}
        for cidr, (asn, org) in networks.items()
    }
    return build_mmdb(path, records, database_type="GeoLite2-ASN", ip_version=ip_version)
