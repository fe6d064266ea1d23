"""Hard bounds on the work done per request.

Every bound that cuts inspection short must leave a note in ``Extraction.notes`` so the event says the
request was only partially inspected; nothing is skipped silently.
"""

from __future__ import annotations

from dataclasses import dataclass


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
