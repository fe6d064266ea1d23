"""The lab shell scripts without a phone or Wi-Fi: dry-run output, option checks, shellcheck."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
LAB_AP = REPO / "scripts" / "lab-ap.sh"
INSTALL_CA = REPO / "scripts" / "install-ca.sh"


def script(path: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", str(path), *args], capture_output=True, text=True, timeout=30, env=env)


def test_dry_run_prints_the_whole_access_point_setup():
    proc = script(
        LAB_AP, "--wifi", "wlp2s0", "--uplink", "enp3s0", "--ssid", "rg lab", "--passphrase", "correct horse",
        "--subnet", "10.77.0.0/24", "--port", "8443", "--country", "NO", "--backend", "nft",
        "--state-dir", "/run/rg-test", "dry-run",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for expected in (
        "sysctl -n net.ipv4.ip_forward > /run/rg-test/ip_forward",
        "nft list ruleset > /run/rg-test/ruleset-before.nft",
        "sysctl -q -w net.ipv6.conf.wlp2s0.disable_ipv6=1",
        "ip addr replace 10.77.0.1/24 dev wlp2s0",
        "sysctl -q -w net.ipv4.ip_forward=1",
        'iifname "wlp2s0" meta nfproto ipv4 fib daddr type != local tcp dport { 80, 443 } redirect to :8443',
        'iifname "wlp2s0" udp dport 443 reject',
        'ip saddr 10.77.0.0/24 oifname "enp3s0" masquerade',
        "nft -f /run/rg-test/rules.nft",
        "ssid=rg lab",
        "wpa=2",
        "wpa_passphrase=correct horse",
        "country_code=NO",
        "hostapd -B -P /run/rg-test/hostapd.pid -f /run/rg-test/hostapd.log /run/rg-test/hostapd.conf",
        "dhcp-range=10.77.0.10,10.77.0.254,255.255.255.0,12h",
        "dhcp-option=option:router,10.77.0.1",
        "dnsmasq --conf-file=/run/rg-test/dnsmasq.conf --pid-file=/run/rg-test/dnsmasq.pid",
        # DNS: the phone's queries go to the guard's listener on 53, dnsmasq answers the guard on loopback
        'iifname "wlp2s0" meta nfproto ipv4 meta l4proto { udp, tcp } th dport 53 redirect to :8053',
        'iifname "wlp2s0" meta l4proto { udp, tcp } th dport 5335 drop',
        "listen-address=127.0.0.1\nport=5335\n",
        "dhcp-option=option:dns-server,10.77.0.1",
    ):
        assert expected in out, f"missing: {expected}"
    # no IPv6 offered to the phone
    assert "enable-ra" not in out and "dhcp-range=::" not in out
    # every file the dry run writes is written by a complete heredoc
    assert out.count("<<'RG_EOF'") == out.count("\nRG_EOF\n") == 3


def test_dry_run_of_the_rules_alone_and_redirect_all():
    proc = script(
        LAB_AP, "--in-iface", "wl0", "--uplink", "up0", "--redirect", "all", "--backend", "nft", "--dry-run", "rules"
    )
    assert proc.returncode == 0, proc.stderr
    assert "meta l4proto tcp redirect to :8080" in proc.stdout
    assert "hostapd" not in proc.stdout and "dnsmasq" not in proc.stdout


def test_iptables_backend_dry_run():
    proc = script(LAB_AP, "--backend", "iptables", "--dry-run", "rules")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "iptables -t nat -I PREROUTING 1 -j RG_AP_PRE" in out
    assert (
        "iptables -t nat -A RG_AP_PRE -i wlan0 -m addrtype \\! --dst-type LOCAL -p tcp -m multiport --dports 80\\,443 "
        "-j REDIRECT --to-ports 8080" in out
    )
    assert "iptables -t filter -A RG_AP_FWD -i wlan0 -p udp --dport 443 -j REJECT" in out
    assert "iptables -t nat -A RG_AP_PRE -i wlan0 -p udp --dport 53 -j REDIRECT --to-ports 8053" in out
    assert "iptables -t filter -A RG_AP_IN -i wlan0 -p tcp --dport 5335 -j DROP" in out
    assert "ip6tables -t filter -A RG_AP_FWD6 -i wlan0 -j DROP" in out


def test_down_dry_run_restores_saved_state():
    proc = script(LAB_AP, "--backend", "nft", "--state-dir", "/run/rg-test", "--dry-run", "down")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "nft delete table inet residency_guard" in out
    assert "sysctl -q -w net.ipv4.ip_forward=$(cat /run/rg-test/ip_forward)" in out
    assert "ip addr del 10.66.0.1/24 dev wlan0" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--subnet", "10.66.0.5/24", "dry-run"], "host bits set"),
        (["--subnet", "10.66.0.0/8", "dry-run"], "prefix must be"),
        (["--subnet", "10.300.0.0/24", "dry-run"], "invalid address"),
        (["--wifi", "eth0", "--uplink", "eth0", "dry-run"], "must be different"),
        (["--passphrase", "short", "dry-run"], "8 to 63"),
        (["--port", "70000", "dry-run"], "not a TCP port"),
        (["--redirect", "udp", "dry-run"], "'web' or 'all'"),
        (["--wifi", "wl0; reboot", "dry-run"], "not an interface name"),
        (["--ssid", "x" * 33, "--passphrase", "12345678", "dry-run"], "1 to 32 bytes"),
        (["bogus"], "unknown argument"),
        (["up", "down"], "one command at a time"),
    ],
)
def test_bad_options_are_refused_with_a_reason(args, message):
    proc = script(LAB_AP, *args)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert proc.stdout == ""


def test_up_without_passphrase_is_refused():
    proc = script(LAB_AP, "up", env={"PATH": "/usr/bin:/bin:/usr/sbin:/sbin"})
    assert proc.returncode == 2
    assert "--passphrase" in proc.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed (apt-get install shellcheck)")
def test_shellcheck_is_clean():
    proc = subprocess.run(["shellcheck", str(LAB_AP), str(INSTALL_CA)], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout


# ------------------------------------------------------------------------------------------ install-ca.sh


@pytest.fixture(scope="module")
def mitmproxy_ca(tmp_path_factory) -> Path:
    """A real mitmproxy CA, made by mitmproxy's own certificate store."""
    from mitmproxy.certs import CertStore

    confdir = tmp_path_factory.mktemp("confdir")
    CertStore.from_store(confdir, "mitmproxy", 2048)
    return confdir


