"""gRPC and gRPC-Web framing: the length-prefixed frames of a body, and the messages they carry.

gRPC over HTTP/2 and gRPC-Web (binary, ``application/grpc-web+proto``) frame each message as one flag
byte (bit 0: compressed with the ``grpc-encoding``; bit 7, gRPC-Web only: a trailers frame), a 4-byte
big-endian length and the message. ``application/grpc-web-text`` sends the same frames base64-encoded,
possibly as several base64 chunks one after another, each with its own padding.

A protobuf message cut across two frames is a message neither frame holds whole: the first ends inside
a field whose declared length runs past it. ``messages`` joins such a frame with the ones after it
until the fields close (``protobuf.parsed_up_to``, resumed where it stopped, so joining costs one pass
over the bytes) — what a sender splitting a message to hide it relies on the guard not doing.
"""

from __future__ import annotations

import binascii
import re
from dataclasses import dataclass

from . import protobuf

COMPRESSED = 0x01
TRAILERS = 0x80
MAX_JOINED_FRAMES = 64
"""A message is looked for across at most this many frames: senders split a message in two or three,
and without a cap frames that never complete would be rejoined from every start (quadratic)."""


@dataclass(frozen=True, slots=True)
class Message:
    label: str
    """``grpc[i]`` for the i-th frame, ``grpc[i-j]`` for frames i to j joined."""
    data: bytes
    compressed: bool = False
    trailers: bool = False


def frames(data: bytes) -> list[tuple[int, bytes]] | None:
    """(flags, payload) of each frame; None unless ``data`` is exactly a sequence of whole frames."""
    out = []
    pos, n = 0, len(data)
    while pos + 5 <= n:
        end = pos + 5 + int.from_bytes(data[pos + 1 : pos + 5], "big")
        if end > n:
            return None
        out.append((data[pos], data[pos + 5 : end]))
        pos = end
    return out if out and pos == n else None


_CHUNK_END = re.compile(rb"=+")


def text_frames(data: bytes) -> bytes | None:
    """The bytes of a gRPC-Web text body: base64 chunks, each padded on its own, concatenated; None
    when ``data`` is not that."""
    compact = b"".join(data.split())
    if not compact or len(compact) % 4 == 1:
        return None
    pieces = []
    start = 0
    for match in _CHUNK_END.finditer(compact):
        pieces.append(compact[start : match.end()])
        start = match.end()
    if start < len(compact):
        pieces.append(compact[start:])
    try:
        return b"".join(binascii.a2b_base64(piece, strict_mode=True) for piece in pieces)
    except binascii.Error:
        return None


def messages(framed: list[tuple[int, bytes]]) -> list[Message]:
    """The messages of the frames, a protobuf message cut across frames joined back into one."""
    out: list[Message] = []
    index, n = 0, len(framed)
    while index < n:
        flags, data = framed[index]
        if flags & (COMPRESSED | TRAILERS) or not data:
            out.append(Message(f"grpc[{index}]", data, bool(flags & COMPRESSED), bool(flags & TRAILERS)))
            index += 1
            continue
        last, joined = _joined(framed, index)
        label = f"grpc[{index}]" if last == index else f"grpc[{index}-{last}]"
        out.append(Message(label, joined))
        index = last + 1
    return out


def _joined(framed: list[tuple[int, bytes]], first: int) -> tuple[int, bytes]:
    """The index of the last frame that completes the message starting at ``first``, and its bytes;
    the frame alone when it is whole, not protobuf, or no later plain frame completes it."""
    alone = framed[first][1]
    buffer = bytearray(alone)
    try:
        done = protobuf.parsed_up_to(alone)
        last = first
        while done < len(buffer):
            last += 1
            if last >= min(len(framed), first + MAX_JOINED_FRAMES) or framed[last][0] & (COMPRESSED | TRAILERS):
                return first, alone
            buffer += framed[last][1]
            done = protobuf.parsed_up_to(buffer, done)
    except protobuf.ProtobufError:
        return first, alone
    return last, bytes(buffer)
