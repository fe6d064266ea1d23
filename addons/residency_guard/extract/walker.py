"""The recursive decoder: turns request parts into Fields, undoing encodings under hard limits.

One ``Walker`` serves one request. Every value goes through ``text()``, which emits it as a Field or,
when it is an encoding of something else (JSON, form, base64, hex, %-escapes, JWT, XML, a URL with a
query), emits what it decodes to, each with the decoding steps appended to its chain. The rule for
what is emitted:

- a container (JSON object/array, form, XML document, NDJSON, multipart, protobuf message) is replaced
  by its leaves: the container text itself is not a Field;
- a sniffed binary encoding (base64, hex) keeps the original value *and* adds what it decodes to,
  since the guess may be wrong and known-value detectors match encoded identifiers; a %-escaped
  string or a URL is kept beside its decoding unless that decoding is a container.

Budget: ``Limits.max_decoded_bytes`` counts every byte a transforming step produces (decompression,
base64, hex, %-unescaping, JWT payloads, numbers rendered from protobuf varints); parsing steps only
slice what was already counted. Once it is spent no further transform runs, but leaves already decoded
are still emitted. The other limits stop the walk (``_Stop``) after leaving a note.
"""

from __future__ import annotations

import binascii
import csv
import io
import json
import re
import time
from bisect import bisect_right
from collections import Counter
from functools import lru_cache
from itertools import accumulate, count
from operator import add
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import unquote, unquote_plus
from xml.etree.ElementTree import Element, ParseError, XMLParser

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException, EntitiesForbidden, ExternalReferenceForbidden

from ..limits import NESTING, Limits, decoder_kind, limit_kind
from ..model import Field

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from ..detect.triggers import Spans, TriggerScan
from . import grpcweb, protobuf
from . import multipart as mp
from .codings import compression_of, decompress, probe
from .embedded import MIN_EMBEDDED_BASE64, walk_embedded_base64
from .fold import FOLD_STEP, fold
from .jsondecode import JSON_DECODER as _JSON
from .jsondecode import JSON_MAX_NESTING
from .jsondecode import JsonObject as _JsonObject
from .jsonprune import json_space_at, walk_pruned
from .media import walk_media
from .sniff import (
    JSONISH,
    MAY_BE_ENCODED_SHORT,
    MIN_BASE64,
    MIN_HEX,
    base64_bytes,
    bcd_runs,
    codec_for,
    has_percent_escape,
    hex_bytes,
    is_binary,
    json_member,
    jwt_payload,
    lenient_text,
    looks_like_form,
    looks_like_semicolon_pairs,
    media_kind,
    parse_content_type,
    plausible_text,
    printable_runs,
    shown_name,
    wordy,
)
from .textcodec import undeclared_text, wide_text

RATIO_FLOOR = 64 << 10
"""Output always allowed from a compressed input, whatever its ratio: tiny bodies of repetitive JSON
compress far beyond 100:1 without being bombs."""
_XML_CHUNK = 64 << 10
XML_MAX_NESTING = 100
MAX_NOTES = 32
MAX_MULTIPART_PARTS = 1000
CODINGS = {
    "gzip": "gzip", "x-gzip": "gzip", "deflate": "deflate", "br": "br", "zstd": "zstd",
    # not registered HTTP codings, but what a client labelling its own compression would write
    "xz": "xz", "x-xz": "xz", "lzma": "lzma", "x-lzma": "lzma", "bzip2": "bzip2", "x-bzip2": "bzip2",
}  # fmt: skip
WEAK_SIGNATURES = frozenset({"zlib", "lzma"})
"""Formats told by a plausible header rather than a magic number: a failed decode means the guess was
wrong, which is not worth a note."""
TRANSFORM_STEPS = frozenset(
    {"gzip", "deflate", "raw-deflate", "br", "zstd", "zlib", "xz", "lzma", "bzip2", "base64", "hex", "urldecode",
     "jwt", "quoted-printable"}
)  # fmt: skip
"""Chain steps that produce new bytes (charged to ``max_decoded_bytes``); the rest slice or parse."""

# Note kinds (``limits``) used more than once here.
_ITEMS, _SECONDS, _DECODED = limit_kind("max_items"), limit_kind("max_seconds"), limit_kind("max_decoded_bytes")
_DEPTH, _RATIO = limit_kind("max_depth"), limit_kind("max_ratio")
_XML, _MULTIPART = decoder_kind("xml"), decoder_kind("multipart")


_new_field = tuple.__new__
"""Builds a Field from its four values without the Python-level ``__new__`` a NamedTuple generates
(a call frame per field: a large body yields thousands)."""


class _Stop(Exception):
    """A request-wide limit was reached; the walk ends with the fields found so far."""


_BASE64_ALPHABET = re.compile(r"[A-Za-z0-9+/=_\-\r\n]+")
"""Every character base64 (either alphabet, wrapped) or hex can hold: one cheap test before both."""
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/=_\-\r\n]")


def _local(tag: object) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else "?"


