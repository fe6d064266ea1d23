"""The detect stage: Fields in, Hits out. Pure: no I/O, no clock, no global state but caches."""

from __future__ import annotations

import math
import re

import phonenumbers
from functools import lru_cache
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..model import Field, Hit
from .context import CELL_SIBLING_KEYS, COUNTRY_CODE_KEYS, NAME_KEYS, PLACE_SIBLINGS, VALUE_KEYS
from .context import key_context, path_is_cell, path_is_wifi_scan
from .context import PREFIXED_COORDINATE, KeyContext, names_a_place, normalize_key
from .formats import WINDOWED_FROM, Found, bcd_imeis, classify_phone, scan
from .known import KnownValuePool
from .joined import Joined
from .triggers import TriggerScan, widened

if TYPE_CHECKING:
    from ..profile import DeviceProfile

_WORTH_SCANNING = re.compile(r"[0-9@]", re.ASCII)
_KEY_ALONE = frozenset({"cell_id", "serial", "phone", "iccid", "imsi", "meid"})
"""Key contexts under which scan() reports values no candidate pattern finds (short cell ids, serials,
national phone numbers with a sibling country code, ICCIDs/IMSIs/MEIDs printed in digit groups)."""
_PLACE_TYPES = frozenset({"phone", "location"})
_PARENT_TAIL = re.compile(r"(?:\[['\"]?|[.:/])?$")
_ARRAY_INDEX = re.compile(r"\[([0-9]+)\]$")
_AREA_GEOMETRIES = frozenset({"polygon", "multipolygon"})
_MAX_GEOJSON_POSITIONS = 16
"""A track or polygon holds thousands of positions; the first ones are evidence enough."""
_EARTH_RADIUS_M = 6_371_008.8
_METRES_PER_DEGREE = 111_320.0


def parent_of(f: Field) -> str:
    """The location of the object a field sits in: ``body|json:$.geo.lat`` → ``body|json:$.geo``.

    Fields of one JSON object (or one query string, one form) share it, which is how the latitude and
    the longitude of one position are paired.
    """
    loc = f.location
    if not f.key:
        return loc
    for suffix in (f.key, f"{f.key}']", f'{f.key}"]', f"{f.key}]"):
        if loc.endswith(suffix):
            head = loc[: -len(suffix)]
            return head[:-2] if head.endswith(("['", '["')) else head.rstrip(".:/[")
    return loc


def _coordinate_confidence(decimals: int) -> float:
    """Three decimals (~100 m) place a phone; two (~1 km) or fewer are a town, kept below the reporting
    threshold and only matched against a profile's radius."""
    return 0.85 if decimals >= 3 else 0.45 if decimals == 2 else 0.3




def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _decimals(s: str) -> int:
    s = s.strip()
    return len(s.partition(".")[2]) if "." in s else 0


def _as_coordinate(s: str, limit: float) -> float | None:
    s = s.strip()
    if not s or len(s) > 24:
        return None
    try:
        v = float(s)
    except ValueError:
        return None
    return v if math.isfinite(v) and -limit <= v <= limit else None


