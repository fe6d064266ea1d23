"""Evidence for compliance, built from the events file: reports, ECS export, the CI gate and diffs.

Everything here reads events files (``eventlog``) or exported reports; nothing touches the network or the
proxy. Exit statuses shared by the evidence commands are in ``gate``; export formats have a module each
(``report`` JSON, ``ecs``, ``ocsf``, ``junit``, ``html``).
"""

from .baseline import Baseline, load_baseline
from .gate import EXIT_GATE, EXIT_INPUT, EXIT_OK, FAIL_ON_CHOICES, evaluate_gate, gate_tripped, parse_fail_on
from .report import Report, build_report, report_json_schema
from .sessions import EvidenceError, Session, load_sessions
from .sources import Evidence, load_evidence

__all__ = [
    "EXIT_GATE",
    "EXIT_INPUT",
    "EXIT_OK",
    "FAIL_ON_CHOICES",
    "Baseline",
    "Evidence",
    "EvidenceError",
    "Report",
    "Session",
    "build_report",
    "evaluate_gate",
    "gate_tripped",
    "load_baseline",
    "load_evidence",
    "load_sessions",
    "parse_fail_on",
    "report_json_schema",
]
