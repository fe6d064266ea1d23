"""scripts/fetch_geodb.py, offline: tiny fake ip-location-db packages → .mmdb files read with geoip2.

npm is never called here: the packages are written by the test, and ``main --offline`` reads tarballs
from the cache directory.
"""

from __future__ import annotations

import importlib.util
import io
import ipaddress
import json
import sys
import tarfile
from datetime import date
from pathlib import Path

import geoip2.database
import geoip2.errors
import maxminddb
import netaddr
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from residency_guard.locate import GeoAnswer, Locator, MmdbResolver

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fetch_geodb.py"
_spec = importlib.util.spec_from_file_location("fetch_geodb", _SCRIPT)
assert _spec is not None and _spec.loader is not None
fetch_geodb = importlib.util.module_from_spec(_spec)
sys.modules["fetch_geodb"] = fetch_geodb  # the parallel build pickles functions by module name
_spec.loader.exec_module(fetch_geodb)

TODAY = date(2026, 7, 1)

COUNTRY_V4 = """\
1.0.0.0,1.0.0.255,AU
1.0.1.0,1.0.3.255,CN
1.0.4.1,1.0.4.6,NO
1.0.4.7,1.0.4.9,NO
5.0.0.0,5.255.255.255,de
"""
COUNTRY_V6 = """\
2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,JP
2a00:1450::,2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff,IE
2a02:2e0::1,2a02:2e0::ff,SG
"""
ASN_V4 = '''\
1.0.0.0,1.0.0.255,13335,"Cloudflare, Inc."
1.0.1.0,1.0.3.255,4134,CHINANET-BACKBONE
2.26.200.0,2.26.215.255,201907,"LLC ""SPUTNIK"""
214.95.0.0,215.0.255.255,749,United States Department of Defense (DoD)
215.0.0.0,215.1.3.255,721,DoD Network Information Center
'''
ASN_V6 = """\
2001:200::,2001:200:ffff:ffff:ffff:ffff:ffff:ffff,2500,WIDE Project
2a00:1450::,2a00:1450:ffff:ffff:ffff:ffff:ffff:ffff,15169,Google LLC
"""


def make_package(root: Path, name: str, version: str, files: dict[str, str]) -> Path:
    pkg = root / name.replace("/", "_") / "package"
    pkg.mkdir(parents=True)
    (pkg / "package.json").write_text(
        json.dumps({"name": name, "version": version, "license": "SEE LICENSE IN DBIP-LICENSE (CC-BY-4.0)"})
    )
    (pkg / "DBIP-LICENSE").write_text("CC BY 4.0, attribution to DB-IP.com\n")
    for filename, text in files.items():
        (pkg / filename).write_text(text)
    return pkg


def fake_packages(root: Path, *, version: str = "2.3.2026060120", country_v4: str = COUNTRY_V4) -> tuple[Path, Path]:
    country = make_package(
        root,
        fetch_geodb.COUNTRY_PACKAGE,
        version,
        {"dbip-country-ipv4.csv": country_v4, "dbip-country-ipv6.csv": COUNTRY_V6},
    )
    asn = make_package(root, fetch_geodb.ASN_PACKAGE, version, {"asn-ipv4.csv": ASN_V4, "asn-ipv6.csv": ASN_V6})
    return country, asn


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("fake-npm")
    out = tmp_path_factory.mktemp("geodb")
    country, asn = fake_packages(root)
    info = fetch_geodb.convert(country, asn, out, today=TODAY, parallel=False)
    return out, info


def test_country_database_reads_like_geolite2(built: tuple[Path, dict]) -> None:
    out, _ = built
    with geoip2.database.Reader(str(out / fetch_geodb.COUNTRY_MMDB)) as reader:
        assert reader.metadata().database_type == "GeoLite2-Country"
        assert reader.metadata().ip_version == 6
        assert reader.country("1.0.0.7").country.iso_code == "AU"
        assert reader.country("1.0.2.200").country.iso_code == "CN"
        assert reader.country("5.6.7.8").country.iso_code == "DE"  # lower-case input normalised
        assert reader.country("2001:200:1::1").country.iso_code == "JP"
        assert reader.country("2a00:1450:4001:80b::200e").country.iso_code == "IE"
        for missing in ("1.0.4.0", "1.0.4.10", "9.9.9.9", "2a02:2e0::", "2a02:2e0::100", "2001:db8::1"):
            with pytest.raises(geoip2.errors.AddressNotFoundError):
                reader.country(missing)


def test_unaligned_range_is_covered_exactly(built: tuple[Path, dict]) -> None:
    out, _ = built
    with geoip2.database.Reader(str(out / fetch_geodb.COUNTRY_MMDB)) as reader:
        for last_octet in range(1, 10):
            assert reader.country(f"1.0.4.{last_octet}").country.iso_code == "NO"
        for host in range(1, 256):
            assert reader.country(f"2a02:2e0::{host:x}").country.iso_code == "SG"


