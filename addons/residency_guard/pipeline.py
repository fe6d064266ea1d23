"""The whole judgement of one request, free of mitmproxy: extract → detect → locate → judge → event.

The live addon, ``replay`` over saved captures and the benchmarks all call ``Inspector`` so that a
request gives the same event whichever way it arrives. Acting on the verdict (answering 451) and
writing the event are left to the caller.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import urlsplit

from .detect import Detector
from .extract import extract_request
from .extract.dnsname import extract_dns_query, mask_query_name, without_joined_repeats
from .limits import DEFAULT_LIMITS, Limits, fails_closed
from .locate import Locator, ip_or_none, registrable_domain
from .masking import Fingerprinter, mask, mask_text
from .model import (
    Destination,
    DestinationInfo,
    DnsQueryView,
    Endpoint,
    Event,
    Extraction,
    Hit,
    IdentifierInfo,
    InspectionInfo,
    Judgement,
    NameSource,
    RedactionInfo,
    RequestInfo,
    RequestView,
    RuleHit,
    RuleInfo,
    new_event_id,
)
from .policy import LoadedPolicy, fall_back, judge, judge_connection, judge_query, may_block, refuses_name
from .redact import Redaction, redact
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
    name_source: NameSource | None = None
    cnames: tuple[str, ...] = ()
    """The CNAME chain of the DNS answer ``host`` was named by (``name_source`` ``dns``)."""


def name_source_of(host: str, sni: str | None) -> NameSource:
    """Where a connection's ``host`` came from when nothing better is known: the SNI when it is the SNI,
    an address when it is one, else the request's own host."""
    return "address" if ip_or_none(host) else "sni" if sni and host == sni else "host"


