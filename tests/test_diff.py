"""``residency-guard diff``: destinations, transfers and violations between two runs; text, JSON, gate."""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson
import pytest

from _evidence_samples import event, session, standard_session, write_events
from residency_guard.commands import diff, export
from residency_guard.evidence import EXIT_GATE, EXIT_INPUT, EXIT_OK


def run(module, *argv: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="residency-guard")
    module.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args([module.NAME, *map(str, argv)])
    return args.func(args)


@pytest.fixture
def old(tmp_path: Path) -> Path:
    return write_events(tmp_path / "old.jsonl", standard_session("old"))


@pytest.fixture
def new(tmp_path: Path) -> Path:
    """The CN activation server now also gets the MAC; the subscriber-id upload is gone; a RU tracker appeared."""
    return write_events(
        tmp_path / "new.jsonl",
        [
            session("new"),
            event(flow_id="n1", types=("imei", "mac")),
            event(
                flow_id="n2", host="t.example.ru", country="RU", domain="example.ru", types=("ad_id",), rule="us-doj"
            ),
            event(
                flow_id="n3",
                host="api.example.no",
                country="NO",
                domain="example.no",
                verdict="allowed",
                types=("ad_id",),
            ),
        ],
    )


def diff_json(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, dict]:
    status = run(diff, *argv, "--json")
    return status, orjson.loads(capsys.readouterr().out)


def test_json_diff_of_two_events_files(old: Path, new: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, result = diff_json(capsys, old, new)
    assert status == EXIT_OK
    assert result["scope"] == "all events" and result["notes"] == []
    assert result["destinations"]["added"] == [{"host": "t.example.ru", "country": "RU", "events": 1}]
    assert result["destinations"]["removed"] == [{"host": "log.example.cn", "country": "CN", "events": 1}]
    assert result["transfers"]["added"] == [
        {"type": "ad_id", "destination": "example.ru", "country": "RU", "events": 1},
        {"type": "mac", "destination": "vnet.cn", "country": "CN", "events": 1},
    ]
    assert result["transfers"]["removed"] == [
        {"type": "iccid", "destination": "example.cn", "country": "CN", "events": 1},
        {"type": "imei", "destination": "example.cn", "country": "CN", "events": 1},
    ]
    assert result["violations_introduced"] == [
        {"rule": "eea-only", "type": "mac", "destination": "vnet.cn", "events": 1},
        {"rule": "us-doj", "type": "ad_id", "destination": "example.ru", "events": 1},
    ]
    assert result["violations_fixed"] == [
        {"rule": "no-subscriber-ids-abroad", "type": "iccid", "destination": "example.cn", "events": 1},
        {"rule": "no-subscriber-ids-abroad", "type": "imei", "destination": "example.cn", "events": 1},
    ]
    assert result["violations_unchanged"] == 1  # eea-only: imei → vnet.cn
    assert (result["old"]["events"], result["old"]["violations"], result["old"]["sessions"]) == (3, 2, ["old"])


def test_identical_runs_differ_in_nothing(old: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, result = diff_json(capsys, old, old, "--fail-on", "introduced")
    assert status == EXIT_OK
    assert result["destinations"] == {"added": [], "removed": []}
    assert result["transfers"] == {"added": [], "removed": []}
    assert result["violations_introduced"] == [] and result["violations_fixed"] == []
    assert result["violations_unchanged"] == 3


def test_text_output(old: Path, new: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(diff, old, new) == EXIT_OK
    out = capsys.readouterr().out
    assert "Destinations (all events): 1 new, 1 removed" in out
    assert "  + t.example.ru (RU)  1 event" in out
    assert "  + mac → vnet.cn (CN)  1 event" in out
    assert "Violations: 2 introduced, 2 fixed, 1 unchanged" in out
    assert "  introduced  us-doj: ad_id → example.ru  1 event" in out
    assert "  fixed       no-subscriber-ids-abroad: iccid → example.cn" in out


def test_gate_on_introduced_violations(old: Path, new: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(diff, old, new, "--fail-on", "introduced") == EXIT_GATE
    # the fix direction introduces nothing
    assert run(diff, new, new, "--fail-on", "introduced") == EXIT_OK
    fixed_only = write_events(new.with_name("fixed.jsonl"), [session("f"), event(flow_id="x")])
    assert run(diff, old, fixed_only, "--fail-on", "introduced") == EXIT_OK


def test_reports_are_accepted_and_violations_only_reports_narrow_the_scope(
    old: Path, new: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    old_report = tmp_path / "old-report.json"
    all_report = tmp_path / "new-all.json"
    assert run(export, old, "-o", old_report) == EXIT_OK
    assert run(export, new, "-o", all_report, "--all") == EXIT_OK
    capsys.readouterr()

    status, from_reports = diff_json(capsys, old_report, all_report)
    assert status == EXIT_OK
    assert from_reports["old"]["kind"] == "report" and from_reports["old"]["complete"] is False
    assert from_reports["new"]["complete"] is True
    assert from_reports["scope"] == "violating events"
    assert "old-report.json holds only violations" in from_reports["notes"][0]
    # the allowed destination api.example.no is in neither comparison: unknown on the OLD side
    assert all(d["host"] != "api.example.no" for d in from_reports["destinations"]["added"])

    _, from_events = diff_json(capsys, old, new)
    for key in ("violations_introduced", "violations_fixed", "violations_unchanged"):
        assert from_reports[key] == from_events[key]


def test_input_errors(old: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(diff, old, tmp_path / "missing.jsonl") == EXIT_INPUT
    assert "no such events file" in capsys.readouterr().err
    not_a_report = tmp_path / "other.json"
    not_a_report.write_text('{\n  "hello": "world"\n}\n')
    assert run(diff, not_a_report, old) == EXIT_INPUT
    assert "neither an events file nor a residency-guard report" in capsys.readouterr().err
    bad_report = tmp_path / "bad.json"
    bad_report.write_text('{\n  "report_version": 1, "metadata": {}\n}\n')
    assert run(diff, bad_report, old) == EXIT_INPUT
    assert "invalid Report record" in capsys.readouterr().err
    garbage = tmp_path / "garbage.bin"
    garbage.write_bytes(b"\x00\xff" * 1000)
    assert run(diff, garbage, old) == EXIT_INPUT
    assert run(diff, old) == EXIT_INPUT  # NEW is neither a file nor --db
    assert "give NEW (an events file or report) or --db" in capsys.readouterr().err


def test_rule_without_types_and_ip_literal_destinations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = write_events(tmp_path / "a.jsonl", [session("a")])
    conn = event(host="198.51.100.9", domain=None, types=()).model_copy(update={"event_type": "connection"})
    conn = conn.model_copy(update={"rules": [r.model_copy(update={"types": []}) for r in conn.rules]})
    other = write_events(tmp_path / "b.jsonl", [session("b"), conn])
    _, result = diff_json(capsys, base, other)
    assert result["violations_introduced"] == [
        {"rule": "eea-only", "type": "-", "destination": "198.51.100.9", "events": 1}
    ]
    assert result["destinations"]["added"] == [{"host": "198.51.100.9", "country": "CN", "events": 1}]
