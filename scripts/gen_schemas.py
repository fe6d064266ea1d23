"""Regenerate the published JSON Schemas in schemas/ from the pydantic models (``make schemas``).

schemas/event.schema.json    one line of an events file (model.Event)
schemas/report.schema.json   an exported compliance report (evidence.report.Report)
schemas/policy.schema.json   a residency policy (policy.Policy)
schemas/profile.schema.json  a device profile (profile.DeviceProfile)
schemas/geo-overlay.schema.json  a geo overlay (locate._OverlayFile)
schemas/baseline.schema.json  accepted findings for the CI gate (evidence.baseline.Baseline)

``--check`` writes nothing and exits 1 when a committed schema differs from the models.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pydantic import BaseModel

from residency_guard.evidence.baseline import Baseline
from residency_guard.evidence.report import render_schema, report_json_schema
from residency_guard.locate import _OverlayFile
from residency_guard.model import Event
from residency_guard.policy import Policy
from residency_guard.profile import DeviceProfile

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def model_schema(model: type[BaseModel], title: str | None = None) -> dict:
    schema = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    if title:
        schema["title"] = title
    return schema


def event_json_schema() -> dict:
    return model_schema(Event)


def generated() -> dict[Path, str]:
    return {
        SCHEMAS / "event.schema.json": render_schema(event_json_schema()),
        SCHEMAS / "report.schema.json": render_schema(report_json_schema()),
        SCHEMAS / "policy.schema.json": render_schema(model_schema(Policy)),
        SCHEMAS / "profile.schema.json": render_schema(model_schema(DeviceProfile)),
        SCHEMAS / "geo-overlay.schema.json": render_schema(model_schema(_OverlayFile, "GeoOverlay")),
        SCHEMAS / "baseline.schema.json": render_schema(model_schema(Baseline)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only compare; exit 1 when out of date")
    args = parser.parse_args(argv)
    stale = []
    for path, text in generated().items():
        current = path.read_text(encoding="utf-8") if path.exists() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path}")
    if args.check and stale:
        for path in stale:
            print(f"out of date: {path} (run make schemas)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
