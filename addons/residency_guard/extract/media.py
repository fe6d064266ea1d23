"""Content over labels: whether a body labelled ``image/*``, ``audio/*``, ``video/*`` or ``font/*`` is
really such media, and what of it is worth reading when it is.

A label is the sender's claim, and the sender may be the firmware the guard is watching: a body is
skipped as media only when its bytes say so too — a known signature at its start (``media_format``)
*and* mostly non-text content, since media data (compressed pixels, samples, glyph tables) is
binary while JSON, a form or base64 behind a copied signature is not. Anything else is inspected as
what it is, by the caller's usual sniffing.

Real media is still not opaque: metadata can carry text (PNG ``tEXt``/``zTXt``/``iTXt`` chunks, ID3
tags, EXIF and XMP strings, bytes appended after the image). ``walk_media`` emits PNG text chunks by
keyword and what follows the PNG's ``IEND`` as content, plus the long printable runs of any format
(``media-strings``) and the JSON objects among them; the pixels themselves are not decoded. Runs
must be ``MIN_MEDIA_RUN`` long: in compressed data a printable run that long occurs about once in
8 MB, so real images do not feed the detector noise.

The signature table is small and hand-kept: ``filetype``/``puremagic`` would do the lookup, but
neither is a dependency of the project, and the question here is narrower (is this *any* media at
all), which the first bytes answer.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..limits import MEDIA_SKIPPED
from .sniff import shown_name

if TYPE_CHECKING:
    from .walker import Walker

_SIGNATURES: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\x89PNG\r\n\x1a\n", "png"),
    (0, b"\xff\xd8\xff", "jpeg"),
    (0, b"GIF87a", "gif"),
    (0, b"GIF89a", "gif"),
    (0, b"BM", "bmp"),
    (0, b"II*\x00", "tiff"),
    (0, b"MM\x00*", "tiff"),
    (0, b"\x00\x00\x01\x00", "ico"),
    (0, b"8BPS", "psd"),
    (0, b"RIFF", "riff"),  # WebP, WAVE, AVI: the form type follows the size at offset 8
    (4, b"ftyp", "isobmff"),  # MP4, MOV, M4A, 3GP, HEIC, AVIF
    (0, b"\x1a\x45\xdf\xa3", "matroska"),  # MKV, WebM
    (0, b"OggS", "ogg"),
    (0, b"ID3", "mp3"),
    (0, b"fLaC", "flac"),
    (0, b"FORM", "aiff"),
    (0, b"#!AMR", "amr"),
    (0, b"MThd", "midi"),
    (0, b"\x00\x00\x01\xba", "mpeg-ps"),
    (0, b"\x00\x00\x01\xb3", "mpeg-video"),
    (0, b"wOFF", "woff"),
    (0, b"wOF2", "woff2"),
    (0, b"OTTO", "otf"),
    (0, b"\x00\x01\x00\x00", "ttf"),
    (0, b"true", "ttf"),
    (0, b"ttcf", "ttc"),
)
_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\t\n\r"
SAMPLE = 64 << 10
"""Bytes of the start a body's text share is measured on."""
MAX_TEXT_SHARE = 0.85
"""Above this share of printable bytes a body with a media signature is text behind a copied
signature. Compressed media data is about 37 % printable by chance (95 of 256 byte values); even
uncompressed formats (a BMP, a WAVE of silence) are far below this."""
MIN_MEDIA_RUN = 16
_MEDIA_RUNS = re.compile(rb"[\x20-\x7e\t]{%d,}" % MIN_MEDIA_RUN)
_PNG_TEXT = {b"tEXt", b"zTXt", b"iTXt"}


def media_format(data: bytes) -> str | None:
    """The media format ``data`` is (``png``, ``mp3`` …), or None when its bytes are not media,
    whatever it is labelled."""
    name = next((n for at, magic, n in _SIGNATURES if data.startswith(magic, at)), None)
    if name is None and len(data) >= 2 and data[0] == 0xFF and data[1] & 0xE0 == 0xE0:
        name = "mpeg-audio"  # an MP3 or AAC (ADTS) frame sync, without an ID3 tag in front
    if name is None:
        return None
    sample = data[:SAMPLE]
    printable = len(sample) - len(sample.translate(None, _PRINTABLE))
    return name if printable <= MAX_TEXT_SHARE * len(sample) else None


def walk_media(walker: Walker, where: str, chain: tuple[str, ...], key: str | None, data: bytes) -> bool:
    """Read what text real media carries; False (nothing emitted) when ``data`` is not media."""
    name = media_format(data)
    if name is None:
        return False
    rest = _png(walker, where, chain, key, data) if name == "png" else data
    runs = b"\n".join(m.group() for m in _MEDIA_RUNS.finditer(rest)).decode("ascii")
    if runs:
        walker.emit(where, chain + ("media-strings",), runs, key)
        walker.json_in_runs(where, chain + ("media-strings",), key, runs)
    walker.note(
        where, chain, f"{name} media data not decoded; its metadata and printable strings inspected", MEDIA_SKIPPED
    )
    return True


def png_chunks(data: bytes) -> tuple[list[tuple[bytes, bytes]], int]:
    """(type, data) of the chunks of a PNG, and where its ``IEND`` chunk ends (``len(data)`` when it
    has none, or its chunk structure breaks off)."""
    chunks: list[tuple[bytes, bytes]] = []
    pos, n = 8, len(data)
    while pos + 12 <= n:
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > n:
            break
        chunks.append((kind, data[pos + 8 : end - 4]))
        pos = end
        if kind == b"IEND":
            return chunks, pos
    return chunks, n


def _png(walker: Walker, where: str, chain: tuple[str, ...], key: str | None, data: bytes) -> bytes:
    """Walk a PNG's text chunks and what trails its end; the other chunks' data, for the strings scan."""
    chunks, end = png_chunks(data)
    others = []
    for kind, body in chunks:
        if kind in _PNG_TEXT:
            _png_text(walker, where, chain, kind, body)
        else:
            others.append(body)
    if end < len(data):
        walker.content(where, chain + ("png-trailer",), key, data[end:], None)
    return b"\n".join(others) if chunks else data


def _png_text(walker: Walker, where: str, chain: tuple[str, ...], kind: bytes, body: bytes) -> None:
    """``tEXt`` (keyword, NUL, Latin-1 text), ``zTXt`` (…, method byte, zlib data) and ``iTXt`` (…,
    compressed flag, method, language tag, NUL, translated keyword, NUL, UTF-8 text) — PNG §11.3.4."""
    keyword, _, rest = body.partition(b"\x00")
    name = shown_name(keyword.decode("latin-1"))
    step = chain + (f"png:{kind.decode('ascii')}:{name or '*'}",)
    compressed, encoding = kind == b"zTXt", "latin-1"
    if kind == b"zTXt":
        rest = rest[1:]
    elif kind == b"iTXt":
        compressed, encoding = rest[:1] == b"\x01", "utf-8"
        rest = rest[2:].split(b"\x00", 2)[-1]
    if compressed:
        inflated = walker.inflate("zlib", rest, where, step)
        if inflated is None:
            return
        rest, step = inflated, step + ("zlib",)
    if rest:
        walker.text(where, step, name, rest.decode(encoding, errors="replace"))
