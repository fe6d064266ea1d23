"""EXTRACT stage: every decoder, the chains it records, and the ZZHC flagship case."""

from __future__ import annotations

import base64
import bz2
import gzip
import json
import lzma
import os
import random
import zlib
from urllib.parse import quote

import brotli
import pytest
import zstandard

from residency_guard.extract import extract_request
from residency_guard.model import Extraction, RequestView

IMEI = "352099001761481"
IMSI = "460031234567890"
ICCID = "89860318640220133897"
MAC = "a4:50:46:1e:2b:3c"


def request(
    body: bytes = b"",
    content_type: str | None = None,
    *,
    url: str = "http://api.example.test/",
    headers: tuple[tuple[str, str], ...] = (),
    encoding: str | None = None,
) -> RequestView:
    hs = list(headers)
    if content_type is not None:
        hs.append(("Content-Type", content_type))
    if encoding is not None:
        hs.append(("Content-Encoding", encoding))
    return RequestView("POST", url, tuple(hs), body)


def values(ex: Extraction) -> dict[str, list[str]]:
    """location (where|chain) → values found there."""
    out: dict[str, list[str]] = {}
    for f in ex.fields:
        out.setdefault(f.location, []).append(f.value)
    return out


def field_at(ex: Extraction, location: str):
    matches = [f for f in ex.fields if f.location == location]
    assert matches, f"no field at {location}; have {sorted(values(ex))}"
    return matches[0]


def body_fields(ex: Extraction) -> tuple:
    """The fields from the body: the request's other parts (method, host labels, headers) add their own."""
    return tuple(f for f in ex.fields if f.where == "body")


# ------------------------------------------------------------------------------------- flagship case

ZZHC_PAYLOAD = {
    "REGVER": "8.0",
    "MEID": "A1000049C8E2F1",
    "MODEL": "TA-1046",
    "IMEI1": IMEI,
    "SIM1ICCID": ICCID,
    "SIM1LTEIMSI": IMSI,
    "MACID": MAC,
    "SIM1CELLID": "123456789",
    "REGDATE": "2019-03-21 10:11:12",
}


def zzhc_body() -> bytes:
    # Android's Base64.DEFAULT: standard alphabet, padded, a newline every 76 characters.
    return base64.encodebytes(json.dumps(ZZHC_PAYLOAD).encode())


def test_zzhc_encrypted_json_is_base64_of_json():
    body = zzhc_body()
    assert b"\n" in body.strip()  # really wrapped
    ex = extract_request(request(body, "application/encrypted-json", url="http://zzhc.vnet.cn/"))
    imei = field_at(ex, "body|base64|json:$.IMEI1")
    assert (imei.where, imei.chain, imei.value, imei.key) == ("body", ("base64", "json:$.IMEI1"), IMEI, "IMEI1")
    assert field_at(ex, "body|base64|json:$.SIM1ICCID").value == ICCID
    assert field_at(ex, "body|base64|json:$.SIM1LTEIMSI").value == IMSI
    assert field_at(ex, "body|base64|json:$.MACID").value == MAC
    assert ex.complete and ex.notes == ()
    # the encoded form is kept too (known-value detectors match encoded identifiers)
    assert [f.value for f in ex.fields if f.location == "body"] == [body.decode()]


def test_zzhc_without_content_type_is_sniffed():
    ex = extract_request(request(zzhc_body().replace(b"\n", b"\r\n")))
    assert field_at(ex, "body|base64|json:$.IMEI1").value == IMEI


# ---------------------------------------------------------------------------------------------- URL


def test_query_parameters():
    ex = extract_request(
        request(url="https://imei-collector.example.test/a?imei=" + IMEI + "&mac=a4%3A50%3A46%3A1e%3A2b%3A3c&empty=")
    )
    f = field_at(ex, "query.imei")
    assert (f.value, f.key, f.chain) == (IMEI, "imei", ())
    assert field_at(ex, "query.mac").value == MAC
    assert "query.empty" not in values(ex)


def test_host_labels_are_fields():
    ex = extract_request(request(url=f"http://{IMEI}.zzhc.example:8080/reg"))
    v = values(ex)
    assert [v[f"host.label[{i}]"] for i in range(3)] == [[IMEI], ["zzhc"], ["example"]]
    assert not any("8080" in f.value for f in ex.fields if f.where.startswith("host"))


def test_an_ip_literal_host_has_no_labels():
    for url in ("http://192.0.2.1:8080/x", "http://[2001:db8::1]:443/x", "tcp://198.51.100.7:9999/"):
        assert not any(f.where.startswith("host") for f in extract_request(request(url=url)).fields), url


def test_userinfo_is_a_field():
    ex = extract_request(request(url=f"http://{IMEI}:pw@h.test/"))
    assert field_at(ex, "userinfo").value == f"{IMEI}:pw"
    assert values(ex)["host.label[0]"] == ["h"]


def test_fragment_is_read_like_a_form():
    ex = extract_request(request(url=f"http://h.test/app?x=1#imei={IMEI}&mac=a4%3A50%3A46%3A1e%3A2b%3A3c"))
    assert field_at(ex, "fragment|form:imei").value == IMEI
    assert field_at(ex, "fragment|form:mac").value == MAC
    assert field_at(ex, "query.x").value == "1"
    assert not any("#" in f.value for f in ex.fields if f.where == "query.x")


def test_bare_fragment_token():
    ex = extract_request(request(url=f"http://h.test/#{IMEI}"))
    assert values(ex)["fragment"] == [IMEI]


def test_method_token_is_a_field():
    ex = extract_request(RequestView(f"X{IMEI}", "http://h.test/", ()))
    assert values(ex)["method"] == [f"X{IMEI}"]


def test_path_segments_unquoted_and_key_value_pairs():
    url = f"http://h.test/api/dev%20ice/{IMEI}/reg;imsi={IMSI},mac=x1/a=b"
    ex = extract_request(request(url=url))
    v = values(ex)
    assert v["path[0]"] == ["api"]
    assert v["path[1]"] == ["dev ice"]
    assert v["path[2]"] == [IMEI]
    assert field_at(ex, "path[3]|param:imsi").value == IMSI
    assert field_at(ex, "path[3]|param:imsi").key == "imsi"
    assert field_at(ex, "path[3]|param:mac").value == "x1"
    assert field_at(ex, "path[4]|param:a").value == "b"


def test_bare_query_token_holding_base64_json():
    token = base64.urlsafe_b64encode(json.dumps({"imei": IMEI}).encode()).decode().rstrip("=")
    ex = extract_request(request(url=f"http://h.test/x?{token}"))
    f = field_at(ex, "query|base64|json:$.imei")
    assert (f.value, f.key) == (IMEI, "imei")


def test_query_name_that_looks_like_data_is_not_shown_in_where():
    ex = extract_request(request(url=f"http://h.test/x?{IMEI}=1"))
    assert not any(IMEI in f.where or any(IMEI in step for step in f.chain) for f in ex.fields)
    assert field_at(ex, "query[0]|key").value == IMEI


