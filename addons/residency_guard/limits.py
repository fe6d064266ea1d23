"""Hard bounds on the work done per request, and the kinds of notes that say inspection was cut short.

Every bound that cuts inspection short must leave a note in ``Extraction.notes`` so the event says the
request was only partially inspected; nothing is skipped silently. Each note also has a *kind* from the
vocabulary below, carried to the event (``inspection.causes``) and to the policy's ``uninspected`` rule:

- ``limit:<field>``: a bound of ``Limits`` (``limit:max_body_bytes``, ``limit:max_decoded_bytes``,
  ``limit:max_ratio``, ``limit:max_depth``, ``limit:max_items``, ``limit:max_seconds``), named after
  the field so the option that raises it (``guard_max_…``) is easy to find;
- ``limit:nesting``: a parser's own nesting cap (JSON, XML, protobuf, Python's recursion limit);
- ``decoder:<name>``: a decoder that failed or had to guess (``decoder:gzip``, ``decoder:json``,
  ``decoder:base64`` …; ``decoder:binary`` for bytes nothing could decode);
- ``encoding:unknown``: a Content-Encoding the guard does not know;
- ``skipped:media``: a media body left unread by design (a real image, audio, video or font);
- ``error:extraction``: the extractor failed on the input (a bug, never a crash of the proxy).

Kinds never contain input values: they are built from names in the code, not from the request.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True, slots=True)
class Limits:
    max_body_bytes: int = 1 << 20
    """Raw (still encoded) body bytes inspected; the rest is not read."""
    max_decoded_bytes: int = 4 << 20
    """Total bytes produced by all decoding steps of one request (decompression, base64, …)."""
    max_ratio: int = 100
    """Largest decompressed/compressed ratio accepted before a body is treated as a bomb."""
    max_depth: int = 8
    """Nested decoding steps along one chain (base64 → gzip → json → base64 …)."""
    max_items: int = 20_000
    """Fields (values) extracted from one request."""
    max_seconds: float = 0.25
    """Wall-clock budget for extracting one request's values (walking and decoding); past it the rest is
    not inspected and the event says so. Detection has no deadline: its cost is bounded by ``max_items``
    and ``max_decoded_bytes``."""


DEFAULT_LIMITS = Limits()


_LIMIT_FIELDS = frozenset(f.name for f in fields(Limits))

NESTING = "limit:nesting"
UNKNOWN_ENCODING = "encoding:unknown"
MEDIA_SKIPPED = "skipped:media"
EXTRACTION_ERROR = "error:extraction"


def limit_kind(field: str) -> str:
    """The note kind of a ``Limits`` bound, e.g. ``limit:max_body_bytes``; a typo fails at once."""
    if field not in _LIMIT_FIELDS:
        raise ValueError(f"{field!r} is not a field of Limits")
    return "limit:" + field


def decoder_kind(name: str) -> str:
    """The note kind of a decoder that failed or guessed, e.g. ``decoder:gzip``."""
    return "decoder:" + name


def fails_closed(kind: str) -> bool:
    """Whether a note of this kind means part of the request went unread, so that a policy's
    ``uninspected`` rule applies. A deliberate skip (``skipped:…``: a real image) does not."""
    return not kind.startswith("skipped:")
