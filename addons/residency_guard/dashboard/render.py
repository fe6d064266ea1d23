"""Rich renderables for the dashboard panels and the event detail view (pure: state in, Text out).

Everything that came from the events file goes through ``clean`` and into ``Text`` objects, never into
markup strings: a host name like ``[red]x`` or one carrying terminal escape codes is shown literally.
Identifiers are shown by their ``masked`` form only.
"""

from __future__ import annotations

from datetime import datetime

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text as Text  # re-exported: the app builds its filter line with it

from ..model import Event, SessionRecord
from .state import DashboardState, Tally, Totals

BLOCKS = " ▏▎▍▌▋▊▉█"
_ESCAPES = {c: f"\\x{c:02x}" for c in range(0x20)} | {0x7F: "\\x7f"}


def clean(value: object, limit: int = 200) -> str:
    """A single printable line: control and format characters escaped, long text cut with an ellipsis."""
    s = "" if value is None else str(value)
    if not s.isprintable():
        s = "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in s)
    if len(s) > limit:
        s = s[: limit - 1] + "…"
    return s


def short_time(timestamp: str) -> str:
    try:
        return datetime.fromisoformat(timestamp).astimezone().strftime("%H:%M:%S")
    except ValueError:
        return clean(timestamp, 12)


def bar(fraction: float, width: int) -> str:
    """A horizontal bar of ``width`` cells filled to ``fraction`` with eighth-block precision."""
    fraction = min(max(fraction, 0.0), 1.0)
    eighths = round(fraction * width * 8)
    full, rest = divmod(eighths, 8)
    text = "█" * full + (BLOCKS[rest] if rest else "")
    return text.ljust(width)


def session_line(session: SessionRecord | None, path: str, status: str) -> Text:
    """Status first (paused, waiting, skipped lines), then what judged the events, then the file."""
    text = Text()
    if status:
        text.append(status, style="bold yellow")
        text.append("  ")
    if session is None:
        text.append("no session record yet", style="dim")
    else:
        text.append("policy ", style="dim")
        text.append(clean(session.policy.name, 60), style="bold")
        if session.profiles:
            text.append("  profiles ", style="dim")
            text.append(clean(", ".join(session.profiles), 80))
        if not session.geodb:
            text.append("  geo ", style="dim")
            text.append("no database", style="yellow")
        for db in session.geodb:
            text.append("  geo ", style="dim")
            text.append(clean(db.database_type, 40))
            text.append(f" {clean(db.build_date or 'build date unknown', 20)}")
        if session.geo_overlay:
            text.append("  overlay ", style="dim")
            text.append(clean(session.geo_overlay, 60))
        text.append("  mode ", style="dim")
        text.append(clean(session.mode, 40))
    text.append("  ·  ", style="dim")
    text.append(clean(path, 80), style="dim")
    return text


def _rate(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def totals_panel(totals: Totals, rates: dict[str, float | None]) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="dim")
    table.add_column(justify="right")
    table.add_column(style="dim")
    table.add_column(justify="right")
    table.add_row("flows", f"{totals.flows:,}", "flows/s", _rate(rates["flows"]))
    table.add_row("inspected", f"{totals.inspected:,}", "events/s", _rate(rates["events"]))
    table.add_row("with ids", f"{totals.with_identifiers:,}", "", "")
    table.add_row(
        Text("violations", style="red"),
        Text(f"{totals.violations:,}", style="bold red" if totals.violations else ""),
        "viol./s",
        _rate(rates["violations"]),
    )
    table.add_row(
        Text("blocked", style="magenta"),
        Text(f"{totals.blocked:,}", style="bold magenta" if totals.blocked else ""),
        "blocked/s",
        _rate(rates["blocked"]),
    )
    table.add_row("partial", f"{totals.partial:,}", "errors", f"{totals.errors:,}")
    table.add_row("", "", "", Text(f"from {totals.source}", style="dim italic"))
    return table


def types_panel(state: DashboardState, limit: int = 13) -> RenderableType:
    rows = state.type_rows()
    if not rows:
        return Text("no identifiers yet", style="dim")
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="dim")
    table.add_column("type")
    table.add_column("category", style="dim")
    table.add_column("events", justify="right")
    table.add_column("viol.", justify="right", style="red")
    for type_, category, count, violations in rows[:limit]:
        table.add_row(clean(type_, 20), category, f"{count:,}", f"{violations:,}" if violations else "")
    if len(rows) > limit:
        table.add_row(Text(f"+{len(rows) - limit} more", style="dim"), "", "", "")
    return table


def country_bar(tally: Tally, largest: int, width: int) -> Text:
    """Bar length ∝ events; the red part is the violation share, the green part the rest."""
    filled = bar(tally.events / largest if largest else 0.0, width)
    cells = len(filled.rstrip())
    red = round(cells * tally.violation_share)
    if tally.violations and red == 0:
        red = 1
    text = Text()
    text.append(filled[:red], style="red")
    text.append(filled[red:], style="green")
    return text


