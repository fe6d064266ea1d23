"""``make fleet-demo``: a fleet on one machine — NATS, PostgreSQL, a collector and two guards on loopback.

Starts a NATS server with JetStream and a PostgreSQL cluster (in a temporary directory), one
``residency-guard collect`` and two ``residency-guard run --publish`` guards (``demo-a`` on port 8081,
``demo-b`` on 8082), sends the ZZHC self-registration through each guard to a loopback address that the
demo's geo overlay places in China (blocked with 451, so nothing is sent anywhere), shows what the
database holds per guard, and keeps everything running until Ctrl-C (``--once``: stop right away).
"""

from __future__ import annotations

import argparse
import base64
import json
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import psycopg

from residency_guard.fleet.localservers import NatsServer, PostgresCluster, free_port

GUARD_BIN = Path(sys.executable).parent / "residency-guard"
CN_LOOPBACK = "127.0.0.3"
ZZHC = {"IMEI1": "352099001761481", "SIM1ICCID": "89860318640220133897", "MACID": "a4:50:46:1e:2b:3c"}


def wait_listening(port: int, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"fleet-demo: a guard exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"fleet-demo: nothing listens on {port}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--once", action="store_true", help="stop after showing the database")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="residency-guard-fleet-demo-"))
    overlay = work / "overlay.yaml"
    overlay.write_text(f"networks:\n  - network: {CN_LOOPBACK}/32\n    country: CN\n    org: demo server in CN\n")
    nats_server = NatsServer(work / "nats", log=work / "nats-server.log").start()
    cluster = PostgresCluster().start()
    print(f"fleet-demo: NATS {nats_server.url}, PostgreSQL {cluster.url}, files in {work}")
    procs: list[subprocess.Popen[bytes]] = []

    def spawn(name: str, *command: str) -> subprocess.Popen[bytes]:
        print("fleet-demo: $ residency-guard " + " ".join(command[1:]))
        with open(work / f"{name}.log", "wb") as log:
            proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        procs.append(proc)
        return proc

    try:
        spawn("collector", str(GUARD_BIN), "collect", "--from", nats_server.url, "--db", cluster.url)
        ports = {}
        for name, port in (("demo-a", 8081), ("demo-b", 8082)):
            port = port if _free(port) else free_port()
            proc = spawn(name, str(GUARD_BIN), "run", "--no-dashboard", "--listen-port", str(port),
                         "--guard-name", name, "--publish", nats_server.url, "--events", str(work / f"{name}.jsonl"),
                         "--geo-overlay", str(overlay), "--confdir", str(work / "mitmproxy"))  # fmt: skip
            wait_listening(port, proc)
            ports[name] = port
        body = base64.encodebytes(json.dumps(ZZHC).encode())
        for name, port in ports.items():
            with httpx.Client(proxy=f"http://127.0.0.1:{port}", timeout=10, trust_env=False) as client:
                status = client.post(f"http://{CN_LOOPBACK}/", content=body).status_code
            print(f"fleet-demo: ZZHC through {name} (port {port}) → HTTP {status}")
        rows = _rows_per_guard(cluster.url, expected=len(ports))
        for guard, count, verdicts in rows:
            print(f"fleet-demo: database: {guard}: {count} event(s), {verdicts}")
        if not args.once:
            print("fleet-demo: running; phones may use the guards' ports as their proxy. Ctrl-C stops everything.")
            try:
                signal.pause()
            except KeyboardInterrupt:
                pass
        return 0 if len(rows) == len(ports) else 1
    finally:
        for proc in reversed(procs):
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        nats_server.stop()
        cluster.remove()


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _rows_per_guard(db: str, expected: int, timeout: float = 20) -> list[tuple[str, int, str]]:
    deadline = time.monotonic() + timeout
    rows: list[tuple[str, int, str]] = []
    while time.monotonic() < deadline:
        try:
            with psycopg.connect(db) as conn:
                rows = [tuple(r) for r in conn.execute(  # type: ignore[misc]
                    "SELECT guard, count(*), string_agg(DISTINCT verdict || '/' || action, ', ')"
                    " FROM events GROUP BY guard ORDER BY guard"
                ).fetchall()]  # fmt: skip
        except psycopg.errors.UndefinedTable:
            rows = []  # the collector has not migrated yet
        if len(rows) >= expected:
            break
        time.sleep(0.3)
    return rows


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, signal.default_int_handler)  # stop as on Ctrl-C: clean up the servers
    sys.exit(main())
