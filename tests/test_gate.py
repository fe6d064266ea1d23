"""The CI gate: ``--fail-on`` expressions (grammar, true and false cases, bad terms) and ``--baseline``."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

import pytest

from _evidence_samples import IMEI, event, session, standard_session, write_events
from residency_guard.commands import diff, export, replay
from residency_guard.errors import ConfigError
from residency_guard.evidence import EXIT_GATE, EXIT_INPUT, EXIT_OK
from residency_guard.evidence.baseline import Baseline, load_baseline
from residency_guard.evidence.gate import (
    GateContext,
    GateExpressionError,
    evaluate_gate,
    findings,
    gate_tripped,
    parse_fail_on,
)
from residency_guard.model import IDENTIFIER_TYPES

TODAY = date(2025, 6, 1)


def run(module, *argv: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="residency-guard")
    module.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args([module.NAME, *map(str, argv)])
    return args.func(args)


EVENTS = standard_session()[1:4]  # f1: imei → vnet.cn (CN) logged; f2: imei+iccid → example.cn blocked; f3 allowed


def trips(expression: str, events=EVENTS, **kwargs) -> bool:
    return evaluate_gate(events, parse_fail_on(expression, ("violation", "block", "introduced")), **kwargs).tripped


# ---------------------------------------------------------------------------------------------- grammar


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("none", False),
        ("violation", True),
        ("block", True),
        ("rule:eea-only", True),
        ("rule:eea", False),  # exact rule names
        ("type:imei", True),
        ("type:iccid", True),
        ("type:ad_id", False),  # only sent to NO, allowed
        ("type:mac", False),
        ("country:CN", True),
        ("country:cn", True),  # case-insensitive
        ("country:NO", False),  # an allowed transfer is no finding
        ("domain:example.cn", True),
        ("domain:vnet.cn", True),
        ("domain:zzhc.vnet.cn", True),
        ("domain:cn", True),  # names under a domain
        ("domain:example.no", False),
        ("domain:le.cn", False),  # a suffix of a label is not a domain
        ("type:imei+country:CN", True),
        ("type:iccid+rule:eea-only", False),  # AND on the same finding: the iccid went under another rule
        ("type:iccid+block", True),
        ("type:imei+rule:eea-only+block", False),  # f1 (eea-only) was logged, not blocked
        ("type:mac,domain:example.no", False),
        ("type:mac,domain:example.cn", True),  # OR
        (" type:mac , block ", True),  # spaces ignored
        ("country:unknown", False),
    ],
)
def test_expression_cases(expression: str, expected: bool) -> None:
    assert trips(expression) is expected


def test_old_values_work_identically() -> None:
    clean = [event(verdict="allowed", types=("ad_id",))]
    logged = [event()]
    blocked = [event(action="blocked")]
    for events, violation, block in ((clean, False, False), (logged, True, False), (blocked, True, True)):
        assert gate_tripped(events, "violation") is violation
        assert gate_tripped(events, "block") is block
        assert gate_tripped(events, "none") is False


def test_a_rule_without_types_is_one_finding_without_a_type() -> None:
    refused = event(types=(), rule="refuse", action="blocked")
    (finding,) = findings([refused])
    assert finding.type is None and finding.key == ("refuse", "-", "vnet.cn")
    assert trips("rule:refuse", [refused]) and not trips("type:imei", [refused])


def test_introduced_atom() -> None:
    old_keys = {("eea-only", "imei", "vnet.cn")}
    assert trips("introduced", context=GateContext(old_keys=old_keys))  # f2's keys are new
    assert not trips("introduced+rule:eea-only", context=GateContext(old_keys=old_keys))
    assert trips("introduced+type:iccid+country:CN", context=GateContext(old_keys=old_keys))


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("vilation", "'vilation': unknown term"),
        ("introduced", "'introduced': unknown term"),  # diff only
        ("colour:red", "'colour:red': unknown key 'colour' (keys: rule, type, country, domain)"),
        ("type:imie", "'type:imie': unknown identifier type 'imie' (known: imei, "),
        ("type:imei+country:CHN", "'country:CHN': 'CHN' is not an ISO 3166-1 alpha-2 country code"),
        ("country:C1", "'country:C1': 'C1' is not an ISO 3166-1 alpha-2"),
        ("rule:", "'rule:': no value after 'rule:'"),
        ("domain:exa mple.cn", "is not a domain name"),
        ("violation,", "empty term"),
        ("type:imei++block", "empty term"),
        ("none,block", "'none' stands alone"),
    ],
)
def test_bad_terms_say_which_and_why(expression: str, message: str) -> None:
    with pytest.raises(GateExpressionError) as caught:
        parse_fail_on(expression)
    assert message in str(caught.value)


def test_every_identifier_type_is_accepted() -> None:
    for kind in IDENTIFIER_TYPES:
        parse_fail_on(f"type:{kind}")


def test_bad_expression_on_the_command_line_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_events(tmp_path / "e.jsonl", standard_session())
    for module, argv in (
        (export, [path]),
        (diff, [path, path]),
        (replay, [tmp_path / "c.har", "--events", tmp_path / "o.jsonl"]),
    ):
        with pytest.raises(SystemExit) as caught:
            run(module, *argv, "--fail-on", "type:imie+country:CN")
        assert caught.value.code == EXIT_INPUT
        err = capsys.readouterr().err
        assert "argument --fail-on: invalid expression: 'type:imie': unknown identifier type 'imie'" in err


def test_export_gate_with_an_expression(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_events(tmp_path / "e.jsonl", standard_session())
    out = tmp_path / "r.json"
    assert run(export, path, "-o", out, "--fail-on", "type:mac,country:RU") == EXIT_OK
    assert run(export, path, "-o", out, "--fail-on", "type:iccid+country:CN") == EXIT_GATE
    err = capsys.readouterr().err
    assert "gate tripped (--fail-on type:iccid+country:CN): 1 finding" in err
    assert "no-subscriber-ids-abroad: iccid → example.cn (CN), 1 event" in err
    assert IMEI not in err


def test_diff_combines_introduced_with_other_atoms(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write_events(tmp_path / "old.jsonl", [session("o"), event(flow_id="a")])
    new = write_events(
        tmp_path / "new.jsonl",
        [session("n"), event(flow_id="a"), event(flow_id="b", host="t.example.ru", country="RU", domain="example.ru")],
    )
    assert run(diff, old, new, "--fail-on", "introduced") == EXIT_GATE
    assert run(diff, old, new, "--fail-on", "introduced+country:RU") == EXIT_GATE
    assert run(diff, old, new, "--fail-on", "introduced+country:CN") == EXIT_OK
    assert run(diff, old, new, "--fail-on", "violation+country:CN") == EXIT_GATE  # present in NEW, not new
    assert run(diff, old, new, "--fail-on", "none") == EXIT_OK


# ---------------------------------------------------------------------------------------------- baseline


def write_baseline(path: Path, text: str) -> Path:
    path.write_text(text)
    return path


BASELINE = """\
accepted:
  - rule: no-subscriber-ids-abroad
    domain: example.cn
    justification: "activation server, SCCs signed (LEGAL-42)"
    expires: 2030-12-31
  - rule: eea-only
    type: imei
    country: CN
    justification: "ZZHC self-registration, accepted until the firmware fix"
  - rule: eea-only
    type: mac
    domain: unused.example
    justification: "never seen"
