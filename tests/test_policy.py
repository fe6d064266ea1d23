"""Policies: loading with clear errors, and the pure judge."""

from __future__ import annotations

from pathlib import Path

import pytest

from residency_guard.errors import ConfigError
from residency_guard.model import Destination, Hit
from residency_guard.policy import LoadedPolicy, Policy, judge, judge_connection, load_policy

REPO = Path(__file__).resolve().parents[1]
GDPR = load_policy(REPO / "policies" / "gdpr-eea.yaml")
STRICT = load_policy(REPO / "policies" / "lab-strict.yaml")
DOJ = load_policy(REPO / "policies" / "us-doj-bulk-data.yaml")


def hit(type_: str) -> Hit:
    return Hit(type=type_, value="x", where="body", chain=())


def dest(country: str, host: str = "example.test", asn: int | None = None, domain: str | None = None) -> Destination:
    return Destination(host=host, ip="192.0.2.1", port=80, country=country, asn=asn, domain=domain)


@pytest.mark.parametrize("path", sorted((REPO / "policies").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_policies_load(path):
    assert load_policy(path).name == path.stem


def test_norway_is_a_country_not_false():
    # YAML 1.1 reads NO as a boolean; the loader must keep it a string.
    assert GDPR.permits("device", "NO")
    assert STRICT.permits("device", "NO")


def test_device_identifiers_to_china_over_https_are_blocked():
    j = judge([hit("imei"), hit("mac")], dest("CN"), tls=True, policy=GDPR)
    assert (j.verdict, j.action) == ("violation", "blocked")
    assert [r.rule for r in j.rules] == ["transfer.device"]
    assert set(j.rules[0].types) == {"imei", "mac"}


def test_each_category_is_judged_on_its_own():
    j = judge([hit("imei"), hit("iccid"), hit("cell_id")], dest("CN"), tls=True, policy=GDPR)
    assert {r.rule for r in j.rules} == {"transfer.device", "transfer.subscriber", "transfer.location"}


def test_eea_and_adequate_countries_are_allowed_over_https():
    for country in ("DE", "NO", "IS", "CH", "JP", "GB", "BR", "RE"):
        j = judge([hit("imei")], dest(country), tls=True, policy=GDPR)
        assert (j.verdict, j.action, j.rules) == ("allowed", "logged", ()), country


def test_cleartext_is_flagged_but_only_logged():
    j = judge([hit("imei")], dest("DE"), tls=False, policy=GDPR)
    assert (j.verdict, j.action) == ("violation", "logged")
    assert [r.rule for r in j.rules] == ["cleartext"]


def test_united_states_only_through_a_named_exception_with_legal_basis():
    blocked = judge([hit("ad_id")], dest("US", host="tracker.example.com", domain="example.com"), True, GDPR)
    assert blocked.action == "blocked"
    allowed = judge(
        [hit("ad_id")], dest("US", host="firebaselogging.googleapis.com", domain="googleapis.com"), True, GDPR
    )
    assert (allowed.verdict, allowed.action) == ("allowed", "logged")
    (rule,) = allowed.rules
    assert rule.outcome == "exception" and rule.rule == "exception.google-dpf"
    assert "Data Privacy Framework" in rule.legal_basis


def test_exception_is_limited_to_its_countries():
    sg = judge([hit("imei")], dest("SG", host="activation.hmdglobal.com"), True, GDPR)
    assert sg.verdict == "allowed" and sg.rules[0].rule == "exception.hmd-activation-sg"
    cn = judge([hit("imei")], dest("CN", host="activation.hmdglobal.com"), True, GDPR)
    assert cn.action == "blocked"


def test_exception_by_asn():
    policy = LoadedPolicy.of(
        Policy.model_validate(
            {
                "name": "p",
                "default": {"allow": ["DE"], "action": "block"},
                "exceptions": [{"name": "aws-sg", "asns": [16509], "legal_basis": "SCCs signed 2024"}],
            }
        )
    )
    assert judge([hit("imei")], dest("SG", asn=16509), True, policy).verdict == "allowed"
    assert judge([hit("imei")], dest("SG", asn=4134), True, policy).verdict == "violation"


def test_unknown_country_follows_its_rule():
    j = judge([hit("imei")], dest("unknown"), True, GDPR)
    assert (j.verdict, j.action, j.rules[0].rule) == ("violation", "logged", "unknown_country")
    j = judge([hit("imei")], dest("unknown"), True, STRICT)
    assert j.action == "blocked"


def test_no_hits_no_verdict():
    assert judge([], dest("CN"), False, GDPR).verdict == "allowed"


def test_deny_list_policy():
    assert DOJ.permits("device", "US") and not DOJ.permits("device", "HK")
    # Per request the DOJ policy logs; its volume rules block once bulk (test_volume).
    assert (
        judge([hit("imei")], dest("RU"), True, DOJ).verdict,
        judge([hit("imei")], dest("RU"), True, DOJ).action,
    ) == (
        "violation",
        "logged",
    )
    assert judge([hit("imei")], dest("FR"), True, DOJ).verdict == "allowed"


def test_connection_refusal_only_where_the_policy_refuses_outright():
    assert judge_connection(dest("CN"), None, GDPR) is None  # gdpr-eea judges content, not connections
    assert judge_connection(dest("CN"), None, DOJ) is None  # a refused connection could not be counted
    assert judge_connection(dest("DE"), None, STRICT).rule == "refuse"
    assert judge_connection(dest("NO"), None, STRICT) is None
    assert judge_connection(dest("unknown"), None, STRICT).rule == "refuse"


def test_connection_refusal_by_sni_domain():
    policy = LoadedPolicy.of(
        Policy.model_validate(
            {"name": "p", "default": {"allow": ["NO"]}, "refuse": {"domains": ["vnet.cn"], "reason": "ZZHC"}}
        )
    )
    assert judge_connection(dest("NO", host="192.0.2.1"), "zzhc.vnet.cn", policy).rule == "refuse"
    assert judge_connection(dest("NO", host="192.0.2.1"), "vnet.cn.example.org", policy) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("name: p\ndefault:\n  allow: [EEA]\n", ":3: default.allow[0]: 'EEA' is neither"),
        ("name: p\ndefault:\n  action: drop\n", ":3: default.action: Input should be 'log', 'block' or 'redact'"),
        ("name: p\ndefault: {}\ncategories:\n  devices: {allow: [DE]}\n", ":4: categories.devices (key)"),
        ("name: p\ndefault: {}\nexceptions:\n  - name: x\n    legal_basis: SCC\n", "exceptions[0]"),
        ("name: p\ndefault: {}\nsurprise: 1\n", ":3: surprise: Extra inputs are not permitted"),
        ("name: p\ndefault:\n  allow: [DE\n", "invalid YAML"),
        ("", "file is empty"),
        (
            "name: p\ncountry_groups:\n  A1: {countries: [A1]}\ndefault: {}\n",
            "country_groups.A1",
        ),
        ("name: p\ncountry_groups:\n  LOOP: {countries: [LOOP]}\ndefault: {}\n", "includes itself"),
        ("name: p\ndefault: {allow: [DE], deny: [CN]}\n", "not both"),
        (
            "name: p\ndefault: {}\nuninspected:\n  action: drop\n",
            ":4: uninspected.action: Input should be 'log' or 'block'",
        ),
        ("name: p\ndefault: {}\nuninspected: {action: block, limits: []}\n", ":3: uninspected.limits: Extra inputs"),
    ],
)
def test_broken_policy_names_file_field_line_and_reason(tmp_path, text, expected):
    path = tmp_path / "broken.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_policy(path)
    assert str(path) in str(err.value)
    assert expected in str(err.value)


