"""Split a multipart body (RFC 2046 §5.1) into parts without decoding them.

Lenient about line endings (CRLF or bare LF, as some clients send) and about a missing closing
delimiter (the parts seen so far are kept, and the caller notes it); strict about nothing else, since
the aim is to see what is inside, not to validate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(slots=True)
class Part:
    headers: dict[str, str]
    """Lower-case header name → value (last one wins)."""
    body: bytes

    @property
    def name(self) -> str | None:
        return _disposition_param(self.headers.get("content-disposition", ""), "name")

    @property
    def filename(self) -> str | None:
        return _disposition_param(self.headers.get("content-disposition", ""), "filename")


@dataclass(slots=True)
class Split:
    parts: list[Part]
    problem: str | None = None


_PARAM = re.compile(r';\s*([A-Za-z*]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]*))')


def _disposition_param(value: str, wanted: str) -> str | None:
    for match in _PARAM.finditer(value):
        if match.group(1).lower() == wanted:
            quoted = match.group(2)
            return quoted.replace('\\"', '"') if quoted is not None else match.group(3)
    return None


def guess_boundary(data: bytes) -> bytes | None:
    """The boundary from the first delimiter line, for bodies whose Content-Type lost it."""
    if not data.startswith(b"--"):
        return None
    line = data[2:200].split(b"\n", 1)[0].rstrip(b"\r")
    return line if 0 < len(line) <= 70 and b"--" not in line[-2:] else None


def split(data: bytes, boundary: bytes, max_parts: int) -> Split:
    delimiter = b"--" + boundary
    pos = data.find(delimiter)
    if pos < 0 or (pos > 0 and data[pos - 1 : pos] != b"\n"):
        return Split([], "no boundary delimiter found")
    parts: list[Part] = []
    while True:
        pos += len(delimiter)
        if data.startswith(b"--", pos):
            return Split(parts)
        nxt = data.find(b"\n" + delimiter, pos)
        if nxt < 0:
            chunk = data[pos:]
            chunk = chunk[:-2] if chunk.endswith(b"\r\n") else chunk[:-1] if chunk.endswith(b"\n") else chunk
        else:
            chunk = data[pos:nxt]
            if chunk.endswith(b"\r"):
                chunk = chunk[:-1]
        parts.append(_part(chunk))
        if nxt < 0:
            return Split(parts, "missing closing delimiter")
        if len(parts) >= max_parts:
            return Split(parts, f"more than {max_parts} parts")
        pos = nxt + 1


def _part(chunk: bytes) -> Part:
    # The delimiter line may carry transport padding before its line break.
    eol = chunk.find(b"\n")
    if eol < 0:
        return Part({}, b"")
    rest = chunk[eol + 1 :]
    head_end, sep_len = rest.find(b"\r\n\r\n"), 4
    lf_end = rest.find(b"\n\n")
    if head_end < 0 or (0 <= lf_end < head_end):
        head_end, sep_len = lf_end, 2
    if rest.startswith(b"\r\n") or rest.startswith(b"\n"):
        # No headers at all: the body follows the blank line directly.
        return Part({}, rest[2 if rest.startswith(b"\r\n") else 1 :])
    if head_end < 0:
        return Part(_headers(rest), b"")
    return Part(_headers(rest[:head_end]), rest[head_end + sep_len :])


def _headers(block: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in block.decode("latin-1").splitlines():
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return headers
