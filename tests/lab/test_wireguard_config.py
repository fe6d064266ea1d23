"""WireGuard client configuration and its terminal QR code, checked without a phone."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
import segno

from residency_guard import wireguard as wg


def parse_conf(text: str) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
        elif line:
            key, _, value = line.partition(" = ")
            assert current is not None and value, f"malformed line {line!r}"
            current[key] = value
    return sections


def test_config_from_confdir_has_every_wg_quick_field(tmp_path):
    keys = wg.ensure_keys(tmp_path / "wireguard.conf")
    conf = parse_conf(wg.client_config_for(tmp_path, "10.66.0.1", 51820))
    assert conf["Interface"] == {
        "PrivateKey": keys.client_key,
        "Address": "10.0.0.1/32",
        "DNS": "10.0.0.53",
    }
    assert conf["Peer"]["PublicKey"] == keys.server_public_key
    assert conf["Peer"]["PublicKey"] != keys.server_key  # the server's private key never leaves
    assert conf["Peer"]["AllowedIPs"] == "0.0.0.0/0"
    assert conf["Peer"]["Endpoint"] == "10.66.0.1:51820"


def test_keys_file_is_created_private_and_reused(tmp_path):
    path = tmp_path / "sub" / "wireguard.conf"
    first = wg.ensure_keys(path)
    assert path.stat().st_mode & 0o777 == 0o600
    assert wg.ensure_keys(path) == first
    assert set(json.loads(path.read_text())) == {"server_key", "client_key"}


def test_mode_spec_decides_key_path_and_endpoint(tmp_path):
    custom = tmp_path / "elsewhere.json"
    assert wg.keys_path(tmp_path, "wireguard") == tmp_path / "wireguard.conf"
    assert wg.keys_path(tmp_path, f"wireguard:{custom}") == custom
    wg.ensure_keys(custom)
    conf = parse_conf(wg.client_config_for(tmp_path, "10.66.0.1", 8080, mode=f"wireguard:{custom}@51999"))
    assert conf["Peer"]["Endpoint"] == "10.66.0.1:51999"  # port in the spec beats --listen-port
    with pytest.raises(wg.WireGuardConfigError, match="not a WireGuard mode"):
        wg.keys_path(tmp_path, "transparent")


def test_ipv6_endpoint_is_bracketed(tmp_path):
    keys = wg.ensure_keys(tmp_path / "wireguard.conf")
    assert "Endpoint = [2001:db8::1]:51820" in wg.client_config(keys, "2001:db8::1")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "start the guard once"),
        ("{not json", "cannot read"),
        ('{"server_key": "x"}', "must hold"),
        ('["server_key", "client_key"]', "must hold"),
        ('{"server_key": "not-a-key", "client_key": "also-not"}', "invalid key"),
    ],
)
def test_bad_key_files_give_clear_errors(tmp_path, content, message):
    path = tmp_path / "wireguard.conf"
    if content is not None:
        path.write_text(content)
    with pytest.raises(wg.WireGuardConfigError, match=message):
        wg.load_keys(path)
    if content is not None:
        assert path.read_text() == content  # a bad file is reported, never overwritten


def test_bad_endpoint_rejected(tmp_path):
    keys = wg.ensure_keys(tmp_path / "wireguard.conf")
    with pytest.raises(wg.WireGuardConfigError):
        wg.client_config(keys, "")
    with pytest.raises(wg.WireGuardConfigError):
        wg.client_config(keys, "10.66.0.1", 70000)


def decode_compact_terminal_qr(text: str) -> list[list[bool]]:
    """Turn segno's compact terminal drawing back into rows of dark (True) / light modules."""
    halves = {"█": (False, False), "▀": (False, True), "▄": (True, False), " ": (True, True)}
    rows: list[list[bool]] = []
    for line in text.splitlines():
        assert set(line) <= set(halves), f"unexpected characters in {line!r}"
        rows.append([halves[c][0] for c in line])
        rows.append([halves[c][1] for c in line])
    return rows


def test_terminal_qr_encodes_exactly_the_config(tmp_path):
    keys = wg.ensure_keys(tmp_path / "wireguard.conf")
    conf = wg.client_config(keys, "10.66.0.1", 51820)
    drawn = decode_compact_terminal_qr(wg.render_qr(conf, border=2))

    expected_qr = segno.make(conf, error="l", micro=False)
    expected = [[bool(m) for m in row] for row in expected_qr.matrix_iter(border=2)]
    assert drawn[: len(expected)] == expected
    # an odd number of module rows leaves one half-row of terminal background (drawn dark) at the bottom
    assert len(drawn) - len(expected) == len(expected) % 2
    assert all(all(row) for row in drawn[len(expected) :])


def test_format_for_terminal_contains_config_and_qr(tmp_path):
    keys = wg.ensure_keys(tmp_path / "wireguard.conf")
    conf = wg.client_config(keys, "10.66.0.1")
    shown = wg.format_for_terminal(conf)
    assert conf in shown
    assert wg.render_qr(conf) in shown


@pytest.mark.timeout(60)
def test_matches_a_running_mitmproxy_wireguard_server(tmp_path):
    """Start mitmproxy's own WireGuard server on loopback and compare configurations.

    Runs in a child process: mitmproxy_rs sometimes crashes during interpreter teardown after its UDP
    server stopped, so the child reports and leaves with os._exit.
    """
    child = textwrap.dedent(
        f"""
        import asyncio, json, os, sys
        from mitmproxy.test import taddons
        from mitmproxy.addons.proxyserver import Proxyserver
        from mitmproxy.proxy.mode_servers import ServerInstance
        from residency_guard import wireguard as wg

        async def main():
            ps = Proxyserver()
            with taddons.context(ps) as tctx:
                tctx.options.confdir = {str(tmp_path)!r}
                inst = ServerInstance.make("wireguard@127.0.0.1:0", ps)
                await inst.start()
                try:
                    return {{
                        "port": inst.listen_addrs[0][1],
                        "theirs": inst.client_conf(),
                        "ours": wg.running_client_configs([inst]),
                        "not_wireguard": wg.running_client_configs([object()]),
                    }}
                finally:
                    await inst.stop()

        sys.stdout.write(json.dumps(asyncio.run(main())))
        sys.stdout.flush()
        os._exit(0)
        """
    )
    proc = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, timeout=50)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout)
    port = result["port"]
    assert port > 0
    (ours,) = result["ours"]
    assert result["not_wireguard"] == []

    # mitmproxy writes the key file it used into the confdir; the offline path must agree with both
    offline = wg.client_config_for(tmp_path, "127.0.0.1", port)
    assert ours == offline
    theirs = parse_conf(result["theirs"])
    mine = parse_conf(ours)
    assert mine["Interface"] == theirs["Interface"]
    assert mine["Peer"]["PublicKey"] == theirs["Peer"]["PublicKey"]
    assert mine["Peer"]["AllowedIPs"] == theirs["Peer"]["AllowedIPs"]
    # mitmproxy advertises the configured port (0 here); we advertise the bound one
    assert theirs["Peer"]["Endpoint"] == "127.0.0.1:0"
    assert mine["Peer"]["Endpoint"] == f"127.0.0.1:{port}"
