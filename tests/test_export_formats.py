"""``export --format junit`` and ``--format ocsf``: structure checked against the formats' rules."""

from __future__ import annotations

import argparse
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import orjson
import pytest
from defusedxml import ElementTree as SafeET

from _evidence_samples import IMEI, event, session, standard_session, stats, write_events
from residency_guard.commands import export
from residency_guard.evidence import EXIT_GATE, EXIT_OK
from residency_guard.evidence.ocsf import OCSF_VERSION


def run_export(*argv: str | Path) -> int:
    parser = argparse.ArgumentParser(prog="residency-guard")
    export.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["export", *map(str, argv)])
    return args.func(args)


# ---------------------------------------------------------------------------------------------- JUnit

# The rules of the Ant/Jenkins JUnit schema (junit-4.xsd) and Maven Surefire's report, written out.
_INT = re.compile(r"^\d+$")
_DECIMAL = re.compile(r"^\d+(\.\d+)?$")
_ISO8601_NO_ZONE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$")
SUITE_REQUIRED = ("name", "tests", "failures", "errors", "skipped", "time", "timestamp")
SUITE_CHILD_ORDER = ("properties", "testcase", "system-out", "system-err")
CASE_CHILD_ORDER = ("skipped", "error", "failure", "system-out", "system-err")


def _check_order(element: Element, order: tuple[str, ...]) -> None:
    ranks = [order.index(child.tag) for child in element]  # ValueError: an element the schema does not allow
    assert ranks == sorted(ranks), f"<{element.tag}> children out of order: {[c.tag for c in element]}"


def _check_testcase(case: Element) -> str:
    assert set(case.attrib) <= {"name", "classname", "time"} and case.get("name") and case.get("classname")
    assert _DECIMAL.match(case.get("time", "0"))
    _check_order(case, CASE_CHILD_ORDER)
    outcomes = [c for c in case if c.tag in ("skipped", "error", "failure")]
    assert len(outcomes) <= 1, "a testcase has at most one of skipped / error / failure"
    assert [c.tag for c in case].count("system-out") <= 1
    for outcome in outcomes:
        assert set(outcome.attrib) <= {"message", "type"}
        if outcome.tag == "failure":
            assert outcome.get("message") and outcome.get("type")
    return outcomes[0].tag if outcomes else "passed"


def check_junit(document: bytes) -> Element:
    """Parse strictly (defusedxml: no DTD, no entities) and check every structural rule of the schema."""
    assert document.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = SafeET.fromstring(document, forbid_dtd=True)
    assert root.tag == "testsuites" and all(child.tag == "testsuite" for child in root)
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root:
        for attr in SUITE_REQUIRED:
            assert suite.get(attr) is not None, f"testsuite without {attr}"
        for attr in totals:
            assert _INT.match(suite.get(attr, ""))
            totals[attr] += int(suite.get(attr, "0"))
        assert _DECIMAL.match(suite.get("time", "")) and _ISO8601_NO_ZONE.match(suite.get("timestamp", ""))
        _check_order(suite, SUITE_CHILD_ORDER)
        assert [c.tag for c in suite].count("properties") <= 1
        for prop in suite.iter("property"):
            assert set(prop.attrib) == {"name", "value"}
        outcomes = [_check_testcase(c) for c in suite.findall("testcase")]
        assert int(suite.get("tests", "")) == len(outcomes)
        assert int(suite.get("failures", "")) == outcomes.count("failure")
        assert int(suite.get("errors", "")) == outcomes.count("error")
        assert int(suite.get("skipped", "")) == outcomes.count("skipped")
    for attr, total in totals.items():
        assert int(root.get(attr, "")) == total
    assert float(root.get("time", "")) == pytest.approx(sum(float(s.get("time", "")) for s in root))
    return root


def cases(root: Element) -> dict[tuple[str | None, str | None], Element]:
    return {(c.get("classname"), c.get("name")): c for c in root.iter("testcase")}


