"""Android's ``CellIdentityGsm/Wcdma/Tdscdma/Lte/Nr.toString()`` as logcat and bug reports print it:
``CellIdentityWcdma:{ mLac=7011 mCid=24013 mPsc=311 … }``. Short ids are no candidate by their digits
alone; the field name is the evidence. Integer.MAX_VALUE and Long.MAX_VALUE mean "unavailable"."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator

from ...idtypes import cell_id
from ..context import KeyContext
from .base import Located, Score, TextRecognizer, Trigger

FIELD = Score(0.85, "mCid/mCi/mNci= of a CellIdentity's toString()")

_CELL_IDENTITY_FIELD = re.compile(r"\bm(?:Cid|Ci|Nci)=([0-9]{1,12})(?![0-9])", re.ASCII)


def find(text: str, ctx: KeyContext) -> Iterator[Located]:
    for m in _CELL_IDENTITY_FIELD.finditer(text):
        if m.group(1) not in cell_id.PLACEHOLDERS:
            yield ("cell_id", m.group(1), FIELD, "context", None), m.start(1), m.end(1)


RECOGNIZER = TextRecognizer(
    name="Android CellIdentity text", yields=("cell_id",), module=sys.modules[__name__],
    triggers=(Trigger("cell-identity", rb"m(?:Ci|Nci)", None, (b"mCi", b"mNci"), exact=True),),
    literals=("mCi", "mNci"), find=find,
)  # fmt: skip