def _named_by_siblings(tag: str | None, children: list[Element], names: list[str]) -> dict[int, str]:
    """Children whose name is written in a sibling rather than in their own tag; index → that name.

    - Property lists: ``<dict><key>SerialNumber</key><string>F2LX…</string></dict>``.
    - OMA-DM (SyncML DM) items, the carrier's device-management channel:
      ``<Item><Source><LocURI>./DevDetail/Ext/SerialNumber</LocURI></Source><Data>R58M…</Data></Item>``.
    """
    named: dict[int, str] = {}
    if tag == "dict":
        pending = None
        for index, (child, name) in enumerate(zip(children, names)):
            if name == "key":
                pending = shown_name((child.text or "").strip())
            elif pending is not None:
                named[index] = pending
                pending = None
    elif tag == "Item" and "Data" in names:
        for child, name in zip(children, names):
            if name in ("Source", "Target"):
                uri = next((c.text for c in child if _local(c.tag) == "LocURI" and c.text), None)
                if uri and (leaf := shown_name(uri.strip().rstrip("/").rpartition("/")[2])):
                    named[names.index("Data")] = leaf
                    break
    return named


_VALUED_AMP = re.compile(r"=[^&]")
_VALUED_SEMICOLON = re.compile(r"=[^;]")
"""A pair with a non-empty value: the text after some '=' is not the separator (nor the end)."""


def _selected_pairs(
    pairs: list[str], spans: Iterable[tuple[int, int, bool]], key_matters: Callable[[str], bool]
) -> list[int]:
    """Indexes of the pairs that ``spans`` touch (trigger occurrences, and where a name that matters to
    a sibling may be written, confirmed by ``key_matters``), in order."""
    starts = list(map(add, accumulate(map(len, pairs), initial=0), count()))[:-1]
    selected: set[int] = set()
    for start, end, confirm in spans:
        first = bisect_right(starts, start) - 1
        last = bisect_right(starts, max(start, end - 1)) - 1
        for i in range(max(first, 0), last + 1):
            if not confirm:
                selected.add(i)
            else:
                plus, plain = _unescaped_names(pairs[i].partition("=")[0])
                if key_matters(plus) or key_matters(plain):
                    selected.add(i)
    return sorted(selected)


@lru_cache(maxsize=8192)
def _unescaped_names(raw_name: str) -> tuple[str, str]:
    """A pair's name as ``&``-forms and as ``;``-pairs unescape it."""
    return unquote_plus(raw_name, errors="replace"), unquote(raw_name, errors="replace")


GATED_FROM = 128
"""Values this long are emitted (and decoded) only when ``gate`` finds a trigger in them; shorter ones
cost the detector's own selection less than the question would."""


class _Unescape(Protocol):
    """``unquote_plus`` or ``unquote``."""

    def __call__(self, string: str, encoding: str = "utf-8", errors: str = "replace") -> str: ...


def _as_text(data: bytes, charset: str | None, chain: tuple[str, ...]) -> tuple[str | None, bool, tuple[str, ...]]:
    """(text or None, whether the bytes are binary, the chain with a wide codec's step): the declared
    charset decodes; without one UTF-8, else UTF-16/UTF-32 when the bytes are that."""
    codec = codec_for(charset)
    if codec != "utf-8":
        return data.decode(codec, errors="replace"), False, chain
    try:
        text: str | None = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    binary = text is None or is_binary(data)
    if binary and (wide := wide_text(data)) is not None:
        return wide[0], False, chain + (wide[1],)
    return text, binary, chain