def countries_panel(state: DashboardState, limit: int = 8, width: int = 18) -> RenderableType:
    rows = state.country_rows()
    if not rows:
        return Text("no destinations yet", style="dim")
    largest = rows[0][1].events
    table = Table(box=None, padding=(0, 1), show_edge=False, header_style="dim")
    table.add_column("ctry")
    table.add_column("", no_wrap=True)
    table.add_column("events", justify="right")
    table.add_column("viol.", justify="right")
    for country, tally in rows[:limit]:
        share = f"{tally.violation_share:.0%}" if tally.violations else ""
        table.add_row(
            clean(country, 8), country_bar(tally, largest, width), f"{tally.events:,}", Text(share, style="red")
        )
    if len(rows) > limit:
        table.add_row(Text(f"+{len(rows) - limit}", style="dim"), "", "", "")
    return table


FEED_COLUMNS = ("time", "device / client", "types", "host", "ctry", "rule", "action")


def verdict_style(event: Event) -> str:
    if event.action == "blocked":
        return "bold magenta"
    if event.action == "redacted":  # a violation whose identifiers were replaced by fakes in flight
        return "yellow"
    if event.verdict == "violation":
        return "red"
    return "green"


class FeedCell(Text):
    """A feed cell that knows its event's sequence number, so the table can be sorted newest first."""

    seq: int = 0


def feed_row(event: Event, seq: int = 0) -> tuple[Text, ...]:
    who = event.device or (f"{event.client.ip}" if event.client.ip else "?")
    types = ",".join(dict.fromkeys(i.type for i in event.identifiers)) or "—"
    violated = [r.rule for r in event.rules if r.outcome == "violation"]
    rule = violated[0] if violated else (event.rules[0].rule if event.rules else "")
    if len(violated) > 1:
        rule += f" +{len(violated) - 1}"
    action = event.action if event.verdict == "violation" else "allowed"
    when = FeedCell(short_time(event.timestamp))
    when.seq = seq
    return (
        when,
        Text(clean(who, 24)),
        Text(clean(types, 30)),
        Text(clean(event.destination.host, 32)),
        Text(clean(event.destination.country, 8)),
        Text(clean(rule, 32)),
        Text(action, style=verdict_style(event)),
    )


def detail_view(event: Event) -> RenderableType:
    """Everything the event says, identifiers masked; the content of the detail screen."""
    parts = (_detail_head(event), _detail_facts(event), _identifiers_table(event), _rules_table(event))
    return Group(*(item for part in parts for item in (part, Text())), _inspection_text(event))


def _detail_head(event: Event) -> Text:
    head = Text()
    head.append(f"{clean(event.event_type)} {clean(event.flow_id, 60)}", style="bold")
    head.append(f"  {clean(event.timestamp, 40)}  ")
    head.append(
        f"{event.verdict.upper()} · {event.action}",
        style="bold red" if event.verdict == "violation" else "bold green",
    )
    return head


def _detail_facts(event: Event) -> Table:
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    facts.add_row(
        "client",
        clean(f"{event.client.ip}:{event.client.port}") + (f"  device {clean(event.device)}" if event.device else ""),
    )
    if event.request is not None:
        r = event.request
        facts.add_row("request", clean(f"{r.method} {r.url}", 300) + f"  ({clean(r.http_version or r.scheme)})")
    d = event.destination
    facts.add_row(
        "destination",
        clean(f"{d.host} → {d.ip or '?'}:{d.port}", 200)
        + f"  TLS {'yes' if event.tls else 'no'}"
        + (f"  SNI {clean(d.sni)}" if d.sni else ""),
    )
    facts.add_row("country", clean(f"{d.country}  (from {d.geo_source})"))
    facts.add_row("network", clean(f"AS{d.asn or '?'} {d.org or ''}  domain {d.domain or '?'}"))
    facts.add_row("policy", clean(event.policy))
    return facts


def _identifiers_table(event: Event) -> Table:
    idents = Table(title="Identifiers", title_justify="left", title_style="bold", header_style="dim", expand=True)
    for col in ("type", "category", "where", "chain", "method", "conf.", "masked value", "device"):
        idents.add_column(col, overflow="fold")
    for i in event.identifiers:
        idents.add_row(
            clean(i.type),
            i.category,
            clean(i.where, 80),
            clean(i.chain, 300),
            i.method,
            f"{i.confidence:.2f}",
            clean(i.masked, 80),
            clean(i.device or ""),
        )
    if not event.identifiers:
        idents.add_row(Text("none (connection could not be read)", style="dim"), "", "", "", "", "", "", "")
    return idents


def _rules_table(event: Event) -> Table:
    rules = Table(title="Rules", title_justify="left", title_style="bold", header_style="dim", expand=True)
    for col in ("rule", "outcome", "action", "types", "reason", "legal basis"):
        rules.add_column(col, overflow="fold")
    for rule in event.rules:
        rules.add_row(
            clean(rule.rule, 80),
            Text(rule.outcome, style="red" if rule.outcome == "violation" else "yellow"),
            rule.action,
            clean(", ".join(rule.types), 80),
            clean(rule.reason, 400),
            clean(rule.legal_basis or "—", 120),
        )
    if not event.rules:
        rules.add_row(Text("no rule fired", style="dim"), "", "", "", "", "")
    return rules


def _inspection_text(event: Event) -> Text:
    inspection = Text()
    inspection.append("Inspection: ", style="bold")
    if event.inspection.complete:
        inspection.append("complete", style="green")
    else:
        inspection.append("partial", style="yellow")
    for note in event.inspection.notes:
        inspection.append(f"\n  • {clean(note, 400)}")
    return inspection
