"""The rewriter of ``redact`` without a proxy: each place and layer an identifier can sit in is rewritten
to its fake with every length kept, and what cannot be rewritten safely (a hash, a signed token, a
signature header, a type without a fake) is refused with a reason, never forwarded half-redacted."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import urllib.parse

import pytest

from guard_harness import ZZHC_FIELDS, zzhc_body
from residency_guard import idtypes
from residency_guard.detect import Detector
from residency_guard.extract import extract_request
from residency_guard.model import RequestView
from residency_guard.profile import DeviceProfile
from residency_guard.redact import redact

KEY = b"r" * 32
IMEI, ICCID, IMSI, MAC = (ZZHC_FIELDS[k] for k in ("IMEI1", "SIM1ICCID", "SIM1LTEIMSI", "MACID"))
DEVICE_AND_SUBSCRIBER = ("imei", "meid", "mac", "serial", "android_id", "imsi", "iccid", "phone")
DETECTOR = Detector(())


def _redact(view: RequestView, detector: Detector = DETECTOR, types=DEVICE_AND_SUBSCRIBER):
    hits = detector.detect(extract_request(view, gate=detector.triggers).fields)
    assert hits, "the case must carry identifiers the guard finds"
    return redact(view, hits, types, KEY, detector)


def _post(body: bytes, *headers: tuple[str, str], url: str = "http://cn.example/reg") -> RequestView:
    return RequestView("POST", url, (*headers, ("Content-Length", str(len(body)))), body)


def _no_real_values(data: bytes | str) -> None:
    text = data.decode("latin-1") if isinstance(data, bytes) else data
    for real in (IMEI, ICCID, IMSI, MAC, MAC.replace(":", "")):
        assert real not in text and urllib.parse.quote(real, safe="") not in text, real[:6]


def test_plain_json_is_rewritten_with_its_structure_and_length() -> None:
    body = json.dumps({"imei": IMEI, "iccid": ICCID, "imsi": IMSI, "mac": MAC.upper()}).encode()
    result = _redact(_post(body, ("Content-Type", "application/json")))
    assert result.refused is None and result.request is not None
    _no_real_values(result.request.body)
    _no_real_values(result.request.body.lower())  # the upper-case MAC too
    assert len(result.request.body) == len(body)
    sent = json.loads(result.request.body)
    assert sent["imei"] == idtypes.fake("imei", IMEI, KEY)
    assert sent["mac"] == idtypes.fake("mac", MAC, KEY).upper()  # spelt as the real one was
    assert {r.hit.type for r in result.replacements} == {"imei", "iccid", "imsi", "mac"}


def test_form_and_url_query_and_header() -> None:
    body = urllib.parse.urlencode({"imei": IMEI, "mac": MAC}).encode()  # the MAC's colons %-escaped
    view = _post(
        body,
        ("Content-Type", "application/x-www-form-urlencoded"),
        ("X-Device-Imsi", IMSI),
        url=f"http://cn.example/reg?iccid={ICCID}&v=1",
    )
    result = _redact(view)
    assert result.request is not None, result.refused
    _no_real_values(result.request.body)
    _no_real_values(result.request.url)
    _no_real_values(repr(result.request.headers))
    assert result.request.url.startswith("http://cn.example/reg?iccid=") and result.request.url.endswith("&v=1")
    assert dict(urllib.parse.parse_qsl(result.request.body.decode()))["mac"] == idtypes.fake("mac", MAC, KEY)
    assert len(result.request.url) == len(view.url)


def test_base64_inside_json_keeps_its_length() -> None:
    inner = json.dumps({"IMEI1": IMEI, "MACID": MAC}).encode()
    body = json.dumps({"v": 2, "payload": base64.b64encode(inner).decode()}).encode()
    result = _redact(_post(body, ("Content-Type", "application/json")))
    assert result.request is not None, result.refused
    payload = base64.b64decode(json.loads(result.request.body)["payload"])
    assert json.loads(payload)["IMEI1"] == idtypes.fake("imei", IMEI, KEY)
    assert len(result.request.body) == len(body)


def test_zzhc_body_wrapped_base64_stays_wrapped() -> None:
    body = zzhc_body()
    result = _redact(_post(body, ("Content-Type", "application/encrypted-json")))
    assert result.request is not None, result.refused
    sent = result.request.body
    assert len(sent) == len(body)
    assert [len(line) for line in sent.splitlines()] == [len(line) for line in body.splitlines()]
    fields = json.loads(base64.b64decode(sent))
    assert fields.keys() == ZZHC_FIELDS.keys()
    _no_real_values(json.dumps(fields))
    assert fields["SIM1CDMAIMSI"] == ZZHC_FIELDS["SIM1CDMAIMSI"]  # a placeholder, not an identifier: kept


def test_gzip_body_is_recompressed_and_content_length_fixed() -> None:
    plain = json.dumps({"imei": IMEI, "iccid": ICCID, "pad": "x" * 300}).encode()
    body = gzip.compress(plain)
    result = _redact(_post(body, ("Content-Type", "application/json"), ("Content-Encoding", "gzip")))
    assert result.request is not None, result.refused
    sent = gzip.decompress(result.request.body)
    assert len(sent) == len(plain)
    _no_real_values(sent)
    assert dict(result.request.headers)["Content-Length"] == str(len(result.request.body))


def test_a_value_seen_only_hashed_falls_back() -> None:
    profile = DeviceProfile(name="lab-phone", imei=[IMEI])
    detector = Detector((profile,))
    body = json.dumps({"device_hash": hashlib.sha256(IMEI.encode()).hexdigest()}).encode()
    result = _redact(_post(body, ("Content-Type", "application/json")), detector)
    assert result.request is None
    assert result.refused is not None and "hash" in result.refused
    assert IMEI not in result.refused


def test_a_value_inside_a_jwt_falls_back() -> None:
    def seg(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()

    token = f"{seg({'alg': 'HS256', 'typ': 'JWT'})}.{seg({'imei': IMEI})}.c2lnbmF0dXJlc2lnbmF0dXJl"
    result = _redact(RequestView("GET", "http://cn.example/", (("Authorization", f"Bearer {token}"),)))
    assert result.request is None and result.refused is not None and "signed token" in result.refused


def test_a_signature_header_falls_back() -> None:
    body = json.dumps({"imei": IMEI}).encode()
    result = _redact(_post(body, ("Content-Type", "application/json"), ("X-Signature", "ab12cd34")))
    assert result.request is None and result.refused is not None and "x-signature" in result.refused


@pytest.mark.parametrize("body", [{"email": "anna.berg@example.no"}])
def test_a_type_without_a_fake_falls_back(body: dict) -> None:
    result = _redact(_post(json.dumps(body).encode(), ("Content-Type", "application/json")), types=("email",))
    assert result.request is None and result.refused is not None and "no safe fake" in result.refused


def test_the_same_value_gets_the_same_fake_everywhere() -> None:
    body = json.dumps({"imei": IMEI, "again": {"deviceImei": IMEI}}).encode()
    result = _redact(_post(body, ("Content-Type", "application/json"), url=f"http://cn.example/?imei={IMEI}"))
    assert result.request is not None
    fake = idtypes.fake("imei", IMEI, KEY)
    assert result.request.body.count(fake.encode()) == 2 and fake in result.request.url


# ------------------------------------------------------------------------------- redacted in the evidence


def test_evidence_formats_and_the_gate_know_redacted_events() -> None:
    from _evidence_samples import event
    from residency_guard.evidence.ecs import ecs_document
    from residency_guard.evidence.gate import evaluate_gate, parse_fail_on
    from residency_guard.evidence.ocsf import ocsf_finding
    from residency_guard.evidence.report import summarize

    redacted = event(action="redacted", flow_id="r1")
    logged = event(action="logged", flow_id="l1")
    finding = ocsf_finding(redacted)
    assert (finding["disposition_id"], finding["disposition"], finding["action"]) == (99, "Redacted", "Redacted")
    assert finding["severity_id"] == ocsf_finding(event(action="blocked"))["severity_id"]  # nothing real left
    assert "change" in ecs_document(redacted)["event"]["type"]
    assert summarize([redacted, logged]).redacted == 1
    assert evaluate_gate([redacted], parse_fail_on("redact")).tripped
    assert not evaluate_gate([logged], parse_fail_on("redact")).tripped
    assert evaluate_gate([redacted], parse_fail_on("violation")).tripped  # the firmware still tried
