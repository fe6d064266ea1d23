"""Events as Elastic Common Schema documents (``residency-guard export --format ecs``): NDJSON, one per event.

Mapping choices:

- ``event.kind`` is ``alert`` for a violation, ``event`` otherwise; ``event.category`` ``network``;
  ``event.type`` ``connection`` plus ``denied`` (blocked) or ``allowed``.
- ``event.action`` is ``<event_type>-<action>`` (``transfer-logged``, ``transfer-blocked``,
  ``connection-blocked``); ``event.outcome`` is ``failure`` when the guard blocked the transfer (it did
  not happen) and ``success`` when it went through.
- ``destination.domain`` is the host asked for, ``destination.registered_domain`` its registrable domain;
  an ``unknown`` country is left out rather than sent as a fake ISO code.
- ``rule.name`` lists the rules that fired (violations and exceptions), ``rule.ruleset`` the policy.
- Everything without an ECS field (identifiers, verdict, inspection notes, legal bases) is under
  ``residency_guard``. Identifier values are masked unless the export reveals them.
"""

from __future__ import annotations

from typing import Any

from ..model import Event, SessionRecord
from .report import mask_event

ECS_VERSION = "8.11.0"


def drop_empty(obj: Any) -> Any:
    if isinstance(obj, dict):
        cleaned = {k: drop_empty(v) for k, v in obj.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, {}, [])}
    if isinstance(obj, list):
        return [drop_empty(v) for v in obj]
    return obj


def ecs_document(
    event: Event, session: SessionRecord | None = None, *, reveal_identifiers: bool = False
) -> dict[str, Any]:
    if not reveal_identifiers:
        event = mask_event(event)
    http_version = None
    if event.request and event.request.http_version:
        http_version = event.request.http_version.removeprefix("HTTP/")
    doc: dict[str, Any] = {
        "@timestamp": event.timestamp,
        "ecs": {"version": ECS_VERSION},
        "event": _event_fields(event),
        "observer": {
            "vendor": "residency-guard",
            "product": "residency-guard",
            "type": "proxy",
            "version": session.tool_version if session else None,
        },
        "source": {"ip": event.client.ip, "port": event.client.port},
        "destination": _destination_fields(event),
        "network": {"transport": "tcp", "protocol": event.request.scheme if event.request else None},
        "url": {"original": event.request.url if event.request else None},
        "http": {
            "request": {"method": event.request.method if event.request else None},
            "version": http_version,
        },
        "tls": {"established": event.tls, "client": {"server_name": event.destination.sni}},
        "rule": {"name": [r.rule for r in event.rules], "ruleset": event.policy},
        "residency_guard": _guard_fields(event, session),
    }
    doc = drop_empty(doc)
    # an empty list of inspection notes is a fact (nothing was skipped), not a missing value
    doc["residency_guard"]["inspection"] = event.inspection.model_dump(mode="json")
    return doc


def _event_fields(event: Event) -> dict[str, Any]:
    blocked = event.action == "blocked"
    reasons = [r.reason for r in event.rules]
    return {
        "kind": "alert" if event.verdict == "violation" else "event",
        "category": ["network"],
        "type": ["connection", "denied" if blocked else "allowed", *(["change"] if event.action == "redacted" else [])],
        "action": f"{event.event_type}-{event.action}",
        "outcome": "failure" if blocked else "success",
        "module": "residency_guard",
        "dataset": f"residency_guard.{event.event_type}",
        "id": event.flow_id,
        "reason": "; ".join(reasons) if reasons else None,
    }


def _destination_fields(event: Event) -> dict[str, Any]:
    dest = event.destination
    return {
        "ip": dest.ip,
        "port": dest.port,
        "domain": dest.host,
        "registered_domain": dest.domain,
        "geo": {"country_iso_code": dest.country if dest.country != "unknown" else None},
        "as": {"number": dest.asn, "organization": {"name": dest.org}},
    }


def _guard_fields(event: Event, session: SessionRecord | None) -> dict[str, Any]:
    """The guard's own record of the finding, beside the ECS fields (ECS allows custom top-level objects)."""
    return {
        "session_id": session.session_id if session else None,
        "verdict": event.verdict,
        "action": event.action,
        "device": event.device,
        "policy": session.policy.model_dump(mode="json") if session else {"name": event.policy},
        "geo_source": event.destination.geo_source,
        "country": event.destination.country,
        "identifier_types": sorted({i.type for i in event.identifiers}),
        "identifier_categories": sorted({i.category for i in event.identifiers}),
        "identifiers": [i.model_dump(mode="json") for i in event.identifiers],
        "rules": [r.model_dump(mode="json") for r in event.rules],
        "inspection": event.inspection.model_dump(mode="json"),
    }
