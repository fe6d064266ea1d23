"""Where identifiers can be: the necessary conditions of every detector, compiled once, run over raw text.

The detector reports nothing from a value unless the value (or its key, or a label in front of it)
shows one of these *triggers*; so the extractor need not walk, decode or emit what holds none of them
(``Walker`` asks ``TriggerScan.keeps`` per value and ``TriggerScan.spans`` per JSON document, and skips
the subtrees no trigger touches). Triggers are necessary, never sufficient: a triggered value goes
through the full detector, which decides what was found. Soundness — the pruned path reports exactly
the hits of the full path — is a property test (``tests/test_detect_triggers.py``), not a hand-kept
list: the shapes below are the recognizers' own ``Trigger`` declarations (``recognizers.TRIGGERS``,
each beside the shape it guards) and the key markers are *derived* from the tables the detector
itself reads (``context``).

=================  ============================================================  ===================
trigger            why the detector needs it                                     found by
=================  ============================================================  ===================
digit run          15 digits (IMEI, IMSI), 18-20 from 89/98 (ICCID, EF_ICCID)     class find + confirm
dashed IMEI        ``35-209900-176148-1``                                         class find
dotted IMEI        ``35.209.900.176148.1`` (two dots, 17+ characters)             class find
exponent number    ``3.52099001761481e14`` (7+ digits before the ``e``)           class find
MAC                ``hh:hh:…`` / ``hh-hh-…`` / ``hhhh.hhhh.hhhh``                  class find
E.164              ``+`` then 1-9; ``00`` then 1-9 after a non-alphanumeric       class find
lat,lon            digit, optional space, comma, optional space/sign, digit      class find
e-mail / NAI       ``@`` then a letter or digit                                   class find
protocol literals  ``$G``/``$BD`` (NMEA), ``urn:``, ``cell-id-3gpp``,             find
                   ``wlan-node-id``, ``,N,``/``,S,``, ``mCi``/``mNci``
encodings          a base64/hex alphabet run of ``MIN_BASE64``, ``%xx``,          class find
                   ``\\u`` (JSON escape), ``&#`` (XML character reference)
key markers        every marker of ``context``'s positive table (substring        Aho-Corasick /
                   markers with up to two separators inside; whole-key markers    word find
                   as whole words), coordinate/phone suffixes (``pickup_lat``)
sibling keys       keys whose *presence* changes a sibling's verdict              (``keeps`` only)
known values       every spelling and transform of the device profiles           the pool's automaton
=================  ============================================================  ===================

Offsets: the text is encoded as Latin-1 (one byte per character, ``?`` for the rest), so an offset in a
translated copy is an offset in the text. Characters above U+00FF never form a trigger (the detectors'
patterns are ASCII).

Limitation, by construction of the key markers: a key spelling a marker with more than two separators
inside it (``c_e_l_l_i_d``), or a short whole-key marker (≤ 4 characters, ``ci``) with any separator
inside it (``c_i``), is not a trigger; the property test generates keys as real payloads spell them.
"""

from __future__ import annotations

import os
import re
import time
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import lru_cache
from itertools import accumulate, combinations
from typing import TYPE_CHECKING

import ahocorasick

from ..extract.codings import compression_of, probe
from ..extract.fold import fold
from ..extract.sniff import MIN_BASE64, base64_bytes, hex_bytes, wordy
from ..extract.textcodec import undeclared_text
from .context import (
    CELL_SIBLING_KEYS,
    COUNTRY_CODE_KEYS,
    NAME_KEYS,
    PLACE_SIBLINGS,
    VALUE_KEYS,
    key_context,
    positive_markers,
)
from .recognizers import TEXT, TRIGGERS
from .recognizers.base import Trigger

if TYPE_CHECKING:
    import hyperscan

    from .known import KnownValuePool

# ---------------------------------------------------------------------------------------- patterns

# The pure-Python engine finds each shape through a literal it cannot match without, in a view of the
# text where every character is replaced by its class (bytes.translate and bytes.find run at memory
# speed; a regex tried at every position does not), then confirms the shape around that literal.


def _table(pairs: dict[bytes, int], default: int = ord("_")) -> bytes:
    table = bytearray([default] * 256)
    for chars, cls in pairs.items():
        for c in chars:
            table[c] = cls
    return bytes(table)


_DIGITS = b"0123456789"
_HEX = b"0123456789abcdefABCDEF"
_LETTERS = bytes(range(ord("a"), ord("z") + 1)) + bytes(range(ord("A"), ord("Z") + 1))
_SPACE = b" \t\n\r\f\v"
_B64 = _LETTERS + _DIGITS + b"+/=_-\r\n\\"

