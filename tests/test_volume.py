"""Volume rules: distinct subjects over a window, a threshold, and the action once it is crossed.

The decision is pure (``policy.judge_volume``); the counters are ``volume.LocalCounts`` here (the fleet's
are in ``test_fleet_volume``). Time is a fake clock, so a 365-day window is tested in microseconds.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from residency_guard.errors import ConfigError
from residency_guard.masking import Fingerprinter
from residency_guard.model import Destination, Hit, Judgement
from residency_guard.policy import LoadedPolicy, Policy, judge, load_policy
from residency_guard.volume import LocalCounts, VolumeJudge, subject_of

REPO = Path(__file__).resolve().parents[1]
DAY = 86_400.0
FP = Fingerprinter(b"k" * 32)


def policy(action: str = "block", threshold: int = 2, window: str = "30d", **rule: object) -> LoadedPolicy:
    return LoadedPolicy.of(
        Policy.model_validate(
            {
                "name": "p",
                "country_groups": {"CONCERN": {"countries": ["CN", "RU"]}},
                "default": {"deny": ["CONCERN"], "action": "log"},
                "volume": [
                    {
                        "name": "bulk",
                        "categories": ["device"],
                        "countries": ["CONCERN"],
                        "window": window,
                        "threshold": threshold,
                        "action": action,
                        "legal_basis": "28 CFR 202.205",
                    }
                    | rule
                ],
            }
        )
    )


class Clock:
    def __init__(self) -> None:
        self.now = 1_700_000_000.0

    def __call__(self) -> float:
        return self.now


def imei(n: int) -> Hit:
    return Hit(type="imei", value=f"35209900176{n:04d}", where="body", chain=())


def dest(country: str = "CN") -> Destination:
    return Destination(host="zzhc.vnet.cn", ip="202.102.3.1", port=443, country=country)


def judged(vj: VolumeJudge, loaded: LoadedPolicy, *hits: Hit, country: str = "CN") -> Judgement:
    return vj.apply(judge(hits, dest(country), True, loaded), hits, dest(country))


def test_distinct_devices_above_the_threshold_block_and_known_devices_still_pass() -> None:
    loaded = policy()
    vj = VolumeJudge(loaded, LocalCounts(), FP, Clock())
    first = judged(vj, loaded, imei(1))
    assert (first.verdict, first.action) == ("violation", "logged")  # the per-request rule logs
    assert [r.rule for r in first.rules] == ["transfer.device"]
    assert judged(vj, loaded, imei(1)).action == "logged"  # the same device again: still one
    assert judged(vj, loaded, imei(2)).action == "logged"  # two: not more than the threshold
    third = judged(vj, loaded, imei(3))
    assert third.action == "blocked"
    rule = next(r for r in third.rules if r.rule == "volume.bulk")
    assert rule.legal_basis == "28 CFR 202.205" and rule.types == ("imei",)
    assert "3 distinct devices in 30d, counted locally by this guard" in rule.reason
    # The blocked device was not sent, so not counted: the fleet stays at two, and those two still pass.
    assert judged(vj, loaded, imei(1)).action == "logged"
    assert judged(vj, loaded, imei(4)).action == "blocked"


def test_a_log_rule_once_crossed_flags_every_later_transfer() -> None:
    loaded = policy(action="log", threshold=1)
    vj = VolumeJudge(loaded, LocalCounts(), FP, Clock())
    assert not any(r.rule == "volume.bulk" for r in judged(vj, loaded, imei(1)).rules)
    crossed = judged(vj, loaded, imei(2))
    assert crossed.action == "logged" and any(r.rule == "volume.bulk" for r in crossed.rules)
    # Logged transfers happened, so they count; now even the first device is part of a bulk transfer.
    again = judged(vj, loaded, imei(1))
    assert [r.rule for r in again.rules] == ["transfer.device", "volume.bulk"]


def test_subjects_leave_the_count_when_they_fall_out_of_the_window() -> None:
    loaded = policy(threshold=1, window="30d")
    clock = Clock()
    vj = VolumeJudge(loaded, LocalCounts(), FP, clock)
    assert judged(vj, loaded, imei(1)).action == "logged"
    clock.now += 29 * DAY
    assert judged(vj, loaded, imei(2)).action == "blocked"  # device 1 is 29 days old: still counted
    clock.now += 2 * DAY
    assert judged(vj, loaded, imei(2)).action == "logged"  # 31 days: device 1 left the window
    clock.now += 29 * DAY
    assert judged(vj, loaded, imei(3)).action == "blocked"  # device 2 was seen again 29 days ago


def test_only_selected_identifiers_to_selected_countries_are_counted() -> None:
    loaded = policy(threshold=0)
    vj = VolumeJudge(loaded, LocalCounts(), FP, Clock())
    ad_id = Hit(type="ad_id", value="38400000-8cf0-11bd-b23e-10b96e40000d", where="body", chain=())
    assert judged(vj, loaded, ad_id).action == "logged"  # online category: not this rule's
    assert judged(vj, loaded, imei(1), country="DE").action == "logged"  # not a country of concern
    assert judged(vj, loaded, imei(1), country="RU").action == "blocked"  # threshold 0: the first one


def test_one_device_is_one_subject_whatever_else_the_request_carries() -> None:
    mac = Hit(type="mac", value="a4:50:46:1e:2b:3c", where="body", chain=())
    assert subject_of([mac, imei(1)], FP) == subject_of([imei(1)], FP) == FP.fingerprint("imei", imei(1).value)
    assert subject_of([mac], FP) == FP.fingerprint("mac", mac.value)
    assert subject_of([], FP) is None
    loaded = policy(threshold=1)
    vj = VolumeJudge(loaded, LocalCounts(), FP, Clock())
    assert judged(vj, loaded, imei(1), mac).action == "logged"
    assert judged(vj, loaded, imei(1)).action == "logged"  # the IMEI names the same device: still one


@pytest.mark.parametrize("action", ["block", "log"])
def test_an_unread_request_fails_closed_once_a_blocking_volume_rule_is_past_its_threshold(action: str) -> None:
    """Per request, the policy only logs: the ``uninspected`` rule fires where a volume rule would block a
    device not counted yet, so only past the threshold, and only for a rule that blocks."""
    loaded = LoadedPolicy.of(loaded_with_uninspected_block(policy(action=action)))
    vj = VolumeJudge(loaded, LocalCounts(), FP, Clock())
    causes = ("limit:max_body_bytes",)

    def unread(country: str = "CN") -> Judgement:
        return vj.apply(judge((), dest(country), True, loaded, causes), (), dest(country), causes)

    assert not unread().rules  # nobody counted yet: an identifier in the unread part would be logged
    for n in range(2):
        assert not judged(vj, loaded, imei(n)).blocked
    assert unread().blocked == (action == "block")
    assert [r.rule for r in unread().rules] == (["uninspected"] if action == "block" else [])
    assert not unread("DE").rules


def loaded_with_uninspected_block(loaded: LoadedPolicy) -> Policy:
    return Policy.model_validate(loaded.policy.model_dump() | {"uninspected": {"action": "block"}})


def test_local_counts_are_bounded() -> None:
    counts = LocalCounts(max_subjects=3)
    for i in range(10):
        counts.record("k", f"s{i}", 0.0)
    assert counts.count_with("k", "s9", 1e9, 1.0) == 3


def test_a_policy_with_volume_rules_can_block_where_its_rules_apply() -> None:
    loaded = policy()
    vj = VolumeJudge(loaded, LocalCounts(), FP)
    assert vj.may_block(dest("CN")) and not vj.may_block(dest("DE"))
    assert not VolumeJudge(policy(action="log"), LocalCounts(), FP).may_block(dest("CN"))


def test_the_shipped_doj_policy_has_the_rules_real_thresholds() -> None:
    doj = load_policy(REPO / "policies" / "us-doj-bulk-data.yaml").policy
    rules = {v.name: v for v in doj.volume}
    ids, geo = rules["bulk-identifiers"], rules["bulk-precise-geolocation"]
    assert (ids.threshold, ids.window, ids.action) == (100_000, "365d", "block")
    assert (geo.threshold, geo.window, geo.categories) == (1_000, "365d", ["location"])
    assert set(doj.country_groups["COUNTRIES_OF_CONCERN"].countries) == {"CN", "HK", "MO", "CU", "IR", "KP", "RU", "VE"}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ("{name: v, categories: [device], countries: [CN], window: 12 months, threshold: 1}", "volume[0].window"),
        ("{name: v, categories: [device], countries: [CN], window: 0d, threshold: 1}", "longer than zero"),
        ("{name: v, types: [imei, toaster], countries: [CN], window: 1d, threshold: 1}", "volume[0].types[1]"),
        ("{name: v, countries: [CN], window: 1d, threshold: 1}", "needs 'categories' or 'types'"),
        ("{name: v, types: [imei], countries: [NOWHERE], window: 1d, threshold: 1}", "volume[0].countries[0]"),
        ("{name: v, types: [imei], countries: [CN], window: 1d, threshold: -1}", "volume[0].threshold"),
        ("{name: v, types: [imei], countries: [CN], window: 1d, threshold: 1, distinct: ip}", "volume[0].distinct"),
    ],
)
def test_a_broken_volume_rule_names_file_field_and_reason(tmp_path: Path, rule: str, expected: str) -> None:
    path = tmp_path / "p.yaml"
    path.write_text(f"name: p\ndefault: {{deny: [CN]}}\nvolume:\n  - {rule}\n")
    with pytest.raises(ConfigError) as err:
        load_policy(path)
    assert str(path) in str(err.value) and expected in str(err.value)


def test_two_volume_rules_may_not_share_a_name(tmp_path: Path) -> None:
    path = tmp_path / "p.yaml"
    rule = "{name: v, types: [imei], countries: [CN], window: 1d, threshold: 1}"
    path.write_text(f"name: p\ndefault: {{deny: [CN]}}\nvolume:\n  - {rule}\n  - {rule}\n")
    with pytest.raises(ConfigError, match=r"volume\[1\]\.name: two volume rules are named 'v'"):
        load_policy(path)