def test_missing_policy_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read policy file"):
        load_policy(tmp_path / "nope.yaml")


@pytest.mark.parametrize("path", sorted((REPO / "policies").glob("*.yaml")), ids=lambda p: p.name)
def test_shipped_policies_validate_against_the_published_schema(path):
    import json

    import jsonschema
    import yaml

    from residency_guard.yamlconf import ConfigLoader

    schema = json.loads((REPO / "schemas" / "policy.schema.json").read_text())
    jsonschema.validate(yaml.load(path.read_text(), Loader=ConfigLoader), schema)  # noqa: S506


def test_may_block_for_the_shipped_policies():
    from residency_guard.policy import may_block

    assert may_block(dest("CN"), True, GDPR)
    assert not may_block(dest("DE"), False, GDPR)  # cleartext is only logged
    assert not may_block(dest("US", host="x.googleapis.com"), True, GDPR)  # every category excepted
    assert not may_block(dest("unknown"), True, GDPR)
    assert may_block(dest("unknown"), True, STRICT)
    assert may_block(dest("NO"), False, STRICT)  # cleartext blocked there
    assert not may_block(dest("NO"), True, STRICT)


_TYPES = ["imei", "mac", "imsi", "iccid", "phone", "ad_id", "email", "location", "cell_id", "wifi_bssid"]


