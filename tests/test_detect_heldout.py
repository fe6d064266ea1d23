"""The held-out corpora (tests/corpus/heldout*/) do not regress below what was measured.

Both were written without reading the detector; their figures are what they are (below the development
corpus's). These tests only stop them getting worse: recall may not drop more than 0.02 and the benign
false-flag rate may not rise more than 0.01 from the measured values below.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from stdnum import imei as stdnum_imei
from stdnum import imsi as stdnum_imsi
from stdnum import luhn

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "tests" / "corpus" / "heldout"
CORPUS = HELDOUT / "requests.jsonl"
PROFILE = HELDOUT / "heldout-phone.yaml"

_spec = importlib.util.spec_from_file_location("bench_detect", ROOT / "scripts" / "bench_detect.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_detect"] = bench  # dataclasses look their module up while the class is built
_spec.loader.exec_module(bench)

pytest.importorskip("residency_guard.extract")

from residency_guard.detect import Detector  # noqa: E402
from residency_guard.profile import load_profile  # noqa: E402

# Measured 2026-11-23, 242 requests. First run (after the one label fix described in the README):
#   no profile recall 130/145, with profile 156/168, benign false flags 4/120 both.
# After the detector learnt the protocol shapes behind those misses (see the README: these figures
# are no longer independent):
#   no profile:   recall 144/145, benign false flags 0/120
#   with profile: recall 168/168, benign false flags 0/120
MEASURED = {
    False: {"recall": 144 / 145, "false_flag_rate": 0 / 120},
    True: {"recall": 168 / 168, "false_flag_rate": 0 / 120},
}
# The second held-out corpus, 207 requests. First run 205/219 and 222/239, 6/101 benign flagged; then
# studied and taught to the detector (see its README), now:
HELDOUT2 = ROOT / "tests" / "corpus" / "heldout2"
MEASURED2 = {
    False: {"recall": 219 / 219, "false_flag_rate": 1 / 101},
    True: {"recall": 236 / 239, "false_flag_rate": 1 / 101},
}
RECALL_SLACK = 0.02
FALSE_FLAG_SLACK = 0.01


def _load_generator():
    spec = importlib.util.spec_from_file_location("build_heldout", HELDOUT / "build_heldout.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    return gen


@pytest.fixture(scope="module")
def records():
    return bench.load_corpus(CORPUS)


def test_heldout_is_what_the_generator_builds(records):
    gen = _load_generator()
    assert [json.loads(json.dumps(r, sort_keys=True)) for r in gen.build()] == records


def test_heldout_size_and_labels(records):
    ids = [r for r in records if r["label"] == "identifier"]
    benign = [r for r in records if r["label"] == "benign"]
    assert len(ids) >= 115 and len(benign) >= 115
    assert len({r["id"] for r in records}) == len(records)
    assert all(r["expect"] or r["expect_profile"] for r in ids)
    assert all(not r["expect"] and not r["expect_profile"] for r in benign)
    assert all(set(r["expect"]) <= set(r["expect_profile"]) for r in records)
    # Only the held-out phone's own values can add profile-only labels.
    assert all(r["corpus_phone"] or r["expect"] == r["expect_profile"] for r in records)
    assert all(r["source"] for r in records)


def test_profile_is_the_generators_phone():
    gen = _load_generator()
    prof = load_profile(PROFILE)
    assert prof.imei == gen.PHONE["imei"] and all(stdnum_imei.is_valid(v) for v in prof.imei)
    assert prof.imsi == [gen.PHONE["imsi"]] and stdnum_imsi.is_valid(gen.PHONE["imsi"])
    assert prof.iccid == [gen.PHONE["iccid"]] and luhn.is_valid(gen.PHONE["iccid"])
    assert prof.owns_client(gen.PHONE["client"])
    assert not any(prof.owns_client(ip) for ip in gen.OTHER_CLIENTS)


# The third, 178 requests by another author. First run 194/208 and 212/227, 10/88 benign flagged;
# studied after heldout4 was commissioned (see its README), now:
HELDOUT3 = ROOT / "tests" / "corpus" / "heldout3"
MEASURED3 = {
    False: {"recall": 200 / 208, "false_flag_rate": 1 / 88},
    True: {"recall": 218 / 227, "false_flag_rate": 1 / 88},
}
# The fourth, 184 requests by another author. First run 204/221 and 222/235, 7/91 benign flagged;
# studied after heldout5 was commissioned (see its README), now:
HELDOUT4 = ROOT / "tests" / "corpus" / "heldout4"
MEASURED4 = {
    False: {"recall": 209 / 221, "false_flag_rate": 0 / 91},
    True: {"recall": 225 / 235, "false_flag_rate": 1 / 91},
}
# The fifth, 146 requests by another author. First run 165/170 and 179/183, 7/73 benign flagged; its
# false flags were studied for the engine-v2 precision work (see its README), now:
HELDOUT5 = ROOT / "tests" / "corpus" / "heldout5"
MEASURED5 = {
    False: {"recall": 165 / 170, "false_flag_rate": 0 / 73},
    True: {"recall": 179 / 183, "false_flag_rate": 0 / 73},
}
# The sixth, 126 requests by another author, commissioned for the engine-v2 issue, measured once and
# never tuned on (the outside figure; see its README):
HELDOUT6 = ROOT / "tests" / "corpus" / "heldout6"
MEASURED6 = {
    False: {"recall": 120 / 132, "false_flag_rate": 9 / 64},
    True: {"recall": 131 / 140, "false_flag_rate": 10 / 64},
}
CORPORA = {
    "heldout": (CORPUS, PROFILE, MEASURED),
    "heldout2": (HELDOUT2 / "requests.jsonl", HELDOUT2 / "heldout2-phone.yaml", MEASURED2),
    "heldout3": (HELDOUT3 / "requests.jsonl", HELDOUT3 / "heldout3-phone.yaml", MEASURED3),
    "heldout4": (HELDOUT4 / "requests.jsonl", HELDOUT4 / "heldout4-phone.yaml", MEASURED4),
    "heldout5": (HELDOUT5 / "requests.jsonl", HELDOUT5 / "heldout5-phone.yaml", MEASURED5),
    "heldout6": (HELDOUT6 / "requests.jsonl", HELDOUT6 / "heldout6-phone.yaml", MEASURED6),
}


@pytest.mark.parametrize("corpus", CORPORA)
@pytest.mark.parametrize("with_profile", [False, True], ids=["no-profile", "with-profile"])
def test_heldout_metrics_do_not_regress(corpus, with_profile):
    path, profile, measured = CORPORA[corpus]
    det = Detector([load_profile(profile)]) if with_profile else Detector()
    rep = bench.evaluate(bench.load_corpus(path), det, with_profile=with_profile)
    _, recall, _ = rep.prf()
    assert recall >= measured[with_profile]["recall"] - RECALL_SLACK, rep.misses
    assert rep.false_flag_rate <= measured[with_profile]["false_flag_rate"] + FALSE_FLAG_SLACK, rep.false_flags


@pytest.mark.parametrize("directory", [HELDOUT2, HELDOUT3, HELDOUT4, HELDOUT5, HELDOUT6], ids=lambda d: d.name)
def test_later_heldouts_are_what_their_generators_build(tmp_path, directory):
    """Each generator writes next to itself: run a copy (with its modules) and compare."""
    generator = f"build_{directory.name}.py"
    for module in directory.glob("*.py"):
        shutil.copy(module, tmp_path)
    subprocess.run([sys.executable, str(tmp_path / generator)], check=True, capture_output=True, timeout=120)
    for name in ("requests.jsonl", f"{directory.name}-phone.yaml"):
        assert (tmp_path / name).read_bytes() == (directory / name).read_bytes(), name
    records = bench.load_corpus(directory / "requests.jsonl")
    assert len({r["id"] for r in records}) == len(records) >= 120
    assert all(set(r["expect"]) <= set(r["expect_profile"]) for r in records)
    assert all(not r["expect_profile"] for r in records if r["label"] == "benign")