def test_double_url_encoding():
    inner = f"imei={IMEI}&imsi={IMSI}"
    once = inner.replace("=", "%3D").replace("&", "%26")
    twice = once.replace("%", "%25")
    ex = extract_request(request(url=f"http://h.test/x?d={twice}"))
    f = field_at(ex, "query.d|urldecode|form:imei")
    assert (f.value, f.key) == (IMEI, "imei")
    assert field_at(ex, "query.d|urldecode|form:imsi").value == IMSI


def test_query_param_with_percent_escaped_text_keeps_both_forms():
    ex = extract_request(request(url="http://h.test/x?m=a4%253A50%253A46"))
    assert field_at(ex, "query.m").value == "a4%3A50%3A46"
    assert field_at(ex, "query.m|urldecode").value == "a4:50:46"


# -------------------------------------------------------------------------------------------- headers


def test_every_header_is_a_field():
    # no name is trusted to be harmless: a firmware hides data in the part nobody reads
    headers = (
        ("Content-Length", "0"),
        ("Accept-Encoding", "gzip"),
        ("Connection", "keep-alive"),
        ("Date", f"Sun, 06 Dec 2026 10:00:00 GMT {IMEI}"),
        ("Accept-Language", f"en-US, x-{IMEI};q=0.5"),
        ("TE", "trailers"),
        ("X-Device-Id", IMEI),
        ("User-Agent", "Dalvik/2.1.0 (Linux; U; Android 9; TA-1046)"),
    )
    ex = extract_request(request(headers=headers))
    v = values(ex)
    assert v["header.x-device-id"] == [IMEI]
    assert field_at(ex, "header.x-device-id").key == "x-device-id"
    assert field_at(ex, "header.date").key == "date"
    for name, value in headers:
        assert any(value in found for found in v[f"header.{name.lower()}"]), name


def test_content_type_parameters_are_read():
    ex = extract_request(request(b"{}", f'application/json; charset=utf-8; imei="{IMEI}"'))
    f = field_at(ex, "header.content-type|param:imei")
    assert (f.value, f.key) == (IMEI, "imei")
    assert field_at(ex, "header.content-type|param:charset").value == "utf-8"


def test_header_parameters_in_a_list():
    ex = extract_request(request(headers=(("Priority", f"u=3, i, d={IMSI}"), ("Cache-Control", "no-cache, max-age=0"))))
    assert field_at(ex, "header.priority|param:d").value == IMSI
    assert field_at(ex, "header.cache-control|param:max-age").value == "0"


def test_header_name_that_looks_like_data_is_a_field_and_not_shown_in_where():
    ex = extract_request(request(headers=(("Accept", "*/*"), (f"X-{IMEI}", "1"))))
    assert field_at(ex, "header[1]|key").value == f"X-{IMEI}"
    assert values(ex)["header[1]"] == ["1"]
    assert not any(IMEI in f.where or any(IMEI in step for step in f.chain) for f in ex.fields)


def test_host_header_equal_to_the_authority_is_read_once():
    ex = extract_request(request(url=f"http://{IMEI}.zzhc.example/", headers=(("Host", f"{IMEI}.zzhc.example"),)))
    assert [f.location for f in ex.fields if IMEI in f.value] == ["host.label[0]"]


def test_host_header_other_than_the_authority_is_read():
    # a HAR entry or an absolute-form request whose Host header names another host than its URL
    ex = extract_request(request(url="http://h.test/", headers=(("Host", f"{IMEI}.zzhc.example"),)))
    assert values(ex)["header.host"] == [f"{IMEI}.zzhc.example"]


def test_proxy_authorization_credentials_are_read():
    # mitmproxy forwards Proxy-Authorization unless its proxyauth option consumes it
    # (tests/test_e2e_guard.py checks both on the wire)
    ex = extract_request(request(headers=(("Proxy-Authorization", f"Bearer {IMEI}"),)))
    assert values(ex)["header.proxy-authorization"] == [IMEI]


def test_trailers_are_fields():
    view = RequestView(
        "POST", "http://h.test/", (("TE", "trailers"),), b"x", "HTTP/2.0", (("X-Imei", IMEI), (f"x-{IMSI}", "1"))
    )
    ex = extract_request(view)
    assert field_at(ex, "trailer.x-imei").value == IMEI
    assert field_at(ex, "trailer[1]|key").value == f"x-{IMSI}"


def test_cookie_split_into_cookies():
    payload = base64.b64encode(json.dumps({"iccid": ICCID}).encode()).decode()
    ex = extract_request(request(headers=(("Cookie", f'sid=abc123; imei="{IMEI}"; blob={payload}'),)))
    assert field_at(ex, "cookie.imei").value == IMEI
    assert field_at(ex, "cookie.imei").key == "imei"
    assert field_at(ex, "cookie.sid").value == "abc123"
    assert field_at(ex, "cookie.blob|base64|json:$.iccid").value == ICCID
    assert "header.cookie" not in values(ex)


