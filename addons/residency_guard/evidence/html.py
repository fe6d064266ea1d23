"""Reports as one self-contained HTML page (``export --format html``, ``diff --format html``).

A reviewer opens the file from disk, mails it or attaches it to a ticket: everything is inline (CSS,
the world map as SVG paths, a small table-sorting script) and nothing is fetched when it is viewed. A
Content-Security-Policy naming the hashes of the inline style and script backs that up: even markup
that slipped through would load nothing and run nothing.

The page renders a ``Report`` (``evidence.report``): metadata and summary counts as the JSON report has
them, the destination and identifier tables and the map aggregated from the report's events, which for
HTML are all events (built with ``include_all``) so that clean destinations show too. Every value
that came from traffic (host names, chains, masked values, reasons) is attacker-controlled and goes
through ``html.escape``. Identifier values are the masked forms; a full value appears only when the
guard recorded it (``run --reveal-identifiers``) and the export asked for it (``--reveal-identifiers``).

The map (``shipped.WORLD_MAP``, built by ``make worldmap`` from Natural Earth via the npm package
world-atlas) is optional: without it the page says so where the map would be.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from ..model import UNKNOWN_COUNTRY, Event, IdentifierInfo
from ..shipped import WORLD_MAP
from .diff import DiffResult, SideInfo, ViolationChange
from .report import Report, ReportMetadata, destination_key, utc_now

# ---------------------------------------------------------------------------------------------- map data


@dataclass(frozen=True)
class WorldMap:
    """Country shapes as SVG path data per ISO 3166 alpha-2 code, in one view box."""

    view_box: tuple[float, float, float, float]
    countries: Mapping[str, tuple[str, str]]  # code → (name, path data)
    sources: tuple[str, ...] = ()


def load_world_map(path: Path = WORLD_MAP) -> WorldMap | None:
    """The shipped map, or None when it is missing or unreadable (the report then carries a note)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        box = tuple(float(v) for v in data["view_box"])
        countries = {
            str(code): (str(shape["name"]), str(shape["d"]))
            for code, shape in data["countries"].items()
            if isinstance(shape, dict)
        }
        sources = tuple(f"{s['package']} {s['version']} ({s['license']})" for s in data.get("sources", []))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if len(box) != 4:
        return None
    return WorldMap(view_box=(box[0], box[1], box[2], box[3]), countries=countries, sources=sources)


# ---------------------------------------------------------------------------------------------- page frame

_CSS = """
:root{--ink:#1d2433;--muted:#5b6478;--line:#d8dde6;--bg:#f6f7f9;--red:#b3131b;--clean:#6b9bc3}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1280px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px;border-bottom:1px solid var(--line);padding-bottom:4px}
.sub{color:var(--muted);margin:0}
section{background:#fff;border:1px solid var(--line);border-radius:6px;padding:4px 18px 16px;margin-top:18px}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 18px;margin:8px 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;overflow-wrap:anywhere}
code{font:12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;background:#f0f2f5;padding:1px 4px;border-radius:3px}
.figures{display:flex;flex-wrap:wrap;gap:12px}
.figure{min-width:120px;padding:10px 14px;border:1px solid var(--line);border-radius:6px}
.figure .n{display:block;font-size:26px;font-weight:650}.figure .l{color:var(--muted)}
.figure.bad .n{color:var(--red)}.figure.good .n{color:#1f7a3f}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{background:#eef1f5;font-weight:600;white-space:nowrap}
table.sortable th{cursor:pointer}table.sortable th[aria-sort=ascending]::after{content:" \\25B2"}
table.sortable th[aria-sort=descending]::after{content:" \\25BC"}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
td.hot{color:var(--red);font-weight:650}
svg.world{width:100%;height:auto;background:#eaf2f8;border-radius:4px}
svg.world path{fill:#d5d8dc;stroke:#fff;stroke-width:.4}
svg.world path.clean{fill:var(--clean)}
svg.world path.violation.v1{fill:#fcae91}svg.world path.violation.v2{fill:#fb6a4a}
svg.world path.violation.v3{fill:#de2d26}svg.world path.violation.v4{fill:#a50f15}
svg.world path:hover{stroke:#1d2433;stroke-width:1}
.legend{display:flex;flex-wrap:wrap;gap:14px;color:var(--muted);margin-top:6px}
.swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.swatch.v1{background:#fcae91}.swatch.v2{background:#fb6a4a}.swatch.v3{background:#de2d26}
.swatch.v4{background:#a50f15}.swatch.clean{background:var(--clean)}.swatch.other{background:#d5d8dc}
.note{color:var(--muted);font-style:italic}
article.violation{border-left:4px solid var(--red);padding:6px 12px;margin:12px 0;background:#fffafa}
article.violation h3{font-size:15px;margin:2px 0 6px}
.badge{display:inline-block;padding:0 6px;border-radius:9px;font-size:12px;background:#eef1f5}
.badge.blocked{background:var(--red);color:#fff}.badge.logged{background:#f3c6c8}
.chain .step{white-space:nowrap}.chain .arrow{color:var(--muted);padding:0 3px}
.masked{letter-spacing:.5px}.revealed{color:var(--red);font-weight:650}
.sides{display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:0 18px}
footer{color:var(--muted);margin-top:24px;font-size:12.5px}
"""

