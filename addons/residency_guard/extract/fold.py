"""Unicode spellings of ASCII identifiers folded back to ASCII before any detector reads them.

Identifiers are ASCII digits, hex and punctuation, and every detector pattern is ASCII; a value can
carry the same identifier in other spellings: full-width digits (``３５２０…``, NFKC compatibility
forms), the digits of another script (Arabic-Indic ``٣٥٢٠…``, Devanagari …: any character with a
``unicodedata.decimal`` value), or invisible format characters between the digits (zero-width space,
joiners, bidi marks, embeddings and isolates: Unicode category Cf). ``fold`` removes the format
characters, maps every decimal digit to its ASCII digit and every other character whose NFKC form is
printable ASCII to that form; all other characters are kept as they are.

Folding is per character (a character-level NFKC, which is all an ASCII pattern can see) and runs only
on non-ASCII text (``str.isascii`` is O(1)): ASCII input costs nothing.
"""

from __future__ import annotations

import unicodedata

FOLD_STEP = "unicode-fold"
"""The chain step of a value that was folded."""
_MAX_CACHED = 1 << 16
"""Characters remembered: hostile text cycling through every code point cannot grow the table beyond."""


class _FoldTable(dict[int, str | None]):
    """``str.translate`` table computed on demand, per code point."""

    def __missing__(self, code: int) -> str | None:
        folded = _fold_char(chr(code))
        if len(self) < _MAX_CACHED:
            self[code] = folded
        return folded


def _fold_char(char: str) -> str | None:
    category = unicodedata.category(char)
    if category == "Cf":
        return None  # deleted by translate
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    if category[0] in "CZ" and category != "Zs":
        return char  # line/paragraph separators and other controls stay what they are
    compat = unicodedata.normalize("NFKC", char)
    if compat != char and compat.isascii() and compat.isprintable():
        return compat
    return char


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """``text`` with Unicode spellings of ASCII folded (see the module docstring); ``text`` itself (the
    same object) when there is nothing to fold."""
    if text.isascii():
        return text
    folded = text.translate(_TABLE)
    return text if folded == text else folded