_DIGIT_VIEW = _table({_DIGITS: ord("d"), b"-": ord("s"), b" ": ord("s"), b"\t\n\r\f\v": ord("w"), b",": ord(",")})
_HEX_VIEW = _table({_HEX: ord("x"), b":-": ord(":"), b".": ord(".")})
_RUN_VIEW = _table({_B64: ord("b")})
_FORM_RUN_VIEW = _table({_LETTERS + _DIGITS + b"/_-\r\n\\": ord("b")})
"""In a form '+' is a space and '=' ends a name: neither continues a base64 run (an encoded one is %2B);
the run needle is two shorter there, for the padding a value may end with."""
_WORD_VIEW = bytes(c if (48 <= c <= 57 or 97 <= c <= 122) else c + 32 if 65 <= c <= 90 else 32 for c in range(256))
"""Letters (lower-cased) and digits stay, everything else is a space: keys as context normalises them."""

_SIGN_VIEW = _table({b"0": ord("z"), b"123456789": ord("n"), _LETTERS: ord("a"), b"+": ord("p"), b"@": ord("@")})
_PERCENT_VIEW = _table({_HEX: ord("x"), b"%": ord("%")})
_NUMBER_VIEW = _table({_DIGITS: ord("d"), b".": ord("."), b"eE": ord("e")})

VIEWS: dict[str | None, bytes | None] = {
    None: None,
    "digit": _DIGIT_VIEW,
    "hex": _HEX_VIEW,
    "sign": _SIGN_VIEW,
    "percent": _PERCENT_VIEW,
    "number": _NUMBER_VIEW,
}
"""The views a ``Trigger`` names (besides ``word``, which has its own automaton / database)."""

DECODABLE: tuple[Trigger, ...] = (
    Trigger("percent", rb"%[0-9A-Fa-f]{2}", "percent", (b"%xx",), exact=True),
    Trigger("json-escape", rb"\\u", None, (b"\\u",), exact=True),
    Trigger("xml-reference", rb"&#", None, (b"&#",), exact=True),
)
"""Encodings the extractor decodes inside a value (runs of the base64/hex alphabet are ``_runs``)."""
SHAPES: tuple[Trigger, ...] = tuple(t for t in (*TRIGGERS, *DECODABLE) if t.view != "word")
"""What a value must hold, without a key, for a recognizer to report it (or for a decoder to apply)."""
_WORD_LITERALS = tuple(lit.decode() for t in TRIGGERS if t.view == "word" for lit in t.literals)
"""Protocol literals in the word view (``urn:``, ``cell-id-3gpp``, ``wlan-node-id``)."""

TEXT_LITERALS: tuple[str, ...] = tuple(dict.fromkeys(lit for r in TEXT for lit in r.literals))
"""The literals that admit a text recognizer (``scan``); ``literals_in`` says which a long text holds."""

_MAX_SHAPE = 48
"""Longer than any match of SHAPES (an E.164 number with its prefix and a boundary: 28)."""

# ----------------------------------------------------------------------------------------- markers

_SHORT_WHOLE = 4
"""Whole-key markers this short (``ci``, ``sn``, ``lat``) are found only as whole words: inside words
they occur everywhere (``special``, ``label``)."""
_SUFFIX_MARKERS = ("lat", "latitude", "lng", "lon", "long", "longitude", "phone", "mobile", "msisdn")
"""``pickup_lat``, ``userLng``, ``rider_phone``: context reads these at the end of a key."""


def _spelled(marker: str, separators: int = 2) -> set[str]:
    """``cellid`` → ``cellid``, ``cell id``, ``c ell id``…: the marker with up to ``separators`` spaces
    inside it (in the word view every separator is a space)."""
    out = {marker}
    gaps = range(1, len(marker))
    for n in range(1, min(separators, len(marker) - 1) + 1):
        for cut in combinations(gaps, n):
            pieces, last = [], 0
            for c in cut:
                pieces.append(marker[last:c])
                last = c
            pieces.append(marker[last:])
            for joiner in (" ", "  "):
                out.add(joiner.join(pieces))
    return out


def word_patterns() -> set[str]:
    """Every pattern of the word view: key markers as keys spell them, and the protocol literals."""
    substrings, whole = positive_markers()
    patterns: set[str] = set(_WORD_LITERALS)
    for m in substrings | {w for w in whole if len(w) > _SHORT_WHOLE}:
        patterns |= _spelled(m)
    patterns |= {f" {w} " for w in whole if len(w) <= _SHORT_WHOLE}
    patterns |= {f"{s} " for s in _SUFFIX_MARKERS}
    return patterns


