"""Key-name context: what the name a value sat under says about it.

A 15-digit number under ``IMEI1`` is an IMEI; the same number under ``order_id`` is an order number.
Keys are compared normalised (lower case, letters and digits only: ``SIM1_LTE-IMSI`` → ``sim1lteimsi``).
Long, specific markers match as substrings; short ones (``ci``, ``sn``, ``tac``) only as the whole key,
or they would fire inside unrelated names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

from ..idtypes import CONTEXT_KEYS

_NON_ALNUM = re.compile(r"[^a-z0-9]+")

# type → (substring markers, whole-key markers): each identifier type's vocabulary lives in its module
_POSITIVE: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    name: (keys.substrings, keys.whole) for name, keys in CONTEXT_KEYS.items()
}

# Keys naming things that merely look like identifiers. They lower confidence unless a positive marker
# for the type also matches.
_NEGATIVE_SUBSTRINGS = (
    "order",
    "ticket",
    "invoice",
    "txn",
    "transaction",
    "payment",
    "card",
    "price",
    "amount",
    "timestamp",
    "time",
    "date",
    "build",
    "version",
    "hash",
    "sha1",
    "sha256",
    "md5",
    "checksum",
    "crc",
    "etag",
    "nonce",
    "session",
    "trace",
    "span",
    "request",
    "file",
    "size",
    "length",
    "count",
    "colour",
    "color",
    "sku",
    "isbn",
    "barcode",
    "tracking",
    "sequence",
    "offset",
    "duration",
    "bytes",
    "receipt",
    "booking",
    "reference",
    "account",
    "customer",
    "parcel",
    "shipment",
    "coupon",
    "voucher",
    "product",
    "item",
    "expires",
    "created",
    "updated",
    "epoch",
    "millis",
    "nanos",
    "uuid",
    "guid",
    "correlation",
    "event",
    "message",
    "batch",
    "install",
    "instance",
    "firebase",
    "cart",
    "digest",
    "signature",
    "seed",
    "campaign",
)
_NEGATIVE_WHOLE = ("ts", "t", "id", "rid", "ean", "upc", "gtin", "seq", "pid", "uid", "tid", "iat", "exp", "nbf", "v")

# HTTP fields whose value the HTTP stack writes in a grammar of its own (RFC 9110/9111/9218 and the
# common fetch metadata): the words in them (``Date``, ``bytes=``, a media type's parameter names) are the
# grammar's, not an app's claim that a number is an order, a time or a byte count, and a conforming value
# never holds an identifier-length number. So look-alike (negative) context is not taken from them: a
# number there is judged by its own format. Fields an app fills with its own data (Referer and Origin
# URLs, User-Agent text, cookies, credentials, ETags and the conditionals quoting them, X-… fields) keep
# their context.
STANDARD_HTTP_FIELDS = frozenset(
    {
        "accept", "accept-charset", "accept-encoding", "accept-language", "accept-ranges", "cache-control",
        "connection", "content-encoding", "content-language", "content-length", "content-range",
        "content-type", "date", "dnt", "expect", "if-modified-since", "if-unmodified-since", "keep-alive",
        "max-forwards", "pragma", "priority", "range", "sec-fetch-dest", "sec-fetch-mode", "sec-fetch-site",
        "sec-fetch-user", "te", "trailer", "transfer-encoding", "upgrade", "upgrade-insecure-requests", "via",
    }
)  # fmt: skip


def in_standard_http_field(where: str) -> bool:
    """``where`` (the extractor's ``header.<name>`` / ``trailer.<name>``) is one of STANDARD_HTTP_FIELDS."""
    part, _, name = where.partition(".")
    return part in ("header", "trailer") and name in STANDARD_HTTP_FIELDS


# Keys whose value the detector reads on a *sibling's* behalf (detect.triggers keeps them for that reason).
COUNTRY_CODE_KEYS = frozenset(
    {"countrycode", "cc", "dialcode", "callingcode", "phonecountrycode", "countrycallingcode"}
)
"""Beside a national number: its country (``{"country_code": 47, "phone": "41234567"}``)."""
PLACE_SIBLINGS = frozenset(
    {"name", "title", "label", "address", "radius", "radiuskm", "radiusm", "placeid", "placename"}
)
"""Beside a position: it is a place's or a search's (``{"name": "Stockholm C", "lat": …}``, ``?radius=``)."""
VALUE_KEYS = frozenset({"value", "val", "v", "data", "id"})
NAME_KEYS = frozenset({"type", "name", "key", "kind", "idtype", "field", "label"})
"""``{"type": "MEID", "value": "2701…"}``: a value's context is what its sibling names."""

# Keys of the objects that hold cell tower and Wi-Fi scan records (Mozilla Location Service / Google
# geolocation API style): a generic ``macAddress`` inside ``wifiAccessPoints`` is a nearby access point.
CELL_SIBLING_KEYS = frozenset(
    {
        "mcc",
        "mnc",
        "lac",
        "tac",
        "radio",
        "radiotype",
        "mobilecountrycode",
        "mobilenetworkcode",
        "locationareacode",
        "trackingareacode",
        "psc",
        "pci",
        "earfcn",
        "arfcn",
        "rssi",
        "rsrp",
        "rsrq",
        "signalstrength",
        "timingadvance",
        "cellid",
        "cid",
        "ci",
        "eci",
        "nci",
    }
)
CELL_NETWORK_KEYS = CELL_SIBLING_KEYS - {"cellid", "cid", "ci", "eci", "nci"}
"""Siblings that make a bare ``cid`` a cell: the network and radio around it, not another bare id
(``cid=…&ci=…`` is a content id and a chunk index as often as a cell)."""
_WIFI_PATH = re.compile(r"wifi|wlan|accesspoint|bssid|scanresult|scanlist|hotspot|neighbou?r", re.I)
_CELL_PATH = re.compile(r"cell|tower|radio", re.I)


def normalize_key(key: str | None) -> str:
    if not key:
        return ""
    return _NON_ALNUM.sub("", key.lower())[:64]


@dataclass(frozen=True, slots=True)
class KeyContext:
    """What a key name says: the identifier types it names, and whether it names a look-alike."""

    key: str
    positive: frozenset[str]
    negative: bool

    def says(self, type_: str) -> bool:
        return type_ in self.positive

    @property
    def empty(self) -> bool:
        return not self.key

    def without_look_alike(self) -> KeyContext:
        return KeyContext(self.key, self.positive, False) if self.negative else self


def _marker_tables() -> tuple[ahocorasick.Automaton, dict[str, frozenset[str]]]:
    """One automaton over every substring marker (overlapping matches: ``imeisv`` also holds ``imei``)."""
    by_substring: dict[str, set[str]] = {}
    by_whole: dict[str, set[str]] = {}
    for t, (subs, whole) in _POSITIVE.items():
        for s in subs:
            by_substring.setdefault(s, set()).add(t)
        for w in whole:
            by_whole.setdefault(w, set()).add(t)
    automaton = ahocorasick.Automaton()
    for s, types in by_substring.items():
        automaton.add_word(s, frozenset(types))
    automaton.make_automaton()
    return automaton, {w: frozenset(types) for w, types in by_whole.items()}


_SUBSTRING_MARKERS, _WHOLE_MARKERS = _marker_tables()


def positive_markers() -> tuple[frozenset[str], frozenset[str]]:
    """(substring markers, whole-key markers) of every type: what ``detect.triggers`` looks for."""
    subs = frozenset(s for s_, _ in _POSITIVE.values() for s in s_)
    whole = frozenset(w for _, w_ in _POSITIVE.values() for w in w_)
    return subs, whole


_NEGATIVE_SUBSTRING = re.compile("|".join(map(re.escape, _NEGATIVE_SUBSTRINGS)))


# "pickup_lat", "PICKUP_LNG", "userLat": a coordinate named after what it locates (not "flat", "along")
PREFIXED_COORDINATE = re.compile(
    r"(?:[_\-.]((?i:lat|latitude|lng|lon|long|longitude))|(?<=[a-z])(Lat|Latitude|Lng|Lon|Long|Longitude))$"
)

# "rider_phone", "contactMobile": a number named after whose it is
_PREFIXED_PHONE = re.compile(r"(?:[_\-.](?i:phone|mobile|msisdn)|(?<=[a-z])(?:Phone|Mobile|Msisdn))$")


# Misses are common (generated keys, form fields numbered per item), so a miss must be cheap too:
# one automaton pass instead of a substring test per marker.
@lru_cache(maxsize=4096)
def key_context(key: str | None) -> KeyContext:
    k = normalize_key(key)
    if key is None or not k:
        return KeyContext("", frozenset(), False)
    pos = set(_WHOLE_MARKERS.get(k, ()))
    for _, types in _SUBSTRING_MARKERS.iter(k):
        pos |= types
    # "macid" in ZZHC, but "imacid"-like false substrings are rare; "mac" inside "machine" is not a MAC.
    if "mac" in pos and k.startswith("machine"):
        pos.discard("mac")
    if not pos and (m := PREFIXED_COORDINATE.search(key)):
        pos.add("lat" if (m.group(1) or m.group(2)).lower().startswith("lat") else "lon")
    if not pos and _PREFIXED_PHONE.search(key):
        pos.add("phone")
    neg = not pos and (k in _NEGATIVE_WHOLE or _NEGATIVE_SUBSTRING.search(k) is not None)
    return KeyContext(k, frozenset(pos), neg)


def merge(a: KeyContext, b: KeyContext) -> KeyContext:
    if b.empty:
        return a
    if a.empty:
        return b
    pos = a.positive | b.positive
    return KeyContext(a.key + "|" + b.key, pos, (a.negative or b.negative) and not pos)


# Names of the places a phone asks about (a search centre, a destination, a store), not where it is.
_PLACE = re.compile(
    r"(?:center|centre|destination|dest|venue|store|shop|poi|place|bbox|viewport|bounds|northeast|southwest"
    r"|target|hotel|restaurant|merchant|business|property|listing|dropoff|station)s?$"
)
# Short names that say "a place" only as the whole segment: map-viewport corners, a drop-off, a transit stop,
# a route's (or a message's) "to".
_PLACE_WHOLE = frozenset({"ne", "nw", "se", "sw", "drop", "stop", "stops", "to"})
# Segments that only say "a position": the place, if any, is named by the segment before them.
_GENERIC_POSITION = frozenset(
    {"geo", "location", "loc", "position", "pos", "coords", "coordinates", "latlng", "latlon", "point", "gps"}
)
_INDEX = re.compile(r"(?:\[[^\]]*\])+$")


def names_a_place(key: str | None) -> bool:
    """``center``, ``destination``, ``store_location``, ``…$.stores[3]``: a key or the last segment of
    a field's path."""
    if not key:
        return False
    segments = _INDEX.sub("", key).split(".")
    while len(segments) > 1 and normalize_key(segments[-1]) in _GENERIC_POSITION:
        segments.pop()  # "destination.location.latLng" → "destination"
    segment = normalize_key(_INDEX.sub("", segments[-1])).removesuffix("location")
    return segment in _PLACE_WHOLE or _PLACE.search(segment) is not None


def path_is_wifi_scan(location: str) -> bool:
    return bool(_WIFI_PATH.search(location))


def path_is_cell(location: str) -> bool:
    return bool(_CELL_PATH.search(location))


_LABEL = re.compile(
    r"(?:([A-Za-z][A-Za-z0-9_\-]{0,20}) )?([A-Za-z][A-Za-z0-9_.\-]{0,40})[\"']?\s*(?:[:=]|=>|\s)\s*[\"']?\s*$"
)
_LABEL_SPLIT = re.compile(r"[.\-]")


def text_label(text: str, start: int) -> str | None:
    """The label just before a value in free text: ``IMEI: 35…`` → ``IMEI``; ``mac=…`` → ``mac``.

    Only the same line and the previous 48 characters are considered. A two-word label is kept whole
    when only the pair names an identifier (``dumpsys iphonesubinfo``: ``Device ID = 35…``,
    ``Subscriber ID = 24…``, where ``ID`` alone is generic).
    """
    lo = max(0, start - 48)
    before = text[lo:start]
    nl = before.rfind("\n")
    if nl >= 0:
        before = before[nl + 1 :]
    m = _LABEL.search(before)
    if not m:
        return None
    first, label = m.group(1), m.group(2)
    # "ro.serialno" → "serialno"; "persist.radio.imei" → "imei"
    label = _LABEL_SPLIT.split(label)[-1] or label
    if first is not None and not key_context(label).positive:
        pair = f"{first} {label}"
        if key_context(pair).positive:
            return pair
    return label
