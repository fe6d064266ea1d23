"""Live terminal dashboard over the guard's events file.

``follow.EventFollower`` reads the file incrementally (rotation, truncation, torn lines);
``state.DashboardState`` keeps bounded aggregates and a ring of recent events; ``app.DashboardApp`` shows
them with Textual and can run the guard as a background worker (see ``app`` for the embedding contract).
"""

from __future__ import annotations

from .follow import EventFollower
from .state import DashboardState, FeedFilter, Totals

__all__ = ["DashboardApp", "DashboardState", "EventFollower", "FeedFilter", "Totals", "run_dashboard"]


def __getattr__(name: str) -> object:
    # Textual is imported only when the app is wanted: the follower and state are used without a UI.
    if name in ("DashboardApp", "run_dashboard"):
        from . import app

        return getattr(app, name)
    raise AttributeError(name)
