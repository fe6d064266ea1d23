"""The CI gate shared by ``export``, ``replay`` and ``diff``, and the exit statuses of evidence commands.

Exit statuses (documented in each command's ``--help``):

- ``0`` — done, and the gate (if any) found nothing of what it names;
- ``2`` — usage or input error: bad arguments (an invalid ``--fail-on`` expression), a missing or
  unreadable file, an invalid record, an invalid baseline file;
- ``3`` — the gate tripped: the session has a finding that ``--fail-on`` names and no baseline entry
  accepts, or the baseline has an expired entry.

**Findings.** The gate looks at violations one *finding* at a time: one (event, rule that fired as a
violation, identifier type) — the unit ``diff`` compares too. A rule that fired without identifier types
(a connection refused before any payload) gives one finding without a type. The gate always looks at
every event of the session, not only at the events a report includes.

**Grammar of ``--fail-on``**::

    expression := "none" | term ("," term)*        comma = OR
    term       := atom ("+" atom)*                 plus  = AND (the same finding must match every atom)
    atom       := "violation" | "block" | "redact" | "introduced"      (introduced: diff only)
                | "rule:" NAME | "type:" IDTYPE | "country:" CC | "domain:" DOMAIN

- ``violation`` — any finding (an event judged a violation, blocked or not);
- ``block`` — a finding of an event whose request was blocked;
- ``redact`` — a finding of an event whose identifiers were replaced by fakes in flight (still a
  ``violation``: the firmware tried to send them);
- ``introduced`` (``diff``) — a finding whose (rule, type, destination) OLD did not have;
- ``rule:NAME`` — the rule that fired is NAME (exact);
- ``type:IDTYPE`` — the identifier type is IDTYPE (one of ``IDENTIFIER_TYPES``);
- ``country:CC`` — the destination country is CC (ISO 3166-1 alpha-2, case-insensitive, or ``unknown``);
- ``domain:DOMAIN`` — the destination host is DOMAIN or a name under it (``domain:example.cn`` matches
  ``log.example.cn``).

``type:imei+country:CN,block`` trips on an IMEI sent to China, or on any blocked request. ``none``
stands alone and never trips. Spaces around terms and atoms are ignored.
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from datetime import date

from ..model import IDENTIFIER_TYPES, Event, RuleInfo
from .baseline import Baseline, BaselineEntry, load_baseline
from .cli_support import note
from .report import destination_key

EXIT_OK = 0
EXIT_INPUT = 2
EXIT_GATE = 3

FAIL_ON_CHOICES = ("violation", "block", "none")
"""The bare words every command accepts (``diff`` adds ``introduced``)."""

KEYS = ("rule", "type", "country", "domain")

EXIT_STATUS_HELP = (
    "exit status: 0 done and clean; 2 usage or input error (bad --fail-on expression, missing file, "
    "invalid record or baseline); 3 the gate tripped (--fail-on found a finding no baseline entry "
    "accepts, or a baseline entry expired)"
)

FAIL_ON_HELP = (
    "when to exit 3: 'none', or terms joined by ',' (OR), each term atoms joined by '+' (AND, on the "
    "same finding): violation, block, redact, rule:NAME, type:IDTYPE, country:CC, domain:DOMAIN; "
    "e.g. 'type:imei+country:CN,block'"
)

_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


class GateExpressionError(ValueError):
    """A ``--fail-on`` expression that does not parse; the message names the term and the reason."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One violation unit: an event, a rule that fired as a violation (None if none was recorded), a type."""

    event: Event
    rule: RuleInfo | None
    type: str | None

    @property
    def rule_name(self) -> str:
        return self.rule.rule if self.rule else "-"

    @property
    def key(self) -> tuple[str, str, str]:
        """(rule, type, destination), as ``diff`` compares violations."""
        return (self.rule_name, self.type or "-", destination_key(self.event))


def findings(events: Iterable[Event]) -> list[Finding]:
    """Every violation finding of ``events``, in event order."""
    out: list[Finding] = []
    for event in events:
        if event.verdict != "violation" and event.action != "blocked":
            continue
        rules = [r for r in event.rules if r.outcome == "violation"]
        if not rules:
            out.append(Finding(event, None, None))
        for rule in rules:
            types: list[str | None] = [*dict.fromkeys(rule.types)] or [None]
            out.extend(Finding(event, rule, t) for t in types)
    return out


def host_in_domain(host: str | None, domain: str) -> bool:
    if not host:
        return False
    host, domain = host.lower().rstrip("."), domain.lower().rstrip(".")
    return host == domain or host.endswith("." + domain)


