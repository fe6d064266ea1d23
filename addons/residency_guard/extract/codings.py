"""Bounded decompression for HTTP content codings and compressed payloads found inside values.

mitmproxy's ``get_content()`` decodes without any size limit; these decoders never hold more than
``max_out`` bytes of output, whatever the input claims, so a decompression bomb costs at most the limit.
Each returns a ``Decompressed``: the output produced (possibly partial), plus why it stopped early.
"""

from __future__ import annotations

import bz2
import lzma
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import brotli
import zstandard

from .sniff import wordy
from .textcodec import undeclared_text

_CHUNK = 256 << 10
"""Output produced per call; the time budget is checked between calls."""

ZSTD_MAX_WINDOW = 8 << 20
"""RFC 9659: HTTP zstd decoders need not accept windows above 8 MiB; a larger one would let a hostile
frame make the decoder allocate up to the library default (128 MiB)."""

LZMA_MEMLIMIT = 64 << 20
"""Memory an xz/lzma stream may make its decoder use: xz -9 needs 65 MiB, the default preset 9 MiB; a
hostile lzma-alone header could otherwise ask for a 4 GiB dictionary."""

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
XZ_MAGIC = b"\xfd7zXZ\x00"
BZIP2_MAGIC = b"BZh"
_BZIP2_BLOCK = (b"\x31\x41\x59\x26\x53\x59", b"\x17\x72\x45\x38\x50\x90")
"""A bzip2 stream's first block (the digits of pi) or its end-of-stream marker (of sqrt(pi))."""


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


def looks_like_bzip2(data: bytes) -> bool:
    """``BZh``, the block size digit, then a block or the end of the stream."""
    return data[:3] == BZIP2_MAGIC and b"1" <= data[3:4] <= b"9" and data[4:10] in _BZIP2_BLOCK


def looks_like_lzma_alone(data: bytes) -> bool:
    """The 13-byte header of the legacy ``.lzma`` format (no magic): properties byte (lc/lp/pb), a
    dictionary size as liblzma writes it (2^n or 2^n + 2^(n-1), 4 KiB to 1.5 GiB), the uncompressed size
    (unknown, or below 2^40), then the range coder's first byte, which is always 0."""
    if len(data) < 14 or data[0] >= 225 or data[13] != 0:
        return False
    dictionary = int.from_bytes(data[1:5], "little")
    size = int.from_bytes(data[5:13], "little")
    if not (4096 <= dictionary <= 3 << 29) or not (size == (1 << 64) - 1 or size < 1 << 40):
        return False
    high = 1 << (dictionary.bit_length() - 1)
    return dictionary in (high, high | high >> 1)


def compression_of(data: bytes) -> str | None:
    """The compression format ``data`` starts with, told by its magic bytes (or, for zlib and lzma-alone,
    by a header checksum or plausibility): gzip, zstd, xz, bzip2, lzma, zlib; None when none fits.
    Raw deflate and brotli have no signature: see ``walker.Walker.probed``."""
    head = data[:6]
    if head[:3] == GZIP_MAGIC + b"\x08":
        return "gzip"
    if head[:4] == ZSTD_MAGIC:
        return "zstd"
    if head == XZ_MAGIC:
        return "xz"
    if looks_like_bzip2(data):
        return "bzip2"
    if looks_like_lzma_alone(data):
        return "lzma"
    if len(data) > 2 and looks_like_zlib(data):
        return "zlib"
    return None


PROBE_BYTES = 512
"""Output decoded to judge a guess at raw deflate or brotli before decoding all of it."""
PROBED = ("raw-deflate", "br")
"""Formats without a signature, tried on bytes that are neither text nor a format with one."""
_STRONG_MAGIC = ("gzip", "zstd", "xz", "bzip2")


def probe(data: bytes, deadline: float) -> str | None:
    """Which of ``PROBED`` ``data`` is, when decoding its start yields text (UTF-8, UTF-16, UTF-32) or
    a format with a strong signature; None otherwise. Random binary often starts like a valid deflate
    stream and decodes to noise for a while: only a plausible output makes the guess worth keeping."""
    for coding in PROBED:
        head = decompress(coding, data, PROBE_BYTES, deadline)
        if not head.data or head.timed_out or (head.error and not head.cut):
            continue
        if compression_of(head.data) in _STRONG_MAGIC:
            return coding
        text = undeclared_text(head.data, partial=head.cut)
        if text is not None and text[0].strip() and wordy(text[0]):
            return coding
    return None


def decompress(coding: str, data: bytes, max_out: int, deadline: float) -> Decompressed:
    """Decode ``data`` compressed with ``coding`` (gzip, deflate, raw-deflate, zlib, br, zstd, xz, lzma,
    bzip2), producing ≤ max_out bytes."""
    if coding in ("gzip", "x-gzip"):
        return _zlib(data, 31, max_out, deadline, restart_on=GZIP_MAGIC)
    if coding in ("deflate", "zlib"):
        # "deflate" is meant to be zlib-wrapped, but some servers and clients send raw deflate.
        return _zlib(data, 15 if looks_like_zlib(data) else -15, max_out, deadline)
    if coding == "raw-deflate":
        return _zlib(data, -15, max_out, deadline)
    if coding == "br":
        return _brotli(data, max_out, deadline)
    if coding == "zstd":
        return _zstd(data, max_out, deadline)
    if coding in ("xz", "lzma"):
        # FORMAT_AUTO reads both .xz and legacy .lzma; concatenated .xz streams are one file (xz(1)).
        restart = XZ_MAGIC if coding == "xz" else None
        make = lambda: lzma.LZMADecompressor(lzma.FORMAT_AUTO, memlimit=LZMA_MEMLIMIT)  # noqa: E731
        return _stream(make, (lzma.LZMAError, MemoryError), data, max_out, deadline, restart)
    if coding == "bzip2":
        return _stream(bz2.BZ2Decompressor, (OSError, ValueError), data, max_out, deadline, BZIP2_MAGIC)
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


class _MaxLengthDecompressor(Protocol):
    """``lzma.LZMADecompressor`` and ``bz2.BZ2Decompressor``: output bounded by ``max_length``."""

    @property
    def eof(self) -> bool: ...
    @property
    def needs_input(self) -> bool: ...
    @property
    def unused_data(self) -> bytes: ...

    def decompress(self, data: bytes, max_length: int = -1) -> bytes: ...


def _stream(
    make: Callable[[], _MaxLengthDecompressor], errors: tuple[type[Exception], ...], data: bytes, max_out: int,
    deadline: float, restart_on: bytes | None,
) -> Decompressed:  # fmt: skip
    """The ``max_length`` decoders: each call yields at most one chunk; input already handed over is
    fed again as ``b""`` until the decoder asks for more."""
    out = bytearray()
    dec = make()
    pending = data
    try:
        while True:
            room = max_out - len(out)
            chunk = dec.decompress(pending, min(room + 1, _CHUNK))
            pending = b""
            out += chunk
            if len(out) > max_out:
                return Decompressed(bytes(out[:max_out]), cut=True)
            if dec.eof:
                rest = dec.unused_data
                if restart_on and rest.startswith(restart_on):
                    dec, pending = make(), rest
                    continue
                return Decompressed(bytes(out))
            if dec.needs_input:
                return Decompressed(bytes(out), error="truncated stream")
            if time.perf_counter() > deadline:
                return Decompressed(bytes(out), timed_out=True)
    except errors as exc:
        return Decompressed(bytes(out), error=str(exc) or type(exc).__name__)


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
