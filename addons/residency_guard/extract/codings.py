"""Bounded decompression for HTTP content codings and compressed payloads found inside values.

mitmproxy's ``get_content()`` decodes without any size limit; these decoders never hold more than
``max_out`` bytes of output, whatever the input claims, so a decompression bomb costs at most the limit.
Each returns a ``Decompressed``: the output produced (possibly partial), plus why it stopped early.
"""

from __future__ import annotations

import time
import zlib
from dataclasses import dataclass

import brotli
import zstandard

_CHUNK = 256 << 10
"""Output produced per call; the time budget is checked between calls."""

ZSTD_MAX_WINDOW = 8 << 20
"""RFC 9659: HTTP zstd decoders need not accept windows above 8 MiB; a larger one would let a hostile
frame make the decoder allocate up to the library default (128 MiB)."""

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


@dataclass(frozen=True, slots=True)
class Decompressed:
    data: bytes
    error: str | None = None
    """Why decoding failed (corrupt or truncated input); ``data`` holds what came out before."""
    cut: bool = False
    """Output reached ``max_out`` and the rest was not decoded."""
    timed_out: bool = False


def looks_like_zlib(data: bytes) -> bool:
    """RFC 1950 header: deflate method, window ≤ 32 KiB, header checksum divisible by 31."""
    return len(data) >= 2 and data[0] & 0x0F == 8 and data[0] >> 4 <= 7 and ((data[0] << 8) | data[1]) % 31 == 0


def decompress(coding: str, data: bytes, max_out: int, deadline: float) -> Decompressed:
    """Decode ``data`` compressed with ``coding`` (gzip, deflate, zlib, br, zstd), producing ≤ max_out bytes."""
    if coding in ("gzip", "x-gzip"):
        return _zlib(data, 31, max_out, deadline, restart_on=GZIP_MAGIC)
    if coding in ("deflate", "zlib"):
        # "deflate" is meant to be zlib-wrapped, but some servers and clients send raw deflate.
        return _zlib(data, 15 if looks_like_zlib(data) else -15, max_out, deadline)
    if coding == "br":
        return _brotli(data, max_out, deadline)
    if coding == "zstd":
        return _zstd(data, max_out, deadline)
    raise ValueError(f"unsupported coding {coding!r}")


def _zlib(data: bytes, wbits: int, max_out: int, deadline: float, restart_on: bytes | None = None) -> Decompressed:
    out = bytearray()
    dec = zlib.decompressobj(wbits)
    pending = data
    try:
        while True:
            room = max_out - len(out)
            chunk = dec.decompress(pending, min(room + 1, _CHUNK))
            out += chunk
            if len(out) > max_out:
                return Decompressed(bytes(out[:max_out]), cut=True)
            pending = dec.unconsumed_tail
            if dec.eof:
                rest = dec.unused_data
                # Concatenated gzip members are one valid gzip stream (RFC 1952 §2.2).
                if restart_on and rest.startswith(restart_on):
                    dec = zlib.decompressobj(wbits)
                    pending = rest
                    continue
                return Decompressed(bytes(out))
            if not pending and not chunk:
                return Decompressed(bytes(out), error="truncated stream")
            if time.perf_counter() > deadline:
                return Decompressed(bytes(out), timed_out=True)
    except zlib.error as exc:
        return Decompressed(bytes(out), error=str(exc))


def _brotli(data: bytes, max_out: int, deadline: float) -> Decompressed:
    out = bytearray()
    dec = brotli.Decompressor()
    view = memoryview(data)
    pos = 0
    try:
        while not dec.is_finished():
            room = max_out - len(out)
            limit = min(room + 1, _CHUNK)
            if dec.can_accept_more_data():
                if pos >= len(view):
                    return Decompressed(bytes(out), error="truncated stream")
                piece = view[pos : pos + 4096]
                pos += len(piece)
                out += dec.process(piece, output_buffer_limit=limit)
            else:
                out += dec.process(b"", output_buffer_limit=limit)
            if len(out) > max_out:
                return Decompressed(bytes(out[:max_out]), cut=True)
            if time.perf_counter() > deadline:
                return Decompressed(bytes(out), timed_out=True)
    except brotli.error as exc:
        return Decompressed(bytes(out), error=str(exc) or "invalid brotli data")
    return Decompressed(bytes(out))


def _zstd(data: bytes, max_out: int, deadline: float) -> Decompressed:
    out = bytearray()
    dctx = zstandard.ZstdDecompressor(max_window_size=ZSTD_MAX_WINDOW)
    try:
        reader = dctx.stream_reader(data, read_across_frames=True)
        while True:
            room = max_out - len(out)
            chunk = reader.read(min(room + 1, _CHUNK))
            if not chunk:
                break
            out += chunk
            if len(out) > max_out:
                return Decompressed(bytes(out[:max_out]), cut=True)
            if time.perf_counter() > deadline:
                return Decompressed(bytes(out), timed_out=True)
    except zstandard.ZstdError as exc:
        return Decompressed(bytes(out), error=str(exc))
    # The stream reader ends silently on a truncated frame; walk the frame structure to tell.
    problem = zstd_structure_problem(data)
    return Decompressed(bytes(out), error=problem)


def zstd_structure_problem(data: bytes) -> str | None:
    """Check that ``data`` is a sequence of complete zstd frames (RFC 8878 §3.1); say what is wrong."""
    pos, n = 0, len(data)
    if n == 0:
        return "empty stream"
    while pos < n:
        if n - pos < 4:
            return "trailing bytes after last frame"
        magic = int.from_bytes(data[pos : pos + 4], "little")
        if magic & 0xFFFFFFF0 == 0x184D2A50:  # skippable frame
            end = pos + 8 + int.from_bytes(data[pos + 4 : pos + 8], "little") if n - pos >= 8 else n + 1
        elif magic == 0xFD2FB528:
            end = _zstd_frame_end(data, pos + 4)
        else:
            return "trailing bytes after last frame" if pos else "not a zstd frame"
        if end > n:
            return "truncated stream"
        pos = end
    return None


def _zstd_frame_end(data: bytes, pos: int) -> int:
    """Where the zstd frame whose header starts at ``pos`` ends (past ``len(data)``: truncated)."""
    n = len(data)
    if pos >= n:
        return n + 1
    fhd = data[pos]
    single_segment = fhd >> 5 & 1
    fcs_size = (1 if single_segment else 0, 2, 4, 8)[fhd >> 6]
    pos += 1 + (0 if single_segment else 1) + (0, 1, 2, 4)[fhd & 3] + fcs_size
    while True:
        if pos + 3 > n:
            return n + 1
        header = int.from_bytes(data[pos : pos + 3], "little")
        last, block_type, size = header & 1, header >> 1 & 3, header >> 3
        pos += 3 + (1 if block_type == 1 else size)
        if pos > n:
            return pos
        if last:
            break
    return pos + 4 if fhd >> 2 & 1 else pos  # the content checksum
