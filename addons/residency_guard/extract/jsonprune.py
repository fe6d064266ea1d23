"""A JSON document walked only where a trigger is: the same fields as ``Walker.walk_json`` for the
parts that can hold an identifier, nothing for the rest.

The document is read from its text, member by member, with the standard library's C scanner
(``scan_once`` parses one value and says where it ends). Every scalar member of a visited object or
array is emitted exactly as ``walk_json`` emits it — siblings decide verdicts (a place's ``name``
beside a position, ``mcc`` beside a short ``cid``) — but a nested object or array is entered only when
a trigger span (``detect.triggers``) touches its text, its member name included. Order is
``walk_json``'s: an object's scalars, then its containers depth first.

The caller has already parsed the whole document (so it is valid JSON): this module never notes a
parse error, and raises nothing but the walker's own ``_Stop``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from json import decoder as _json_decoder
from typing import TYPE_CHECKING, cast

from ..limits import NESTING
from .jsondecode import JSON_DECODER, JSON_MAX_NESTING
from .sniff import MAY_BE_ENCODED_SHORT, MIN_BASE64, json_member

if TYPE_CHECKING:
    from ..detect.triggers import Spans
    from .walker import Walker

JSON_SPACE = re.compile(r"[ \t\n\r]*")
json_space_at = cast("Callable[[str, int], re.Match[str]]", JSON_SPACE.match)
"""``JSON_SPACE.match``, which never returns None: the pattern matches the empty string."""

ScanOnce = Callable[[str, int], tuple[object, int]]
"""A ``JSONDecoder``'s ``scan_once``: the value at an offset, and the offset after it."""

scanstring: Callable[[str, int, bool], tuple[str, int]] = _json_decoder.scanstring  # type: ignore[attr-defined]
"""The standard library's JSON string scanner (its C one when built), which typeshed does not declare."""


def walk_pruned(walker: Walker, where: str, chain: tuple[str, ...], s: str, spans: Spans) -> int:
    """Walk the object or array ``s`` starts with; the offset after it. Raises ``ValueError``,
    ``StopIteration`` or ``IndexError`` when ``s`` is not that (the caller then parses it the usual
    way, which says why)."""
    start = json_space_at(s, 0).end()
    if s[start] not in "{[":
        raise ValueError("not a JSON container")
    return _container(walker, where, chain, s, start, "$", None, 0, spans)


def _container(
    walker: Walker, where: str, chain: tuple[str, ...], s: str, i: int, path: str, key: str | None,
    depth: int, spans: Spans,
) -> int:  # fmt: skip
    members, end = _object_members(s, i) if s[i] == "{" else _array_members(s, i)
    if depth >= JSON_MAX_NESTING:
        walker.note(where, chain, f"json nested deeper than {JSON_MAX_NESTING} levels; inner values skipped", NESTING)
        return end
    later: list[tuple[int, str, str | None]] = []
    prefix = "json:" + path
    for index, (name, value, touched_from, value_start, value_end) in enumerate(members):
        segment: str | None
        if not isinstance(name, str):  # _ELEMENT
            segment, label = f"[{index}]", key
        else:
            segment = json_member(name)
            label = name
            if segment is None:
                segment = f"[#{index}]"
                walker.emit(where, chain + ("json-key:" + path + segment,), name, None)
                label = None
        if type(value) is str:
            _scalar(walker, where, chain + (prefix + segment,), label, value)
        elif value is _CONTAINER and spans.touch(touched_from, value_end):
            later.append((value_start, path + segment, label))
    for value_start, child_path, child_key in later:
        _container(walker, where, chain, s, value_start, child_path, child_key, depth + 1, spans)
    walker.check_time()
    return end


def _scalar(walker: Walker, where: str, chain: tuple[str, ...], key: str | None, value: str) -> None:
    """As ``walk_json``: short values no decoder applies to are emitted as they are."""
    if len(value) < MIN_BASE64 and (value.isdigit() or not MAY_BE_ENCODED_SHORT.search(value)):
        walker.emit(where, chain, value, key)
    else:
        walker.text(where, chain, key, value)


class _Marker:
    __slots__ = ()


_ELEMENT = _Marker()
"""The name of an array element."""
_CONTAINER = _Marker()
"""The value of a nested object or array (parsed only to find its end)."""


_SKIP: ScanOnce = json.JSONDecoder(strict=False).scan_once  # type: ignore[attr-defined] # typeshed omits scan_once
"""Finds where a nested value ends: plain dicts and ints are built fastest, and the value is dropped."""


def _value(s: str, i: int) -> tuple[object, int]:
    first = s[i]
    if first == "{" or first == "[":
        return _CONTAINER, _SKIP(s, i)[1]
    value, end = JSON_DECODER.scan_once(s, i)  # type: ignore[attr-defined] # typeshed omits scan_once
    return (value if type(value) is str else None), end


Member = tuple[str | _Marker, object, int, int, int]


def _object_members(s: str, i: int) -> tuple[list[Member], int]:
    """(name, value, touch start, value start, end) of each member of the object at ``s[i]``, and the
    offset after the object."""
    members: list[Member] = []
    i = json_space_at(s, i + 1).end()
    if s[i] == "}":
        return members, i + 1
    while True:
        if s[i] != '"':
            raise ValueError("expected a member name")
        name_start = i
        name, i = scanstring(s, i + 1, False)
        i = json_space_at(s, i).end()
        if s[i] != ":":
            raise ValueError("expected ':'")
        i = json_space_at(s, i + 1).end()
        value, end = _value(s, i)
        members.append((name, value, name_start, i, end))
        i = json_space_at(s, end).end()
        if s[i] == "}":
            return members, i + 1
        if s[i] != ",":
            raise ValueError("expected ',' or '}'")
        i = json_space_at(s, i + 1).end()


def _array_members(s: str, i: int) -> tuple[list[Member], int]:
    members: list[Member] = []
    i = json_space_at(s, i + 1).end()
    if s[i] == "]":
        return members, i + 1
    while True:
        value, end = _value(s, i)
        members.append((_ELEMENT, value, i, i, end))
        i = json_space_at(s, end).end()
        if s[i] == "]":
            return members, i + 1
        if s[i] != ",":
            raise ValueError("expected ',' or ']'")
        i = json_space_at(s, i + 1).end()
