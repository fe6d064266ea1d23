"""Baselines: findings accepted on purpose (``--baseline FILE`` of ``export``, ``replay`` and ``diff``).

A baseline is a YAML file validated like a policy (``yamlconf``: errors name file, line, field, reason)::

    accepted:
      - rule: transfer.device          # the rule that fired (required)
        type: imei                     # identifier type (optional: any type)
        domain: hmdglobal.com          # destination: a domain (and names under it) ...
        # country: US                  # ... or a country; exactly one of the two
        justification: "SCCs signed 2025-01-10, ticket LEGAL-42"   # required, not blank
        expires: 2026-06-30            # optional; from the day after, the entry trips the gate

A baselined finding is reported (``baselined``) but does not trip the gate. An entry past its expiry
date trips the gate and is named; an entry no finding matched is reported as a warning. The JSON Schema
is ``schemas/baseline.schema.json`` (``make schemas``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ..model import IdentifierType
from ..yamlconf import FieldPathError, load_model


class _BaselineModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BaselineEntry(_BaselineModel):
    """One accepted finding: a rule, optionally an identifier type, and a destination domain or country."""

    rule: str = Field(min_length=1, description="name of the rule that fired, e.g. transfer.device")
    type: IdentifierType | None = Field(default=None, description="identifier type; omitted: any type")
    domain: str | None = Field(
        default=None,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="destination domain; matches the host and every name under it",
    )
    country: str | None = Field(
        default=None, pattern=r"^([A-Z]{2}|unknown)$", description="destination country (ISO 3166-1 alpha-2)"
    )
    justification: str = Field(description="why this finding is accepted (required, not blank)")
    expires: date | None = Field(default=None, description="last day the entry is valid (YYYY-MM-DD)")

    @field_validator("justification")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("a justification is required (it must not be blank)")
        return value

    @model_validator(mode="after")
    def _one_destination(self) -> BaselineEntry:
        if (self.domain is None) == (self.country is None):
            raise FieldPathError(("domain",), "give exactly one of 'domain' or 'country'")
        return self

    def describe(self) -> str:
        where = self.domain if self.domain is not None else f"country {self.country}"
        return f"{self.rule}: {self.type or 'any type'} → {where}"


class Baseline(_BaselineModel):
    """A file of accepted findings."""

    accepted: list[BaselineEntry] = Field(default_factory=list)


def load_baseline(path: Path | str) -> Baseline:
    """Read and validate a baseline file; a ConfigError names the file, the line, the field and the reason."""
    baseline, _, _ = load_model(path, Baseline, "baseline")
    return baseline


def baseline_json_schema() -> dict[str, Any]:
    return Baseline.model_json_schema()
