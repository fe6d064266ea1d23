"""The package's import graph: stages below, assembly above them, adapters and commands on top.

A module may import from its own layer or a lower one, never a higher one, and no two modules import
each other at run time (imports under ``if TYPE_CHECKING:`` are annotations only and are not counted
for cycles). Read from the source with ``ast``, so a function-local import counts as much as a top one.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "addons" / "residency_guard"

# Lowest first. A module belongs to the first layer with a prefix of its dotted name (without the
# package name); anything unlisted fails the test, so a new module has to be placed.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("base", ("", "errors", "limits", "shipped", "memory", "listening", "yamlconf", "idtypes", "model", "durations")),
    ("configuration and records", ("profile", "eventlog")),
    ("stages", ("extract", "detect", "locate", "policy", "masking")),
    (
        "assembly",
        (
            "pipeline",
            "redact",
            "setup",
            "offload",
            "counters",
            "resolve",
            "dnsnames",
            "responses",
            "flowfacts",
            "flowmarks",
            "volume",
        ),
    ),
    ("adapters", ("addon", "wireguard", "evidence", "dashboard", "adb", "fleet")),
    ("commands", ("commands", "cli")),
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


MODULES = _modules()


def _layer(module: str) -> int:
    for rank, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or (prefix and module.startswith(prefix + ".")):
                return rank
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in {__file__}")


def _type_checking_nodes(tree: ast.AST) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            inside.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    return inside


def _resolve(target: str) -> str | None:
    while target not in MODULES:
        if "." not in target:
            return None
        target = target.rsplit(".", 1)[0]
    return target


def _imports(module: str) -> list[tuple[str, bool]]:
    """(imported module, only for type checking) for every import of the package's own modules."""
    path = MODULES[module]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    annotations_only = _type_checking_nodes(tree)
    package = module.split(".") if path.name == "__init__.py" else module.split(".")[:-1]
    package = [p for p in package if p]
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.level:
            continue  # the package imports itself relatively only
        base = package[: len(package) - node.level + 1] + ([node.module] if node.module else [])
        for alias in node.names:
            name = _resolve(".".join([*base, alias.name])) or _resolve(".".join(base))
            if name is not None and name != module:
                found.append((name, id(node) in annotations_only))
    return found


def test_every_module_imports_only_its_own_layer_or_below() -> None:
    upward = [
        f"{module} ({LAYERS[_layer(module)][0]}) imports {imported} ({LAYERS[_layer(imported)][0]})"
        for module in MODULES
        for imported, _ in _imports(module)
        if _layer(imported) > _layer(module)
    ]
    assert upward == []


def test_no_import_cycles_at_run_time() -> None:
    graph = {m: {i for i, typing_only in _imports(m) if not typing_only} for m in MODULES}
    cycles = []
    for start in graph:
        stack, seen = [(start, (start,))], set()
        while stack:
            node, trail = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    cycles.append(" → ".join((*trail, start)))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, (*trail, nxt)))
    assert cycles == []


def test_the_layer_test_sees_imports() -> None:
    """Guards against a parser that finds nothing: the addon imports the pipeline and the flow adapters."""
    imported = {i for i, _ in _imports("addon")}
    assert {"pipeline", "flowfacts", "setup"} <= imported
    assert ("evidence.sessions", True) in _imports("evidence.report")  # an annotation, not a cycle