def entry_matches(entry: BaselineEntry, finding: Finding) -> bool:
    """Whether a baseline entry accepts a finding: same rule, same type (if given), same destination."""
    dest = finding.event.destination
    if entry.rule != finding.rule_name or (entry.type is not None and entry.type != finding.type):
        return False
    if entry.domain is not None:
        return host_in_domain(dest.host, entry.domain) or dest.domain == entry.domain
    return dest.country == entry.country


# ---------------------------------------------------------------------------------------------- parsing

Predicate = Callable[[Finding, "GateContext"], bool]


@dataclass(frozen=True, slots=True)
class GateContext:
    """What some atoms need besides the finding: OLD's violation keys for ``introduced``."""

    old_keys: Collection[tuple[str, str, str]] = ()


@dataclass(frozen=True, slots=True)
class GateExpression:
    """A parsed ``--fail-on``: OR of terms, each an AND of atoms. No terms = ``none``."""

    source: str
    terms: tuple[tuple[tuple[str, Predicate], ...], ...]

    def __str__(self) -> str:
        return self.source

    @property
    def never(self) -> bool:
        return not self.terms

    def matches(self, finding: Finding, context: GateContext | None = None) -> bool:
        ctx = context or GateContext()
        return any(all(pred(finding, ctx) for _, pred in term) for term in self.terms)


def _bare(word: str) -> Predicate | None:
    if word == "violation":
        return lambda f, c: True
    if word == "block":
        return lambda f, c: f.event.action == "blocked"
    if word == "redact":
        return lambda f, c: f.event.action == "redacted"
    if word == "introduced":
        return lambda f, c: f.key not in c.old_keys
    return None


def _keyed(key: str, value: str, atom: str) -> Predicate:
    if not value:
        raise GateExpressionError(f"{atom!r}: no value after '{key}:'")
    if key == "rule":
        return lambda f, c: f.rule_name == value
    if key == "type":
        if value not in IDENTIFIER_TYPES:
            raise GateExpressionError(
                f"{atom!r}: unknown identifier type {value!r} (known: {', '.join(IDENTIFIER_TYPES)})"
            )
        return lambda f, c: f.type == value
    if key == "country":
        if value.lower() == "unknown":
            return lambda f, c: f.event.destination.country == "unknown"
        if not _COUNTRY.match(value):
            raise GateExpressionError(f"{atom!r}: {value!r} is not an ISO 3166-1 alpha-2 country code (or 'unknown')")
        cc = value.upper()
        return lambda f, c: f.event.destination.country == cc
    if key == "domain":
        if not re.match(r"^[A-Za-z0-9._-]+$", value) or value.strip(".") == "":
            raise GateExpressionError(f"{atom!r}: {value!r} is not a domain name")
        return lambda f, c: host_in_domain(f.event.destination.host, value) or f.event.destination.domain == value
    raise GateExpressionError(f"{atom!r}: unknown key {key!r} (keys: {', '.join(KEYS)})")


def _atom(atom: str, words: Collection[str]) -> Predicate:
    if ":" in atom:
        key, _, value = atom.partition(":")
        return _keyed(key.strip(), value.strip(), atom)
    predicate = _bare(atom) if atom in words else None
    if predicate is None:
        raise GateExpressionError(f"{atom!r}: unknown term (expected {', '.join(sorted(words))} or KEY:VALUE)")
    return predicate


def parse_fail_on(text: str, words: Collection[str] = ("violation", "block", "redact")) -> GateExpression:
    """Parse a ``--fail-on`` expression; ``GateExpressionError`` says which term is wrong and why."""
    source = text.strip()
    if source == "none":
        return GateExpression(source, ())
    terms = []
    for term in source.split(","):
        atoms = [a.strip() for a in term.split("+")]
        if any(not a for a in atoms):
            raise GateExpressionError(f"{term.strip()!r}: empty term (stray ',' or '+')")
        if "none" in atoms:
            raise GateExpressionError(f"{term.strip()!r}: 'none' stands alone, it cannot be combined")
        terms.append(tuple((a, _atom(a, words)) for a in atoms))
    return GateExpression(source, tuple(terms))


def fail_on_type(words: Collection[str]) -> Callable[[str], GateExpression]:
    def parse(text: str) -> GateExpression:
        try:
            return parse_fail_on(text, words)
        except GateExpressionError as e:
            raise argparse.ArgumentTypeError(f"invalid expression: {e}") from None

    return parse


# ---------------------------------------------------------------------------------------------- evaluation


