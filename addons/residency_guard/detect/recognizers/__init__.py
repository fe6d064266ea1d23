"""The recognizer registry: every protocol shape and format the detector knows, one module each.

``CANDIDATES`` are compiled into one regex, in this order (an earlier alternative wins at the same
position); ``WHOLE_VALUE`` are tried in order and the first that applies is the only reading of a
value; ``TEXT`` run after the candidates, in order; ``STRUCTURE`` are called by the detector.
``TRIGGERS`` (each recognizer's necessary conditions) are what ``detect.triggers`` compiles into its
multi-pattern scan.

Adding a shape: write ``recognizers/<shape>.py`` with its ``Score`` constants, its ``Trigger`` (unless
a key is its only way in) and a ``RECOGNIZER``; list it here; add its fixture test to
``tests/test_recognizers.py``; regenerate the score table (``python -m residency_guard.detect.recognizers``,
the README's copy is compared with it by a test).
"""

from __future__ import annotations

import re

from .. import enhancer
from . import (
    ad_id_uuid,
    bcd_imei,
    cell_identity,
    coordinate_pair,
    coordinates,
    device_urn,
    digit_runs,
    dotted_digits,
    eap_nai,
    ef_iccid,
    email_address,
    exponent_number,
    geojson,
    grouped_digits,
    hemisphere,
    hex_ids,
    imei_grouped,
    ims_access_network,
    latlon_text,
    mac_address,
    nmea,
    phone_country_code,
    phone_number,
    serial_label,
)  # fmt: skip
from .base import (
    CandidateRecognizer,
    Recognizer,
    Score,
    StructureRecognizer,
    TextRecognizer,
    Trigger,
    WholeValueRecognizer,
)

CANDIDATES: tuple[CandidateRecognizer, ...] = (
    mac_address.COLON, mac_address.CISCO, ad_id_uuid.RECOGNIZER, imei_grouped.RECOGNIZER, latlon_text.RECOGNIZER,
    phone_number.RECOGNIZER, exponent_number.RECOGNIZER, dotted_digits.RECOGNIZER, digit_runs.RECOGNIZER,
    ef_iccid.RECOGNIZER, hex_ids.RECOGNIZER,
)  # fmt: skip
WHOLE_VALUE: tuple[WholeValueRecognizer, ...] = (
    digit_runs.SHORT_CELL_ID, phone_number.NATIONAL, grouped_digits.RECOGNIZER, serial_label.KEYED_VALUE,
)  # fmt: skip
TEXT: tuple[TextRecognizer, ...] = (
    serial_label.LABELLED, nmea.RECOGNIZER, cell_identity.RECOGNIZER, device_urn.RECOGNIZER,
    ims_access_network.RECOGNIZER, hemisphere.RECOGNIZER, email_address.RECOGNIZER, eap_nai.RECOGNIZER,
)  # fmt: skip
STRUCTURE: tuple[StructureRecognizer, ...] = (
    bcd_imei.RECOGNIZER, coordinate_pair.RECOGNIZER, geojson.RECOGNIZER, phone_country_code.RECOGNIZER,
)  # fmt: skip
ALL: tuple[Recognizer, ...] = (*CANDIDATES, *WHOLE_VALUE, *TEXT, *STRUCTURE)

BY_GROUP = {r.group: r for r in CANDIDATES}
CANDIDATE_PATTERN = re.compile(
    # The leading look-ahead lets the engine reject most positions (letters g-z, spaces, punctuation) with
    # one character test instead of trying every alternative: every alternative starts with one of these.
    "(?=[0-9A-Fa-f+-])(?:" + "|".join(f"(?P<{r.group}>{r.pattern})" for r in CANDIDATES) + ")",
    re.ASCII,
)
MUTING = tuple(r for r in TEXT if r.mutes_candidates)


def _distinct_triggers() -> tuple[Trigger, ...]:
    seen: dict[str, Trigger] = {}
    for r in ALL:
        for t in r.triggers:
            if seen.setdefault(t.name, t) != t:
                raise ValueError(f"two triggers named {t.name!r}")
    return tuple(seen.values())


TRIGGERS = _distinct_triggers()
"""What a value must hold, without a key, for a recognizer to report from it."""

SCORE_SOURCES = (*((r.name, r.module) for r in ALL if r.module is not None),
                 ("coordinate precision", coordinates.MODULE), ("context enhancer", enhancer.MODULE))  # fmt: skip


def score_table() -> str:
    """Every named score, as the README's table (reStructuredText simple table)."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()
    for name, module in SCORE_SOURCES:
        if id(module) in seen:
            continue
        seen.add(id(module))
        for score in (v for v in vars(module).values() if isinstance(v, Score)):
            if id(score) in seen:  # imported from the module that defines it
                continue
            seen.add(id(score))
            rows.append((name, score.meaning, f"{float(score):.2f}"))
    widths = [max(len(r[i]) for r in rows + [("recognizer", "evidence", "score")]) for i in range(3)]
    rule = "  ".join("=" * w for w in widths)
    lines = [rule, "  ".join(h.ljust(w) for h, w in zip(("recognizer", "evidence", "score"), widths)).rstrip(), rule]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join([*lines, rule])


__all__ = [
    "ALL",
    "BY_GROUP",
    "CANDIDATES",
    "CANDIDATE_PATTERN",
    "MUTING",
    "STRUCTURE",
    "TEXT",
    "TRIGGERS",
    "WHOLE_VALUE",
    "score_table",
]