def sibling_patterns() -> set[str]:
    """``SIBLING_KEYS`` as whole words of the word view (a form's pair names are found by them)."""
    patterns: set[str] = set()
    for k in SIBLING_KEYS:
        for spelling in _spelled(k, 2 if len(k) > _SHORT_WHOLE else 0):
            patterns.add(f" {spelling} ")
    return patterns


def _automaton(patterns: Iterable[str]) -> ahocorasick.Automaton:
    """One Aho-Corasick automaton over ``patterns``, each reporting its length."""
    automaton = ahocorasick.Automaton()
    for pattern in patterns:
        automaton.add_word(pattern, len(pattern))
    automaton.make_automaton()
    return automaton


SIBLING_KEYS = CELL_SIBLING_KEYS | VALUE_KEYS | NAME_KEYS | PLACE_SIBLINGS | COUNTRY_CODE_KEYS
"""Normalised keys whose value the detector reads on a *sibling's* behalf (a place's name beside a
position, MCC/MNC beside a short cell id, ``type`` beside ``value``, a country code beside a national
number): always emitted, trigger or not."""


# ------------------------------------------------------------------------------------------ engines

Span = tuple[int, int]


class PythonEngine:
    """Shapes and key markers with the standard library and pyahocorasick (no native wheel of ours)."""

    name = "python"

    def __init__(self) -> None:
        self._words = _automaton(word_patterns())
        self._siblings = _automaton(sibling_patterns())
        by_view: dict[bytes | None, list[tuple[tuple[bytes, ...], re.Pattern[bytes] | None]]] = {}
        for t in SHAPES:
            confirm = None if t.exact else re.compile(_with_lookaround(_shape_pattern(t)))
            by_view.setdefault(VIEWS[t.view], []).append((t.literals, confirm))
        self._by_view = list(by_view.items())

    def spans(self, raw: bytes, first: bool) -> Iterator[Span]:
        for view, shapes in self._by_view:
            haystack = raw if view is None else raw.translate(view)
            for literals, confirm in shapes:
                for literal in literals:
                    for i, j in _finds(haystack, literal):
                        if confirm is None:
                            yield i, j
                            if first:
                                return
                            continue
                        # every match that could hold this literal lies in the window
                        for m in confirm.finditer(raw, max(0, i - _MAX_SHAPE), j + _MAX_SHAPE):
                            yield m.span()
                            if first:
                                return
        words = b" " + raw.translate(_WORD_VIEW) + b" "
        for end, length in self._words.iter(words.decode("latin-1")):
            # offset k of the padded word view is offset k - 1 of the text
            yield max(0, end - length), end
            if first:
                return

    def siblings(self, raw: bytes) -> list[Span]:
        words = (b" " + raw.translate(_WORD_VIEW) + b" ").decode("latin-1")
        return [(max(0, end - length), end) for end, length in self._siblings.iter(words)]

    @staticmethod
    def literals_in(text: str) -> frozenset[str]:
        return frozenset(lit for lit in TEXT_LITERALS if lit in text)


def _shape_pattern(t: Trigger) -> bytes:
    """A shape trigger's pattern: only the word view's triggers have none."""
    if t.pattern is None:
        raise ValueError(f"trigger {t.name!r} outside the word view has no pattern")
    return t.pattern


def _with_lookaround(pattern: bytes) -> bytes:
    """A shape's boundary groups as look-arounds: ``finditer`` must not consume the character between two
    adjacent matches (Hyperscan reports overlapping matches; ``re`` does not)."""
    return (
        pattern.replace(rb"(?:^|[^0-9])", rb"(?<![0-9])")
        .replace(rb"(?:[^0-9]|$)", rb"(?![0-9])")
        .replace(rb"(?:^|[^0-9A-Za-z+])", rb"(?<![0-9A-Za-z+])")
    )