@pytest.mark.parametrize("policy", [GDPR, STRICT, DOJ], ids=lambda p: p.name)
def test_a_blocked_judgement_always_had_may_block(policy):
    """The promise that lets the guard forward before judging: may_block is never wrong the other way."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from residency_guard.policy import may_block

    countries = ["CN", "DE", "NO", "US", "SG", "RU", "JP", "unknown"]
    hosts = ["a.example.com", "x.googleapis.com", "act.hmdglobal.com"]

    @settings(max_examples=300, deadline=None)
    @given(
        types=st.lists(st.sampled_from(_TYPES), min_size=1, max_size=4),
        country=st.sampled_from(countries),
        host=st.sampled_from(hosts),
        asn=st.sampled_from([None, 16509, 4134]),
        tls=st.booleans(),
    )
    def check(types, country, host, asn, tls):
        d = dest(country, host=host, asn=asn)
        if judge([hit(t) for t in types], d, tls, policy).blocked:
            assert may_block(d, tls, policy)

    check()


# ------------------------------------------------------------------------------------------ uninspected

CUT = ("limit:max_body_bytes",)


def _with_uninspected(base: LoadedPolicy, action: str, **changes: object) -> LoadedPolicy:
    data = base.policy.model_dump() | {"uninspected": {"action": action, "reason": "not fully inspected"}} | changes
    return LoadedPolicy.of(Policy.model_validate(data))


GDPR_FAIL_CLOSED = _with_uninspected(GDPR, "block")


def test_uninspected_defaults_to_log(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: p\ndefault: {allow: [DE]}\n")
    rule = load_policy(path).policy.uninspected
    assert (rule.action, rule.reason) == ("log", "request could not be fully inspected")
    assert GDPR.policy.uninspected.action == "log"


def test_uninspected_block_is_read_from_the_file_and_shipped_where_promised(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("name: p\ndefault: {allow: [DE]}\nuninspected:\n  action: block\n  reason: fail closed here\n")
    rule = load_policy(path).policy.uninspected
    assert (rule.action, rule.reason) == ("block", "fail closed here")
    assert STRICT.policy.uninspected.action == "block"
    assert DOJ.policy.uninspected.action == "block"


def test_uninspected_blocks_at_a_blockable_destination_and_names_the_causes():
    j = judge([], dest("CN"), True, GDPR_FAIL_CLOSED, CUT + ("decoder:gzip",))
    assert (j.verdict, j.action) == ("violation", "blocked")
    (rule,) = j.rules
    assert (rule.rule, rule.outcome, rule.action, rule.types) == ("uninspected", "violation", "block", ())
    assert "limit:max_body_bytes" in rule.reason and "decoder:gzip" in rule.reason


def test_uninspected_under_log_is_recorded_but_forwarded():
    j = judge([], dest("CN"), True, GDPR, CUT)
    assert (j.verdict, j.action, [(r.rule, r.action) for r in j.rules]) == (
        "violation",
        "logged",
        [("uninspected", "log")],
    )


@pytest.mark.parametrize(
    ("destination", "tls"),
    [
        (dest("DE"), True),  # allowed for every category
        (dest("DE"), False),  # cleartext is only logged under gdpr-eea
        (dest("US", host="x.googleapis.com"), True),  # every category covered by an exception
        (dest("unknown"), True),  # unknown country only logged
    ],
    ids=["allowed", "cleartext-logged", "excepted", "unknown-logged"],
)
def test_uninspected_does_not_fire_where_an_identifier_would_not_be_blocked(destination, tls):
    j = judge([], destination, tls, GDPR_FAIL_CLOSED, CUT)
    assert (j.verdict, j.action, j.rules) == ("allowed", "logged", ())


def test_uninspected_follows_each_category_and_transport_rule():
    strict = _with_uninspected(STRICT, "block")
    assert judge([], dest("NO"), False, strict, CUT).blocked  # cleartext blocks in lab-strict
    assert not judge([], dest("NO"), True, strict, CUT).blocked
    assert judge([], dest("unknown"), True, strict, CUT).blocked  # unknown country blocks there
    # an exception for device identifiers only: subscriber identifiers to SG would still be blocked
    device_only = [{"name": "dev-sg", "domains": ["hmdglobal.com"], "categories": ["device"], "legal_basis": "SCC"}]
    narrow = _with_uninspected(GDPR, "block", exceptions=device_only)
    assert judge([], dest("SG", host="act.hmdglobal.com"), True, narrow, CUT).blocked
    assert not judge([], dest("SG", host="act.hmdglobal.com"), True, GDPR_FAIL_CLOSED, CUT).blocked


def test_uninspected_does_not_fire_when_inspection_was_complete():
    assert judge([], dest("CN"), True, GDPR_FAIL_CLOSED, ()) == judge([], dest("CN"), True, GDPR)
    j = judge([hit("imei")], dest("CN"), True, GDPR_FAIL_CLOSED)
    assert [r.rule for r in j.rules] == ["transfer.device"]


def test_uninspected_beside_identifiers_adds_its_rule():
    j = judge([hit("imei")], dest("CN"), True, GDPR_FAIL_CLOSED, CUT)
    assert [r.rule for r in j.rules] == ["transfer.device", "uninspected"]


@pytest.mark.parametrize("policy", [GDPR_FAIL_CLOSED, _with_uninspected(STRICT, "block"), DOJ], ids=lambda p: p.name)
def test_uninspected_never_blocks_where_may_block_is_false(policy):
    """What lets a large body be forwarded before it is judged stays true under fail closed."""
    from residency_guard.policy import may_block

    for country in ("CN", "DE", "NO", "US", "SG", "RU", "unknown"):
        for host in ("a.example.com", "x.googleapis.com", "act.hmdglobal.com"):
            for tls in (True, False):
                d = dest(country, host=host)
                if judge([], d, tls, policy, CUT).blocked:
                    assert may_block(d, tls, policy)
                else:
                    assert not may_block(d, tls, policy) or policy.policy.uninspected.action == "log"
