"""What a finding is, and the named confidence it carries (shared by recognizers and the enhancer)."""

from __future__ import annotations

from typing import Literal

Found = tuple[str, str, float, Literal["format", "context"], str | None]
"""type, normalised value, confidence, method (``format`` or ``context``), key."""
Located = tuple[Found, int, int]
"""A finding and its span in the text it was found in."""


class Score(float):
    """A confidence with the evidence it stands for: a number where the code computes, a row of the
    score table where the docs explain (``recognizers.score_table``)."""

    meaning: str

    def __new__(cls, value: float, meaning: str) -> Score:
        score = super().__new__(cls, value)
        score.meaning = meaning
        return score
