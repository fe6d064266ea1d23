"""A phone / access point / server lab built from Linux network namespaces joined by veth pairs.

    phone ns                 ap ns                                   server ns
    10.66.0.2 ── veth ── 10.66.0.1 ("Wi-Fi")   203.0.113.1 ── veth ── 203.0.113.2
                          guard (transparent)    (uplink, NAT)          192.0.2.10     (CN by overlay)
                          scripts/lab-ap.sh rules                       198.51.100.10  (DE by overlay)
                          resolver 127.0.0.1:5335 (behind the guard's reverse:dns listener)

Only documentation ranges (and the private phone subnet inside the namespaces) are used, and no namespace
has a route to the host, so nothing leaves the machine. Names carry the test process id so parallel runs
do not collide, and namespaces left by a crashed run (whose process is gone) are removed first.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LAB_AP = REPO / "scripts" / "lab-ap.sh"
NETNS_PREFIX = "rglab-"
NETNS_DIR = Path("/run/netns")

PHONE_ADDR = "10.66.0.2"
AP_WIFI_ADDR = "10.66.0.1"
PHONE_SUBNET = "10.66.0.0/24"
AP_UPLINK_ADDR = "203.0.113.1"
SERVER_UPLINK_ADDR = "203.0.113.2"
CN_ORIGIN = "192.0.2.10"
DE_ORIGIN = "198.51.100.10"
# The lab's resolver, on the AP's loopback (lab-ap.sh's --resolver-port default): the guard's DNS listener
# forwards to it, and the AP's rules drop anything the phone sends to that port directly.
RESOLVER_ADDR, RESOLVER_PORT = "127.0.0.1", 5335
DEFAULT_GUARD_DNS_PORT = 8053  # lab-ap.sh's --dns-port default


def sh(*args: str, check: bool = True, timeout: float = 20) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}): {proc.stderr.strip()}")
    return proc


def why_lab_cannot_run() -> str | None:
    """None when this machine can build the lab, otherwise the reason to skip."""
    if os.geteuid() != 0:
        return "the namespace lab needs root (ip netns, veth, nft)"
    if shutil.which("ip") is None:
        return "iproute2 'ip' is not installed"
    if shutil.which("nft") is None and shutil.which("iptables") is None:
        return "neither nft nor iptables is installed (apt-get install nftables)"
    probe = f"{NETNS_PREFIX}probe-{os.getpid()}"
    try:
        sh("ip", "netns", "add", probe)
    except (RuntimeError, OSError) as e:
        return f"'ip netns add' does not work here: {e}"
    finally:
        subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


def default_backend() -> str:
    return "nft" if shutil.which("nft") else "iptables"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def kill_netns_processes(name: str) -> None:
    """SIGKILL whatever still runs inside one of our lab namespaces (a crashed run's guard or origin)."""
    proc = subprocess.run(["ip", "netns", "pids", name], capture_output=True, text=True)
    for pid in proc.stdout.split():
        try:
            os.kill(int(pid), signal.SIGKILL)
        except (ProcessLookupError, ValueError):
            pass


def delete_netns(name: str) -> None:
    kill_netns_processes(name)
    subprocess.run(["ip", "netns", "del", name], capture_output=True)


def remove_leftovers() -> list[str]:
    """Delete lab namespaces whose creating test process no longer exists. Returns their names."""
    removed = []
    listing = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
    for line in listing.splitlines():
        name = line.split()[0] if line.split() else ""
        m = re.fullmatch(rf"{re.escape(NETNS_PREFIX)}(\d+)-\w+", name)
        if m and not _pid_alive(int(m.group(1))):
            delete_netns(name)
            removed.append(name)
    return removed


def in_netns[T](netns: str, fn: Callable[[], T], timeout: float = 30) -> T:
    """Run ``fn`` in a fresh thread that has joined ``netns``: sockets it opens live in that namespace.

    setns(CLONE_NEWNET) affects only the calling thread, so the test process itself stays where it is.
    """
    outcome: dict[str, object] = {}

    def target() -> None:
        fd = os.open(NETNS_DIR / netns, os.O_RDONLY)
        try:
            os.setns(fd, os.CLONE_NEWNET)
        finally:
            os.close(fd)
        try:
            outcome["value"] = fn()
        except BaseException as e:  # handed to the caller's thread
            outcome["error"] = e

    thread = threading.Thread(target=target, name=f"in-{netns}", daemon=True)
    thread.start()
    thread.join(timeout)
    if thread.is_alive():
        raise TimeoutError(f"call inside {netns} did not finish in {timeout}s")
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]


