"""One module per identifier type, everything about it in one place (python-stdnum style): category,
strict ``normalize`` (checksums, MCC/MNC, prefixes) for values people write, placeholders, the
``spellings`` it is sent in (profiles, the known-value pool), ``mask``, the ``fake`` that stands in for a
value redacted in flight (or ``NO_FAKE`` saying why there is none) and its key vocabulary (``KEYS``).

Masking, profiles, the known-value pool and key context read from here; the detectors' recognisers
(``detect``) use the same constants.
"""

from __future__ import annotations

from types import ModuleType

from . import ad_id, android_id, cell_id, email, iccid, imei, imsi, location, mac, meid, phone, serial, wifi_bssid
from ._common import Keys, generic_mask, mac_to_colon

TYPES: dict[str, ModuleType] = {
    m.NAME: m
    for m in (imei, meid, serial, mac, android_id, imsi, iccid, phone, ad_id, email, location, cell_id, wifi_bssid)
}
"""Every identifier type, in the order events list them."""

CATEGORY_OF: dict[str, str] = {name: m.CATEGORY for name, m in TYPES.items()}

CONTEXT_KEYS: dict[str, Keys] = {
    **{name: m.KEYS for name, m in TYPES.items()},
    # context words that are not types of their own: an IMEISV is reported as its IMEI, a latitude and a
    # longitude are paired into a location
    "imeisv": imei.IMEISV_KEYS,
    "lat": location.LAT_KEYS,
    "lon": location.LON_KEYS,
}


def normalize(type_: str, value: str) -> str:
    """The canonical form of a value a person wrote (a device profile), or ``ValueError`` saying why not."""
    module = TYPES[type_]
    if not hasattr(module, "normalize"):
        raise ValueError(f"{type_} values are not written by hand")
    normalized: str = module.normalize(value)
    return normalized


def spellings(type_: str, value: str) -> list[str]:
    """The plain ways one normalised value is written on the wire, without duplicates."""
    return list(dict.fromkeys(TYPES[type_].spellings(value)))


def fake(type_: str, value: str, key: bytes) -> str:
    """A same-format stand-in for a normalised value (``redact``): what ``mask`` shows kept, the rest drawn
    from a keyed hash, never the value itself; ``ValueError`` saying why when the type has no safe fake."""
    module = TYPES[type_]
    if not hasattr(module, "fake"):
        raise ValueError(getattr(module, "NO_FAKE", f"no fake for {type_} values"))
    made: str = module.fake(value, key)
    return made


def fake_spellings(type_: str, value: str, fake_value: str) -> list[tuple[str, str]]:
    """(real, fake) for every plain spelling of the value (``spellings``, also in upper and lower case),
    each fake spelled the same way and of the same length; spellings whose fake differs in length are
    left out (the caller's re-inspection finds what they miss)."""
    module = TYPES[type_]
    pairs: dict[str, str] = {}
    for real, made in zip(module.spellings(value), module.spellings(fake_value), strict=True):
        for r, f in ((real, made), (real.upper(), made.upper()), (real.lower(), made.lower())):
            if len(r) == len(f) and r != f:
                pairs.setdefault(r, f)
    return list(pairs.items())


def mask(type_: str, value: str) -> str:
    """The masked form of a normalised value: what names a model, an operator, a vendor or a country, never
    the person."""
    v = value.strip()
    if not v:
        return v
    module = TYPES.get(type_)
    return module.mask(v) if module is not None else generic_mask(v)


__all__ = [
    "CATEGORY_OF", "CONTEXT_KEYS", "Keys", "TYPES", "fake", "fake_spellings", "mac_to_colon", "mask", "normalize",
    "spellings",
]  # fmt: skip