class Detector:
    """Finds identifiers in extracted fields, by format and as known device-profile values.

    Build it once (the known-value automaton is compiled here) and call ``detect`` per request.
    """

    def __init__(self, profiles: Sequence[DeviceProfile] = (), min_confidence: float = 0.5, engine: str = "auto"):
        self.profiles = tuple(profiles)
        self.min_confidence = min_confidence
        self.pool = KnownValuePool(self.profiles)
        self.triggers = TriggerScan(self.pool, engine)
        """Where this detector can find anything: the extractor's gate (``extract_request(…, gate=)``)
        and the values it scans."""
        self.selective = True
        """False: every value is scanned, and in full (the reference the tests compare the selection with)."""
        self._located = [p for p in self.profiles if p.location is not None]

    # ------------------------------------------------------------------------------------------ api

    def detect(self, fields: Iterable[Field], client_ip: str | None = None) -> list[Hit]:
        client_device = next((p.name for p in self.profiles if p.owns_client(client_ip)), None)
        best: dict[tuple[str, str, str], Hit] = {}

        def add(hit: Hit) -> None:
            k = (hit.type, hit.value, hit.location)
            old = best.get(k)
            if old is None or _rank(hit) > _rank(old):
                best[k] = hit

        fields = list(fields)
        # Objects (fields grouped by parent, in order of first appearance) are needed only for sibling
        # look-ups, which are rare: built on first use.
        grouped: list[dict[str, list[Field]]] = []

        def objects() -> dict[str, list[Field]]:
            if not grouped:
                by_parent: dict[str, list[Field]] = {}
                for f in fields:
                    by_parent.setdefault(parent_of(f), []).append(f)
                grouped.append(by_parent)
            return grouped[0]

        joined = Joined([f.value for f in fields])
        known = self.pool.find_joined(joined)
        # Only fields a trigger touches, or whose key (or a sibling, for name/value pairs) gives them a
        # context, get the per-value work; the others yield nothing in scan() (detect.triggers).
        roles = {k: _key_roles(k) for k in {f.key for f in fields}}
        contexts = {k: r[0] for k, r in roles.items()}
        keyed = {k for k, r in roles.items() if r[1] or r[0].positive or r[4]}
        coordinate_keys = {k for k, r in roles.items() if r[2]}
        value_keys = {k for k, r in roles.items() if r[4]}
        work, field_spans = self._candidate_fields(joined)
        work.update(known)
        if keyed:
            work.update(i for i, f in enumerate(fields) if f.key in keyed)
        work.update(i for i, f in enumerate(fields) if f.chain and f.chain[-1] == "bcd")
        for i in sorted(work):
            f = fields[i]
            for e in known.get(i, ()):
                chain = (*f.chain, f"known:{e.transform}") if e.transform else f.chain
                add(Hit(e.type, e.value, f.where, chain, "known-value", 1.0 if not e.transform else 0.99, f.key, e.device))
            if not _WORTH_SCANNING.search(f.value):
                continue
            if f.chain and f.chain[-1] == "bcd":  # digits decoded from binary: only a packed IMEI is credible
                for type_, value, conf, method, key in bcd_imeis(f.value):
                    add(Hit(type_, value, f.where, f.chain, method, conf, key))
                continue
            ctx = contexts[f.key]
            parent = parent_of(f)
            if not ctx.positive and f.key in value_keys:
                ctx = _named_by_sibling(f, objects()[parent]) or ctx
            if ctx.says("phone") and self._phone_with_sibling_country_code(f, objects()[parent], ctx, add):
                continue
            per_span: dict[tuple[int, int], Found] = {}
            windows = None
            if self.selective:
                spans = field_spans.get(i, ())
                windows = lambda _text, spans=spans: widened(spans)  # noqa: E731 - the spans are this value's
            for found, start, end in scan(f.value, ctx, parent, path_is_wifi_scan(parent), windows):
                old = per_span.get((start, end))
                if old is None or found[2] > old[2]:
                    per_span[(start, end)] = found
            for type_, value, conf, method, key in per_span.values():
                if type_ in _PLACE_TYPES and names_a_place(parent):
                    continue  # a store's phone number, a hotel's position: not the phone's
                add(Hit(type_, value, f.where, f.chain, method, round(conf, 2), key))

        if coordinate_keys:
            self._pair_all_coordinates(fields, coordinate_keys, objects, add)
        if position_keys := {k for k, r in roles.items() if r[3]}:
            self._geojson_positions(fields, position_keys, objects, add)
        hits = [self._attribute(h, best, objects, client_device) for h in best.values()]
        return [h for h in hits if h is not None]

    def _candidate_fields(self, joined: Joined) -> tuple[set[int], dict[int, list[tuple[int, int]]]]:
        """Indexes of the values a trigger touches: the only ones ``formats.scan`` can report from
        (besides those whose key alone makes a hit, added by the caller); and, for the long ones, where
        in them the triggers are (the candidate search runs only around those). No trigger holds NUL,
        the separator of the joined values."""
        if not self.selective:
            return set(range(len(joined))), {}
        selected: set[int] = set()
        located: dict[int, list[tuple[int, int]]] = {}
        index = joined.index
        for start, end in self.triggers.spans(joined.text, decodable=False).items:  # sorted by start
            first, last = index(start), index(max(start, end - 1))
            selected.update(range(first, last + 1))  # a boundary character may be the separator before
            for k in range(first, last + 1):
                if joined.length_of(k) >= WINDOWED_FROM:
                    offset = joined.start_of(k)
                    located.setdefault(k, []).append((start - offset, end - offset))
        return selected, located

    def _pair_all_coordinates(self, fields: list[Field], coordinate_keys: set[str | None], objects, add) -> None:
        """Latitude/longitude pairs, one per object, added in the order of the objects."""
        # Pairing looks only at coordinate-keyed members, so those alone are grouped; when more than
        # one object holds a pair, their order is that of all fields, which needs every parent.
        members: dict[str, list[Field]] = {}
        for f in fields:
            if f.key in coordinate_keys:
                members.setdefault(parent_of(f), []).append(f)
        pairs = [m for m in members.values() if len(m) >= 2]
        if len(pairs) > 1:
            pairs = [ms for parent, ms in objects().items() if parent in members and len(members[parent]) >= 2]
        for ms in pairs:
            self._pair_coordinates(ms, add, lambda parent: objects().get(parent, ()))

    @staticmethod
    def _geojson_positions(fields: list[Field], position_keys: set[str | None], objects, add) -> None:
        """GeoJSON (RFC 7946) positions: ``"coordinates": [longitude, latitude(, altitude)]``."""
        arrays: dict[str, list[Field]] = {}
        for f in fields:
            if f.key in position_keys and (m := _ARRAY_INDEX.search(f.location)):
                arrays.setdefault(f.location[: m.start()], []).append(f)
        reported = 0
        for array, members in arrays.items():
            if reported == _MAX_GEOJSON_POSITIONS:
                break
            if not 2 <= len(members) <= 3 or not members[0].location.endswith("[0]") or not members[1].location.endswith("[1]"):
                continue
            lon_f, lat_f = members[0], members[1]
            lon, lat = _as_coordinate(lon_f.value, 180), _as_coordinate(lat_f.value, 90)
            if lat is None or lon is None or (lat == 0 and lon == 0):
                continue
            geometry = array[: array.rfind(".coordinates")]
            kind = next((s.value.strip().lower() for s in objects().get(geometry, ()) if s.key == "type"), None)
            if kind in _AREA_GEOMETRIES:  # the outline of a place, not where the phone is
                continue
            decimals = min(_decimals(lat_f.value), _decimals(lon_f.value))
            conf = (0.85 if kind == "point" else 0.6) if decimals >= 3 else _coordinate_confidence(decimals)
            add(Hit("location", f"{lat_f.value.strip()},{lon_f.value.strip()}", lon_f.where, lon_f.chain, "context", conf, lon_f.key))
            reported += 1

    # ------------------------------------------------------------------------------------- helpers

    @staticmethod
    def _phone_with_sibling_country_code(f: Field, siblings: list[Field], ctx, add) -> bool:
        """``{"country_code": 47, "phone": "41234567"}``: the number is national, its country is next to it."""
        digits = f.value.strip().replace(" ", "").replace("-", "")
        if not (digits.isascii() and digits.isdigit() and 4 <= len(digits) <= 14):
            return False
        for s in siblings:
            if normalize_key(s.key) in COUNTRY_CODE_KEYS:
                cc = s.value.strip().lstrip("+")
                if cc.isascii() and cc.isalpha() and len(cc) == 2:  # an ISO region ("IE") instead of a calling code
                    cc = str(phonenumbers.country_code_for_region(cc.upper()) or "")
                if cc.isascii() and cc.isdigit() and len(cc) <= 3:
                    found = classify_phone(f"+{cc}{digits.lstrip('0')}", ctx, True)
                    for type_, value, conf, method, key in found:
                        add(Hit(type_, value, f.where, f.chain, method, conf, key))
                    return bool(found)
        return False

    def _pair_coordinates(self, members: list[Field], add, siblings_of) -> None:
        lat_f = lon_f = None
        for f in members:
            ctx = key_context(f.key)
            if lat_f is None and ctx.says("lat") and not ctx.says("lon"):
                lat_f = f
            elif lon_f is None and ctx.says("lon") and not ctx.says("lat"):
                lon_f = f
        if lat_f is None or lon_f is None:
            return
        lat, lon = _as_coordinate(lat_f.value, 90), _as_coordinate(lon_f.value, 180)
        if lat is None or lon is None or (lat == 0 and lon == 0):
            return
        decimals = min(_decimals(lat_f.value), _decimals(lon_f.value))
        conf = _coordinate_confidence(decimals)
        parent = parent_of(lat_f)
        if (names_a_place(parent) or names_a_place(PREFIXED_COORDINATE.sub("", lat_f.key or ""))
                or any(normalize_key(s.key) in PLACE_SIBLINGS for s in siblings_of(parent))):
            return  # where the phone asks about (a named place, a search radius, poi_lat), not where it is
        if decimals == 2 and key_context(parent.rpartition(".")[2]).says("location"):
            conf = 0.6  # "device.geo": a coarse position, but the phone's
        value = f"{lat_f.value.strip()},{lon_f.value.strip()}"
        add(Hit("location", value, lat_f.where, lat_f.chain, "context", conf, lat_f.key))

    def _near_profile(self, value: str) -> str | None:
        if not self._located:
            return None
        try:
            a, b = value.split(",")
            lat, lon = float(a), float(b)
        except ValueError:
            return None
        decimals = min(_decimals(a), _decimals(b))
        if decimals < 1:
            return None
        # A coordinate rounded to d decimals stands for a cell of 10^-d degrees: the phone is somewhere
        # in it, so the radius is widened by half that cell's diagonal.
        slack = 0.5 * 10 ** (-decimals) * _METRES_PER_DEGREE * math.sqrt(2)
        for p in self._located:
            loc = p.location
            if _distance_m(lat, lon, loc.lat, loc.lon) <= loc.radius_m + slack:
                return p.name
        return None

    def _attribute(self, h: Hit, best, objects, client_device: str | None) -> Hit | None:
        if h.method != "known-value":
            if h.type == "cell_id" and h.confidence < 0.85:
                h = self._cell_siblings(h, objects())
            devices = self.pool.by_value.get((h.type, h.value))
            if h.type == "location":
                near = self._near_profile(h.value)
                devices = [near] if near else None
            if devices:
                device = client_device if client_device in devices else devices[0]
                return Hit(h.type, h.value, h.where, h.chain, "known-value", 1.0, h.key, device)
            if h.confidence < self.min_confidence:
                return None
        if h.device is None and client_device is not None:
            return Hit(h.type, h.value, h.where, h.chain, h.method, h.confidence, h.key, client_device)
        if h.method == "known-value" and client_device and h.device != client_device:
            devices = self.pool.by_value.get((h.type, h.value), [])
            if client_device in devices:
                return Hit(h.type, h.value, h.where, h.chain, h.method, h.confidence, h.key, client_device)
        return h

    @staticmethod
    def _cell_siblings(h: Hit, objects: dict[str, list[Field]]) -> Hit:
        """A bare ``cid`` is credible as a cell id when its object also holds MCC/MNC/LAC-like keys."""
        probe = Field(h.where, h.chain, h.value, h.key)
        parent = parent_of(probe)
        # Only numeric siblings count: "cid=…&lac=pt_summer" is a campaign, not a cell.
        siblings = {key_context(f.key).key for f in objects.get(parent, ()) if f.key != h.key and f.value.strip().isdigit()}
        if len(siblings & CELL_SIBLING_KEYS) >= 1 or path_is_cell(parent):
            return Hit(h.type, h.value, h.where, h.chain, h.method, 0.85, h.key, h.device)
        return h


@lru_cache(maxsize=8192)
def _key_roles(key: str | None) -> tuple[KeyContext, bool, bool, bool, bool]:
    """A key's context, whether it alone can make a hit (no candidate needed), whether it names a
    coordinate, whether it holds GeoJSON positions, whether it is the value of a name/value pair."""
    ctx = key_context(key)
    geo = ctx.key == "coordinates"
    return ctx, bool(ctx.positive & _KEY_ALONE), ctx.says("lat") or ctx.says("lon"), geo, ctx.key in VALUE_KEYS




def _named_by_sibling(f: Field, siblings: list[Field]) -> KeyContext | None:
    """``{"type": "MEID", "value": "2701…"}``: the value's context is what its sibling names."""
    for s in siblings:
        if s is not f and normalize_key(s.key) in NAME_KEYS and len(s.value) <= 64:
            ctx = key_context(s.value)
            if ctx.positive:
                return ctx
    return None


def _rank(h: Hit) -> tuple[int, float]:
    return (1 if h.method == "known-value" else 0, h.confidence)
