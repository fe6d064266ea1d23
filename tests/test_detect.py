"""Detectors, one type at a time, plus hostile input. Values are fake but structurally valid."""

from __future__ import annotations

import base64
import hashlib
import json
import time

import pytest

from residency_guard.detect import Detector
from residency_guard.model import Field

IMEI = "352099001761481"
IMSI_NO = "242019999000001"
ICCID = "8947019999000000014"
MAC = "a4:50:46:0f:1e:2d"


def F(value: str, key: str | None = None, where: str = "body", chain: tuple[str, ...] = ()) -> Field:
    if key is not None and not chain and where == "body":
        chain = (f"json:$.{key}",)
    return Field(where, chain, value, key)


def types(hits) -> set[str]:
    return {h.type for h in hits}


def one(hits, type_):
    found = [h for h in hits if h.type == type_]
    assert len(found) == 1, hits
    return found[0]


@pytest.fixture(scope="module")
def det() -> Detector:
    return Detector()


# ------------------------------------------------------------------------------------------ imei


@pytest.mark.parametrize("value", [IMEI, "35-209900-176148-1", "IMEI:352099001761481", "35 209900 176148 1"])
def test_imei_spellings_normalise_to_digits(det, value):
    h = one(det.detect([F(value, "deviceImei")]), "imei")
    assert h.value == IMEI and h.confidence >= 0.85


def test_imei_without_key_by_luhn_and_reporting_body(det):
    h = one(det.detect([Field("path[2]", (), IMEI)]), "imei")
    assert h.method == "format" and 0.5 <= h.confidence < 0.95


def test_imei_bad_check_digit_is_not_an_imei(det):
    assert "imei" not in types(det.detect([F("352099001761482", "imei")]))


def test_imeisv_reports_the_imei_it_contains(det):
    h = one(det.detect([F("3520990017614823", "imeisv")]), "imei")
    assert h.value == IMEI


def test_imei_under_order_key_is_not_flagged(det):
    assert det.detect([F(IMEI, "order_id")]) == []


def test_meid_key_holding_an_imei_is_reported_as_imei(det):
    # ZZHC quirk: some clients put an IMEI into MEID.
    assert types(det.detect([F(IMEI, "MEID")])) == {"imei"}


# ------------------------------------------------------------------------------------------ meid


@pytest.mark.parametrize("value", ["A0000049990001", "a0000049990001", "270113177609991297"])
def test_meid_hex_and_decimal_under_key(det, value):
    assert types(det.detect([F(value, "MEID")])) == {"meid"}


def test_meid_like_hex_without_key_is_ignored(det):
    assert det.detect([F("A0000049990001", "blob")]) == []


# ------------------------------------------------------------------------------------------ imsi


def test_imsi_under_key_and_operator_check(det):
    h = one(det.detect([F(IMSI_NO, "SIM1LTEIMSI")]), "imsi")
    assert h.value == IMSI_NO and h.confidence >= 0.9


@pytest.mark.parametrize("value", ["111111111111111", "222222222222222", "000000000000000", "100990123456789"])
def test_imsi_placeholders_and_unknown_mcc_ignored(det, value):
    assert det.detect([F(value, "SIM2CDMAIMSI")]) == []


# ------------------------------------------------------------------------------------------ iccid


@pytest.mark.parametrize("value", [ICCID, ICCID + "F", ICCID + "f"])
def test_iccid_trailing_f_dropped(det, value):
    assert one(det.detect([F(value, "SIM1ICCID")]), "iccid").value == ICCID


def test_iccid_luhn_is_evidence_not_required(det):
    bad_luhn = ICCID[:-1] + ("2" if ICCID[-1] != "2" else "3")
    assert one(det.detect([F(bad_luhn, "iccid")]), "iccid").confidence >= 0.9
    # Without a key, a failing Luhn leaves too little evidence.
    assert det.detect([Field("path[1]", (), bad_luhn)]) == []
    assert types(det.detect([Field("path[1]", (), ICCID)])) == {"iccid"}


def test_all_zero_iccid_is_a_placeholder(det):
    assert det.detect([F("0" * 20, "SIM2ICCID"), F("89" + "0" * 18, "iccid")]) == []


# ------------------------------------------------------------------------------------------ mac / bssid


@pytest.mark.parametrize("value", ["a4:50:46:0f:1e:2d", "A4-50-46-0F-1E-2D", "a450.460f.1e2d", "A450460F1E2D"])
def test_mac_spellings(det, value):
    assert one(det.detect([F(value, "MACID")]), "mac").value == MAC


