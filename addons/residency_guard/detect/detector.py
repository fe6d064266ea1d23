"""The detect stage: Fields in, Hits out. Pure: no I/O, no clock, no global state but caches."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from ..model import Field, Hit
from .context import (
    CELL_NETWORK_KEYS,
    NAME_KEYS,
    VALUE_KEYS,
    KeyContext,
    in_standard_http_field,
    key_context,
    normalize_key,
    path_is_cell,
    path_is_wifi_scan,
)
from .enhancer import asks_about_a_place, elsewhere_a_look_alike, look_alike_values
from .joined import Joined
from .known import KnownValuePool
from .objects import Objects, parent_of
from .recognizers import coordinate_pair, geojson
from .recognizers.bcd_imei import bcd_imeis
from .recognizers.digit_runs import CELL_ID_NAMED
from .recognizers.phone_country_code import with_sibling_country_code
from .scan import WINDOWED_FROM, scan
from .scoring import Found
from .triggers import TriggerScan, widened

if TYPE_CHECKING:
    from ..profile import DeviceProfile

_WORTH_SCANNING = re.compile(r"[0-9@]", re.ASCII)
_KEY_ALONE = frozenset({"cell_id", "serial", "phone", "iccid", "imsi", "meid"})
"""Key contexts under which scan() reports values no candidate pattern finds (short cell ids, serials,
national phone numbers with a sibling country code, ICCIDs/IMSIs/MEIDs printed in digit groups)."""
_EARTH_RADIUS_M = 6_371_008.8
_METRES_PER_DEGREE = 111_320.0


class KeyRoles(NamedTuple):
    """What a key means to the detector (cached per key)."""

    ctx: KeyContext
    alone: bool
    """The key alone can make a hit (no candidate needed)."""
    coordinate: bool
    """It names a latitude or a longitude (``coordinate_pair``)."""
    positions: bool
    """It holds GeoJSON positions (``geojson``)."""
    value_of_pair: bool
    """It is the value of a name/value pair (``{"type": "MEID", "value": …}``)."""


@lru_cache(maxsize=8192)
def key_roles(key: str | None) -> KeyRoles:
    ctx = key_context(key)
    return KeyRoles(
        ctx,
        bool(ctx.positive & _KEY_ALONE),
        ctx.says("lat") or ctx.says("lon"),
        ctx.key == "coordinates",
        ctx.key in VALUE_KEYS,
    )


class _Best:
    """The best hit per (type, value, location): a known value over a format hit, then confidence."""

    def __init__(self) -> None:
        self.hits: dict[tuple[str, str, str], Hit] = {}

    def add(self, hit: Hit) -> None:
        k = (hit.type, hit.value, hit.location)
        old = self.hits.get(k)
        if old is None or _rank(hit) > _rank(old):
            self.hits[k] = hit


def _distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def _decimals(s: str) -> int:
    s = s.strip()
    return len(s.partition(".")[2]) if "." in s else 0


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
        self._located = [(p.name, p.location) for p in self.profiles if p.location is not None]

    # ------------------------------------------------------------------------------------------ api

    def detect(self, fields: Iterable[Field], client_ip: str | None = None) -> list[Hit]:
        client_device = next((p.name for p in self.profiles if p.owns_client(client_ip)), None)
        fields = list(fields)
        best = _Best()
        objects = Objects(fields)
        joined = Joined([f.value for f in fields])
        known = self.pool.find_joined(joined)
        roles = {k: key_roles(k) for k in {f.key for f in fields}}
        work, field_spans = self._candidate_fields(joined)
        work.update(known)
        # Only fields a trigger touches, or whose key (or a sibling, for name/value pairs) gives them a
        # context, get the per-value work; the others yield nothing in scan() (detect.triggers).
        keyed = {k for k, r in roles.items() if r.alone or r.ctx.positive or r.value_of_pair}
        work.update(i for i, f in enumerate(fields) if f.key in keyed or (f.chain and f.chain[-1] == "bcd"))
        for i in sorted(work):
            f = fields[i]
            for e in known.get(i, ()):
                chain = (*f.chain, f"known:{e.transform}") if e.transform else f.chain
                best.add(
                    Hit(
                        e.type,
                        e.value,
                        f.where,
                        chain,
                        "known-value",
                        1.0 if not e.transform else 0.99,
                        f.key,
                        e.device,
                    )
                )
            if _WORTH_SCANNING.search(f.value):
                for hit in self._field_hits(f, roles[f.key], objects, field_spans.get(i)):
                    best.add(hit)
        self._structure_hits(fields, roles, objects, best)
        look_alikes = look_alike_values(fields, lambda key: roles[key].ctx)
        hits = [
            self._attribute(h, objects, client_device)
            for h in best.hits.values()
            if not elsewhere_a_look_alike(h, look_alikes)
        ]
        return [h for h in hits if h is not None]

    def _field_hits(
        self, f: Field, roles: KeyRoles, objects: Objects, spans: list[tuple[int, int]] | None
    ) -> Iterable[Hit]:
        """The format/context hits of one value."""
        if f.chain and f.chain[-1] == "bcd":  # digits decoded from binary: only a packed IMEI is credible
            return [
                Hit(t, v, f.where, f.chain, method, float(conf), key) for t, v, conf, method, key in bcd_imeis(f.value)
            ]
        ctx = roles.ctx
        if ctx.negative and in_standard_http_field(f.where):
            ctx = ctx.without_look_alike()
        parent = parent_of(f)
        if not ctx.positive and roles.value_of_pair:
            ctx = _named_by_sibling(f, objects.siblings(parent)) or ctx
        if ctx.says("phone") and (national := with_sibling_country_code(f, objects.siblings(parent), ctx)):
            return national
        windows: Callable[[str], list[tuple[int, int]]] | None = None
        if self.selective:
            windows = lambda _text, spans=spans or (): widened(spans)  # noqa: E731 - the spans are this value's
        per_span: dict[tuple[int, int], Found] = {}
        for found, start, end in scan(
            f.value, ctx, path_is_wifi_scan(parent), windows, self.triggers.literals_in if self.selective else None
        ):
            old = per_span.get((start, end))
            if old is None or found[2] > old[2]:
                per_span[(start, end)] = found
        return [
            Hit(type_, value, f.where, f.chain, method, round(conf, 2), key)
            for type_, value, conf, method, key in per_span.values()
            if not asks_about_a_place(type_, parent)  # a store's phone number, a hotel's position: not the phone's
        ]

    @staticmethod
    def _structure_hits(fields: list[Field], roles: dict[str | None, KeyRoles], objects: Objects, best: _Best) -> None:
        """Shapes across fields: latitude/longitude siblings, GeoJSON positions."""
        if coordinate_keys := {k for k, r in roles.items() if r.coordinate}:
            for hit in coordinate_pair.pairs(fields, coordinate_keys, objects):
                best.add(hit)
        if position_keys := {k for k, r in roles.items() if r.positions}:
            for hit in geojson.positions(fields, position_keys, objects):
                best.add(hit)

    def _candidate_fields(self, joined: Joined) -> tuple[set[int], dict[int, list[tuple[int, int]]]]:
        """Indexes of the values a trigger touches: the only ones ``scan`` can report from (besides
        those whose key alone makes a hit, added by the caller); and, for the long ones, where in them
        the triggers are (the candidate search runs only around those). No trigger holds NUL, the
        separator of the joined values."""
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

    # ------------------------------------------------------------------------------------- helpers

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
        for name, loc in self._located:
            if _distance_m(lat, lon, loc.lat, loc.lon) <= loc.radius_m + slack:
                return name
        return None

    def _attribute(self, h: Hit, objects: Objects, client_device: str | None) -> Hit | None:
        if h.method != "known-value":
            if h.type == "cell_id" and h.confidence < CELL_ID_NAMED:
                h = _cell_siblings(h, objects)
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


def _cell_siblings(h: Hit, objects: Objects) -> Hit:
    """A bare ``cid`` is credible as a cell id when its object also holds MCC/MNC/LAC-like keys."""
    parent = parent_of(Field(h.where, h.chain, h.value, h.key))
    # Only numeric siblings count: "cid=…&lac=pt_summer" is a campaign, not a cell.
    siblings = {
        key_context(f.key).key for f in objects.siblings(parent) if f.key != h.key and f.value.strip().isdigit()
    }
    if siblings & CELL_NETWORK_KEYS or path_is_cell(parent):
        return Hit(h.type, h.value, h.where, h.chain, h.method, float(CELL_ID_NAMED), h.key, h.device)
    return h


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
