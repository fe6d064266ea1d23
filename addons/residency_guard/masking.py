"""Masked and fingerprinted identifiers: what events, logs and the dashboard may show.

``mask`` keeps only the part of a value that names a model, an operator or a country, never the
person: an IMEI keeps its 8-digit TAC (the phone model), an IMSI its MCC+MNC (the operator), a MAC its
OUI (the vendor). ``Fingerprinter`` gives a keyed hash so equal values can be correlated across events
without storing them: a plain hash of an IMEI is brute-forced in seconds (10^7 serials per TAC), a
keyed one is not without the key file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
import urllib.parse
from collections.abc import Iterable
from pathlib import Path

from .detect.known import spellings, transforms
from .idtypes import mask as mask  # re-exported: the pipeline masks through this module
from .idtypes._common import generic_mask
from .model import Hit

_KEY_BYTES = 32


def _coordinate_parts(value: str) -> list[tuple[str, str]]:
    out = []
    for part in value.split(","):
        p = part.strip()
        if "." in p and len(p.partition(".")[2]) >= 2:
            try:
                out.append((p, f"{float(p):.1f}"))
            except ValueError:
                pass
    return out


def _raw_forms(hit: Hit) -> list[tuple[str, str]]:
    """(text as it may appear, replacement) for one hit, longest first."""
    masked = mask(hit.type, hit.value)
    pairs: dict[str, str] = {}
    plain: list[str] = [hit.value]
    if hit.type == "location":
        pairs.update(dict(_coordinate_parts(hit.value)))
    else:
        try:
            plain = spellings(hit.type, hit.value) or [hit.value]
        except Exception:  # a value the spelling rules cannot parse: mask it as written
            plain = [hit.value]
        if hit.value not in plain:
            plain.append(hit.value)
    for s in plain:
        pairs[s] = masked
    if any(step.startswith("known:") for step in hit.chain):
        for s in plain:
            for form, _ in transforms(s):
                pairs.setdefault(form, generic_mask(form))
    for s, rep in list(pairs.items()):
        for enc in (urllib.parse.quote(s, safe=""), urllib.parse.quote(urllib.parse.quote(s, safe=""), safe="")):
            if enc != s:
                pairs.setdefault(enc, rep)
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))


def mask_text(text: str, hits: Iterable[Hit]) -> str:
    """``text`` (a URL, a header, a string) with every raw spelling of every hit replaced by its mask."""
    if not text:
        return text
    forms: dict[str, str] = {}
    for h in hits:
        for raw, rep in _raw_forms(h):
            if len(raw) >= 3 and raw in text:  # most URLs hold none: no pattern to compile then
                forms.setdefault(raw, rep)
    if not forms:
        return text
    ordered = sorted(forms, key=len, reverse=True)
    pattern = re.compile("|".join(re.escape(f) for f in ordered))
    return pattern.sub(lambda m: forms[m.group()], text)


class Fingerprinter:
    """Keyed fingerprints: HMAC-SHA256(key, type:value), first 16 hex digits."""

    def __init__(self, key: bytes):
        if len(key) < 16:
            raise ValueError("fingerprint key must be at least 16 bytes")
        self._key = bytes(key)

    def fingerprint(self, type: str, value: str) -> str:  # noqa: A002
        return hmac.new(self._key, f"{type}:{value}".encode(), hashlib.sha256).hexdigest()[:16]

    @classmethod
    def from_key_file(cls, path: str | Path) -> Fingerprinter:
        """Read the key, creating a random 32-byte key (mode 0600) the first time."""
        path = Path(path)
        try:
            return cls(path.read_bytes())
        except FileNotFoundError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        key = os.urandom(_KEY_BYTES)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            return cls(path.read_bytes())
        with os.fdopen(fd, "wb") as fh:
            fh.write(key)
            fh.flush()
            os.fsync(fh.fileno())
        return cls(key)
