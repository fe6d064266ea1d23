"""Data that flows between the stages: extract → detect → locate → judge → act → record.

The internal records (Field, Hit, Destination, Judgement) are frozen slotted dataclasses: they are made
for every request and must stay cheap. The on-disk event is a pydantic model, because its JSON Schema is
published (``schemas/event.schema.json``) and every reader (dashboard, export, diff) validates against it.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass, field
from typing import Literal, NamedTuple, TypedDict

from pydantic import BaseModel, ConfigDict
from pydantic import Field as PydField

from . import idtypes as _idtypes
from .limits import fails_closed

IdentifierType = Literal[
    "imei",
    "meid",
    "imsi",
    "iccid",
    "mac",
    "serial",
    "android_id",
    "ad_id",
    "phone",
    "email",
    "location",
    "cell_id",
    "wifi_bssid",
]
Category = Literal["device", "subscriber", "online", "location"]

CATEGORY_OF: dict[str, Category] = dict(_idtypes.CATEGORY_OF)  # type: ignore[arg-type]
IDENTIFIER_TYPES: tuple[str, ...] = tuple(CATEGORY_OF)
CATEGORIES: tuple[Category, ...] = ("device", "subscriber", "online", "location")


# ---------------------------------------------------------------------------------------------- extract


class Field(NamedTuple):
    """One value found in a request, with where it was found and how it was decoded.

    A NamedTuple rather than a frozen dataclass: a large body yields thousands of fields, and a
    NamedTuple is built in half the time.

    ``where`` names the place in the request (``query.imei``, ``header.x-device``, ``cookie.sid``,
    ``path[2]``, ``body``); ``chain`` lists the decoding steps applied after that, in order
    (``("base64", "json:$.IMEI1")``). ``key`` is the innermost key name the value sat under (``IMEI1``),
    which detectors use as context; None when the value had no key (a path segment, a plain body).
    """

    where: str
    chain: tuple[str, ...]
    value: str
    key: str | None = None

    @property
    def location(self) -> str:
        """``where`` and ``chain`` joined the way events show them: ``body|base64|json:$.IMEI1``."""
        return "|".join((self.where, *self.chain))


@dataclass(frozen=True, slots=True)
class Extraction:
    """Everything extracted from one request, plus what could not be inspected and why.

    ``notes`` are for people (``body: truncated at 1048576 bytes of 2000000``); ``causes`` are their
    kinds, once each, for rules and readers (``limit:max_body_bytes``; vocabulary in ``limits``).
    """

    fields: tuple[Field, ...]
    notes: tuple[str, ...] = ()
    causes: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not self.notes

    @property
    def uninspected(self) -> tuple[str, ...]:
        """The causes that left part of the request unread (``limits.fails_closed``)."""
        return tuple(kind for kind in self.causes if fails_closed(kind))


# ---------------------------------------------------------------------------------------------- detect


@dataclass(frozen=True, slots=True)
class Hit:
    """An identifier found in a field.

    ``value`` is the normalised identifier (digits only for an IMEI, lower-case colon form for a MAC). It
    is sensitive: it never leaves the process except masked or fingerprinted (see ``masking``).
    ``method`` says how it was recognised: ``format`` (structure and checksum), ``context`` (a key name
    made a weak pattern credible) or ``known-value`` (matched a device profile, possibly hashed).
    """

    type: str
    value: str
    where: str
    chain: tuple[str, ...]
    method: Literal["format", "context", "known-value"] = "format"
    confidence: float = 1.0
    key: str | None = None
    device: str | None = None  # profile name when matched as a known value

    @property
    def category(self) -> Category:
        return CATEGORY_OF[self.type]

    @property
    def location(self) -> str:
        return "|".join((self.where, *self.chain))


# ---------------------------------------------------------------------------------------------- locate


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a request goes: the peer actually connected to, and what the geo data says about it.

    ``country`` is an ISO 3166-1 alpha-2 code, or ``"unknown"``. ``geo_source`` says which source
    answered: ``overlay`` (lab networks file), ``geodb`` (the .mmdb files) or ``none``.
    """

    host: str
    ip: str | None
    port: int
    country: str = "unknown"
    asn: int | None = None
    org: str | None = None
    domain: str | None = None
    geo_source: Literal["overlay", "geodb", "none"] = "none"


UNKNOWN_COUNTRY = "unknown"

NameSource = Literal["sni", "host", "dns", "address"]


# ---------------------------------------------------------------------------------------------- judge


