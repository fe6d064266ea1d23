"""Device profiles: loading, validation errors, and known-value detection with the hash pool."""

from __future__ import annotations

import base64
import hashlib
import textwrap
from pathlib import Path

import pytest
from stdnum import luhn

from residency_guard.detect import Detector
from residency_guard.errors import ConfigError
from residency_guard.model import Field
from residency_guard.profile import DeviceProfile, load_profile

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "profiles" / "example-phone.yaml"
IMEI = "352099001761481"
MAC = "a4:50:46:0f:1e:2d"


@pytest.fixture(scope="module")
def example() -> DeviceProfile:
    return load_profile(EXAMPLE)


@pytest.fixture(scope="module")
def det(example) -> Detector:
    return Detector([example])


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "p.yaml"
    p.write_text(textwrap.dedent(text), encoding="utf-8")
    return p


def test_example_profile_loads_and_normalises(example):
    assert example.name == "example-phone"
    assert example.imei[0] == IMEI and example.mac[0] == MAC and example.phone == ["+4799999901"]
    assert example.owns_client("10.42.0.9") and example.owns_client("::ffff:10.42.0.9")
    assert not example.owns_client("10.43.0.9") and not example.owns_client("garbage")


@pytest.mark.parametrize(
    "body,field,line",
    [
        ('name: x\nimei: ["352099001761482"]\n', "imei[0]", 2),
        ("name: x\nmac:\n  - a4:50:46:0f:1e:2d\n  - zz:50:46:0f:1e:2d\n", "mac[1]", 4),
        ('name: x\nimsi: ["100990123456789"]\n', "imsi[0]", 2),
        ("name: x\nlocation: {lat: 95, lon: 10}\n", "location.lat", 2),
        ("name: x\nclients: [10.42.0.0/33]\n", "clients[0]", 2),
        ("name: x\ncolour: red\n", "colour", 2),
        ('name: x\nad_id: ["00000000-0000-0000-0000-000000000000"]\n', "ad_id[0]", 2),
    ],
)
def test_broken_profile_names_file_field_line(tmp_path, body, field, line):
    p = write(tmp_path, body)
    with pytest.raises(ConfigError) as e:
        load_profile(p)
    msg = str(e.value)
    assert str(p) in msg and field in msg and f":{line}:" in msg


def test_unreadable_and_non_mapping_profiles(tmp_path):
    with pytest.raises(ConfigError, match="cannot read"):
        load_profile(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="mapping"):
        load_profile(write(tmp_path, "- a\n- b\n"))
    with pytest.raises(ConfigError, match="YAML"):
        load_profile(write(tmp_path, "name: [unclosed\n"))


# ------------------------------------------------------------------------------------------ known values


def upper_nosep(mac: str) -> str:
    return mac.replace(":", "").upper()


@pytest.mark.parametrize(
    "value,type_",
    [
        (hashlib.md5(IMEI.encode()).hexdigest(), "imei"),
        (hashlib.sha1(IMEI.encode()).hexdigest().upper(), "imei"),
        (base64.b64encode(hashlib.sha256(IMEI.encode()).digest()).decode(), "imei"),
        (hashlib.md5(upper_nosep(MAC).encode()).hexdigest(), "mac"),
        (hashlib.sha256(MAC.replace(":", "-").encode()).hexdigest(), "mac"),
        (hashlib.sha1(hashlib.md5(IMEI.encode()).hexdigest().encode()).hexdigest(), "imei"),  # hash of a hash
        (base64.b64encode(b"EXAMPLE0SN1234").decode(), "serial"),
        (b"EXAMPLE0SN1234".hex(), "serial"),
        ("987410999900000010F4", "iccid"),  # nibble-swapped as stored on the SIM (19 digits + F padding)
        ("a450.460f.1e2d", "mac"),
        ("prefix-" + hashlib.md5(b"0f1e2d3c4b5a6978").hexdigest() + "-suffix", "android_id"),
    ],
)
def test_transformed_known_values(det, value, type_):
    hits = det.detect([Field("query.x", (), value, "x")])
    assert [(h.type, h.method, h.device) for h in hits] == [(type_, "known-value", "example-phone")]


