"""Property-based fuzzing of the whole Inspector (extract → detect → locate → judge → event) with random
requests: it never raises, every event validates against the Event model, identifier values appear in
events only masked, and an event exists whenever there is something to record."""

from __future__ import annotations

import base64
import gzip
import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings, target
from hypothesis import event as note_case
from hypothesis import strategies as st

from residency_guard.model import Event, RequestView
from residency_guard.pipeline import ConnectionFacts
from residency_guard.setup import build_guard

# The harness phone's identifiers: injected in random places, in random encodings.
IDENTIFIERS = {
    "imei": "352099001761481",
    "mac": "a4:50:46:1e:2b:3c",
    "iccid": "89860318640220133897",
    "imsi": "460031234567890",
    "email": "tester.one@example.org",
}
DESTINATIONS = {"127.0.0.2": "DE", "127.0.0.3": "CN", "198.51.100.7": None}


@pytest.fixture(scope="module")
def inspector(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("props")
    overlay = tmp / "overlay.yaml"
    overlay.write_text(
        "networks:\n  - network: 127.0.0.2/32\n    country: DE\n  - network: 127.0.0.3/32\n    country: CN\n"
    )
    (tmp / "geodb").mkdir()
    return build_guard(geo_overlay=overlay, geodb=[tmp / "geodb"], fingerprint_key=tmp / "key").inspector


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)
identifier = st.sampled_from(sorted(IDENTIFIERS.items()))


@st.composite
def bodies(draw) -> tuple[bytes, dict[str, str]]:
    doc = draw(json_values)
    if draw(st.booleans()):
        name, value = draw(identifier)
        doc = {"payload": doc, draw(st.sampled_from([name, name.upper(), "value", "x"])): value}
    kind = draw(st.sampled_from(["json", "form", "base64-json", "gzip-json", "text", "binary", "multipart", "xml"]))
    raw = json.dumps(doc).encode()
    if kind == "json":
        return raw, {"Content-Type": "application/json"}
    if kind == "form":
        flat = doc if isinstance(doc, dict) else {"v": doc}
        return "&".join(f"{quote(str(k))}={quote(str(v))}" for k, v in flat.items()).encode(), {
            "Content-Type": "application/x-www-form-urlencoded"
        }
    if kind == "base64-json":
        return base64.encodebytes(raw), {"Content-Type": "application/encrypted-json"}
    if kind == "gzip-json":
        return gzip.compress(raw), {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    if kind == "text":
        return draw(st.text(max_size=300)).encode("utf-8", "surrogatepass") + raw, {"Content-Type": "text/plain"}
    if kind == "multipart":
        part = b'--B\r\nContent-Disposition: form-data; name="f"\r\n\r\n' + raw + b"\r\n--B--\r\n"
        return part[: draw(st.integers(0, len(part)))], {"Content-Type": "multipart/form-data; boundary=B"}
    if kind == "xml":
        return b"<r>" + raw.replace(b"<", b"&lt;") + b"</r>", {
            "Content-Type": draw(st.sampled_from(["text/xml", "application/xml"]))
        }
    return draw(st.binary(max_size=400)), {
        "Content-Type": draw(
            st.sampled_from(["application/octet-stream", "application/x-protobuf", "application/json"])
        )
    }


@st.composite
def requests(draw) -> tuple[RequestView, ConnectionFacts]:
    host = draw(st.sampled_from(sorted(DESTINATIONS)))
    segments = draw(st.lists(st.text(max_size=12), max_size=3))
    params = draw(st.lists(st.tuples(st.text(max_size=8), st.text(max_size=20)), max_size=4))
    if draw(st.booleans()):
        params.append(draw(identifier))
    query = "&".join(f"{quote(k)}={quote(v)}" for k, v in params)
    url = f"http://{host}/" + "/".join(quote(s) for s in segments) + (f"?{query}" if query else "")
    body, headers = draw(bodies()) if draw(st.booleans()) else (b"", {})
    extra = draw(
        st.lists(
            st.tuples(st.sampled_from(["X-Device", "Cookie", "User-Agent", "Authorization"]), st.text(max_size=30)),
            max_size=3,
        )
    )
    if draw(st.booleans()):
        name, value = draw(identifier)
        extra.append((f"X-{name}", value))
    header_items = tuple((*headers.items(), *extra))
    method = draw(st.sampled_from(["GET", "POST", "PUT"]))
    tls = draw(st.booleans())
    conn = ConnectionFacts("f-1", "127.0.0.1", 40000, host, host, 443 if tls else 80, tls, host if tls else None)
    return RequestView(method, url, header_items, body, "HTTP/1.1"), conn


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
)
@given(requests())
def test_inspector_never_raises_masks_and_events_validate(inspector, request_and_conn):
    request, conn = request_and_conn
    result = inspector.inspect(request, conn)
    note_case(f"hits={bool(result.hits)} complete={result.extraction.complete} action={result.judgement.action}")
    target(float(len(result.hits)), label="hits")

    assert (result.event is None) == (not result.hits and result.extraction.complete)
    if result.judgement.blocked:
        assert result.event is not None
    if result.event is None:
        return
    dumped = result.event.model_dump_json()
    assert Event.model_validate_json(dumped) == result.event
    for hit in result.hits:
        if len(hit.value) >= 6:
            assert hit.value not in dumped, f"{hit.type} value unmasked in the event"
    for ident in result.event.identifiers:
        assert ident.value is None and ident.masked and ident.fingerprint
    assert result.event.destination.country == (DESTINATIONS[conn.host] or "unknown")
