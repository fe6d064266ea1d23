"""The trigger set's promise (detect.triggers): the fast path reports exactly the hits of the full path.

Fast path: the extractor skips what no trigger touches (``extract_request(…, gate=)``) and the detector
scans only the values a trigger touches, long texts only around triggers. Full path: every value
extracted, every value scanned in full (``Detector.selective = False``). Checked on generated requests
(every encoding the walker knows, keys as payloads spell them) and on every corpus, under both engines.
"""

from __future__ import annotations

import base64
import bz2
import dataclasses
import gzip
import json
import lzma
import zlib
from pathlib import Path
from urllib.parse import quote, quote_plus

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from residency_guard.detect import Detector
from residency_guard.detect.context import key_context
from residency_guard.detect.scan import scan
from residency_guard.detect.triggers import TEXT_LITERALS, HyperscanEngine, TriggerScan, engine_named
from residency_guard.extract import extract_request
from residency_guard.limits import DEFAULT_LIMITS
from residency_guard.model import RequestView
from residency_guard.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
CORPORA = sorted(ROOT.glob("tests/corpus/**/requests.jsonl"))
PROFILE = ROOT / "tests" / "corpus" / "corpus-phone.yaml"

try:
    HyperscanEngine()
    ENGINES = ["python", "native"]
except ImportError:  # no wheel for this platform: the pure-Python engine alone
    ENGINES = ["python"]


def _key(hit):
    return (hit.type, hit.value, hit.location, hit.method, hit.confidence, hit.device)


UNTIMED = dataclasses.replace(DEFAULT_LIMITS, max_seconds=600.0)
"""The limits, without the wall-clock budget: on a loaded machine (make test runs two workers beside
proxies and forks) 0.25 s can pass inside one small request, and the path that ran out of time then
reports less than the other. Soundness is about what the paths inspect, not about the clock."""


def both_paths(detector: Detector, view: RequestView, client_ip: str | None = None) -> tuple[set, set]:
    fast = detector.detect(extract_request(view, UNTIMED, detector.triggers).fields, client_ip=client_ip)
    detector.selective = False
    try:
        full = detector.detect(extract_request(view, UNTIMED).fields, client_ip=client_ip)
    finally:
        detector.selective = True
    return set(map(_key, fast)), set(map(_key, full))


# ------------------------------------------------------------------------------------ generators

# Values: identifier shapes, look-alikes and the glue between them (not tuned to one payload).
VALUE_PIECES = [
    "352099001761481",
    "35-209900-176148-1",
    "35209900176148",
    "3520990017614815",
    "460031234567890",
    "89860318640220133897",
    "8947020123456789012F",
    "986421436587193254F4",
    "a4:50:46:0f:1e:2d",
    "A4-50-46-0F-1E-2D",
    "a450.460f.1e2d",
    "a450460f1e2d",
    "02:00:00:00:00:00",
    "38400000-8cf0-11bd-b23e-10b96e40000d",
    "f375631686c667b6",
    "A10000009296F2",
    "268435463310027009",
    "+4741234567",
    "004741234567",
    "41234567",
    "kari@mail.example",
    "59.9133,10.7389",
    "59.91",
    "10.7389",
    "-33.8688",
    "24013",
    "1700000000123",
    "10499958131665514997",
    "0242019999000001@nai.epc.mnc001.mcc242.3gppnetwork.org",
    "urn:imei:352099001761481",
    "$GPGGA,101200.00,5954.7980,N,01044.3364,E",
    "mCid=24013",
    "utran-cell-id-3gpp=24201A1B2C3D4E",
    ",N,",
    "IMEI: ",
    "serial=",
    "Device ID = ",
    "order ",
    "alpha",
    "bravo charlie",
    "0",
    "1",
    "9",
    "F",
    ":",
    "-",
    ".",
    ",",
    " ",
    "+",
    "00",
    "@",
    "\n",
    "%3A",
    "\\u0033",
    "&#51;",
    "=",
    "&",
    # Unicode spellings the walker folds (extract.fold), and the invisible characters it removes
    "３５２０９９００１７６１４８１",
    "٤٦٠٠٣١٢٣٤٥٦٧٨٩٠",
    "ａ４：５０：４６：０ｆ：１ｅ：２ｄ",
    "\u200b",
    "\u2066",
    "é",
    "35.209900.176148.1",
    "49.015.420.323751.8",
    "4.90154203237518e14",
    "3.52099001761481E+14",
]
VALUES = st.lists(st.sampled_from(VALUE_PIECES), max_size=8).map("".join)
KEY_WORDS = [
    "imei",
    "IMEI1",
    "imsi",
    "SIM1LTEIMSI",
    "iccid",
    "sim_serial",
    "meid",
    "esn",
    "mac",
    "mac_address",
    "MACID",
    "bssid",
    "serial",
    "sn",
    "android_id",
    "deviceId",
    "gaid",
    "advertisingId",
    "ifa",
    "phone",
    "msisdn",
    "tel",
    "rider_phone",
    "country_code",
    "cc",
    "email",
    "lat",
    "latitude",
    "lng",
    "lon",
    "pickup_lat",
    "userLng",
    "location",
    "geo",
    "coordinates",
    "cid",
    "cellId",
    "cell_id",
    "ci",
    "lac",
    "tac",
    "mcc",
    "mnc",
    "rssi",
    "radio",
    "type",
    "value",
    "name",
    "label",
    "radius",
    "store",
    "destination",
    "wifiAccessPoints",
    "cellTowers",
    "order_id",
    "ts",
    "session",
    "data",
    "events",
    "app",
    "v",
]
KEYS = st.sampled_from(KEY_WORDS)
SCALARS = st.one_of(VALUES, st.integers(0, 10**20).map(str), st.sampled_from(["true", "null", "1.5", "59.913300"]))


