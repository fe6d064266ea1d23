"""Loading YAML configuration so that errors point at a file, a field and a line.

Policies, device profiles and geo overlays are YAML validated by pydantic. PyYAML's node tree keeps the
line of every value; we keep a map from field path to line so that a pydantic error such as
``categories.device.allow.2`` becomes ``policies/x.yaml:14: categories.device.allow[2]: …``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from .errors import ConfigError

LineMap = dict[tuple[str | int, ...], int]


class ConfigLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 booleans: only true/false.

    YAML 1.1 reads ``NO`` (Norway), ``ON`` and ``Y`` as booleans, which silently breaks country lists.
    """


ConfigLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    ConfigLoader.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0, ("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"))
    )


def load_yaml_with_lines(raw: bytes, path: Path) -> tuple[Any, LineMap]:
    """Parse YAML safely; return the data and a map from field path to 1-based line number."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{path}: not UTF-8 text (byte {e.start})") from None
    try:
        node = yaml.compose(text, Loader=ConfigLoader)
        data = yaml.load(text, Loader=ConfigLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(e, "problem", None) or str(e)
        raise ConfigError(f"{path}{where}: invalid YAML: {problem}") from None
    lines: LineMap = {}
    if node is not None:
        _walk(node, (), lines)
    if data is None:
        raise ConfigError(f"{path}: file is empty")
    return data, lines


def load_model[M: BaseModel](path: Path | str, model: type[M], what: str) -> tuple[M, bytes, LineMap]:
    """Read a YAML configuration file and validate it as ``model``.

    Also returns the raw bytes (for a hash) and the line map (for checks across entries).

    Every failure is a ConfigError naming the file, and where it can, the line and the field.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ConfigError(f"{path}: cannot read {what} file: {e.strerror or e}") from None
    data, lines = load_yaml_with_lines(raw, path)
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:{lines.get((), 1)}: (top level): a {what} file must be a YAML mapping")
    try:
        return model.model_validate(data), raw, lines
    except ValidationError as e:
        raise pydantic_error_to_config_error(e, path, lines, what=what) from None


def _walk(node: yaml.Node, prefix: tuple[str | int, ...], lines: LineMap) -> None:
    lines[prefix] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            lines[(*prefix, key)] = key_node.start_mark.line + 1
            _walk(value_node, (*prefix, key), lines)
            lines[(*prefix, key)] = key_node.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*prefix, i), lines)


class FieldPathError(ValueError):
    """Raised by whole-model validators to point at the field at fault, not at the top level."""

    def __init__(self, loc: tuple[str | int, ...], message: str):
        super().__init__(f"{format_loc(loc)}: {message}")
        self.loc = loc
        self.message = message


def format_loc(loc: tuple[str | int, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part == "[key]":
            out += " (key)"
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def pydantic_error_to_config_error(err: ValidationError, path: Path, lines: LineMap, what: str) -> ConfigError:
    """One ConfigError listing every problem as ``file:line: field: reason`` (input values not echoed)."""
    messages = []
    for e in err.errors(include_input=False, include_url=False):
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-")))
        msg = e["msg"].removeprefix("Value error, ")
        cause = e.get("ctx", {}).get("error")
        if isinstance(cause, FieldPathError):
            loc, msg = (*loc, *cause.loc), cause.message
        line = _nearest_line(loc, lines)
        where = f"{path}:{line}" if line else str(path)
        messages.append(f"{where}: {format_loc(loc)}: {msg}")
    head = f"invalid {what} file {path}"
    return ConfigError(head + "\n  " + "\n  ".join(messages))


def _nearest_line(loc: tuple[str | int, ...], lines: LineMap) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None
