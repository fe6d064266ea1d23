"""How the extractor parses JSON: the same decoder for whole documents and for pruned walks."""

from __future__ import annotations

import json
from typing import Any

JSON_MAX_NESTING = 100


class JsonObject(list[tuple[str, Any]]):
    """A JSON object as its (key, value) pairs: keeps duplicate keys, which a dict would silently drop."""

    __slots__ = ()


JSON_DECODER = json.JSONDecoder(
    object_pairs_hook=JsonObject, parse_float=str, parse_int=str, parse_constant=str, strict=False
)
"""Numbers stay as their source text: big integers keep every digit, decimals keep their precision."""