def _json_tree(depth: int = 3):
    leaf = SCALARS
    if depth == 0:
        return leaf
    child = _json_tree(depth - 1)
    return st.one_of(
        leaf,
        st.lists(st.tuples(KEYS, child), max_size=5),
        st.lists(child, max_size=4).map(lambda items: ("array", items)),
    )


def _render(node) -> str:
    if isinstance(node, str):
        if node in ("true", "null") or node.replace(".", "", 1).isdigit():
            return node
        return json.dumps(node)
    if isinstance(node, tuple) and node[0] == "array":
        return "[" + ",".join(_render(n) for n in node[1]) + "]"
    return "{" + ",".join(f"{json.dumps(k)}:{_render(v)}" for k, v in node) + "}"


FILLER = [{"name": "alpha", "ts": 1700000000000 + i, "value": 12.345, "label": "bravo charlie"} for i in range(12)]
"""Benign bulk beside the generated members, so that the fast path has subtrees and pairs to skip."""


def _document(node, filler: bool) -> str:
    members = node if isinstance(node, list) else [("root", node)]
    text = _render(members)
    if filler:
        text = text[:-1] + ("," if members else "") + '"events":' + json.dumps(FILLER) + "}"
    return text


JSON_DOCS = st.builds(_document, _json_tree(), st.booleans())
FORMS = st.tuples(st.lists(st.tuples(KEYS, VALUES), min_size=1, max_size=12), st.booleans()).map(
    lambda pf: "&".join(
        [f"{quote_plus(k)}={quote_plus(v)}" for k, v in pf[0]]
        + (["w%d=alpha+bravo" % i for i in range(30)] if pf[1] else [])
    )
)
TEXTS = st.tuples(
    st.lists(st.one_of(VALUES, st.tuples(KEYS, VALUES).map(lambda kv: f"{kv[0]}: {kv[1]}")), max_size=12),
    st.sampled_from([20, 130]),  # 130: past scan.WINDOWED_FROM, where the search runs around triggers only
).map(lambda pn: "\n".join(pn[0]) + " padding" * pn[1])


def _encoded(kind: str, text: str) -> tuple[bytes, str]:
    data = text.encode()
    if kind == "base64":
        return base64.encodebytes(data), "application/encrypted-json"
    if kind == "gzip+base64":
        return base64.b64encode(gzip.compress(data, mtime=0)), "text/plain"
    if kind == "zlib":
        return zlib.compress(data), "application/octet-stream"
    if kind == "utf-16":
        return text.encode("utf-16-le"), "application/octet-stream"
    if kind == "xz+base64":
        return base64.b64encode(lzma.compress(data)), "text/plain"
    if kind == "bzip2":
        return bz2.compress(data), "application/octet-stream"
    if kind == "raw-deflate+base64":
        packer = zlib.compressobj(wbits=-15)
        return base64.b64encode(packer.compress(data) + packer.flush()), "text/plain"
    if kind == "json-in-json":
        return json.dumps({"payload": text, "v": 1}).encode(), "application/json"
    if kind == "urlencoded-in-form":
        return f"a=1&data={quote(text)}&b=2".encode(), "application/x-www-form-urlencoded"
    return data, ""


ENCODINGS = ["plain", "base64", "gzip+base64", "zlib", "json-in-json", "urlencoded-in-form", "utf-16", "xz+base64",
             "bzip2", "raw-deflate+base64"]  # fmt: skip
BODIES = st.tuples(
    st.one_of(
        JSON_DOCS.map(lambda s: (s, "application/json")),
        FORMS.map(lambda s: (s, "application/x-www-form-urlencoded")),
        TEXTS.map(lambda s: (s, "text/plain")),
    ),
    st.sampled_from(ENCODINGS),
)


