"""Evidence for compliance, built from the events file: reports, ECS export, the CI gate and diffs.

Everything here reads events files (``eventlog``) or exported reports; nothing touches the network or the
proxy. Exit statuses shared by the evidence commands are in ``gate``.
"""

from .gate import EXIT_GATE, EXIT_INPUT, EXIT_OK, FAIL_ON_CHOICES, gate_tripped
from .report import Report, build_report, report_json_schema
from .sessions import Evidence, EvidenceError, Session, load_evidence, load_sessions

__all__ = [
    "EXIT_GATE",
    "EXIT_INPUT",
    "EXIT_OK",
    "FAIL_ON_CHOICES",
    "Evidence",
    "EvidenceError",
    "Report",
    "Session",
    "build_report",
    "gate_tripped",
    "load_evidence",
    "load_sessions",
    "report_json_schema",
]
