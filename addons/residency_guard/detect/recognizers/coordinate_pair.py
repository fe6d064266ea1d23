"""A position as two sibling fields: ``{"lat": 59.9139, "lon": 10.7522}``, ``?latitude=…&longitude=…``,
``pickup_lat``/``pickup_lng``. One pair per object; places the phone asks about are the enhancer's
to drop (``enhancer.pair_names_a_place``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from ...model import Field, Hit
from ..context import key_context
from ..enhancer import pair_names_a_place
from ..objects import Objects, parent_of
from . import coordinates
from .base import Score, StructureRecognizer

DEVICE_GEO_TOWN = Score(0.60, "2 decimals under a parent naming the device's position (device.geo)")


def pairs(fields: list[Field], coordinate_keys: set[str | None], objects: Objects) -> Iterator[Hit]:
    """Latitude/longitude pairs, one per object, in the order of the objects."""
    # Pairing looks only at coordinate-keyed members, so those alone are grouped; when more than one
    # object holds a pair, their order is that of all fields, which needs every parent.
    members: dict[str, list[Field]] = {}
    for f in fields:
        if f.key in coordinate_keys:
            members.setdefault(parent_of(f), []).append(f)
    found = [m for m in members.values() if len(m) >= 2]
    if len(found) > 1:
        found = [ms for parent, ms in objects.by_parent.items() if parent in members and len(members[parent]) >= 2]
    for ms in found:
        if (hit := _pair(ms, objects)) is not None:
            yield hit


def _latitude_and_longitude(members: list[Field]) -> tuple[Field | None, Field | None]:
    lat_f = lon_f = None
    for f in members:
        ctx = key_context(f.key)
        if lat_f is None and ctx.says("lat") and not ctx.says("lon"):
            lat_f = f
        elif lon_f is None and ctx.says("lon") and not ctx.says("lat"):
            lon_f = f
    return lat_f, lon_f


def _pair(members: list[Field], objects: Objects) -> Hit | None:
    lat_f, lon_f = _latitude_and_longitude(members)
    if lat_f is None or lon_f is None:
        return None
    lat, lon = coordinates.as_coordinate(lat_f.value, 90), coordinates.as_coordinate(lon_f.value, 180)
    if lat is None or lon is None or (lat == 0 and lon == 0):
        return None
    parent = parent_of(lat_f)
    if pair_names_a_place(parent, lat_f.key, objects.siblings(parent)):
        return None
    decimals = min(coordinates.decimals(lat_f.value), coordinates.decimals(lon_f.value))
    conf = coordinates.confidence(decimals)
    if decimals == 2 and key_context(parent.rpartition(".")[2]).says("location"):
        conf = DEVICE_GEO_TOWN  # "device.geo": a coarse position, but the phone's
    value = f"{lat_f.value.strip()},{lon_f.value.strip()}"
    return Hit("location", value, lat_f.where, lat_f.chain, "context", float(conf), lat_f.key)


RECOGNIZER = StructureRecognizer(
    name="latitude/longitude siblings", yields=("location",), module=sys.modules[__name__], find=pairs
)