class Walker:
    def __init__(self, limits: Limits, gate: TriggerScan | None = None) -> None:
        self.limits = limits
        self.gate = gate
        self._spans_of: tuple[str | None, Spans | None] = (None, None)
        self.fields: list[Field] = []
        self.notes: list[str] = []
        self.causes: dict[str, None] = {}
        """Kinds of the notes, in order of first occurrence (a dict as an ordered set); bounded by the
        vocabulary, so kept even when notes past ``MAX_NOTES`` are suppressed."""
        self.decoded = 0
        self.exhausted = False
        self.deadline = time.perf_counter() + limits.max_seconds
        self._max_items = limits.max_items
        self._max_depth = limits.max_depth
        self._noted: set[str] = set()

    # ------------------------------------------------------------------------------------ bookkeeping

    def note(self, where: str, chain: tuple[str, ...], message: str, kind: str) -> None:
        """Record what was not inspected. ``message`` must never contain input values; ``kind`` says
        which limit or decoder (vocabulary in ``limits``), for the policy and the event."""
        self.causes.setdefault(kind)
        text = f"{'|'.join((where, *chain))}: {message}"
        if text in self._noted:
            return
        self._noted.add(text)
        if len(self.notes) < MAX_NOTES:
            self.notes.append(text)
        elif len(self.notes) == MAX_NOTES:
            self.notes.append("further notes suppressed")

    def emit(self, where: str, chain: tuple[str, ...], value: str, key: str | None) -> None:
        fields = self.fields
        if len(fields) >= self._max_items:
            self.note("request", (), f"field limit ({self._max_items}) reached; rest not inspected", _ITEMS)
            raise _Stop
        if not value.isascii() and (folded := fold(value)) is not value:
            value, chain = folded, chain + (FOLD_STEP,)
        fields.append(_new_field(Field, (where, chain, value, key)))
        if not len(fields) & 63:
            self.check_time()

    def check_time(self) -> None:
        if time.perf_counter() > self.deadline:
            self.note(
                "request", (), f"time budget ({self.limits.max_seconds:g} s) exceeded; rest not inspected", _SECONDS
            )
            raise _Stop

    def spend(self, where: str, chain: tuple[str, ...], size: int) -> bool:
        """Reserve ``size`` decoded bytes; False (noted once) when the request's budget cannot cover it."""
        if self.exhausted or self.decoded + size > self.limits.max_decoded_bytes:
            if not self.exhausted:
                self.exhausted = True
                self.note(
                    where, chain,
                    f"decoded-size limit ({self.limits.max_decoded_bytes} bytes) reached; further encodings not decoded",
                    _DECODED,
                )  # fmt: skip
            return False
        self.decoded += size
        return True

    def too_deep(self, where: str, chain: tuple[str, ...]) -> bool:
        if len(chain) < self._max_depth:
            return False
        self.note(where, (), f"decoding depth limit ({self._max_depth}) reached; deeper encodings not decoded", _DEPTH)
        return True

    # ------------------------------------------------------------------------------------------ values

    def text(self, where: str, chain: tuple[str, ...], key: str | None, s: str, strict: bool = False) -> bool:
        """Emit ``s`` or what it decodes to; True when it was a container whose leaves were emitted instead.

        ``strict`` marks text that is expected to be structured (a declared body type, or the output of
        a transform): a failed parse is then worth a note.
        """
        n = len(s)
        if n >= GATED_FROM and self.gate is not None and not self._gated_in(key, s):
            return False  # no detector could report anything in it, nor in what it decodes to
        if n < 4 or (s.isdigit() and (n < MIN_HEX or n & 1)):
            self.emit(where, chain, s, key)
            return False
        if len(chain) >= self._max_depth:
            if n >= MIN_BASE64:
                self.too_deep(where, chain)
            self.emit(where, chain, s, key)
            return False
        body = s.strip() if s[0].isspace() or s[-1].isspace() else s
        if self._container_text(where, chain, key, body, strict) or (
            n >= MIN_BASE64 and self._encoded_text(where, chain, key, s, body)
        ):
            return True
        if "%" in body and has_percent_escape(body):
            decoded = unquote(body, errors="replace")
            if decoded != body and self.spend(where, chain, len(decoded)):
                outcome = self.text(where, chain + ("urldecode",), key, decoded)
                if not outcome:
                    self.emit(where, chain, s, key)
                return outcome
        return self._pairs_text(where, chain, key, s, body)

    def _container_text(self, where: str, chain: tuple[str, ...], key: str | None, body: str, strict: bool) -> bool:
        """JSON or XML in a string: its leaves emitted instead of it."""
        first = body[:1]
        if first == "{" or first == "[":
            return self.json_text(where, chain, key, body, strict)
        return first == "<" and body[-1:] == ">" and self.xml_text(where, chain, body, strict)

    def _encoded_text(self, where: str, chain: tuple[str, ...], key: str | None, s: str, body: str) -> bool:
        """A JWT, hex or base64 (also damaged base64) that decodes to something worth walking."""
        if body[:1] in "{[<":
            return False
        if body[:1] == "e" and (payload := jwt_payload(body)) is not None and self.spend(where, chain, len(payload)):
            decoded = plausible_text(payload)
            if decoded is not None and self.json_text(where, chain + ("jwt",), key, decoded, True):
                return True
        for step, decode in (("hex", hex_bytes), ("base64", base64_bytes)):
            if self.exhausted or _BASE64_ALPHABET.fullmatch(body) is None:
                break
            data = decode(body)
            if data is None:
                continue
            if not self.spend(where, chain, len(data)):
                break
            if self.payload(where, chain + (step,), key, data) is not None:
                # Kept even when it decoded to a container: a sniffed encoding can be a false
                # positive, and known-value detectors match encoded forms of identifiers.
                self.emit(where, chain, s, key)
                return True
        return len(s) >= 64 and self.repaired_base64(where, chain, key, s, body)

    def _pairs_text(self, where: str, chain: tuple[str, ...], key: str | None, s: str, body: str) -> bool:
        """Cookie-style ``a=1; b=2``, a form, a URL with a query; else the text itself."""
        if "=" in body and looks_like_semicolon_pairs(body) and self.form(where, chain, body, ";"):
            return True
        if "=" in body and looks_like_form(body) and self.form(where, chain, body):
            return True
        self.emit(where, chain, s, key)
        if body[:1] == "h" and "?" in body and body.startswith(("http://", "https://")):
            self.url_query(where, chain, body.partition("?")[2].partition("#")[0], "query:")
        elif len(body) > MIN_EMBEDDED_BASE64 and not self.exhausted:
            walk_embedded_base64(self, where, chain, key, body)
        return False

    def repaired_base64(self, where: str, chain: tuple[str, ...], key: str | None, s: str, body: str) -> bool:
        """Long base64 with a few stray characters or one character missing (corruption, or an attempt
        to dodge inspection): decode it repaired, and say so. False, silently, when the repair does not
        yield plausible content: then it was not base64 in the first place."""
        if self.exhausted or _BASE64_ALPHABET.fullmatch(body, 0, 16) is None:
            return False
        stray = len(_NOT_BASE64.findall(body))
        if stray > len(body) // 50:
            return False
        repaired = _NOT_BASE64.sub("A", body) if stray else body
        compact = "".join(repaired.split()).rstrip("=")
        short = len(compact) % 4 == 1
        if not stray and not short:
            return False
        data = base64_bytes(compact[:-1] if short else compact)
        if data is None or not self.spend(where, chain, len(data)):
            return False
        # Each stray character garbles up to three decoded bytes, which may not be valid text.
        decoded = lenient_text(data, 3 * stray + 3)
        if decoded is None or not wordy(decoded):
            return False
        strict = JSONISH.match(decoded) is not None
        self.text(where, chain + ("base64",), key, decoded, strict=strict)
        problems = ([f"{stray} characters outside the alphabet"] if stray else []) + (["length not a whole number of bytes"] if short else [])  # fmt: skip
        self.note(where, chain, f"base64 invalid ({', '.join(problems)}); decoded after repair", decoder_kind("base64"))
        self.emit(where, chain, s, key)
        return True

    def payload(self, where: str, chain: tuple[str, ...], key: str | None, data: bytes) -> bool | None:
        """Bytes decoded from a value: walk them when they are compressed, JSON or plain text.

        None when they look like none of these (a base64-looking token that decodes to noise): the
        caller then keeps the value as it was.
        """
        for _ in range(3):  # base64 of gzip of zlib … ; deeper stacks end at the depth limit anyway
            step = compression_of(data)
            if step is None:
                probed = self.probed(where, chain, data)
                if probed is None:
                    break
                data, chain = probed[1], chain + (probed[0],)
                continue
            if self.too_deep(where, chain):
                return None
            inflated = self.inflate(step, data, where, chain, sniffed=step in WEAK_SIGNATURES)
            if inflated is None:
                if step in WEAK_SIGNATURES:
                    break
                return None
            data, chain = inflated, chain + (step,)
        found = undeclared_text(data)
        if found is None or not wordy(found[0]):
            return None
        decoded = found[0]
        if found[1] is not None:
            chain += (found[1],)
        # A parse failure is worth a note only when the text clearly meant to be JSON.
        strict = len(decoded) >= 24 and JSONISH.match(decoded) is not None
        return self.text(where, chain, key, decoded, strict=strict)

    def probed(self, where: str, chain: tuple[str, ...], data: bytes) -> tuple[str, bytes] | None:
        """``(step, output)``: ``data`` inflated as raw deflate or brotli, which have no signature, when it
        is not text and its decoded start is plausible (``codings.probe``)."""
        if self.exhausted or len(data) < 4 or undeclared_text(data) is not None:
            return None
        step = probe(data, self.deadline)
        if step is None or self.too_deep(where, chain):
            return None
        inflated = self.inflate(step, data, where, chain, sniffed=True)
        return None if inflated is None else (step, inflated)

    def inflate(
        self, coding: str, data: bytes, where: str, chain: tuple[str, ...], sniffed: bool = False
    ) -> bytes | None:
        """Decompress under the request budget and the ratio limit; None when nothing came out.

        ``sniffed`` is for a guess from a weak signature (a zlib header is two bytes with a 1-in-31
        checksum, which random data and text often match): failing it is not worth a note, and any
        error means the guess was wrong.
        """
        room = self.limits.max_decoded_bytes - self.decoded
        if self.exhausted or room <= 0:
            self.spend(where, chain, 1)
            return None
        ratio_cap = max(self.limits.max_ratio * len(data), RATIO_FLOOR)
        result = decompress(coding, data, min(room, ratio_cap), self.deadline)
        self.decoded += len(result.data)
        if sniffed and result.error:
            return None
        if result.error:
            kept = f"; {len(result.data)} bytes decoded before it" if result.data else ""
            self.note(where, chain, f"{coding} decode failed ({result.error}){kept}", decoder_kind(coding))
        if result.cut:
            if ratio_cap < room:
                self.note(
                    where, chain,
                    f"{coding} expands more than {self.limits.max_ratio}:1 (decompression bomb?); "
                    f"cut at {len(result.data)} bytes",
                    _RATIO,
                )  # fmt: skip
            else:
                self.exhausted = True
                self.note(
                    where, chain,
                    f"{coding} output reached the decoded-size limit ({self.limits.max_decoded_bytes} bytes); cut",
                    _DECODED,
                )  # fmt: skip
        if result.timed_out:
            self.note(where, chain, f"{coding} decoding ran out of time; cut at {len(result.data)} bytes", _SECONDS)
            raise _Stop
        if not result.data and result.error:
            return None
        return result.data

    # ------------------------------------------------------------------------------------- structures

    def json_text(self, where: str, chain: tuple[str, ...], key: str | None, s: str, strict: bool) -> bool:
        if self.gate is not None and len(s) >= GATED_FROM and self.json_pruned(where, chain, s):
            return True
        try:
            obj = _JSON.decode(s)
        except json.JSONDecodeError as exc:
            if exc.msg == "Extra data" and "\n" in s and self.ndjson(where, chain, s):
                return True
            if strict:
                self.note(where, chain, f"json invalid at char {exc.pos} ({exc.msg})", decoder_kind("json"))
            return False
        except RecursionError:
            self.note(where, chain, "json nested too deeply to parse; kept as text", NESTING)
            return False
        if isinstance(obj, str):
            self.text(where, chain + ("json:$",), key, obj)
            return True
        if type(obj) is not _JsonObject and type(obj) is not list:
            return False
        self.walk_json_text(where, chain, obj, s)
        return True

    def _gated_in(self, key: str | None, s: str) -> bool:
        """``gate.keeps``; for a JSON-looking value its spans are kept for ``json_pruned`` (one scan)."""
        assert self.gate is not None
        if key is not None and self.gate.key_matters(key):
            return True
        if s.lstrip()[:1] in ("{", "["):
            spans = self.gate.spans(s)
            self._spans_of = (s, spans)
            return bool(spans)
        return self.gate.any(s)

    def _spans(self, s: str) -> Spans:
        assert self.gate is not None
        cached, spans = self._spans_of
        return spans if cached is s and spans is not None else self.gate.spans(s)

    def json_pruned(self, where: str, chain: tuple[str, ...], s: str) -> bool:
        """A JSON object or array walked where the gate's triggers are, straight from its text; False
        (nothing emitted) when ``s`` is not exactly one, which ``json_text`` then parses and explains."""
        assert self.gate is not None
        fields, notes, causes = len(self.fields), len(self.notes), dict(self.causes)
        try:
            end = walk_pruned(self, where, chain, s, self._spans(s))
            if json_space_at(s, end).end() == len(s):
                return True
        except (ValueError, StopIteration, IndexError, RecursionError):
            pass
        del self.fields[fields:], self.notes[notes:]
        self.causes = causes
        return False

    def walk_json_text(self, where: str, chain: tuple[str, ...], obj: list[Any], s: str) -> None:
        """``walk_json`` of ``obj``, parsed from ``s``; with a gate, only where its triggers are."""
        if self.gate is None or len(s) < GATED_FROM:
            self.walk_json(where, chain, obj)
        else:
            walk_pruned(self, where, chain, s, self._spans(s))

    def json_in_runs(self, where: str, chain: tuple[str, ...], key: str | None, runs: str) -> None:
        """JSON carried in binary framing (an MQTT PUBLISH, a length-prefixed frame): a printable run
        that ends a JSON object is walked from its first brace, so its values keep their keys."""
        for run in runs.split("\n"):
            start = run.find("{")
            if start >= 0 and run.endswith("}"):
                self.json_text(where, chain, key, run[start:], strict=False)

    def ndjson(self, where: str, chain: tuple[str, ...], s: str) -> bool:
        """One JSON document per line; False (nothing emitted) unless the first line parses."""
        parsed = 0
        for index, line in enumerate(s.splitlines()):
            line = line.strip()
            if not line:
                continue
            step = chain + (f"ndjson[{index}]",)
            try:
                obj = _JSON.decode(line)
            except (json.JSONDecodeError, RecursionError) as exc:
                if not parsed:
                    return False
                pos = f" at char {exc.pos}" if isinstance(exc, json.JSONDecodeError) else ""
                self.note(where, chain, f"ndjson line {index} invalid{pos}; kept as text", decoder_kind("ndjson"))
                self.emit(where, step, line, None)
                continue
            parsed += 1
            if type(obj) is _JsonObject or type(obj) is list:
                self.walk_json_text(where, step, obj, line)
            elif isinstance(obj, str):
                self.text(where, step + ("json:$",), None, obj)
        return parsed > 0

    def walk_json(self, where: str, chain: tuple[str, ...], root: list[Any]) -> None:
        # The hot loop for JSON bodies: short values that no decoder could apply to are appended
        # directly instead of going through text()/emit().
        text = self.text
        fields = self.fields
        append = fields.append
        max_items = self._max_items
        special = MAY_BE_ENCODED_SHORT.search
        member = json_member
        new_field = _new_field
        stack: list[tuple[list[Any], str, str | None, int]] = [(root, "$", None, 0)]
        while stack:
            node, path, key, depth = stack.pop()
            if depth >= JSON_MAX_NESTING:
                self.note(
                    where, chain, f"json nested deeper than {JSON_MAX_NESTING} levels; inner values skipped", NESTING
                )
                continue
            later: list[tuple[list[Any], str, str | None, int]] = []
            prefix = "json:" + path
            name: str | None
            if type(node) is _JsonObject:
                for index, (name, value) in enumerate(node):
                    segment = member(name)
                    if segment is None:
                        segment = f"[#{index}]"
                        self.emit(where, chain + ("json-key:" + path + segment,), name, None)
                        name = None
                    kind = type(value)
                    if kind is str:
                        if len(value) < MIN_BASE64 and (value.isdigit() or not special(value)) and value.isascii():
                            if len(fields) >= max_items:
                                self.emit(where, chain, value, name)  # notes the limit and stops
                            append(new_field(Field, (where, chain + (prefix + segment,), value, name)))
                        else:
                            text(where, chain + (prefix + segment,), name, value)
                    elif kind is _JsonObject or kind is list:
                        later.append((value, path + segment, name, depth + 1))
            else:
                for index, value in enumerate(node):
                    kind = type(value)
                    if kind is str:
                        if len(value) < MIN_BASE64 and (value.isdigit() or not special(value)) and value.isascii():
                            if len(fields) >= max_items:
                                self.emit(where, chain, value, key)
                            append(new_field(Field, (where, chain + (f"{prefix}[{index}]",), value, key)))
                        else:
                            text(where, chain + (f"{prefix}[{index}]",), key, value)
                    elif kind is _JsonObject or kind is list:
                        later.append((value, f"{path}[{index}]", key, depth + 1))
            if later:
                later.reverse()
                stack.extend(later)
            self.check_time()

    def form(self, where: str, chain: tuple[str, ...], s: str, separator: str = "&") -> bool:
        """``a=1&b=2`` (values %-unescaped, '+' as space; with ``separator`` ";" '+' stays, as in
        ``tel=+351…``); True when some pair had a value.

        Otherwise nothing is emitted and the caller keeps the text: base64 with one padding character
        (``…R6s=``) looks exactly like a lone empty pair.

        With a gate, a long form is walked only at the pairs a trigger touches and those whose name a
        detector reads on a sibling's behalf (``detect.triggers.key_matters``).
        """
        pairs = s.split(separator)
        selected: Iterable[int] = range(len(pairs))
        if len(s) >= GATED_FROM and self.gate is not None:
            as_form = separator == "&"
            triggers = self.gate.spans(s, form=as_form)
            if not triggers:
                return True  # nothing in it for a detector: as if its pairs had been emitted
            if not (_VALUED_AMP if as_form else _VALUED_SEMICOLON).search(s):
                return False
            spans = [(a, b, False) for a, b in triggers.items]
            spans += [(a, b, True) for a, b in self.gate.sibling_spans(s)]
            selected = _selected_pairs(pairs, spans, self.gate.key_matters)
        before = len(self.fields)
        valued = False
        unescape = unquote_plus if separator == "&" else unquote
        for index in selected:
            valued = self._form_pair(where, chain, index, pairs[index], unescape) or valued
        if not valued:
            del self.fields[before:]
        return valued

    def _form_pair(self, where: str, chain: tuple[str, ...], index: int, pair: str, unescape: _Unescape) -> bool:
        """Emit one ``name=value`` pair; True when it had a value."""
        name, eq, value = pair.partition("=")
        if not eq:
            if pair.strip():
                self.text(where, chain + (f"form[{index}]",), None, unescape(pair, errors="replace"))
            return False
        name = unescape(name, errors="replace")
        value = unescape(value, errors="replace")
        if shown_name(name) is None:
            self.emit(where, chain + (f"form[{index}]", "key"), name, None)
            if value:
                self.text(where, chain + (f"form[{index}]",), None, value)
        elif value:
            self.text(where, chain + ("form:" + name,), name, value)
        return bool(value)

    def url_query(self, where: str, chain: tuple[str, ...], query: str, label: str) -> None:
        """Query parameters. With ``label`` "" each becomes its own ``where`` (``query.imei``); otherwise
        a chain step (``query:imei``) under ``where`` (a URL found inside a value)."""
        name: str | None
        for index, part in enumerate(query.split("&")):
            if not part:
                continue
            name, eq, value = part.partition("=")
            name = unquote_plus(name, errors="replace")
            value = unquote_plus(value, errors="replace")
            if not eq or (not value and shown_name(name) is None):
                # A bare token (``?eyJpbWVpIjoi…``) is data, not a name.
                if label:
                    self.text(where, chain + (f"query[{index}]",), None, name)
                else:
                    self.text("query", (), None, name)
                continue
            if shown_name(name) is None:
                position = f"query[{index}]"
                w, c = (where, chain + (position,)) if label else (position, ())
                self.emit(w, c + ("key",), name, None)
                name = None
            elif label:
                w, c = where, chain + (label + name,)
            else:
                w, c = "query." + name, ()
            if value:
                self.text(w, c, name, value)

    def xml_text(self, where: str, chain: tuple[str, ...], s: str, strict: bool) -> bool:
        # Entity expansion and external references need a DTD, which needs "<!": without it the C
        # parser is safe and ~10x faster than defusedxml's (Python callbacks per element). Either way
        # the document is fed in chunks with the time budget checked in between.
        if "<!" in s:
            parser: XMLParser = DefusedET.DefusedXMLParser(forbid_dtd=False, forbid_entities=True, forbid_external=True)
        else:
            parser = XMLParser()
        try:
            for start in range(0, len(s), _XML_CHUNK):
                parser.feed(s[start : start + _XML_CHUNK])
                self.check_time()
            root = parser.close()
        except EntitiesForbidden:
            self.note(where, chain, "xml entity declarations refused (entity expansion attack?); kept as text", _XML)
            return False
        except ExternalReferenceForbidden:
            self.note(where, chain, "xml external reference refused; kept as text", _XML)
            return False
        except ParseError as exc:
            if strict:
                line, column = getattr(exc, "position", (0, 0))
                self.note(where, chain, f"xml invalid at line {line}, column {column}", _XML)
            return False
        except (DefusedXmlException, ValueError, RecursionError):
            if strict:
                self.note(where, chain, "xml could not be parsed", _XML)
            return False
        self.walk_xml(where, chain, root)
        return True

    def walk_xml(self, where: str, chain: tuple[str, ...], root: Element) -> None:
        """Depth-first in document order. Children are produced lazily: an element with 100 000
        children costs nothing beyond the field limit."""
        stack: list[Iterator[tuple[Element, str, int, str | None]]] = [
            iter(((root, "/" + (shown_name(_local(root.tag)) or "*"), 0, None),))
        ]
        while stack:
            entry = next(stack[-1], None)
            if entry is None:
                stack.pop()
                continue
            element, path, depth, named = entry
            tag = shown_name(_local(element.tag))
            for attr, value in element.attrib.items():
                name = shown_name(_local(attr))
                if value:
                    self.text(where, chain + (f"xml:{path}@{name or '*'}",), name, value)
            if element.text and not element.text.isspace():
                self.text(where, chain + ("xml:" + path,), named or tag, element.text.strip())
            if len(element):
                if depth + 1 >= XML_MAX_NESTING:
                    self.note(
                        where,
                        chain,
                        f"xml nested deeper than {XML_MAX_NESTING} levels; inner elements skipped",
                        NESTING,
                    )
                else:
                    stack.append(self._xml_children(where, chain, element, path, depth + 1))
            self.check_time()

    def _xml_children(
        self, where: str, chain: tuple[str, ...], element: Element, path: str, depth: int
    ) -> Iterator[tuple[Element, str, int, str | None]]:
        children = list(element)
        names = [shown_name(_local(child.tag)) or "*" for child in children]
        repeated = {n for n, count in Counter(names).items() if count > 1} if len(names) > 1 else ()
        seen: dict[str, int] = {}
        tag = shown_name(_local(element.tag))
        named = _named_by_siblings(tag, children, names)
        for index, (child, name) in enumerate(zip(children, names)):
            if name in repeated:
                seen[name] = seen.get(name, 0) + 1
                yield child, f"{path}/{name}[{seen[name]}]", depth, named.get(index)
            else:
                yield child, f"{path}/{name}", depth, named.get(index)
            tail = child.tail
            if tail and not tail.isspace():
                # mixed content: text after a child belongs to the parent
                self.text(where, chain + ("xml:" + path,), tag, tail.strip())

    # ---------------------------------------------------------------------------------------- bodies

    def content(
        self, where: str, chain: tuple[str, ...], key: str | None, data: bytes, content_type: str | None
    ) -> None:
        """A body or multipart part, after its content codings: dispatch on the declared type, sniffing
        when the type is absent, generic or wrong."""
        if not data:
            return
        self.check_time()
        media, params = parse_content_type(content_type)
        kind = media_kind(media)
        if kind == "skip":
            if walk_media(self, where, chain, key, data):
                return
            kind = ""  # labelled as media, but its bytes are not: inspected as what they are
        if self.too_deep(where, chain):
            return
        if kind == "multipart":
            self.multipart(where, chain, data, params.get("boundary"))
            return
        if kind == "grpc" and self.grpc(where, chain, data):
            return
        # Declared protobuf first: a message whose bytes all happen to be printable reads as text.
        if kind == "protobuf" and self.protobuf(where, chain, data):
            return
        text, binary, chain = _as_text(data, params.get("charset"), chain)
        if binary:
            # Packed BCD is read whatever else the bytes turn out to be: a short login packet often
            # also parses as a protobuf message.
            if digits := bcd_runs(data):
                self.emit(where, chain + ("bcd",), digits, key)
            if self.binary(where, chain, key, data, kind):
                return
            if kind in ("", "protobuf", "grpc"):
                runs = printable_runs(data, len(data))
                self.note(
                    where,
                    chain,
                    f"binary content not decoded ({len(data)} bytes); printable strings kept",
                    decoder_kind("binary"),
                )
                if runs:
                    self.emit(where, chain + ("strings",), runs, key)
                    self.json_in_runs(where, chain + ("strings",), key, runs)
                return
            if text is None:
                self.note(where, chain, "invalid UTF-8; undecodable bytes replaced", decoder_kind("utf-8"))
                text = data.decode("utf-8", errors="replace")
        assert text is not None  # undecodable is binary, and replaced above
        self.typed_text(where, chain, key, text, kind)

    def typed_text(self, where: str, chain: tuple[str, ...], key: str | None, text: str, kind: str) -> None:
        body = text.strip()
        if not body:
            return
        first = body[0]
        if kind == "json" and first not in "{[":
            try:
                obj = _JSON.decode(body)
            except (json.JSONDecodeError, RecursionError):
                obj = None
            if isinstance(obj, str):
                self.text(where, chain + ("json:$",), key, obj)
                return
        if kind == "ndjson" and self.ndjson(where, chain, body):
            return
        if kind == "form" and first not in "{[<" and "=" in body and self.form(where, chain, body):
            return
        if kind == "xml" and first == "<":
            if not self.xml_text(where, chain, body, True):
                self.emit(where, chain, text, key)
            return
        if kind == "csv" and self.csv(where, chain, body):
            return
        self.text(where, chain, key, text, strict=kind == "json" or first in "{[")

    def csv(self, where: str, chain: tuple[str, ...], body: str) -> bool:
        """A declared CSV (or TSV) table whose first row names its columns: each cell is a field under
        its column's name (``latitude``, ``eci`` …), so key context and coordinate pairing apply per row.
        False (nothing emitted) when the first row does not look like a header."""
        dialect = "excel-tab" if "\t" in body.partition("\n")[0] else "excel"
        rows = csv.reader(io.StringIO(body), dialect)
        try:
            header = next(rows)
        except (StopIteration, csv.Error):
            return False
        if len(header) < 2 or any(not name.strip() or name.strip()[0].isdigit() for name in header):
            return False
        names = [shown_name(name.strip()) for name in header]
        try:
            for index, row in enumerate(rows):
                for column, cell in enumerate(row[: len(names)]):
                    if cell:
                        self.text(where, chain + (f"csv[{index}].{names[column] or column}",), names[column], cell)
                self.check_time()
        except csv.Error as e:
            self.note(where, chain, f"csv invalid ({e}); rest not inspected", decoder_kind("csv"))
        return True

    def binary(self, where: str, chain: tuple[str, ...], key: str | None, data: bytes, kind: str) -> bool:
        """Compressed data without a Content-Encoding, or a protobuf message; False when neither."""
        if self.compressed(where, chain, key, data):
            return True
        if kind == "protobuf":
            return False  # already tried, and noted, by content()
        return self.protobuf(where, chain, data, quiet=kind != "grpc")

    def compressed(self, where: str, chain: tuple[str, ...], key: str | None, data: bytes) -> bool:
        """Compressed bytes (by signature, or a probe for the formats without one): inflated, and what
        comes out walked as content. False when ``data`` is not compressed."""
        step = compression_of(data)
        if step is not None:
            weak = step in WEAK_SIGNATURES
            inflated = self.inflate(step, data, where, chain, sniffed=weak)
            if inflated is not None:
                self.content(where, chain + (step,), key, inflated, None)
                return True
            if not weak:
                return True  # its failure was noted
        elif (probed := self.probed(where, chain, data)) is not None:
            self.content(where, chain + (probed[0],), key, probed[1], None)
            return True
        return False

    def protobuf(self, where: str, chain: tuple[str, ...], data: bytes, quiet: bool = False) -> bool:
        remaining = self._max_items - len(self.fields)
        try:
            walked = protobuf.walk(data, max_nesting=min(32, 4 * self._max_depth), max_items=remaining + 1)
        except protobuf.ProtobufError as exc:
            if not quiet:
                self.note(where, chain, f"protobuf invalid ({exc})", decoder_kind("protobuf"))
            return False
        if walked.too_deep:
            self.note(where, chain, "protobuf nested too deeply; inner messages skipped", NESTING)
        for scalar in walked.scalars:
            step = chain + ("protobuf:" + scalar.path,)
            if scalar.kind == "string":
                self.text(where, step, None, scalar.value)
            elif scalar.kind == "bytes":
                self.compressed(where, step, None, scalar.raw)
            elif self.spend(where, chain, len(scalar.value)):
                self.emit(where, step, scalar.value, None)
        return True

    def grpc(self, where: str, chain: tuple[str, ...], data: bytes) -> bool:
        """gRPC / gRPC-Web frames, binary or base64 (gRPC-Web text); a message cut across frames is
        walked joined (``grpcweb``). False when ``data`` is neither."""
        framed = grpcweb.frames(data)
        if framed is None:
            decoded = grpcweb.text_frames(data)
            if decoded is None or (framed := grpcweb.frames(decoded)) is None:
                return False
            if not self.spend(where, chain, len(decoded)):
                return True
            chain += ("base64",)
        for message in grpcweb.messages(framed):
            step = chain + (message.label,)
            if message.trailers:
                self.text(where, step + ("trailers",), None, message.data.decode("latin-1"))
            elif message.compressed:
                if not self.binary(where, step, None, message.data, "grpc"):
                    self.note(where, step, "compressed grpc message not decoded", decoder_kind("grpc"))
            elif message.data:
                self.protobuf(where, step, message.data)
        return True

    def multipart(self, where: str, chain: tuple[str, ...], data: bytes, boundary: str | None) -> None:
        raw_boundary = boundary.encode("latin-1", "replace") if boundary else mp.guess_boundary(data)
        if not raw_boundary:
            self.note(where, chain, "multipart without boundary; read as text", _MULTIPART)
            self.content(where, chain, None, data, "text/plain")
            return
        split = mp.split(data, raw_boundary, MAX_MULTIPART_PARTS)
        if split.problem:
            self.note(where, chain, f"multipart: {split.problem}", _MULTIPART)
        if not split.parts:
            self.content(where, chain, None, data, "text/plain")
            return
        for index, part in enumerate(split.parts):
            name = part.name
            label = f"multipart:{name}" if name and shown_name(name) else f"multipart[{index}]"
            step = chain + (label,)
            key = name if name and shown_name(name) else None
            if part.filename and shown_name(part.filename) is None:
                self.emit(where, step + ("filename",), part.filename, None)
            body = part.body
            transfer = part.headers.get("content-transfer-encoding", "").strip().lower()
            if transfer in ("base64", "quoted-printable") and self.spend(where, step, len(body)):
                try:
                    body = binascii.a2b_base64(body) if transfer == "base64" else binascii.a2b_qp(body)
                    step += (transfer,)
                except binascii.Error:
                    self.note(where, step, f"{transfer} transfer encoding invalid", decoder_kind(transfer))
            coding = CODINGS.get(part.headers.get("content-encoding", "").strip().lower())
            if coding:
                inflated = self.inflate(coding, body, where, step)
                if inflated is None:
                    continue
                body, step = inflated, step + (coding,)
            self.content(where, step, key, body, part.headers.get("content-type", "text/plain"))
