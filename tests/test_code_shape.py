"""The inspection engine stays readable: no function in detect/ or extract/ longer than 60 lines or
with more than 15 branches (if/elif, for, while, except, match case, conditional expression)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "addons" / "residency_guard"
MAX_LINES = 60
MAX_BRANCHES = 15
_BRANCHES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.IfExp, ast.ExceptHandler, ast.match_case)


def _functions(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _branches(fn: ast.AST) -> int:
    return sum(isinstance(n, _BRANCHES) for n in ast.walk(fn))


@pytest.mark.parametrize("stage", ["detect", "extract"])
def test_functions_are_short_and_shallow(stage):
    too_big = []
    for path in sorted((PACKAGE / stage).rglob("*.py")):
        for fn in _functions(path):
            lines, branches = fn.end_lineno - fn.lineno + 1, _branches(fn)
            if lines > MAX_LINES or branches > MAX_BRANCHES:
                too_big.append(f"{path.relative_to(PACKAGE)}:{fn.lineno} {fn.name}: {lines} lines, {branches} branches")
    assert too_big == []


def test_the_measure_sees_branches():
    fn = ast.parse("def f(x):\n    if x:\n        return 1 if x else 2\n    for _ in x:\n        pass\n").body[0]
    assert _branches(fn) == 3
