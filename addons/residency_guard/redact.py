"""Redaction in flight (policy action ``redact``): the identifiers' bytes replaced by same-format fakes.

QA wants to see how firmware behaves when a transfer *appears* to succeed but carries no real
identifier. ``redact`` rewrites a request in two steps:

1. **Rewrite.** Each real value is paired with its fake (``idtypes.fake``: same length and spelling,
   checksum valid, keyed by a per-session secret so one value always gets one fake) in every plain
   spelling of its type (``idtypes.fake_spellings``), and in the local encodings of each spelling
   (%-escaped, and hex when a hit was found through hex): substitutions that keep every length. The URL's
   path and query, every header value and the body are rewritten: literal substitution in the text,
   then each encoding layer the hits were found through (their chains) is opened where it occurs,
   rewritten recursively and closed again the same way: base64 runs (same alphabet, padding and line
   wrapping, so an equal-length input keeps its length) and compressed blobs; the body's
   content-encoding (gzip, deflate, br, zstd) is undone and redone, and ``Content-Length`` fixed.
2. **Prove.** The rewritten request is extracted and detected again by the same stages that judged
   it. If any real value is still found — it was seen only through a hash of a profile value, inside a
   layer the rewriter cannot re-encode, in a spelling it does not know — the redaction is unsafe.

The proof is what makes this a general mechanism rather than a list of special cases: whatever the
rewriter does not handle, the detector still sees, and the rule's fallback (``block`` by default)
applies with the reason in the event. What it cannot see is a signature over the content: a JWT holding
a value, or a request signature header, would no longer verify, so those are refused before rewriting.

Everything is bounded by ``limits``: layers nest at most ``max_depth`` deep, decoding produces at most
``max_decoded_bytes``; past them nothing more is rewritten and the proof decides. Reasons never quote
input values.
"""

from __future__ import annotations

import binascii
import re
import time
import urllib.parse
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import brotli
import zstandard

from . import idtypes
from .detect import Detector
from .extract import extract_request
from .extract.codings import GZIP_MAGIC, ZSTD_MAGIC, decompress, looks_like_zlib
from .extract.sniff import base64_bytes
from .limits import DEFAULT_LIMITS, Limits
from .model import Hit, RequestView

COMPRESSIONS = ("gzip", "deflate", "zlib", "br", "zstd")
SIGNED_STEPS = frozenset({"jwt"})
"""Chain steps under a signature: a value found there cannot be replaced without breaking it."""
SIGNATURE_HEADER = re.compile(r"sign|hmac|digest|content-md5|x-amz-content-sha256", re.IGNORECASE)
"""Headers that sign or hash the request (``X-Signature``, ``Digest``, ``X-Hmac``…): a rewrite would
invalidate them, and the guard cannot sign in the client's name."""
UNREWRITTEN_HEADERS = frozenset({"host", "content-length", "content-encoding", "transfer-encoding"})
_BASE64_RUN = re.compile(rb"[A-Za-z0-9+/_-]{16,}(?:\r?\n[A-Za-z0-9+/_-]+)*={0,2}(?:\r?\n)?")


@dataclass(frozen=True, slots=True)
class Replacement:
    """One identifier found in the request and the fake it is replaced by."""

    hit: Hit
    fake: str


@dataclass(frozen=True, slots=True)
class Redaction:
    """The rewritten request, or why it could not be rewritten safely (``request`` is then None)."""

    request: RequestView | None
    replacements: tuple[Replacement, ...] = ()
    refused: str | None = None


