"""Schema-less protobuf: walk the wire format and return every scalar with its field-number path.

Without a schema a length-delimited field may be a string, a nested message or opaque bytes: it is
taken as a string when it is clean UTF-8 text, else as a message when it parses completely, else
returned as ``bytes`` when it starts like compressed data (the caller inflates it), else skipped.
Parsing is strict (every byte accounted for, valid field numbers, no groups), which is what lets
random binary be rejected instead of producing garbage.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

from .codings import GZIP_MAGIC, ZSTD_MAGIC, looks_like_zlib
from .sniff import plausible_text


class ProtobufError(ValueError):
    pass


class ProtobufTruncated(ProtobufError):
    """The bytes end inside a field: what follows them may complete it."""


@dataclass(slots=True)
class ProtoScalar:
    path: str
    """Field numbers from the outermost message, dot-separated: ``"2.1.3"``."""
    value: str
    kind: str
    """``varint``, ``fixed32``, ``fixed64``, ``string``, or ``bytes`` (compressed data, in ``raw``)."""
    raw: bytes = b""


@dataclass(slots=True)
class ProtoWalk:
    scalars: list[ProtoScalar] = field(default_factory=list)
    too_deep: bool = False


_MAX_FIELD = (1 << 29) - 1


def _varint(data: bytes | bytearray, pos: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= end:
            raise ProtobufTruncated("varint past end")
        if shift > 63:
            raise ProtobufError("bad varint")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def _field(data: bytes | bytearray, pos: int, end: int) -> tuple[int, int, int, int, int]:
    """(field number, wire type, value or start offset, end offset, next position) of the field at ``pos``."""
    key, pos = _varint(data, pos, end)
    number, wire = key >> 3, key & 7
    if number < 1 or number > _MAX_FIELD:
        raise ProtobufError("bad field number")
    if wire == 0:
        value, pos = _varint(data, pos, end)
        return number, 0, value, pos, pos
    size = 8 if wire == 1 else 4 if wire == 5 else -1
    if wire == 2:
        size, pos = _varint(data, pos, end)
    elif size < 0:
        raise ProtobufError("unsupported wire type")
    if pos + size > end:
        raise ProtobufTruncated("length past end")
    return number, wire, pos, pos + size, pos + size


def _fields(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(field number, wire type, value or start offset, end offset) for one message, or ProtobufError."""
    out = []
    pos = start
    while pos < end:
        number, wire, a, b, pos = _field(data, pos, end)
        out.append((number, wire, a, b))
    return out


def parsed_up_to(data: bytes | bytearray, start: int = 0) -> int:
    """Where the last whole top-level field from ``start`` ends: ``len(data)`` when ``data`` is a
    complete message, less when its last field continues past the end (a message cut in two);
    ProtobufError when it is not protobuf at all."""
    pos, end = start, len(data)
    while pos < end:
        try:
            pos = _field(data, pos, end)[4]
        except ProtobufTruncated:
            return pos
    return pos


def _plausible_real(x: float) -> bool:
    return math.isfinite(x) and 1e-4 <= abs(x) <= 1e7


def walk(data: bytes, *, max_nesting: int = 32, max_items: int = 10_000) -> ProtoWalk:
    """Every scalar in ``data`` read as a protobuf message; ProtobufError when it is not one."""
    top = _fields(data, 0, len(data))
    if not top:
        raise ProtobufError("empty message")
    result = ProtoWalk()
    _emit(data, top, "", 0, max_nesting, max_items, result)
    return result


def _emit(
    data: bytes,
    fields: list[tuple[int, int, int, int]],
    prefix: str,
    depth: int,
    max_nesting: int,
    max_items: int,
    result: ProtoWalk,
) -> None:
    out = result.scalars
    for number, wire, a, b in fields:
        if len(out) >= max_items:
            return
        path = f"{prefix}{number}"
        if wire == 0:
            out.append(ProtoScalar(path, str(a if a < 1 << 63 else a - (1 << 64)), "varint"))
        elif wire == 1:
            raw = data[a:b]
            (real,) = struct.unpack("<d", raw)
            text = repr(real) if _plausible_real(real) else str(int.from_bytes(raw, "little"))
            out.append(ProtoScalar(path, text, "fixed64"))
        elif wire == 5:
            raw = data[a:b]
            (real,) = struct.unpack("<f", raw)
            text = f"{real:.7g}" if _plausible_real(real) else str(int.from_bytes(raw, "little"))
            out.append(ProtoScalar(path, text, "fixed32"))
        elif b > a:
            inner = _length_delimited(data, a, b, path, out)
            if inner is None:
                continue
            if depth + 1 >= max_nesting:
                result.too_deep = True
                continue
            _emit(data, inner, path + ".", depth + 1, max_nesting, max_items, result)


def _length_delimited(
    data: bytes, a: int, b: int, path: str, out: list[ProtoScalar]
) -> list[tuple[int, int, int, int]] | None:
    """A string or compressed bytes (appended to ``out``), else the fields of the nested message it
    is; None when it is not a message either (opaque bytes, skipped)."""
    chunk = data[a:b]
    string = plausible_text(chunk)
    if string is not None:
        out.append(ProtoScalar(path, string, "string"))
        return None
    # gzip and zstd magics are checked first: a small zstd frame stores its input raw, which may
    # parse as a message. A zlib header is two bytes, so it is trusted only after a failed parse.
    if chunk[:3] == GZIP_MAGIC + b"\x08" or chunk[:4] == ZSTD_MAGIC:
        out.append(ProtoScalar(path, "", "bytes", chunk))
        return None
    try:
        return _fields(data, a, b)
    except ProtobufError:
        if len(chunk) > 2 and looks_like_zlib(chunk):
            out.append(ProtoScalar(path, "", "bytes", chunk))
        return None
