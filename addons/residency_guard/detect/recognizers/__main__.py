"""``python -m residency_guard.detect.recognizers [--readme README.md]``: print the score table, or
rewrite the README's copy of it (between ``<!-- score-table -->`` markers)."""

import re
import sys
from pathlib import Path

from . import score_table

if len(sys.argv) == 3 and sys.argv[1] == "--readme":
    path = Path(sys.argv[2])
    text = path.read_text(encoding="utf-8")
    block = "<!-- score-table -->\n```\n" + score_table() + "\n```\n<!-- /score-table -->"
    new, n = re.subn(r"<!-- score-table -->\n```\n.*?\n```\n<!-- /score-table -->", lambda _: block, text, flags=re.S)
    if n != 1:
        sys.exit(f"{path}: no score-table block to rewrite")
    path.write_text(new, encoding="utf-8")
else:
    print(score_table())