def listening(pid: int, port: int, protocol: str = "tcp") -> bool:
    """Whether process ``pid``'s namespace has a socket listening on ``port``: TCP in LISTEN, or
    (``protocol="udp"``) a bound, unconnected UDP socket."""
    want, state = f":{port:04X}", {"tcp": "0A", "udp": "07"}[protocol]
    for table in (protocol, f"{protocol}6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            return False
        for line in lines:
            fields = line.split()
            if fields[1].endswith(want) and fields[3] == state:
                return True
    return False


@dataclass
class Lab:
    tag: str
    phone: str
    ap: str
    server: str
    wifi_if: str  # the AP's interface towards the phone
    uplink_if: str  # the AP's interface towards the servers

    @classmethod
    def build(cls) -> Lab:
        pid = os.getpid()
        tag = str(pid)
        lab = cls(
            tag=tag,
            phone=f"{NETNS_PREFIX}{tag}-phone",
            ap=f"{NETNS_PREFIX}{tag}-ap",
            server=f"{NETNS_PREFIX}{tag}-server",
            wifi_if=f"rg{tag}w",
            uplink_if=f"rg{tag}u",
        )
        try:
            lab._build()
        except BaseException:
            lab.destroy()
            raise
        return lab

    def _build(self) -> None:
        for ns in (self.phone, self.ap, self.server):
            delete_netns(ns)  # same pid reused after a crash
            sh("ip", "netns", "add", ns)
            sh("ip", "-n", ns, "link", "set", "lo", "up")
        # veths are created directly inside the namespaces: nothing is ever added to the host's namespace
        sh(
            "ip",
            "-n",
            self.ap,
            "link",
            "add",
            self.wifi_if,
            "type",
            "veth",
            "peer",
            "name",
            "phone0",
            "netns",
            self.phone,
        )
        sh(
            "ip",
            "-n",
            self.ap,
            "link",
            "add",
            self.uplink_if,
            "type",
            "veth",
            "peer",
            "name",
            "srv0",
            "netns",
            self.server,
        )

        sh("ip", "-n", self.phone, "addr", "add", f"{PHONE_ADDR}/24", "dev", "phone0")
        sh("ip", "-n", self.phone, "link", "set", "phone0", "up")
        sh("ip", "-n", self.phone, "route", "add", "default", "via", AP_WIFI_ADDR)

        sh("ip", "-n", self.ap, "addr", "add", f"{AP_WIFI_ADDR}/24", "dev", self.wifi_if)
        sh("ip", "-n", self.ap, "addr", "add", f"{AP_UPLINK_ADDR}/24", "dev", self.uplink_if)
        sh("ip", "-n", self.ap, "link", "set", self.wifi_if, "up")
        sh("ip", "-n", self.ap, "link", "set", self.uplink_if, "up")
        sh("ip", "-n", self.ap, "route", "add", "192.0.2.0/24", "via", SERVER_UPLINK_ADDR)
        sh("ip", "-n", self.ap, "route", "add", "198.51.100.0/24", "via", SERVER_UPLINK_ADDR)
        sh("ip", "netns", "exec", self.ap, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1")

        sh("ip", "-n", self.server, "addr", "add", f"{SERVER_UPLINK_ADDR}/24", "dev", "srv0")
        sh("ip", "-n", self.server, "addr", "add", f"{CN_ORIGIN}/32", "dev", "lo")
        sh("ip", "-n", self.server, "addr", "add", f"{DE_ORIGIN}/32", "dev", "lo")
        sh("ip", "-n", self.server, "link", "set", "srv0", "up")
        # Only the AP is reachable from the servers; the phone subnet is not routed here, so replies to
        # forwarded traffic work only through the AP's masquerade rule, which the test thereby checks.
        sh("ip", "-n", self.server, "route", "add", "default", "via", AP_UPLINK_ADDR)

    def apply_ap_rules(
        self,
        port: int,
        state_dir: Path,
        backend: str | None = None,
        redirect: str = "web",
        dns_port: int = DEFAULT_GUARD_DNS_PORT,
    ) -> str:
        """Apply the lab access point's own firewall rules in the ap namespace; returns the ruleset.

        ``backend`` defaults to what the script itself picks: nft when installed, else iptables;
        ``redirect`` is the script's ``--redirect`` (``web``: TCP 80/443, ``all``: every TCP port);
        ``dns_port`` its ``--dns-port``, the guard's DNS listener that the phone's port 53 goes to.
        """
        backend = backend or default_backend()
        sh(
            "ip", "netns", "exec", self.ap, "bash", str(LAB_AP),
            "--wifi", self.wifi_if, "--uplink", self.uplink_if, "--subnet", PHONE_SUBNET,
            "--port", str(port), "--dns-port", str(dns_port), "--resolver-port", str(RESOLVER_PORT),
            "--state-dir", str(state_dir), "--backend", backend, "--redirect", redirect, "rules",
        )  # fmt: skip
        if backend == "nft":
            return sh("ip", "netns", "exec", self.ap, "nft", "list", "ruleset").stdout
        return sh("ip", "netns", "exec", self.ap, "iptables-save").stdout

    def remove_ap_rules(self, state_dir: Path, backend: str | None = None) -> None:
        sh(
            "ip", "netns", "exec", self.ap, "bash", str(LAB_AP),
            "--wifi", self.wifi_if, "--uplink", self.uplink_if, "--subnet", PHONE_SUBNET,
            "--state-dir", str(state_dir), "--backend", backend or default_backend(), "rules-down",
        )  # fmt: skip

    def spawn(self, netns: str, args: list[str], log: Path, env: dict | None = None) -> subprocess.Popen:
        """Start a process inside ``netns`` (``ip netns exec`` execs it: the Popen pid is the process's)."""
        out = log.open("ab")
        try:
            return subprocess.Popen(
                ["ip", "netns", "exec", netns, *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
                start_new_session=True,
            )
        finally:
            out.close()

    def destroy(self) -> None:
        for ns in (self.phone, self.ap, self.server):
            delete_netns(ns)


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a process this test started: SIGTERM, then SIGKILL if it lingers."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def wait_for(predicate: Callable[[], bool], timeout: float, what: str, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: process exited with {proc.returncode} before it was ready")
        time.sleep(0.05)
    raise TimeoutError(f"{what}: not ready after {timeout}s")
