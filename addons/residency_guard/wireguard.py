"""WireGuard client configuration for a test phone, as text and as a terminal QR code.

In ``--mode wireguard`` mitmproxy keeps its key pair in a small JSON file (``<confdir>/wireguard.conf``,
or the path given as ``wireguard:PATH``) holding ``server_key`` and ``client_key``, and builds the
phone's ``wg-quick`` configuration from them. This module rebuilds the same text from that file, or
asks a running server instance for it, so ``run`` can show it with a QR code the WireGuard app scans.

The configuration contains the client's private key: it is meant to be shown to the person setting up
the phone, not written to the events file.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import segno

if TYPE_CHECKING:  # pragma: no cover
    from mitmproxy.proxy.mode_servers import ServerInstance

DEFAULT_PORT = 51820
"""mitmproxy's default WireGuard listen port (UDP)."""

# The tunnel addresses mitmproxy's userspace WireGuard server expects the client to use.
CLIENT_ADDRESS = "10.0.0.1/32"
CLIENT_DNS = "10.0.0.53"
ALLOWED_IPS = "0.0.0.0/0"


class WireGuardConfigError(ValueError):
    """The key file is missing, unreadable or holds invalid keys."""


@dataclass(frozen=True, slots=True)
class WireGuardKeys:
    server_key: str
    client_key: str

    @property
    def server_public_key(self) -> str:
        return _pubkey(self.server_key)

    @property
    def client_public_key(self) -> str:
        return _pubkey(self.client_key)


def _pubkey(private_key: str) -> str:
    import mitmproxy_rs

    return mitmproxy_rs.wireguard.pubkey(private_key)


def keys_path(confdir: str | Path, mode: str = "wireguard") -> Path:
    """Where mitmproxy keeps the WireGuard keys for ``mode`` (``wireguard`` or ``wireguard:PATH[@port]``)."""
    from mitmproxy.proxy.mode_specs import ProxyMode, WireGuardMode

    spec = ProxyMode.parse(mode)
    if not isinstance(spec, WireGuardMode):
        raise WireGuardConfigError(f"mode {mode!r} is not a WireGuard mode")
    if spec.data:
        return Path(spec.data).expanduser()
    return Path(confdir).expanduser() / "wireguard.conf"


