"""LOCATE stage: addresses, .mmdb lookups, the lab overlay, registrable domains, the Locator."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from mmdb_factory import build_asn_mmdb, build_country_mmdb, build_mmdb, country_record
from residency_guard.errors import ConfigError
from residency_guard.locate import (
    GeoAnswer,
    GeoOverlay,
    GeoResolver,
    Locator,
    MmdbResolver,
    load_default_resolver,
    normalize_ip,
    registrable_domain,
)

COUNTRIES = {
    "192.0.2.0/24": "CN",
    "198.51.100.0/24": "DE",
    "203.0.113.0/24": "SG",
    "203.0.113.128/25": "JP",  # nested: more specific than the /24
    "2001:db8::/32": "NO",
}
ASNS = {
    "192.0.2.0/24": (4134, "CHINANET-BACKBONE"),
    "2001:db8::/32": (64500, "Lab Six"),
}


@pytest.fixture(scope="module")
def geodb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("geodb")
    build_country_mmdb(d / "country.mmdb", COUNTRIES)
    build_asn_mmdb(d / "asn.mmdb", ASNS)
    return d


@pytest.fixture
def resolver(geodb: Path):
    with MmdbResolver.open([geodb / "country.mmdb", geodb / "asn.mmdb"]) as r:
        yield r


# ---------------------------------------------------------------------------------------------- addresses


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("1.2.3.4", "1.2.3.4"),
        ("::ffff:1.2.3.4", "1.2.3.4"),
        ("::FFFF:192.0.2.7", "192.0.2.7"),
        ("::ffff:c000:0207", "192.0.2.7"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("[fe80::1%25wlan0]", "fe80::1"),
        ("2001:0DB8:0000::0001", "2001:db8::1"),
        (" 10.0.0.1 ", "10.0.0.1"),
    ],
)
def test_normalize_ip(given: str, expected: str) -> None:
    assert normalize_ip(given) == expected


@pytest.mark.parametrize("garbage", ["", "example.com", "1.2.3", "1.2.3.256", "::ffff:1.2.3.4.5", "[::1", "%eth0"])
def test_normalize_ip_rejects_garbage(garbage: str) -> None:
    with pytest.raises(ValueError, match="not an IP address"):
        normalize_ip(garbage)


# ---------------------------------------------------------------------------------------------- mmdb


def test_mmdb_country_and_asn(resolver: MmdbResolver) -> None:
    assert resolver.lookup("192.0.2.10") == GeoAnswer("CN", 4134, "CHINANET-BACKBONE")
    assert resolver.lookup("198.51.100.1") == GeoAnswer("DE", None, None)
    assert resolver.lookup("203.0.113.5") == GeoAnswer("SG", None, None)
    assert resolver.lookup("203.0.113.200") == GeoAnswer("JP", None, None)


def test_mmdb_ipv4_mapped_and_ipv6(resolver: MmdbResolver) -> None:
    assert resolver.lookup("::ffff:192.0.2.10") == GeoAnswer("CN", 4134, "CHINANET-BACKBONE")
    assert resolver.lookup("2001:db8:1::5") == GeoAnswer("NO", 64500, "Lab Six")
    assert resolver.lookup("[2001:db8::1%eth0]").country == "NO"


@pytest.mark.parametrize("ip", ["10.1.2.3", "127.0.0.1", "::1", "fe80::1", "8.8.8.8", "2a00::1", "nonsense", ""])
def test_mmdb_private_unknown_and_garbage_give_empty_answer(resolver: MmdbResolver, ip: str) -> None:
    assert resolver.lookup(ip) == GeoAnswer(None, None, None)


def test_mmdb_registered_country_fallback(tmp_path: Path) -> None:
    path = build_mmdb(
        tmp_path / "c.mmdb",
        {"192.0.2.0/24": country_record("HK", registered_only=True)},
        database_type="GeoLite2-Country",
    )
    with MmdbResolver.open([path]) as r:
        assert r.lookup("192.0.2.1").country == "HK"


def test_mmdb_city_database_is_a_country_source(tmp_path: Path) -> None:
    path = build_country_mmdb(tmp_path / "city.mmdb", {"198.51.100.0/24": "FI"}, database_type="GeoIP2-City")
    with MmdbResolver.open([path]) as r:
        assert r.databases[0].kind == "country"
        assert r.lookup("198.51.100.9").country == "FI"


def test_mmdb_ipv6_asked_of_ipv4_only_database(tmp_path: Path) -> None:
    path = build_country_mmdb(tmp_path / "v4.mmdb", {"192.0.2.0/24": "CN"}, ip_version=4)
    with MmdbResolver.open([path]) as r:
        assert r.lookup("2001:db8::1") == GeoAnswer(None, None, None)
        assert r.lookup("::ffff:192.0.2.1").country == "CN"


def test_mmdb_database_info(resolver: MmdbResolver, geodb: Path) -> None:
    info = {d.kind: d for d in resolver.databases}
    assert info["country"].path == geodb / "country.mmdb"
    assert info["country"].database_type == "GeoLite2-Country"
    assert info["asn"].database_type == "GeoLite2-ASN"
    assert info["asn"].build_date == time.strftime("%Y-%m-%d", time.gmtime())
    assert info["country"].description == "residency-guard test database"


def test_mmdb_directory_of_databases(geodb: Path, tmp_path: Path) -> None:
    d = tmp_path / "mixed"
    d.mkdir()
    for name in ("country.mmdb", "asn.mmdb"):
        (d / name).write_bytes((geodb / name).read_bytes())
    build_mmdb(d / "anon.mmdb", {"192.0.2.0/24": {"is_anonymous": True}}, database_type="GeoIP2-Anonymous-IP")
    (d / "notes.txt").write_text("not a database")
    with MmdbResolver.open([d]) as r:
        assert sorted(i.kind for i in r.databases) == ["asn", "country"]
        assert len(r.skipped) == 1 and "anon.mmdb" in r.skipped[0] and "GeoIP2-Anonymous-IP" in r.skipped[0]
        assert r.lookup("192.0.2.1") == GeoAnswer("CN", 4134, "CHINANET-BACKBONE")


def test_mmdb_first_database_that_knows_answers(tmp_path: Path) -> None:
    licensed = build_country_mmdb(tmp_path / "licensed.mmdb", {"192.0.2.0/25": "FR"})
    default = build_country_mmdb(tmp_path / "default.mmdb", {"192.0.2.0/24": "CN"})
    with MmdbResolver.open([licensed, default]) as r:
        assert r.lookup("192.0.2.1").country == "FR"
        assert r.lookup("192.0.2.200").country == "CN"


def test_mmdb_explicit_file_of_unusable_type_is_an_error(tmp_path: Path) -> None:
    path = build_mmdb(tmp_path / "anon.mmdb", {"192.0.2.0/24": {"x": 1}}, database_type="GeoIP2-Anonymous-IP")
    with pytest.raises(ConfigError, match=r"anon\.mmdb.*GeoIP2-Anonymous-IP"):
        MmdbResolver.open([path])


@pytest.mark.parametrize(
    "content",
    [b"", b"garbage" * 100, random.Random(7).randbytes(4096)],
    ids=["empty", "text", "random-bytes"],  # stable ids: xdist workers must collect the same tests
)
def test_mmdb_corrupt_file_is_a_config_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "broken.mmdb"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=r"broken\.mmdb: not a MaxMind-format"):
        MmdbResolver.open([path])


def test_mmdb_missing_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"nope\.mmdb: geo database not found"):
        MmdbResolver.open([tmp_path / "nope.mmdb"])


def test_mmdb_lookups_are_cached(resolver: MmdbResolver) -> None:
    resolver.lookup("192.0.2.10")
    resolver.lookup("::ffff:192.0.2.10")  # same address once normalised
    info = resolver._cached_lookup.cache_info()
    assert info.hits >= 1 and info.currsize >= 1 and info.maxsize is not None


def test_mmdb_resolver_satisfies_protocol(resolver: MmdbResolver) -> None:
    assert isinstance(resolver, GeoResolver)


# ---------------------------------------------------------------------------------------------- defaults


def test_missing_database_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    resolver, warnings = load_default_resolver(None, tmp_path / "geodb")
    assert resolver is None
    assert len(warnings) == 1 and "make geodb" in warnings[0] and "unknown" in warnings[0]
    dest = Locator(resolver).locate("zzhc.vnet.cn", "192.0.2.1", 80)
    assert (dest.country, dest.geo_source) == ("unknown", "none")


def test_default_directory_is_used(geodb: Path) -> None:
    resolver, warnings = load_default_resolver(None, geodb)
    assert resolver is not None and warnings == []
    try:
        assert resolver.lookup("192.0.2.1").country == "CN"
    finally:
        resolver.close()


def test_explicit_paths_take_precedence_and_missing_asn_warns(tmp_path: Path, geodb: Path) -> None:
    mine = build_country_mmdb(tmp_path / "GeoLite2-Country.mmdb", {"192.0.2.0/24": "FR"})
    resolver, warnings = load_default_resolver([mine], geodb)
    assert resolver is not None
    try:
        assert resolver.lookup("192.0.2.1") == GeoAnswer("FR", None, None)
        assert warnings == ["no ASN database loaded; destination ASN and organisation stay empty"]
    finally:
        resolver.close()


def test_asn_only_warns_about_country(tmp_path: Path) -> None:
    path = build_asn_mmdb(tmp_path / "asn.mmdb", {"192.0.2.0/24": (1, "x")})
    resolver, warnings = load_default_resolver([path], tmp_path)
    assert resolver is not None
    resolver.close()
    assert any("no country database" in w for w in warnings)


def test_old_database_warns(tmp_path: Path) -> None:
    two_years_ago = int(time.time()) - 2 * 365 * 86400
    path = build_mmdb(
        tmp_path / "old.mmdb",
        {"192.0.2.0/24": country_record("CN")},
        database_type="GeoLite2-Country",
        build_epoch=two_years_ago,
    )
    resolver, warnings = load_default_resolver([path], tmp_path)
    assert resolver is not None
    resolver.close()
    expected_date = time.strftime("%Y-%m-%d", time.gmtime(two_years_ago))
    assert resolver.databases[0].build_date == expected_date
    assert any(f"built on {expected_date}, over a year ago" in w for w in warnings)


# ---------------------------------------------------------------------------------------------- overlay

OVERLAY = """\
networks:
  - network: 10.66.0.0/16
    country: NO
    org: lab mirror
    asn: 64512
  - network: 10.66.7.0/24
    country: cn
  - network: 192.0.2.0/24
    country: SG
    org: lab singapore
  - network: 2001:db8:66::/48
    country: de