"""


def test_baseline_accepts_findings_and_warns_about_unused_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = load_baseline(write_baseline(tmp_path / "b.yaml", BASELINE))
    result = evaluate_gate(EVENTS, parse_fail_on("violation"), baseline, today=TODAY)
    assert not result.tripped and result.tripping == []
    assert sorted(f.key for f, _ in result.baselined) == [
        ("eea-only", "imei", "vnet.cn"),
        ("no-subscriber-ids-abroad", "iccid", "example.cn"),
        ("no-subscriber-ids-abroad", "imei", "example.cn"),
    ]
    assert [i for i, _ in result.unused] == [2]

    path = write_events(tmp_path / "e.jsonl", standard_session())
    assert run(
        export, path, "-o", tmp_path / "r.json", "--fail-on", "violation", "--baseline", tmp_path / "b.yaml"
    ) == (EXIT_OK)
    err = capsys.readouterr().err
    assert "baselined: eea-only: imei → vnet.cn (CN), 1 event — ZZHC self-registration" in err
    assert "baselined: no-subscriber-ids-abroad: iccid → example.cn (CN), 1 event" in err
    assert "warning: baseline entry #3 (eea-only: mac → unused.example) matched no finding" in err
    assert "gate tripped" not in err


def test_a_partial_baseline_still_trips_on_the_rest(tmp_path: Path) -> None:
    baseline = load_baseline(
        write_baseline(
            tmp_path / "b.yaml",
            "accepted:\n  - {rule: no-subscriber-ids-abroad, type: iccid, domain: example.cn, justification: ok}\n",
        )
    )
    result = evaluate_gate(EVENTS, parse_fail_on("violation"), baseline, today=TODAY)
    assert result.tripped
    assert sorted(f.key for f in result.tripping) == [
        ("eea-only", "imei", "vnet.cn"),
        ("no-subscriber-ids-abroad", "imei", "example.cn"),
    ]
    # the baselined finding does not trip an expression that only it matches
    assert not evaluate_gate(EVENTS, parse_fail_on("type:iccid"), baseline, today=TODAY).tripped


def test_an_expired_entry_trips_the_gate_and_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = BASELINE.replace("2030-12-31", "2025-01-31")
    baseline = load_baseline(write_baseline(tmp_path / "b.yaml", text))
    result = evaluate_gate(EVENTS, parse_fail_on("block"), baseline, today=TODAY)
    assert result.tripped and [i for i, _ in result.expired] == [0]
    assert {f.key[0] for f in result.tripping} == {"no-subscriber-ids-abroad"}  # no longer accepted
    # the last day is still valid
    assert not evaluate_gate(EVENTS, parse_fail_on("block"), baseline, today=date(2025, 1, 31)).tripped
    # --fail-on none never trips
    assert not evaluate_gate(EVENTS, parse_fail_on("none"), baseline, today=TODAY).tripped

    path = write_events(tmp_path / "e.jsonl", standard_session())
    status = run(export, path, "-o", tmp_path / "r.json", "--fail-on", "type:mac", "--baseline", tmp_path / "b.yaml")
    assert status == EXIT_GATE  # nothing matches type:mac, but an entry expired
    err = capsys.readouterr().err
    assert "baseline entry #1 (no-subscriber-ids-abroad: any type → example.cn) expired on 2025-01-31" in err
    assert "1 expired baseline entry" in err


def test_diff_marks_baselined_violations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = write_events(tmp_path / "old.jsonl", [session("o")])
    new = write_events(tmp_path / "new.jsonl", standard_session("n"))
    baseline = write_baseline(tmp_path / "b.yaml", BASELINE)
    assert run(diff, old, new, "--fail-on", "introduced", "--baseline", baseline) == EXIT_OK
    out = capsys.readouterr().out
    assert "introduced  eea-only: imei → vnet.cn  1 event  (baselined)" in out
    assert run(diff, old, new, "--fail-on", "introduced") == EXIT_GATE
    assert "(baselined)" not in capsys.readouterr().out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("accepted:\n  - rule: r\n    domain: a.cn\n", "b.yaml:2: accepted[0].justification: Field required"),
        (
            "accepted:\n  - rule: r\n    domain: a.cn\n    justification: '  '\n",
            "b.yaml:4: accepted[0].justification: a justification is required",
        ),
        (
            "accepted:\n  - rule: r\n    justification: ok\n",
            "accepted[0].domain: give exactly one of 'domain' or 'country'",
        ),
        (
            "accepted:\n  - rule: r\n    domain: a.cn\n    country: CN\n    justification: ok\n",
            "accepted[0].domain: give exactly one of 'domain' or 'country'",
        ),
        (
            "accepted:\n  - rule: r\n    type: imie\n    country: CN\n    justification: ok\n",
            "b.yaml:3: accepted[0].type: Input should be 'imei',",
        ),
        (
            "accepted:\n  - rule: r\n    country: China\n    justification: ok\n",
            "b.yaml:3: accepted[0].country: String should match pattern",
        ),
        (
            "accepted:\n  - rule: r\n    country: CN\n    justification: ok\n    expires: soon\n",
            "b.yaml:5: accepted[0].expires: Input should be a valid date",
        ),
        (
            "accepted:\n  - rule: r\n    country: CN\n    justification: ok\n    why: x\n",
            "accepted[0].why: Extra inputs",
        ),
        ("- rule: r\n", "(top level): a baseline file must be a YAML mapping"),
        ("accepted: [\n", "invalid YAML"),
    ],
)
def test_invalid_baseline_names_file_field_and_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, expected: str
) -> None:
    path = write_baseline(tmp_path / "b.yaml", text)
    with pytest.raises(ConfigError) as caught:
        load_baseline(path)
    assert expected in str(caught.value)
    events = write_events(tmp_path / "e.jsonl", standard_session())
    assert run(export, events, "-o", tmp_path / "r.json", "--baseline", path) == EXIT_INPUT
    assert run(diff, events, events, "--baseline", path) == EXIT_INPUT
    assert expected in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()  # refused before writing anything


def test_missing_baseline_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    events = write_events(tmp_path / "e.jsonl", standard_session())
    assert run(export, events, "--baseline", tmp_path / "nope.yaml") == EXIT_INPUT
    assert "nope.yaml: cannot read baseline file" in capsys.readouterr().err
    har = tmp_path / "c.har"
    har.write_text('{"log": {"entries": []}}')
    status = run(replay, har, "--events", tmp_path / "o.jsonl", "--baseline", tmp_path / "nope.yaml")
    assert status == EXIT_INPUT


def test_empty_baseline_is_valid() -> None:
    assert Baseline.model_validate({}).accepted == []
