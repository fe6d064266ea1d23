"""EXTRACT stage: a request in, every value in it out, each with where it was and how it was decoded.

``extract_request`` is pure (no I/O) and never raises: whatever the input, it returns an
``Extraction``; anything not inspected (limits, undecodable content) is said in ``Extraction.notes``,
which never quote input values.

Places (``Field.where``):

- ``path[i]``: the i-th path segment (0-based, %-unescaped); ``key=value`` pairs inside a segment
  (split on ``;`` and ``,``) add fields with the step ``param:<key>``.
- ``query.<name>``: a query parameter; ``query`` for a bare token without ``=``; ``query[i]`` when the
  name itself looks like data (it is then emitted too, with the step ``key``).
- ``header.<name>``: a header (lower-case name), except those in ``SKIPPED_HEADERS``; ``cookie.<name>``:
  a cookie from a Cookie header; Authorization: the credentials after the scheme.
- ``body``: the body. The host is not a field (the locate stage owns it).

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

from typing import TYPE_CHECKING
from urllib.parse import unquote

from ..limits import DEFAULT_LIMITS, EXTRACTION_ERROR, NESTING, UNKNOWN_ENCODING, Limits, limit_kind
from ..model import Extraction, RequestView

if TYPE_CHECKING:
    from ..detect.triggers import TriggerScan
from .sniff import shown_name
from .walker import CODINGS, TRANSFORM_STEPS, Walker, _Stop

__all__ = ["SKIPPED_HEADERS", "TRANSFORM_STEPS", "extract_request"]

_BODY_BYTES = limit_kind("max_body_bytes")  # the URL and each header are cut at the body's bound too

SKIPPED_HEADERS = frozenset(
    {
        # hop-by-hop and framing (RFC 9110 §7.6.1): describe the connection, not the data
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade",
        "content-length", "content-encoding", "content-type", "expect",
        # the destination is judged by the locate stage, not read as a value
        "host",
        # credentials for the proxy itself: never sent on to the destination
        "proxy-authorization",
        # fixed vocabularies that cannot hold an identifier
        "accept", "accept-encoding", "accept-charset", "accept-language", "cache-control", "pragma",
        "date", "dnt", "upgrade-insecure-requests", "priority", "sec-fetch-dest", "sec-fetch-mode",
        "sec-fetch-site", "sec-fetch-user", "sec-ch-ua-mobile", "range", "if-modified-since",
        "if-unmodified-since",
    }
)  # fmt: skip


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
        _url(walker, request.url, limits)
        _headers(walker, request.headers, limits)
        _body(walker, request, limits)
    except _Stop:
        pass
    except RecursionError:
        walker.note("request", (), "nesting too deep; rest not inspected", NESTING)
    except Exception as exc:  # noqa: BLE001 - last resort: the guard must judge every request
        walker.note("request", (), f"extraction error ({type(exc).__name__}); rest not inspected", EXTRACTION_ERROR)
    return Extraction(tuple(walker.fields), tuple(walker.notes), tuple(walker.causes))


def _url(walker: Walker, url: str, limits: Limits) -> None:
    if len(url) > limits.max_body_bytes:
        walker.note("url", (), f"truncated at {limits.max_body_bytes} characters of {len(url)}", _BODY_BYTES)
        url = url[: limits.max_body_bytes]
    # Split by hand rather than urlsplit: it raises on malformed hosts, and the host is not wanted.
    scheme_end = url.find("://", 0, 32)
    if scheme_end >= 0:
        rest = url[scheme_end + 3 :]
        cut = min((i for i in (rest.find("/"), rest.find("?"), rest.find("#")) if i >= 0), default=len(rest))
        rest = rest[cut:]
    else:
        rest = url
    rest = rest.partition("#")[0]
    path, _, query = rest.partition("?")
    for index, segment in enumerate(path.split("/")[1:]):
        if segment:
            _segment(walker, f"path[{index}]", segment)
    if query:
        walker.url_query("query", (), query, "")


def _segment(walker: Walker, where: str, segment: str) -> None:
    walker.text(where, (), None, unquote(segment, errors="replace"))
    if "=" not in segment:
        return
    for piece in segment.replace(",", ";").split(";"):
        name, eq, value = piece.partition("=")
        name = unquote(name, errors="replace")
        value = unquote(value, errors="replace")
        if eq and name and value and shown_name(name) is not None:
            walker.text(where, ("param:" + name,), name, value)


def _headers(walker: Walker, headers: tuple[tuple[str, str], ...], limits: Limits) -> None:
    for index, (name, value) in enumerate(headers):
        lname = name.lower()
        if lname in SKIPPED_HEADERS or not value:
            continue
        if len(value) > limits.max_body_bytes:
            walker.note(f"header[{index}]", (), f"truncated at {limits.max_body_bytes} characters", _BODY_BYTES)
            value = value[: limits.max_body_bytes]
        where = f"header.{lname}" if shown_name(lname) is not None else f"header[{index}]"
        if lname == "cookie":
            _cookies(walker, value)
        elif lname == "authorization":
            scheme, _, credentials = value.strip().partition(" ")
            walker.text(where, (), lname, credentials.strip() or scheme)
        else:
            walker.text(where, (), lname if where != f"header[{index}]" else None, value)


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
