"""``residency-guard run``: start mitmproxy with the guard addon (and the dashboard unless headless)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mitmproxy import exceptions, options
from mitmproxy.tools.dump import DumpMaster

from ..addon import DEFAULT_POLICY, ResidencyGuard, default_events_path
from ..errors import ConfigError
from ..policy import load_policy
from ..wireguard import format_for_terminal, running_client_configs

if TYPE_CHECKING:
    from ..fleet.publisher import Publisher


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "run",
        help="start the guard as a proxy",
        description="Start mitmproxy with the residency guard. Every request is inspected, judged against the "
        "policy, blocked (HTTP 451) or logged, and recorded in the events file.",
    )
    p.add_argument(
        "--mode",
        action="append",
        default=None,
        help="mitmproxy mode: regular (default), transparent, wireguard, wireguard:CONF, socks5, "
        "upstream:URL, …; may be repeated",
    )
    p.add_argument(
        "--listen-host",
        default=None,
        help="address to listen on (default 127.0.0.1 in regular mode; all addresses in transparent and wireguard "
        "modes, where the phone's traffic arrives on the access point's interface)",
    )
    p.add_argument(
        "--listen-port", type=int, default=None, help="port to listen on (default 8080; 51820 for wireguard)"
    )
    p.add_argument(
        "--policy",
        type=Path,
        default=DEFAULT_POLICY,
        help="residency policy: a YAML file, or the name of a shipped policy (gdpr-eea, lab-strict, us-doj-bulk-data); default gdpr-eea",
    )
    p.add_argument("--profile", type=Path, action="append", default=[], help="device profile YAML; may be repeated")
    p.add_argument("--geodb", type=Path, action="append", default=[], help=".mmdb file or directory; may be repeated")
    p.add_argument("--geo-overlay", type=Path, default=None, help="lab networks → country YAML, consulted first")
    p.add_argument("--events", type=Path, default=None, help="events file (default events/session-<time>.jsonl)")
    p.add_argument("--events-max-bytes", type=int, default=0, help="rotate the events file past this size")
    p.add_argument("--fsync", action="store_true", help="fsync the events file after every event")
    p.add_argument(
        "--on-error",
        choices=("pass", "block"),
        default="pass",
        help="flows the guard fails on: pass (default) or block",
    )
    p.add_argument("--reveal-identifiers", action="store_true", help="write full identifier values into events")
    p.add_argument(
        "--engine",
        choices=("auto", "native", "python"),
        default="auto",
        help="where-to-look engine: native (Hyperscan), python (standard library), or auto (native when its "
        "wheel imports); both give the same hits, native is faster; recorded in the session record",
    )
    p.add_argument(
        "--fingerprint-key",
        type=Path,
        default=None,
        help="key file for identifier fingerprints (default ~/.residency-guard/fingerprint.key, created on first use)",
    )
    p.add_argument(
        "--confdir", type=Path, default=None, help="mitmproxy configuration directory (CA), default ~/.mitmproxy"
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1 if (os.cpu_count() or 1) > 1 else 0,
        help="inspector processes for large bodies, so they neither stall other flows nor add latency "
        "(default 1 on a multi-core machine, 0 otherwise: all inspection in the proxy process)",
    )
    p.add_argument(
        "--guard-name",
        default=None,
        help="name of this guard, recorded in every event and used in the fleet stream's subject (default the host name)",
    )
    p.add_argument(
        "--publish",
        default=None,
        metavar="nats://HOST:PORT",
        help="also publish every event to this NATS JetStream server (the events file stays the source of truth; "
        "a backlog is replayed from it after an outage)",
    )
    p.add_argument(
        "--db",
        default=None,
        metavar="postgresql://…",
        help="keep the policy's volume rules' counters in this fleet database, shared by every guard using it "
        "(default: counted by this guard alone, in memory)",
    )
    p.add_argument("--no-dashboard", action="store_true", help="headless: log lines instead of the dashboard")
    p.add_argument(
        "--set", dest="mitm_set", action="append", default=[], metavar="OPTION=VALUE", help="set any mitmproxy option"
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        load_policy(args.policy)  # refuse a broken policy before anything listens
    except ConfigError as e:
        print(f"residency-guard: {e}", file=sys.stderr)
        return 2
    events = args.events or default_events_path()
    if args.publish and not args.publish.startswith(("nats://", "tls://")):
        print("residency-guard: --publish takes a nats:// URL", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_serve(args, events))
    except KeyboardInterrupt:
        return 0


def _intercepts_without_proxy_settings(modes: list[str]) -> bool:
    return any(m.split(":", 1)[0].split("@", 1)[0] in ("transparent", "wireguard", "local", "tun") for m in modes)


def _mitm_options(args: argparse.Namespace) -> dict[str, object]:
    modes = args.mode or ["regular"]
    intercepting = _intercepts_without_proxy_settings(modes)
    listen_host = args.listen_host if args.listen_host is not None else ("" if intercepting else "127.0.0.1")
    opts: dict[str, object] = {"mode": modes, "listen_host": listen_host}
    if intercepting:
        # The destination is known when the phone connects (refused there if the policy says so), so
        # nothing is gained by connecting upstream early, and an early connect would reach a server
        # before its request has been judged.
        opts["connection_strategy"] = "lazy"
    if args.listen_port is not None:
        opts["listen_port"] = args.listen_port
    if args.confdir is not None:
        opts["confdir"] = str(args.confdir)
    return opts


def _guard_options(args: argparse.Namespace, events: Path) -> dict[str, object]:
    return {
        "guard_policy": str(args.policy),
        "guard_profiles": [str(p) for p in args.profile],
        "guard_geodb": [str(p) for p in args.geodb],
        "guard_geo_overlay": str(args.geo_overlay) if args.geo_overlay else "",
        "guard_events": str(events),
        "guard_events_max_bytes": args.events_max_bytes,
        "guard_fsync": args.fsync,
        "guard_on_error": args.on_error,
        "guard_reveal_identifiers": args.reveal_identifiers,
        "guard_workers": args.workers,
        "guard_engine": args.engine,
        **({"guard_fingerprint_key": str(args.fingerprint_key)} if args.fingerprint_key else {}),
        **({"guard_name": args.guard_name} if args.guard_name else {}),
        **({"guard_db": args.db} if args.db else {}),
    }


async def _serve(args: argparse.Namespace, events: Path) -> int:
    logging.getLogger().setLevel(logging.INFO)
    headless = args.no_dashboard
    opts = options.Options()
    master = DumpMaster(opts, with_termlog=headless, with_dumper=False)
    guard = ResidencyGuard()
    master.addons.add(guard)
    try:
        opts.update(**_mitm_options(args))
        if args.mitm_set:
            opts.set(*args.mitm_set)
        opts.update(**_guard_options(args, events))
    except exceptions.OptionsError as e:
        print(f"residency-guard: {e}", file=sys.stderr)
        return 2
    for w in guard.warnings:
        print(f"residency-guard: warning: {w}", file=sys.stderr)
    print(f"residency-guard: events → {events}", file=sys.stderr)

    if any(m.split(":", 1)[0].split("@", 1)[0] == "wireguard" for m in opts.mode):
        master.addons.add(WireGuardAnnouncer())

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, master.shutdown)
    publisher = _start_publisher(args, events, opts.guard_name)
    try:
        if headless:
            await master.run()
            return 0
        from ..dashboard.app import run_dashboard

        return await run_dashboard(events, background=master.run, shutdown=master.shutdown)
    finally:
        if publisher is not None and not publisher.stop(timeout=5):
            print("residency-guard: unpublished events stay in the events file; published on the next start",
                  file=sys.stderr)  # fmt: skip


def _start_publisher(args: argparse.Namespace, events: Path, guard_name: str) -> Publisher | None:
    if not args.publish:
        return None
    from ..fleet.publisher import Publisher

    publisher = Publisher(events, args.publish, guard_name)
    publisher.start()
    print(f"residency-guard: publishing events → {args.publish} ({publisher.subject})", file=sys.stderr)
    return publisher


class WireGuardAnnouncer:
    """Prints the phone's WireGuard configuration, and its QR code, once the server is up."""

    def running(self) -> None:
        from mitmproxy import ctx

        servers = ctx.master.addons.get("proxyserver").servers
        for config in running_client_configs(servers):
            print(format_for_terminal(config), file=sys.stderr)