def test_bare_hex_mac_needs_a_key(det):
    assert det.detect([F("a450460f1e2d", "token")]) == []


@pytest.mark.parametrize("value", ["02:00:00:00:00:00", "00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:fb"])
def test_mac_placeholders_broadcast_multicast_ignored(det, value):
    assert det.detect([F(value, "wifiMac")]) == []


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("trailers, x-a4:50:46:0f:1e:2d", True),  # a label and a hyphen before: not part of a longer run
        ("dev:A4-50-46-0F-1E-2D", True),
        ("ab-a4-50-46-0f-1e-2d", False),  # seven hex pairs: which six are the MAC is unknowable
        ("fe80::a4:50:46:0f:1e:2d", False),  # an IPv6 address's groups
    ],
)
def test_a_mac_starts_where_a_run_of_hex_pairs_starts(det, text, found):
    assert (MAC in {h.value for h in det.detect([F(text, "te")])}) is found


def test_bssid_in_wifi_scan_object(det):
    fields = [
        Field("body", ("json:$.wifiAccessPoints[0].macAddress",), "3c:28:6d:01:02:03", "macAddress"),
        Field("body", ("json:$.wifiAccessPoints[0].signalStrength",), "-51", "signalStrength"),
        Field("body", ("json:$.bssid",), "3c:28:6d:01:02:04", "bssid"),
        Field("body", ("json:$.wifiMac",), MAC, "wifiMac"),
    ]
    hits = det.detect(fields)
    assert {(h.type, h.value) for h in hits} == {
        ("wifi_bssid", "3c:28:6d:01:02:03"),
        ("wifi_bssid", "3c:28:6d:01:02:04"),
        ("mac", MAC),
    }


# ------------------------------------------------------------------------------------------ ids


def test_android_id_needs_key(det):
    assert one(det.detect([F("0F1E2D3C4B5A6978", "android_id")]), "android_id").value == "0f1e2d3c4b5a6978"
    assert det.detect([F("0f1e2d3c4b5a6978", "span_id")]) == []


@pytest.mark.parametrize("key", ["gaid", "adid", "idfa", "advertising_id", "ifa", "resettable_device_id"])
def test_ad_id_with_key(det, key):
    h = one(det.detect([F("5D0E6C2A-9B7F-4E1D-8A3C-0F1E2D3C4B5A", key)]), "ad_id")
    assert h.value == "5d0e6c2a-9b7f-4e1d-8a3c-0f1e2d3c4b5a"


def test_ad_id_zero_uuid_and_request_uuid_ignored(det):
    assert (
        det.detect(
            [F("00000000-0000-0000-0000-000000000000", "gaid"), F("5d0e6c2a-9b7f-4e1d-8a3c-0f1e2d3c4b5a", "request_id")]
        )
        == []
    )


def test_serial_under_key_and_in_getprop_text(det):
    assert one(det.detect([F("R58M12ABC3X", "serialNumber")]), "serial").value == "R58M12ABC3X"
    assert types(det.detect([F("[ro.build.id]: [PPR1]\n[ro.serialno]: [R58M12ABC3X]\n", "log")])) == {"serial"}
    assert det.detect([F("unknown", "serial")]) == []


# ------------------------------------------------------------------------------------------ phone / email


@pytest.mark.parametrize(
    "value,key",
    [("+4741234567", "msisdn"), ("004741234567", "phone"), ("4741234567", "x-msisdn"), ("+47 412 34 567", "note")],
)
def test_phone_forms(det, value, key):
    assert one(det.detect([F(value, key)]), "phone").value == "+4741234567"


def test_phone_national_with_sibling_country_code(det):
    fields = [
        Field("body", ("json:$.country_code",), "1", "country_code"),
        Field("body", ("json:$.phone",), "6502531658", "phone"),
    ]
    assert one(det.detect(fields), "phone").value == "+16502531658"


def test_phone_national_without_plus_or_key_ignored(det):
    assert det.detect([F("41234567", "qty")]) == []


def test_email_and_image_names(det):
    assert one(det.detect([F("Kari.Nordmann@Example.com", "user")]), "email").value == "kari.nordmann@example.com"
    assert det.detect([F("/img/logo@2x.png", "src")]) == []


# ------------------------------------------------------------------------------------------ location / cell