def _jwt(payload: dict) -> str:
    def seg(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")

    return f"{seg({'alg': 'HS256', 'typ': 'JWT'})}.{seg(payload)}.c2lnbmF0dXJl"


def test_authorization_bearer_jwt_payload():
    token = _jwt({"sub": "user-1", "device": {"imei": IMEI}})
    ex = extract_request(request(headers=(("Authorization", f"Bearer {token}"),)))
    f = field_at(ex, "header.authorization|jwt|json:$.device.imei")
    assert (f.value, f.key) == (IMEI, "imei")
    assert field_at(ex, "header.authorization|jwt|json:$.sub").value == "user-1"


def test_authorization_basic_decoded():
    cred = base64.b64encode(f"{IMEI}:secret-pass".encode()).decode()
    ex = extract_request(request(headers=(("Authorization", f"Basic {cred}"),)))
    assert field_at(ex, "header.authorization|base64").value == f"{IMEI}:secret-pass"


def test_referer_query_is_read():
    ex = extract_request(request(headers=(("Referer", f"https://app.test/p?imei={IMEI}"),)))
    assert field_at(ex, "header.referer|query:imei").value == IMEI


# ---------------------------------------------------------------------------------------------- JSON


def test_json_nested_paths_keys_and_numbers():
    body = (
        '{"a": {"b": [0, 1, {"c": "deep"}]}, "device": {"imei": 352099001761481, "imsi": "' + IMSI + '"},'
        ' "big": 123456789012345678901234567890, "lat": 59.912730, "exp": 1.50e3, "ok": true, "n": null,'
        ' "list": ["x1", "x2"]}'
    )
    ex = extract_request(request(body.encode(), "application/json"))
    f = field_at(ex, "body|json:$.a.b[2].c")
    assert (f.value, f.key) == ("deep", "c")
    assert field_at(ex, "body|json:$.device.imei").value == IMEI
    assert field_at(ex, "body|json:$.device.imsi").key == "imsi"
    assert field_at(ex, "body|json:$.big").value == "123456789012345678901234567890"
    assert field_at(ex, "body|json:$.lat").value == "59.912730"
    assert field_at(ex, "body|json:$.exp").value == "1.50e3"
    f = field_at(ex, "body|json:$.list[1]")
    assert (f.value, f.key) == ("x2", "list")
    v = values(ex)
    assert "body|json:$.ok" not in v and "body|json:$.n" not in v
    assert ex.notes == ()


def test_json_duplicate_keys_both_seen():
    ex = extract_request(request(b'{"imei": "' + IMEI.encode() + b'", "imei": "0"}', "application/json"))
    assert values(ex)["body|json:$.imei"] == [IMEI, "0"]


def test_json_odd_member_names():
    body = json.dumps({"a b": "v1", IMEI: {"x": "v2"}, "user@example.com": "v3"})
    ex = extract_request(request(body.encode(), "application/json"))
    assert field_at(ex, 'body|json:$["a b"]').value == "v1"
    # names that look like identifiers are shown by position and emitted as values
    assert field_at(ex, "body|json-key:$[#1]").value == IMEI
    assert field_at(ex, "body|json:$[#1].x").value == "v2"
    assert field_at(ex, "body|json-key:$[#2]").value == "user@example.com"
    assert not any(IMEI in step for f in ex.fields for step in f.chain)


def test_json_string_holding_json_and_form():
    inner = json.dumps({"imei": IMEI})
    body = json.dumps({"payload": inner, "q": f"imsi={IMSI}&v=2", "u": "a%3Db%26imei%3D" + IMEI})
    ex = extract_request(request(body.encode(), "application/json"))
    assert field_at(ex, "body|json:$.payload|json:$.imei").value == IMEI
    assert field_at(ex, "body|json:$.q|form:imsi").value == IMSI
    assert field_at(ex, "body|json:$.u|urldecode|form:imei").value == IMEI
    # the JSON-in-JSON container itself is not a field
    assert "body|json:$.payload" not in values(ex)


def test_json_top_level_string_and_array():
    ex = extract_request(request(json.dumps(json.dumps({"imei": IMEI})).encode(), "application/json"))
    assert field_at(ex, "body|json:$|json:$.imei").value == IMEI
    ex = extract_request(request(b'["a1", {"imei": "' + IMEI.encode() + b'"}]', "application/json"))
    assert field_at(ex, "body|json:$[1].imei").value == IMEI
    assert field_at(ex, "body|json:$[0]").key is None


def test_ndjson():
    body = b'{"imei": "' + IMEI.encode() + b'"}\n{"imsi": "' + IMSI.encode() + b'"}\n'
    for ctype in ("application/x-ndjson", None, "application/json"):
        ex = extract_request(request(body, ctype))
        assert field_at(ex, "body|ndjson[0]|json:$.imei").value == IMEI
        assert field_at(ex, "body|ndjson[1]|json:$.imsi").value == IMSI
        assert ex.notes == ()


# ---------------------------------------------------------------------------------------------- forms


def test_form_with_json_field():
    data = json.dumps({"imsi": IMSI, "cell": {"ci": 12345}})
    from urllib.parse import urlencode

    body = urlencode({"data": data, "imei": IMEI, "name": "a b"}).encode()
    ex = extract_request(request(body, "application/x-www-form-urlencoded"))
    f = field_at(ex, "body|form:data|json:$.imsi")
    assert (f.where, f.chain, f.value, f.key) == ("body", ("form:data", "json:$.imsi"), IMSI, "imsi")
    assert field_at(ex, "body|form:data|json:$.cell.ci").value == "12345"
    assert field_at(ex, "body|form:imei").key == "imei"
    assert field_at(ex, "body|form:name").value == "a b"


def test_form_sniffed_without_content_type():
    ex = extract_request(request(f"imei={IMEI}&mac={MAC}".encode()))
    assert field_at(ex, "body|form:imei").value == IMEI
    assert field_at(ex, "body|form:mac").value == MAC


# ----------------------------------------------------------------------------------------- plain text


def test_plain_text_is_one_field():
    text = f"crash at 12:00\nIMEI: {IMEI}\nmodel TA-1046\n"
    ex = extract_request(request(text.encode(), "text/plain"))
    f = field_at(ex, "body")
    assert (f.value, f.key, f.chain) == (text, None, ())
    assert len(body_fields(ex)) == 1


def test_charset_honoured():
    text = f"IMEI {IMEI} Größe"
    ex = extract_request(request(text.encode("utf-16"), "text/plain; charset=UTF-16"))
    assert field_at(ex, "body").value == text


def test_hostile_charset_name_falls_back_to_utf8():
    ex = extract_request(request(f"imei {IMEI}".encode(), "text/plain; charset=rot13"))
    assert field_at(ex, "body").value == f"imei {IMEI}"


# ----------------------------------------------------------------------------------------------- XML


def test_xml_text_and_attributes():
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><Source><LocURI>IMEI:' + IMEI + "</LocURI></Source></SyncHdr>"
        '<Item id="1" mac="' + MAC + '">first</Item><Item id="2">second</Item></SyncML>'
    )
    ex = extract_request(request(body.encode(), "application/vnd.syncml.dm+xml"))
    f = field_at(ex, "body|xml:/SyncML/SyncHdr/Source/LocURI")
    assert (f.value, f.key) == ("IMEI:" + IMEI, "LocURI")
    f = field_at(ex, "body|xml:/SyncML/Item[1]@mac")
    assert (f.value, f.key) == (MAC, "mac")
    assert field_at(ex, "body|xml:/SyncML/Item[2]").value == "second"
    assert field_at(ex, "body|xml:/SyncML/Item[2]@id").value == "2"
    assert ex.notes == ()


def test_xml_sniffed_in_text_body():
    ex = extract_request(request(b"<r><imei>" + IMEI.encode() + b"</imei></r>", "text/plain"))
    assert field_at(ex, "body|xml:/r/imei").value == IMEI


# ----------------------------------------------------------------------------------------- multipart


def _multipart(parts: list[tuple[str, bytes]], boundary: str = "XyZ123", closing: bool = True) -> bytes:
    out = b""
    for head, body in parts:
        out += f"--{boundary}\r\n{head}\r\n\r\n".encode() + body + b"\r\n"
    if closing:
        out += f"--{boundary}--\r\n".encode()
    return out


