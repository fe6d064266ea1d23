"""Sessions as JUnit XML (``residency-guard export --format junit``): what CI servers show as tests.

One ``<testsuite>`` per session inside a ``<testsuites>`` root; one ``<testcase>`` per (policy rule ×
destination) seen in the session, ``classname`` the rule, ``name`` the destination (registrable domain,
or the host when it has none):

- **failure** — the rule fired as a violation for that destination and no baseline entry accepts it.
  The message names the rule, the identifier types, the country and the number of events; the body lists
  the events with masked identifier values only (never full values, even with ``--reveal-identifiers``).
  A finding an expired baseline entry matched is a failure too, and says which entry expired.
- **skipped** — every violation of the pair is accepted by a baseline entry (``--baseline``): the message
  is ``baselined: <justification>``; skipped, not passed, so that a CI view keeps it visible.
- **passed** — the pair was judged and found clean. Events record the rules that fired, not every rule
  that was checked, so passes are only listed where the events prove the check: an exception that
  allowed a transfer (``exception.NAME``, the legal basis in ``<system-out>``), and ``transfer.CATEGORY``
  for every identifier category sent to a destination of known country without that rule firing (the
  guard's judge checks exactly that rule for each category it sees). Rules whose passes leave no trace
  (``cleartext``, ``unknown_country``, ``refuse``, rules of other names) appear only when they fired.

Testsuite attributes: ``tests`` (testcases), ``failures``, ``errors`` (always 0: an unreadable event is
an input error, exit 2, not a test error), ``skipped``, ``time`` (seconds from the first to the last event
of the session: the span the evidence covers; testcases take 0) and ``timestamp`` (the first event, UTC,
ISO 8601 without a zone as the Ant/Jenkins schema wants it). ``<properties>`` carry the session's
metadata (policy name and hash, tool version, mode).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET  # noqa: S405 - only writes XML, never parses input
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from ..model import UNKNOWN_COUNTRY, Event
from .baseline import Baseline, BaselineEntry
from .gate import Finding, entry_matches, evaluate_gate, parse_fail_on
from .report import _parse_time, destination_key, time_span, utc_now
from .sessions import Session

_JUDGE_RULES = ("transfer.", "exception.")
_JUDGE_NAMES = ("cleartext", "unknown_country", "refuse")


@dataclass
class _Case:
    failing: list[Finding] = field(default_factory=list)
    baselined: list[tuple[Finding, BaselineEntry]] = field(default_factory=list)
    passes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        return "failure" if self.failing else "skipped" if self.baselined else "passed"


def _judge_vocabulary(event: Event) -> bool:
    return all(r.rule.startswith(_JUDGE_RULES) or r.rule in _JUDGE_NAMES for r in event.rules)


def _passes(event: Event) -> Iterable[tuple[str, str]]:
    """(rule, note) pairs the event proves were judged clean for its destination."""
    for r in event.rules:
        if r.outcome == "exception":
            yield r.rule, f"{event.flow_id}: allowed by exception ({r.legal_basis or 'no legal basis recorded'})"
    if event.destination.country == UNKNOWN_COUNTRY or not _judge_vocabulary(event):
        return
    covered = {t for r in event.rules for t in r.types if r.outcome == "exception"}
    fired = {r.rule for r in event.rules if r.outcome == "violation"}
    for category in sorted({i.category for i in event.identifiers}):
        types = {i.type for i in event.identifiers if i.category == category}
        if f"transfer.{category}" not in fired and not types <= covered:
            yield f"transfer.{category}", f"{event.flow_id}: {'+'.join(sorted(types))} to {event.destination.country}"


def _cases(session: Session, baseline: Baseline | None, today: date | None) -> dict[tuple[str, str], _Case]:
    result = evaluate_gate(session.events, parse_fail_on("violation"), baseline, today=today)
    cases: dict[tuple[str, str], _Case] = {}
    for finding in result.tripping:
        cases.setdefault((finding.rule_name, destination_key(finding.event)), _Case()).failing.append(finding)
    for finding, entry in result.baselined:
        case = cases.setdefault((finding.rule_name, destination_key(finding.event)), _Case())
        case.baselined.append((finding, entry))
    for event in session.events:
        for rule, note in _passes(event):
            cases.setdefault((rule, destination_key(event)), _Case()).passes.append(note)
    return dict(sorted(cases.items()))


def _event_line(event: Event) -> str:
    ids = ", ".join(f"{i.type}={i.masked}" for i in event.identifiers) or "no identifiers"
    dest = event.destination
    return f"{event.timestamp} {event.flow_id} {event.action} → {dest.host} ({dest.country}): {ids}"


def _failure(case: _Case, rule: str, expired: list[tuple[int, BaselineEntry]]) -> ET.Element:
    events = list({id(f.event): f.event for f in case.failing}.values())
    types = sorted({f.type for f in case.failing if f.type}) or ["-"]
    countries = sorted({e.destination.country for e in events})
    blocked = sum(e.action == "blocked" for e in events)
    message = (
        f"{rule}: {'+'.join(types)} sent to {'/'.join(countries)}, {len(events)} event{'s' * (len(events) != 1)}"
        f" ({blocked} blocked)"
    )
    lapsed = [
        f"baseline entry #{i + 1} ({e.describe()}) expired on {e.expires}"
        for i, e in expired
        if any(entry_matches(e, f) for f in case.failing)
    ]
    if lapsed:
        message += "; " + "; ".join(lapsed)
    element = ET.Element("failure", {"message": message, "type": "residency-violation"})
    element.text = "\n".join([*(_event_line(e) for e in events), *lapsed]) + "\n"
    return element


def _testcase(key: tuple[str, str], case: _Case, expired: list[tuple[int, BaselineEntry]]) -> ET.Element:
    rule, destination = key
    element = ET.Element("testcase", {"classname": rule, "name": destination, "time": "0"})
    notes = list(case.passes)
    if case.status == "failure":
        element.append(_failure(case, rule, expired))
    elif case.status == "skipped":
        entries = list({id(e): e for _, e in case.baselined}.values())
        message = "baselined: " + " | ".join(e.justification for e in entries)
        ET.SubElement(element, "skipped", {"message": message})
        notes += [f"accepted by baseline: {e.describe()} (expires {e.expires or 'never'})" for e in entries]
        notes += [_event_line(f.event) for f, _ in case.baselined]
    if notes:
        ET.SubElement(element, "system-out").text = "\n".join(dict.fromkeys(notes)) + "\n"
    return element


def _junit_time(ts: str | None) -> str:
    parsed = _parse_time(ts) if ts else None
    parsed = parsed or _parse_time(utc_now())
    assert parsed is not None
    return parsed.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds")


def _span_seconds(session: Session) -> float:
    first, last = time_span(session.events)
    a, b = (_parse_time(first) if first else None), (_parse_time(last) if last else None)
    return (b - a).total_seconds() if a and b else 0.0


def _properties(session: Session) -> ET.Element:
    props = ET.Element("properties")
    record = session.record
    values = {
        "session_id": session.session_id,
        "policy": record.policy.name if record else None,
        "policy_sha256": record.policy.sha256 if record else None,
        "tool_version": record.tool_version if record else None,
        "mode": record.mode if record else None,
    }
    for name, value in values.items():
        if value is not None:
            ET.SubElement(props, "property", {"name": name, "value": value})
    return props


def junit_suite(session: Session, baseline: Baseline | None = None, *, today: date | None = None) -> ET.Element:
    """The ``<testsuite>`` of one session."""
    cases = _cases(session, baseline, today)
    today = today or datetime.now(UTC).date()
    entries = list(baseline.accepted) if baseline else []
    expired = [(i, e) for i, e in enumerate(entries) if e.expires is not None and e.expires < today]
    first, _ = time_span(session.events)
    suite = ET.Element(
        "testsuite",
        {
            "name": f"residency-guard session {session.session_id or '(no session record)'}",
            "tests": str(len(cases)),
            "failures": str(sum(c.status == "failure" for c in cases.values())),
            "errors": "0",
            "skipped": str(sum(c.status == "skipped" for c in cases.values())),
            "time": f"{_span_seconds(session):.3f}",
            "timestamp": _junit_time(first or (session.record.timestamp if session.record else None)),
        },
    )
    suite.append(_properties(session))
    suite.extend(_testcase(key, case, expired) for key, case in cases.items())
    ET.SubElement(suite, "system-out")
    ET.SubElement(suite, "system-err")
    return suite


def junit_document(sessions: list[Session], baseline: Baseline | None = None, *, today: date | None = None) -> bytes:
    """The whole JUnit XML document (UTF-8, with an XML declaration)."""
    root = ET.Element("testsuites", {"name": "residency-guard"})
    suites = [junit_suite(s, baseline, today=today) for s in sessions]
    for attr in ("tests", "failures", "errors", "skipped"):
        root.set(attr, str(sum(int(s.get(attr, "0")) for s in suites)))
    root.set("time", f"{sum(float(s.get('time', '0')) for s in suites):.3f}")
    root.extend(suites)
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
