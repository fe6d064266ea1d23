"""The prefilter's promise: its features are necessary conditions. A value it does not flag yields no hit
from ``scan``, and the windowed candidate search finds exactly what the whole-text search finds."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from residency_guard.detect.context import key_context
from residency_guard.detect.formats import _CANDIDATES, candidate_matches, scan
from residency_guard.detect.prefilter import Joined, candidate_fields

# Fragments of every candidate shape, their separators, and the text literals scan() looks for.
PIECES = st.sampled_from([
    "0", "1", "4", "9", "a", "F", "f", "g", ":", "-", ".", ",", " ", "+", "00", "@", "x.io", "kari@mail.example",
    "$GPGGA,", "$GNRMC,101200.00,A,", "5954.7980,N,", "01044.3364,E", "$BD", "serial", "SN", "sn=", "=", "\n", "\x00",
    "89", "98", "352099001761481", "986421436587193254F4", "a4:50:46:0f:1e:2d", "a450.460f.1e2d", "59.9133,10.7389", "IMEI: ", "mCid=", "mNci=",
    "0242019999000001@nai.epc.mnc001.mcc242.3gppnetwork.org", "38400000-8cf0-11bd-b23e-10b96e40000d",
])
TEXTS = st.lists(PIECES, max_size=40).map("".join)


@settings(max_examples=400, deadline=None)
@given(st.lists(TEXTS, min_size=1, max_size=6))
def test_a_value_without_a_feature_yields_no_hit(values):
    flagged = candidate_fields(Joined(values))
    for index, value in enumerate(values):
        if index not in flagged:
            assert list(scan(value, key_context(None))) == [], value


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(PIECES, st.just("g" * 300), st.just("ab" * 200)), min_size=1, max_size=60).map("".join))
def test_windowed_search_finds_every_candidate(text):
    assert [m.span() for m in candidate_matches(text)] == [m.span() for m in _CANDIDATES.finditer(text)]