def test_junit_testcases_per_rule_and_destination(tmp_path: Path) -> None:
    path = write_events(
        tmp_path / "e.jsonl",
        [
            *standard_session(),
            event(flow_id="f4", ts="2025-03-01T10:09:00Z", reveal=True),  # same rule × destination as f1
            event(
                flow_id="f5",
                host="api.hmdglobal.com",
                country="FI",
                domain="hmdglobal.com",
                verdict="allowed",
                exception="exception.hmd",
            ),
        ],
    )
    out = tmp_path / "junit.xml"
    assert run_export(path, "-o", out, "--format", "junit", "--fail-on", "violation") == EXIT_GATE
    document = out.read_bytes()
    root = check_junit(document)
    assert IMEI not in document.decode()  # even an event recorded with the full value
    (suite,) = root
    assert suite.get("timestamp") == "2025-03-01T10:01:00"  # the first event, not file order
    assert float(suite.get("time", "")) == 480.0  # 10:01 → 10:09
    assert {p.get("name"): p.get("value") for p in suite.iter("property")}["policy"] == "gdpr-eea"
    by_key = cases(root)
    assert set(by_key) == {
        ("eea-only", "vnet.cn"),
        ("no-subscriber-ids-abroad", "example.cn"),
        ("transfer.online", "example.no"),
        ("exception.hmd", "hmdglobal.com"),
    }
    failure = by_key[("eea-only", "vnet.cn")].find("failure")
    assert failure is not None
    assert failure.get("message") == "eea-only: imei sent to CN, 2 events (0 blocked)"
    assert "imei=49…18" in (failure.text or "") and "f4" in (failure.text or "")
    blocked = by_key[("no-subscriber-ids-abroad", "example.cn")].find("failure")
    assert blocked is not None and blocked.get("message") == (
        "no-subscriber-ids-abroad: iccid+imei sent to CN, 1 event (1 blocked)"
    )
    passed = by_key[("exception.hmd", "hmdglobal.com")]
    assert list(passed)[0].tag == "system-out" and "SCC 2021/914" in (passed.findtext("system-out") or "")
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("4", "2", "0")


def test_junit_baselined_pairs_are_skipped_and_expired_ones_fail(tmp_path: Path) -> None:
    path = write_events(tmp_path / "e.jsonl", standard_session())
    baseline = tmp_path / "b.yaml"
    baseline.write_text(
        "accepted:\n"
        "  - {rule: eea-only, country: CN, justification: 'ZZHC, until the fix'}\n"
        "  - {rule: no-subscriber-ids-abroad, domain: example.cn, justification: old, expires: 2024-01-01}\n"
    )
    out = tmp_path / "junit.xml"
    assert run_export(path, "-o", out, "--format", "junit", "--baseline", baseline) == EXIT_OK  # --fail-on none
    root = check_junit(out.read_bytes())
    by_key = cases(root)
    skipped = by_key[("eea-only", "vnet.cn")].find("skipped")
    assert skipped is not None and skipped.get("message") == "baselined: ZZHC, until the fix"
    assert "accepted by baseline: eea-only: any type → country CN" in (
        by_key[("eea-only", "vnet.cn")].findtext("system-out") or ""
    )
    failure = by_key[("no-subscriber-ids-abroad", "example.cn")].find("failure")
    assert failure is not None
    assert "baseline entry #2 (no-subscriber-ids-abroad: any type → example.cn) expired on 2024-01-01" in (
        failure.get("message") or ""
    )
    (suite,) = root
    assert (suite.get("tests"), suite.get("failures"), suite.get("skipped")) == ("3", "1", "1")


