"""Property tests: for any input the extractor finishes without an internal error, within its limits,
and values survive any stack of encodings it claims to undo."""

from __future__ import annotations

import base64
import gzip
import json
import zlib

import brotli
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from residency_guard.extract import TRANSFORM_STEPS, extract_request
from residency_guard.limits import Limits
from residency_guard.model import RequestView

PROPS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

CONTENT_TYPES = st.sampled_from(
    [
        None, "", "application/json", "application/x-www-form-urlencoded", "text/plain", "text/plain; charset=latin-1",
        "application/xml", "multipart/form-data; boundary=b1", "multipart/mixed", "application/x-protobuf",
        "application/grpc", "application/octet-stream", "application/encrypted-json", "application/x-ndjson",
        "image/png", "text/html; charset=bogus", "application/json; charset=utf-16",
    ]
)  # fmt: skip
CODINGS = st.sampled_from([None, "gzip", "deflate", "br", "zstd", "gzip, br", "identity", "x-unknown", ","])

ENCODERS = {
    "gzip": gzip.compress,
    "zlib": zlib.compress,
    "br": brotli.compress,
    "zstd": lambda b: zstandard.ZstdCompressor().compress(b),
    "base64": base64.b64encode,
    "base64-wrapped": base64.encodebytes,
    "base64url": lambda b: base64.urlsafe_b64encode(b).rstrip(b"="),
    "hex": lambda b: b.hex().encode(),
    "truncate": lambda b: b[: len(b) // 2],
}

json_leaves = st.recursive(
    st.one_of(st.text(max_size=30), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none()),
    lambda children: st.one_of(
        st.lists(children, max_size=5), st.dictionaries(st.text(max_size=10), children, max_size=5)
    ),
    max_leaves=30,
)


@st.composite
def bodies(draw) -> bytes:
    kind = draw(st.sampled_from(["random", "json", "encoded"]))
    if kind == "random":
        return draw(st.binary(max_size=3000))
    data = json.dumps(draw(json_leaves)).encode()
    if kind == "encoded":
        for name in draw(st.lists(st.sampled_from(sorted(ENCODERS)), max_size=4)):
            data = ENCODERS[name](data)
    return data


small_limits = st.builds(
    Limits,
    max_body_bytes=st.integers(16, 4096),
    max_decoded_bytes=st.integers(0, 8192),
    max_ratio=st.integers(1, 200),
    max_depth=st.integers(1, 10),
    max_items=st.integers(1, 200),
    max_seconds=st.just(30.0),
)

header_text = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)


def _no_internal_error(notes: tuple[str, ...]) -> None:
    assert not any("extraction error" in n for n in notes), notes


@PROPS
@given(body=bodies(), content_type=CONTENT_TYPES, coding=CODINGS, limits=small_limits)
def test_any_body_stays_within_limits(body, content_type, coding, limits):
    headers = []
    if content_type is not None:
        headers.append(("Content-Type", content_type))
    if coding is not None:
        headers.append(("Content-Encoding", coding))
    ex = extract_request(RequestView("POST", "http://h.test/", tuple(headers), body), limits)
    _no_internal_error(ex.notes)
    assert len(ex.fields) <= limits.max_items
    decoded = sum(len(f.value) for f in ex.fields if any(step in TRANSFORM_STEPS for step in f.chain))
    assert decoded <= limits.max_decoded_bytes
    assert all(len(f.chain) <= limits.max_depth + 1 for f in ex.fields)
    if len(body) > limits.max_body_bytes:
        # said so, unless the field limit was reached first (the method and host labels are fields too)
        assert any(n.startswith(("body: truncated at", "request: field limit")) for n in ex.notes)


@PROPS
@given(
    url=header_text,
    headers=st.lists(st.tuples(header_text, header_text), max_size=8),
    body=st.binary(max_size=500),
)
def test_any_url_and_headers(url, headers, body):
    ex = extract_request(RequestView("GET", url, tuple(headers), body))
    _no_internal_error(ex.notes)
    for f in ex.fields:
        assert isinstance(f.value, str) and isinstance(f.where, str)
        assert all(isinstance(step, str) for step in f.chain)


VALUE = st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789", min_size=6, max_size=20)
# names with six or more digits are shown by position (they could be identifiers): not generated here
KEY = st.from_regex(r"[a-z][a-zA-Z_]{0,8}[0-9]{0,2}", fullmatch=True)


@PROPS
@given(
    payload=st.dictionaries(KEY, VALUE, min_size=1, max_size=8),
    steps=st.lists(st.sampled_from(["gzip", "zlib", "base64", "base64-wrapped", "base64url", "hex"]), max_size=4),
    coding=st.sampled_from([None, "gzip", "br", "zstd", "deflate"]),
)
def test_values_survive_any_stack_of_encodings(payload, steps, coding):
    data = json.dumps(payload).encode()
    for name in steps:
        data = ENCODERS[name](data)
    headers = ()
    if coding:
        data = {"gzip": gzip.compress, "br": brotli.compress, "deflate": zlib.compress,
                "zstd": ENCODERS["zstd"]}[coding](data)  # fmt: skip
        headers = (("Content-Encoding", coding),)
    limits = Limits(max_depth=12, max_seconds=30.0)  # a loaded CI machine must not turn this into a flake
    ex = extract_request(RequestView("POST", "http://h.test/", headers, data), limits)
    assert ex.notes == ()
    found = {(f.key, f.value) for f in ex.fields if f.chain and f.chain[-1].startswith("json:$.")}
    assert found == set(payload.items())
    for f in ex.fields:
        if (f.key, f.value) not in found:
            continue  # raw encoded forms, kept alongside what they decode to
        # every binary encoding shows as a step of its own (base64 variants are all "base64")
        shown = [s for s in f.chain if not s.startswith("json:")]
        expected = [{"base64-wrapped": "base64", "base64url": "base64"}.get(s, s) for s in reversed(steps)]
        assert shown == ([coding] if coding else []) + expected
