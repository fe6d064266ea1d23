"""What the guard answers in the server's place: 451 for a blocked request, 503 when it cannot judge."""

from __future__ import annotations

import orjson
from mitmproxy import http

from .pipeline import EventSummary


def block_response(summary: EventSummary | None) -> http.Response:
    """HTTP 451 naming the rule; the request never reaches the server. No identifier values."""
    body: dict[str, object] = {"error": "blocked by residency-guard"}
    if summary is not None:
        body.update(
            policy=summary.policy,
            flow_id=summary.flow_id,
            destination={"host": summary.host, "country": summary.country},
            identifier_types=list(summary.types),
            rules=[{"rule": rule, "reason": reason} for rule, action, reason in summary.rules if action == "block"],
        )
        if any(rule == "uninspected" and action == "block" for rule, action, _ in summary.rules):
            # Blocked for what could not be read, not for what was found: say so, and which limit or
            # decoder, so whoever sent it knows what to change (kinds only, never input values).
            body["uninspected"] = {
                "message": "blocked because the request could not be fully inspected",
                "causes": list(summary.uninspected),
            }
    return http.Response.make(451, orjson.dumps(body), {"Content-Type": "application/json"})


def error_response(flow_id: str, message: str) -> http.Response:
    return http.Response.make(
        503, orjson.dumps({"error": message, "flow_id": flow_id}), {"Content-Type": "application/json"}
    )
