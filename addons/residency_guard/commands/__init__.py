"""Sub-commands of the ``residency-guard`` CLI (see ``residency_guard.cli``)."""
