"""Known values: every profile identifier and its precomputed transforms, matched in one pass.

A pattern cannot see ``md5(upper(mac without colons))``; a known value can. For every value of every
profile the pool holds the spellings it is sent in (MAC with ``:``, ``-``, none, Cisco dots, either
case; ICCID nibble-swapped as stored on the SIM; phone in E.164, 00- and national form…), then for each
spelling: MD5/SHA-1/SHA-256 (hex lower and upper, base64 of the digest), base64 and hex of the raw
text, and one more hash layer over the hex digests (hashes of hashes). All of it goes into a single
Aho-Corasick automaton, so a field value is scanned once whatever the size of the pool.

A short plain spelling (an 8-digit national phone number) must not match inside a longer run of the
same alphabet; transformed forms are long enough to stand alone.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ahocorasick

from .. import idtypes
from .joined import Joined

if TYPE_CHECKING:
    from ..profile import DeviceProfile

_HASHES = ("md5", "sha1", "sha256")
_MIN_PATTERN = 6


@dataclass(frozen=True, slots=True)
class KnownEntry:
    device: str
    type: str
    value: str  # normalised identifier
    transform: str  # "" for a plain spelling, else e.g. "sha256", "md5(sha1)", "base64"
    boundary: str  # "digit", "alnum" or "" (no boundary check)


def spellings(type_: str, value: str) -> list[str]:
    """The plain ways one normalised value is written on the wire (``idtypes``), long enough to match alone."""
    return [s for s in idtypes.spellings(type_, value) if len(s) >= _MIN_PATTERN]


def _boundary(s: str) -> str:
    if s.isdigit():
        return "digit"
    if s.replace(":", "").replace("-", "").replace(".", "").replace("+", "").replace(" ", "").isalnum():
        return "alnum"
    return ""


def transforms(spelling: str) -> Iterator[tuple[str, str]]:
    """(encoded form, transform name) for one spelling: hashes, base64, hex, and hashes of hex hashes."""
    raw = spelling.encode()
    yield base64.b64encode(raw).decode().rstrip("="), "base64"
    yield base64.urlsafe_b64encode(raw).decode().rstrip("="), "base64url"
    yield raw.hex(), "hex"
    yield raw.hex().upper(), "hex"
    for name in _HASHES:
        digest = hashlib.new(name, raw).digest()
        hexd = digest.hex()
        yield hexd, name
        yield hexd.upper(), name
        yield base64.b64encode(digest).decode().rstrip("="), f"{name}+base64"
        yield base64.urlsafe_b64encode(digest).decode().rstrip("="), f"{name}+base64url"
        for outer in _HASHES:
            for inner_hex in (hexd, hexd.upper()):
                h2 = hashlib.new(outer, inner_hex.encode()).hexdigest()
                yield h2, f"{outer}({name})"
                yield h2.upper(), f"{outer}({name})"


class KnownValuePool:
    """One Aho-Corasick automaton over every transform of every profile value; built once."""

    def __init__(self, profiles: Sequence[DeviceProfile]):
        self._automaton = ahocorasick.Automaton()
        entries: dict[str, list[KnownEntry]] = {}
        self.by_value: dict[tuple[str, str], list[str]] = {}
        for profile in profiles:
            for type_, values in profile.values().items():
                for value in values:
                    self.by_value.setdefault((type_, value), []).append(profile.name)
                    for s in spellings(type_, value):
                        entries.setdefault(s, []).append(KnownEntry(profile.name, type_, value, "", _boundary(s)))
                        for form, name in transforms(s):
                            entries.setdefault(form, []).append(KnownEntry(profile.name, type_, value, name, ""))
        for pattern, es in entries.items():
            if "\x00" in pattern:  # find_joined relies on it (profile values are validated: cannot happen)
                raise ValueError("known-value pattern with a NUL character")
            # One entry per (device, identifier) for a pattern: base64 and base64url of a digest are often
            # the same text, and a plain spelling beats a transform.
            unique: dict[tuple[str, str, str], KnownEntry] = {}
            for e in sorted(es, key=lambda e: e.transform != ""):
                unique.setdefault((e.device, e.type, e.value), e)
            self._automaton.add_word(pattern, (len(pattern), tuple(unique.values())))
        self.size = len(entries)
        if entries:
            self._automaton.make_automaton()

    def __bool__(self) -> bool:
        return self.size > 0

    @property
    def automaton(self) -> ahocorasick.Automaton:
        """Every pattern, each with (its length, its entries): ``detect.triggers`` scans raw text with it."""
        return self._automaton

    def find_joined(self, joined: Joined) -> dict[int, list[KnownEntry]]:
        """``find`` over every value of a request at once: value index → its matches, in ``find`` order.

        No pattern holds NUL, so at each separator the automaton is back at its root, exactly as at the
        start of a value, and a boundary check sees NUL where ``find`` sees the end of the text.
        """
        out: dict[int, list[KnownEntry]] = {}
        if not self.size:
            return out
        text = joined.text
        for end, (length, es) in self._automaton.iter(text):
            start = end - length + 1
            for e in es:
                if e.boundary and not _bounded(text, start, end + 1, e.boundary):
                    continue
                k = joined.index(start)
                found = out.get(k)
                if found is None:
                    out[k] = [e]
                else:
                    found.append(e)
        return out

    def find(self, text: str) -> Iterator[KnownEntry]:
        if not self.size or len(text) < _MIN_PATTERN:
            return
        for end, (length, es) in self._automaton.iter(text):
            start = end - length + 1
            for e in es:
                if e.boundary and not _bounded(text, start, end + 1, e.boundary):
                    continue
                yield e


def _bounded(text: str, start: int, end: int, kind: str) -> bool:
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    if kind == "digit":
        return not (before.isdigit() or after.isdigit())
    return not (before.isalnum() or after.isalnum())