def subject_hash_old(cert: Path) -> str:
    return subprocess.run(
        ["openssl", "x509", "-in", str(cert), "-noout", "-subject_hash_old"], capture_output=True, text=True, check=True
    ).stdout.strip()


def test_install_ca_user_store_android_11_plus(mitmproxy_ca):
    proc = script(INSTALL_CA, "--confdir", str(mitmproxy_ca), "--sdk", "33", "--dry-run", "user")
    assert proc.returncode == 0, proc.stderr
    assert f"adb push {mitmproxy_ca}/mitmproxy-ca-cert.pem /sdcard/Download/mitmproxy-ca-cert.crt" in proc.stdout
    assert "adb shell am start -a android.settings.SECURITY_SETTINGS" in proc.stdout
    assert "Install a certificate" in proc.stdout
    assert "android.credentials.INSTALL" not in proc.stdout


def test_install_ca_user_store_before_android_11_uses_the_install_intent(mitmproxy_ca):
    proc = script(INSTALL_CA, "--confdir", str(mitmproxy_ca), "--sdk", "29", "--dry-run", "-s", "R58M123", "user")
    assert proc.returncode == 0, proc.stderr
    assert (
        "adb -s R58M123 shell am start -a android.credentials.INSTALL -t application/x-x509-ca-cert "
        "-d file:///sdcard/Download/mitmproxy-ca-cert.crt" in proc.stdout
    )


def test_install_ca_system_store_uses_the_subject_hash(mitmproxy_ca):
    digest = subject_hash_old(mitmproxy_ca / "mitmproxy-ca-cert.pem")
    proc = script(INSTALL_CA, "--confdir", str(mitmproxy_ca), "--sdk", "30", "--dry-run", "system")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "adb root" in out and "adb remount" in out
    assert f"adb push /tmp/residency-guard-ca/{digest}.0 /system/etc/security/cacerts/{digest}.0" in out
    assert f"adb shell chcon u:object_r:system_file:s0 /system/etc/security/cacerts/{digest}.0" in out
    assert not Path("/tmp/residency-guard-ca").exists() or Path("/tmp/residency-guard-ca").is_dir()


def test_install_ca_android_14_overlays_the_conscrypt_apex(mitmproxy_ca):
    digest = subject_hash_old(mitmproxy_ca / "mitmproxy-ca-cert.pem")
    proc = script(INSTALL_CA, "--confdir", str(mitmproxy_ca), "--sdk", "34", "--dry-run", "system")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "adb remount" not in out  # the APEX is read-only: remounting /system would not help
    assert f"cp /data/local/tmp/{digest}.0 $staging/{digest}.0" in out
    assert "mount --bind /system/etc/security/cacerts /apex/com.android.conscrypt/cacerts" in out
    assert "nsenter --mount=/proc/$zygote/ns/mnt" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--confdir", "/nonexistent-confdir"], "no CA certificate"),
        (["--sdk", "eleven"], "API level number"),
        (["sideways"], "unknown argument"),
    ],
)
def test_install_ca_bad_input(mitmproxy_ca, args, message):
    base = [] if "--confdir" in args else ["--confdir", str(mitmproxy_ca)]
    proc = script(INSTALL_CA, *base, *args, "--dry-run")
    assert proc.returncode == 2
    assert message in proc.stderr


def test_install_ca_refuses_a_leaf_certificate(tmp_path, mitmproxy_ca):
    from mitmproxy.certs import CertStore

    store = CertStore.from_store(mitmproxy_ca, "mitmproxy", 2048)
    leaf = store.get_cert("phone.example", [])
    leaf_path = tmp_path / "leaf.pem"
    leaf_path.write_bytes(leaf.cert.to_pem())
    proc = script(INSTALL_CA, "--cert", str(leaf_path), "--dry-run")
    assert proc.returncode == 2
    assert "not a CA certificate" in proc.stderr
