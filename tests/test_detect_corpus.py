"""The labelled development corpus stays at target: recall >= 0.99, benign false-flag rate <= 0.5 %."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("bench_detect", ROOT / "scripts" / "bench_detect.py")
bench = importlib.util.module_from_spec(_spec)
sys.modules["bench_detect"] = bench  # dataclasses look their module up while the class is built
_spec.loader.exec_module(bench)

pytest.importorskip("residency_guard.extract")

from residency_guard.detect import Detector  # noqa: E402
from residency_guard.profile import load_profile  # noqa: E402


@pytest.fixture(scope="module")
def records():
    return bench.load_corpus()


def test_corpus_size_and_labels(records):
    ids = [r for r in records if r["label"] == "identifier"]
    benign = [r for r in records if r["label"] == "benign"]
    assert len(ids) >= 150 and len(benign) >= 150
    assert all(r["expect"] or r["expect_profile"] for r in ids)
    assert all(not r["expect"] and not r["expect_profile"] for r in benign)
    assert all(r["source"] for r in records)


def test_corpus_is_what_the_generator_builds(records):
    spec = importlib.util.spec_from_file_location("build_corpus", ROOT / "tests" / "corpus" / "build_corpus.py")
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert [json.loads(json.dumps(r, sort_keys=True)) for r in gen.build()] == records


@pytest.mark.parametrize("with_profile", [False, True])
def test_corpus_metrics_at_target(records, with_profile):
    det = Detector([load_profile(bench.CORPUS_PROFILE)]) if with_profile else Detector()
    rep = bench.evaluate(records, det, with_profile=with_profile)
    precision, recall, _ = rep.prf()
    assert recall >= 0.99, rep.misses
    assert rep.false_flag_rate <= 0.005, rep.false_flags
    assert precision >= 0.98, rep.false_flags
