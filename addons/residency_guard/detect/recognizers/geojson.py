"""GeoJSON (RFC 7946) positions: ``"coordinates": [longitude, latitude(, altitude)]``. A Point is where
something is; the outline of an area (Polygon, MultiPolygon) is a place, not the phone."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from ...model import Field, Hit
from ..objects import Objects
from . import coordinates
from .base import Score, StructureRecognizer

POINT = Score(0.85, "a Point's position with ≥ 3 decimals")
OTHER_GEOMETRY = Score(0.60, "a position of a LineString/MultiPoint/untyped geometry with ≥ 3 decimals")

MAX_POSITIONS = 16
"""A track or polygon holds thousands of positions; the first ones are evidence enough."""
_ARRAY_INDEX = re.compile(r"\[([0-9]+)\]$")
_AREA_GEOMETRIES = frozenset({"polygon", "multipolygon"})


def positions(fields: list[Field], position_keys: set[str | None], objects: Objects) -> Iterator[Hit]:
    arrays: dict[str, list[Field]] = {}
    for f in fields:
        if f.key in position_keys and (m := _ARRAY_INDEX.search(f.location)):
            arrays.setdefault(f.location[: m.start()], []).append(f)
    reported = 0
    for array, members in arrays.items():
        if reported == MAX_POSITIONS:
            break
        if (hit := _position(array, members, objects)) is not None:
            yield hit
            reported += 1


def _position(array: str, members: list[Field], objects: Objects) -> Hit | None:
    if not 2 <= len(members) <= 3 or not members[0].location.endswith("[0]") or not members[1].location.endswith("[1]"):
        return None
    lon_f, lat_f = members[0], members[1]
    lon, lat = coordinates.as_coordinate(lon_f.value, 180), coordinates.as_coordinate(lat_f.value, 90)
    if lat is None or lon is None or (lat == 0 and lon == 0):
        return None
    geometry = array[: array.rfind(".coordinates")]
    kind = next((s.value.strip().lower() for s in objects.siblings(geometry) if s.key == "type"), None)
    if kind in _AREA_GEOMETRIES:
        return None
    decimals = min(coordinates.decimals(lat_f.value), coordinates.decimals(lon_f.value))
    conf = (POINT if kind == "point" else OTHER_GEOMETRY) if decimals >= 3 else coordinates.confidence(decimals)
    return Hit(
        "location",
        f"{lat_f.value.strip()},{lon_f.value.strip()}",
        lon_f.where,
        lon_f.chain,
        "context",
        float(conf),
        lon_f.key,
    )


RECOGNIZER = StructureRecognizer(
    name="GeoJSON position", yields=("location",), module=sys.modules[__name__], find=positions
)