"""


def write(tmp_path: Path, text: str, name: str = "overlay.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_overlay_longest_prefix_and_norway_is_not_false(tmp_path: Path) -> None:
    overlay = GeoOverlay.load(write(tmp_path, OVERLAY))
    assert len(overlay) == 4
    assert overlay.lookup("10.66.1.1") == GeoAnswer("NO", 64512, "lab mirror")
    assert overlay.lookup("10.66.7.9") == GeoAnswer("CN", None, None)
    assert overlay.lookup("::ffff:10.66.7.9") == GeoAnswer("CN", None, None)
    assert overlay.lookup("2001:db8:66:1::1") == GeoAnswer("DE", None, None)
    assert overlay.lookup("2001:db8:67::1") is None
    assert overlay.lookup("10.67.0.1") is None
    assert overlay.lookup("garbage") is None


def test_overlay_zero_prefix_matches_everything(tmp_path: Path) -> None:
    overlay = GeoOverlay.load(write(tmp_path, "networks:\n  - {network: 0.0.0.0/0, country: IS}\n"))
    assert overlay.lookup("8.8.8.8") == GeoAnswer("IS", None, None)
    assert overlay.lookup("2001:db8::1") is None


def test_example_overlay_ships_valid() -> None:
    example = Path(__file__).resolve().parent.parent / "geodb" / "lab-overlay.example.yaml"
    overlay = GeoOverlay.load(example)
    assert overlay.lookup("192.0.2.1").country == "CN"
    assert overlay.lookup("198.51.100.1").country == "DE"
    assert overlay.lookup("203.0.113.1").country == "SG"


@pytest.mark.parametrize(
    ("text", "line", "field", "reason"),
    [
        (OVERLAY + "  - network: 10.0.0.300/8\n    country: NO\n", 13, "networks[4].network", "CIDR"),
        (OVERLAY + "  - network: 10.0.0.1/8\n    country: NO\n", 13, "networks[4].network", "host bits"),
        (OVERLAY + "  - network: 10.0.0.0/8\n    country: Norway\n", 14, "networks[4].country", "two-letter"),
        (OVERLAY + "  - network: 10.0.0.0/8\n    country: N0\n", 14, "networks[4].country", "two-letter"),
        (OVERLAY + "  - network: 10.0.0.0/8\n", 13, "networks[4].country", "required"),
        (OVERLAY + "  - network: 10.0.0.0/8\n    country: SE\n    asn: -1\n", 15, "networks[4].asn", "0"),
        (OVERLAY + "  - network: 10.0.0.0/8\n    country: SE\n    contry: SE\n", 15, "networks[4].contry", "not"),
        (OVERLAY + "  - network: 10.66.7.0/24\n    country: SE\n", 13, "networks[4].network", "already listed"),
        (OVERLAY + "  - network: ::ffff:10.0.0.0/104\n    country: SE\n", 13, "networks[4].network", "IPv4-mapped"),
        (OVERLAY + "  - network: 8\n    country: SE\n", 13, "networks[4].network", "CIDR"),
    ],
)
def test_broken_overlay_names_file_field_line_reason(
    tmp_path: Path, text: str, line: int, field: str, reason: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        GeoOverlay.load(path)
    message = str(caught.value)
    assert f"{path}:{line}: {field}: " in message
    assert reason in message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "file is empty"),
        ("networks: [\n", ":2: invalid YAML"),
        ("- 1\n- 2\n", "(top level)"),
        ("nets: []\n", "nets: Extra inputs are not permitted"),
        ("{}\n", "needs 'networks' (CIDR → country) or 'domains'"),
        ("domains:\n  - {domain: 'https://vnet.cn/', country: CN}\n", "domains[0].domain: must be a domain name"),
        ("domains:\n  - {domain: 192.0.2.1, country: CN}\n", "list it under networks"),
        ("domains:\n  - {domain: vnet.cn, country: CN}\n  - {domain: VNET.cn., country: HK}\n", "already listed"),
    ],
)
def test_unusable_overlay_file(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        GeoOverlay.load(path)
    assert str(path) in str(caught.value) and expected in str(caught.value)


def test_overlay_domains_name_the_country_of_a_destination_known_by_name_alone(tmp_path: Path) -> None:
    """A DNS query's name has no address: the lab's domain entry is what is known of it; an address,
    when there is one, is judged by the address, whatever the name."""
    overlay = GeoOverlay.load(
        write(
            tmp_path,
            "domains:\n  - {domain: vnet.cn, country: cn, org: China Telecom}\n  - {domain: zzhc.vnet.cn, country: HK}\n",
        )
    )
    assert overlay.lookup_name("reg.zzhc.vnet.cn.") == GeoAnswer("HK", None, None)
    assert overlay.lookup_name("WWW.vnet.CN") == GeoAnswer("CN", None, "China Telecom")
    assert overlay.lookup_name("notvnet.cn") is None
    locator = Locator(None, overlay)
    by_name = locator.locate("352099001761481.reg.vnet.cn", None, 53)
    assert (by_name.country, by_name.geo_source, by_name.org) == ("CN", "overlay", "China Telecom")
    assert locator.locate("www.vnet.cn", "198.51.100.7", 443).country == "unknown"


def test_missing_overlay_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"absent\.yaml: cannot read geo overlay"):
        GeoOverlay.load(tmp_path / "absent.yaml")


def test_overlay_yaml_tags_are_not_executed(tmp_path: Path) -> None:
    path = write(tmp_path, "networks: !!python/object/apply:os.system ['true']\n")
    with pytest.raises(ConfigError, match="invalid YAML"):
        GeoOverlay.load(path)


# ---------------------------------------------------------------------------------------------- domain


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("zzhc.vnet.cn", "vnet.cn"),
        ("a.b.co.uk", "b.co.uk"),
        ("WWW.Example.COM.", "example.com"),
        ("activation.example.com.sg", "example.com.sg"),
        ("vnet.cn", "vnet.cn"),
        ("co.uk", None),
        ("localhost", None),
        ("1.2.3.4", None),
        ("::ffff:1.2.3.4", None),
        ("[2001:db8::1]", None),
        ("", None),
    ],
)
def test_registrable_domain_offline(host: str, expected: str | None) -> None:
    assert registrable_domain(host) == expected


# ---------------------------------------------------------------------------------------------- locator


class FakeResolver:
    def __init__(self, answers: dict[str, GeoAnswer]) -> None:
        self.answers = answers
        self.asked: list[str] = []

    def lookup(self, ip: str) -> GeoAnswer:
        self.asked.append(ip)
        return self.answers.get(ip, GeoAnswer(None, None, None))


def test_locator_flagship_destination(resolver: MmdbResolver) -> None:
    dest = Locator(resolver).locate("zzhc.vnet.cn", "::ffff:192.0.2.10", 80)
    assert dest.host == "zzhc.vnet.cn" and dest.ip == "192.0.2.10" and dest.port == 80
    assert (dest.country, dest.asn, dest.org) == ("CN", 4134, "CHINANET-BACKBONE")
    assert (dest.domain, dest.geo_source) == ("vnet.cn", "geodb")


def test_locator_overlay_wins_and_is_filled_from_resolver(tmp_path: Path) -> None:
    overlay = GeoOverlay.load(write(tmp_path, OVERLAY))
    fake = FakeResolver(
        {
            "192.0.2.1": GeoAnswer("CN", 4134, "CHINANET"),
            "10.66.1.1": GeoAnswer("US", 1, "never used"),
            "10.66.7.7": GeoAnswer(None, 64999, "filled org"),
        }
    )
    loc = Locator(fake, overlay)
    sg = loc.locate("api.example.com", "192.0.2.1", 443)
    assert (sg.country, sg.asn, sg.org, sg.geo_source) == ("SG", 4134, "lab singapore", "overlay")
    no = loc.locate("mirror.lab", "10.66.1.1", 80)
    assert (no.country, no.asn, no.org, no.geo_source) == ("NO", 64512, "lab mirror", "overlay")
    assert "10.66.1.1" not in fake.asked  # nothing left to fill
    cn = loc.locate("x.lab", "10.66.7.7", 80)
    assert (cn.country, cn.asn, cn.org, cn.geo_source) == ("CN", 64999, "filled org", "overlay")


def test_locator_ip_literal_host_and_unknowns() -> None:
    fake = FakeResolver({"2001:db8::1": GeoAnswer("NO", None, None), "198.51.100.1": GeoAnswer("DE", 3320, "DTAG")})
    loc = Locator(fake)
    v6 = loc.locate("[2001:db8::1]", None, 443)
    assert (v6.host, v6.ip, v6.country, v6.domain, v6.geo_source) == ("2001:db8::1", "2001:db8::1", "NO", None, "geodb")
    v4 = loc.locate("198.51.100.1", None, 80)
    assert (v4.ip, v4.country, v4.asn) == ("198.51.100.1", "DE", 3320)
    unknown = loc.locate("example.com", None, 443)
    assert (unknown.ip, unknown.country, unknown.geo_source) == (None, "unknown", "none")
    assert fake.asked == ["2001:db8::1", "198.51.100.1"]


def test_locator_asn_without_country_keeps_country_unknown() -> None:
    loc = Locator(FakeResolver({"192.0.2.1": GeoAnswer(None, 13335, "Cloudflare")}))
    dest = loc.locate("cdn.example.net", "192.0.2.1", 443)
    assert (dest.country, dest.asn, dest.org, dest.geo_source) == ("unknown", 13335, "Cloudflare", "none")


@pytest.mark.parametrize("ip", ["not-an-ip", "1.2.3.4.5", "\x00", "9" * 10_000])
def test_locator_hostile_ip_does_not_crash(ip: str) -> None:
    dest = Locator(FakeResolver({})).locate("evil\x00host", ip, 80)
    assert dest.ip is None and dest.country == "unknown"
