"""Fields grouped into the objects they sit in: how siblings (a latitude beside its longitude, MCC/MNC
beside a short cell id, a country code beside a national number) find each other."""

from __future__ import annotations

from ..model import Field


def parent_of(f: Field) -> str:
    """The location of the object a field sits in: ``body|json:$.geo.lat`` → ``body|json:$.geo``.

    Fields of one JSON object (or one query string, one form) share it.
    """
    loc = f.location
    if not f.key:
        return loc
    for suffix in (f.key, f"{f.key}']", f'{f.key}"]', f"{f.key}]"):
        if loc.endswith(suffix):
            head = loc[: -len(suffix)]
            return head[:-2] if head.endswith(("['", '["')) else head.rstrip(".:/[")
    return loc


class Objects:
    """The fields of one request by parent, in order of first appearance; grouped on first use (sibling
    look-ups are rare)."""

    __slots__ = ("_fields", "_by_parent")

    def __init__(self, fields: list[Field]):
        self._fields = fields
        self._by_parent: dict[str, list[Field]] | None = None

    @property
    def by_parent(self) -> dict[str, list[Field]]:
        if self._by_parent is None:
            by_parent: dict[str, list[Field]] = {}
            for f in self._fields:
                by_parent.setdefault(parent_of(f), []).append(f)
            self._by_parent = by_parent
        return self._by_parent

    def siblings(self, parent: str) -> list[Field]:
        return self.by_parent.get(parent, [])
