"""Violations as OCSF Data Security Findings (``residency-guard export --format ocsf``): JSONL, one per line.

Like the ECS export, one JSON document per line (what log shippers and Amazon Security Lake's custom
sources ingest), all selected sessions in one stream. Only events judged a violation become findings:
an allowed transfer is not a finding (``--all`` has no effect on this format).

Mapping (OCSF 1.3.0, class ``data_security_finding``, ``class_uid`` 2006, category Findings 2):

- ``activity_id`` 1 (Create): the guard creates each finding once; ``type_uid`` = 2006 × 100 + 1.
- ``time`` (ms since the epoch) is when the request was judged; ``finding_info.uid`` is
  ``<session_id>:<flow_id>`` (the flow id alone without a session record), ``finding_info.title``
  names the identifier types, country and destination, ``finding_info.types`` the rules that fired.
- ``severity_id`` 4 (High) when the identifiers left (the guard logged the violation), 3 (Medium) when
  the guard blocked the request or redacted it (fakes sent in place of the identifiers);
  ``disposition_id`` / ``action_id`` say Blocked/Denied, Allowed, or 99 (Other) named Redacted.
- ``data_security``: ``data_lifecycle_state_id`` 2 (Data in-Transit), ``detection_system_id`` 5 (Secure
  Web Gateway: an inline proxy), ``category_id`` 1 (Personal), ``detection_pattern`` the identifier
  types, ``policy`` the residency policy.
- ``src_endpoint`` is the phone, ``dst_endpoint`` the server (host name, registrable domain, country,
  autonomous system); ``device`` the device profile when the client maps to one.
- Everything without an OCSF attribute (masked identifiers, rules with reasons and legal bases,
  inspection notes) is under ``unmapped.residency_guard``. Identifier values are masked unless the export
  reveals them.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..model import Event, SessionRecord
from .ecs import drop_empty
from .report import destination_key, mask_event

OCSF_VERSION = "1.3.0"
CLASS_UID = 2006
CATEGORY_UID = 2
ACTIVITY_CREATE = 1
SEVERITY_MEDIUM, SEVERITY_HIGH = 3, 4
SEVERITY_NAMES = {SEVERITY_MEDIUM: "Medium", SEVERITY_HIGH: "High"}
DETECTION_SYSTEM_SWG = 5
LIFECYCLE_IN_TRANSIT = 2
DATA_CATEGORY_PERSONAL = 1
DEVICE_TYPE_MOBILE = 5


def epoch_ms(timestamp: str) -> int:
    """RFC 3339 → milliseconds since the epoch (a time without a zone is taken as UTC)."""
    parsed = datetime.fromisoformat(timestamp)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


def _confidence_id(event: Event) -> int:
    best = max((i.confidence for i in event.identifiers), default=0.0)
    return 3 if best >= 0.9 else 2 if best >= 0.5 else 1 if best > 0 else 0


def _title(event: Event) -> str:
    types = sorted({i.type for i in event.identifiers}) or ["no identifiers read"]
    dest = event.destination
    what = "connection refused" if event.event_type == "connection" else "+".join(types)
    return f"{what} to {dest.country} ({destination_key(event)})"


def _finding_info(event: Event, session: SessionRecord | None, time: int) -> dict[str, Any]:
    uid = f"{session.session_id}:{event.flow_id}" if session else event.flow_id
    violations = [r for r in event.rules if r.outcome == "violation"]
    return {
        "uid": uid,
        "title": _title(event),
        "desc": "; ".join(r.reason for r in violations) or None,
        "types": [r.rule for r in violations],
        "created_time": time,
        "product_uid": "residency-guard",
    }


def _endpoints(event: Event) -> dict[str, Any]:
    dest = event.destination
    return {
        "src_endpoint": {"ip": event.client.ip, "port": event.client.port},
        "dst_endpoint": {
            "ip": dest.ip,
            "port": dest.port,
            "hostname": dest.host,
            "domain": dest.domain,
            "location": {"country": dest.country if dest.country != "unknown" else None},
            "autonomous_system": {"number": dest.asn, "name": dest.org},
        },
        "device": {"type_id": DEVICE_TYPE_MOBILE, "type": "Mobile", "name": event.device, "ip": event.client.ip}
        if event.device
        else None,
    }


def _data_security(event: Event, session: SessionRecord | None) -> dict[str, Any]:
    return {
        "data_lifecycle_state_id": LIFECYCLE_IN_TRANSIT,
        "data_lifecycle_state": "Data in-Transit",
        "detection_system_id": DETECTION_SYSTEM_SWG,
        "detection_system": "Secure Web Gateway",
        "category_id": DATA_CATEGORY_PERSONAL,
        "category": "Personal",
        "detection_pattern": ", ".join(sorted({i.type for i in event.identifiers})) or None,
        "policy": {
            "name": event.policy,
            "uid": session.policy.sha256 if session else None,
            "desc": session.policy.file if session else None,
        },
    }


def ocsf_finding(
    event: Event, session: SessionRecord | None = None, *, reveal_identifiers: bool = False
) -> dict[str, Any]:
    """One Data Security Finding for a violation event."""
    if not reveal_identifiers:
        event = mask_event(event)
    time = epoch_ms(event.timestamp)
    kept_back = event.action in ("blocked", "redacted")  # the real identifiers never reached the server
    severity = SEVERITY_MEDIUM if kept_back else SEVERITY_HIGH
    doc: dict[str, Any] = {
        "activity_id": ACTIVITY_CREATE,
        "activity_name": "Create",
        "category_uid": CATEGORY_UID,
        "category_name": "Findings",
        "class_uid": CLASS_UID,
        "class_name": "Data Security Finding",
        "type_uid": CLASS_UID * 100 + ACTIVITY_CREATE,
        "type_name": "Data Security Finding: Create",
        "severity_id": severity,
        "severity": SEVERITY_NAMES[severity],
        "time": time,
        "status_id": 1,
        "status": "New",
        "is_alert": True,
        "confidence_id": _confidence_id(event),
        **_disposition(event.action),
        "message": _title(event),
        "metadata": {
            "version": OCSF_VERSION,
            "product": {
                "name": "residency-guard",
                "vendor_name": "residency-guard",
                "version": session.tool_version if session else "unknown",
            },
            "uid": event.flow_id,
            "correlation_uid": session.session_id if session else None,
            "log_name": "residency-guard events",
        },
        "finding_info": _finding_info(event, session, time),
        **_endpoints(event),
        "data_security": _data_security(event, session),
        "unmapped": {"residency_guard": _unmapped(event, session)},
    }
    return dict(drop_empty(doc))


def _disposition(action: str) -> dict[str, Any]:
    """OCSF disposition and action; a redaction (forwarded with fakes) has no enum value of its own, so
    it is 99, Other, named."""
    if action == "blocked":
        return {"disposition_id": 2, "disposition": "Blocked", "action_id": 2, "action": "Denied"}
    if action == "redacted":
        return {"disposition_id": 99, "disposition": "Redacted", "action_id": 99, "action": "Redacted"}
    return {"disposition_id": 1, "disposition": "Allowed", "action_id": 1, "action": "Allowed"}


def _unmapped(event: Event, session: SessionRecord | None) -> dict[str, Any]:
    return {
        "session_id": session.session_id if session else None,
        "event_type": event.event_type,
        "verdict": event.verdict,
        "guard_action": event.action,
        "geo_source": event.destination.geo_source,
        "country": event.destination.country,
        "tls": event.tls,
        "identifiers": [i.model_dump(mode="json", exclude_none=True) for i in event.identifiers],
        "rules": [r.model_dump(mode="json", exclude_none=True) for r in event.rules],
        "inspection": event.inspection.model_dump(mode="json"),
    }
