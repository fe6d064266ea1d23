"""Regenerate the published JSON Schemas in schemas/ from the pydantic models (``make schemas``).

schemas/event.schema.json   one line of an events file (model.Event)
schemas/report.schema.json  an exported compliance report (evidence.report.Report)

``--check`` writes nothing and exits 1 when a committed schema differs from the models.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from residency_guard.evidence.report import render_schema, report_json_schema
from residency_guard.model import Event

SCHEMAS = Path(__file__).resolve().parent.parent / "schemas"


def event_json_schema() -> dict:
    schema = Event.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def generated() -> dict[Path, str]:
    return {
        SCHEMAS / "event.schema.json": render_schema(event_json_schema()),
        SCHEMAS / "report.schema.json": render_schema(report_json_schema()),
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
