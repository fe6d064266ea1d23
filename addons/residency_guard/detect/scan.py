"""One value's text through the registry: the whole-value readings, then one pass of the candidate
regex, then the text recognizers whose literals the text holds. Context is applied by ``enhancer``.

``scan(text, ctx, wifi_path, windows, literals_in)`` yields ``(found, start, end)``; ``found`` is
``(type, normalised value, confidence, method, key)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .context import KeyContext
from .enhancer import LONG_TEXT, enhanced, span_context
from .recognizers import BY_GROUP, CANDIDATE_PATTERN, MUTING, TEXT, WHOLE_VALUE
from .recognizers.base import ScanContext, TextRecognizer
from .scoring import Located

WINDOWED_FROM = 1024
"""Texts this long are searched only around triggers (``windows``): the candidate regex costs 10-20 ns
per character, a trigger scan about one."""
MAX_MATCH = 48
"""Longer than any candidate match with its look-around (latlon, the longest, is 36 characters)."""

Windows = Callable[[str], list[tuple[int, int]]]
LiteralsIn = Callable[[str], frozenset[str]]


def candidate_matches(text: str, windows: Windows | None = None) -> Iterator[re.Match[str]]:
    """``CANDIDATE_PATTERN.finditer(text)``, or, given ``windows`` (``TriggerScan.windows``), the matches
    that start inside them: the only ones that can yield a hit."""
    n = len(text)
    if windows is None or n < WINDOWED_FROM:
        yield from CANDIDATE_PATTERN.finditer(text)
        return
    # A window's scan starts where the whole-text scan would be with nothing matched since the last
    # window (look-behinds see the text before ``pos``); the extra MAX_MATCH after ``hi`` keeps every
    # look-ahead and bounded repeat of a match starting in the window seeing what it would see.
    for lo, hi in windows(text):
        for m in CANDIDATE_PATTERN.finditer(text, lo, min(n, hi + MAX_MATCH)):
            if m.start() > hi:
                break
            yield m


def scan(
    text: str,
    ctx: KeyContext,
    wifi_path: bool = False,
    windows: Windows | None = None,
    literals_in: LiteralsIn | None = None,
) -> Iterator[Located]:
    """Every identifier-shaped span in ``text`` with its classification. ``literals_in``
    (``TriggerScan.literals_in``) finds the text recognizers' literals in a long text in one pass."""
    stripped = text.strip()
    offset = text.find(stripped) if stripped else 0
    for w in WHOLE_VALUE:
        if w.applies(stripped, ctx):
            for f in enhanced(w.classify(stripped, ctx), ctx):
                yield f, offset, offset + len(stripped)
            return
    holds: Callable[[str, TextRecognizer], bool] = _holds_a_literal
    if literals_in is not None and len(text) >= WINDOWED_FROM:
        present = literals_in(text)
        holds = lambda _text, r: not present.isdisjoint(r.literals)  # noqa: E731
    yield from _candidates(
        text, ctx, wifi_path, windows, (offset, offset + len(stripped)), len(stripped) > LONG_TEXT, holds
    )
    for r in TEXT:
        if holds(text, r):
            yield from r.find(text, ctx)


def _holds_a_literal(text: str, r: TextRecognizer) -> bool:
    for literal in r.literals:  # a loop, not any(<genexpr>): this runs for every recognizer of every value
        if literal in text:
            return True
    return False


def _candidates(
    text: str,
    ctx: KeyContext,
    wifi_path: bool,
    windows: Windows | None,
    whole: tuple[int, int],
    long_text: bool,
    holds: Callable[[str, TextRecognizer], bool],
) -> Iterator[Located]:
    muted = [span for r in MUTING if r.spans is not None and holds(text, r) for span in r.spans(text)]
    for m in candidate_matches(text, windows):
        start = m.start()
        if muted and any(lo <= start < hi for lo, hi in muted):
            continue  # inside a device URN: its scheme names the digits (device_urn reads them)
        is_whole = m.span() == whole
        c = span_context(text, start, is_whole, long_text, ctx)
        group = m.lastgroup
        assert group is not None  # every alternative of the candidate regex is a named group
        for found, lo, hi in BY_GROUP[group].classify(m, text, ScanContext(c, is_whole, wifi_path)):
            for f in enhanced([found], c):
                yield f, lo, hi