def test_multipart_parts_and_text_file():
    logcat = f"01-01 00:00:00 I Tag: imei={IMEI}\n".encode()
    body = _multipart(
        [
            (
                'Content-Disposition: form-data; name="meta"\r\nContent-Type: application/json',
                b'{"imsi": "' + IMSI.encode() + b'"}',
            ),
            ('Content-Disposition: form-data; name="log"; filename="logcat.txt"\r\nContent-Type: text/plain', logcat),
            ('Content-Disposition: form-data; name="plain"', b"hello"),
            (
                'Content-Disposition: form-data; name="gz"; filename="d.json.gz"\r\nContent-Type: application/gzip',
                gzip.compress(json.dumps({"iccid": ICCID}).encode()),
            ),
            ('Content-Disposition: form-data; name="img"; filename="a.png"\r\nContent-Type: image/png', png()),
        ]
    )
    ex = extract_request(request(body, "multipart/form-data; boundary=XyZ123"))
    assert field_at(ex, "body|multipart:meta|json:$.imsi").value == IMSI
    assert field_at(ex, "body|multipart:log").value == logcat.decode()
    assert field_at(ex, "body|multipart:log").key == "log"
    assert field_at(ex, "body|multipart:plain").value == "hello"
    assert field_at(ex, "body|multipart:gz|gzip|json:$.iccid").value == ICCID
    assert ex.notes == ("body|multipart:img: png media data not decoded; its metadata and printable strings inspected",)


def test_multipart_base64_transfer_encoding_and_lf_only():
    part = base64.b64encode(json.dumps({"imei": IMEI}).encode())
    body = _multipart(
        [
            (
                'Content-Disposition: form-data; name="d"\r\nContent-Transfer-Encoding: base64\r\nContent-Type: application/json',
                part,
            )
        ]
    ).replace(b"\r\n", b"\n")
    ex = extract_request(request(body, 'multipart/form-data; boundary="XyZ123"'))
    assert field_at(ex, "body|multipart:d|base64|json:$.imei").value == IMEI


def test_multipart_boundary_guessed_when_missing():
    body = _multipart([('Content-Disposition: form-data; name="imei"', IMEI.encode())])
    ex = extract_request(request(body, "multipart/form-data"))
    assert field_at(ex, "body|multipart:imei").value == IMEI


# -------------------------------------------------------------------------------------------- base64


@pytest.mark.parametrize(
    "encode",
    [
        lambda b: base64.b64encode(b),
        lambda b: base64.urlsafe_b64encode(b),
        lambda b: base64.b64encode(b).rstrip(b"="),
        lambda b: base64.urlsafe_b64encode(b).rstrip(b"="),
        lambda b: base64.encodebytes(b),  # 76-column lines
        lambda b: base64.encodebytes(b).replace(b"\n", b"\r\n"),
    ],
    ids=["standard", "urlsafe", "unpadded", "urlsafe-unpadded", "wrapped-76", "wrapped-crlf"],
)
def test_base64_variants(encode):
    # '?>' and '~~' make the standard and URL-safe encodings differ
    payload = json.dumps({"imei": IMEI, "x": "??>>~~" * 30}).encode()
    encoded = encode(payload)
    ex = extract_request(request(encoded, "application/octet-stream"))
    assert field_at(ex, "body|base64|json:$.imei").value == IMEI


def test_base64_of_text_keeps_both_forms():
    token = base64.b64encode(f"IMEI {IMEI} ok".encode()).decode()
    ex = extract_request(request(json.dumps({"t": token}).encode(), "application/json"))
    assert field_at(ex, "body|json:$.t").value == token
    assert field_at(ex, "body|json:$.t|base64").value == f"IMEI {IMEI} ok"
    # decoded text that is itself a form is walked as one
    token = base64.b64encode(f"imei={IMEI}&ok=1".encode()).decode()
    ex = extract_request(request(json.dumps({"t": token}).encode(), "application/json"))
    assert field_at(ex, "body|json:$.t|base64|form:imei").value == IMEI


def test_base64_of_gzip_json():
    blob = base64.b64encode(gzip.compress(json.dumps({"android": {"imei": IMEI}}).encode())).decode()
    ex = extract_request(request(json.dumps({"blob": blob}).encode(), "application/json"))
    assert field_at(ex, "body|json:$.blob|base64|gzip|json:$.android.imei").value == IMEI
    blob = base64.b64encode(zlib.compress(json.dumps({"imei": IMEI}).encode())).decode()
    ex = extract_request(request(blob.encode(), "text/plain"))
    assert field_at(ex, "body|base64|zlib|json:$.imei").value == IMEI


@pytest.mark.parametrize(
    "token",
    [
        "AbCdEfGhIjKlMnOpQrStUvWx",  # alphanumeric id: decodes to noise
        "f3c1e0a2-5b9d-4c1e-9a7f-0c2b3d4e5f60",  # UUID
        "0123456789abcdef0123456789abcdef",  # md5-like hex
        "ThisIsJustAWordyIdentifier",
        "sessionToken1234",
    ],
)
def test_tokens_are_not_turned_into_garbage(token):
    ex = extract_request(request(json.dumps({"id": token}).encode(), "application/json"))
    assert [(f.location, f.value) for f in body_fields(ex)] == [("body|json:$.id", token)]
    assert ex.notes == ()


# ----------------------------------------------------------------------------------------------- hex


def test_hex_body_and_value():
    body = json.dumps({"imei": IMEI}).encode().hex().encode()
    ex = extract_request(request(body, "application/octet-stream"))
    assert field_at(ex, "body|hex|json:$.imei").value == IMEI
    hexed = IMEI.encode().hex()  # all digits, still hex
    ex = extract_request(request(json.dumps({"d": hexed}).encode(), "application/json"))
    assert field_at(ex, "body|json:$.d|hex").value == IMEI
    assert field_at(ex, "body|json:$.d").value == hexed


# ----------------------------------------------------------------------------------------------- JWT


def test_jwt_in_json_value():
    token = _jwt({"imsi": IMSI})
    ex = extract_request(request(json.dumps({"token": token}).encode(), "application/json"))
    assert field_at(ex, "body|json:$.token|jwt|json:$.imsi").value == IMSI


# ------------------------------------------------------------------------------------------ protobuf


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _pb_field(number: int, value) -> bytes:
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    if isinstance(value, str):
        value = value.encode()
    return _varint(number << 3 | 2) + _varint(len(value)) + value


def protobuf_sample() -> bytes:
    device = _pb_field(1, IMEI) + _pb_field(2, MAC) + _pb_field(3, 7)
    cell = _pb_field(1, 460) + _pb_field(2, 3) + _pb_field(4, 123456789)
    return _pb_field(1, "com.example.app") + _pb_field(2, device) + _pb_field(5, cell) + _pb_field(6, int(IMEI))


@pytest.mark.parametrize("ctype", ["application/x-protobuf", "application/octet-stream", None])
def test_protobuf_schema_less(ctype):
    ex = extract_request(request(protobuf_sample(), ctype))
    assert field_at(ex, "body|protobuf:1").value == "com.example.app"
    assert field_at(ex, "body|protobuf:2.1").value == IMEI
    assert field_at(ex, "body|protobuf:2.2").value == MAC
    assert field_at(ex, "body|protobuf:5.4").value == "123456789"
    assert field_at(ex, "body|protobuf:6").value == IMEI  # varint as decimal string
    assert ex.notes == ()