def test_junit_one_suite_per_session_and_an_empty_session(tmp_path: Path) -> None:
    path = write_events(
        tmp_path / "e.jsonl", [*standard_session("a"), session("b"), event(flow_id="x", country="US", host="a.us")]
    )
    out = tmp_path / "junit.xml"
    assert run_export(path, "-o", out, "--format", "junit") == EXIT_OK
    root = check_junit(out.read_bytes())
    assert [s.get("name") for s in root] == ["residency-guard session a", "residency-guard session b"]
    assert root.get("tests") == "4"
    empty = write_events(tmp_path / "empty.jsonl", [session("e"), stats("e")])
    assert run_export(empty, "-o", out, "--format", "junit") == EXIT_OK
    (suite,) = check_junit(out.read_bytes())
    assert suite.get("tests") == "0" and suite.get("time") == "0.000"
    assert suite.get("timestamp") == "2025-03-01T10:00:00"  # the session record's time


# ---------------------------------------------------------------------------------------------- OCSF

# OCSF 1.3.0, class data_security_finding (2006, category Findings 2): every attribute the class requires
# (its own, those it inherits from finding and base_event, and the required attributes of the objects
# they hold), with its type and, for enums, the values the schema defines.
SEVERITY_IDS = {0, 1, 2, 3, 4, 5, 6, 99}
ACTIVITY_IDS = {0, 1, 2, 3, 4, 99}
REQUIRED: dict[str, type | tuple[type, ...]] = {
    "activity_id": int,
    "category_uid": int,
    "class_uid": int,
    "finding_info": dict,
    "metadata": dict,
    "severity_id": int,
    "time": int,  # timestamp_t: milliseconds since the epoch
    "type_uid": int,
}
REQUIRED_FINDING_INFO: dict[str, type] = {"uid": str, "title": str}  # title: required up to 1.3
REQUIRED_METADATA: dict[str, type] = {"product": dict, "version": str}
ENUMS: dict[str, set[int]] = {
    "disposition_id": {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 99},
    "action_id": {0, 1, 2, 3, 4, 99},
    "status_id": {0, 1, 2, 3, 4, 5, 6, 99},
    "confidence_id": {0, 1, 2, 3, 99},
}
DATA_SECURITY_ENUMS: dict[str, set[int]] = {
    "data_lifecycle_state_id": {0, 1, 2, 3, 99},
    "detection_system_id": {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 99},
    "category_id": {0, 1, 2, 3, 4, 5, 6, 99},
}


def check_ocsf_finding(doc: dict[str, Any]) -> None:
    for name, kind in REQUIRED.items():
        assert name in doc, f"required attribute {name} missing"
        assert isinstance(doc[name], kind) and not isinstance(doc[name], bool), f"{name}: {doc[name]!r}"
    assert doc["class_uid"] == 2006 and doc["category_uid"] == 2
    assert doc["activity_id"] in ACTIVITY_IDS and doc["severity_id"] in SEVERITY_IDS
    assert doc["type_uid"] == doc["class_uid"] * 100 + doc["activity_id"]
    for name, kind in REQUIRED_FINDING_INFO.items():
        assert isinstance(doc["finding_info"].get(name), kind) and doc["finding_info"][name]
    for name, kind in REQUIRED_METADATA.items():
        assert isinstance(doc["metadata"].get(name), kind)
    assert re.match(r"^1\.([1-9]|\d{2,})\.\d+$", doc["metadata"]["version"])  # OCSF 1.1 or later
    assert isinstance(doc["metadata"]["product"].get("name"), str)
    for name, values in ENUMS.items():
        if name in doc:
            assert doc[name] in values, f"{name}={doc[name]}"
    for name, values in DATA_SECURITY_ENUMS.items():
        assert doc["data_security"][name] in values
    for endpoint in ("src_endpoint", "dst_endpoint"):
        assert isinstance(doc[endpoint].get("ip"), str) and isinstance(doc[endpoint].get("port"), int)
    # the year is plausible: milliseconds, not seconds
    assert datetime.fromtimestamp(doc["time"] / 1000, UTC).year == 2025


