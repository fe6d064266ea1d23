"""Files the package ships beside its code, and where it looks for the geo database.

``data/policies`` and ``data/schemas`` are symlinks to the checkout's ``policies/`` and ``schemas/``: in
an editable install they are those folders, and building a wheel copies their files into the package,
so ``pip install .`` and running from any directory finds the same policies and schemas.
"""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
POLICIES = _PACKAGE / "data" / "policies"
SCHEMAS = _PACKAGE / "data" / "schemas"
DEFAULT_POLICY = POLICIES / "gdpr-eea.yaml"
# Built by `make worldmap` (scripts/fetch_world_map.py), not committed: a wheel built without it still
# exports HTML reports, with a note where the map would be.
WORLD_MAP = _PACKAGE / "data" / "world-110m.json"

_CHECKOUT = _PACKAGE.parents[1]
USER_DIR = Path.home() / ".residency-guard"


def default_geodb_dir() -> Path:
    """``$RESIDENCY_GUARD_GEODB``, else the checkout's ``geodb/`` (where ``make geodb`` writes), else
    ``~/.residency-guard/geodb`` for an installed package."""
    if env := os.environ.get("RESIDENCY_GUARD_GEODB"):
        return Path(env)
    if (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "geodb").is_dir():
        return _CHECKOUT / "geodb"
    return USER_DIR / "geodb"


def policy_path(name_or_path: str | Path) -> Path:
    """A policy file: a path as given, or the name of a shipped policy (``lab-strict``)."""
    path = Path(name_or_path)
    if path.exists() or path.suffix or len(path.parts) > 1:
        return path
    shipped = POLICIES / f"{path.name}.yaml"
    return shipped if shipped.is_file() else path


def shipped_policy_names() -> list[str]:
    return sorted(p.stem for p in POLICIES.glob("*.yaml"))