@dataclass(frozen=True, slots=True)
class Inspection:
    extraction: Extraction
    hits: tuple[Hit, ...]
    destination: Destination
    judgement: Judgement
    event: Event | None
    """None when there is nothing to record: no identifiers, and the request was fully inspected."""
    rewritten: RequestView | None = None
    """The request to forward instead of the one received, when the judgement redacted it."""


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
    uninspected: tuple[str, ...] = ()
    """Kinds of what was left unread (``limit:max_body_bytes`` …; ``limits.fails_closed``), for the 451."""

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
            uninspected=tuple(kind for kind in event.inspection.causes if fails_closed(kind)),
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
        redaction_key: bytes | None = None,
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
        # Keys the fakes of redacted identifiers: one per session (worker processes are given the
        # session's), never stored, so a fake cannot be traced back to its value afterwards.
        self.redaction_key = redaction_key or os.urandom(32)

    def locate(self, conn: ConnectionFacts) -> Destination:
        return self.locator.locate(conn.host, conn.server_ip, conn.server_port)

    def inspect(self, request: RequestView, conn: ConnectionFacts) -> Inspection:
        extraction = extract_request(request, self.limits, self.detector.triggers)
        hits = tuple(self.detector.detect(extraction.fields, client_ip=conn.client_ip))
        destination = self.locate(conn)
        judgement = judge(hits, destination, conn.tls, self.policy, extraction.uninspected)
        if self.volume is not None:
            judgement = self.volume.apply(judgement, hits, destination, extraction.uninspected)
        redaction = None
        if judgement.action == "redacted":
            redaction = self._redact(request, extraction, hits, judgement, conn)
            if redaction.request is None:
                judgement = fall_back(judgement, redaction.refused or "redaction not possible")
        event = None
        if hits or not extraction.complete:
            event = self._event(request, conn, destination, extraction, hits, judgement, redaction)
        rewritten = redaction.request if redaction is not None else None
        return Inspection(extraction, hits, destination, judgement, event, rewritten)

    def _redact(
        self, request: RequestView, extraction: Extraction, hits: Sequence[Hit], judgement: Judgement,
        conn: ConnectionFacts,
    ) -> Redaction:  # fmt: skip
        if not extraction.complete:
            # What was not inspected may hold the values too: nothing would prove them gone.
            return Redaction(None, refused="the request was not fully inspected, so a rewrite cannot be proved")
        return redact(
            request, hits, judgement.redacted_types, self.redaction_key, self.detector, self.limits, conn.client_ip
        )

    def inspect_dns(self, query: DnsQueryView, conn: ConnectionFacts) -> Inspection:
        """Judge a DNS query by what its name carries (``policy.judge_query`` says how). ``conn.host``
        is the queried name; the address the query goes to is the phone's resolver, not a destination, so the
        destination is located by name alone (country ``unknown``, the registrable domain known)."""
        extraction = extract_dns_query(query, self.limits, self.detector.triggers)
        hits = without_joined_repeats(self.detector.detect(extraction.fields, client_ip=conn.client_ip))
        destination = self.locator.locate(query.name.rstrip("."), None, conn.server_port)
        judgement = judge_query(hits, destination, self.policy, extraction.uninspected)
        event = None
        if hits or not extraction.complete:
            # The name is the payload: the event shows it with the labels that carried identifiers masked.
            shown = dataclasses.replace(destination, host=mask_query_name(query, hits))
            request = RequestView(method="QUERY", url=f"dns://{shown.host}/{query.qtype}", headers=())
            event = self._event(request, conn, shown, extraction, hits, judgement)
        return Inspection(extraction, hits, destination, judgement, event)

    def may_block(self, conn: ConnectionFacts) -> bool:
        """Whether this request's judgement could block it; if not, it may be judged after forwarding."""
        destination = self.locate(conn)
        volume_may_block = self.volume is not None and self.volume.may_block(destination)
        return volume_may_block or may_block(destination, conn.tls, self.policy)

    def check_connection(self, conn: ConnectionFacts) -> tuple[Destination, RuleHit | None]:
        """Judge a connection before any payload: the refusing rule, if the policy refuses it outright."""
        destination = self.locate(conn)
        rule = judge_connection(destination, conn.sni, self.policy)
        if rule is None and any(refuses_name(name, self.policy) for name in conn.cnames):
            # A cloaked tracker: the name the phone asked for is an alias of a refused one.
            refuse = self.policy.policy.refuse
            rule = RuleHit("refuse", "violation", "block", f"{refuse.reason} (CNAME)", ())
        return destination, rule

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
        redaction: Redaction | None = None,
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
                # the method token and the host labels are inspected, so they can carry identifiers too
                method=mask_text(request.method, hits),
                url=mask_text(request.url, hits),
                scheme=urlsplit(request.url).scheme or ("https" if conn.tls else "http"),
                http_version=request.http_version,
            ),
            destination=self._destination_info(destination, conn, hits),
            tls=conn.tls,
            identifiers=[self._identifier_info(h) for h in hits],
            inspection=InspectionInfo(
                complete=extraction.complete, notes=list(extraction.notes), causes=list(extraction.causes)
            ),
            policy=self.policy.name,
            rules=[_rule_info(r) for r in judgement.rules],
            verdict=judgement.verdict,
            action=judgement.action,
            redactions=_redaction_infos(redaction) if judgement.action == "redacted" else [],
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

    def _destination_info(self, d: Destination, conn: ConnectionFacts, hits: Sequence[Hit] = ()) -> DestinationInfo:
        host = mask_text(self._shown_name(d.host) if conn.name_source == "dns" else d.host, hits)
        return DestinationInfo(
            host=host,
            ip=d.ip,
            port=d.port,
            country=d.country,
            asn=d.asn,
            org=d.org,
            domain=mask_text(d.domain, hits) if d.domain else d.domain,
            geo_source=d.geo_source,
            sni=mask_text(conn.sni, hits) if conn.sni else conn.sni,
            name_source=conn.name_source,
            cnames=[self._shown_name(name) for name in conn.cnames],
        )

    def _shown_name(self, name: str) -> str:
        """A name from a DNS answer as events show it: labels holding identifiers masked, as a query's
        are. The phone's own query may have carried one (a policy that only logs lets it be answered),
        and a tracker's CNAME may echo one back; neither is in this request's hits."""
        query = DnsQueryView(name=name, qtype="A", domain=registrable_domain(name))
        extraction = extract_dns_query(query, self.limits, self.detector.triggers)
        hits = without_joined_repeats(self.detector.detect(extraction.fields))
        return mask_query_name(query, hits) if hits else name


def _rule_info(r: RuleHit) -> RuleInfo:
    return RuleInfo(
        rule=r.rule,
        outcome=r.outcome,
        action=r.action,
        reason=r.reason,
        types=list(r.types),
        legal_basis=r.legal_basis,
        fallback_reason=r.fallback_reason,
    )


def _redaction_infos(redaction: Redaction | None) -> list[RedactionInfo]:
    if redaction is None:
        return []
    return [
        RedactionInfo(
            type=r.hit.type,
            chain=r.hit.location,
            masked=mask(r.hit.type, r.hit.value),
            fake_masked=mask(r.hit.type, r.fake),
        )  # fmt: skip
        for r in redaction.replacements
    ]