@dataclass
class GateResult:
    """What the gate saw: findings that trip it, findings a baseline accepted, expired and unused entries."""

    tripping: list[Finding] = field(default_factory=list)
    baselined: list[tuple[Finding, BaselineEntry]] = field(default_factory=list)
    expired: list[tuple[int, BaselineEntry]] = field(default_factory=list)
    unused: list[tuple[int, BaselineEntry]] = field(default_factory=list)

    @property
    def tripped(self) -> bool:
        return bool(self.tripping or self.expired)


def evaluate_gate(
    events: Iterable[Event],
    expression: GateExpression,
    baseline: Baseline | None = None,
    *,
    context: GateContext | None = None,
    today: date | None = None,
) -> GateResult:
    """Judge the findings of ``events`` against ``expression`` and ``baseline``.

    A finding a live (not expired) baseline entry matches is accepted: reported, never tripping. Every
    expired entry trips the gate (unless the expression is ``none``), whether it matched or not; the
    findings it matched are no longer accepted.
    """
    result = GateResult()
    entries = list(baseline.accepted) if baseline else []
    today = today or date.today()
    expired = {i for i, e in enumerate(entries) if e.expires is not None and e.expires < today}
    used: set[int] = set()
    for finding in findings(events):
        matching = [i for i, e in enumerate(entries) if entry_matches(e, finding)]
        used.update(matching)
        live = [i for i in matching if i not in expired]
        if live:
            result.baselined.append((finding, entries[live[0]]))
        elif expression.matches(finding, context):
            result.tripping.append(finding)
    if not expression.never:
        result.expired = [(i, entries[i]) for i in sorted(expired)]
    result.unused = [(i, e) for i, e in enumerate(entries) if i not in used]
    return result


def gate_tripped(events: Iterable[Event], fail_on: str | GateExpression) -> bool:
    """True when any event has what ``fail_on`` names (no baseline)."""
    expression = fail_on if isinstance(fail_on, GateExpression) else parse_fail_on(fail_on)
    return evaluate_gate(events, expression).tripped


def add_fail_on_argument(parser: argparse.ArgumentParser, default: str = "none") -> None:
    parser.add_argument(
        "--fail-on",
        type=fail_on_type(("violation", "block", "redact")),
        default=parse_fail_on(default),
        metavar="EXPR",
        help=f"{FAIL_ON_HELP} (default: {default})",
    )
    add_baseline_argument(parser)


def add_baseline_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--baseline",
        default=None,
        metavar="FILE",
        help="YAML file of accepted findings (rule, type, domain or country, justification, expires): "
        "reported as baselined, never tripping the gate; an expired entry trips it",
    )


# ---------------------------------------------------------------------------------------------- commands


def load_baseline_option(path: str | None) -> Baseline | None:
    """The ``--baseline`` file, validated; ``ConfigError`` (file, line, field, reason) when unusable."""
    return load_baseline(path) if path is not None else None


def _group(finds: Iterable[Finding]) -> dict[tuple[str, str, str, str], set[str]]:
    groups: dict[tuple[str, str, str, str], set[str]] = {}
    for f in finds:
        rule, type_, dest = f.key
        groups.setdefault((rule, type_, dest, f.event.destination.country), set()).add(f.event.flow_id)
    return groups


def _line(key: tuple[str, str, str, str], flows: set[str]) -> str:
    rule, type_, dest, country = key
    return f"{rule}: {type_} → {dest} ({country}), {len(flows)} event{'s' * (len(flows) != 1)}"


MAX_LISTED = 20


def report_gate(command: str, result: GateResult, expression: GateExpression) -> int:
    """Print what the gate saw (stderr: baselined findings, expired and unused entries, what tripped it);
    return the exit status."""
    justification = {f.key: e.justification for f, e in result.baselined}
    for key, flows in sorted(_group(f for f, _ in result.baselined).items()):
        note(command, f"baselined: {_line(key, flows)} — {justification[key[:3]]}")
    for i, entry in result.unused:
        note(command, f"warning: baseline entry #{i + 1} ({entry.describe()}) matched no finding")
    for i, entry in result.expired:
        note(command, f"baseline entry #{i + 1} ({entry.describe()}) expired on {entry.expires}: review it")
    if not result.tripped:
        return EXIT_OK
    groups = sorted(_group(result.tripping).items())
    parts = [f"{len(groups)} finding{'s' * (len(groups) != 1)}"]
    if result.expired:
        parts.append(f"{len(result.expired)} expired baseline entr{'ies' if len(result.expired) != 1 else 'y'}")
    note(command, f"gate tripped (--fail-on {expression}): {', '.join(parts)}")
    for key, flows in groups[:MAX_LISTED]:
        note(command, f"  {_line(key, flows)}")
    if len(groups) > MAX_LISTED:
        note(command, f"  … and {len(groups) - MAX_LISTED} more")
    return EXIT_GATE