@dataclass(frozen=True, slots=True)
class RuleHit:
    """One policy rule that fired for a request.

    ``outcome`` is ``violation`` (the rule was broken) or ``exception`` (an exception allowed a transfer
    that the destination rule alone would have refused; recorded so the legal basis is in the evidence).
    """

    rule: str
    outcome: Literal["violation", "exception"]
    action: RuleAction
    reason: str
    types: tuple[str, ...] = ()
    legal_basis: str | None = None
    fallback: Literal["log", "block"] | None = None
    """What a ``redact`` rule does when the redaction cannot be done safely."""
    fallback_reason: str | None = None
    """Why a ``redact`` rule's redaction was not safe (its ``action`` is then its fallback)."""


RuleAction = Literal["log", "block", "redact"]
JudgedAction = Literal["logged", "blocked", "redacted"]


@dataclass(frozen=True, slots=True)
class Judgement:
    verdict: Literal["allowed", "violation"]
    action: JudgedAction
    rules: tuple[RuleHit, ...] = field(default=())

    @property
    def blocked(self) -> bool:
        return self.action == "blocked"

    @property
    def redacted_types(self) -> frozenset[str]:
        """The identifier types the judgement has redacted (rules with action ``redact``)."""
        return frozenset(t for r in self.rules if r.action == "redact" for t in r.types)


# ---------------------------------------------------------------------------------------------- record


class _EventModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Endpoint(_EventModel):
    ip: str | None
    port: int | None


class RequestInfo(_EventModel):
    method: str
    url: str = PydField(description="URL with identifier values masked")
    scheme: str
    http_version: str | None = None


class DestinationInfo(_EventModel):
    host: str
    ip: str | None
    port: int
    country: str = PydField(description="ISO 3166-1 alpha-2, or 'unknown'")
    asn: int | None
    org: str | None
    domain: str | None = PydField(description="registrable domain (public suffix + 1)")
    geo_source: Literal["overlay", "geodb", "none"]
    sni: str | None = None
    name_source: NameSource | None = PydField(
        default=None,
        description="where 'host' came from: the TLS SNI, the request's host (URL, Host header, CONNECT), "
        "the phone's own DNS answer for this address ('dns'), or 'address' when no name is known",
    )
    cnames: list[str] = PydField(
        default_factory=list,
        description="CNAME chain of the DNS answer the name came from, in order: a cloaked tracker's real name",
    )


class IdentifierInfo(_EventModel):
    type: str
    category: Category
    where: str = PydField(description="place in the request, e.g. 'query.imei' or 'body'")
    chain: str = PydField(description="where plus decoding steps, e.g. 'body|base64|json:$.IMEI1'")
    method: Literal["format", "context", "known-value"]
    confidence: float
    masked: str
    fingerprint: str = PydField(description="keyed hash: equal values give equal fingerprints")
    device: str | None = None
    value: str | None = PydField(
        default=None, description="full value; only present when the guard runs with --reveal-identifiers"
    )


class InspectionInfo(_EventModel):
    complete: bool
    notes: list[str] = PydField(default_factory=list, description="what could not be inspected, and why")
    causes: list[str] = PydField(
        default_factory=list,
        description="the notes' kinds, once each: limit:<Limits field> (limit:max_body_bytes …), limit:nesting, "
        "decoder:<name>, encoding:unknown, skipped:media, error:extraction",
    )


class RuleInfo(_EventModel):
    rule: str
    outcome: Literal["violation", "exception"]
    action: RuleAction
    reason: str
    types: list[str] = PydField(default_factory=list)
    legal_basis: str | None = None
    fallback_reason: str | None = PydField(
        default=None, description="why this rule's redaction was not safe; its action is then the rule's fallback"
    )


class RedactionInfo(_EventModel):
    """One identifier replaced in flight by a same-format fake (policy action ``redact``)."""

    type: str
    chain: str = PydField(description="where it was found, e.g. 'body|base64|json:$.IMEI1'")
    masked: str = PydField(description="the real value, masked")
    fake_masked: str = PydField(description="the fake sent instead, masked the same way")


def new_event_id() -> str:
    """A UUIDv7 (RFC 9562): unique across guards without coordination, and sorting by time of creation.

    The id is what makes publishing idempotent: JetStream drops a re-sent message with the same
    ``Nats-Msg-Id`` and the fleet database keys events by it. Python 3.12 has no ``uuid.uuid7``.
    """
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10))
    rand_a, rand_b = rand >> 68, rand & ((1 << 62) - 1)
    return str(uuid.UUID(int=(millis & (1 << 48) - 1) << 80 | 0x7 << 76 | rand_a << 64 | 0b10 << 62 | rand_b))


