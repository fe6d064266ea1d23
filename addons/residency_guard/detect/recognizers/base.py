"""What a recognizer is: the shape it finds, the triggers it cannot match without, its named scores.

Four kinds, by what they read:

* ``CandidateRecognizer`` — one alternative of the combined candidate regex (``scan`` runs them all in
  one pass); ``classify`` validates a match and scores it under the span's key context.
* ``WholeValueRecognizer`` — a value that is, as a whole, the identifier its key names (a national
  number in groups under ``phone``, a short cell id under ``cid``); when it applies, it is the only one.
* ``TextRecognizer`` — a protocol shape found anywhere in a text by its own pattern (NMEA sentences,
  device URNs, IMS access-network info…), looked for only when one of its ``literals`` is in the text.
* ``StructureRecognizer`` — a shape across fields (GeoJSON positions, latitude/longitude siblings, a
  national number beside its country code, BCD packed in binary): the detector calls its ``find``.

A recognizer does not read context words: ``enhancer`` decides the key context of each span and
lowers format scores where that context names a look-alike. Every score is a ``Score`` constant of
the recognizer's module, so the table in the README is generated from them (``score_table``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

from ..context import KeyContext
from ..scoring import Found as Found  # what recognizer modules import from here
from ..scoring import Located as Located
from ..scoring import Score as Score


@dataclass(frozen=True)
class Trigger:
    """A necessary condition of a recognizer, for ``detect.triggers``.

    ``pattern`` is in the common subset of Python's ``re`` and Hyperscan (no look-around, no
    back-references): Hyperscan runs it. The pure-Python engine finds it through ``literals`` — every
    match contains one of them — in ``view`` (the text with each character replaced by its class, named
    in ``triggers.VIEWS``; ``None``: the text itself), and confirms ``pattern`` around the literal
    unless ``exact`` (the literal is the whole condition). In the ``word`` view (letters lower-cased and
    digits kept, everything else a space: keys as ``context`` normalises them) both engines look for
    the literals, and there is no pattern.
    """

    name: str
    pattern: bytes | None
    view: str | None
    literals: tuple[bytes, ...]
    exact: bool = False


@dataclass(frozen=True)
class ScanContext:
    """What a candidate's classification may read besides its text: the span's key context and the
    field's place in the request."""

    ctx: KeyContext
    """The span's key context (``enhancer.span_context``)."""
    whole: bool
    """The match is the whole (stripped) value."""
    wifi_path: bool
    """The value sits in a Wi-Fi scan list (``wifiAccessPoints[3].macAddress``)."""


@dataclass(frozen=True)
class Recognizer:
    name: str
    """A protocol shape or format, as the score table names it."""
    yields: tuple[str, ...]
    """Identifier types it can report."""
    module: ModuleType | None = field(default=None, compare=False, repr=False)
    """Where its ``Score`` constants are (``scores``)."""
    triggers: tuple[Trigger, ...] = ()
    """What a text must hold for it to match; empty when a key context is its only way in."""

    def scores(self) -> list[tuple[str, Score]]:
        if self.module is None:
            return []
        return [(n, v) for n, v in vars(self.module).items() if isinstance(v, Score)]


@dataclass(frozen=True)
class CandidateRecognizer(Recognizer):
    group: str = ""
    """Its named group in the candidate regex (``recognizers.CANDIDATES``)."""
    pattern: str = ""
    """Its alternative: anchored by look-arounds that fail inside a longer run, so a megabyte of
    digits or hex is scanned in linear time."""
    classify: Callable[[re.Match[str], str, ScanContext], list[Located]] = field(
        default=lambda m, t, s: [], compare=False
    )
    """(match, the whole text, its context) → findings with their spans (usually the match's)."""


@dataclass(frozen=True)
class WholeValueRecognizer(Recognizer):
    applies: Callable[[str, KeyContext], bool] = field(default=lambda v, c: False, compare=False)
    """(stripped value, key context) → whether this value is read as a whole by this recognizer."""
    classify: Callable[[str, KeyContext], list[Found]] = field(default=lambda v, c: [], compare=False)


@dataclass(frozen=True)
class TextRecognizer(Recognizer):
    literals: tuple[str, ...] = ()
    """The text holds one of these (case-sensitive) or the recognizer cannot match: one ``in`` each."""
    find: Callable[[str, KeyContext], Iterator[Located]] = field(default=lambda t, c: iter(()), compare=False)
    mutes_candidates: bool = False
    """Candidates starting inside its matches are not classified (its own reading is more specific)."""
    spans: Callable[[str], list[tuple[int, int]]] | None = field(default=None, compare=False)
    """The spans it mutes (with ``mutes_candidates``)."""


@dataclass(frozen=True)
class StructureRecognizer(Recognizer):
    find: Callable[..., Any] | None = field(default=None, compare=False)
    """Called by the detector with the fields it reads; see the recognizer's module."""


def located(found: list[Found], start: int, end: int) -> list[Located]:
    return [(f, start, end) for f in found]
