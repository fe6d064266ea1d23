"""EXTRACT stage: a request in, every value in it out, each with where it was and how it was decoded.

``extract_request`` is pure (no I/O) and never raises: whatever the input, it returns an
``Extraction``; anything not inspected (limits, undecodable content) is said in ``Extraction.notes``,
which never quote input values.

Every part of the request that reaches the destination is inspected: a firmware that wants to smuggle
an identifier past the guard picks the part nobody reads, so no part is trusted to be harmless by its
name. Places (``Field.where``):

- ``method``: the method token (``X<imei>`` is as much a carrier as a query parameter).
- ``host.label[i]``: the i-th label of the host name the request names (``<imei>.zzhc.example``); the
  host is also judged as the destination by the locate stage, which this does not change.
  ``userinfo``: the ``user:password@`` of the authority, when a URL has one.
- ``path[i]``: the i-th path segment (0-based, %-unescaped); ``key=value`` pairs inside a segment
  (split on ``;`` and ``,``) add fields with the step ``param:<key>``.
- ``query.<name>``: a query parameter; ``query`` for a bare token without ``=``; ``query[i]`` when the
  name itself looks like data (it is then emitted too, with the step ``key``).
- ``fragment``: the URL fragment (mitmproxy forwards a ``#…`` sent in the request target as is).
- ``header.<name>``: every header (lower-case name), standard or not, Content-Type parameters
  included; ``header[i]`` when the name itself looks like data (``X-<imei>: 1``: the name is emitted
  too, with the step ``key``). ``cookie.<name>``: a cookie from a Cookie header; Authorization and
  Proxy-Authorization: the credentials after the scheme. A Host header equal to the URL's authority is
  not read twice (its labels are ``host.label[i]``).
- ``trailer.<name>`` / ``trailer[i]``: a trailer field after the body (HTTP/2 and HTTP/3; mitmproxy
  12.2 refuses HTTP/1 request trailers, and drops HTTP/1 chunk extensions before any addon sees the
  request, so neither can reach the destination).
- ``body``: the body.

Chain steps: content codings and compressed payloads (``gzip``, ``deflate``, ``br``, ``zstd``,
``zlib``, ``xz``, ``lzma``, ``bzip2``, and ``raw-deflate``/``br`` guessed for bytes without a signature
when they decode to text), ``base64``, ``hex``, ``urldecode``, ``jwt``, ``quoted-printable``; text
encodings found without a charset (``utf-16-le``, ``utf-16-be``, ``utf-32-le``, ``utf-32-be``, by BOM
or by the NUL bytes of ASCII-range text); ``unicode-fold`` (a value's full-width and other-script
digits, compatibility forms and invisible format characters folded to ASCII: ``extract.fold``); and
structure paths
``json:$.a.b[2].c`` (``json:$`` for a JSON string, ``json-key:…`` for a member name that looks like
data), ``form:<name>``, ``ndjson[i]``, ``xml:/Root/Item[2]@attr``, ``multipart:<name>``,
``protobuf:1.3.2`` (field numbers; a ``bytes`` field holding gzip/zstd/zlib data continues with the
coding, ``protobuf:3|gzip|json:$.a``), ``grpc[i]`` (the i-th gRPC / gRPC-Web frame; ``grpc[i-j]`` for a
protobuf message cut across frames i to j and joined; ``grpc[i]|trailers`` for a gRPC-Web trailers
frame; gRPC-Web text is ``base64|grpc[i]``), ``text[a:b]`` (characters a to b of a text: base64 inside
it, behind a prefix or in a sentence, then ``base64``), ``query:<name>`` (a URL inside a value),
``strings`` (printable runs of undecodable binary), ``bcd`` (its packed-BCD runs as digits);
for a body that really is the media it is labelled (``media``), ``png:tEXt:<keyword>`` (also ``zTXt``,
``iTXt``), ``png-trailer`` (bytes after the image's end) and ``media-strings`` (its long printable
runs).
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..limits import DEFAULT_LIMITS, EXTRACTION_ERROR, NESTING, UNKNOWN_ENCODING, Limits, limit_kind
from ..model import Extraction, RequestView

if TYPE_CHECKING:
    from ..detect.triggers import TriggerScan
from .sniff import shown_name
from .walker import CODINGS, TRANSFORM_STEPS, Walker, _Stop

__all__ = ["TRANSFORM_STEPS", "extract_request"]

_BODY_BYTES = limit_kind("max_body_bytes")  # the URL and each header are cut at the body's bound too

# Headers whose value is credentials after a scheme word (``Bearer …``, ``Basic …``). Proxy-Authorization
# is meant for the proxy, but mitmproxy removes it only when its own ``proxyauth`` option is set (and then
# before any addon's ``request`` hook): otherwise it is forwarded to the destination like any header.
# Either way the headers this stage sees are the headers the destination gets.
_CREDENTIALS = frozenset({"authorization", "proxy-authorization"})


def extract_request(
    request: RequestView, limits: Limits = DEFAULT_LIMITS, gate: TriggerScan | None = None
) -> Extraction:
    """Every value in ``request`` as a ``Field``, with the notes saying what was not inspected.

    With ``gate`` (a detector's ``triggers``) the values in which that detector could find nothing are
    left out: long values without a trigger, JSON subtrees no trigger touches. The detector's hits are
    the same either way (``tests/test_detect_triggers.py``); only the work is less.
    """
    walker = Walker(limits, gate)
    try:
        walker.text("method", (), None, _bounded(walker, "method", request.method, limits))
        authority = _url(walker, request.url, limits)
        _headers(walker, "header", request.headers, limits, authority)
        _body(walker, request, limits)
        _headers(walker, "trailer", request.trailers, limits, None)
    except _Stop:
        pass
    except RecursionError:
        walker.note("request", (), "nesting too deep; rest not inspected", NESTING)
    except Exception as exc:  # noqa: BLE001 - last resort: the guard must judge every request
        walker.note("request", (), f"extraction error ({type(exc).__name__}); rest not inspected", EXTRACTION_ERROR)
    return Extraction(tuple(walker.fields), tuple(walker.notes), tuple(walker.causes))


def _bounded(walker: Walker, where: str, text: str, limits: Limits) -> str:
    """``text`` cut to the size a body may have (noted): no single part of a request is read further."""
    if len(text) <= limits.max_body_bytes:
        return text
    walker.note(where, (), f"truncated at {limits.max_body_bytes} characters of {len(text)}", _BODY_BYTES)
    return text[: limits.max_body_bytes]


def _url(walker: Walker, url: str, limits: Limits) -> str | None:
    """Inspect the URL's parts; return its authority (``host[:port]``), None when it has none."""
    url = _bounded(walker, "url", url, limits)
    # Split by hand rather than urlsplit: it raises on malformed hosts (which are data here too).
    authority: str | None = None
    scheme_end = url.find("://", 0, 32)
    if scheme_end >= 0:
        rest = url[scheme_end + 3 :]
        cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
        authority, rest = rest[:cut], rest[cut:]
        _authority(walker, authority)
    else:
        rest = url
    rest, hash_sign, fragment = rest.partition("#")
    path, _, query = rest.partition("?")
    for index, segment in enumerate(path.split("/")[1:]):
        if segment:
            _segment(walker, f"path[{index}]", segment)
    if query:
        walker.url_query("query", (), query, "")
    if hash_sign and fragment:
        walker.text("fragment", (), None, unquote(fragment, errors="replace"))
    return authority


def _authority(walker: Walker, authority: str) -> None:
    """The userinfo and the host name's labels; an IP literal has no labels worth reading."""
    userinfo, at, hostport = authority.rpartition("@")
    if at and userinfo:
        walker.text("userinfo", (), None, unquote(userinfo, errors="replace"))
    if hostport.startswith("["):  # an IPv6 literal
        return
    host = hostport.rpartition(":")[0] if ":" in hostport else hostport
    try:
        ipaddress.ip_address(host)
        return
    except ValueError:
        pass
    for index, label in enumerate(host.split(".")):
        if label:
            walker.text(f"host.label[{index}]", (), None, unquote(label, errors="replace"))


def _segment(walker: Walker, where: str, segment: str) -> None:
    walker.text(where, (), None, unquote(segment, errors="replace"))
    if "=" in segment:
        _parameters(walker, where, segment, percent_encoded=True)


def _parameters(walker: Walker, where: str, text: str, *, percent_encoded: bool = False) -> None:
    """The ``name=value`` parameters in a path segment (``reg;imsi=…``) or a header value
    (``application/json; imei=…``, ``u=3, d=…``: RFC 9110 parameters and lists), each under the step
    ``param:<name>`` with its name as the key, so a detector has the name as context. The whole text
    is emitted by the caller too."""
    for piece in text.replace(",", ";").split(";"):
        name, eq, value = piece.partition("=")
        name, value = name.strip(), value.strip()
        if percent_encoded:
            name, value = unquote(name, errors="replace"), unquote(value, errors="replace")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if eq and name and value and shown_name(name) is not None:
            walker.text(where, ("param:" + name,), name, value)


def _headers(
    walker: Walker, part: str, headers: tuple[tuple[str, str], ...], limits: Limits, authority: str | None
) -> None:
    """Header (or trailer, by ``part``) fields: each name that looks like data, and each value."""
    for index, (raw_name, raw_value) in enumerate(headers):
        name = _bounded(walker, f"{part}[{index}]", raw_name, limits)
        lname = name.lower()
        if shown_name(lname) is None:
            where, key = f"{part}[{index}]", None
            walker.emit(where, ("key",), name, None)
        else:
            where, key = f"{part}.{lname}", lname
        value = _bounded(walker, f"{part}[{index}]", raw_value, limits)
        if not value:
            continue
        if lname == "cookie":
            _cookies(walker, value)
        elif lname in _CREDENTIALS:
            scheme, _, credentials = value.strip().partition(" ")
            walker.text(where, (), key, credentials.strip() or scheme)
        elif lname == "host" and authority is not None and value.strip().lower() == authority.lower():
            continue  # the URL's authority, already read label by label
        elif not walker.text(where, (), key, value) and "=" in value:
            _parameters(walker, where, value)


def _cookies(walker: Walker, header: str) -> None:
    for index, item in enumerate(header.split(";")):
        name, eq, value = item.strip().partition("=")
        if not eq:
            if name:
                walker.text(f"cookie[{index}]", (), None, name)
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        if shown_name(name) is None:
            walker.emit(f"cookie[{index}]", ("key",), name, None)
            if value:
                walker.text(f"cookie[{index}]", (), None, value)
        elif value:
            walker.text("cookie." + name, (), name, value)


def _body(walker: Walker, request: RequestView, limits: Limits) -> None:
    data = request.body
    if not data:
        return
    if len(data) > limits.max_body_bytes:
        walker.note("body", (), f"truncated at {limits.max_body_bytes} bytes of {len(data)}", _BODY_BYTES)
        data = data[: limits.max_body_bytes]
    content_type = request.header("content-type")
    chain: tuple[str, ...] = ()
    codings = [c.strip().lower() for c in (request.header("content-encoding") or "").split(",")]
    for coding in reversed([c for c in codings if c and c != "identity"]):
        step = CODINGS.get(coding)
        if step is None:
            plain = coding.isascii() and coding.replace("-", "").isalnum() and len(coding) <= 20
            shown = coding if plain and shown_name(coding) is not None else "?"
            walker.note("body", chain, f"content-encoding {shown} not supported; body sniffed as is", UNKNOWN_ENCODING)
            break
        if walker.too_deep("body", chain):
            return
        inflated = walker.inflate(step, bytes(data), "body", chain)
        if inflated is None:
            # Clients do mislabel bodies: a "gzip" body that is plain JSON is still worth reading.
            break
        data, chain = inflated, chain + (step,)
    walker.content("body", chain, None, bytes(data), content_type)
