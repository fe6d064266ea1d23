"""EXTRACT for DNS: the name of a query the phone sent, label by label.

A query name is a payload like any other: ``352099001761481.reg.example.cn`` sends an IMEI to
whoever runs ``example.cn``'s name servers, and beacons encode theirs in hex or base32 labels,
sometimes split over several labels. Fields (``Field.where``):

- ``qname[i]``: the i-th label from the left, read like any value (hex and base64 are sniffed by the
  walker); a label that is base32 is also decoded (step ``base32``);
- ``qname``: the labels under the registrable domain joined without dots, when there are several
  (step ``join``): data too long for one label (63 bytes) is split over several.

Bounded like every request: a name longer than DNS allows (253 characters) is cut with a note, and
the walker's limits apply to what the labels decode to. Never raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ..limits import DEFAULT_LIMITS, EXTRACTION_ERROR, Limits, decoder_kind
from ..model import DnsQueryView, Extraction, Hit
from .base32 import base32_bytes
from .walker import Walker, _Stop

if TYPE_CHECKING:
    from ..detect.triggers import TriggerScan

__all__ = ["MAX_NAME_LENGTH", "extract_dns_query", "mask_query_name", "without_joined_repeats"]

MAX_NAME_LENGTH = 253
"""RFC 1035's limit on a name in text form; mitmproxy parses longer ones from hostile packets."""


def extract_dns_query(
    query: DnsQueryView, limits: Limits = DEFAULT_LIMITS, gate: TriggerScan | None = None
) -> Extraction:
    """Every label of the query name (and what it decodes to) as a ``Field``, with notes on what was
    not inspected."""
    walker = Walker(limits, gate)
    name = query.name.rstrip(".")
    if len(name) > MAX_NAME_LENGTH:
        walker.note("qname", (), f"longer than {MAX_NAME_LENGTH} characters ({len(name)}); cut", decoder_kind("dns"))
        name = name[:MAX_NAME_LENGTH]
    labels = name.split(".")
    try:
        for index, label in enumerate(labels):
            _label(walker, f"qname[{index}]", (), label)
        chosen = _chosen_labels(labels, query.domain)
        if len(chosen) > 1:
            _label(walker, "qname", ("join",), "".join(chosen))
    except _Stop:
        pass
    except Exception as exc:  # noqa: BLE001 - last resort: the guard must judge every query
        walker.note("qname", (), f"extraction error ({type(exc).__name__}); rest not inspected", EXTRACTION_ERROR)
    return Extraction(tuple(walker.fields), tuple(walker.notes), tuple(walker.causes))


def _label(walker: Walker, where: str, chain: tuple[str, ...], label: str) -> None:
    if not label:
        return
    if walker.text(where, chain, None, label):
        return  # hex or base64 that decoded to text: already walked
    data = base32_bytes(label)
    if data is not None and walker.spend(where, chain, len(data)):
        walker.payload(where, (*chain, "base32"), None, data)


def _chosen_labels(labels: list[str], domain: str | None) -> list[str]:
    """The labels the sender chose: those under the registrable domain (all of them if it is unknown)."""
    if not domain:
        return labels
    kept = len(labels) - (domain.count(".") + 1)
    return labels[:kept] if kept > 0 else []


def mask_query_name(query: DnsQueryView, hits: Sequence[Hit]) -> str:
    """The query name as events show it: each label an identifier was found in (or decoded from)
    replaced by the identifier types, ``{imei}.reg.example.cn``; braces cannot occur in a name."""
    labels = query.name.rstrip(".")[:MAX_NAME_LENGTH].split(".")
    chosen = len(_chosen_labels(labels, query.domain))
    types: dict[int, set[str]] = {}
    for hit in hits:
        if hit.where == "qname":
            indexes: Iterable[int] = range(chosen)
        elif hit.where.startswith("qname[") and hit.where[6:-1].isdigit():
            indexes = (int(hit.where[6:-1]),)
        else:
            continue
        for index in indexes:
            types.setdefault(index, set()).add(hit.type)
    return ".".join("{" + "+".join(sorted(types[i])) + "}" if i in types else label for i, label in enumerate(labels))


def without_joined_repeats(hits: Sequence[Hit]) -> tuple[Hit, ...]:
    """``hits`` without those in the joined labels that one label already holds: the joined field is
    for data split over labels, and would otherwise report (and mask) every label a second time."""
    in_labels = {(h.type, h.value) for h in hits if h.where != "qname"}
    return tuple(h for h in hits if h.where != "qname" or (h.type, h.value) not in in_labels)