class HyperscanEngine:
    """The same patterns in two Hyperscan block-mode databases: one over the text, one over its word view."""

    name = "hyperscan"

    def __init__(self) -> None:
        import hyperscan

        self._hs = hyperscan
        self._shapes = self._database([_shape_pattern(t) for t in SHAPES])
        self._words = self._database([re.escape(w).encode() for w in sorted(word_patterns())])
        self._siblings = self._database([re.escape(w).encode() for w in sorted(sibling_patterns())])
        self._text_literals = self._database(
            [re.escape(lit).encode() for lit in TEXT_LITERALS], hyperscan.HS_FLAG_SINGLEMATCH
        )

    def _database(self, expressions: list[bytes], flag: int | None = None) -> hyperscan.Database:
        hs = self._hs
        db: hyperscan.Database = hs.Database(mode=hs.HS_MODE_BLOCK)
        db.compile(
            expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions),
            flags=[hs.HS_FLAG_SOM_LEFTMOST if flag is None else flag] * len(expressions),
        )  # fmt: skip
        return db

    def spans(self, raw: bytes, first: bool) -> Iterator[Span]:
        found: list[Span] = []

        def on_match(_id: int, start: int, end: int, _flags: int, _context: object) -> bool | None:
            found.append((start, end))
            return True if first else None

        self._scan(self._shapes, raw, on_match)
        if first and found:
            return iter(found)
        shift = len(found)
        self._scan(self._words, b" " + raw.translate(_WORD_VIEW) + b" ", on_match)
        found[shift:] = [(max(0, a - 1), b - 1) for a, b in found[shift:]]
        return iter(found)

    def siblings(self, raw: bytes) -> list[Span]:
        found: list[Span] = []

        def on_match(_id: int, start: int, end: int, _flags: int, _context: object) -> None:
            found.append((max(0, start - 1), end - 1))

        self._scan(self._siblings, b" " + raw.translate(_WORD_VIEW) + b" ", on_match)
        return found

    def literals_in(self, text: str) -> frozenset[str]:
        # One pass for all of them, each reported once (HS_FLAG_SINGLEMATCH). The literals are ASCII, so
        # the Latin-1 copy (``?`` for what it cannot encode) holds exactly the ones the text holds.
        found: list[int] = []
        self._scan(self._text_literals, text.encode("latin-1", "replace"), lambda i, *_: found.append(i))
        return frozenset(TEXT_LITERALS[i] for i in found)

    def _scan(self, db: hyperscan.Database, data: bytes, on_match: hyperscan.match_event_callback) -> None:
        try:
            db.scan(data, match_event_handler=on_match)
        except self._hs.ScanTerminated:  # on_match asked to stop at the first match
            pass


def engine_named(name: str) -> PythonEngine | HyperscanEngine:
    """``auto`` (Hyperscan when its wheel imports, else Python; ``RESIDENCY_GUARD_ENGINE`` overrides it,
    so a test run can use either), ``native`` (Hyperscan or an error) or ``python``. Both give the same
    hits: each is a sound trigger set (tests/test_detect_triggers.py)."""
    if name == "auto":
        name = os.environ.get("RESIDENCY_GUARD_ENGINE", "auto")
    if name == "python":
        return PythonEngine()
    if name in ("native", "auto"):
        try:
            return HyperscanEngine()
        except ImportError:
            if name == "native":
                raise ValueError("engine 'native' needs the hyperscan wheel (pip install hyperscan)") from None
            return PythonEngine()
    raise ValueError(f"unknown engine {name!r} (auto, native or python)")


# ------------------------------------------------------------------------------------------- scan


class TriggerScan:
    """The compiled trigger set of one detector (its profiles' known values included)."""

    def __init__(self, pool: KnownValuePool | None = None, engine: str = "auto"):
        self.engine = engine_named(engine)
        self._known = pool.automaton if pool else None

    @staticmethod
    def key_matters(key: str) -> bool:
        """A key whose value is always emitted: it names an identifier, or a sibling's verdict reads it."""
        return key_matters(key)

    def keeps(self, key: str | None, value: str, form: bool = False) -> bool:
        """Whether a value must be emitted: its key has a context, or is read for a sibling, or the
        value holds a trigger."""
        if key is not None and key_matters(key):
            return True
        return self.any(value, form)

    def any(self, text: str, form: bool = False) -> bool:
        if not text:
            return False
        for _ in self._spans(text, True, form):
            return True
        return False

    def spans(self, text: str, form: bool = False, decodable: bool = True) -> Spans:
        """Trigger occurrences in ``text``; without ``decodable`` the runs a decoder could open are left
        out (the detector's question: it scans values, the extractor has already decoded them)."""
        return Spans(list(self._spans(text, False, form, decodable)))

    def literals_in(self, text: str) -> frozenset[str]:
        """Which of ``TEXT_LITERALS`` ``text`` holds, in one pass (``scan`` asks this of long texts,
        where one ``in`` per literal would read the text once each)."""
        return self.engine.literals_in(text)

    def sibling_spans(self, text: str) -> list[Span]:
        """Where a name in ``SIBLING_KEYS`` may be written (a form's pairs to keep beside the triggered ones)."""
        return self.engine.siblings(text.encode("latin-1", "replace"))

    def _spans(self, text: str, first: bool, form: bool, decodable: bool = True) -> Iterator[Span]:
        raw = text.encode("latin-1", "replace")
        if decodable:
            yield from self._runs(raw, first, form)
        yield from self.engine.spans(raw, first)
        if self._known is not None:
            for end, (length, _) in self._known.iter(text):
                yield end - length + 1, end + 1
                if first:
                    return
        if not text.isascii() and (folded := fold(text)) is not text:
            # The walker emits values folded (extract.fold), and folding moves offsets: a trigger found
            # only in the folded text is reported as touching all of it.
            for _ in self._spans(folded, True, form, decodable):
                yield 0, len(text)
                break

    @staticmethod
    def _runs(raw: bytes, first: bool, form: bool) -> Iterator[Span]:
        # Runs of the base64/hex alphabet: a decoder may apply (found alike by both engines: one find
        # per run, where a pattern engine reports every position inside a long run).
        runs, needle = (raw.translate(_FORM_RUN_VIEW), _FORM_B64_RUN) if form else (raw.translate(_RUN_VIEW), _B64_RUN)
        i = runs.find(needle)
        while i >= 0:
            end = runs.find(b"_", i)
            end = len(runs) if end < 0 else end
            if not raw[i:end].isdigit() or digits_may_decode(raw[i:end]):
                yield i, end
                if first:
                    return
            i = runs.find(needle, end)