def test_protobuf_gzip_and_grpc():
    ex = extract_request(request(gzip.compress(protobuf_sample()), "application/x-protobuf", encoding="gzip"))
    assert field_at(ex, "body|gzip|protobuf:2.1").value == IMEI
    msg = protobuf_sample()
    frames = b"\x00" + len(msg).to_bytes(4, "big") + msg
    gz = gzip.compress(msg)
    frames += b"\x01" + len(gz).to_bytes(4, "big") + gz
    ex = extract_request(request(frames, "application/grpc"))
    assert field_at(ex, "body|grpc[0]|protobuf:2.1").value == IMEI
    assert field_at(ex, "body|grpc[1]|gzip|protobuf:2.1").value == IMEI


# ---------------------------------------------------------------------------------- content codings

JSON_BODY = json.dumps({"device": {"imei": IMEI}}).encode()


def _brotli(b: bytes) -> bytes:
    return brotli.compress(b)


def _zstd(b: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(b)


def _raw_deflate(b: bytes) -> bytes:
    c = zlib.compressobj(wbits=-15)
    return c.compress(b) + c.flush()


@pytest.mark.parametrize(
    ("encoding", "compress", "chain"),
    [
        ("gzip", gzip.compress, "gzip"),
        ("x-gzip", gzip.compress, "gzip"),
        ("deflate", zlib.compress, "deflate"),
        ("deflate", _raw_deflate, "deflate"),
        ("br", _brotli, "br"),
        ("zstd", _zstd, "zstd"),
        ("xz", lzma.compress, "xz"),
        ("x-bzip2", bz2.compress, "bzip2"),
        ("lzma", lambda b: lzma.compress(b, format=lzma.FORMAT_ALONE), "lzma"),
        ("identity", lambda b: b, None),
    ],
)
def test_content_encodings(encoding, compress, chain):
    ex = extract_request(request(compress(JSON_BODY), "application/json", encoding=encoding))
    location = f"body|{chain}|json:$.device.imei" if chain else "body|json:$.device.imei"
    assert field_at(ex, location).value == IMEI
    assert ex.notes == ()


def test_stacked_content_encodings():
    # "gzip, br": gzip applied first, then br, so decoding runs br then gzip
    body = _brotli(gzip.compress(JSON_BODY))
    ex = extract_request(request(body, "application/json", encoding="gzip, br"))
    f = field_at(ex, "body|br|gzip|json:$.device.imei")
    assert f.chain == ("br", "gzip", "json:$.device.imei")
    body = _zstd(zlib.compress(JSON_BODY))
    ex = extract_request(request(body, "application/json", encoding="deflate,identity, zstd"))
    assert field_at(ex, "body|zstd|deflate|json:$.device.imei").value == IMEI


def test_multi_member_gzip():
    body = gzip.compress(b'{"a": "1", ') + gzip.compress(b'"imei": "' + IMEI.encode() + b'"}')
    ex = extract_request(request(body, "application/json", encoding="gzip"))
    assert field_at(ex, "body|gzip|json:$.imei").value == IMEI


def test_gzip_without_content_encoding_is_sniffed():
    ex = extract_request(request(gzip.compress(JSON_BODY), "application/octet-stream"))
    assert field_at(ex, "body|gzip|json:$.device.imei").value == IMEI


UNLABELLED = [
    ("gzip", gzip.compress),
    ("zlib", zlib.compress),
    ("zstd", _zstd),
    ("xz", lzma.compress),
    ("lzma", lambda b: lzma.compress(b, format=lzma.FORMAT_ALONE)),
    ("bzip2", bz2.compress),
    ("raw-deflate", _raw_deflate),
    ("br", _brotli),
]


@pytest.mark.parametrize(("step", "compress"), UNLABELLED, ids=[s for s, _ in UNLABELLED])
def test_compressed_body_without_content_encoding_is_sniffed(step, compress):
    ex = extract_request(request(compress(JSON_BODY), "application/octet-stream"))
    assert field_at(ex, f"body|{step}|json:$.device.imei").value == IMEI
    assert ex.notes == ()


@pytest.mark.parametrize(("step", "compress"), UNLABELLED, ids=[s for s, _ in UNLABELLED])
def test_compressed_bytes_inside_base64_and_hex_values(step, compress):
    packed = compress(JSON_BODY)
    body = json.dumps({"b64": base64.b64encode(packed).decode(), "hex": packed.hex()}).encode()
    ex = extract_request(request(body, "application/json"))
    assert field_at(ex, f"body|json:$.b64|base64|{step}|json:$.device.imei").value == IMEI
    assert field_at(ex, f"body|json:$.hex|hex|{step}|json:$.device.imei").value == IMEI


def test_random_binary_is_not_read_as_raw_deflate_or_brotli():
    # No signature tells raw deflate or brotli from noise: a guess must decode to text to be kept.
    rng = random.Random(12)
    for _ in range(300):
        blob = rng.randbytes(rng.randrange(8, 400))
        body = json.dumps({"blob": base64.b64encode(blob).decode()}).encode()
        ex = extract_request(request(body, "application/json"))
        assert not any("raw-deflate" in f.chain or "br" in f.chain for f in ex.fields), ex.fields
        ex = extract_request(request(blob, "application/octet-stream"))
        assert not any("raw-deflate" in f.chain or "br" in f.chain for f in ex.fields), ex.fields


def test_raw_deflate_of_binary_is_not_kept():
    ex = extract_request(request(_raw_deflate(os.urandom(300)), "application/octet-stream"))
    assert not any("raw-deflate" in f.chain for f in ex.fields)


WIDE = [
    ("utf-16-le", b""),
    ("utf-16-le", b"\xff\xfe"),
    ("utf-16-be", b""),
    ("utf-16-be", b"\xfe\xff"),
    ("utf-32-le", b""),
    ("utf-32-le", b"\xff\xfe\x00\x00"),
    ("utf-32-be", b""),
    ("utf-32-be", b"\x00\x00\xfe\xff"),
]


@pytest.mark.parametrize(("codec", "bom"), WIDE, ids=[f"{c}{'-bom' if b else ''}" for c, b in WIDE])
def test_utf16_and_utf32_without_charset(codec, bom):
    text = json.dumps({"device": {"imei": IMEI, "name": "Télé 電話"}})
    wide = bom + text.encode(codec)
    for ctype in ("application/json", "application/octet-stream", None):
        ex = extract_request(request(wide, ctype))
        assert field_at(ex, f"body|{codec}|json:$.device.imei").value == IMEI
        assert field_at(ex, f"body|{codec}|json:$.device.name").value == "Télé 電話"
        assert ex.notes == ()
    body = json.dumps({"b": base64.b64encode(wide).decode(), "h": wide.hex()}).encode()
    ex = extract_request(request(body, "application/json"))
    assert field_at(ex, f"body|json:$.b|base64|{codec}|json:$.device.imei").value == IMEI
    assert field_at(ex, f"body|json:$.h|hex|{codec}|json:$.device.imei").value == IMEI
    ex = extract_request(request(lzma.compress(wide), "application/octet-stream"))
    assert field_at(ex, f"body|xz|{codec}|json:$.device.imei").value == IMEI


def test_utf16_in_a_multipart_part():
    part = json.dumps({"imei": IMEI}).encode("utf-16-le")
    body = b'--b1\r\nContent-Disposition: form-data; name="meta"\r\n\r\n' + part + b"\r\n--b1--\r\n"
    ex = extract_request(request(body, "multipart/form-data; boundary=b1"))
    assert field_at(ex, "body|multipart:meta|utf-16-le|json:$.imei").value == IMEI


def test_binary_with_a_nul_pattern_is_not_utf16():
    # 16-bit samples of small values have UTF-16's NUL pattern but decode to control characters.
    pcm = bytes(b for v in range(200) for b in ((v % 31) + 1, 0))
    ex = extract_request(request(pcm, "application/octet-stream"))
    assert not any(step.startswith("utf-") for f in ex.fields for step in f.chain)


def test_mislabelled_content_encoding_still_read():
    ex = extract_request(request(JSON_BODY, "application/json", encoding="gzip"))
    assert field_at(ex, "body|json:$.device.imei").value == IMEI
    assert any("gzip decode failed" in n for n in ex.notes)


def test_unknown_content_encoding_noted():
    ex = extract_request(request(JSON_BODY, "application/json", encoding="compress"))
    assert ex.notes == ("body: content-encoding compress not supported; body sniffed as is",)
    assert field_at(ex, "body|json:$.device.imei").value == IMEI


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def png(*extra_chunks: bytes) -> bytes:
    """A valid 4x4 greyscale PNG, with ``extra_chunks`` between its pixel data and IEND."""
    ihdr = (4).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    pixels = zlib.compress(b"".join(b"\x00" + bytes([0x80] * 4) for _ in range(4)))
    head = b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", pixels)
    return head + b"".join(extra_chunks) + _png_chunk(b"IEND", b"")


# the first bytes of real media of each kind, followed by binary data as its payload would be
MEDIA_STARTS = {
    "image/jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00",
    "image/gif": b"GIF89a\x04\x00\x04\x00",
    "image/webp": b"RIFF\x24\x00\x00\x00WEBPVP8 ",
    "video/mp4": b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00",
    "audio/ogg": b"OggS\x00\x02\x00\x00",
    "audio/mpeg": b"ID3\x04\x00\x00\x00\x00\x00\x00",
    "font/woff2": b"wOF2\x00\x01\x00\x00",
    "font/ttf": b"\x00\x01\x00\x00\x00\x0c\x00\x80",
}
NOISE = bytes((i * 167 + 13) % 256 for i in range(4096))


@pytest.mark.parametrize("ctype", sorted(MEDIA_STARTS))
def test_real_media_is_skipped_and_noted(ctype):
    ex = extract_request(request(MEDIA_STARTS[ctype] + NOISE, ctype))
    assert body_fields(ex) == ()
    assert len(ex.notes) == 1 and "media data not decoded" in ex.notes[0]


@pytest.mark.parametrize("ctype", ["image/png", "image/jpeg", "video/mp4", "audio/ogg", "font/woff2"])
def test_media_label_on_other_content_is_not_trusted(ctype):
    assert field_at(extract_request(request(JSON_BODY, ctype)), "body|json:$.device.imei").value == IMEI
    ex = extract_request(request(f"imei={IMEI}&os=9".encode(), ctype))
    assert field_at(ex, "body|form:imei").value == IMEI
    ex = extract_request(request(base64.b64encode(JSON_BODY), ctype))
    assert field_at(ex, "body|base64|json:$.device.imei").value == IMEI
    ex = extract_request(request(gzip.compress(JSON_BODY), ctype))
    assert field_at(ex, "body|gzip|json:$.device.imei").value == IMEI


def test_copied_media_signature_in_front_of_text_is_not_media():
    for start in (b"\x89PNG\r\n\x1a\n", b"GIF89a", b"ID3", b"true"):
        ex = extract_request(request(start + JSON_BODY + b" " * 64, "image/png"))
        assert any(IMEI in f.value for f in ex.fields), start
        assert not any("media data not decoded" in n for n in ex.notes)


def test_real_png_text_chunks_and_trailer_are_read():
    text = _png_chunk(b"tEXt", b"Comment\x00imei=" + IMEI.encode())
    ztext = _png_chunk(b"zTXt", b"Description\x00\x00" + zlib.compress(JSON_BODY))
    itext = _png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00en\x00\x00<x><sn>" + MAC.encode() + b"</sn></x>")
    ex = extract_request(request(png(text, ztext, itext) + b'{"iccid": "' + ICCID.encode() + b'"}', "image/png"))
    assert field_at(ex, "body|png:tEXt:Comment|form:imei").value == IMEI
    assert field_at(ex, "body|png:zTXt:Description|zlib|json:$.device.imei").value == IMEI
    assert field_at(ex, "body|png:iTXt:XML:com.adobe.xmp|xml:/x/sn").value == MAC
    assert field_at(ex, "body|png-trailer|json:$.iccid").value == ICCID
    clean = extract_request(request(png(), "image/png"))
    assert body_fields(clean) == () and len(clean.notes) == 1


def test_real_media_metadata_strings_are_read():
    body = MEDIA_STARTS["audio/mpeg"] + NOISE[:512] + b'TXXX\x00{"device": {"imei": "' + IMEI.encode() + b'"}}' + NOISE
    ex = extract_request(request(body, "audio/mpeg"))
    assert field_at(ex, "body|media-strings|json:$.device.imei").value == IMEI


def test_multipart_part_labelled_image_is_read_by_content():
    parts = (
        b"--b\r\nContent-Disposition: form-data; name=thumb\r\nContent-Type: image/png\r\n\r\n"
        + JSON_BODY
        + b"\r\n--b\r\nContent-Disposition: form-data; name=avatar\r\nContent-Type: image/png\r\n\r\n"
        + png()
        + b"\r\n--b--\r\n"
    )
    ex = extract_request(request(parts, "multipart/form-data; boundary=b"))
    assert field_at(ex, "body|multipart:thumb|json:$.device.imei").value == IMEI
    assert [f.location for f in body_fields(ex)] == ["body|multipart:thumb|json:$.device.imei"]


def test_binary_body_keeps_printable_strings():
    body = b"\x00\x01\x02\xff\xfe" + f"imei={IMEI}".encode() + b"\x00\x07\x08\xff" * 3
    ex = extract_request(request(body, "application/octet-stream"))
    assert IMEI in field_at(ex, "body|strings").value
    assert ex.notes == (f"body: binary content not decoded ({len(body)} bytes); printable strings kept",)


def test_ndjson_broken_later_line_noted_and_kept():
    body = b'{"imei": "' + IMEI.encode() + b'"}\n{"imsi": "46003\n'
    ex = extract_request(request(body, "application/x-ndjson"))
    assert field_at(ex, "body|ndjson[0]|json:$.imei").value == IMEI
    assert field_at(ex, "body|ndjson[1]").value == '{"imsi": "46003'
    assert len(ex.notes) == 1 and ex.notes[0].startswith("body: ndjson line 1 invalid at char")


def test_header_holding_json():
    ex = extract_request(request(headers=(("X-Device-Info", json.dumps({"imei": IMEI, "os": "9"})),)))
    f = field_at(ex, "header.x-device-info|json:$.imei")
    assert (f.value, f.key) == (IMEI, "imei")


def test_form_name_that_looks_like_data():
    ex = extract_request(request(f"{IMEI}=1&a=2".encode(), "application/x-www-form-urlencoded"))
    assert field_at(ex, "body|form[0]|key").value == IMEI
    assert field_at(ex, "body|form[0]").value == "1"
    assert not any(IMEI in step for f in ex.fields for step in f.chain)


def test_padded_token_is_not_an_empty_form():
    token = "Xk3vQ9zL0pA7mB2nC5dE8fG1hJ4kR6s="  # base64 of noise, one padding character
    ex = extract_request(request(json.dumps({"t": token}).encode(), "application/json"))
    assert [(f.location, f.value) for f in body_fields(ex)] == [("body|json:$.t", token)]


def test_xml_mixed_content_and_document_order():
    body = b"<r>head<a>1111</a>mid<b k='v'>2222</b>tail</r>"
    ex = extract_request(request(body, "application/xml"))
    assert [(f.location, f.value) for f in body_fields(ex)] == [
        ("body|xml:/r", "head"),
        ("body|xml:/r/a", "1111"),
        ("body|xml:/r", "mid"),
        ("body|xml:/r/b@k", "v"),
        ("body|xml:/r/b", "2222"),
        ("body|xml:/r", "tail"),
    ]


def test_declared_protobuf_with_printable_bytes():
    inner = "a" * 32
    # tag 0x0a (a newline), length 0x20 (a space), …, tag 0x22 ('"'), length 0x21 ('!'): all "text"
    msg = _pb_field(1, inner) + _pb_field(4, "imei " + IMEI + "!" * 13)
    assert all(0x20 <= b < 0x7F or b == 0x0A for b in msg)
    ex = extract_request(request(msg, "application/x-protobuf"))
    assert field_at(ex, "body|protobuf:1").value == inner
    assert field_at(ex, "body|protobuf:4").value.startswith("imei " + IMEI)


def test_declared_csv_cells_are_keyed_by_their_column():
    body = b"timestamp,latitude,longitude,eci\n2025-11-23T13:35:01Z,55.760616,37.609405,24293889\n2025-11-23T13:35:06Z,55.7622,37.6224,24293890\n"
    ex = extract_request(RequestView("POST", "http://h.test/up", (("Content-Type", "text/csv"),), body))
    assert ex.notes == ()
    assert [(f.chain, f.key, f.value) for f in ex.fields if f.where == "body"][:4] == [
        (("csv[0].timestamp",), "timestamp", "2025-11-23T13:35:01Z"),
        (("csv[0].latitude",), "latitude", "55.760616"),
        (("csv[0].longitude",), "longitude", "37.609405"),
        (("csv[0].eci",), "eci", "24293889"),
    ]
    # a first row of data, not names: read as text
    ex = extract_request(RequestView("POST", "http://h.test/up", (("Content-Type", "text/csv"),), b"1,2,3\n4,5,6\n"))
    assert [(f.chain, f.value) for f in ex.fields if f.where == "body"] == [((), "1,2,3\n4,5,6\n")]


def test_json_inside_binary_framing_keeps_its_keys():
    topic, payload = b"owntracks/kari/phone", b'{"_type":"location","lat":60.398024,"lon":5.327035,"tst":1763904901}'
    variable = len(topic).to_bytes(2, "big") + topic
    publish = b"\x30" + bytes([len(variable) + len(payload)]) + variable + payload  # MQTT PUBLISH, QoS 0
    ex = extract_request(RequestView("TCP", "tcp://h.test:1883/", (), publish))
    keyed = {f.key: f.value for f in ex.fields if f.chain[-1:] and f.chain[-1].startswith("json:")}
    assert keyed == {"_type": "location", "lat": "60.398024", "lon": "5.327035", "tst": "1763904901"}


def test_semicolon_separated_pairs_are_keyed_and_keep_plus_signs():
    body = b"v=3;lat=41.153232;lon=-8.637505;mcc=268;tel=+351912345678;ci=122833154"
    ex = extract_request(RequestView("POST", "http://h.test/m", (("Content-Type", "text/plain"),), body))
    keyed = {f.key: f.value for f in ex.fields if f.where == "body"}
    assert keyed == {
        "v": "3",
        "lat": "41.153232",
        "lon": "-8.637505",
        "mcc": "268",
        "tel": "+351912345678",
        "ci": "122833154",
    }
    # two pairs are not enough: a header-like "charset=utf-8; q=0.5" stays text
    ex = extract_request(
        RequestView("POST", "http://h.test/m", (("Content-Type", "text/plain"),), b"charset=utf-8;q=0.5")
    )
    assert [f.key for f in ex.fields if f.where == "body"] != ["charset", "q"]


# ------------------------------------------------------------------------------------------- framing


def _frame(message: bytes, flags: int = 0) -> bytes:
    return bytes([flags]) + len(message).to_bytes(4, "big") + message


DEVICE_MESSAGE = _pb_field(1, "TA-1046") + _pb_field(2, IMEI) + _pb_field(3, 1) + _pb_field(4, MAC)


def _cut_before(message: bytes, *values: str) -> list[bytes]:
    cuts = [message.index(v.encode()) for v in values]
    return [message[a:b] for a, b in zip([0, *cuts], [*cuts, len(message)])]


@pytest.mark.parametrize("ctype", ["application/grpc-web-text", "application/grpc-web-text+proto", "application/grpc"])
def test_grpc_web_text(ctype):
    ex = extract_request(request(base64.b64encode(_frame(DEVICE_MESSAGE)), ctype))
    assert field_at(ex, "body|base64|grpc[0]|protobuf:2").value == IMEI
    assert field_at(ex, "body|base64|grpc[0]|protobuf:4").value == MAC
    assert ex.notes == ()


def test_grpc_web_text_in_separately_padded_chunks():
    first, second = _frame(_pb_field(1, "a")), _frame(_pb_field(2, IMEI))
    assert len(first) % 3 and len(second) % 3  # both chunks carry padding
    body = base64.b64encode(first) + b"\r\n" + base64.b64encode(second)
    assert body.count(b"=") >= 2
    ex = extract_request(request(body, "application/grpc-web-text"))
    assert field_at(ex, "body|base64|grpc[1]|protobuf:2").value == IMEI
    assert field_at(ex, "body|base64|grpc[0]|protobuf:1").value == "a"


def test_grpc_message_cut_across_frames_is_joined():
    two = b"".join(_frame(p) for p in _cut_before(DEVICE_MESSAGE, IMEI))
    ex = extract_request(request(two, "application/grpc-web+proto"))
    assert field_at(ex, "body|grpc[0-1]|protobuf:2").value == IMEI
    assert ex.notes == ()
    # three frames, cut inside the IMEI and inside the MAC, then a whole second message
    parts = _cut_before(DEVICE_MESSAGE, IMEI[5:], MAC[3:])
    body = b"".join(_frame(p) for p in parts) + _frame(_pb_field(1, ICCID))
    ex = extract_request(request(body, "application/grpc"))
    assert field_at(ex, "body|grpc[0-2]|protobuf:2").value == IMEI
    assert field_at(ex, "body|grpc[0-2]|protobuf:4").value == MAC
    assert field_at(ex, "body|grpc[3]|protobuf:1").value == ICCID


def test_grpc_frames_that_never_complete_are_walked_alone():
    head, _tail = _cut_before(DEVICE_MESSAGE, IMEI)
    body = _frame(head) + _frame(gzip.compress(_pb_field(2, IMEI)), flags=1)
    ex = extract_request(request(body, "application/grpc"))
    assert field_at(ex, "body|grpc[1]|gzip|protobuf:2").value == IMEI
    assert any(n.startswith("body|grpc[0]: protobuf invalid") for n in ex.notes)


def test_grpc_web_trailers_frame_is_read():
    body = _frame(_pb_field(1, "a")) + _frame(b"grpc-status: 0\r\nx-imei: " + IMEI.encode() + b"\r\n", flags=0x80)
    ex = extract_request(request(body, "application/grpc-web"))
    assert IMEI in field_at(ex, "body|grpc[1]|trailers").value


def test_compressed_bytes_inside_a_protobuf_field():
    zipped = _pb_field(1, "zzhc") + _pb_field(3, gzip.compress(JSON_BODY))
    ex = extract_request(request(zipped, "application/x-protobuf"))
    assert field_at(ex, "body|protobuf:3|gzip|json:$.device.imei").value == IMEI
    nested = _pb_field(1, 8) + _pb_field(2, _pb_field(7, zlib.compress(JSON_BODY)))
    ex = extract_request(request(nested, "application/octet-stream"))
    assert field_at(ex, "body|protobuf:2.7|zlib|json:$.device.imei").value == IMEI
    inner = _pb_field(5, zstandard.ZstdCompressor().compress(_pb_field(1, IMEI)))
    ex = extract_request(request(inner, "application/x-protobuf"))
    assert field_at(ex, "body|protobuf:5|zstd|protobuf:1").value == IMEI


def _b64json(obj: object) -> str:
    return base64.b64encode(json.dumps(obj).encode()).decode()


@pytest.mark.parametrize(
    ("template", "step"),
    [
        ("v1:{}", "text[3:{}]"),
        ("token={}; ok", "text[6:{}]"),
        ("Device registration payload {} sent at boot.", "text[28:{}]"),
        ("sig {}", "text[4:{}]"),
    ],
)
def test_base64_inside_text(template, step):
    encoded = _b64json({"imei": IMEI})
    text = template.format(encoded)
    start = text.index(encoded)
    where = step.format(start + len(encoded))
    ex = extract_request(request(text.encode(), "text/plain"))
    assert field_at(ex, f"body|{where}|base64|json:$.imei").value == IMEI
    assert field_at(ex, "body").value == text
    ex = extract_request(request(json.dumps({"log": text}).encode(), "application/json"))
    assert field_at(ex, f"body|json:$.log|{where}|base64|json:$.imei").value == IMEI


def test_gzip_base64_inside_text():
    text = "payload:" + base64.b64encode(gzip.compress(JSON_BODY)).decode()
    ex = extract_request(request(text.encode(), "text/plain"))
    assert field_at(ex, f"body|text[8:{len(text)}]|base64|gzip|json:$.device.imei").value == IMEI


def test_long_words_in_sentences_are_not_decoded():
    text = (
        "Internationalization-localization of /usr/local/lib/python3.12/site-packages failed; "
        "sha256 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08, build "
        "Xk3vQ9zL0pA7mB2nC5dE8fG1hJ4kR6s, user AbCdEfGhIjKlMnOpQrStUvWx, id 550e8400-e29b-41d4-a716-446655440000"
    )
    ex = extract_request(request(text.encode(), "text/plain"))
    assert [f.location for f in body_fields(ex)] == ["body"]
    assert ex.notes == ()


# ------------------------------------------------------------------------------------------ spellings

FULLWIDTH = str.maketrans("0123456789abcdef:", "０１２３４５６７８９ａｂｃｄｅｆ：")


@pytest.mark.parametrize(
    "spelled",
    [
        IMEI.translate(FULLWIDTH),
        IMEI.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")),  # Arabic-Indic
        IMEI.translate(str.maketrans("0123456789", "०१२३४५६७८९")),  # Devanagari
        "\u200b".join(IMEI),
        "\u2066" + "\u200e".join(IMEI) + "\u2069",
        "\ufeff" + "\u00ad".join(IMEI[:8]) + IMEI[8:],
    ],
    ids=["fullwidth", "arabic-indic", "devanagari", "zero-width", "bidi", "bom-soft-hyphen"],
)
def test_unicode_spellings_are_folded_wherever_values_are(spelled):
    body = json.dumps({"imei": spelled, "list": [spelled], "nested": json.dumps({"x": spelled})}).encode()
    url = "http://api.example.test/p?imei=" + quote(spelled)
    ex = extract_request(request(body, "application/json", url=url, headers=(("X-Dev", spelled),)))
    for location in ("body|json:$.imei|unicode-fold", "body|json:$.list[0]|unicode-fold",
                     "body|json:$.nested|json:$.x|unicode-fold", "query.imei|unicode-fold", "header.x-dev|unicode-fold"):  # fmt: skip
        assert field_at(ex, location).value == IMEI


def test_fullwidth_mac_folds_and_other_text_stays():
    ex = extract_request(request(json.dumps({"mac": MAC.translate(FULLWIDTH), "name": "Télé 電話 №5"}).encode(),
                                 "application/json"))  # fmt: skip
    assert field_at(ex, "body|json:$.mac|unicode-fold").value == MAC
    # № folds to "No" under NFKC: only characters with an ASCII compatibility form change
    assert field_at(ex, "body|json:$.name|unicode-fold").value == "Télé 電話 No5"


def test_non_ascii_without_anything_to_fold_is_kept_as_is():
    ex = extract_request(request(json.dumps({"name": "Télé 電話"}).encode(), "application/json"))
    assert field_at(ex, "body|json:$.name").value == "Télé 電話"
