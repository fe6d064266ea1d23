"""EXTRACT stage: every decoder, the chains it records, and the ZZHC flagship case."""

from __future__ import annotations

import base64
import gzip
import json
import zlib

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
            ('Content-Disposition: form-data; name="img"; filename="a.png"\r\nContent-Type: image/png', b"\x89PNG...."),
        ]
    )
    ex = extract_request(request(body, "multipart/form-data; boundary=XyZ123"))
    assert field_at(ex, "body|multipart:meta|json:$.imsi").value == IMSI
    assert field_at(ex, "body|multipart:log").value == logcat.decode()
    assert field_at(ex, "body|multipart:log").key == "log"
    assert field_at(ex, "body|multipart:plain").value == "hello"
    assert field_at(ex, "body|multipart:gz|gzip|json:$.iccid").value == ICCID
    assert ex.notes == ("body|multipart:img: media type not inspected",)


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


def test_mislabelled_content_encoding_still_read():
    ex = extract_request(request(JSON_BODY, "application/json", encoding="gzip"))
    assert field_at(ex, "body|json:$.device.imei").value == IMEI
    assert any("gzip decode failed" in n for n in ex.notes)


def test_unknown_content_encoding_noted():
    ex = extract_request(request(JSON_BODY, "application/json", encoding="compress"))
    assert ex.notes == ("body: content-encoding compress not supported; body sniffed as is",)
    assert field_at(ex, "body|json:$.device.imei").value == IMEI


def test_media_types_not_inspected():
    for ctype in ("image/jpeg", "video/mp4", "audio/ogg", "font/woff2"):
        ex = extract_request(request(IMEI.encode() * 10, ctype))
        assert body_fields(ex) == ()
        assert ex.notes == ("body: media type not inspected",)


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