def test_ipv4_mapped_and_ipv4_compatible_paths_reach_ipv4_data(built: tuple[Path, dict]) -> None:
    out, _ = built
    with maxminddb.open_database(str(out / fetch_geodb.COUNTRY_MMDB)) as raw:
        assert raw.get("1.0.1.1") == {"country": {"iso_code": "CN"}}
        assert raw.get("::ffff:1.0.1.1") == {"country": {"iso_code": "CN"}}
        assert raw.get("::1.0.1.1") == {"country": {"iso_code": "CN"}}
        assert raw.get("::ffff:9.9.9.9") is None


def test_asn_database(built: tuple[Path, dict]) -> None:
    out, _ = built
    with geoip2.database.Reader(str(out / fetch_geodb.ASN_MMDB)) as reader:
        assert reader.metadata().database_type == "GeoLite2-ASN"
        cf = reader.asn("1.0.0.1")
        assert (cf.autonomous_system_number, cf.autonomous_system_organization) == (13335, "Cloudflare, Inc.")
        assert reader.asn("2.26.201.1").autonomous_system_organization == 'LLC "SPUTNIK"'
        assert reader.asn("2a00:1450::1").autonomous_system_number == 15169
        # Overlapping upstream rows: the earlier range keeps its addresses, the later one the rest.
        assert reader.asn("215.0.5.5").autonomous_system_number == 749
        assert reader.asn("215.1.0.1").autonomous_system_number == 721


def test_build_info(built: tuple[Path, dict]) -> None:
    out, info = built
    on_disk = json.loads((out / fetch_geodb.BUILD_INFO).read_text())
    assert on_disk == info
    assert info["data_date"] == "2026-06-01"
    assert [s["package"] for s in info["sources"]] == ["@ip-location-db/dbip-country", "@ip-location-db/asn"]
    assert all(s["version"] == "2.3.2026060120" and "CC BY 4.0" in s["attribution"] for s in info["sources"])
    assert info["sources"][0]["licence_files"] == ["DBIP-LICENSE"]
    country, asn = info["databases"]
    assert country["path"] == fetch_geodb.COUNTRY_MMDB
    assert country["ranges"]["dbip-country-ipv4.csv"]["rows"] == 5
    assert country["ranges"]["dbip-country-ipv4.csv"]["merged"] == 1  # the two adjacent NO rows
    assert asn["ranges"]["asn-ipv4.csv"]["overlaps_clipped"] == 1
    assert country["bytes"] == (out / fetch_geodb.COUNTRY_MMDB).stat().st_size
    assert country["nodes"] > 0


def test_resolver_reads_the_built_directory(built: tuple[Path, dict]) -> None:
    out, _ = built
    with MmdbResolver.open([out]) as resolver:
        assert sorted(d.kind for d in resolver.databases) == ["asn", "country"]
        # The date shown and checked for staleness is the data's, not the conversion's.
        assert {d.build_date for d in resolver.databases} == {"2026-06-01"}
        assert resolver.lookup("::ffff:1.0.1.9") == GeoAnswer("CN", 4134, "CHINANET-BACKBONE")
        dest = Locator(resolver).locate("zzhc.vnet.cn", "1.0.1.9", 80)
        assert (dest.country, dest.asn, dest.geo_source, dest.domain) == ("CN", 4134, "geodb", "vnet.cn")


def test_parallel_build_gives_the_same_databases(tmp_path: Path, built: tuple[Path, dict]) -> None:
    serial_out, _ = built
    country, asn = fake_packages(tmp_path / "npm")
    fetch_geodb.convert(country, asn, tmp_path / "out", today=TODAY, parallel=True)
    for name in (fetch_geodb.COUNTRY_MMDB, fetch_geodb.ASN_MMDB):
        with (
            maxminddb.open_database(str(tmp_path / "out" / name)) as a,
            maxminddb.open_database(str(serial_out / name)) as b,
        ):
            assert list(a) == list(b)  # every (network, record) pair


def test_stale_data_is_refused(tmp_path: Path) -> None:
    country, asn = fake_packages(tmp_path / "npm", version="2.3.2025060120")
    with pytest.raises(fetch_geodb.GeodbError, match=r"data from 2025-06-01, 395 days old \(limit 365\)"):
        fetch_geodb.convert(country, asn, tmp_path / "out", today=TODAY, parallel=False)
    assert not (tmp_path / "out" / fetch_geodb.COUNTRY_MMDB).exists()