class Event(_EventModel):
    """One judged transfer: a request that carried identifiers (or a connection that could not be read).

    One JSON object per line in the events file. Field names follow Suricata EVE where they overlap
    (``timestamp``, ``flow_id``, ``event_type``).
    """

    timestamp: str = PydField(description="RFC 3339 UTC time the request was judged")
    event_type: Literal["transfer", "connection"] = "transfer"
    flow_id: str
    event_id: str | None = PydField(
        default=None,
        description="UUIDv7 given when the request is judged: the key of the event in the fleet stream and database",
    )
    guard: str | None = PydField(default=None, description="name of the guard that judged it (--guard-name)")
    client: Endpoint
    device: str | None = PydField(default=None, description="device profile the client maps to")
    request: RequestInfo | None
    destination: DestinationInfo
    tls: bool
    identifiers: list[IdentifierInfo]
    inspection: InspectionInfo
    policy: str
    rules: list[RuleInfo]
    verdict: Literal["allowed", "violation"]
    action: JudgedAction
    redactions: list[RedactionInfo] = PydField(
        default_factory=list, description="identifiers replaced by fakes before the request was forwarded"
    )


# ---------------------------------------------------------------------------------------------- input


@dataclass(frozen=True, slots=True)
class RequestView:
    """The parts of an HTTP request the pipeline reads, free of mitmproxy types.

    Built from a live mitmproxy flow, a saved flow file or a HAR entry, so that the same pure pipeline
    judges all three. Every part of it is something the destination receives, and the extract stage
    reads them all: ``method`` is the token as sent; ``url`` names the host the request names to the
    destination (the Host header or ``:authority``) and keeps the fragment when the request target had
    one; ``body`` is the raw body as sent (still content-encoded); ``headers`` keeps duplicates and
    order; ``trailers`` are the fields sent after the body (HTTP/2 and HTTP/3 only).
    """

    method: str
    url: str
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""
    http_version: str | None = None
    trailers: tuple[tuple[str, str], ...] = ()

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for k, v in self.headers:
            if k.lower() == lname:
                return v
        return None


@dataclass(frozen=True, slots=True)
class DnsQueryView:
    """One question of a DNS query the phone sent: the name asked for and the record type (``A``,
    ``TXT``…). The name is the payload: SDK beacons put identifiers in its labels. ``domain`` is the
    name's registrable domain (None for a bare suffix): the labels under it are the ones a sender chose."""

    name: str
    qtype: str
    domain: str | None = None


# ---------------------------------------------------------------------------------------------- session


class PolicyInfo(_EventModel):
    name: str
    file: str | None = None
    sha256: str | None = PydField(default=None, description="hash of the policy file as loaded")


class GeoDatabaseInfo(_EventModel):
    path: str
    database_type: str
    build_date: str | None = PydField(default=None, description="ISO date the database was built")


class SessionRecord(_EventModel):
    """First line a guard writes to an events file: what judged the events that follow."""

    timestamp: str
    event_type: Literal["session"] = "session"
    session_id: str
    guard: str | None = PydField(default=None, description="name of the guard (--guard-name)")
    tool_version: str
    mode: str
    policy: PolicyInfo
    profiles: list[str] = PydField(default_factory=list)
    geodb: list[GeoDatabaseInfo] = PydField(default_factory=list)
    geo_overlay: str | None = None
    engine: str | None = PydField(default=None, description="trigger engine that ran: hyperscan or python")


class StatsCounts(TypedDict):
    """The counters of a ``StatsRecord``, as a replay or a demo session adds them up."""

    flows: int
    inspected: int
    with_identifiers: int
    violations: int
    blocked: int
    redacted: int
    partial: int
    errors: int


class StatsRecord(_EventModel):
    """Cumulative counters since the session started, written periodically and at shutdown.

    Flows without identifiers produce no event, so these are the only record of how much was inspected.
    """

    timestamp: str
    event_type: Literal["stats"] = "stats"
    session_id: str
    flows: int = PydField(description="requests and connections seen")
    inspected: int = PydField(description="requests whose content was inspected")
    with_identifiers: int
    violations: int
    blocked: int
    redacted: int = PydField(
        default=0, description="requests forwarded with their identifiers replaced by fakes (action redact)"
    )
    partial: int = PydField(description="requests only partially inspected (limits, decode errors)")
    errors: int = PydField(description="internal errors handled by --on-error")
