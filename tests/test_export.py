"""``residency-guard export``: reports per session, ECS NDJSON, masking, schema, the CI gate's exit codes."""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
from pathlib import Path

import jsonschema
import orjson
import pytest

from _evidence_samples import IMEI, event, session, standard_session, stats, write_events
from residency_guard.commands import export
from residency_guard.evidence import EXIT_GATE, EXIT_INPUT, EXIT_OK, Report
from residency_guard.model import Event

ROOT = Path(__file__).resolve().parent.parent


def run_export(*argv: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="residency-guard")
    export.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["export", *map(str, argv)])
    return args.func(args)


@pytest.fixture
def events_file(tmp_path: Path) -> Path:
    return write_events(tmp_path / "events.jsonl", standard_session())


def load(path: Path) -> dict:
    return orjson.loads(path.read_bytes())


def report_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((ROOT / "schemas" / "report.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_report_holds_metadata_summary_and_violations(events_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert run_export(events_file, "-o", out) == EXIT_OK
    doc = load(out)
    report_validator().validate(doc)
    Report.model_validate(doc)
    meta = doc["metadata"]
    assert meta["session_id"] == "s1"
    assert meta["policy"] == {"name": "gdpr-eea", "file": "policies/gdpr-eea.yaml", "sha256": "ab" * 32}
    assert meta["profiles"] == ["nokia7plus-no"]
    assert meta["geodb_build_dates"] == ["2025-02-25"]
    assert meta["tool_version"] == "0.1.0"
    # f3 is the earliest event although written last: the span compares times, not file order
    assert (meta["first_event"], meta["last_event"]) == ("2025-03-01T10:01:00Z", "2025-03-01T10:07:00Z")
    assert meta["source_files"] == [
        {
            "path": str(events_file),
            "sha256": hashlib.sha256(events_file.read_bytes()).hexdigest(),
            "bytes": events_file.stat().st_size,
        }
    ]
    assert meta["events_included"] == "violations" and meta["identifier_values"] == "masked"
    summary = doc["summary"]
    assert summary["events"] == 3 and summary["violations"] == 2 and summary["blocked"] == 1
    assert summary["by_verdict"] == {"violation": 2, "allowed": 1}
    assert summary["by_action"] == {"logged": 2, "blocked": 1}
    assert summary["by_type"] == {"imei": 2, "ad_id": 1, "iccid": 1}
    assert summary["by_category"] == {"device": 2, "online": 1, "subscriber": 1}
    assert summary["by_country"] == {"CN": 2, "NO": 1}
    assert summary["by_domain"] == {"example.cn": 1, "example.no": 1, "vnet.cn": 1}
    assert summary["by_host"] == {"api.example.no": 1, "log.example.cn": 1, "zzhc.vnet.cn": 1}
    assert summary["by_rule"] == {"eea-only": 1, "no-subscriber-ids-abroad": 1}
    assert summary["guard_stats"]["flows"] == 25
    assert [e["flow_id"] for e in doc["events"]] == ["f1", "f2"]


def test_all_includes_allowed_events(events_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    assert run_export(events_file, "-o", out, "--all") == EXIT_OK
    doc = load(out)
    report_validator().validate(doc)
    assert doc["metadata"]["events_included"] == "all"
    assert [Event.model_validate(e) for e in doc["events"]] == [r for r in standard_session() if isinstance(r, Event)]


def test_exceptions_are_counted_with_their_legal_basis(tmp_path: Path) -> None:
    path = write_events(
        tmp_path / "e.jsonl",
        [
            session(),
            event(host="act.hmd.sg", country="SG", domain="hmd.sg", verdict="allowed", exception="hmd-singapore-scc"),
        ],
    )
    out = tmp_path / "r.json"
    assert run_export(path, "-o", out, "--all") == EXIT_OK
    doc = load(out)
    assert doc["summary"]["by_exception"] == {"hmd-singapore-scc": 1}
    assert doc["events"][0]["rules"][0]["legal_basis"] == "SCC 2021/914"


def test_full_identifier_values_are_stripped_unless_revealed(tmp_path: Path) -> None:
    path = write_events(tmp_path / "e.jsonl", [session(), event(reveal=True)])
    assert IMEI.encode() in path.read_bytes()
    masked = tmp_path / "masked.json"
    assert run_export(path, "-o", masked) == EXIT_OK
    assert IMEI.encode() not in masked.read_bytes()
    assert load(masked)["events"][0]["identifiers"][0]["masked"] == "49…18"
    ecs = tmp_path / "masked.ndjson"
    assert run_export(path, "-o", ecs, "--format", "ecs") == EXIT_OK
    assert IMEI.encode() not in ecs.read_bytes()

    revealed = tmp_path / "revealed.json"
    assert run_export(path, "-o", revealed, "--reveal-identifiers") == EXIT_OK
    doc = load(revealed)
    assert doc["metadata"]["identifier_values"] == "revealed"
    assert doc["events"][0]["identifiers"][0]["value"] == IMEI


def test_ecs_documents(events_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.ndjson"
    assert run_export(events_file, "-o", out, "--format", "ecs") == EXIT_OK
    docs = [orjson.loads(line) for line in out.read_bytes().splitlines()]
    assert len(docs) == 2
    blocked = next(d for d in docs if d["event"]["id"] == "f2")
    assert blocked["@timestamp"] == "2025-03-01T10:07:00Z"
    assert blocked["event"]["kind"] == "alert"
    assert blocked["event"]["category"] == ["network"]
    assert blocked["event"]["action"] == "transfer-blocked"
    assert blocked["event"]["outcome"] == "failure"
    assert blocked["source"] == {"ip": "192.0.2.10", "port": 40000}
    dest = blocked["destination"]
    assert (dest["ip"], dest["port"], dest["domain"], dest["registered_domain"]) == (
        "203.0.113.7",
        80,
        "log.example.cn",
        "example.cn",
    )
    assert dest["geo"]["country_iso_code"] == "CN"
    assert dest["as"] == {"number": 4134, "organization": {"name": "CHINANET"}}
    assert blocked["url"]["original"] == "http://log.example.cn/"
    assert blocked["http"] == {"request": {"method": "POST"}, "version": "1.1"}
    assert blocked["rule"]["name"] == ["no-subscriber-ids-abroad"]
    rg = blocked["residency_guard"]
    assert rg["identifier_types"] == ["iccid", "imei"]
    assert {i["type"] for i in rg["identifiers"]} == {"imei", "iccid"}
    assert rg["session_id"] == "s1" and rg["policy"]["sha256"] == "ab" * 32

    all_out = tmp_path / "all.ndjson"
    assert run_export(events_file, "-o", all_out, "--format", "ecs", "--all") == EXIT_OK
    docs = [orjson.loads(line) for line in all_out.read_bytes().splitlines()]
    allowed = next(d for d in docs if d["event"]["id"] == "f3")
    assert allowed["event"]["kind"] == "event" and allowed["event"]["outcome"] == "success"


def test_ecs_leaves_out_an_unknown_country(tmp_path: Path) -> None:
    path = write_events(tmp_path / "e.jsonl", [session(), event(country="unknown")])
    out = tmp_path / "o.ndjson"
    assert run_export(path, "-o", out, "--format", "ecs") == EXIT_OK
    doc = orjson.loads(out.read_bytes())
    assert "geo" not in doc["destination"]
    assert doc["residency_guard"]["country"] == "unknown"


CLEAN = [session(), event(verdict="allowed", country="NO", domain="example.no", host="a.example.no")]
LOGGED = [session(), event(action="logged")]
BLOCKED = [session(), event(action="blocked")]


@pytest.mark.parametrize(
    ("records", "fail_on", "status"),
    [
        (CLEAN, "violation", EXIT_OK),
        (CLEAN, "block", EXIT_OK),
        (LOGGED, "violation", EXIT_GATE),
        (LOGGED, "block", EXIT_OK),
        (LOGGED, "none", EXIT_OK),
        (BLOCKED, "violation", EXIT_GATE),
        (BLOCKED, "block", EXIT_GATE),
        (BLOCKED, "none", EXIT_OK),
    ],
    ids=lambda v: v if isinstance(v, str | int) else None,
)
def test_gate_exit_status(tmp_path: Path, records: list, fail_on: str, status: int) -> None:
    path = write_events(tmp_path / "e.jsonl", records)
    out = tmp_path / "r.json"
    assert run_export(path, "-o", out, "--fail-on", fail_on) == status
    assert out.exists()  # the evidence is written whether the gate trips or not


def test_gate_sees_violations_even_in_an_ecs_export_of_another_session(tmp_path: Path) -> None:
    path = write_events(tmp_path / "e.jsonl", [*CLEAN, session("s2"), event(action="blocked")])
    assert run_export(path, "-o", tmp_path / "s1.json", "--session", "s1", "--fail-on", "block") == EXIT_OK
    assert run_export(path, "-o", tmp_path / "all.ndjson", "--format", "ecs", "--fail-on", "block") == EXIT_GATE


def test_input_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_export(tmp_path / "missing.jsonl", "-o", tmp_path / "r.json") == EXIT_INPUT
    assert "no such events file" in capsys.readouterr().err

    bad = tmp_path / "bad.jsonl"
    write_events(bad, [session()])
    with open(bad, "ab") as fh:
        fh.write(orjson.dumps({**event().model_dump(mode="json"), "verdict": "maybe"}) + b"\n")
    assert run_export(bad, "-o", tmp_path / "r.json") == EXIT_INPUT
    err = capsys.readouterr().err
    assert f"{bad}:2: invalid Event record: verdict" in err
    assert not (tmp_path / "r.json").exists()

    good = write_events(tmp_path / "good.jsonl", standard_session())
    assert run_export(good, "-o", tmp_path / "no-such-dir" / "r.json") == EXIT_INPUT
    assert "cannot write" in capsys.readouterr().err
    assert run_export(good, "-o", tmp_path / "r.json", "--session", "nope") == EXIT_INPUT
    assert "no session 'nope' (sessions: s1)" in capsys.readouterr().err
    assert run_export(tmp_path, "-o", tmp_path / "r.json") == EXIT_INPUT

    for argv in (["--format", "xml"], ["--fail-on", "anything"]):
        with pytest.raises(SystemExit) as exc:
            run_export(good, *argv)
        assert exc.value.code == EXIT_INPUT
    assert run_export() == EXIT_INPUT  # neither an events file nor --db
    assert "give either an events file or --db" in capsys.readouterr().err


def test_torn_last_line_is_reported_not_fatal(
    events_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open(events_file, "ab") as fh:
        fh.write(b'{"timestamp": "2025-03-01T10:09:00Z", "event_ty')
    out = tmp_path / "r.json"
    assert run_export(events_file, "-o", out) == EXIT_OK
    assert "warning:" in capsys.readouterr().err
    doc = load(out)
    assert doc["metadata"]["skipped_lines"] == [f"{events_file}:{len(standard_session()) + 1}"]
    assert doc["summary"]["events"] == 3


def test_unknown_record_types_are_skipped_and_listed(events_file: Path, tmp_path: Path) -> None:
    with open(events_file, "ab") as fh:
        fh.write(b'{"event_type": "dns", "timestamp": "2025-03-01T10:09:00Z"}\n')
    out = tmp_path / "r.json"
    assert run_export(events_file, "-o", out) == EXIT_OK
    assert load(out)["metadata"]["skipped_lines"] == [f"{events_file}:{len(standard_session()) + 1}"]


def test_one_report_per_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_events(
        tmp_path / "e.jsonl", [*standard_session("run1"), *standard_session("run/2")[:2], stats("run/2")]
    )
    assert run_export(path, "-o", tmp_path / "report.json") == EXIT_OK
    first, second = load(tmp_path / "report.run1.json"), load(tmp_path / "report.run_2.json")
    assert not (tmp_path / "report.json").exists()
    assert (first["metadata"]["session_id"], first["summary"]["events"]) == ("run1", 3)
    assert (second["metadata"]["session_id"], second["summary"]["events"]) == ("run/2", 1)
    assert second["summary"]["guard_stats"]["session_id"] == "run/2"
    assert run_export(path) == EXIT_INPUT  # several documents cannot share stdout
    assert "give -o FILE" in capsys.readouterr().err


def test_report_follows_rotated_files(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    flows = [event(flow_id=f"f{i:02d}", ts=f"2025-03-01T10:{i:02d}:00Z") for i in range(30)]
    write_events(path, [session("rot"), *flows], max_bytes=5000)
    out = tmp_path / "r.json"
    assert run_export(path, "-o", out) == EXIT_OK
    doc = load(out)
    assert doc["metadata"]["session_id"] == "rot"
    assert [e["flow_id"] for e in doc["events"]] == [f"f{i:02d}" for i in range(30)]
    sources = [Path(s["path"]).name for s in doc["metadata"]["source_files"]]
    assert sources[-1] == "events.jsonl" and sources[0] == f"events.jsonl.{len(sources) - 1}"
    assert doc["metadata"]["first_event"] == "2025-03-01T10:00:00Z"


def test_events_before_any_session_record_are_kept(tmp_path: Path) -> None:
    path = write_events(tmp_path / "e.jsonl", [event(flow_id="orphan")])
    out = tmp_path / "r.json"
    assert run_export(path, "-o", out) == EXIT_OK
    doc = load(out)
    report_validator().validate(doc)
    assert doc["metadata"]["session_id"] is None and doc["metadata"]["policy"] is None
    assert [e["flow_id"] for e in doc["events"]] == ["orphan"]


def test_empty_events_file_gives_an_empty_clean_report(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_bytes(b"")
    out = tmp_path / "r.json"
    assert run_export(path, "-o", out, "--fail-on", "violation") == EXIT_OK
    assert load(out)["summary"]["events"] == 0


def _gen_schemas():
    spec = importlib.util.spec_from_file_location("gen_schemas", ROOT / "scripts" / "gen_schemas.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_schemas_match_the_models() -> None:
    for path, text in _gen_schemas().generated().items():
        assert path.exists(), f"{path} missing: run make schemas"
        assert path.read_text(encoding="utf-8") == text, f"{path} is out of date: run make schemas"


def test_installed_command_line_exit_statuses(events_file: Path, tmp_path: Path) -> None:
    import subprocess
    import sys

    guard = Path(sys.executable).parent / "residency-guard"
    out = tmp_path / "cli.json"
    gate = subprocess.run(
        [guard, "export", events_file, "-o", out, "--fail-on", "block"], capture_output=True, text=True, timeout=60
    )
    assert gate.returncode == EXIT_GATE, gate.stderr
    assert "gate tripped (--fail-on block)" in gate.stderr
    assert load(out)["summary"]["blocked"] == 1
    clean = subprocess.run(
        [guard, "export", events_file, "-o", out, "--fail-on", "none"], capture_output=True, timeout=60
    )
    assert clean.returncode == EXIT_OK
    usage = subprocess.run([guard, "export", events_file, "--fail-on", "maybe"], capture_output=True, timeout=60)
    assert usage.returncode == EXIT_INPUT
