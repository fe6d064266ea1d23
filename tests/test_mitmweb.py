"""The guard at home in mitmweb and mitmproxy console: judged flows are marked and commented, the
counters are a command away.

In-process with ``taddons.context`` and ``tflow`` (the real guard, made-up flows), then through a real
``mitmdump -s addons/residency_guard_addon.py -w FILE`` whose saved flows are read back.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import orjson
import pytest
from mitmproxy import flowfilter, http, io, tcp, websocket
from mitmproxy.test import tflow

from guard_harness import (
    CN_HOST,
    DE_HOST,
    LAB_OVERLAY,
    REPO,
    ZZHC_FIELDS,
    ZZHC_HEADERS,
    hook_guard,
    hook_options,
    mqtt_connect,
    running_script_guard,
    zzhc_body,
)
from residency_guard.flowmarks import BLOCKED_MARK, COMMENT_PREFIX, METADATA_KEY, VIOLATION_MARK, annotate
from residency_guard.pipeline import EventSummary

IMEI = ZZHC_FIELDS["IMEI1"]
# Every identifier value the ZZHC body carries: none may appear in a comment or the metadata.
SECRETS = [ZZHC_FIELDS[k] for k in ("IMEI1", "IMEI2", "MEID", "SIM1LTEIMSI", "SIM1ICCID", "MACID", "SIM1CELLID")]


@pytest.fixture
def tctx(tmp_path: Path):
    with hook_guard(hook_options(tmp_path, str(REPO / "policies" / "gdpr-eea.yaml"), LAB_OVERLAY)) as tctx:
        yield tctx


def _post(ip: str, body: bytes, scheme: str = "http") -> http.HTTPFlow:
    flow = tflow.tflow()
    flow.request.scheme, flow.request.host, flow.request.port = scheme, "zzhc.example", 443 if scheme == "https" else 80
    flow.request.method, flow.request.path = "POST", "/reg"
    flow.request.content = body
    flow.server_conn.peername = (ip, flow.request.port)
    return flow


def _leaks(flow: http.HTTPFlow | tcp.TCPFlow) -> list[str]:
    shown = flow.comment + orjson.dumps(flow.metadata.get(METADATA_KEY)).decode()
    return [secret for secret in SECRETS if secret in shown]


def _matches(expression: str, flow: http.HTTPFlow) -> bool:
    return bool(flowfilter.parse(expression)(flow))


# ------------------------------------------------------------------------------------------- marks


async def test_a_blocked_flow_is_marked_and_commented_without_identifier_values(tctx) -> None:
    flow = _post(CN_HOST, zzhc_body())
    await tctx.guard.request(flow)
    assert flow.response is not None and flow.response.status_code == 451
    assert flow.marked == BLOCKED_MARK
    assert flow.comment.startswith(COMMENT_PREFIX + "BLOCKED violation: ")
    assert "imei" in flow.comment and "iccid" in flow.comment and "→ CN (zzhc.example)" in flow.comment
    assert "rules transfer.device (block), " in flow.comment  # the rules that fired, with their action
    summary = flow.metadata[METADATA_KEY]
    assert (summary["action"], summary["verdict"], summary["country"], summary["events"]) == (
        "blocked",
        "violation",
        "CN",
        1,
    )
    assert "imei" in summary["types"] and all(rule["action"] in ("block", "log") for rule in summary["rules"])
    assert summary["flow_id"] == flow.id
    assert _leaks(flow) == []
    assert _matches("~marked", flow) and _matches("~comment residency-guard", flow)
    assert _matches("~comment BLOCKED", flow)


async def test_a_logged_violation_is_marked_as_a_warning(tctx) -> None:
    """Identifiers to DE over plain HTTP: the cleartext rule is broken, its action is to log."""
    flow = _post(DE_HOST, zzhc_body())
    await tctx.guard.request(flow)
    assert flow.response is None
    assert flow.marked == VIOLATION_MARK
    assert flow.comment.startswith(COMMENT_PREFIX + "LOGGED violation: ") and "cleartext (log)" in flow.comment
    assert flow.metadata[METADATA_KEY]["action"] == "logged"
    assert _leaks(flow) == []


async def test_an_allowed_transfer_is_commented_but_not_marked(tctx) -> None:
    flow = _post(DE_HOST, zzhc_body(), scheme="https")
    await tctx.guard.request(flow)
    assert flow.response is None and flow.marked == ""
    assert flow.comment.startswith(COMMENT_PREFIX + "LOGGED allowed: ") and "→ DE" in flow.comment
    assert not _matches("~marked", flow) and _matches("~comment residency-guard", flow)


async def test_a_clean_flow_stays_unmarked_and_uncommented(tctx) -> None:
    flow = _post(CN_HOST, b'{"weather": "sunny", "temperature": 21}')
    await tctx.guard.request(flow)
    assert (flow.marked, flow.comment, METADATA_KEY in flow.metadata) == ("", "", False)
    assert tctx.guard.counters.inspected == 1  # judged, with nothing to say


async def test_with_marking_off_a_blocked_flow_is_still_blocked_but_not_marked(tctx) -> None:
    tctx.configure(tctx.guard, guard_mark_flows=False)
    flow = _post(CN_HOST, zzhc_body())
    await tctx.guard.request(flow)
    assert flow.response is not None and flow.response.status_code == 451
    assert (flow.marked, flow.comment, METADATA_KEY in flow.metadata) == ("", "", False)


async def test_what_the_user_wrote_on_a_flow_is_kept(tctx) -> None:
    flow = _post(CN_HOST, zzhc_body())
    flow.marked, flow.comment = ":star:", "check with vendor"
    await tctx.guard.request(flow)
    assert flow.marked == ":star:"
    lines = flow.comment.splitlines()
    assert lines[0] == "check with vendor" and lines[1].startswith(COMMENT_PREFIX + "BLOCKED")


async def test_a_websocket_flow_shows_its_worst_message_and_how_many_were_judged(tctx) -> None:
    flow = tflow.twebsocketflow(messages=False)
    flow.server_conn.peername = (CN_HOST, 80)
    for _ in range(2):
        flow.websocket.messages.append(websocket.WebSocketMessage(1, True, orjson.dumps({"imei": IMEI})))
        await tctx.guard.websocket_message(flow)
    assert flow.marked == BLOCKED_MARK
    assert flow.comment.endswith("(2 events on this flow)") and flow.comment.count(COMMENT_PREFIX) == 1
    assert flow.metadata[METADATA_KEY]["events"] == 2
    assert IMEI not in flow.comment


async def test_a_blocked_tcp_stream_is_marked(tctx) -> None:
    flow = tflow.ttcpflow(messages=[tcp.TCPMessage(True, mqtt_connect(IMEI))])
    flow.server_conn.peername = flow.server_conn.address = (CN_HOST, 1883)
    flow.server_conn.sni = None
    await tctx.guard.tcp_message(flow)
    assert flow.marked == BLOCKED_MARK and "imei" in flow.comment
    assert _leaks(flow) == [] and IMEI not in flow.comment


class _Updates:
    """Records ``update`` hooks: how mitmweb and the console learn that a flow changed outside a hook."""

    def __init__(self) -> None:
        self.flows: list[str] = []

    def update(self, flows) -> None:
        self.flows += [f.id for f in flows]


async def test_a_flow_judged_after_forwarding_is_marked_and_redrawn(tctx) -> None:
    """A worker process judges a body whose destination can never be blocked after the flow went on."""
    updates = _Updates()
    tctx.master.addons.add(updates)
    tctx.configure(tctx.guard, guard_workers=1, guard_offload_min_bytes=0)
    flow = _post(DE_HOST, zzhc_body())
    await tctx.guard.request(flow)
    assert flow.marked == ""  # forwarded before its verdict
    for _ in range(600):
        if flow.marked:
            break
        await asyncio.sleep(0.05)
    assert flow.marked == VIOLATION_MARK and flow.comment.startswith(COMMENT_PREFIX + "LOGGED violation")
    assert updates.flows == [flow.id]


def _summary(verdict: str, action: str, country: str) -> EventSummary:
    return EventSummary("f1", "transfer", "gdpr-eea", "h.example", country, ("imei",), verdict, action, ())


def test_a_less_severe_later_event_does_not_hide_a_block() -> None:
    flow = tflow.tflow()
    annotate(flow, _summary("violation", "blocked", "CN"))
    annotate(flow, _summary("allowed", "logged", "DE"))
    assert flow.marked == BLOCKED_MARK and "→ CN" in flow.comment and "(2 events" in flow.comment
    annotate(flow, _summary("violation", "blocked", "RU"))
    assert "→ RU" in flow.comment and flow.metadata[METADATA_KEY]["events"] == 3


def test_a_violation_after_an_allowed_event_marks_the_flow() -> None:
    flow = tflow.tflow()
    annotate(flow, _summary("allowed", "logged", "DE"))
    assert flow.marked == ""
    annotate(flow, _summary("violation", "logged", "US"))
    assert flow.marked == VIOLATION_MARK and "→ US" in flow.comment


# ------------------------------------------------------------------------------------------- commands


async def test_residency_stats_counts_what_the_guard_judged(tctx) -> None:
    commands = tctx.master.commands
    assert commands.execute("residency.stats") == (
        "flows=0 inspected=0 with_identifiers=0 violations=0 blocked=0 redacted=0 partial=0 errors=0"
    )
    await tctx.guard.request(_post(CN_HOST, zzhc_body()))
    await tctx.guard.request(_post(CN_HOST, b"{}"))
    assert commands.execute("residency.stats") == (
        "flows=2 inspected=2 with_identifiers=1 violations=1 blocked=1 redacted=0 partial=0 errors=0"
    )


async def test_residency_events_lists_the_last_events_masked(tctx) -> None:
    commands = tctx.master.commands
    assert commands.execute("residency.events 5") == "no events yet"
    blocked, logged = _post(CN_HOST, zzhc_body()), _post(DE_HOST, zzhc_body())
    await tctx.guard.request(blocked)
    await tctx.guard.request(logged)
    both = commands.call_strings("residency.events", ["5"]).splitlines()
    assert [line.split()[:2] for line in both] == [[blocked.id[:8], "BLOCKED"], [logged.id[:8], "LOGGED"]]
    (last,) = commands.execute("residency.events 1").splitlines()
    assert last.startswith(logged.id[:8])
    assert not [secret for secret in SECRETS if any(secret in line for line in both)]


# ------------------------------------------------------------------------------------------- real mitmdump


def test_flows_saved_by_mitmdump_carry_the_marks_and_comments(tmp_path: Path, origins) -> None:
    """``mitmdump -s … -w FILE``: what a mitmweb user opens later (``mitmweb -r FILE``) shows the verdicts."""
    saved = tmp_path / "flows.mitm"
    with running_script_guard(tmp_path, saved) as guard:
        with httpx.Client(proxy=guard.proxy_url, timeout=10, trust_env=False) as client:
            blocked = client.post(origins["CN"].url + "/blocked", content=zzhc_body(), headers=ZZHC_HEADERS)
            logged = client.post(origins["DE"].url + "/logged", content=zzhc_body(), headers=ZZHC_HEADERS)
            clean = client.post(origins["DE"].url + "/clean", content=b'{"city": "Berlin"}')
        assert (blocked.status_code, logged.status_code, clean.status_code) == (451, 200, 200)
        assert len(guard.wait_for_events(2)) == 2
    with saved.open("rb") as f:
        flows = {flow.request.path: flow for flow in io.FlowReader(f).stream() if isinstance(flow, http.HTTPFlow)}
    assert flows.keys() == {"/blocked", "/logged", "/clean"}
    assert flows["/blocked"].marked == BLOCKED_MARK and flows["/blocked"].comment.startswith(COMMENT_PREFIX + "BLOCKED")
    assert flows["/logged"].marked == VIOLATION_MARK and flows["/logged"].comment.startswith(COMMENT_PREFIX + "LOGGED")
    assert (flows["/clean"].marked, flows["/clean"].comment) == ("", "")
    assert flows["/blocked"].metadata[METADATA_KEY]["country"] == "CN"
    assert flows["/logged"].metadata[METADATA_KEY]["rules"][0]["rule"] == "cleartext"
    assert [f.request.path for f in flows.values() if _matches("~marked", f)] == ["/blocked", "/logged"]
    assert not [leak for f in flows.values() for leak in _leaks(f)]


def test_a_partial_inspection_says_so_in_the_comment() -> None:
    flow = tflow.tflow()
    annotate(flow, _summary("allowed", "logged", "DE"), complete=False)
    assert "partially inspected" in flow.comment and flow.metadata[METADATA_KEY]["complete"] is False


def test_metadata_edited_in_a_flow_file_does_not_break_marking() -> None:
    flow = tflow.tflow()
    flow.metadata[METADATA_KEY] = {"events": "many", "verdict": None}
    annotate(flow, _summary("violation", "blocked", "CN"))
    assert flow.marked == BLOCKED_MARK and flow.metadata[METADATA_KEY]["events"] == 1
    flow.metadata[METADATA_KEY] = {"events": [], "verdict": "violation", "action": "blocked"}
    annotate(flow, _summary("allowed", "logged", "DE"))
    assert flow.metadata[METADATA_KEY]["events"] == 1 and flow.comment.startswith(COMMENT_PREFIX)
