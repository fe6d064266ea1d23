"""E-mail addresses (RFC 5321 shaped), except what only looks like one: image assets (``icon@2x.png``),
Message-IDs and other machine-made local parts, URL credentials, SIP addresses, scp/git remotes, and
3GPP identities (``eap_nai`` reads those)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from ..context import KeyContext
from .base import Located, Score, TextRecognizer, Trigger

KEYED = Score(0.95, "an address under an e-mail key")
UNKEYED = Score(0.85, "an address anywhere (not a file name, Message-ID, credential or SIP URI)")

EMAIL_ADDRESS = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9\-])",
    re.ASCII,
)
"""Also the shape of a network access identifier (``eap_nai``)."""
NETWORK_REALM = re.compile(r"(?:^|[.@])mnc[0-9]{3}\.mcc[0-9]{3}\.", re.ASCII | re.I)
"""A realm naming a mobile network (``…mnc001.mcc242.3gppnetwork.org``, TS 23.003 §13, §19): an
operator's identity, never a mailbox (``eap_nai`` reads the IMSI in it)."""
_NOT_TLDS = frozenset(
    {
        "png",
        "jpg",
        "jpeg",
        "gif",
        "svg",
        "webp",
        "css",
        "js",
        "json",
        "xml",
        "html",
        "htm",
        "ico",
        "bmp",
        "tiff",
        "mp4",
        "mp3",
        "woff",
        "woff2",
        "ttf",
        "otf",
        "map",
        "txt",
        "zip",
        "gz",
        "so",
        "dex",
        "apk",
        "jar",
        "kt",
        "java",
        "py",
        "md",
        "pbf",
        "mvt",
        "avif",
        "heic",
        "webm",
        "pdf",
        "bin",
        "dat",
    }
)
"""File-name "TLDs": foo@2x.png is an image, not an address."""
_MACHINE_LOCAL_PART = re.compile(
    r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{16,}", re.ASCII | re.I
)
"""Message-ID / iCalendar UID style ``<uuid>@host``, Sentry DSN keys."""
_MESSAGE_ID_KEY = re.compile(r"messageid|msgid|inreplyto|references|contentid|^mid$")
_SCALE_SUFFIX = re.compile(r"[0-9]+(?:\.[0-9]+)?x", re.ASCII)
"""``tile@2x.pbf``, ``icon@1.5x.png``: the density suffix of an image asset, not a mail domain."""
_SCP_PATH = re.compile(r":(?:[~/]|[A-Za-z0-9_.-]+/|[A-Za-z0-9_.-]+\.git(?![A-Za-z0-9]))", re.ASCII)
"""The path of an scp/git remote (``git@host:org/repo.git``); a password after an address
(``user@example.org:s3cret`` in Basic credentials) is not one."""
_NOT_MAIL_SCHEMES = ("://", "sip:", "sips:")


def find(text: str, ctx: KeyContext) -> Iterator[Located]:
    for m in EMAIL_ADDRESS.finditer(text):
        raw = m.group()
        if NETWORK_REALM.search(raw):
            continue
        if text[max(0, m.start() - 5) : m.start()].lower().endswith(_NOT_MAIL_SCHEMES):
            continue  # URL credentials, a SIP address: not e-mail
        if _SCP_PATH.match(text, m.end()) or not _address_shaped(raw, ctx):
            continue
        keyed = ctx.says("email")
        yield (
            ("email", raw.lower(), KEYED if keyed else UNKEYED, "context" if keyed else "format", ctx.key or None),
            m.start(),
            m.end(),
        )


def _address_shaped(raw: str, ctx: KeyContext) -> bool:
    if raw.rsplit(".", 1)[-1].lower() in _NOT_TLDS:
        return False
    local, _, domain = raw.partition("@")
    if _MACHINE_LOCAL_PART.fullmatch(local) or _SCALE_SUFFIX.fullmatch(domain.partition(".")[0]):
        return False
    return not (ctx.key and _MESSAGE_ID_KEY.search(ctx.key))  # a Message-ID is shaped like an address


RECOGNIZER = TextRecognizer(
    name="e-mail address", yields=("email",), module=sys.modules[__name__],
    triggers=(Trigger("at", rb"@[A-Za-z0-9]", "sign", (b"@a", b"@n", b"@z"), exact=True),),
    literals=("@",), find=find,
)  # fmt: skip