_WINDOW_BEFORE = 2 * _MAX_SHAPE
_WINDOW_AFTER = 48 + 3 * _MAX_SHAPE
"""A trigger may be a label up to 48 characters before the candidate it names, and a candidate with
its look-around spans less than ``_MAX_SHAPE`` on either side of what it overlaps."""
_B64_RUN = b"b" * MIN_BASE64
_FORM_B64_RUN = b"b" * (MIN_BASE64 - 2)


def widened(spans: Iterable[Span]) -> list[Span]:
    """Disjoint, ordered spans outside which no candidate of ``scan`` can yield a hit: each trigger
    widened by a candidate's length and by the label a candidate may have before it
    (``context.text_label`` looks 48 characters back)."""
    merged: list[Span] = []
    for start, end in sorted(spans):
        lo, hi = max(0, start - _WINDOW_BEFORE), end + _WINDOW_AFTER
        if merged and lo <= merged[-1][1]:
            if hi > merged[-1][1]:
                merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


class Spans:
    """Trigger occurrences of one text, queried by range: does anything touch ``[lo, hi)``?"""

    __slots__ = ("items", "_starts", "_max_end")

    def __init__(self, spans: list[Span]):
        spans.sort()
        self.items = spans
        self._starts = [s for s, _ in spans]
        self._max_end = list(accumulate((e for _, e in spans), max))

    def __bool__(self) -> bool:
        return bool(self._starts)

    def touch(self, lo: int, hi: int) -> bool:
        k = bisect_left(self._starts, hi)  # spans [0, k) start before hi
        return k > 0 and self._max_end[k - 1] > lo


def _finds(haystack: bytes, needle: bytes) -> Iterator[Span]:
    find = haystack.find
    n = len(needle)
    i = find(needle)
    while i >= 0:
        yield i, i + n
        i = find(needle, i + n)


@lru_cache(maxsize=8192)
def key_matters(key: str) -> bool:
    """A key whose value is always emitted: it names an identifier, or a sibling's verdict reads it."""
    ctx = key_context(key)
    return bool(ctx.positive) or ctx.key in SIBLING_KEYS


@lru_cache(maxsize=4096)
def digits_may_decode(run: bytes) -> bool:
    """Whether a run of decimal digits (a timestamp, a 64-bit id) can decode to anything the walker
    keeps: as hex, only when every byte is printable; as base64, when the decoded bytes pass the same
    text and compression sniffing the walker applies (``Walker.payload``). Runs of 64 and more are
    left to the walker (its repair of damaged base64 starts there)."""
    if len(run) >= 64:
        return True
    digits = run.decode("ascii")
    return any(data is not None and _kept(data) for data in (hex_bytes(digits), base64_bytes(digits)))


def _kept(data: bytes) -> bool:
    if compression_of(data) is not None:
        return True
    text = undeclared_text(data)
    if text is not None:
        return wordy(text[0])
    return probe(data, time.perf_counter() + _PROBE_SECONDS) is not None


_PROBE_SECONDS = 0.05
"""A probe decodes at most ``codings.PROBE_BYTES``: far less than this, unless the machine stalls."""
