"""``residency-guard profile --from-adb``: the adb output parsers, and the command end to end against a
fake ``adb`` that replays what phones of several Android versions print.

Every identifier here is fake with a valid checksum (490154203237518 is the well-known test IMEI).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import jsonschema
import pytest
import yaml
from stdnum import luhn

from residency_guard import idtypes
from residency_guard.adb import (
    Failure,
    codes_for,
    fatal_error,
    parse_adid_prefs,
    parse_devices,
    parse_getprop,
    parse_ip_link,
    parse_parcel_string,
    parse_siminfo,
)
from residency_guard.cli import main
from residency_guard.profile import load_profile

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "schemas" / "profile.schema.json").read_text(encoding="utf-8"))

IMEI1 = "490154203237518"
IMEI2 = "49015420323752" + luhn.calc_check_digit("49015420323752")
BAD_IMEI = IMEI1[:-1] + str((int(IMEI1[-1]) + 1) % 10)
IMSI = "242019999000001"
ICCID = "8947019999000000014"
WIFI = "a4:50:46:0f:1e:2d"
BT = "a4:50:46:0f:1e:2e"
SERIAL = "29211FDH2000AB"
ANDROID_ID = "0f1e2d3c4b5a6978"
AD_ID = "5d0e6c2a-9b7f-4e1d-8a3c-0f1e2d3c4b5a"
PKG = "s16 com.android.shell"

# What `service call iphonesubinfo 1 s16 com.android.shell` prints on a phone, verbatim.
IMEI1_PARCEL = """\
Result: Parcel(
  0x00000000: 00000000 0000000f 00390034 00310030 '........4.9.0.1.'
  0x00000010: 00340035 00300032 00320033 00370033 '5.4.2.0.3.2.3.7.'
  0x00000020: 00310035 00000038                   '5.1.8...        ')