# Click a column header to sort by it (numbers as numbers); the page reads fine without it.
_SORT_JS = """
document.querySelectorAll("table.sortable th").forEach(function (th) {
  th.addEventListener("click", function () {
    var table = th.closest("table"), body = table.tBodies[0], col = th.cellIndex;
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var key = function (row) { var c = row.cells[col]; return c.getAttribute("data-sort") || c.textContent; };
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
      var c = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
      return asc ? c : -c;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""


def _csp_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def _page(title: str, body: str) -> str:
    csp = f"default-src 'none'; style-src {_csp_hash(_CSS)}; script-src {_csp_hash(_SORT_JS)}; img-src data:"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{escape(csp)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="referrer" content="no-referrer">\n'
        f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n{body}\n</main>\n"
        f"<script>{_SORT_JS}</script>\n</body>\n</html>\n"
    )


# ---------------------------------------------------------------------------------------------- pieces


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _or_dash(value: object) -> str:
    return _e(value) if value not in (None, "", []) else "—"


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, cls: str = "sortable", empty: str = "") -> str:
    """A table; headers are plain text (escaped), cells are already-escaped HTML (``<td>`` included)."""
    body = ["<tr>" + "".join(row) + "</tr>" for row in rows]
    if not body:
        return f'<p class="note">{_e(empty)}</p>' if empty else ""
    head = "".join(f'<th class="num">{_e(h[1:])}</th>' if h.startswith("#") else f"<th>{_e(h)}</th>" for h in headers)
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _td(value: object, *, sort: object = None) -> str:
    attr = f' data-sort="{_e(sort)}"' if sort is not None else ""
    return f"<td{attr}>{_or_dash(value)}</td>"


def _num(n: int, *, hot: bool = False) -> str:
    return f'<td class="num{" hot" if hot and n else ""}">{n}</td>'


def _figures(items: Iterable[tuple[str, int, str]]) -> str:
    cells = [
        f'<div class="figure {cls}"><span class="n">{n}</span><span class="l">{_e(label)}</span></div>'
        for label, n, cls in items
    ]
    return f'<div class="figures">{"".join(cells)}</div>'


def _meta_rows(meta: ReportMetadata) -> list[tuple[str, str]]:
    """(label, escaped HTML) pairs describing what judged a session and from which files."""
    policy = meta.policy
    geodb = "<br>".join(
        f"<code>{_e(g.path)}</code> {_e(g.database_type)}, built {_or_dash(g.build_date)}" for g in meta.geodb
    )
    files = "<br>".join(
        f"<code>{_e(f.path)}</code> sha256 <code>{_e(f.sha256)}</code> ({f.bytes} bytes)" for f in meta.source_files
    )
    rows = [
        ("Session", _or_dash(meta.session_id)),
        ("Policy", f"{_e(policy.name)} (<code>{_or_dash(policy.file)}</code>)" if policy else "—"),
        ("Policy sha256", f"<code>{_or_dash(policy.sha256)}</code>" if policy else "—"),
        ("Device profiles", _or_dash(", ".join(meta.profiles))),
        ("Geo databases", geodb or "—"),
        ("Geo database build dates", _or_dash(", ".join(meta.geodb_build_dates))),
        ("Geo overlay", _or_dash(meta.geo_overlay)),
        ("Tool version", _or_dash(meta.tool_version)),
        ("Mode", _or_dash(meta.mode)),
        ("Engine", _or_dash(meta.engine)),
        ("Session started", _or_dash(meta.started)),
        ("Events from … to", f"{_or_dash(meta.first_event)} … {_or_dash(meta.last_event)}"),
        ("Identifier values", _e(meta.identifier_values)),
        ("Source files", files or "—"),
    ]
    if meta.skipped_lines:
        rows.append(("Skipped lines", _e(", ".join(meta.skipped_lines))))
    return rows


def _meta_list(meta: ReportMetadata) -> str:
    return '<dl class="meta">' + "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in _meta_rows(meta)) + "</dl>"


def _chain(chain: str) -> str:
    """``body|base64|json:$.IMEI1`` → body → base64 → json:$.IMEI1 (each step escaped)."""
    steps = [f'<span class="step">{_e(step)}</span>' for step in chain.split("|")]
    return '<span class="chain">' + '<span class="arrow">→</span>'.join(steps) + "</span>"


def _identifier_value(ident: IdentifierInfo) -> str:
    if ident.value is not None:  # recorded and exported with --reveal-identifiers, both on purpose
        return f'<code class="revealed" title="full value (revealed)">{_e(ident.value)}</code>'
    return f'<code class="masked">{_e(ident.masked)}</code>'


# ---------------------------------------------------------------------------------------------- aggregates


@dataclass
class _Dest:
    hosts: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    orgs: set[str] = field(default_factory=set)
    violations: int = 0
    blocked: int = 0


@dataclass
class _Type:
    categories: set[str] = field(default_factory=set)
    countries: set[str] = field(default_factory=set)
    violations: int = 0
    blocked: int = 0


def _destinations(events: Iterable[Event]) -> dict[str, _Dest]:
    table: dict[str, _Dest] = defaultdict(_Dest)
    for event in events:
        row = table[destination_key(event)]
        row.hosts.add(event.destination.host)
        row.countries.add(event.destination.country)
        d = event.destination
        if d.asn is not None or d.org:
            row.orgs.add(f"AS{d.asn} {d.org or ''}".strip() if d.asn is not None else str(d.org))
        row.violations += event.verdict == "violation"
        row.blocked += event.action == "blocked"
    return table


def _types(events: Iterable[Event]) -> dict[str, _Type]:
    table: dict[str, _Type] = defaultdict(_Type)
    for event in events:
        for type_ in sorted({i.type for i in event.identifiers}):
            row = table[type_]
            row.categories.update(i.category for i in event.identifiers if i.type == type_)
            row.countries.add(event.destination.country)
            row.violations += event.verdict == "violation"
            row.blocked += event.action == "blocked"
    return table


# ---------------------------------------------------------------------------------------------- map


def _shade(count: int, most: int) -> int:
    """Four red shades by share of the busiest country's violations, so the worst stands out."""
    return min(4, 1 + (4 * count - 1) // max(most, 1)) if count else 0


def _country_path(code: str, name: str, d: str, events: int, violations: int, shade: int) -> str:
    cls = f"violation v{shade}" if violations else "clean" if events else "other"
    tip = f"{name} ({code}): {events} events, {violations} violations" if events else f"{name} ({code})"
    return f'<path data-country="{_e(code)}" class="{cls}" d="{_e(d)}"><title>{_e(tip)}</title></path>'


def _map_section(world: WorldMap | None, by_country: Mapping[str, int], violations: Mapping[str, int]) -> str:
    if world is None:
        return (
            '<p class="note" id="map-missing">World map not available in this installation '
            "(run <code>make worldmap</code> to build it): the tables below list every destination.</p>"
        )
    most = max(violations.values(), default=0)
    paths = [
        _country_path(
            code, name, d, by_country.get(code, 0), violations.get(code, 0), _shade(violations.get(code, 0), most)
        )
        for code, (name, d) in world.countries.items()
    ]
    box = " ".join(f"{v:g}" for v in world.view_box)
    svg = f'<svg class="world" viewBox="{box}" role="img" aria-label="destination countries">{"".join(paths)}</svg>'
    legend = (
        '<div class="legend"><span><span class="swatch v4"></span><span class="swatch v2"></span>'
        '<span class="swatch v1"></span>violations (darker: more)</span>'
        '<span><span class="swatch clean"></span>destination without violations</span>'
        '<span><span class="swatch other"></span>no traffic seen</span></div>'
    )
    off_map = sorted(c for c in by_country if c not in world.countries)
    note = ""
    if off_map:
        listed = ", ".join(f"{c} ({by_country[c]} events, {violations.get(c, 0)} violations)" for c in off_map)
        note = f'<p class="note" id="off-map">Not drawn at this scale or not a country: {_e(listed)}.</p>'
    return svg + legend + note


# ---------------------------------------------------------------------------------------------- report


def _summary_section(report: Report) -> str:
    s = report.summary
    figures = [
        ("events", s.events, ""),
        ("violations", s.violations, "bad" if s.violations else "good"),
        ("blocked", s.blocked, ""),
        ("redacted", s.redacted, ""),
        ("destinations", len(s.by_domain), ""),
        ("countries", len([c for c in s.by_country if c != UNKNOWN_COUNTRY]), ""),
        ("partially inspected", s.partially_inspected, ""),
    ]
    if s.guard_stats is not None:
        figures.append(("flows inspected", s.guard_stats.inspected, ""))
    rules = _table(
        ["Rule", "#Violations"],
        ([_td(rule), _num(n, hot=True)] for rule, n in s.by_rule.items()),
        empty="No rule fired as a violation.",
    )
    return f'<section id="summary"><h2>Summary</h2>{_figures(figures)}<h3>Violations per rule</h3>{rules}</section>'


def _destination_section(report: Report) -> str:
    dests = _destinations(report.events)
    rows = [
        [
            _td(key),
            _td(", ".join(sorted(d.hosts))),
            _td(", ".join(sorted(d.countries))),
            _td(", ".join(sorted(d.orgs))),
            _num(report.summary.by_domain.get(key, 0)),
            _num(d.violations, hot=True),
            _num(d.blocked),
        ]
        for key, d in sorted(dests.items(), key=lambda kv: (-kv[1].violations, kv[0]))
    ]
    table = _table(
        ["Destination", "Hosts", "Country", "ASN / organisation", "#Events", "#Violations", "#Blocked"],
        rows,
        empty="No events.",
    )
    return f'<section id="destinations"><h2>Destinations</h2>{_scope_note(report)}{table}</section>'


def _scope_note(report: Report) -> str:
    if report.metadata.events_included == "all":
        return ""
    return '<p class="note">This report holds violating events only: clean destinations are not listed.</p>'


def _identifier_section(report: Report) -> str:
    types = _types(report.events)
    rows = [
        [
            _td(type_),
            _td(", ".join(sorted(t.categories))),
            _num(report.summary.by_type.get(type_, 0)),
            _num(t.violations, hot=True),
            _num(t.blocked),
            _td(", ".join(sorted(t.countries))),
        ]
        for type_, t in sorted(types.items(), key=lambda kv: (-kv[1].violations, kv[0]))
    ]
    table = _table(
        ["Identifier type", "Category", "#Events", "#Violations", "#Blocked", "Countries"],
        rows,
        empty="No identifiers were found.",
    )
    return f'<section id="identifiers"><h2>Identifier types</h2>{table}</section>'


def _violation_article(event: Event) -> str:
    d = event.destination
    rules = _table(
        ["Rule", "Reason", "Legal basis", "Action"],
        ([_td(r.rule), _td(r.reason), _td(r.legal_basis), _td(r.action)] for r in event.rules),
        cls="rules",
    )
    idents = _table(
        ["Type", "Found in", "Value", "Method"],
        (
            [_td(i.type), f"<td>{_chain(i.chain)}</td>", f"<td>{_identifier_value(i)}</td>", _td(i.method)]
            for i in event.identifiers
        ),
        cls="identifiers",
    )
    url = f"<p>{_e(event.request.method)} <code>{_e(event.request.url)}</code></p>" if event.request else ""
    return (
        f'<article class="violation" data-country="{_e(d.country)}"><h3>{_e(d.host)} '
        f'<span class="badge">{_e(d.country)}</span> <span class="badge {_e(event.action)}">{_e(event.action)}</span></h3>'
        f"<p>{_e(event.timestamp)} · flow <code>{_e(event.flow_id)}</code> · device {_or_dash(event.device)} · "
        f"{_or_dash(d.ip)}:{d.port} · {'TLS' if event.tls else 'cleartext'}</p>{url}{rules}{idents}</article>"
    )


def _violations_section(report: Report) -> str:
    violations = [e for e in report.events if e.verdict == "violation"]
    articles = "".join(_violation_article(e) for e in violations) or '<p class="note">No violations.</p>'
    return f'<section id="violations"><h2>Violations ({len(violations)})</h2>{articles}</section>'


def _footer(generator: str, generated_at: str, world: WorldMap | None) -> str:
    source = "; ".join(world.sources) if world else "none"
    return (
        f"<footer>Generated by {_e(generator)} at {_e(generated_at)}. Map: Natural Earth 1:110m "
        f"(public domain) via {_e(source)}, equirectangular. Geo answers come from the databases listed "
        "above.</footer>"
    )


def render_report_html(report: Report, world: WorldMap | None) -> str:
    """One self-contained HTML page for one session's report."""
    meta = report.metadata
    violations = Counter(e.destination.country for e in report.events if e.verdict == "violation")
    policy = meta.policy.name if meta.policy else "unknown policy"
    title = f"residency-guard report: session {meta.session_id or 'unknown'}"
    body = (
        f'<header><h1>Data-residency report</h1><p class="sub">session {_or_dash(meta.session_id)} · '
        f"policy {_e(policy)} · {report.summary.violations} violations in {report.summary.events} events</p></header>"
        f"{_summary_section(report)}"
        f'<section id="map"><h2>Destinations on the map</h2>'
        f"{_map_section(world, report.summary.by_country, violations)}</section>"
        f"{_destination_section(report)}{_identifier_section(report)}"
        f'<section id="metadata"><h2>Session</h2>{_meta_list(meta)}</section>'
        f"{_violations_section(report)}"
        f"{_footer(meta.generator, meta.generated_at, world)}"
    )
    return _page(title, body)


# ---------------------------------------------------------------------------------------------- diff


def _side_section(label: str, side: SideInfo, metadata: Sequence[ReportMetadata]) -> str:
    head = (
        f"<p><code>{_e(side.source)}</code> ({_e(side.kind)}, {side.events} events, {side.violations} violations"
        f"{'' if side.complete else ', violations only'})</p>"
    )
    sessions = "".join(f"<h3>Session {_or_dash(m.session_id)}</h3>{_meta_list(m)}" for m in metadata)
    return f'<section class="side" id="{_e(label.lower())}"><h2>{_e(label)} build</h2>{head}{sessions}</section>'


def _violation_rows(changes: Iterable[ViolationChange], baselined: Collection[tuple[str, str, str]]) -> list[list[str]]:
    return [
        [
            _td(v.rule),
            _td(v.type),
            _td(v.destination),
            _num(v.events),
            _td("baselined" if (v.rule, v.type, v.destination) in baselined else ""),
        ]
        for v in changes
    ]


def _diff_tables(result: DiffResult, baselined: Collection[tuple[str, str, str]]) -> str:
    headers = ["Rule", "Identifier type", "Destination", "#Events", "Baseline"]
    introduced = _table(headers, _violation_rows(result.violations_introduced, baselined), empty="None.")
    fixed = _table(headers[:4], [r[:4] for r in _violation_rows(result.violations_fixed, ())], empty="None.")
    d, t = result.destinations, result.transfers
    dest_rows = [[_td("new"), _td(c.host), _td(c.country), _num(c.events)] for c in d.added] + [
        [_td("removed"), _td(c.host), _td(c.country), _num(c.events)] for c in d.removed
    ]
    tr_rows = [[_td("new"), _td(c.type), _td(c.destination), _td(c.country), _num(c.events)] for c in t.added] + [
        [_td("removed"), _td(c.type), _td(c.destination), _td(c.country), _num(c.events)] for c in t.removed
    ]
    return (
        f'<section id="introduced"><h2>Violations introduced ({len(result.violations_introduced)})</h2>{introduced}</section>'
        f'<section id="fixed"><h2>Violations fixed ({len(result.violations_fixed)})</h2>{fixed}</section>'
        f'<section id="destination-changes"><h2>Destinations ({_e(result.scope)})</h2>'
        f"{_table(['Change', 'Host', 'Country', '#Events'], dest_rows, empty='No change.')}</section>"
        f'<section id="transfer-changes"><h2>Transfers, identifier → destination ({_e(result.scope)})</h2>'
        f"{_table(['Change', 'Identifier type', 'Destination', 'Country', '#Events'], tr_rows, empty='No change.')}</section>"
    )


def render_diff_html(
    result: DiffResult,
    old_metadata: Sequence[ReportMetadata],
    new_metadata: Sequence[ReportMetadata],
    *,
    baselined: Collection[tuple[str, str, str]] = (),
    generated_at: str | None = None,
) -> str:
    """One self-contained HTML page: violations introduced and fixed between two builds, both sides' metadata."""
    figures = [
        ("violations introduced", len(result.violations_introduced), "bad" if result.violations_introduced else "good"),
        ("violations fixed", len(result.violations_fixed), "good" if result.violations_fixed else ""),
        ("unchanged", result.violations_unchanged, ""),
        ("new destinations", len(result.destinations.added), ""),
        ("removed destinations", len(result.destinations.removed), ""),
    ]
    notes = "".join(f'<p class="note">{_e(n)}</p>' for n in result.notes)
    body = (
        f'<header><h1>Data-residency diff</h1><p class="sub">{_e(result.old.source)} → {_e(result.new.source)}</p></header>'
        f'<section id="summary"><h2>Summary</h2>{_figures(figures)}{notes}</section>'
        f"{_diff_tables(result, baselined)}"
        f'<div class="sides">{_side_section("Old", result.old, old_metadata)}'
        f"{_side_section('New', result.new, new_metadata)}</div>"
        f"<footer>Generated at {_e(generated_at or utc_now())}.</footer>"
    )
    return _page("residency-guard diff", body)
