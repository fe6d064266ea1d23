"""Cheap tests that decide which decoder to try on a value or body, and how names may be shown.

Everything here runs on every extracted value, so each test starts with the cheapest possible
rejection (length, first character, ``in``) before any regex, and every regex is linear (no nested
quantifiers that could backtrack).
"""

from __future__ import annotations

import binascii
import codecs
import re
from functools import lru_cache

MIN_BASE64 = 16
"""Shortest base64 text worth decoding (12 bytes; a MAC's hex is 16 characters of base64): shorter
tokens are mostly ids and words, and decode to printable noise too often."""
MIN_HEX = 16
MAY_BE_ENCODED_SHORT = re.compile(r"[{\[<%=]")
"""Characters without which no decoder applies to a value shorter than MIN_BASE64."""

_B64_STD = re.compile(r"[A-Za-z0-9+/]+={0,2}")
_B64_URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_HEX = re.compile(r"(?:[0-9A-Fa-f]{2})+")
_PCT = re.compile(r"%[0-9A-Fa-f]{2}")
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]+\.([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]*")
# name=value pairs joined by '&'; a value may not start with '=' so that base64 padding ("abc==") is
# not read as a form.
_FORM = re.compile(r"[\w.\-\[\]%]+=(?:[^&\s=][^&\s]*)?(?:&[\w.\-\[\]%]+=(?:[^&\s=][^&\s]*)?)*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_BYTES = bytes(0 if c <= 0x08 or c in (0x0B, 0x0C) or 0x0E <= c <= 0x1F else 1 for c in range(256))
"""0 for the control bytes text never holds (NUL, BEL, …), 1 for the rest: translate, then find 0
(a character-class regex costs ~20 ns a byte, this runs at memory speed)."""
_PRINTABLE_RUNS = re.compile(rb"[\x20-\x7e\t]{6,}")
# Packed BCD: bytes whose two nibbles are both decimal digits (0x00-0x09, 0x10-0x19, … 0x90-0x99).
_BCD_BYTE = b"".join(re.escape(bytes([h << 4])) + b"-" + re.escape(bytes([h << 4 | 9])) for h in range(10))
_BCD_RUNS = re.compile(b"[" + _BCD_BYTE + b"]{8,}")
BCD_MAX_BYTES = 256
"""Binary payloads up to this size are also read as packed BCD. Login packets are tens of bytes; in
random data eight BCD bytes in a row occur by chance, and with the IMEI checks behind them 3 in 20 000
random 256-byte payloads still yield an "IMEI" (0.13 % at 1 KB)."""


def base64_bytes(text: str) -> bytes | None:
    """Decode standard, URL-safe, unpadded or line-wrapped base64; None when ``text`` is not base64."""
    if "\n" in text:
        # MIME / Android Base64.DEFAULT wrapping: equal lines (76 characters) and a shorter last one
        lines = text.split()
        if len({len(line) for line in lines[:-1]}) > 1:
            return None
        text = "".join(lines)
    n = len(text)
    if n < MIN_BASE64 or n % 4 == 1 or text.isdigit():
        return None
    if n == 36 and text[8] == text[13] == text[18] == text[23] == "-":
        return None  # a UUID, which is also valid URL-safe base64
    if _B64_STD.fullmatch(text) is None:
        if _B64_URL.fullmatch(text) is None:
            return None
        text = text.translate(_URLSAFE)
    text = text.rstrip("=")
    if len(text) % 4 == 1:
        return None
    text += "=" * (-len(text) % 4)
    try:
        return binascii.a2b_base64(text, strict_mode=True)
    except binascii.Error:
        return None


_URLSAFE = str.maketrans("-_", "+/")


def hex_bytes(text: str) -> bytes | None:
    if len(text) < MIN_HEX or len(text) % 2 or _HEX.fullmatch(text) is None:
        return None
    return bytes.fromhex(text)


def jwt_payload(text: str) -> bytes | None:
    """The decoded payload segment of a compact JWS (``header.payload.signature``)."""
    if not text.startswith("eyJ") or text.count(".") != 2:
        return None
    match = _JWT.fullmatch(text)
    if match is None:
        return None
    segment = match.group(1)
    try:
        return binascii.a2b_base64(segment.translate(_URLSAFE) + "=" * (-len(segment) % 4))
    except binascii.Error:
        return None


JSONISH = re.compile(r"\s*[\[{]\s*[\"\[{\d-]")


def wordy(text: str) -> bool:
    """Decoded text worth keeping: structured, or mostly letters and digits (checked on its start).

    Rejects the punctuation soup that a random token or a digits-only string yields when it happens
    to decode to printable characters; short texts must be wordier, since chance matches are short.
    """
    head = text[:256].strip()
    if not head:
        return False
    if JSONISH.match(head) or head[0] == "<":
        return True
    wordy = sum(c.isalnum() or c == " " for c in head)
    return wordy * (10 if len(head) < 24 else 2) >= len(head) * (8 if len(head) < 24 else 1)


def has_percent_escape(text: str) -> bool:
    return "%" in text and _PCT.search(text) is not None


def looks_like_form(text: str) -> bool:
    return "=" in text and _FORM.fullmatch(text) is not None


# "v=3;ts=…;lat=41.15;lon=-8.63;ci=…": SDK beacons and modem reports as key=value pairs separated by
# semicolons (three pairs at least, so a lone "charset=utf-8; q=0.5" header value does not qualify).
_SEMICOLON_PAIRS = re.compile(r"[A-Za-z_][\w.\-]*=[^;=\s]*(?:;[A-Za-z_][\w.\-]*=[^;=\s]*){2,};?")


def looks_like_semicolon_pairs(text: str) -> bool:
    return ";" in text and _SEMICOLON_PAIRS.fullmatch(text) is not None


def plausible_text(data: bytes) -> str | None:
    """``data`` as text when it is valid UTF-8 without control characters (beyond tab/CR/LF)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(text) is not None:
        return None
    return text


def lenient_text(data: bytes, max_bad: int) -> str | None:
    """``data`` as text with undecodable bytes and control characters replaced by U+FFFD, when there
    are at most ``max_bad`` of them (repaired base64: only the bytes around a stray character)."""
    text = _CONTROL.sub("\ufffd", data.decode("utf-8", errors="replace"))
    return text if text.count("\ufffd") <= max_bad else None


def is_binary(data: bytes) -> bool:
    """True when ``data`` holds control bytes that text never contains (NUL, BEL, …)."""
    return data.translate(_CONTROL_BYTES).find(0) >= 0


def printable_runs(data: bytes, limit: int) -> str:
    """Runs of ≥ 6 printable ASCII characters, one per line (what ``strings`` shows), at most ``limit``."""
    out: list[str] = []
    size = 0
    for match in _PRINTABLE_RUNS.finditer(data):
        run = match.group().decode("ascii")
        size += len(run) + 1
        if size > limit:
            break
        out.append(run)
    return "\n".join(out)


def bcd_runs(data: bytes) -> str:
    """Runs of ≥ 8 packed-BCD bytes as decimal digits, one per line. Tracker and IoT login packets carry
    the IMEI that way: GT06 ``78 78 11 01 03 52 09 90 01 76 14 81 …`` holds ``0352099001761481``."""
    if len(data) > BCD_MAX_BYTES:
        return ""
    return "\n".join(m.group().hex() for m in _BCD_RUNS.finditer(data))


# Charsets honoured from a Content-Type. Any other name falls back to UTF-8: Python's codec registry
# also holds transforms (rot13, punycode, …) that a hostile header must not be able to select.
_CHARSETS = frozenset(
    codecs.lookup(name).name
    for name in (
        "utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be", "ascii", "latin-1",
        "iso8859-2", "iso8859-5", "iso8859-7", "iso8859-9", "iso8859-15", "cp1250", "cp1251", "cp1252",
        "cp1253", "cp1254", "cp1256", "koi8-r", "koi8-u", "gbk", "gb2312", "gb18030", "big5", "shift_jis",
        "euc-jp", "euc-kr", "cp949", "cp932",
    )
)  # fmt: skip


@lru_cache(maxsize=64)
def codec_for(charset: str | None) -> str:
    if not charset:
        return "utf-8"
    try:
        name = codecs.lookup(charset.strip().strip('"').lower()).name
    except (LookupError, ValueError):
        return "utf-8"
    return name if name in _CHARSETS else "utf-8"


# ------------------------------------------------------------------------------------------- names

_DOT_NAME = re.compile(r"[A-Za-z_$@][\w$@\-]{0,63}")
_SHOWN_NAME = re.compile(r"[^\x00-\x1f\x7f]{1,64}")


@lru_cache(maxsize=8192)
def shown_name(name: str) -> str | None:
    """``name`` if it may appear in a ``where``/chain label; None when it could itself be an identifier.

    Keys are normally words (``imei``, ``deviceId``), but some payloads key objects by the identifier
    (``{"352099001761481": {...}}``); such names are shown by position instead and scanned as values.
    """
    if _SHOWN_NAME.fullmatch(name) is None:
        return None
    digits = sum(c.isdigit() for c in name)
    if digits >= 6:
        return None
    if "@" in name and "." in name.partition("@")[2]:
        return None
    if len(name) >= 12 and _HEX.fullmatch(name.replace(":", "").replace("-", "")):
        return None
    return name


@lru_cache(maxsize=8192)
def json_member(name: str) -> str | None:
    """Path segment for an object member: ``.name`` or ``["odd name"]``; None when not shown."""
    if shown_name(name) is None:
        return None
    if _DOT_NAME.fullmatch(name):
        return "." + name
    return '["' + name.replace("\\", "\\\\").replace('"', '\\"') + '"]'


# ----------------------------------------------------------------------------------------- media types


def parse_content_type(value: str | None) -> tuple[str, dict[str, str]]:
    """``("application/json", {"charset": "utf-8"})``; an empty media type when absent."""
    if not value:
        return "", {}
    media, _, rest = value.partition(";")
    params: dict[str, str] = {}
    for item in rest.split(";"):
        k, eq, v = item.partition("=")
        if eq:
            params[k.strip().lower()] = v.strip().strip('"')
    return media.strip().lower(), params


MEDIA_SKIPPED = ("image/", "video/", "audio/", "font/")


def media_kind(media: str) -> str:
    """Which decoder a declared media type asks for: json, ndjson, form, multipart, xml, protobuf,
    grpc, csv, text, skip, or '' (unknown / octet-stream: sniff the content)."""
    if not media:
        return ""
    if media.startswith(MEDIA_SKIPPED):
        return "skip"
    major, _, sub = media.partition("/")
    if major == "multipart":
        return "multipart"
    if sub in ("x-ndjson", "ndjson", "jsonl", "x-jsonlines", "json-seq", "jsonlines"):
        return "ndjson"
    if sub == "json" or sub.endswith("+json"):
        return "json"
    if sub == "x-www-form-urlencoded":
        return "form"
    if sub == "xml" or sub.endswith("+xml"):
        return "xml"
    if sub.startswith("grpc"):
        return "grpc"
    if "protobuf" in sub or sub in ("x-proto", "proto", "vnd.google.protobuf"):
        return "protobuf"
    if sub in ("csv", "x-csv", "tab-separated-values"):
        return "csv"
    if major == "text":
        return "text"
    return ""
