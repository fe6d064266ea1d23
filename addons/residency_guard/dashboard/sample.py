"""Records shaped like the guard's, for the dashboard's tests, its screenshot and demos.

The events are ``model.Event`` / ``SessionRecord`` / ``StatsRecord`` instances built the way the guard
builds them (identifiers masked and fingerprinted, rules with reasons and legal bases); written with
``eventlog.EventWriter`` they make an events file the dashboard follows like a live one. Identifier
values here are made-up test values (the IMEI is the well-known documentation example).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ..eventlog import EventWriter
from ..model import (
    CATEGORY_OF,
    DestinationInfo,
    Endpoint,
    Event,
    GeoDatabaseInfo,
    IdentifierInfo,
    InspectionInfo,
    PolicyInfo,
    RequestInfo,
    RuleInfo,
    SessionRecord,
    StatsCounts,
    StatsRecord,
)

SESSION_ID = "s-0001"
POLICY = "gdpr-eea"

SAMPLE_VALUES = {
    "imei": "490154203237518",
    "imsi": "242019876543210",
    "iccid": "8947080000123456789",
    "mac": "a4:50:46:12:34:56",
    "ad_id": "38400000-8cf0-11bd-b23e-10b96e40000d",
    "cell_id": "242-01-1234-56789",
    "location": "59.9139,10.7522",
    "email": "tester@example.org",
}


def mask(value: str) -> str:
    """Keep the first two and last two characters: enough to tell test devices apart, not to reuse."""
    if len(value) <= 4:
        return "•" * len(value)
    return value[:2] + "•" * (len(value) - 4) + value[-2:]


def fingerprint(value: str) -> str:
    return hashlib.blake2s(value.encode(), key=b"sample", digest_size=8).hexdigest()


def identifier(
    type_: str,
    *,
    where: str = "body",
    chain: str | None = None,
    method: str = "format",
    confidence: float = 1.0,
    reveal: bool = False,
    device: str | None = None,
) -> IdentifierInfo:
    value = SAMPLE_VALUES.get(type_, "0123456789")
    return IdentifierInfo(
        type=type_,
        category=CATEGORY_OF[type_],
        where=where,
        chain=chain or where,
        method=method,  # type: ignore[arg-type]
        confidence=confidence,
        masked=mask(value),
        fingerprint=fingerprint(value),
        device=device,
        value=value if reveal else None,
    )


def timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def session_record(at: datetime | None = None, *, session_id: str = SESSION_ID) -> SessionRecord:
    return SessionRecord(
        timestamp=timestamp(at or datetime.now(UTC)),
        session_id=session_id,
        tool_version="0.1.0",
        mode="regular@8080",
        policy=PolicyInfo(name=POLICY, file="policies/gdpr-eea.yaml", sha256="0" * 64),
        profiles=["nokia-7-plus-no"],
        geodb=[
            GeoDatabaseInfo(
                path="geodb/dbip-country-lite.mmdb", database_type="DBIP-Country-Lite", build_date="2026-11-01"
            ),
        ],
        geo_overlay="geodb/lab-overlay.yaml",
    )


def stats_record(at: datetime | None = None, *, session_id: str = SESSION_ID, **counters: int) -> StatsRecord:
    values = {k: 0 for k in ("flows", "inspected", "with_identifiers", "violations", "blocked", "partial", "errors")}
    values.update(counters)
    return StatsRecord.model_validate(
        {"timestamp": timestamp(at or datetime.now(UTC)), "session_id": session_id, **values}
    )


def _sample_rules(types: tuple[str, ...], country: str, violation: bool, blocked: bool) -> list[RuleInfo]:
    rules: list[RuleInfo] = []
    if violation:
        rules.append(
            RuleInfo(
                rule="eea-device-ids-stay-in-adequate-countries",
                outcome="violation",
                action="block" if blocked else "log",
                reason=f"{', '.join(types)} sent to {country}, which has no adequacy decision",
                types=list(types),
                legal_basis="GDPR Art. 44-46",
            )
        )
    elif country == "SG":
        rules.append(
            RuleInfo(
                rule="hmd-activation-sg",
                outcome="exception",
                action="log",
                reason="activation data to Singapore under standard contractual clauses",
                types=list(types),
                legal_basis="GDPR Art. 46(2)(c) SCC",
            )
        )
    return rules


def event(
    *,
    n: int = 1,
    at: datetime | None = None,
    types: tuple[str, ...] = ("imei",),
    host: str = "zzhc.vnet.cn",
    ip: str = "203.0.113.10",
    country: str = "CN",
    violation: bool = True,
    blocked: bool = False,
    client_ip: str = "192.0.2.20",
    device: str | None = "nokia-7-plus-no",
    reveal: bool = False,
    complete: bool = True,
    event_type: str = "transfer",
) -> Event:
    """One judged event; ``n`` makes the flow id unique."""
    chain_of = {"imei": "body|base64|json:$.IMEI1", "imsi": "body|base64|json:$.SIM1LTEIMSI"}
    idents = [
        identifier(t, where="body", chain=chain_of.get(t, f"body|json:$.{t}"), reveal=reveal, device=device)
        for t in types
    ]
    rules = _sample_rules(types, country, violation, blocked)
    url_host = host if event_type == "transfer" else None
    return Event(
        timestamp=timestamp(at or datetime.now(UTC)),
        event_type=event_type,  # type: ignore[arg-type]
        flow_id=f"flow-{n:06d}",
        client=Endpoint(ip=client_ip, port=40000 + n % 20000),
        device=device,
        request=RequestInfo(method="POST", url=f"http://{url_host}/", scheme="http", http_version="HTTP/1.1")
        if url_host
        else None,
        destination=DestinationInfo(
            host=host,
            ip=ip,
            port=80,
            country=country,
            asn=4134,
            org="Example Telecom",
            domain=host,
            geo_source="overlay",
        ),
        tls=False,
        identifiers=idents,
        inspection=InspectionInfo(
            complete=complete, notes=[] if complete else ["body over 1 MiB: first 1 MiB inspected"]
        ),
        policy=POLICY,
        rules=rules,
        verdict="violation" if violation else "allowed",
        action="blocked" if blocked else "logged",
    )


DEMO_TRAFFIC = (
    # host, ip, country, types, violation, blocked
    ("zzhc.vnet.cn", "203.0.113.10", "CN", ("imei", "imsi", "iccid", "mac", "cell_id"), True, True),
    ("activation.hmdglobal.example", "198.51.100.7", "SG", ("imei", "iccid"), False, False),
    ("ads.tracker.example", "198.51.100.40", "US", ("ad_id",), True, False),
    ("telemetry.oem.example", "192.0.2.80", "NO", ("imei", "mac"), False, False),
    ("push.vendor.example", "203.0.113.99", "RU", ("imsi", "location"), True, True),
    ("crash.reports.example", "198.51.100.12", "DE", ("android_id", "email"), False, False),
)


DEMO_PATTERN = (0, 3, 1, 0, 2, 3, 0, 4, 1, 0, 5, 2)
"""Which DEMO_TRAFFIC entry each event is: the activation client to CN dominates, as in the Nokia case."""


def demo_traffic(n: int) -> tuple[str, str, str, tuple[str, ...], bool, bool]:
    return DEMO_TRAFFIC[DEMO_PATTERN[n % len(DEMO_PATTERN)]]


def write_demo_session(path: Path, *, events: int = 60, start: datetime | None = None, interval: float = 1.0) -> Path:
    """A session like a lab phone would make: a session record, judged events ``interval`` s apart, stats."""
    start = start or datetime.now(UTC) - timedelta(seconds=events * interval)
    writer = EventWriter(path)
    try:
        writer.append(session_record(start).model_dump(mode="json"))
        counts = StatsCounts(
            flows=0, inspected=0, with_identifiers=0, violations=0, blocked=0, redacted=0, partial=0, errors=0
        )
        for n in range(1, events + 1):
            host, ip, country, types, violation, blocked = demo_traffic(n)
            at = start + timedelta(seconds=n * interval)
            writer.append(
                event(n=n, at=at, types=types, host=host, ip=ip, country=country, violation=violation, blocked=blocked)
            )
            counts["flows"] += 4  # requests without identifiers make no event
            counts["inspected"] += 4
            counts["with_identifiers"] += 1
            counts["violations"] += violation
            counts["blocked"] += blocked
            if n % 10 == 0:
                writer.append(stats_record(at, **counts).model_dump(mode="json"))
    finally:
        writer.close()
    return path