def test_location_from_sibling_keys_keeps_precision(det):
    fields = [
        Field("body", ("json:$.device.geo.lat",), "59.913312", "lat"),
        Field("body", ("json:$.device.geo.lon",), "10.738941", "lon"),
        Field("body", ("json:$.other.lat",), "1.5", "lat"),
    ]
    h = one(det.detect(fields), "location")
    assert h.value == "59.913312,10.738941"


def test_location_pair_string_and_ranges(det):
    assert one(det.detect([F("59.9133,10.7389", "ll")]), "location").value == "59.9133,10.7389"
    assert det.detect([F("0.0,0.0", "ll"), F("95.1234,10.1234", "ll")]) == []
    assert det.detect([Field("query.lat", (), "123.45", "lat"), Field("query.lon", (), "10.1", "lon")]) == []


@pytest.mark.parametrize("key", ["cellId", "CELLID", "SIM1CELLID", "eci"])
def test_cell_id_keys(det, key):
    assert one(det.detect([F("26443522", key)]), "cell_id").value == "26443522"


def test_cell_id_short_key_needs_cell_siblings(det):
    lone = [Field("query.cid", (), "555123", "cid")]
    assert det.detect(lone) == []  # Google Analytics-style client id, not a cell
    tower = [
        Field("body", ("json:$.cells[0].cid",), "555123", "cid"),
        Field("body", ("json:$.cells[0].mcc",), "242", "mcc"),
    ]
    assert types(det.detect(tower)) == {"cell_id"}


@pytest.mark.parametrize("value", ["0", "-1", "2147483647", "abc"])
def test_cell_id_unavailable_values(det, value):
    assert det.detect([F(value, "cellId")]) == []


# ------------------------------------------------------------------------------------------ text


def test_logcat_free_text(det):
    log = (
        f"03-20 10:11:12.345 D PhoneInfo: IMEI: {IMEI}\n"
        f"03-20 10:11:12.346 D Sub: imsi={IMSI_NO}\n"
        f"03-20 10:11:12.348 I WifiService: wlan0 HWaddr {MAC}\n"
        "03-20 10:11:13.000 I Choreographer: Skipped 42 frames! order 490154203237518\n"
    )
    hits = det.detect([Field("body", ("multipart:logcat",), log, None)])
    assert {(h.type, h.value) for h in hits} == {("imei", IMEI), ("imsi", IMSI_NO), ("mac", MAC)}


def test_dedup_same_type_value_location(det):
    hits = det.detect([F(IMEI, "imei"), F(IMEI, "imei")])
    assert len(hits) == 1


# ------------------------------------------------------------------------------------------ hostile


def test_huge_digit_run_is_fast_and_not_an_identifier(det):
    t = time.perf_counter()
    assert det.detect([F("1" * 1_000_000, "imei"), F("3" * 1_000_000, None)]) == []
    assert time.perf_counter() - t < 2.0


