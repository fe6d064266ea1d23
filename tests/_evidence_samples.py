"""Builders of realistic events-file records for the evidence tests (export, diff, gate, eventlog)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from residency_guard.eventlog import EventWriter
from residency_guard.model import Event, SessionRecord, StatsRecord

IMEI = "490154203237518"
ICCID = "89470000000000000017"


def session(session_id: str = "s1", *, ts: str = "2025-03-01T10:00:00Z", policy: str = "gdpr-eea") -> SessionRecord:
    return SessionRecord(
        timestamp=ts,
        session_id=session_id,
        tool_version="0.1.0",
        mode="regular",
        policy={"name": policy, "file": f"policies/{policy}.yaml", "sha256": "ab" * 32},
        profiles=["nokia7plus-no"],
        geodb=[{"path": "geodb/country.mmdb", "database_type": "GeoLite2-Country", "build_date": "2025-02-25"}],
        geo_overlay="geodb/lab-overlay.yaml",
    )


def stats(session_id: str = "s1", *, flows: int = 10, violations: int = 1, blocked: int = 0) -> StatsRecord:
    return StatsRecord(
        timestamp="2025-03-01T10:30:00Z",
        session_id=session_id,
        flows=flows,
        inspected=flows,
        with_identifiers=3,
        violations=violations,
        blocked=blocked,
        partial=0,
        errors=0,
    )


def identifier(kind: str = "imei", *, value: str | None = None, category: str | None = None) -> dict[str, Any]:
    full = {
        "imei": IMEI,
        "iccid": ICCID,
        "mac": "a4:50:46:12:34:56",
        "ad_id": "38400000-8cf0-11bd-b23e-10b96e40000d",
    }.get(kind, "x" * 12)
    cat = category or {"imei": "device", "iccid": "subscriber", "mac": "device", "ad_id": "online"}.get(kind, "device")
    return {
        "type": kind,
        "category": cat,
        "where": "body",
        "chain": "body|base64|json:$.IMEI1",
        "method": "format",
        "confidence": 1.0,
        "masked": full[:2] + "…" + full[-2:],
        "fingerprint": hashlib.sha256(full.encode()).hexdigest()[:16],
        "device": "nokia7plus-no",
        "value": value,
    }


def event(
    *,
    host: str = "zzhc.vnet.cn",
    country: str = "CN",
    domain: str | None = "vnet.cn",
    ip: str = "203.0.113.7",
    types: tuple[str, ...] = ("imei",),
    verdict: str = "violation",
    action: str = "logged",
    rule: str = "eea-only",
    ts: str = "2025-03-01T10:05:00Z",
    flow_id: str = "f1",
    reveal: bool = False,
    exception: str | None = None,
) -> Event:
    ids = [identifier(t, value=(IMEI if reveal and t == "imei" else None)) for t in types]
    rules = []
    if verdict == "violation":
        rules.append(
            {
                "rule": rule,
                "outcome": "violation",
                "action": "block" if action == "blocked" else "log",
                "reason": f"{'+'.join(types)} to {country}, outside the EEA",
                "types": list(types),
            }
        )
    if exception:
        rules.append(
            {
                "rule": exception,
                "outcome": "exception",
                "action": "log",
                "reason": "named exception",
                "types": list(types),
                "legal_basis": "SCC 2021/914",
            }
        )
    return Event(
        timestamp=ts,
        flow_id=flow_id,
        client={"ip": "192.0.2.10", "port": 40000},
        device="nokia7plus-no",
        request={"method": "POST", "url": f"http://{host}/", "scheme": "http", "http_version": "HTTP/1.1"},
        destination={
            "host": host,
            "ip": ip,
            "port": 80,
            "country": country,
            "asn": 4134,
            "org": "CHINANET",
            "domain": domain,
            "geo_source": "overlay",
            "sni": None,
        },
        tls=False,
        identifiers=ids,
        inspection={"complete": True, "notes": []},
        policy="gdpr-eea",
        rules=rules,
        verdict=verdict,
        action=action,
    )


def standard_session(session_id: str = "s1") -> list[Any]:
    """A session with one violation to CN, one blocked violation, one allowed transfer inside the EEA."""
    return [
        session(session_id),
        event(flow_id="f1", ts="2025-03-01T10:05:00Z"),
        event(
            flow_id="f2",
            ts="2025-03-01T10:07:00Z",
            host="log.example.cn",
            domain="example.cn",
            types=("imei", "iccid"),
            action="blocked",
            rule="no-subscriber-ids-abroad",
        ),
        event(
            flow_id="f3",
            ts="2025-03-01T10:01:00Z",
            host="api.example.no",
            country="NO",
            domain="example.no",
            verdict="allowed",
            types=("ad_id",),
        ),
        stats(session_id, flows=25, violations=2, blocked=1),
    ]


def write_events(path: Path, records: list[Any], **writer_kwargs: Any) -> Path:
    writer = EventWriter(path, **writer_kwargs)
    try:
        for record in records:
            writer.append(record)
    finally:
        writer.close()
    return path
