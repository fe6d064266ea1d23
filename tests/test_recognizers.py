"""Each recognizer of the registry (detect/recognizers/) on its fixture: a value it must report, and a
look-alike it must not. A recognizer without a fixture here fails ``test_every_recognizer_has_a_fixture``:
adding a shape is its module plus its rows below."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from residency_guard.detect import Detector
from residency_guard.detect.recognizers import ALL, CANDIDATES, TRIGGERS, score_table
from residency_guard.detect.recognizers.base import Score
from residency_guard.extract import extract_request
from residency_guard.model import Field, RequestView

ROOT = Path(__file__).resolve().parent.parent
IMEI = "352099001761481"
IMSI = "242019999000001"
ICCID = "8947019999000000014"
MAC = "a4:50:46:0f:1e:2d"


def value(v: str, key: str | None = None, chain: tuple[str, ...] | None = None) -> list[Field]:
    return [Field("body", chain if chain is not None else ((f"json:$.{key}",) if key else ("text",)), v, key)]


def body(obj: object) -> list[Field]:
    view = RequestView("POST", "http://h.test/", (("Content-Type", "application/json"),), json.dumps(obj).encode())
    return extract_request(view).fields


# recognizer name → (fields it must report from, the (type, value) reported), (look-alike fields)
FIXTURES: dict[str, tuple[list[Field], tuple[str, str], list[Field]]] = {
    "MAC address": (value(f"wlan0 {MAC} up"), ("mac", MAC), value("wlan0 01:00:5e:00:00:fb up")),
    "MAC address (Cisco dots)": (value("a450.460f.1e2d", "addr"), ("mac", MAC), value("0100.5e00.00fb", "addr")),
    "advertising ID (UUID)": (
        value("38400000-8cf0-11bd-b23e-10b96e40000d", "gaid"),
        ("ad_id", "38400000-8cf0-11bd-b23e-10b96e40000d"),
        value("38400000-8cf0-11bd-b23e-10b96e40000d", "request_id"),
    ),
    "IMEI in groups": (value("35-209900-176148-1", "x"), ("imei", IMEI), value("35-209900-176148-2", "x")),
    "IMEI in dotted groups": (
        value("35.209.900.176148.1", "x"),
        ("imei", IMEI),
        value("35.209.900.176148.2", "version"),  # Luhn fails
    ),
    "integer in exponent form": (
        value("3.52099001761481e14", "imei"),
        ("imei", IMEI),
        value("3.520990017614815e14", "imei"),  # not an integer
    ),
    "lat,lon string": (
        value("59.913868,10.752245", "loc"),
        ("location", "59.913868,10.752245"),
        value("59.913868,10.752245", "destination"),
    ),
    "E.164 number": (value("call me on +4741234567", "note"), ("phone", "+4741234567"), value("+4780012345", "note")),
    "digit run": (value(IMEI, "x"), ("imei", IMEI), value(IMEI, "order_id")),
    "EF_ICCID (nibble-swapped, F-padded)": (
        value("986421436587193254F4", "x"),
        ("iccid", "8946123456789123454"),
        value("986421436587193254F3", "x"),
    ),
    "keyed hex run": (
        value("f375631686c667b6", "android_id"),
        ("android_id", "f375631686c667b6"),
        value("f375631686c667b6", "hash"),
    ),
    "number under a cell key": (value("24013", "cellId"), ("cell_id", "24013"), value("2147483647", "cellId")),
    "national number in groups": (value("412 34 567", "phone"), ("phone", "+4741234567"), value("412 34 567", "price")),
    "digits in groups": (
        value("8947 0199 9900 0000 014", "iccid"),
        ("iccid", ICCID),
        value("8947 0199 9900 0000 014", "iban"),
    ),
    "serial under its key": (
        value("R58M12ABCDE", "serialNumber"),
        ("serial", "R58M12ABCDE"),
        value("unknown", "serialNumber"),
    ),
    "serial label in text": (
        value("device info: serial: R58M12ABCDE, build ok"),
        ("serial", "R58M12ABCDE"),
        value("device info: serial: ABCDEFGHIJ, ok"),
    ),
    "NMEA 0183 sentence": (
        value("$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47"),
        ("location", "48.117300,11.516667"),
        value("$GPGGA,,,,,,0,00,99.99,,,,,,*48"),
    ),
    "Android CellIdentity text": (
        value("CellIdentityWcdma:{ mLac=7011 mCid=24013 mPsc=311 }"),
        ("cell_id", "24013"),
        value("CellIdentityWcdma:{ mLac=7011 mCid=2147483647 mPsc=311 }"),
    ),
    "device URN": (value("<urn:gsma:imei:35209900-176148-1>"), ("imei", IMEI), value("ep=urn:imei:352099001761482")),
    "IMS P-Access-Network-Info": (
        value("3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=2420100a1b2c3d4"),
        ("cell_id", "2420100A1B2C3D4"),
        value("IEEE-802.11;i-wlan-node-id=01005e0000fb"),
    ),
    "hemisphere coordinates": (
        value("[3G*8800000015*0079*UD,060424,123456,A,56.163237,N,10.196305,E,0.00,9]"),
        ("location", "56.163237,10.196305"),
        value("[3G*8800000015*0079*UD,060424,123456,V,0.000000,N,0.000000,E,0.00,9]"),
    ),
    "e-mail address": (
        value("from kari@mail.example.no"),
        ("email", "kari@mail.example.no"),
        value("img src=icon@2x.png"),
    ),
    "3GPP NAI (EAP / IMS)": (
        value("0242019999000001@nai.epc.mnc001.mcc242.3gppnetwork.org", "EAP_ID"),
        ("imsi", IMSI),
        value("2q7fw3ks0dj@nai.epc.mnc001.mcc242.3gppnetwork.org", "EAP_ID"),
    ),
    "BCD-packed IMEI": (
        value("0352099001761481", chain=("bcd",)),
        ("imei", IMEI),
        value("0352099001761482", chain=("bcd",)),
    ),
    "latitude/longitude siblings": (
        body({"lat": 59.913868, "lon": 10.752245}),
        ("location", "59.913868,10.752245"),
        body({"lat": 59.913868, "lon": 10.752245, "name": "Oslo S"}),
    ),
    "GeoJSON position": (
        body({"geometry": {"type": "Point", "coordinates": [10.752245, 59.913868]}}),
        ("location", "59.913868,10.752245"),
        body({"geometry": {"type": "Polygon", "coordinates": [[[10.7, 59.9], [10.8, 59.9], [10.7, 59.9]]]}}),
    ),
    "national number + sibling country code": (
        body({"country_code": "45", "phone": "41234567"}),
        ("phone", "+4541234567"),
        body({"phone": "80012345"}),
    ),
}


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector()


def test_every_recognizer_has_a_fixture():
    assert sorted(r.name for r in ALL) == sorted(FIXTURES)


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_recognizer_reports_its_shape(det, name):
    fields, expected, _ = FIXTURES[name]
    assert expected in {(h.type, h.value) for h in det.detect(fields)}


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_recognizer_ignores_its_look_alike(det, name):
    _, (type_, _), look_alike = FIXTURES[name]
    assert [h for h in det.detect(look_alike) if h.type == type_] == []


def test_recognizers_declare_what_they_yield(det):
    for r in ALL:
        assert r.yields and set(r.yields) <= {
            "imei", "meid", "imsi", "iccid", "mac", "wifi_bssid", "serial", "android_id", "ad_id", "phone", "email",
            "location", "cell_id",
        }, r.name  # fmt: skip
        assert FIXTURES[r.name][1][0] in r.yields, r.name


def test_scores_are_confidences_with_a_meaning():
    for r in ALL:
        for name, score in r.scores():
            assert 0 < score <= 1 and score.meaning, (r.name, name)
    assert isinstance(Score(0.5, "x") + 0.1, float)


def test_candidate_groups_and_trigger_names_are_distinct():
    groups = [r.group for r in CANDIDATES]
    assert len(groups) == len(set(groups))
    assert len({t.name for t in TRIGGERS}) == len(TRIGGERS)
    for t in TRIGGERS:
        assert t.literals and (t.view == "word") == (t.pattern is None), t.name


def test_readme_score_table_is_the_generated_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- score-table -->\n```\n(.*?)\n```\n<!-- /score-table -->", readme, re.S)
    assert m is not None, "README.md has no generated score table"
    assert m.group(1) == score_table(), (
        "regenerate it: .venv/bin/python -m residency_guard.detect.recognizers --readme README.md"
    )