"""
NULL_PARCEL = "Result: Parcel(00000000 ffffffff   '........')\n"
UNKNOWN_CODE_PARCEL = 'Result: Parcel(Error: 0xffffffb6 "Not a data message")\n'
NOT_ROOTED = "/system/bin/sh: su: inaccessible or not found\n"
DENIED_PROVIDER = (
    "Error while accessing provider:telephony\njava.lang.SecurityException: Permission Denial: opening provider "
    "com.android.providers.telephony.TelephonyProvider from (null) (pid=8731, uid=2000) requires "
    "android.permission.READ_PHONE_STATE or android.permission.WRITE_APN_SETTINGS\n"
)


def parcel(value: str | None, status: int = 0) -> str:
    """A reply as Android's ``service`` tool prints it: status word, String16 (length, UTF-16 units, NUL,
    padded to 4 bytes), 32-bit words as little-endian hex, 16 bytes a line with the ASCII column."""
    data = (status & 0xFFFFFFFF).to_bytes(4, "little")
    if value is None:
        data += b"\xff\xff\xff\xff"
    else:
        units = value.encode("utf-16-le") + b"\0\0"
        data += len(value).to_bytes(4, "little") + units + b"\0" * (-len(units) % 4)
    if status:
        data += b"\0" * 4  # the (empty) remote stack trace header after the exception message
    words = [f"{int.from_bytes(data[i : i + 4], 'little'):08x}" for i in range(0, len(data), 4)]
    ascii_ = "".join(chr(b) if 32 <= b < 127 else "." for b in data)
    if len(data) <= 16:
        return f"Result: Parcel({' '.join(words)}   '{ascii_}')\n"
    lines = []
    for off in range(0, len(data), 16):
        chunk = " ".join(words[off // 4 : off // 4 + 4])
        lines.append(f"  0x{off:08x}: {chunk:<35} '{ascii_[off : off + 16]:<16}'")
    return "Result: Parcel(\n" + "\n".join(lines) + ")\n"


def denied(method: str) -> str:
    # Android 10+ TelephonyPermissions, thrown to a caller without READ_PRIVILEGED_PHONE_STATE
    return parcel(f"{method}: The user 2000 does not meet the requirements to access device identifiers.", status=-1)


def getprop(**props: str) -> str:
    return "".join(f"[{k}]: [{v}]\n" for k, v in props.items())


def adid_xml(adid: str) -> str:
    return textwrap.dedent(
        f"""\
        <?xml version='1.0' encoding='utf-8' standalone='yes' ?>
        <map>
            <string name="adid_key">{adid}</string>
            <int name="adid_reset_count" value="0" />
            <boolean name="enable_limit_ad_tracking" value="false" />
        </map>
        """
    )


IP_LINK = (
    "30: wlan0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc mq state UP mode DORMANT group default qlen 3000\n"
    f"    link/ether {WIFI} brd ff:ff:ff:ff:ff:ff\n"
)
BT_DUMP = f"Bluetooth Status\n  enabled: true\n  state: ON\n  address: {BT.upper()}\n  name: Galaxy A52\n"


def devices_line(serial: str, state: str = "device", model: str = "Pixel_8") -> str:
    return f"{serial:<22} {state} usb:1-1 product:shiba model:{model} device:shiba transport_id:1\n"


# ------------------------------------------------------------------------------ scenarios (phones)


def android14_rooted() -> dict[str, object]:
    return {
        "devices": "List of devices attached\n" + devices_line(SERIAL),
        "serial": SERIAL,
        "commands": {
            "getprop": getprop(
                **{
                    "ro.build.version.sdk": "34",
                    "ro.build.version.release": "14",
                    "ro.product.manufacturer": "Google",
                    "ro.product.model": "Pixel 8",
                    "ro.build.fingerprint": "google/shiba/shiba:14/AP2A.240805.005/12025142:user/release-keys",
                    "ro.serialno": SERIAL,
                    "ro.boot.serialno": SERIAL,
                }
            ),
            f"service call iphonesubinfo 4 i32 0 {PKG}": parcel(IMEI1),
            f"service call iphonesubinfo 4 i32 1 {PKG}": parcel(IMEI2),
            f"service call iphonesubinfo 8 {PKG}": parcel(IMSI),
            f"service call iphonesubinfo 12 {PKG}": parcel(ICCID),
            "cat /sys/class/net/wlan0/address": WIFI + "\n",
            "settings get secure bluetooth_address": BT.upper() + "\n",
            "settings get secure android_id": ANDROID_ID + "\n",
            "su -c id": "uid=0(root) gid=0(root) groups=0(root) context=u:r:magisk:s0\n",
            "su -c 'cat /data/data/com.google.android.gms/shared_prefs/adid_settings.xml'": adid_xml(AD_ID),
        },
    }


def android11_plain() -> dict[str, object]:
    """A stock phone: ICCID and IMSI denied to the shell, no root, /sys MAC hidden, single SIM."""
    serial = "R58M12ABCDE"
    return {
        "devices": "List of devices attached\n" + devices_line(serial, model="SM_A525F"),
        "serial": serial,
        "commands": {
            "getprop": getprop(
                **{
                    "ro.build.version.sdk": "30",
                    "ro.build.version.release": "11",
                    "ro.product.manufacturer": "samsung",
                    "ro.product.model": "SM-A525F",
                    "ro.serialno": serial,
                }
            ),
            f"service call iphonesubinfo 4 i32 0 {PKG}": IMEI1_PARCEL,
            # getDeviceIdForPhone maps a slot that does not exist to phone 0
            f"service call iphonesubinfo 4 i32 1 {PKG}": IMEI1_PARCEL,
            f"service call iphonesubinfo 8 {PKG}": denied("getSubscriberId"),
            f"service call iphonesubinfo 9 {PKG}": denied("getSubscriberIdWithFeature"),
            f"service call iphonesubinfo 12 {PKG}": denied("getIccSerialNumber"),
            f"service call iphonesubinfo 13 {PKG}": denied("getIccSerialNumberWithFeature"),
            "content query --uri content://telephony/siminfo": {"err": DENIED_PROVIDER, "rc": 1},
            "cat /sys/class/net/wlan0/address": {
                "err": "cat: /sys/class/net/wlan0/address: Permission denied\n",
                "rc": 1,
            },
            "ip link show wlan0": IP_LINK,
            "settings get secure bluetooth_address": "null\n",
            "dumpsys bluetooth_manager": BT_DUMP,
            "settings get secure android_id": ANDROID_ID + "\n",
            "su -c id": {"err": NOT_ROOTED, "rc": 127},
        },
    }


def android9_bad_checksum() -> dict[str, object]:
    """Android 9 codes (getDeviceIdForPhone = 3, getSubscriberId = 7); slot 1 answers an IMEI with a
    wrong check digit, slot 2 is only in an OEM property."""
    serial = "HT7A1234567"
    return {
        "devices": "List of devices attached\n" + devices_line(serial, model="Nokia_7_plus"),
        "serial": serial,
        "commands": {
            "getprop": getprop(
                **{
                    "ro.build.version.sdk": "28",
                    "ro.build.version.release": "9",
                    "ro.serialno": serial,
                    "persist.radio.imei2": IMEI2,
                }
            ),
            f"service call iphonesubinfo 3 i32 0 {PKG}": parcel(BAD_IMEI),
            f"service call iphonesubinfo 3 i32 1 {PKG}": NULL_PARCEL,
            f"service call iphonesubinfo 1 {PKG}": parcel(BAD_IMEI),
            f"service call iphonesubinfo 7 {PKG}": parcel(IMSI),
            f"service call iphonesubinfo 10 {PKG}": parcel(ICCID + "F"),
            "cat /sys/class/net/wlan0/address": WIFI + "\n",
            "settings get secure android_id": ANDROID_ID + "\n",
        },
    }


def android13_rooted_siminfo() -> dict[str, object]:
    """Rooted Android 13 whose telephony getters deny the shell: ICCID and IMSI come from the SIM table
    read as root, which also remembers a SIM no longer inserted (sim_id -1)."""
    serial = "RZ8T30ABCDE"
    siminfo = (
        f"Row: 0 _id=1, icc_id={ICCID}, sim_id=0, display_name=Telenor, NO, carrier_name=Telenor, imsi={IMSI}, "
        "card_id=" + ICCID + "\n"
        "Row: 1 _id=2, icc_id=8947089999000000027, sim_id=-1, display_name=Old SIM, imsi=242089999000002\n"
    )
    return {
        "devices": "List of devices attached\n" + devices_line(serial, model="SM_S911B"),
        "serial": serial,
        "commands": {
            "getprop": getprop(**{"ro.build.version.sdk": "33", "ro.build.version.release": "13"}),
            f"service call iphonesubinfo 4 i32 0 {PKG}": parcel(IMEI1),
            f"service call iphonesubinfo 4 i32 1 {PKG}": parcel(IMEI2),
            f"service call iphonesubinfo 8 {PKG}": denied("getSubscriberId"),
            f"service call iphonesubinfo 9 {PKG}": denied("getSubscriberIdWithFeature"),
            f"service call iphonesubinfo 12 {PKG}": denied("getIccSerialNumber"),
            f"service call iphonesubinfo 13 {PKG}": denied("getIccSerialNumberWithFeature"),
            "content query --uri content://telephony/siminfo": {"err": DENIED_PROVIDER, "rc": 1},
            "su -c id": "uid=0(root) gid=0(root) groups=0(root) context=u:r:magisk:s0\n",
            "su -c 'content query --uri content://telephony/siminfo'": siminfo,
            "cat /sys/class/net/wlan0/address": "ea:50:46:0f:1e:2d\n",
            "settings get secure android_id": ANDROID_ID + "\n",
            "su -c 'cat /data/data/com.google.android.gms/shared_prefs/adid_settings.xml'": {
                "err": "cat: /data/data/com.google.android.gms/shared_prefs/adid_settings.xml: No such file or directory\n",
                "rc": 1,
            },
        },
    }


def android4_dumpsys() -> dict[str, object]:
    """Android 4.4: no calling package argument; the IMEI is in dumpsys iphonesubinfo."""
    serial = "0123ABCD4567"
    return {
        "devices": "List of devices attached\n" + devices_line(serial, model="GT_I9505"),
        "serial": serial,
        "commands": {
            "getprop": getprop(**{"ro.build.version.sdk": "19", "ro.build.version.release": "4.4.2"}),
            "service call iphonesubinfo 1": NULL_PARCEL,
            "service call iphonesubinfo 3": UNKNOWN_CODE_PARCEL,
            "dumpsys iphonesubinfo": f"Phone Subscriber Info:\n  Phone Type = GSM\n  Device ID = {IMEI1}\n",
        },
    }


FAKE_ADB = """\
import json, os, sys
scenario = json.load(open(os.environ["FAKE_ADB_SCENARIO"]))
args = sys.argv[1:]
with open(os.environ["FAKE_ADB_LOG"], "a") as log:
    log.write(json.dumps(args) + "\\n")
