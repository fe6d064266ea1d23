"""``python -m residency_guard.detect.recognizers``: print the score table the README holds."""

from . import score_table

print(score_table())
