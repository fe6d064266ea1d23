"""The whole judgement of one request, free of mitmproxy: extract → detect → locate → judge → event.

The live addon, ``replay`` over saved captures and the benchmarks all call ``Inspector`` so that a
request gives the same event whichever way it arrives. Acting on the verdict (answering 451) and
writing the event are left to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import urlsplit

from .detect import Detector
from .extract import extract_request
from .limits import DEFAULT_LIMITS, Limits
from .locate import Locator
from .masking import Fingerprinter, mask, mask_text
from .model import (
    Destination,
    DestinationInfo,
    Endpoint,
    Event,
    Extraction,
    Hit,
    IdentifierInfo,
    InspectionInfo,
    Judgement,
    RequestInfo,
    RequestView,
    RuleHit,
    RuleInfo,
    new_event_id,
)
from .policy import LoadedPolicy, judge, judge_connection, may_block
from .volume import VolumeJudge


@dataclass(frozen=True, slots=True)
class ConnectionFacts:
    """What the proxy knows about the connection a request travels on."""

    flow_id: str
    client_ip: str | None
    client_port: int | None
    host: str
    server_ip: str | None
    server_port: int
    tls: bool
    sni: str | None = None


@dataclass(frozen=True, slots=True)
class Inspection:
    extraction: Extraction
    hits: tuple[Hit, ...]
    destination: Destination
    judgement: Judgement
    event: Event | None
    """None when there is nothing to record: no identifiers, and the request was fully inspected."""


class EventSummary(NamedTuple):
    """The few fields of an event the proxy needs to log it and to explain a block (no identifiers)."""

    flow_id: str
    event_type: str
    policy: str
    host: str
    country: str
    types: tuple[str, ...]
    verdict: str
    action: str
    rules: tuple[tuple[str, str, str], ...]
    """(rule, action, reason) of every rule that fired."""

    @classmethod
    def of(cls, event: Event) -> EventSummary:
        return cls(
            flow_id=event.flow_id,
            event_type=event.event_type,
            policy=event.policy,
            host=event.destination.host,
            country=event.destination.country,
            types=tuple(sorted({i.type for i in event.identifiers})),
            verdict=event.verdict,
            action=event.action,
            rules=tuple((r.rule, r.action, r.reason) for r in event.rules),
        )


STREAM_BLOCKED = "residency_guard.blocked"
STREAM_PARTIAL_RECORDED = "residency_guard.partial_recorded"


def stream_payload_recorded(state: dict[str, object], has_hits: bool, complete: bool) -> bool:
    """Whether the event of one payload on a raw TCP/UDP connection is recorded; ``state`` is what the
    connection remembers between payloads (a flow's metadata live, a dict in replay: plain values, so a
    flow file can still be written).

    A binary payload without identifiers is recorded as partially inspected once per connection, not
    for every heartbeat; everything else that has an event is recorded.
    """
    if has_hits or complete:
        return True
    if state.get(STREAM_PARTIAL_RECORDED):
        return False
    state[STREAM_PARTIAL_RECORDED] = True
    return True


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class Inspector:
    def __init__(
        self,
        policy: LoadedPolicy,
        locator: Locator,
        detector: Detector,
        fingerprinter: Fingerprinter,
        limits: Limits = DEFAULT_LIMITS,
        reveal_identifiers: bool = False,
        guard_name: str | None = None,
        volume: VolumeJudge | None = None,
    ):
        self.policy = policy
        self.volume = volume
        """The policy's volume rules and their counters; None when it has none."""
        self.guard_name = guard_name
        self.locator = locator
        self.detector = detector
        self.fingerprinter = fingerprinter
        self.limits = limits
        self.reveal_identifiers = reveal_identifiers

    def locate(self, conn: ConnectionFacts) -> Destination:
        return self.locator.locate(conn.host, conn.server_ip, conn.server_port)

    def inspect(self, request: RequestView, conn: ConnectionFacts) -> Inspection:
        extraction = extract_request(request, self.limits, self.detector.triggers)
        hits = tuple(self.detector.detect(extraction.fields, client_ip=conn.client_ip))
        destination = self.locate(conn)
        judgement = judge(hits, destination, conn.tls, self.policy)
        if self.volume is not None:
            judgement = self.volume.apply(judgement, hits, destination)
        event = None
        if hits or not extraction.complete:
            event = self._event(request, conn, destination, extraction, hits, judgement)
        return Inspection(extraction, hits, destination, judgement, event)

    def may_block(self, conn: ConnectionFacts) -> bool:
        """Whether this request's judgement could block it; if not, it may be judged after forwarding."""
        destination = self.locate(conn)
        volume_may_block = self.volume is not None and self.volume.may_block(destination)
        return volume_may_block or may_block(destination, conn.tls, self.policy)

    def check_connection(self, conn: ConnectionFacts) -> tuple[Destination, RuleHit | None]:
        """Judge a connection before any payload: the refusing rule, if the policy refuses it outright."""
        destination = self.locate(conn)
        return destination, judge_connection(destination, conn.sni, self.policy)

    def connection_event(
        self, conn: ConnectionFacts, destination: Destination, rule: RuleHit | None, notes: Sequence[str]
    ) -> Event:
        """An event for a connection whose payload was never read (refused, or a TLS handshake failed)."""
        judgement = (
            Judgement("violation", "blocked", (rule,))
            if rule is not None and rule.action == "block"
            else Judgement("allowed", "logged")
        )
        return Event(
            timestamp=utc_now(),
            event_type="connection",
            flow_id=conn.flow_id,
            event_id=new_event_id(),
            guard=self.guard_name,
            client=Endpoint(ip=conn.client_ip, port=conn.client_port),
            request=None,
            destination=self._destination_info(destination, conn),
            tls=conn.tls,
            identifiers=[],
            inspection=InspectionInfo(complete=False, notes=list(notes)),
            policy=self.policy.name,
            rules=[_rule_info(r) for r in judgement.rules],
            verdict=judgement.verdict,
            action=judgement.action,
        )

    def _event(
        self,
        request: RequestView,
        conn: ConnectionFacts,
        destination: Destination,
        extraction: Extraction,
        hits: Sequence[Hit],
        judgement: Judgement,
    ) -> Event:
        devices = sorted({h.device for h in hits if h.device})
        return Event(
            timestamp=utc_now(),
            event_type="transfer",
            flow_id=conn.flow_id,
            event_id=new_event_id(),
            guard=self.guard_name,
            client=Endpoint(ip=conn.client_ip, port=conn.client_port),
            device=", ".join(devices) or None,
            request=RequestInfo(
                method=request.method,
                url=mask_text(request.url, hits),
                scheme=urlsplit(request.url).scheme or ("https" if conn.tls else "http"),
                http_version=request.http_version,
            ),
            destination=self._destination_info(destination, conn),
            tls=conn.tls,
            identifiers=[self._identifier_info(h) for h in hits],
            inspection=InspectionInfo(complete=extraction.complete, notes=list(extraction.notes)),
            policy=self.policy.name,
            rules=[_rule_info(r) for r in judgement.rules],
            verdict=judgement.verdict,
            action=judgement.action,
        )

    def _identifier_info(self, hit: Hit) -> IdentifierInfo:
        return IdentifierInfo(
            type=hit.type,
            category=hit.category,
            where=hit.where,
            chain=hit.location,
            method=hit.method,
            confidence=round(hit.confidence, 3),
            masked=mask(hit.type, hit.value),
            fingerprint=self.fingerprinter.fingerprint(hit.type, hit.value),
            device=hit.device,
            value=hit.value if self.reveal_identifiers else None,
        )

    @staticmethod
    def _destination_info(d: Destination, conn: ConnectionFacts) -> DestinationInfo:
        return DestinationInfo(
            host=d.host,
            ip=d.ip,
            port=d.port,
            country=d.country,
            asn=d.asn,
            org=d.org,
            domain=d.domain,
            geo_source=d.geo_source,
            sni=conn.sni,
        )


def _rule_info(r: RuleHit) -> RuleInfo:
    return RuleInfo(
        rule=r.rule,
        outcome=r.outcome,
        action=r.action,
        reason=r.reason,
        types=list(r.types),
        legal_basis=r.legal_basis,
    )