def test_known_value_chain_names_the_transform(det):
    h = det.detect([Field("query.x", (), hashlib.md5(IMEI.encode()).hexdigest(), "x")])[0]
    assert h.chain == ("known:md5",) and h.value == IMEI


def test_known_plain_value_needs_boundaries(det):
    # the national number 99999901 inside a longer digit run is not the phone
    assert det.detect([Field("query.n", (), "1299999901345", "n")]) == []
    assert [h.type for h in det.detect([Field("query.n", (), "tel 99999901", "n")])] == ["phone"]


def test_serial_found_only_as_known_value_without_key(det):
    assert [h.type for h in det.detect([Field("path[3]", (), "EXAMPLE0SN1234")])] == ["serial"]
    assert Detector().detect([Field("path[3]", (), "EXAMPLE0SN1234")]) == []


def test_location_within_radius_at_any_precision(det):
    def loc(lat, lon):
        return [Field("query.lat", (), lat, "lat"), Field("query.lon", (), lon, "lon")]

    near = det.detect(loc("59.92", "10.75"))  # ~1.2 km away, 2 decimals
    assert [(h.type, h.method, h.device) for h in near] == [("location", "known-value", "example-phone")]
    coarse = det.detect(loc("59.9", "10.7"))  # one decimal: below the format threshold, still the lab
    assert [h.method for h in coarse] == ["known-value"]
    far = det.detect(loc("60.1699", "24.9384"))  # Helsinki
    assert [(h.method, h.device) for h in far] == [("context", None)]


OTHER_IMEI = "35332811000000" + luhn.calc_check_digit("35332811000000")


def test_format_hit_attributed_to_client_profile(det):
    hits = det.detect([Field("query.imei", (), OTHER_IMEI, "imei")], client_ip="10.42.0.77")
    assert [(h.type, h.method, h.device) for h in hits] == [("imei", "context", "example-phone")]
    hits = det.detect([Field("query.imei", (), OTHER_IMEI, "imei")], client_ip="192.0.2.1")
    assert [(h.type, h.device) for h in hits] == [("imei", None)]


def test_several_profiles_attributed_by_match_and_client(example):
    second = DeviceProfile(name="phone-b", imei=[OTHER_IMEI], clients=["10.42.9.0/24"])
    d = Detector([example, second])
    hits = d.detect(
        [Field("query.a", (), IMEI, "a"), Field("query.b", (), hashlib.md5(OTHER_IMEI.encode()).hexdigest(), "b")],
        client_ip="10.42.9.5",
    )
    assert {(h.value, h.device) for h in hits} == {(IMEI, "example-phone"), (OTHER_IMEI, "phone-b")}


def test_unquoted_yaml_numbers(tmp_path):
    assert load_profile(write(tmp_path, "name: x\nimei: [352099001761481]\n")).imei == [IMEI]
    with pytest.raises(ConfigError, match="quote MAC"):
        load_profile(write(tmp_path, "name: x\nmac: [10:22:33:44:55:56]\n"))


def test_zzhc_with_profile_all_known(det):
    fields = [
        Field("body", ("base64", f"json:$.{k}"), v, k)
        for k, v in {
            "IMEI1": IMEI,
            "MACID": MAC,
            "SIM1ICCID": "8947019999000000014",
            "SIM1LTEIMSI": "242019999000001",
        }.items()
    ]
    hits = det.detect(fields, client_ip="10.42.0.23")
    assert {(h.type, h.method, h.device) for h in hits} == {
        (t, "known-value", "example-phone") for t in ("imei", "mac", "iccid", "imsi")
    }


def test_pool_scan_is_one_pass_not_a_loop(det):
    # A large value with no profile transform in it is scanned quickly even with a big pool.
    import time

    assert det.pool.size > 1000
    text = "0123456789abcdef" * 65536
    t = time.perf_counter()
    list(det.pool.find(text))
    assert time.perf_counter() - t < 1.0
