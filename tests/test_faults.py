"""Faults inside the guard never drop a flow silently: internal errors (``--on-error pass|block``), and
an events file that cannot be written, at start (refused) and during the run (loud, 503 with block)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from guard_harness import (
    GUARD_BIN,
    Guard,
    _wait_listening,
    free_port,
    running_guard,
    send_segments,
    tcp_sink,
    tcp_tunnel,
    write_overlay,
)

pytestmark = pytest.mark.e2e

DE_HOST = "127.0.0.2"
OVERLAY = {f"{DE_HOST}/32": "DE"}
MITMDUMP = GUARD_BIN.parent / "mitmdump"
IMEI = "352099001761481"

# Loads the real addon and makes its inspector raise for requests marked X-Fault: 1, the way a bug in a
# detector would surface.
FAULTY_SCRIPT = """
from residency_guard.addon import ResidencyGuard


class FaultyGuard(ResidencyGuard):
    def configure(self, updated):
        super().configure(updated)
        inspect = self.inspector.inspect

        def faulty(view, conn):
            if view.header("x-fault") == "1":
                raise RuntimeError("injected fault")
            return inspect(view, conn)

        self.inspector.inspect = faulty


addons = [FaultyGuard()]
"""


@contextmanager
def scripted_guard(tmp_path: Path, *, on_error: str = "pass") -> Iterator[Guard]:
    """mitmdump -s with the real addon wrapped by FAULTY_SCRIPT, on a free loopback port."""
    script = tmp_path / "faulty_guard.py"
    script.write_text(FAULTY_SCRIPT)
    (tmp_path / "geodb").mkdir(exist_ok=True)
    port = free_port()
    events = tmp_path / "events.jsonl"
    log_path = tmp_path / "guard.log"
    settings = {
        "confdir": tmp_path / "mitmproxy",
        "guard_events": events,
        "guard_geo_overlay": write_overlay(tmp_path / "overlay.yaml", OVERLAY),
        "guard_geodb": tmp_path / "geodb",
        "guard_fingerprint_key": tmp_path / "key",
        "guard_on_error": on_error,
    }
    args = [str(MITMDUMP), "-s", str(script), "--listen-host", "127.0.0.1", "--listen-port", str(port)]
    for name, value in settings.items():
        if value is not None:
            args += ["--set", f"{name}={value}"]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    guard = Guard(proc, port, events, log_path)
    try:
        _wait_listening(guard)
        yield guard
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _client(guard: Guard) -> httpx.Client:
    return httpx.Client(proxy=guard.proxy_url, timeout=10, trust_env=False)


def _last_stats(guard: Guard) -> dict:
    stats = [r for r in guard.records() if r.get("event_type") == "stats"]
    assert stats, guard.log()
    return stats[-1]


def _stopped(guard: Guard) -> None:
    """Stop the guard (SIGTERM) so its final stats record is written."""
    _stop(guard.proc)


# ------------------------------------------------------------------------------------ internal errors


def test_internal_error_with_on_error_pass_forwards_the_flow_and_says_so(tmp_path, origin):
    with scripted_guard(tmp_path, on_error="pass") as guard:
        before = len(origin.received)
        with _client(guard) as client:
            r = client.post(f"{origin.url}/fault?n=1", json={"imei": IMEI}, headers={"X-Fault": "1"})
            assert r.status_code == 200
            assert client.get(f"{origin.url}/ok", params={"imei": IMEI}).status_code == 200  # still serving
        assert len(origin.received) == before + 2
        _stopped(guard)
        log = guard.log()
        assert re.search(r"inspection failed for flow [0-9a-f-]{36}", log), log
        assert "RuntimeError: injected fault" in log
        assert _last_stats(guard)["errors"] == 1
        assert len(guard.events()) == 1  # the healthy request only


def test_internal_error_with_on_error_block_answers_503_naming_the_flow(tmp_path, origin):
    with scripted_guard(tmp_path, on_error="block") as guard:
        before = len(origin.received)
        with _client(guard) as client:
            r = client.post(f"{origin.url}/fault", content=b"hello", headers={"X-Fault": "1"})
            assert r.status_code == 503
            flow_id = r.json()["flow_id"]
            assert "on-error=block" in r.json()["error"]
            assert client.get(f"{origin.url}/ok").status_code == 200
        assert len(origin.received) == before + 1  # the faulty request never left
        _stopped(guard)
        assert f"inspection failed for flow {flow_id}" in guard.log()
        assert _last_stats(guard)["errors"] == 1


# ------------------------------------------------------------------------------------ events file


def _run_refused(tmp_path: Path, events: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(GUARD_BIN), "run", "--no-dashboard", "--listen-host", "127.0.0.1", "--listen-port", str(free_port()),
         "--events", str(events), "--confdir", str(tmp_path / "mitmproxy"),
         "--fingerprint-key", str(tmp_path / "key"), "--geodb", str(tmp_path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip


def test_events_file_that_cannot_be_created_is_refused_at_start(tmp_path):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    events = blocker / "events.jsonl"
    proc = _run_refused(tmp_path, events)
    assert proc.returncode != 0
    assert str(events) in proc.stderr
    assert "Traceback" not in proc.stderr


def test_events_file_on_a_full_device_is_refused_at_start(tmp_path):
    proc = _run_refused(tmp_path, Path("/dev/full"))
    assert proc.returncode != 0
    assert "/dev/full" in proc.stderr
    assert "No space left" in proc.stderr
    assert "Traceback" not in proc.stderr


@contextmanager
def _small_tmpfs(path: Path, size: str = "64k") -> Iterator[Path]:
    path.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], check=True, capture_output=True)
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False, capture_output=True)


def _fill(directory: Path) -> None:
    fd = os.open(directory / "ballast", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


@pytest.mark.skipif(os.geteuid() != 0, reason="mounts a small tmpfs (root only)")
@pytest.mark.parametrize("on_error", ["pass", "block"])
def test_disk_full_during_the_run_is_loud_and_block_refuses_unrecordable_traffic(tmp_path, origin, on_error):
    with _small_tmpfs(tmp_path / "small") as small:
        events = small / "events.jsonl"
        with running_guard(
            tmp_path, overlay=OVERLAY, extra_args=["--events", str(events), "--on-error", on_error]
        ) as guard:
            guard.events_path = events
            with _client(guard) as client:
                assert client.get(f"{origin.url}/a", params={"imei": IMEI, "n": "before"}).status_code == 200
                assert guard.wait_for_events(1)
                _fill(small)
                # The events file's last page still has room for a few lines; then writes fail.
                before = len(origin.received)
                statuses = []
                for i in range(12):
                    last = client.get(f"{origin.url}/b", params={"imei": IMEI, "n": f"full{i}"})
                    statuses.append(last.status_code)
                    if last.status_code != 200:
                        break
                # A request with nothing to record is not affected.
                assert client.post(f"{origin.url}/c", json={"city": "Oslo"}).status_code == 200
            # Raw TCP the same: with block, a payload whose event cannot be written is not forwarded.
            payload = f"##LOGIN,IMEI:{IMEI};\r\n".encode()
            with tcp_sink(DE_HOST) as (port, received):
                with tcp_tunnel(guard.port, DE_HOST, port) as sock:
                    send_segments(sock, payload)
                time.sleep(0.5)
            assert received == [b"" if on_error == "block" else payload]
            if on_error == "block":
                assert statuses[-1] == 503 and set(statuses[:-1]) <= {200}, statuses
                assert "cannot record events" in last.json()["error"]
                assert len(origin.received) == before + len(statuses) - 1 + 1
            else:
                assert set(statuses) == {200}
                assert len(origin.received) == before + len(statuses) + 1
            time.sleep(0.3)
            log = guard.log()
            assert re.search(r"EVENT NOT RECORDED \(flow [0-9a-f-]{36}\)", log), log
            assert "No space left" in log
            assert IMEI not in log
