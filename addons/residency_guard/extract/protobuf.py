"""Schema-less protobuf: walk the wire format and return every scalar with its field-number path.

Without a schema a length-delimited field may be a string, a nested message or opaque bytes: it is
taken as a string when it is clean UTF-8 text, else as a message when it parses completely, else
skipped. Parsing is strict (every byte accounted for, valid field numbers, no groups), which is what
lets random binary be rejected instead of producing garbage.
"""

from __future__ import annotations

import math
import struct
from dataclasses import dataclass, field

from .sniff import plausible_text


class ProtobufError(ValueError):
    pass


@dataclass(slots=True)
class ProtoScalar:
    path: str
    """Field numbers from the outermost message, dot-separated: ``"2.1.3"``."""
    value: str
    kind: str
    """``varint``, ``fixed32``, ``fixed64`` or ``string``."""


@dataclass(slots=True)
class ProtoWalk:
    scalars: list[ProtoScalar] = field(default_factory=list)
    too_deep: bool = False


_MAX_FIELD = (1 << 29) - 1


def _varint(data: bytes, pos: int, end: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if pos >= end or shift > 63:
            raise ProtobufError("bad varint")
        b = data[pos]
        pos += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, pos
        shift += 7


def _fields(data: bytes, start: int, end: int) -> list[tuple[int, int, int, int]]:
    """(field number, wire type, value or start offset, end offset) for one message, or ProtobufError."""
    out = []
    pos = start
    while pos < end:
        key, pos = _varint(data, pos, end)
        number, wire = key >> 3, key & 7
        if number < 1 or number > _MAX_FIELD:
            raise ProtobufError("bad field number")
        if wire == 0:
            value, pos = _varint(data, pos, end)
            out.append((number, 0, value, pos))
        elif wire == 2:
            length, pos = _varint(data, pos, end)
            if pos + length > end:
                raise ProtobufError("length past end")
            out.append((number, 2, pos, pos + length))
            pos += length
        elif wire == 1:
            if pos + 8 > end:
                raise ProtobufError("truncated fixed64")
            out.append((number, 1, pos, pos + 8))
            pos += 8
        elif wire == 5:
            if pos + 4 > end:
                raise ProtobufError("truncated fixed32")
            out.append((number, 5, pos, pos + 4))
            pos += 4
        else:
            raise ProtobufError("unsupported wire type")
    return out


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
            chunk = data[a:b]
            string = plausible_text(chunk)
            if string is not None:
                out.append(ProtoScalar(path, string, "string"))
                continue
            if depth + 1 >= max_nesting:
                result.too_deep = True
                continue
            try:
                inner = _fields(data, a, b)
            except ProtobufError:
                continue  # opaque bytes
            _emit(data, inner, path + ".", depth + 1, max_nesting, max_items, result)