def load_keys(path: str | Path) -> WireGuardKeys:
    """Read mitmproxy's key file; raise ``WireGuardConfigError`` saying what is wrong with it."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise WireGuardConfigError(
            f"no WireGuard key file at {path}: start the guard once with --mode wireguard to create it"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise WireGuardConfigError(f"cannot read WireGuard key file {path}: {e}") from None
    if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("server_key", "client_key")):
        raise WireGuardConfigError(f"WireGuard key file {path} must hold 'server_key' and 'client_key' strings")
    keys = WireGuardKeys(server_key=data["server_key"], client_key=data["client_key"])
    try:
        _ = keys.server_public_key, keys.client_public_key  # derived only to check the keys
    except Exception as e:  # mitmproxy_rs raises a plain error for malformed base64 / wrong length
        raise WireGuardConfigError(f"WireGuard key file {path} holds an invalid key: {e}") from None
    return keys


def ensure_keys(path: str | Path) -> WireGuardKeys:
    """Load the key file, creating it first (as mitmproxy would) when it does not exist yet.

    Lets ``run`` show the phone's configuration before the proxy starts; mitmproxy then reads the same
    keys, so the QR code stays valid across restarts.
    """
    import mitmproxy_rs

    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        content = json.dumps(
            {"server_key": mitmproxy_rs.wireguard.genkey(), "client_key": mitmproxy_rs.wireguard.genkey()},
            indent=4,
        )
        # Private keys: readable by the owner only, and never half-written.
        tmp = path.with_name(path.name + ".tmp")
        tmp.touch(mode=0o600)
        tmp.write_text(content)
        tmp.replace(path)
    return load_keys(path)


def client_config(keys: WireGuardKeys, endpoint_host: str, endpoint_port: int = DEFAULT_PORT) -> str:
    """The phone's ``wg-quick`` configuration: same fields and values mitmproxy prints at start-up.

    ``endpoint_host`` is the address the phone reaches this machine at (for the lab access point, its
    Wi-Fi address such as 10.66.0.1).
    """
    if not endpoint_host or any(c.isspace() for c in endpoint_host):
        raise WireGuardConfigError(f"endpoint host {endpoint_host!r} is not an address")
    if not 0 < int(endpoint_port) < 65536:
        raise WireGuardConfigError(f"endpoint port {endpoint_port!r} is out of range")
    host = f"[{endpoint_host}]" if ":" in endpoint_host and not endpoint_host.startswith("[") else endpoint_host
    return "\n".join(
        (
            "[Interface]",
            f"PrivateKey = {keys.client_key}",
            f"Address = {CLIENT_ADDRESS}",
            f"DNS = {CLIENT_DNS}",
            "",
            "[Peer]",
            f"PublicKey = {keys.server_public_key}",
            f"AllowedIPs = {ALLOWED_IPS}",
            f"Endpoint = {host}:{int(endpoint_port)}",
        )
    )


def default_endpoint_host() -> str:
    """The address mitmproxy itself would advertise when no listen host is set."""
    from mitmproxy.net import local_ip

    host = local_ip.get_local_ip() or local_ip.get_local_ip6()
    if not host:
        raise WireGuardConfigError("no local address found: pass the address the phone reaches this machine at")
    return host


def client_config_for(
    confdir: str | Path,
    listen_host: str | None = None,
    listen_port: int | None = None,
    mode: str = "wireguard",
    *,
    create: bool = False,
) -> str:
    """Client configuration from the confdir and listen options, without a running proxy.

    Host and port follow mitmproxy's precedence: a host/port inside ``mode`` (``wireguard@51821``),
    then ``listen_host`` / ``listen_port``, then the local address and 51820.
    """
    from mitmproxy.proxy.mode_specs import ProxyMode

    path = keys_path(confdir, mode)
    keys = ensure_keys(path) if create else load_keys(path)
    spec = ProxyMode.parse(mode)
    host = spec.listen_host(listen_host or None) or default_endpoint_host()
    port = spec.listen_port(listen_port) or DEFAULT_PORT
    return client_config(keys, host, port)


def running_client_configs(servers: Iterable[ServerInstance[Any]], endpoint_host: str | None = None) -> list[str]:
    """Configurations of the running WireGuard servers among ``servers``.

    Pass ``ctx.master.addons.get("proxyserver").servers`` from a ``running`` hook (after the servers have
    started); instances that are not WireGuard or not started yet are skipped. Unlike mitmproxy's own
    ``client_conf()``, the endpoint uses the port actually bound (right with ``@0``) and never a wildcard
    address a phone cannot reach; ``endpoint_host`` overrides the address (the AP's Wi-Fi address).
    """
    from mitmproxy.proxy.mode_servers import WireGuardServerInstance

    confs = []
    for instance in servers:
        if not isinstance(instance, WireGuardServerInstance) or not instance.listen_addrs:
            continue
        bound_host, bound_port = instance.listen_addrs[0][:2]
        host = endpoint_host or bound_host
        if host in ("", "0.0.0.0", "::"):
            host = default_endpoint_host()
        keys = WireGuardKeys(server_key=instance.server_key, client_key=instance.client_key)
        confs.append(client_config(keys, host, bound_port))
    return confs


def render_qr(text: str, *, compact: bool = True, border: int = 2) -> str:
    """``text`` as a QR code drawn with terminal characters (half blocks when ``compact``)."""
    qr = segno.make(text, error="l", micro=False)
    out = io.StringIO()
    qr.terminal(out=out, compact=compact, border=border)
    return out.getvalue()


def format_for_terminal(config: str, *, compact: bool = True) -> str:
    """The configuration and its QR code, framed for printing when the guard starts."""
    rule = "-" * 60
    return (
        f"{rule}\nWireGuard client configuration (scan the QR code with the WireGuard app, "
        f"or import the text):\n{rule}\n{config}\n{rule}\n{render_qr(config, compact=compact)}{rule}\n"
    )
