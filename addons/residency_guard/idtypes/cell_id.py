"""Serving or neighbour cell: CID / LTE ECI (eNB × 256 + cell, 28 bits) / NR NCI, with LAC/TAC, under
keys like ``cellId``, ``cid``, ``ci``, ``eci``, or in known structures (Android ``CellIdentity`` text,
IMS ``utran-cell-id-3gpp``). 0, -1 and Integer.MAX_VALUE mean "unavailable"."""

from __future__ import annotations

from ._common import Keys, generic_fake, generic_mask

NAME = "cell_id"
CATEGORY = "location"
KEYS = Keys(
    ("cellid", "cellidentity", "sim1cellid", "sim2cellid", "ecgi", "celltower", "enodeb"),
    # mCi / mNci: the fields of Android's CellIdentityLte / CellIdentityNr as logcat prints them
    ("cid", "ci", "eci", "nci", "mci", "mnci", "lac", "tac", "enb", "locationareacode", "trackingareacode"),
)
PLACEHOLDERS = frozenset({"0", "2147483647", "9223372036854775807"})


def spellings(value: str) -> list[str]:
    return [value]


def mask(value: str) -> str:
    return generic_mask(value)


def fake(value: str, key: bytes) -> str:
    """What ``mask`` shows kept, every other letter or digit keyed in its own class."""
    return generic_fake(value, key, NAME, PLACEHOLDERS)
