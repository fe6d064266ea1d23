"""The values of one request joined into one text, so that one pass (a trigger scan, the known-value
automaton) serves them all."""

from __future__ import annotations

from bisect import bisect_right
from itertools import accumulate, count
from operator import add


def _starts(values: list[str]) -> list[int]:
    """Where each value starts once they are joined by one separator character."""
    return list(map(add, accumulate(map(len, values), initial=0), count()))[:-1]


class Joined:
    """The values of one request joined by NUL; maps an offset in the joined text back to its value."""

    __slots__ = ("text", "_count", "_starts", "_last", "_values")

    def __init__(self, values: list[str]):
        self._values = values
        self.text = text = "\x00".join(values)
        self._count = len(values)
        self._starts: list[int] | None = None
        if text.count("\x00") != len(values) - 1 and values:
            # A value holds NUL itself: separators cannot be counted, so every start is computed.
            self._starts = _starts(values)
        self._last = (0, 0)  # (offset, value index) of the previous look-up

    def __len__(self) -> int:
        return self._count

    def start_of(self, k: int) -> int:
        """Where value ``k`` starts in the joined text."""
        if self._starts is None:
            self._starts = _starts(self._values)
        return self._starts[k]

    def length_of(self, k: int) -> int:
        return len(self._values[k])

    def index(self, pos: int) -> int:
        """The value that character ``pos`` of the joined text belongs to.

        Look-ups mostly come in increasing order, so separators are counted from the previous one.
        """
        if self._starts is not None:
            return bisect_right(self._starts, pos) - 1
        last_pos, last_index = self._last
        if pos < last_pos:
            last_pos, last_index = 0, 0
        k = last_index + self.text.count("\x00", last_pos, pos)
        self._last = (pos, k)
        return k
