"""``export --format html`` and ``diff --format html``: page structure, escaping, masking, the world map,
and the page as a real headless Chromium renders it (skipped, saying why, when Chromium is absent)."""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from _evidence_samples import IMEI, event, session, standard_session, stats, write_events
from residency_guard.commands import diff, export
from residency_guard.dashboard.sample import write_demo_session
from residency_guard.evidence import EXIT_INPUT, EXIT_OK, load_sessions
from residency_guard.evidence.html import load_world_map, render_report_html
from residency_guard.evidence.report import build_report
from residency_guard.shipped import WORLD_MAP

HOSTILE = '"><script>alert(1)</script><img src=x onerror=alert(2)>.evil.example'


def run(module: object, *argv: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="residency-guard")
    module.add_parser(parser.add_subparsers(dest="command", required=True))  # type: ignore[attr-defined]
    args = parser.parse_args([module.NAME, *map(str, argv)])  # type: ignore[attr-defined]
    return int(args.func(args))


class Page(HTMLParser):
    """Every start tag with its attributes, the text under each id'd section, and title texts."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def country(self, code: str) -> dict[str, str]:
        (path,) = self.find("path", **{"data-country": code})
        return path

    @property
    def all_text(self) -> str:
        return "".join(self.text)


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    return write_events(tmp_path / "events.jsonl", standard_session())


def export_html(events: Path, tmp_path: Path, *extra: str) -> tuple[str, Page]:
    out = tmp_path / "report.html"
    assert run(export, events, "--format", "html", "-o", out, *extra) == EXIT_OK
    text = out.read_text(encoding="utf-8")
    return text, Page(text)


def test_world_map_is_installed() -> None:
    world = load_world_map()
    assert world is not None, f"{WORLD_MAP} missing: run `make worldmap`"
    assert {"CN", "US", "NO", "RU", "DE", "XK"} <= set(world.countries)
    assert "AQ" not in world.countries
    assert all(d.startswith("M") and d.endswith("Z") for _, d in world.countries.values())


def test_map_colours_countries_by_violations(events_file: Path, tmp_path: Path) -> None:
    _, page = export_html(events_file, tmp_path)
    cn = page.country("CN")
    assert cn["class"].split() == ["violation", "v4"]  # the only violating country is the darkest
    assert page.country("NO")["class"] == "clean"  # a destination, no violation
    assert page.country("FR")["class"] == "other"
    assert "China (CN): 2 events, 2 violations" in page.all_text  # the path's <title> tooltip


def test_page_has_metadata_summary_tables_and_violations(events_file: Path, tmp_path: Path) -> None:
    text, page = export_html(events_file, tmp_path)
    for section in ("summary", "map", "destinations", "identifiers", "metadata", "violations"):
        assert page.find("section", id=section), section
    assert len(page.find("table", **{"class": "sortable"})) >= 3
    body = page.all_text
    assert "gdpr-eea" in body and "ab" * 32 in body and "2025-02-25" in body and "nokia7plus-no" in body
    assert "2025-03-01T10:01:00Z … 2025-03-01T10:07:00Z" in body
    assert "AS4134 CHINANET" in body and "example.no" in body  # clean destinations are listed too
    assert len(page.find("article", **{"class": "violation"})) == 2
    # where the identifier was found, step by step, and the masked value only
    assert len(page.find("span", **{"class": "step"})) >= 3
    assert "body→base64→json:$.IMEI1" in body
    assert "49…18" in body and IMEI not in text


def test_no_external_resources(events_file: Path, tmp_path: Path) -> None:
    text, page = export_html(events_file, tmp_path)
    for _, attrs in page.tags:
        for name in ("src", "href", "action", "xlink:href", "srcset", "poster", "data"):
            assert not attrs.get(name, "").lower().startswith(("http://", "https://", "//")), attrs
    assert "@import" not in text and "url(" not in text
    (csp,) = page.find("meta", **{"http-equiv": "Content-Security-Policy"})
    assert csp["content"].startswith("default-src 'none'")


def test_hostile_host_is_escaped(tmp_path: Path) -> None:
    records = [session(), event(host=HOSTILE, domain=None, flow_id='f"1<b>'), stats()]
    text, page = export_html(write_events(tmp_path / "events.jsonl", records), tmp_path)
    assert len(page.find("script")) == 1  # only the page's own table-sorting script
    assert page.find("img") == [] and page.find("b") == []
    assert not any("onerror" in attrs for _, attrs in page.tags)
    assert HOSTILE in page.all_text  # shown as text, the way it was sent
    assert "&lt;script&gt;alert(1)" in text


def test_full_values_only_when_recorded_and_asked(tmp_path: Path) -> None:
    events = write_events(tmp_path / "events.jsonl", [session(), event(reveal=True), stats()])
    text, _ = export_html(events, tmp_path)
    assert IMEI not in text
    text, page = export_html(events, tmp_path, "--reveal-identifiers")
    assert IMEI in text and page.find("code", **{"class": "revealed", "title": "full value (revealed)"})


def test_missing_map_gives_a_note(events_file: Path, tmp_path: Path) -> None:
    assert load_world_map(tmp_path / "absent.json") is None
    (tmp_path / "broken.json").write_text("{not json")
    assert load_world_map(tmp_path / "broken.json") is None
    loaded = load_sessions(events_file)
    page = Page(render_report_html(build_report(loaded.sessions[0], loaded, include_all=True), None))
    assert page.find("p", id="map-missing", **{"class": "note"}) and page.find("svg") == []
    assert page.find("table", **{"class": "sortable"})


def test_one_page_per_session(tmp_path: Path) -> None:
    events = write_events(tmp_path / "events.jsonl", standard_session("s1") + standard_session("s2"))
    assert run(export, events, "--format", "html", "-o", tmp_path / "report.html") == EXIT_OK
    for sid in ("s1", "s2"):
        assert f"session {sid}" in Page((tmp_path / f"report.{sid}.html").read_text()).all_text


def _diff_inputs(tmp_path: Path) -> tuple[Path, Path]:
    old = write_events(tmp_path / "old.jsonl", standard_session("old"))
    new_records = [
        session("new"),
        event(flow_id="n1"),
        event(flow_id="n2", host=HOSTILE, domain="evil.example", country="RU", rule="eea-only"),
    ]
    return old, write_events(tmp_path / "new.jsonl", new_records)


def test_diff_html_shows_introduced_fixed_and_both_sides(tmp_path: Path) -> None:
    old, new = _diff_inputs(tmp_path)
    out = tmp_path / "diff.html"
    assert run(diff, old, new, "--format", "html", "-o", out) == EXIT_OK
    text = out.read_text(encoding="utf-8")
    page = Page(text)
    for section in ("summary", "introduced", "fixed", "old", "new"):
        assert page.find("section", id=section), section
    assert "evil.example" in page.all_text and "no-subscriber-ids-abroad" in page.all_text
    assert "Session old" in page.all_text and "Session new" in page.all_text
    assert page.all_text.count("ab" * 32) == 2  # each side's policy hash
    assert len(page.find("script")) == 1 and page.find("img") == []


def test_diff_json_flag_conflicts_with_html(tmp_path: Path) -> None:
    old, new = _diff_inputs(tmp_path)
    assert run(diff, old, new, "--json", "--format", "html") == EXIT_INPUT


# ---------------------------------------------------------------------------------------------- browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # root in a container: the sandbox needs user namespaces
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)


def chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    if CHROMIUM is None:
        reason = "make browser-deps installs it" if os.geteuid() == 0 else "install it as root: make browser-deps"
        pytest.skip(f"chromium not found on PATH ({reason})")
    profile = tmp_path / "chromium-profile"
    cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)


def png_pixels(path: Path) -> tuple[int, int, list[bytes]]:
    """Width, height and RGB(A) rows of an 8-bit non-interlaced PNG (what Chromium writes)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos : pos + 4]), data[pos + 4 : pos + 8]
        chunk = data[pos + 8 : pos + 8 + length]
        header, idat = (chunk, idat) if kind == b"IHDR" else (header, idat + chunk if kind == b"IDAT" else idat)
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            a, b = line[i - bpp] if i >= bpp else 0, prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            p = a + b - c
            pred = a if abs(p - a) <= abs(p - b) and abs(p - a) <= abs(p - c) else b if abs(p - b) <= abs(p - c) else c
            line[i] = (line[i] + (0, a, b, (a + b) // 2, pred)[kind]) & 0xFF
        rows.append(bytes(line))
        prev = line
    return width, bpp, rows


def test_chromium_renders_the_zzhc_report(tmp_path: Path) -> None:
    events = write_demo_session(tmp_path / "demo.jsonl", events=60)
    out = tmp_path / "report.html"
    assert run(export, events, "--format", "html", "-o", out) == EXIT_OK
    dom = chromium(tmp_path, "--dump-dom", out.as_uri())
    assert dom.returncode == 0, dom.stderr[-2000:]
    page = Page(dom.stdout)
    assert page.country("CN")["class"].split() == ["violation", "v4"]
    assert {"US", "RU"} <= {a["data-country"] for a in page.find("path") if "violation" in a["class"]}
    assert page.country("NO")["class"] == "clean"
    console = [line for line in dom.stderr.splitlines() if "CONSOLE" in line or "Uncaught" in line or "Refused" in line]
    assert console == []  # no script error, nothing the Content-Security-Policy had to block

    shot = tmp_path / "out.png"
    done = chromium(tmp_path, f"--screenshot={shot}", "--window-size=1400,1000", out.as_uri())
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    width, bpp, rows = png_pixels(shot)
    darkest = bytes((0xA5, 0x0F, 0x15))  # the v4 shade: China, the busiest violating country
    hits = sum(row[i : i + 3] == darkest for row in rows for i in range(0, width * bpp, bpp))
    assert hits > 500, f"{hits} pixels of China's red in the screenshot"