def test_megabyte_of_hex_is_linear(det):
    blob = hashlib.sha256(b"x").hexdigest() * (1_000_000 // 64)
    t = time.perf_counter()
    det.detect([Field("body", ("hex",), blob, None)])
    assert time.perf_counter() - t < 2.0


def test_unicode_digits_are_not_identifiers(det):
    arabic = "".join(chr(0x0660 + int(c)) for c in IMEI)
    fullwidth = "".join(chr(0xFF10 + int(c)) for c in IMEI)
    assert det.detect([F(arabic, "imei"), F(fullwidth, "imei"), F(arabic + ":" + fullwidth, "mac")]) == []


def test_pathological_separators_and_at_signs(det):
    t = time.perf_counter()
    det.detect(
        [F("a" * 200_000 + "@", None), F("-1" * 200_000, None), F("1:" * 200_000, None), F("+1 " * 100_000, None)]
    )
    assert time.perf_counter() - t < 3.0


def test_hashes_without_profile_are_not_identifiers(det):
    fields = [F(hashlib.md5(IMEI.encode()).hexdigest(), "imei_md5"), F(hashlib.sha256(b"x").hexdigest(), "sha256")]
    assert det.detect(fields) == []


def test_min_confidence_threshold():
    strict = Detector(min_confidence=0.9)
    assert strict.detect([Field("path[2]", (), IMEI)]) == []
    assert types(strict.detect([F(IMEI, "imei")])) == {"imei"}


# ------------------------------------------------------------------------------------------ zzhc


def zzhc_fields() -> list[Field]:
    obj = {
        "REGVER": "8.0",
        "MEID": "A0000049990001",
        "MODEL": "TA-1062",
        "SWVER": "00CN_1_34E",
        "SIM1CDMAIMSI": "111111111111111",
        "SIM1ICCID": ICCID,
        "SIM1LTEIMSI": "460110123456789",
        "SIM2ICCID": "0" * 20,
        "MACID": MAC,
        "IMEI1": IMEI,
        "IMEI2": "352099001761499",
        "SIM1CELLID": "26443522",
        "REGDATE": "2019-03-20 10:11:12",
    }
    return [Field("body", ("base64", f"json:$.{k}"), v, k) for k, v in obj.items()]


def test_zzhc_without_profile(det):
    hits = det.detect(zzhc_fields())
    assert types(hits) == {"imei", "meid", "imsi", "iccid", "mac", "cell_id"}
    assert {h.value for h in hits if h.type == "imei"} == {IMEI, "352099001761499"}
    assert all(h.device is None for h in hits)


def test_zzhc_through_extract_if_available():
    extract = pytest.importorskip("residency_guard.extract")
    from residency_guard.model import RequestView

    obj = {f.key: f.value for f in zzhc_fields()}
    b64 = base64.b64encode(json.dumps(obj).encode()).decode()
    body = "\n".join(b64[i : i + 76] for i in range(0, len(b64), 76)).encode()
    view = RequestView("POST", "http://zzhc.vnet.cn/", (("Content-Type", "application/encrypted-json"),), body)
    hits = Detector().detect(extract.extract_request(view).fields)
    assert types(hits) == {"imei", "meid", "imsi", "iccid", "mac", "cell_id"}


# --------------------------------------------------------------------- formats named by their protocol


def test_permanent_nai_is_the_imsi_not_an_email(det):
    for prefix, realm in (("0", "nai.epc"), ("6", "nai.epc"), ("1", "wlan")):
        hits = det.detect([F(f"{prefix}{IMSI_NO}@{realm}.mnc001.mcc242.3gppnetwork.org", "EAP_ID")])
        assert {(h.type, h.value) for h in hits} == {("imsi", IMSI_NO)}
    # a pseudonym, and an IMSI whose realm names another network: neither an IMSI nor an e-mail
    assert det.detect([F("2b3c4d5e6f70819202@nai.epc.mnc001.mcc242.3gppnetwork.org", "EAP_ID")]) == []
    assert det.detect([F(f"0{IMSI_NO}@nai.epc.mnc011.mcc460.3gppnetwork.org", "EAP_ID")]) == []


def test_machine_made_user_at_host_is_not_an_email(det):
    for value in (
        "https://d99bd58d86f5f2b54d511de518c7b156@o0.ingest.sentry.example/42",
        "1198793e-2629-4b71-9405-4414aeb22dd2@cal.example",
        "/tiles/14/8802/5373@2x.pbf",
        "icon@1.5x.webp",
        "ftp://user@files.example/a",
    ):
        assert det.detect([F(value, "v")]) == [], value
    assert one(det.detect([F("kari.nordmann@example.com", "v")]), "email")


def test_two_word_labels_in_dumpsys_text(det):
    text = f"Phone Subscriber Info:\n  Phone Type = GSM\n  Device ID = {IMEI}\n  Subscriber ID = {IMSI_NO}\n  Order ID = 490154203237518\n"
    hits = det.detect([Field("body", ("text",), text, None)])
    assert {(h.type, h.value) for h in hits} == {("imei", IMEI), ("imsi", IMSI_NO)}


def test_logcat_cell_identity_field_names(det):
    text = "D RILJ: CellIdentityLte:{ mCi=123456789 mPci=12 mTac=4321 mEarfcn=6300 mMcc=242 mMnc=01 }"
    assert {(h.type, h.value) for h in det.detect([Field("body", ("text",), text, None)])} == {("cell_id", "123456789")}


@pytest.mark.parametrize(
    "sentence",
    [
        "$GPGGA,123519,5954.7980,N,01044.3364,E,1,08,0.9,545.4,M,46.9,M,,*47",
        "$GNRMC,101200.00,A,5954.7980,N,01044.3364,E,0.02,,200319,,,A*5C",
        "$GLGLL,5954.7980,N,01044.3364,E,101200.00,A,A*5C",
    ],
)
def test_nmea_position_sentences(det, sentence):
    h = one(det.detect([Field("body", ("text",), f"$GPGSV,3,1,11,10,63,137,17*70\n{sentence}\n", None)]), "location")
    assert h.value == "59.913300,10.738940"


def test_nmea_southern_western_and_position_free_sentences(det):
    h = one(det.detect([F("$GPGLL,3351.4800,S,15112.5600,W,101200.00,A*5C", "nmea")]), "location")
    assert h.value == "-33.858000,-151.209333"
    assert det.detect([F("$GPGSA,A,3,10,07,05,02,29,04,08,13,,,,,1.72,1.03,1.38*0A", "nmea")]) == []


def geojson(obj: dict) -> list[Field]:
    from residency_guard.extract import extract_request
    from residency_guard.model import RequestView

    view = RequestView("POST", "http://h.test/", (("Content-Type", "application/geo+json"),), json.dumps(obj).encode())
    return extract_request(view).fields


def test_geojson_point_is_longitude_first(det):
    hits = det.detect(geojson({"geometry": {"type": "Point", "coordinates": [10.738941, 59.913312, 20.5]}}))
    h = one(hits, "location")
    assert (h.value, h.confidence) == ("59.913312,10.738941", 0.85)


def test_geojson_track_reported_area_not(det):
    track = [[round(10.70012 + i / 1000, 5), round(59.90034 + i / 1000, 5)] for i in range(40)]
    hits = det.detect(geojson({"type": "LineString", "coordinates": track}))
    assert len(hits) == 16 and all(h.type == "location" and h.confidence == 0.6 for h in hits)
    ring = [[10.7, 59.9], [10.8, 59.9], [10.8, 60.0], [10.7, 59.9]]
    assert det.detect(geojson({"type": "Polygon", "coordinates": [ring]})) == []


def test_nibble_swapped_iccid_is_reported_as_the_iccid(det):
    iccid = "89470201234567890125"
    swapped = "".join(iccid[i + 1] + iccid[i] for i in range(0, 20, 2))
    assert one(det.detect([F(swapped, "ef_iccid")]), "iccid").value == iccid
    assert (
        one(det.detect([Field("body", ("text",), f"D SIMRecords: EF_ICCID: {swapped}", None)]), "iccid").value == iccid
    )
    assert det.detect([F("98123456789012345678", "order_id")]) == []
    # a 19-digit ICCID (the usual length) is padded with F, which lands second to last once swapped
    padded = ICCID + "F"
    swapped = "".join(padded[i + 1] + padded[i] for i in range(0, 20, 2))
    assert swapped.endswith("F4")
    assert one(det.detect([Field("body", ("text",), f"EF_ICCID raw={swapped}", None)]), "iccid").value == ICCID
    assert det.detect([Field("body", ("text",), "EF_ICCID raw=987410999900000010F5", None)]) == []  # bad check digit


def test_decimal_android_id_under_its_key(det):
    assert one(det.detect([F("3920182739182736455", "android_id")]), "android_id").value == "3920182739182736455"
    assert det.detect([F("3920182739182736455", "batch_id")]) == []
    assert det.detect([F("99999999999999999999", "android_id")]) == []  # beyond 64 bits


def test_access_point_keys_and_bare_hex_in_scan_lists(det):
    hits = det.detect(
        [Field("query.ap_mac", (), "A4-50-46-1E-2B-3C", "ap_mac"), Field("query.client_mac", (), MAC, "client_mac")]
    )
    assert {(h.type, h.value) for h in hits} == {("wifi_bssid", "a4:50:46:1e:2b:3c"), ("mac", MAC)}
    scan = [Field("body", ("json:$.wifiAccessPoints[0].macAddress",), "a45046112233", "macAddress")]
    assert {(h.type, h.value) for h in det.detect(scan)} == {("wifi_bssid", "a4:50:46:11:22:33")}


def test_attribution_short_keys(det):
    hits = det.detect([F("38400000-8cf0-11bd-b23e-10b96e40000d", "aifa"), F("9f3c2b1a7e6d5c40", "andi")])
    assert types(hits) == {"ad_id", "android_id"}


def test_packed_bcd_imei_in_a_tracker_login_packet(det):
    from residency_guard.extract import extract_request
    from residency_guard.model import RequestView

    # GT06 login: start 7878, length, protocol 01, IMEI as 8 BCD bytes with a zero pad nibble, serial, CRC, end
    login = bytes.fromhex("787811010" + IMEI + "000132a90d0a")
    fields = extract_request(RequestView("TCP", "tcp://192.0.2.1:5023/", (), login)).fields
    hits = det.detect(fields)
    assert [(h.type, h.value, h.chain) for h in hits] == [("imei", IMEI, ("bcd",))]
    wrong_check = bytes.fromhex("787811010" + IMEI[:-1] + "0000132a90d0a")
    assert det.detect(extract_request(RequestView("TCP", "tcp://192.0.2.1:5023/", (), wrong_check)).fields) == []
    too_long = login + bytes(300)  # beyond the size read as BCD
    assert det.detect(extract_request(RequestView("TCP", "tcp://192.0.2.1:5023/", (), too_long)).fields) == []


def test_short_cell_ids_of_android_cell_identity_text(det):
    text = (
        "D RILJ: CellIdentityWcdma:{ mLac=7011 mCid=24013 mPsc=311 mUarfcn=10700 mMcc=242 mMnc=01 }\n"
        "D RILJ: CellIdentityNr:{ mPci=12 mTac=4321 mNrArfcn=632628 mNci=2147483647 }\n"
        "D Foo: mCidr=10 timCid=5"
    )
    assert {(h.type, h.value) for h in det.detect([Field("body", ("text",), text, None)])} == {("cell_id", "24013")}


def test_device_identifier_urns(det):
    sip = (
        f'Contact: <sip:{IMSI_NO}@[2001:db8::1]>;+sip.instance="<urn:gsma:imei:35209900-176148-0>"\n'
        f"ep=urn:imei-imsi:{IMEI}-{IMSI_NO}&lt=86400 urn:imei:352099001761482 urn:imsi:999999999999999"
    )
    hits = {(h.type, h.value) for h in det.detect([Field("body", ("text",), sip, None)]) if h.confidence >= 0.9}
    # the RFC 7254 form drops the check digit; a URN IMEI failing Luhn and an unknown MCC are no one's
    assert hits == {("imei", IMEI), ("imsi", IMSI_NO)}


def test_ims_identities_and_access_network_info(det):
    text = (
        f"From: <sip:{IMSI_NO}@ims.mnc001.mcc242.3gppnetwork.org>;tag=1\n"
        "P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=24201419B5BC9803\n"
    )
    hits = {(h.type, h.value) for h in det.detect([Field("body", ("text",), text, None)])}
    assert hits == {("imsi", IMSI_NO), ("cell_id", "24201419B5BC9803")}  # no e-mail
    assert det.detect([F("sip:alice@example.com", "contact")]) == []


def test_scp_remotes_are_not_addresses_but_credentials_are(det):
    assert det.detect([F("git@git.example.com:mobile/app.git", "repo")]) == []
    assert one(det.detect([F("kari.nordmann@example.org:s3cret", "basic")]), "email")


def test_access_points_beside_a_signal_strength(det):
    text = "Koti,c4:c8:b8:ef:b6:87,-81|TP-Link_1229,f8:40:f3:f5:97:59,-72 own a4:50:46:0f:1e:2d"
    hits = {(h.type, h.value) for h in det.detect([Field("body", ("text",), text, None)])}
    assert hits == {("wifi_bssid", "c4:c8:b8:ef:b6:87"), ("wifi_bssid", "f8:40:f3:f5:97:59"), ("mac", MAC)}


def test_positions_with_hemisphere_letters_and_after_a_short_number(det):
    watch = "[3G*5576094858*00BD*UD,231125,193501,A,56.163237,N,10.196305,W,0.00,0.0]"
    assert one(det.detect([Field("body", ("text",), watch, None)]), "location").value == "56.163237,-10.196305"
    report = "+RESP:GTFRI,270C03,,GV300,,10,1,1,0.0,212,31.8,-9.141563,38.726464,20251123173501"
    assert one(det.detect([Field("body", ("text",), report, None)]), "location").value == "-9.141563,38.726464"


def test_places_asked_about_are_not_the_phones_location(det):
    assert det.detect([F("60.3913,5.3221", "center")]) == []
    dest = [
        Field("body", ("json:$.destination.lat",), "61.5031", "lat"),
        Field("body", ("json:$.destination.lon",), "61.7787", "lon"),
    ]
    assert det.detect(dest) == []
    here = [
        Field("body", ("json:$.position.lat",), "61.5031", "lat"),
        Field("body", ("json:$.position.lon",), "23.7787", "lon"),
    ]
    assert one(det.detect(here), "location").value == "61.5031,23.7787"


def test_name_value_pairs_take_their_context_from_the_name(det):
    fields = [
        Field("body", ("json:$.deviceId.type",), "MEID", "type"),
        Field("body", ("json:$.deviceId.value",), "270113182010335824", "value"),
    ]
    assert one(det.detect(fields), "meid").value == "270113182010335824"
    fields = [
        Field("body", ("json:$.ref.type",), "order", "type"),
        Field("body", ("json:$.ref.value",), "270113182010335824", "value"),
    ]
    assert det.detect(fields) == []


def test_service_numbers_and_business_lines_are_not_subscribers(det):
    assert det.detect([F("+351 800 200 200", "free"), F("+351 707 200 200", "hotline")]) == []  # toll-free, shared cost
    assert det.detect([F("Taxi: +44 20 7946 0123", "text")]) == []  # a fixed line, no key naming a phone
    assert one(det.detect([F("+4741234567", "text")]), "phone").value == "+4741234567"  # a mobile
    store = [Field("body", ("json:$.store.phone",), "+351 22 332 6024", "phone")]
    assert det.detect(store) == []  # the phone of a place


def test_national_number_beside_an_iso_country(det):
    fields = [
        Field("body", ("xml:/R/PhoneNumber",), "086 071 1457", "PhoneNumber"),
        Field("body", ("xml:/R/CountryCode",), "IE", "CountryCode"),
    ]
    assert one(det.detect(fields), "phone").value == "+353860711457"


def test_message_ids_campaign_ids_and_revision_serials(det):
    assert (
        det.detect(
            [F("<3644988558.cb9a16c1e167@mx.example.net>", "messageId"), F("<CA+jz_wf@mail.example.com>", "inReplyTo")]
        )
        == []
    )
    ad_click = [Field("query.cid", (), "135286465", "cid"), Field("query.lac", (), "pt_summer", "lac")]
    assert det.detect(ad_click) == []
    assert det.detect([F("2025051903", "serial")]) == []
    assert one(det.detect([Field("body", ("text",), "[device]\nserial_number=5382246731\n", None)]), "serial")


def test_access_points_in_wifi_logs_and_ims_access_info(det):
    log = "I wpa_supplicant: wlan0: CTRL-EVENT-CONNECTED - Connection to 48:52:05:b1:3c:71 completed [id=2]"
    assert {(h.type, h.value) for h in det.detect([Field("body", ("text",), log, None)])} == {
        ("wifi_bssid", "48:52:05:b1:3c:71")
    }
    pani = "P-Access-Network-Info: IEEE-802.11;i-wlan-node-id=649102aa23b7"
    assert {(h.type, h.value) for h in det.detect([Field("body", ("text",), pani, None)])} == {
        ("wifi_bssid", "64:91:02:aa:23:b7")
    }


def test_grouped_iccid_under_its_key(det):
    assert one(det.detect([F("8935 3057 2698 7313 7657", "ICCID")]), "iccid").value == "89353057269873137657"


def test_places_behind_generic_position_segments(det):
    hotel = [
        Field("body", ("json:$.hotel.geo.lat",), "50.0617", "lat"),
        Field("body", ("json:$.hotel.geo.lon",), "19.9372", "lon"),
    ]
    assert det.detect(hotel) == []
    mine = [
        Field("body", ("json:$.device.geo.lat",), "50.0617", "lat"),
        Field("body", ("json:$.device.geo.lon",), "19.9372", "lon"),
    ]
    assert one(det.detect(mine), "location")


def test_national_numbers_in_groups_under_a_phone_key(det):
    # without a country, the first of a list of regions where the number is a valid mobile one
    # (a bare national number is ambiguous: only its being a phone number is asserted for the UK one)
    for value, expected in (
        ("070-799 61 96", "+46707996196"),
        ("07911 123456", None),
        ("098314 87404", "+919831487404"),
    ):
        hit = one(det.detect([F(value, "phoneNumber")]), "phone")
        assert hit.value == expected or (expected is None and hit.value.endswith("7911123456")), value


def test_fictional_ranges_are_not_numbers(det):
    assert det.detect([F("+1 202-555-0175", "text"), F("+44 1632 960 983", "text")]) == []


def test_coordinates_named_after_what_they_locate(det):
    ride = [
        Field("body", ("form:pickup_lat",), "19.071898", "pickup_lat"),
        Field("body", ("form:pickup_lng",), "72.873540", "pickup_lng"),
        Field("body", ("form:drop_lat",), "19.0896", "drop_lat"),
        Field("body", ("form:drop_lng",), "72.8656", "drop_lng"),
    ]
    assert [h.value for h in det.detect(ride)] == ["19.071898,72.873540"]
    poi = [Field("query.poi_lat", (), "59.32931", "poi_lat"), Field("query.poi_lng", (), "18.06858", "poi_lng")]
    assert det.detect(poi) == []
    assert det.detect([F("45.4511,9.1523", "sw"), F("45.4822,9.2201", "ne")]) == []  # a map viewport


def test_named_places_search_radii_and_coarse_positions(det):
    station = [
        Field("body", ("json:$.origin.name",), "Stockholm Central", "name"),
        Field("body", ("json:$.origin.lat",), "59.3303", "lat"),
        Field("body", ("json:$.origin.lon",), "18.0586", "lon"),
    ]
    assert det.detect(station) == []
    search = [
        Field("query.lat", (), "59.3326", "lat"),
        Field("query.lng", (), "18.0649", "lng"),
        Field("query.radius", (), "5000", "radius"),
    ]
    assert det.detect(search) == []
    city = [Field("query.latitude", (), "48.86", "latitude"), Field("query.longitude", (), "2.35", "longitude")]
    assert det.detect(city) == []  # two decimals: a town
    device = [
        Field("body", ("json:$.device.geo.lat",), "52.51", "lat"),
        Field("body", ("json:$.device.geo.lon",), "13.38", "lon"),
    ]
    assert one(det.detect(device), "location").value == "52.51,13.38"  # ... unless it is the device's geo


def test_message_id_under_mid(det):
    assert det.detect([Field("query.mid", (), "<e8b8930d5c3c0120.1737373226069@mx.mail.example.com>", "mid")]) == []


# ------------------------------------------------------------------ precision by mechanism (enhancer)


def test_fixed_line_without_its_trunk_prefix_is_no_national_number(det):
    # a 15-digit card number under "number" is a "valid" German fixed line only without the 0 Germans dial
    assert det.detect([F("374205298889000", "number")]) == []
    assert one(det.detect([F("030 12345678", "phone")]), "phone").value == "+493012345678"
    assert one(det.detect([F("13812345678", "mobile")]), "phone").value == "+8613812345678"  # CN mobiles have no 0


def test_bare_cell_ids_do_not_vouch_for_each_other(det):
    stream = [Field("query", (), "64147618", "cid"), Field("query", (), "381", "ci"), Field("query", (), "nld", "lac")]
    assert det.detect(stream) == []
    cell = [Field("query", (), "64147618", "cid"), Field("query", (), "242", "mcc")]
    assert one(det.detect(cell), "cell_id").value == "64147618"


def test_a_route_destination_is_not_the_phones_position(det):
    assert det.detect([Field("query", (), "50.84670,4.35250", "to")]) == []
    assert one(det.detect([Field("query", (), "50.84670,4.35250", "ll")]), "location")


def test_a_mac_of_decimal_digits_only_needs_its_key(det):
    assert det.detect([F("10:20:30:40:50:59", "range")]) == []
    assert one(det.detect([F("10:20:30:40:50:59", "wifi_mac")]), "mac").confidence == 0.95


def test_a_value_named_a_look_alike_is_one_everywhere_in_the_request(det):
    order = "642017312379405"  # 15 digits, MCC/MNC of an operational network: an IMSI by format alone
    assert one(det.detect([Field("path[2]", (), order, None)]), "imsi")
    assert det.detect([Field("path[2]", (), order, None), Field("query", (), order, "invoiceNumber")]) == []


@pytest.mark.parametrize(
    ("where", "key", "value"),
    [
        ("header.date", "date", f"Sun, 06 Dec 2026 10:00:00 GMT {IMEI}"),
        ("header.range", "bytes", f"0-{IMEI}"),
        ("header.accept", "id", IMEI),
    ],
)
def test_words_of_a_standard_http_field_are_its_grammar_not_a_look_alike(det, where, key, value):
    """A key naming a look-alike (date, bytes, id) lowers a format score in app data; inside a field
    the HTTP stack writes, the same word is the field's grammar, which never holds an IMEI."""
    assert one(det.detect([Field(where, (), value, key)]), "imei").value == IMEI
    assert det.detect([Field("body", ("json:$.x",), value, key)]) == []
    assert det.detect([Field("header.x-request-date", (), value, key)]) == []


def test_a_network_realm_is_never_a_mailbox(det):
    nai = "244910793379156@ims.mnc091.mcc244.3gppnetwork.example"
    hits = det.detect([Field("header", ("authorization",), f'Digest username="{nai}", realm="ims"', None)])
    assert {(h.type, h.value) for h in hits} == {("imsi", "244910793379156")}
