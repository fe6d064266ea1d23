"""Context words, in one place: what a span's context is, and how context moves a recognizer's score.

Recognizers score what they see (a checksum, a prefix, a shape, a key naming the type); this module
decides which key a span is under and what the words around it say:

* A span that is not its whole value is under the label just before it (``IMEI: 35…``, ``mac=…``,
  ``context.text_label``), merged with the value's key; in a long text under a generic key, under no
  key at all.
* Words before a span that name a look-alike (order, ticket, invoice, timestamp, hash…) make it an
  ``order`` context, and a key naming one (``context``'s negative table) lowers every *format* score by
  ``NEGATIVE_CONTEXT``: a 15-digit Luhn-valid order number is not reported as an IMEI, nor a card
  number's neighbour as a MAC. Scores earned by a key naming the type are not lowered.
* A value that one key of the request names as a look-alike is that look-alike wherever else it
  appears in the request (``/orders/6420…?invoiceNumber=6420…``).
* Positions and phone numbers of places the phone asks about (a search centre, a destination, a
  store, a hotel's phone) are not the phone's: dropped wherever they are found.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable

from ..model import Field, Hit
from .context import (
    PLACE_SIBLINGS,
    PREFIXED_COORDINATE,
    KeyContext,
    in_standard_http_field,
    key_context,
    merge,
    names_a_place,
    normalize_key,
    text_label,
)
from .scoring import Found, Score

NEGATIVE_CONTEXT = Score(0.35, "subtracted from a format score under a key or after words naming a look-alike")
MODULE = sys.modules[__name__]

LONG_TEXT = 64
"""A text this long under a generic key (``log``, ``body``) gives its spans no context of its own."""
_WORDS_BEFORE = 40
_NEGATIVE_TEXT_WORDS = (
    "order",
    "ticket",
    "invoice",
    "transaction",
    "tracking",
    "booking",
    "receipt",
    "reference",
    "confirmation",
    "payment",
    "card",
    "account",
    "parcel",
    "version",
    "build",
    "checksum",
    "hash",
    "bytes",
    "timestamp",
    "request id",
    "session",
)
_LOOK_ALIKE = key_context("order")
_PLACE_TYPES = frozenset({"phone", "location"})


def span_context(text: str, start: int, whole: bool, long_text: bool, ctx: KeyContext) -> KeyContext:
    """The key context of the span at ``start`` of ``text``, whose own key context is ``ctx``."""
    if whole:
        return ctx
    c = ctx
    label = text_label(text, start)
    if label is not None:
        c = merge(key_context(label), ctx) if not ctx.positive else merge(ctx, key_context(label))
    elif long_text and not ctx.positive:
        c = key_context(None)
    if not c.positive and _negative_words_before(text, start):
        c = _LOOK_ALIKE
    return c


def _negative_words_before(text: str, start: int) -> bool:
    before = text[max(0, start - _WORDS_BEFORE) : start].lower()
    return any(w in before for w in _NEGATIVE_TEXT_WORDS)


def enhanced(found: list[Found], c: KeyContext) -> list[Found]:
    """``found`` (a recognizer's findings under span context ``c``) with context applied."""
    out = []
    for f in found:
        if f[0] in _PLACE_TYPES and names_a_place(c.key):
            continue  # a search centre, a destination: where the phone asks about, not where it is
        if f[3] == "format" and c.negative:
            f = (f[0], f[1], f[2] - NEGATIVE_CONTEXT, f[3], f[4])
        out.append(f)
    return out


_LOOK_ALIKE_VALUE_MAX = 40
"""Longer values are texts, not one number: what their key says is not said of each part."""


def look_alike_values(fields: Iterable[Field], context_of: Callable[[str | None], KeyContext]) -> dict[str, set[str]]:
    """Values that a key in this request names as a look-alike (``invoiceNumber=6420…``), with where they
    are: the same value elsewhere in the request (a path segment, another parameter) is that look-alike
    too, not an identifier found by its format (``elsewhere_a_look_alike``). A standard HTTP field's
    words name no look-alike (``context.STANDARD_HTTP_FIELDS``)."""
    out: dict[str, set[str]] = {}
    for f in fields:
        if len(f.value) <= _LOOK_ALIKE_VALUE_MAX and context_of(f.key).negative and not in_standard_http_field(f.where):
            out.setdefault(f.value.strip(), set()).add(f.location)
    return out


def elsewhere_a_look_alike(hit: Hit, look_alikes: dict[str, set[str]]) -> bool:
    """A format hit whose value a look-alike key holds in another field (in its own field, the key's
    context has already been applied)."""
    where = look_alikes.get(hit.value)
    return where is not None and hit.method == "format" and hit.location not in where


def asks_about_a_place(type_: str, parent: str) -> bool:
    """A position or a phone number inside an object naming a place (``stores[3]``, ``destination``)."""
    return type_ in _PLACE_TYPES and names_a_place(parent)


def pair_names_a_place(parent: str, lat_key: str | None, siblings: list[Field]) -> bool:
    """A latitude/longitude pair of a place: its object names one, its key does (``poi_lat``), or a
    sibling gives the place a name, an address or a search radius."""
    return (
        names_a_place(parent)
        or names_a_place(PREFIXED_COORDINATE.sub("", lat_key or ""))
        or any(normalize_key(s.key) in PLACE_SIBLINGS for s in siblings)
    )
