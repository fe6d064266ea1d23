"""Serial numbers have no format: a key or label naming one is the only evidence (a device profile
finds them anywhere). In free text, ``serial: R58M12ABCDE``, ``SN=…``, ``ro.serialno]: [`` label them."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from ...idtypes import serial
from ..context import KeyContext, key_context
from .base import Found, Located, Score, TextRecognizer, WholeValueRecognizer

KEYED = Score(0.60, "6-20 letters and digits (both) under a serial/sn key or after a serial label")

_SERIAL_VALUE = re.compile(r"[A-Za-z0-9]{6,20}", re.ASCII)
_SERIAL_IN_TEXT = re.compile(
    r"((?i:serial[ _-]?(?:no|number)?|serialno|\bsn))[\]\"']?\s*[:=]\s*[\[\"']?([A-Za-z0-9]{6,20})(?![A-Za-z0-9])",
    re.ASCII,
)
_AMBIGUOUS_KEYS = ("sn", "psn", "serial")
"""A bare "serial" of digits alone (or letters alone) is as often a revision counter as a device's."""
_LABELLED_FROM = 24
"""Shorter texts are a value, not text with labels in it."""


def classify_serial(raw: str, ctx: KeyContext) -> list[Found]:
    if raw.lower() in serial.PLACEHOLDERS or len(set(raw)) <= 2 or not any(c.isdigit() for c in raw):
        return []
    if ctx.key in _AMBIGUOUS_KEYS and (raw.isdigit() or raw.isalpha()):
        return []
    return [("serial", raw, KEYED, "context", ctx.key or None)]


def find(text: str, ctx: KeyContext) -> Iterator[Located]:
    if len(text.strip()) <= _LABELLED_FROM:
        return
    for m in _SERIAL_IN_TEXT.finditer(text):
        for f in classify_serial(m.group(2), key_context(m.group(1))):
            yield f, m.start(2), m.end(2)


def _keyed_applies(stripped: str, ctx: KeyContext) -> bool:
    return ctx.positive == {"serial"} and _SERIAL_VALUE.fullmatch(stripped) is not None


LABELLED = TextRecognizer(
    name="serial label in text", yields=("serial",), module=sys.modules[__name__],
    literals=("serial", "sn", "SERIAL", "SN"), find=find,
)  # fmt: skip
KEYED_VALUE = WholeValueRecognizer(
    name="serial under its key", yields=("serial",), applies=_keyed_applies, classify=classify_serial
)
