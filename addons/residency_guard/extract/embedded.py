"""Base64 inside text: behind a short prefix (``v1:eyJ…``, ``sig=…; data=…``) or in a sentence.

``Walker.text`` decodes a value that *is* base64; a value that merely *contains* some is emitted as
text, and this module then looks for runs of the base64 alphabet in it and walks those that decode to
something: plausible text (``Walker.payload``: wordy UTF-8, JSON, XML, a form) or compressed data that
inflates to such text. Most long runs in ordinary text are not base64 (paths, hashes, hyphenated words,
identifiers in logs); they decode to bytes that are not text and are dropped silently, so benign
traffic gains no fields. Runs must be ``MIN_EMBEDDED_BASE64`` long: the base64 of a bare IMEI
(15 digits, 20 characters) is the shortest worth finding.

The decoded bytes are charged to ``Limits.max_decoded_bytes`` like every other decoding.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from .sniff import base64_bytes

if TYPE_CHECKING:
    from .walker import Walker

MIN_EMBEDDED_BASE64 = 20
_RUN = re.compile(r"[A-Za-z0-9+/_-]{%d,}={0,2}" % MIN_EMBEDDED_BASE64)


def base64_runs(text: str) -> Iterator[tuple[int, int, bytes]]:
    """(start, end, decoded bytes) of each base64 run inside ``text``, the whole text excepted."""
    for match in _RUN.finditer(text):
        start, end = match.span()
        if end - start == len(text):
            continue  # the value itself: decoded by the walker as a whole, or not base64
        data = base64_bytes(match.group())
        if data is not None:
            yield start, end, data


def walk_embedded_base64(walker: Walker, where: str, chain: tuple[str, ...], key: str | None, text: str) -> None:
    """Walk what the base64 runs inside ``text`` decode to, when it is text or compressed text."""
    if walker.too_deep(where, chain):
        return
    for start, end, data in base64_runs(text):
        walker.check_time()  # most runs decode to noise and emit nothing, so emit() never checks
        if not walker.spend(where, chain, len(data)):
            return
        walker.payload(where, chain + (f"text[{start}:{end}]", "base64"), key, data)