def redact(
    request: RequestView,
    hits: Sequence[Hit],
    types: Iterable[str],
    key: bytes,
    detector: Detector,
    limits: Limits = DEFAULT_LIMITS,
    client_ip: str | None = None,
) -> Redaction:
    """``request`` with every hit of ``types`` replaced by its fake, proved by re-inspection."""
    wanted = frozenset(types)
    targets = [h for h in hits if h.type in wanted]
    if not targets:
        return Redaction(None, refused="nothing to redact")
    refused = _signed(request, targets)
    if refused:
        return Redaction(None, refused=refused)
    fakes: dict[tuple[str, str], str] = {}
    for h in targets:
        try:
            fakes.setdefault((h.type, h.value), idtypes.fake(h.type, h.value, key))
        except ValueError as e:
            return Redaction(None, refused=f"{h.type}: {e}")
    steps = frozenset(step for h in targets for step in h.chain)
    rewriter = _Rewriter(_substitutions(fakes, steps), steps, limits)
    rewritten = rewriter.request(request)
    replacements = tuple(Replacement(h, fakes[(h.type, h.value)]) for h in targets)
    left = _still_found(rewritten, fakes, detector, limits, client_ip)
    if left:
        return Redaction(None, replacements, left)
    return Redaction(rewritten, replacements)


def _signed(request: RequestView, targets: Sequence[Hit]) -> str | None:
    for h in targets:
        if SIGNED_STEPS.intersection(h.chain):
            return f"{h.type} found inside a signed token ({h.location}): a rewrite would break its signature"
    for name, _ in request.headers:
        if SIGNATURE_HEADER.search(name):
            return f"the request carries a signature header ({name.lower()}) that a rewrite would invalidate"
    return None


def _substitutions(fakes: dict[tuple[str, str], str], steps: frozenset[str]) -> dict[bytes, bytes]:
    """real → fake for every spelling and every length-keeping encoding of it, as bytes."""
    pairs: dict[bytes, bytes] = {}
    for (type_, real), fake in fakes.items():
        for r, f in idtypes.fake_spellings(type_, real, fake):
            forms = [(r, f)]
            quoted_r, quoted_f = urllib.parse.quote(r, safe=""), urllib.parse.quote(f, safe="")
            forms += [(quoted_r, quoted_f), (quoted_r.lower(), quoted_f.lower())]
            if "hex" in steps:
                forms += [(r.encode().hex(), f.encode().hex()), (r.encode().hex().upper(), f.encode().hex().upper())]
            for a, b in forms:
                if len(a) == len(b) and a != b:
                    pairs.setdefault(a.encode(), b.encode())
    return pairs


def _still_found(
    rewritten: RequestView,
    fakes: dict[tuple[str, str], str],
    detector: Detector,
    limits: Limits,
    client_ip: str | None,
) -> str | None:
    """Why the rewritten request is not proved clean, or None when no real value is found in it."""
    extraction = extract_request(rewritten, limits, detector.triggers)
    if not extraction.complete:
        return "the rewritten request could not be fully inspected, so nothing proves the values gone"
    for h in detector.detect(extraction.fields, client_ip=client_ip):
        if (h.type, h.value) in fakes:
            how = "through a hash or transform the rewrite cannot redo" if h.method == "known-value" else "still"
            return f"{h.type} {how} found after the rewrite ({h.location})"
    return None