def _view(body_and_kind, query_key: str, query_value: str) -> RequestView:
    (text, content_type), encoding = body_and_kind
    body, encoded_type = _encoded(encoding, text)
    headers = (
        ("Content-Type", encoded_type or content_type),
        ("User-Agent", "Dalvik/2.1.0"),
        ("X-Device", query_value),
    )
    return RequestView(
        "POST",
        f"http://api.example.com/v1/{quote(query_value)}?{quote_plus(query_key)}={quote_plus(query_value)}",
        headers,
        body,
    )


# ----------------------------------------------------------------------------------------- tests


@pytest.fixture(scope="module", params=ENGINES)
def detectors(request):
    return Detector(engine=request.param), Detector([load_profile(PROFILE)], engine=request.param)


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=300, deadline=None)
@given(key=st.one_of(st.none(), KEYS), value=VALUES)
def test_a_value_without_a_trigger_yields_no_hit(engine, key, value):
    triggers = _scan(engine)
    if not triggers.keeps(key, value):
        assert list(scan(value, key_context(key))) == [], (key, value)


_SCANS: dict[str, TriggerScan] = {}


def _scan(engine: str) -> TriggerScan:
    if engine not in _SCANS:
        _SCANS[engine] = TriggerScan(engine=engine)
    return _SCANS[engine]


@settings(
    max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(body=BODIES, query_key=KEYS, query_value=VALUES)
def test_the_fast_path_reports_exactly_the_hits_of_the_full_path(detectors, body, query_key, query_value):
    view = _view(body, query_key, query_value)
    for detector in detectors:
        fast, full = both_paths(detector, view, client_ip="10.0.0.2")
        assert fast == full


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("corpus", CORPORA, ids=lambda p: p.parent.name)
def test_every_corpus_gives_the_same_hits_on_both_paths(engine, corpus):
    profile = next(corpus.parent.glob("*.yaml"))
    records = [json.loads(line) for line in corpus.read_text().splitlines() if line.strip()]
    for detector in (Detector(engine=engine), Detector([load_profile(profile)], engine=engine)):
        for rec in records:
            body = base64.b64decode(rec["body"]) if rec["body_encoding"] == "base64" else rec["body"].encode()
            view = RequestView(rec["method"], rec["url"], tuple(map(tuple, rec["headers"])), body)
            fast, full = both_paths(detector, view, rec.get("client_ip"))
            assert fast == full, rec["id"]


@pytest.mark.parametrize("engine", ENGINES)
@settings(max_examples=200, deadline=None)
@given(text=st.lists(st.one_of(st.sampled_from(TEXT_LITERALS), st.text(max_size=8)), max_size=12).map("".join))
def test_literals_in_finds_what_in_finds(engine, text):
    assert _scan(engine).literals_in(text) == {lit for lit in TEXT_LITERALS if lit in text}


def test_engines_are_chosen_by_name():
    assert engine_named("python").name == "python"
    assert engine_named("auto").name in ("hyperscan", "python")
    with pytest.raises(ValueError, match="unknown engine"):
        engine_named("fast")


def test_both_engines_find_the_triggers_of_a_payload():
    """Spans may differ by a boundary character (Hyperscan reports a shape with the character around it);
    what each identifier and each key marker is touched by must not."""
    text = 'POST {"IMEI1":"352099001761481","cell_id":24013,"note":"1700000000123"} a4:50:46:0f:1e:2d +4741234567'
    for engine in ENGINES:
        spans = _scan(engine).spans(text)
        for piece in ("IMEI1", "352099001761481", "cell_id", "a4:50:46:0f:1e:2d", "+4741234567"):
            start = text.index(piece)
            assert spans.touch(start, start + len(piece)), (engine, piece)
        start = text.index("1700000000123")  # a 13-digit timestamp is no trigger
        assert not spans.touch(start + 1, start + 12), engine


def test_a_benign_event_batch_has_no_trigger_at_all():
    """What makes the fast path fast: analytics filler (timestamps, 64-bit ids, words, decimals) holds
    nothing a detector could report, so it is neither walked nor scanned."""
    doc = {"app": "com.example.weather", "version": "4.2.1", "session": 10499958131665514997,
           "events": [{"name": "alpha", "ts": 1700000000000 + i, "value": 12.345 + i, "label": "bravo charlie delta"}
                      for i in range(50)]}  # fmt: skip
    for engine in ENGINES:
        assert not _scan(engine).any(json.dumps(doc))
        doc_with_id = dict(doc, device={"imei": "352099001761481"})
        assert _scan(engine).any(json.dumps(doc_with_id))