def test_malformed_row_names_file_and_line(tmp_path: Path) -> None:
    country, asn = fake_packages(tmp_path / "npm", country_v4=COUNTRY_V4 + "1.2.3.300,1.2.3.400,FR\n")
    with pytest.raises(fetch_geodb.GeodbError, match=r"dbip-country-ipv4\.csv:6: malformed row"):
        fetch_geodb.convert(country, asn, tmp_path / "out", today=TODAY, parallel=False)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("1.0.0.9,1.0.0.1,FR", "starts after it ends"),
        ("1.0.0.0,1.0.0.1,France", "two-letter"),
        ("1.0.0.0", "malformed"),
    ],
)
def test_bad_rows(tmp_path: Path, row: str, reason: str) -> None:
    country, asn = fake_packages(tmp_path / "npm", country_v4=row + "\n")
    with pytest.raises(fetch_geodb.GeodbError, match=reason):
        fetch_geodb.convert(country, asn, tmp_path / "out", today=TODAY, parallel=False)


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("2.3.2026060120", date(2026, 6, 1)),
        ("2.3.2026061719", date(2026, 6, 17)),
        ("10.0.2024022900", date(2024, 2, 29)),
    ],
)
def test_data_date_of(version: str, expected: date) -> None:
    assert fetch_geodb.data_date_of(version) == expected


@pytest.mark.parametrize("version", ["1.0.0", "2.3.2026133120", "2.3.abc", ""])
def test_data_date_of_rejects(version: str) -> None:
    with pytest.raises(fetch_geodb.GeodbError):
        fetch_geodb.data_date_of(version)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), bits=st.sampled_from([32, 128]))
def test_range_to_cidrs_matches_netaddr(data: st.DataObject, bits: int) -> None:
    first = data.draw(st.integers(0, 2**bits - 1))
    last = data.draw(st.integers(first, min(2**bits - 1, first + 2 ** data.draw(st.integers(0, bits)))))
    version = 4 if bits == 32 else 6
    expected = [
        (c.value, c.prefixlen)
        for c in netaddr.iprange_to_cidrs(netaddr.IPAddress(first, version), netaddr.IPAddress(last, version))
    ]
    assert list(fetch_geodb.range_to_cidrs(first, last, bits)) == expected


def _tarball(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tar:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            tar.addfile(info, io.BytesIO(content))
    return path


def _pack_dir(package_dir: Path, tarball: Path) -> Path:
    return _tarball(tarball, {f"package/{p.name}": p.read_bytes() for p in package_dir.iterdir()})


def test_main_offline_from_cached_tarballs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    country, asn = fake_packages(tmp_path / "npm", version="2.3.2026110100")
    cache = tmp_path / "geodb" / ".cache"
    cache.mkdir(parents=True)
    _pack_dir(country, cache / "ip-location-db-dbip-country-2.3.2026110100.tgz")
    _pack_dir(asn, cache / "ip-location-db-asn-2.3.2026110100.tgz")
    older, _ = fake_packages(tmp_path / "old", version="2.3.2026100100", country_v4="1.0.0.0,1.0.0.255,FR\n")
    _pack_dir(older, cache / "ip-location-db-dbip-country-2.3.2026100100.tgz")
    _tarball(cache / "ip-location-db-asn-mmdb-1.0.0.tgz", {"package/x": b"another package"})
    assert fetch_geodb.main(["--out", str(tmp_path / "geodb"), "--offline", "--serial"]) == 0
    printed = capsys.readouterr().out
    assert "residency-guard-country.mmdb" in printed and "DB-IP" in printed
    with MmdbResolver.open([tmp_path / "geodb"]) as resolver:
        assert resolver.lookup("1.0.0.1").country == "AU"  # the newest tarball was used


def test_main_offline_without_cache_fails_clearly(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert fetch_geodb.main(["--out", str(tmp_path), "--offline"]) == 1
    assert "no @ip-location-db/dbip-country tarball" in capsys.readouterr().err


def test_unpack_refuses_path_traversal(tmp_path: Path) -> None:
    evil = _tarball(tmp_path / "evil.tgz", {"package/package.json": b"{}", "../../escape.txt": b"x"})
    with pytest.raises(fetch_geodb.GeodbError, match="cannot unpack"):
        fetch_geodb.unpack(evil, tmp_path / "unpacked")
    assert not (tmp_path / "escape.txt").exists() and not (tmp_path.parent / "escape.txt").exists()


def test_networks_in_output_are_disjoint_and_sorted(built: tuple[Path, dict]) -> None:
    out, _ = built
    with maxminddb.open_database(str(out / fetch_geodb.COUNTRY_MMDB)) as raw:
        networks = [ipaddress.ip_network(n) for n, _ in raw]
    v6 = [n for n in networks if n.version == 6]
    for a, b in zip(v6, v6[1:], strict=False):
        assert a.broadcast_address < b.network_address
