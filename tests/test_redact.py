"""Redaction in flight through the real proxy (issue 13): a policy whose device and subscriber rules say
``action: redact`` lets the ZZHC self-registration reach the CN origin, but with fakes in place of the
real IMEI, ICCID, IMSI and MAC; the body still decodes to the same structure and has the same length,
and the event says ``redacted`` with what was replaced. What cannot be redacted safely is blocked."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from guard_harness import LAB_OVERLAY, ZZHC_FIELDS, ZZHC_HEADERS, Guard, Origin, running_guard, zzhc_body

pytestmark = pytest.mark.e2e

REAL = {k: ZZHC_FIELDS[k] for k in ("IMEI1", "IMEI2", "SIM1ICCID", "SIM1LTEIMSI", "MACID", "MEID")}
POLICY = """\
name: redact-lab
country_groups:
  EEA: {countries: [DE, NO]}
default: {allow: [EEA], action: log}
categories:
  device: {allow: [EEA], action: redact}
  subscriber: {allow: [EEA], action: redact, fallback: block}
  location: {allow: [EEA], action: log}
cleartext: {action: log}
unknown_country: {action: log}
"""


@pytest.fixture(scope="module")
def guard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Guard]:
    tmp = tmp_path_factory.mktemp("redact")
    policy = tmp / "redact.yaml"
    policy.write_text(POLICY)
    with running_guard(tmp, overlay=LAB_OVERLAY, policy=policy) as g:
        yield g


def _send(guard: Guard, origin: Origin, body: bytes, **headers: str) -> httpx.Response:
    with httpx.Client(proxy=guard.proxy_url, timeout=10) as client:
        return client.post(origin.url + "/", content=body, headers={**ZZHC_HEADERS, **headers})


def _event(guard: Guard, n: int) -> dict:
    events = guard.wait_for_events(n)
    assert len(events) >= n
    return events[n - 1]


def _assert_no_real_values(text: str) -> None:
    for name, value in REAL.items():
        assert value not in text and value.upper() not in text, f"{name} ({value[:6]}…) reached the origin"


def _assert_redacted(event: dict, chain_start: str) -> None:
    assert event["action"] == "redacted" and event["verdict"] == "violation"
    replaced = {r["type"] for r in event["redactions"]}
    assert {"imei", "iccid", "imsi", "mac", "meid"} <= replaced
    assert all(r["chain"].startswith(chain_start) for r in event["redactions"])
    for r in event["redactions"]:
        assert "*" in r["masked"] and "*" in r["fake_masked"]
    _assert_no_real_values(json.dumps(event))  # masked in the evidence too
    assert {r["rule"]: r["action"] for r in event["rules"]}["transfer.device"] == "redact"


def test_zzhc_body_reaches_the_origin_with_fakes(guard: Guard, origins: dict[str, Origin]) -> None:
    cn = origins["CN"]
    body = zzhc_body()
    response = _send(guard, cn, body)
    assert response.status_code == 200  # the firmware sees success
    received = cn.received[-1]["body"]
    assert len(received) == len(body)
    fields = json.loads(base64.b64decode(received))
    assert fields.keys() == ZZHC_FIELDS.keys()
    _assert_no_real_values(json.dumps(fields))
    assert fields["IMEI1"][:8] == REAL["IMEI1"][:8] and fields["MACID"][:8] == REAL["MACID"][:8]
    assert fields["MODEL"] == ZZHC_FIELDS["MODEL"] and fields["SIM1CELLID"] == ZZHC_FIELDS["SIM1CELLID"]
    _assert_redacted(_event(guard, 1), "body|base64|json:")

    # the same device gets the same fakes on its next request: the server sees one consistent phone
    _send(guard, cn, body)
    assert cn.received[-1]["body"] == received
    _event(guard, 2)


def test_gzip_encoded_zzhc_body(guard: Guard, origins: dict[str, Origin]) -> None:
    cn = origins["CN"]
    plain = zzhc_body()
    response = _send(guard, cn, gzip.compress(plain), **{"Content-Encoding": "gzip"})
    assert response.status_code == 200
    received = gzip.decompress(cn.received[-1]["body"])  # re-compressed, Content-Length right
    assert len(received) == len(plain)
    fields = json.loads(base64.b64decode(received))
    assert fields.keys() == ZZHC_FIELDS.keys()
    _assert_no_real_values(json.dumps(fields))
    _assert_redacted(_event(guard, 3), "body|gzip|base64|json:")


def test_base64_field_inside_json(guard: Guard, origins: dict[str, Origin]) -> None:
    cn = origins["CN"]
    inner = base64.b64encode(json.dumps(ZZHC_FIELDS).encode()).decode()
    body = json.dumps({"ver": 3, "data": inner}).encode()
    response = _send(guard, cn, body, **{"Content-Type": "application/json"})
    assert response.status_code == 200
    received = cn.received[-1]["body"]
    assert len(received) == len(body)
    fields = json.loads(base64.b64decode(json.loads(received)["data"]))
    assert fields.keys() == ZZHC_FIELDS.keys()
    _assert_no_real_values(json.dumps(fields))
    _assert_redacted(_event(guard, 4), "body|json:$.data|base64|json:")


def test_unsafe_redaction_falls_back_to_block(guard: Guard, origins: dict[str, Origin]) -> None:
    cn = origins["CN"]
    before = len(cn.received)
    body = json.dumps({"IMEI1": REAL["IMEI1"], "SIM1ICCID": REAL["SIM1ICCID"]}).encode()
    response = _send(guard, cn, body, **{"Content-Type": "application/json", "X-Signature": "9f86d081884c7d65"})
    assert response.status_code == 451
    assert len(cn.received) == before  # never forwarded, neither real nor half-redacted
    event = _event(guard, 5)
    assert event["action"] == "blocked" and event["redactions"] == []
    fell_back = [r for r in event["rules"] if r.get("fallback_reason")]
    assert {r["rule"] for r in fell_back} == {"transfer.device", "transfer.subscriber"}
    assert all(r["action"] == "block" and "x-signature" in r["fallback_reason"] for r in fell_back)


def test_allowed_destination_is_not_rewritten(guard: Guard, origins: dict[str, Origin]) -> None:
    de = origins["DE"]
    body = zzhc_body()
    assert _send(guard, de, body).status_code == 200
    assert de.received[-1]["body"] == body
    assert _event(guard, 6)["action"] == "logged"


def test_policy_file_offers_redact(tmp_path: Path) -> None:
    from residency_guard.policy import load_policy

    path = tmp_path / "p.yaml"
    path.write_text(POLICY)
    loaded = load_policy(path)
    assert loaded.policy.categories["device"].action == "redact"
    assert loaded.policy.categories["device"].fallback == "block"  # the default