if args[:1] == ["-s"]:
    if args[1] != scenario.get("serial"):
        sys.stderr.write("adb: device '%s' not found\\n" % args[1])
        sys.exit(1)
    args = args[2:]
if args == ["devices", "-l"]:
    sys.stdout.write(scenario["devices"])
    sys.stderr.write(scenario.get("devices_err", ""))
    sys.exit(scenario.get("devices_rc", 0))
if args[:1] == ["shell"]:
    if "shell_error" in scenario:
        sys.stderr.write(scenario["shell_error"])
        sys.exit(1)
    answer = scenario["commands"].get(" ".join(args[1:]), "")
    if isinstance(answer, str):
        answer = {"out": answer}
    if "sleep" in answer:
        import time
        time.sleep(answer["sleep"])
    sys.stdout.write(answer.get("out", ""))
    sys.stderr.write(answer.get("err", ""))
    sys.exit(answer.get("rc", 0))
sys.stderr.write("fake adb: unexpected arguments %r\\n" % args)
sys.exit(1)
"""


class FakeAdb:
    def __init__(self, root: Path):
        self.bin = root / "bin"
        self.bin.mkdir()
        self.scenario = root / "scenario.json"
        self.log = root / "adb.log"
        script = self.bin / "adb"
        script.write_text(f"#!{sys.executable}\n{FAKE_ADB}", encoding="utf-8")
        script.chmod(0o755)

    def load(self, scenario: dict[str, object]) -> None:
        self.scenario.write_text(json.dumps(scenario), encoding="utf-8")

    def calls(self) -> list[list[str]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def env(self) -> dict[str, str]:
        return {
            "PATH": f"{self.bin}{os.pathsep}{os.environ.get('PATH', '')}",
            "FAKE_ADB_SCENARIO": str(self.scenario),
            "FAKE_ADB_LOG": str(self.log),
        }


@pytest.fixture
def adb(tmp_path, monkeypatch) -> FakeAdb:
    fake = FakeAdb(tmp_path)
    for key, value in fake.env().items():
        monkeypatch.setenv(key, value)
    return fake


def profile_cli(out: Path, *extra: str) -> list[str]:
    return ["profile", "--from-adb", "-o", str(out), *extra]


def line_of(report: str, label: str) -> str:
    """The report line of one field."""
    (line,) = [ln for ln in report.splitlines() if ln.startswith(f"  {label} ")]
    return line


def check_schema(path: Path) -> None:
    jsonschema.validate(yaml.safe_load(path.read_text(encoding="utf-8")), SCHEMA)


# -------------------------------------------------------------------------------------- end to end


def test_rooted_android14_reads_every_field(adb, tmp_path, capsys):
    adb.load(android14_rooted())
    out = tmp_path / "lab-pixel.yaml"
    assert main(profile_cli(out)) == 0
    profile = load_profile(out)
    assert profile.name == "lab-pixel"
    assert profile.imei == [IMEI1, IMEI2] and profile.imsi == [IMSI] and profile.iccid == [ICCID]
    assert profile.mac == [WIFI, BT] and profile.serial == [SERIAL]
    assert profile.android_id == [ANDROID_ID] and profile.ad_id == [AD_ID]
    check_schema(out)
    text = out.read_text(encoding="utf-8")
    assert "# model: Pixel 8" in text and "# fingerprint: google/shiba/shiba:14/" in text
    report = capsys.readouterr()
    assert "not readable" not in report.out
    for value in (IMEI1, IMEI2, IMSI, ICCID, WIFI, SERIAL, ANDROID_ID, AD_ID):
        assert value not in report.out + report.err  # masked by default
    assert idtypes.mask("imei", IMEI1) in report.out
    # after picking the device, every command names it
    assert all(call[:2] == ["-s", SERIAL] for call in adb.calls()[1:])


def test_show_values_prints_full_values(adb, tmp_path, capsys):
    adb.load(android14_rooted())
    assert main(profile_cli(tmp_path / "p.yaml", "--show-values")) == 0
    out = capsys.readouterr().out
    assert IMEI1 in out and ICCID in out and AD_ID in out


def test_plain_android11_reports_what_is_denied(adb, tmp_path, capsys):
    adb.load(android11_plain())
    out = tmp_path / "samsung.yaml"
    assert main(profile_cli(out)) == 0
    report = capsys.readouterr().out
    assert "not readable  permission-denied: SecurityException: getSubscriberId: The user 2000" in line_of(
        report, "imsi"
    )
    assert "not readable  permission-denied: SecurityException: getIccSerialNumber" in line_of(report, "iccid")
    assert "not readable  permission-denied: needs root: /system/bin/sh: su:" in line_of(report, "ad_id")
    assert "not readable  empty: same value as slot 1" in line_of(report, "imei (slot 2)")
    profile = load_profile(out)
    assert profile.imei == [IMEI1] and profile.imsi == [] and profile.iccid == [] and profile.ad_id == []
    assert profile.mac == [WIFI, BT]  # from ip link and dumpsys bluetooth_manager
    check_schema(out)
    assert "#   iccid: permission-denied" in out.read_text(encoding="utf-8")
    assert IMEI1 not in report


def test_android9_invalid_checksum_is_not_written(adb, tmp_path, capsys):
    adb.load(android9_bad_checksum())
    out = tmp_path / "nokia.yaml"
    assert main(profile_cli(out)) == 0
    report = capsys.readouterr().out
    assert "not readable  invalid: IMEI check digit is wrong (Luhn)" in line_of(report, "imei (slot 1)")
    assert BAD_IMEI not in report
    profile = load_profile(out)
    assert profile.imei == [IMEI2]  # slot 2 from persist.radio.imei2
    assert BAD_IMEI not in out.read_text(encoding="utf-8")
    assert profile.imsi == [IMSI] and profile.iccid == [ICCID]  # trailing F padding dropped


def test_android13_rooted_sim_table(adb, tmp_path, capsys):
    adb.load(android13_rooted_siminfo())
    out = tmp_path / "galaxy.yaml"
    assert main(profile_cli(out)) == 0
    report = capsys.readouterr().out
    profile = load_profile(out)
    assert profile.imsi == [IMSI] and profile.iccid == [ICCID]  # the removed SIM is not this phone's
    assert "content query --uri content://telephony/siminfo" in line_of(report, "iccid")
    assert "note: locally administered" in report  # a randomised Wi-Fi MAC is written, with a warning
    assert profile.mac == ["ea:50:46:0f:1e:2d"]
    assert "not readable  not-present: cat: " in line_of(report, "ad_id")  # no Play services
    check_schema(out)


def test_android4_imei_from_dumpsys(adb, tmp_path):
    adb.load(android4_dumpsys())
    out = tmp_path / "old.yaml"
    assert main(profile_cli(out)) == 0
    assert load_profile(out).imei == [IMEI1]
    shell = [c[3] for c in adb.calls() if c[2:3] == ["shell"]]
    assert "service call iphonesubinfo 1" in shell  # no calling-package argument before Android 5.1


@pytest.mark.parametrize(
    "devices,message",
    [
        ("List of devices attached\n\n", "no device connected"),
        ("List of devices attached\n" + devices_line(SERIAL, "unauthorized"), "unauthorized"),
        ("List of devices attached\n" + devices_line(SERIAL, "offline"), "device is offline"),
        (
            "List of devices attached\n" + devices_line(SERIAL) + devices_line("emulator-5554"),
            f"more than one device connected ({SERIAL}, emulator-5554): choose one with --serial",
        ),
    ],
)
def test_device_problems_exit_2_with_one_line(adb, tmp_path, capsys, devices, message):
    adb.load({**android14_rooted(), "devices": devices})
    out = tmp_path / "p.yaml"
    assert main(profile_cli(out)) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_serial_picks_one_of_several(adb, tmp_path):
    adb.load(
        {**android14_rooted(), "devices": "List of devices attached\n" + devices_line("other1") + devices_line(SERIAL)}
    )
    assert main(profile_cli(tmp_path / "p.yaml", "--serial", SERIAL)) == 0
    assert main(profile_cli(tmp_path / "q.yaml", "--serial", "nope")) == 2


@pytest.mark.parametrize(
    "stderr,message",
    [
        ("error: device unauthorized.\nThis adb server's $ADB_VENDOR_KEYS is not set\n", "unauthorized"),
        ("error: no devices/emulators found\n", "no device connected"),
        (f"adb: device '{SERIAL}' not found\n", f"device '{SERIAL}' not found"),
    ],
)
def test_adb_failing_mid_read_exits_2(adb, tmp_path, capsys, stderr, message):
    adb.load({**android14_rooted(), "shell_error": stderr})
    assert main(profile_cli(tmp_path / "p.yaml")) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_adb_server_failure_exits_2(adb, tmp_path, capsys):
    err = "* daemon not running; starting now at tcp:5037\ncould not read ok from ADB Server\n"
    adb.load({**android14_rooted(), "devices": "", "devices_err": err, "devices_rc": 1})
    assert main(profile_cli(tmp_path / "p.yaml")) == 2
    assert "'adb devices' failed" in capsys.readouterr().err


def test_su_waiting_for_a_grant_times_out(adb, tmp_path, capsys):
    scenario = android14_rooted()
    commands = scenario["commands"]
    assert isinstance(commands, dict)
    commands["su -c id"] = {"sleep": 30}
    adb.load(scenario)
    assert main(profile_cli(tmp_path / "p.yaml", "--timeout", "3")) == 0
    assert "not readable  timeout: su did not answer within 3 s" in line_of(capsys.readouterr().out, "ad_id")


def test_no_adb_on_path(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    assert main(profile_cli(tmp_path / "p.yaml")) == 2
    assert "adb not found on PATH" in capsys.readouterr().err


def test_existing_output_needs_force(adb, tmp_path, capsys):
    adb.load(android14_rooted())
    out = tmp_path / "p.yaml"
    out.write_text("name: keep-me\n", encoding="utf-8")
    assert main(profile_cli(out)) == 2
    assert "exists (--force to overwrite)" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "name: keep-me\n" and adb.calls() == []
    assert main(profile_cli(out, "--force")) == 0
    assert load_profile(out).imei == [IMEI1, IMEI2]


def test_nothing_readable_writes_nothing(adb, tmp_path, capsys):
    adb.load({"devices": "List of devices attached\n" + devices_line(SERIAL), "serial": SERIAL, "commands": {}})
    out = tmp_path / "p.yaml"
    assert main(profile_cli(out)) == 2
    assert "no identifier could be read" in capsys.readouterr().err and not out.exists()


def test_from_adb_is_required(tmp_path, capsys):
    assert main(["profile", "-o", str(tmp_path / "p.yaml")]) == 2
    assert "--from-adb" in capsys.readouterr().err


def test_as_a_subprocess(tmp_path):
    fake = FakeAdb(tmp_path)
    fake.load(android11_plain())
    out = tmp_path / "phone.yaml"
    env = {**os.environ, **fake.env(), "PYTHONPATH": str(ROOT / "addons")}
    cmd = [sys.executable, "-m", "residency_guard.cli", *profile_cli(out)]
    proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "wrote" in proc.stderr and IMEI1 not in proc.stdout
    assert load_profile(out).imei == [IMEI1]
    fake.load({**android11_plain(), "devices": "List of devices attached\n\n"})
    proc = subprocess.run([*cmd, "--force"], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and "no device connected" in proc.stderr


# ----------------------------------------------------------------------------------------- parsers


def test_parcel_multiline_verbatim():
    assert parse_parcel_string(IMEI1_PARCEL) == IMEI1


@pytest.mark.parametrize("value", [IMEI1, IMSI, ICCID, "ab", "abc"])
def test_parcel_round_trip(value):
    assert parse_parcel_string(parcel(value)) == value


def test_parcel_empty_string_is_no_value():
    got = parse_parcel_string(parcel(""))
    assert isinstance(got, Failure) and got.kind == "empty"


def test_parcel_failures():
    assert parse_parcel_string(NULL_PARCEL).kind == "empty"
    assert parse_parcel_string(UNKNOWN_CODE_PARCEL).kind == "not-present"
    got = parse_parcel_string(denied("getIccSerialNumber"))
    assert isinstance(got, Failure) and got.kind == "permission-denied"
    assert "getIccSerialNumber: The user 2000 does not meet the requirements" in got.detail
    assert parse_parcel_string("service: Service iphonesubinfo does not exist\n").kind == "not-present"
    assert parse_parcel_string("Result: Parcel(00000000 zzzz '..')").kind == "error"


@pytest.mark.parametrize(
    "stderr,expected",
    [
        ("error: no devices/emulators found", "no device connected"),
        ("adb: no devices/emulators found", "no device connected"),
        ("error: device unauthorized.\nThis adb server's $ADB_VENDOR_KEYS is not set", "unauthorized"),
        ("error: more than one device/emulator", "choose one with --serial"),
        ("adb: more than one device/emulator", "choose one with --serial"),
        ("error: device offline", "offline"),
    ],
)
def test_fatal_adb_messages(stderr, expected):
    message = fatal_error(stderr)
    assert message is not None and expected in message


def test_device_command_errors_are_not_fatal():
    assert fatal_error("cat: /sys/class/net/wlan0/address: Permission denied") is None
    assert fatal_error(DENIED_PROVIDER) is None


def test_parse_devices_states():
    text = (
        "* daemon not running; starting now at tcp:5037\n* daemon started successfully\nList of devices attached\n"
        + devices_line(SERIAL)
        + "emulator-5554\tunauthorized\n"
        + "0123456789ABCDEF\tno permissions (user in plugdev group; are your udev rules wrong?); see [http://x]\n"
    )
    got = parse_devices(text)
    assert [(d.serial, d.state) for d in got] == [
        (SERIAL, "device"),
        ("emulator-5554", "unauthorized"),
        ("0123456789ABCDEF", "no permissions"),
    ]
    assert got[0].details["model"] == "Pixel_8"


def test_small_parsers():
    assert parse_getprop("[ro.serialno]: [X1]\n[ro.empty]: []\nnoise\n") == {"ro.serialno": "X1", "ro.empty": ""}
    assert parse_ip_link(IP_LINK) == WIFI
    assert parse_adid_prefs(adid_xml(AD_ID)) == AD_ID
    assert parse_adid_prefs("cat: /data/data/x: Permission denied").kind == "permission-denied"
    rows = parse_siminfo(
        f"Row: 0 _id=1, icc_id={ICCID}, sim_id=0, display_name=Telenor, NO, imsi={IMSI}\n"
        "Row: 1 _id=2, icc_id=8947019999000000022, sim_id=-1, imsi=NULL\n"
    )
    assert rows == [{"_id": "1", "icc_id": ICCID, "sim_id": "0", "display_name": "Telenor, NO", "imsi": IMSI}]


def test_transaction_codes_by_version():
    assert codes_for("imei_for_phone", 34) == (4,) and codes_for("imei_for_phone", 28) == (3,)
    assert codes_for("imsi", 30) == (8, 9) and codes_for("imsi", 29) == (7,)
    assert codes_for("iccid", 33) == (12, 13) and codes_for("iccid", 28) == (10, 11)


def test_placeholder_imei_is_rejected(adb, tmp_path, capsys):
    # an emulator or a phone without a modem: all zeros passes Luhn but names no device
    scenario = android14_rooted()
    commands = scenario["commands"]
    assert isinstance(commands, dict)
    commands[f"service call iphonesubinfo 4 i32 0 {PKG}"] = parcel("000000000000000")
    adb.load(scenario)
    out = tmp_path / "p.yaml"
    assert main(profile_cli(out)) == 0
    assert "invalid: a placeholder value, not this device's imei" in line_of(capsys.readouterr().out, "imei (slot 1)")
    assert load_profile(out).imei == [IMEI2]