@dataclass
class _Rewriter:
    """Rewrites text and the layers inside it; one per request (it carries the decoding budget)."""

    pairs: dict[bytes, bytes]
    steps: frozenset[str]
    limits: Limits
    decoded: int = 0
    deadline: float = field(default=0.0)
    _pattern: re.Pattern[bytes] | None = None

    def __post_init__(self) -> None:
        self.deadline = time.perf_counter() + self.limits.max_seconds
        if self.pairs:
            ordered = sorted(self.pairs, key=len, reverse=True)
            self._pattern = re.compile(b"|".join(re.escape(p) for p in ordered))

    def request(self, request: RequestView) -> RequestView:
        body = self.body(request)
        headers = []
        for name, value in request.headers:
            lname = name.lower()
            if lname == "content-length" and body != request.body:
                value = str(len(body))
            elif lname not in UNREWRITTEN_HEADERS:
                value = self.text(value)
            headers.append((name, value))
        return RequestView(request.method, self.url(request.url), tuple(headers), body, request.http_version)

    def url(self, url: str) -> str:
        """The path and query rewritten; scheme and authority (the destination) left alone."""
        scheme_end = url.find("://", 0, 32)
        start = 0 if scheme_end < 0 else url.find("/", scheme_end + 3)
        if start < 0:
            return url
        return url[:start] + self.text(url[start:])

    def text(self, value: str) -> str:
        raw = value.encode("utf-8", "surrogateescape")
        out = self.blob(raw, 0)
        return value if out == raw else out.decode("utf-8", "surrogateescape")

    def body(self, request: RequestView) -> bytes:
        """The body rewritten under its content codings, which are undone and redone."""
        codings = [c.strip().lower() for c in (request.header("content-encoding") or "").split(",")]
        return self._coded(request.body, [c for c in codings if c and c != "identity"])

    def _coded(self, data: bytes, codings: list[str]) -> bytes:
        if not data:
            return data
        if not codings:
            return self.blob(data, 0)
        coding = "gzip" if codings[-1] == "x-gzip" else codings[-1]
        return self._recompressed(coding, data, lambda inner: self._coded(inner, codings[:-1])) or data

    def blob(self, data: bytes, depth: int) -> bytes:
        """``data`` with the substitutions made, then the layers inside it rewritten."""
        if self._pattern is not None:
            data = self._pattern.sub(lambda m: self.pairs[m.group()], data)
        if depth >= self.limits.max_depth or time.perf_counter() > self.deadline:
            return data
        if "base64" in self.steps:
            data = _BASE64_RUN.sub(lambda m: self._base64(m.group(), depth), data)
        if self.steps.intersection(COMPRESSIONS):
            coding = _compression_of(data)
            if coding is not None:
                data = self._recompressed(coding, data, lambda inner: self.blob(inner, depth + 1)) or data
        return data

    def _base64(self, run: bytes, depth: int) -> bytes:
        text = run.decode("ascii")
        decoded = base64_bytes(text.strip())
        if decoded is None or not self._spend(len(decoded)):
            return run
        inner = self.blob(decoded, depth + 1)
        if inner == decoded:
            return run
        encoded = _encode_like(text, inner)
        return encoded if len(encoded) == len(run) else run

    def _recompressed(self, coding: str, data: bytes, rewrite: Callable[[bytes], bytes]) -> bytes | None:
        """Decompress (bounded), rewrite, compress the same way; None when it cannot be done."""
        room = self.limits.max_decoded_bytes - self.decoded
        if room <= 0:
            return None
        result = decompress(coding, data, room, self.deadline)
        self.decoded += len(result.data)
        if result.error or result.cut or result.timed_out:
            return None
        inner = rewrite(result.data)
        if inner == result.data:
            return data
        return _compress(coding, inner, raw_deflate=coding == "deflate" and not looks_like_zlib(data))

    def _spend(self, n: int) -> bool:
        self.decoded += n
        return self.decoded <= self.limits.max_decoded_bytes


def _compression_of(data: bytes) -> str | None:
    if data.startswith(GZIP_MAGIC):
        return "gzip"
    if data.startswith(ZSTD_MAGIC):
        return "zstd"
    if looks_like_zlib(data):
        return "zlib"
    return None


def _compress(coding: str, data: bytes, raw_deflate: bool = False) -> bytes:
    if coding == "gzip":
        c = zlib.compressobj(wbits=31)
        return c.compress(data) + c.flush()
    if coding in ("deflate", "zlib"):
        c = zlib.compressobj(wbits=-15 if raw_deflate else 15)
        return c.compress(data) + c.flush()
    if coding == "br":
        out: bytes = brotli.compress(data)
        return out
    if coding == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    raise ValueError(f"cannot compress with {coding}")


def _encode_like(original: str, data: bytes) -> bytes:
    """``data`` in base64 written as ``original`` was: alphabet, padding, line length and endings."""
    body = original.rstrip("\r\n")
    trailer = original[len(body) :]
    newline = "\r\n" if "\r\n" in body else "\n"
    lines = body.split(newline)
    encoded = binascii.b2a_base64(data, newline=False).decode("ascii")
    if "-" in body or "_" in body:
        encoded = encoded.replace("+", "-").replace("/", "_")
    if not body.endswith("="):
        encoded = encoded.rstrip("=")
    width = len(lines[0]) if len(lines) > 1 else 0
    if width:
        encoded = newline.join(encoded[i : i + width] for i in range(0, len(encoded), width))
    return (encoded + trailer).encode("ascii")
