"""The phone's own position: latitude/longitude pairs (sibling keys, ``"lat,lon"`` strings, GeoJSON,
NMEA, hemisphere-tagged degrees). Three decimals (~100 m) place a phone; places it asks about
(searches, destinations, stores) are not its position."""

from __future__ import annotations

from ._common import Keys, generic_mask

NAME = "location"
CATEGORY = "location"
KEYS = Keys(
    ("latlng", "latlon", "latlong", "geolocation", "coordinates", "gpslocation", "location", "coords"),
    ("ll", "loc", "geo", "gps", "position", "pos", "point"),
)
LAT_KEYS = Keys(("latitude",), ("lat", "la"))
LON_KEYS = Keys(("longitude",), ("lon", "lng", "long", "lo"))
"""A latitude and a longitude under sibling keys are paired into one position."""
PLACEHOLDERS = frozenset({"0,0", "0.0,0.0"})
NO_FAKE = (
    "no safe fake position: any other coordinates are someone's place, and a position is also read from "
    "sibling fields and other notations a rewrite of its text would miss"
)
"""Why this type has no ``fake``: redacting it falls back to the rule's fallback action."""


def spellings(value: str) -> list[str]:
    return [value]


def mask(value: str) -> str:
    """One decimal: the region (~10 km), not the street."""
    try:
        lat, lon = (float(x) for x in value.split(","))
    except ValueError:
        return generic_mask(value)
    return f"{lat:.1f},{lon:.1f}"