def test_ocsf_one_finding_per_violation_with_every_required_attribute(tmp_path: Path) -> None:
    path = write_events(tmp_path / "e.jsonl", [*standard_session(), event(flow_id="f4", reveal=True)])
    out = tmp_path / "findings.jsonl"
    assert run_export(path, "-o", out, "--format", "ocsf", "--all") == EXIT_OK
    text = out.read_text()
    assert IMEI not in text
    docs = [orjson.loads(line) for line in text.splitlines()]
    assert [d["finding_info"]["uid"] for d in docs] == ["s1:f1", "s1:f2", "s1:f4"]  # f3 was allowed
    for doc in docs:
        check_ocsf_finding(doc)
    logged, blocked = docs[0], docs[1]
    assert logged["metadata"]["version"] == OCSF_VERSION == "1.3.0"
    assert logged["metadata"]["product"] == {
        "name": "residency-guard",
        "vendor_name": "residency-guard",
        "version": "0.1.0",
    }
    assert (logged["disposition_id"], logged["severity_id"]) == (1, 4)
    assert (blocked["disposition_id"], blocked["action_id"], blocked["severity_id"]) == (2, 2, 3)
    assert blocked["finding_info"]["title"] == "iccid+imei to CN (example.cn)"
    assert blocked["finding_info"]["types"] == ["no-subscriber-ids-abroad"]
    assert blocked["dst_endpoint"]["location"] == {"country": "CN"}
    assert blocked["dst_endpoint"]["hostname"] == "log.example.cn"
    ds = blocked["data_security"]
    assert (ds["data_lifecycle_state_id"], ds["detection_system_id"], ds["category_id"]) == (2, 5, 1)
    ids = blocked["unmapped"]["residency_guard"]["identifiers"]
    assert [i["masked"] for i in ids] == ["49…18", "89…17"] and all("value" not in i for i in ids)


def test_ocsf_reveals_only_when_asked_and_leaves_out_an_unknown_country(tmp_path: Path) -> None:
    path = write_events(tmp_path / "e.jsonl", [session(), event(reveal=True, country="unknown")])
    out = tmp_path / "f.jsonl"
    assert run_export(path, "-o", out, "--format", "ocsf", "--reveal-identifiers") == EXIT_OK
    (doc,) = [orjson.loads(line) for line in out.read_text().splitlines()]
    check_ocsf_finding(doc)
    assert doc["unmapped"]["residency_guard"]["identifiers"][0]["value"] == IMEI
    assert "location" not in doc["dst_endpoint"]


def test_junit_passes_for_categories_the_judge_checked_clean(tmp_path: Path) -> None:
    """With the judge's rule names, a category sent without its transfer rule firing is a passed testcase;
    an unknown country proves nothing (the transfer rules are not checked there)."""
    subscriber_only = event(flow_id="g1", types=("imei", "iccid"), rule="transfer.subscriber")
    subscriber_only = subscriber_only.model_copy(
        update={"rules": [r.model_copy(update={"types": ["iccid"]}) for r in subscriber_only.rules]}
    )
    unknown = event(flow_id="g2", host="x.example", domain="x.example", country="unknown", rule="unknown_country")
    path = write_events(tmp_path / "e.jsonl", [session(), subscriber_only, unknown])
    out = tmp_path / "junit.xml"
    assert run_export(path, "-o", out, "--format", "junit") == EXIT_OK
    by_key = cases(check_junit(out.read_bytes()))
    assert set(by_key) == {
        ("transfer.subscriber", "vnet.cn"),
        ("transfer.device", "vnet.cn"),
        ("unknown_country", "x.example"),
    }
    device = by_key[("transfer.device", "vnet.cn")]
    assert [c.tag for c in device] == ["system-out"] and "g1: imei to CN" in (device.findtext("system-out") or "")
    failure = by_key[("transfer.subscriber", "vnet.cn")].find("failure")
    assert (
        failure is not None and failure.get("message") == "transfer.subscriber: iccid sent to CN, 1 event (0 blocked)"
    )
