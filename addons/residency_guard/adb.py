"""Read a test phone's own identifiers over adb, for ``residency-guard profile --from-adb``.

Two halves: pure parsers, one per command whose output we read (``adb devices -l``, ``getprop``, the
``service call`` parcel dump, ``ip link``, ``settings get``, ``content query``, the GMS ad-ID prefs),
tested on text in the formats devices print; and ``AdbRunner``, the only place that starts a process.
``read_device`` joins them: for each field it tries the known sources in order and keeps the first
value that passes the identifier type's own validation (``idtypes``), or says why none did.

Nothing here writes to the phone. ``service call iphonesubinfo N`` only ever uses codes of getters
(``TRANSACTION_CODES``): the same code is a setter on other interfaces, and guessing codes is how one
would hit ``setCarrierInfoForImsiEncryption``.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

import defusedxml.ElementTree as DefusedET
from defusedxml import DefusedXmlException

from . import idtypes

FailureKind = Literal["permission-denied", "not-present", "empty", "invalid", "timeout", "error"]

SHELL_PACKAGE = "com.android.shell"
"""The calling package passed to telephony getters: the shell user holds READ_PRIVILEGED_PHONE_STATE."""

ADID_PREFS = "/data/data/com.google.android.gms/shared_prefs/adid_settings.xml"


class AdbError(Exception):
    """adb cannot talk to the one device we want (missing, unauthorized, several, offline). One line."""


@dataclass(frozen=True, slots=True)
class Failure:
    kind: FailureKind
    detail: str


@dataclass(frozen=True, slots=True)
class CommandResult:
    returncode: int
    stdout: str
    stderr: str
    timed_out: bool = False

    @property
    def text(self) -> str:
        return (self.stdout + "\n" + self.stderr).strip()


@dataclass(frozen=True, slots=True)
class DeviceEntry:
    serial: str
    state: str
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FieldResult:
    """One field of the report: a validated value, or why there is none."""

    label: str
    type: str
    value: str | None
    source: str
    failure: Failure | None = None
    note: str | None = None


@dataclass(slots=True)
class DeviceReading:
    serial: str
    props: dict[str, str]
    fields: list[FieldResult]

    def values(self) -> dict[str, list[str]]:
        """Identifier type → distinct values, in the order read."""
        out: dict[str, list[str]] = {}
        for f in self.fields:
            if f.value is not None and f.value not in out.setdefault(f.type, []):
                out[f.type].append(f.value)
        return {t: v for t, v in out.items() if v}


# ------------------------------------------------------------------------------------------ parsers

_FATAL = (
    (re.compile(r"no devices/emulators found"), "no device connected (check the cable and that USB debugging is on)"),
    (
        re.compile(r"unauthorized"),
        "device is unauthorized: accept the 'Allow USB debugging?' prompt on the phone, then retry",
    ),
    (re.compile(r"more than one device(/emulator)?"), "more than one device connected: choose one with --serial"),
    (
        re.compile(r"offline"),
        "device is offline: reconnect it, or run 'adb kill-server'",
    ),
    (re.compile(r"device '([^']*)' not found"), "device {0!r} not found (see 'adb devices')"),
)
_ADB_ERROR_LINE = re.compile(r"^(?:error|adb): (.+)$", re.MULTILINE)


def fatal_error(stderr: str) -> str | None:
    """The one-line message for an adb-level failure (``error: …`` or, since platform-tools 31,
    ``adb: …``), or None when the text is the device command's own output."""
    for line in _ADB_ERROR_LINE.findall(stderr):
        for pattern, message in _FATAL:
            m = pattern.search(line)
            if m:
                return message.format(*m.groups())
    return None


def parse_devices(text: str) -> list[DeviceEntry]:
    """``adb devices -l``: ``SERIAL  STATE key:value…`` per line after the header."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("List of devices", "*", "adb server")):
            continue
        serial, _, rest = line.partition(" ") if "\t" not in line else line.partition("\t")
        rest = rest.strip()
        # "no permissions (user in plugdev group; are your udev rules wrong?)" is a state with spaces
        if rest.startswith("no permissions"):
            out.append(DeviceEntry(serial, "no permissions"))
            continue
        state, *pairs = rest.split()
        details = dict(p.split(":", 1) for p in pairs if ":" in p)
        out.append(DeviceEntry(serial, state, details))
    return out


_GETPROP = re.compile(r"^\[([^\]]+)\]: \[(.*)\]$")


def parse_getprop(text: str) -> dict[str, str]:
    """``getprop`` without a name: ``[key]: [value]`` per line (a value never spans lines)."""
    props = {}
    for line in text.splitlines():
        m = _GETPROP.match(line.strip())
        if m:
            props[m.group(1)] = m.group(2)
    return props


_EXCEPTIONS = {
    -1: "SecurityException",
    -2: "BadParcelableException",
    -3: "IllegalArgumentException",
    -4: "NullPointerException",
    -5: "IllegalStateException",
    -6: "NetworkOnMainThreadException",
    -7: "UnsupportedOperationException",
    -8: "ServiceSpecificException",
}


def _parcel_words(text: str) -> list[int]:
    """The 32-bit words of a ``Result: Parcel(…)`` dump, one line or the multi-line hex dump form."""
    body = text[text.index("Result: Parcel(") + len("Result: Parcel(") :]
    words = []
    for line in body.splitlines():
        hexpart = line.split("'", 1)[0]  # the ASCII column is quoted and may contain anything
        for token in hexpart.split():
            if re.fullmatch(r"0x[0-9a-fA-F]+:", token):
                continue
            if not re.fullmatch(r"[0-9a-fA-F]{8}", token):
                raise ValueError(f"unexpected token in parcel dump: {token[:20]!r}")
            words.append(int(token, 16))
    return words


def _string16(words: Sequence[int]) -> str | None:
    """A Parcel String16: length in UTF-16 units (-1 = null), then the units, two per word, low half
    first (the dump prints each word as a little-endian integer)."""
    if not words:
        raise ValueError("parcel ends before the string")
    length = words[0]
    if length == 0xFFFFFFFF:
        return None
    raw = b"".join(w.to_bytes(4, "little") for w in words[1:])
    if len(raw) < 2 * length:
        raise ValueError("parcel ends inside the string")
    return raw[: 2 * length].decode("utf-16-le", errors="replace")


def parse_parcel_string(text: str) -> str | Failure:
    """The String a ``service call`` returned, or a Failure: exception (SecurityException = permission
    denied), null, an unknown transaction code, a missing service."""
    if "Result: Parcel(" not in text:
        return classify_failure(text)
    if re.search(r"Result: Parcel\(Error:", text):
        return Failure("not-present", "unknown transaction code on this Android version")
    try:
        words = _parcel_words(text)
        if not words:
            return Failure("empty", "empty reply")
        status = words[0] - (1 << 32) if words[0] & 0x80000000 else words[0]
        payload = _string16(words[1:]) if len(words) > 1 else None
    except ValueError as e:
        return Failure("error", f"unreadable parcel: {e}")
    if status == -1:
        return Failure("permission-denied", f"SecurityException: {_one_line(payload or '')}".rstrip(": "))
    if status != 0:
        name = _EXCEPTIONS.get(status, f"exception code {status}")
        return Failure("error", f"{name}: {_one_line(payload or '')}".rstrip(": "))
    if payload is None:
        # Android returns null, rather than throwing, to callers it deems to have only READ_PHONE_STATE,
        # and when there is no value (no SIM): the two cannot be told apart from here.
        return Failure("empty", "the service returned null (no value, or withheld from the shell user)")
    if not payload.strip():
        return Failure("empty", "the service returned an empty string")
    return payload


def parse_dumpsys_device_id(text: str) -> str | Failure:
    """``dumpsys iphonesubinfo`` (Android 4.x and some OEM builds): ``Device ID = …``."""
    m = re.search(r"Device ID\s*=\s*(\S+)", text)
    return m.group(1) if m else classify_failure(text, absent="no 'Device ID' line")


def parse_ip_link(text: str) -> str | Failure:
    m = re.search(r"link/ether\s+([0-9a-fA-F:]{17})", text)
    return m.group(1) if m else classify_failure(text, absent="no link/ether address")


def parse_bluetooth_dump(text: str) -> str | Failure:
    """``dumpsys bluetooth_manager``: the adapter's ``address: …`` line in its status block."""
    m = re.search(r"^\s*address:\s*([0-9A-Fa-f:]{17})\s*$", text, re.MULTILINE)
    return m.group(1) if m else classify_failure(text, absent="no adapter address line")


def parse_plain_value(text: str) -> str | Failure:
    """A command that prints one value (``cat``, ``settings get``); ``settings`` prints ``null`` for unset."""
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if lines == ["null"]:
        return Failure("empty", "not set (null)")
    if len(lines) == 1 and not _looks_like_error(lines[0]):
        return lines[0]
    return classify_failure(text)


def parse_siminfo(text: str) -> list[dict[str, str]]:
    """``content query --uri content://telephony/siminfo``: ``Row: N key=value, key=value…``.

    Only the SIMs in a slot now (``sim_id`` ≥ 0): the table keeps every SIM the phone has ever seen."""
    rows = []
    for line in text.splitlines():
        if not line.startswith("Row: "):
            continue
        # values may hold ", " (display names): split only before a known-looking key
        pairs = re.split(r", (?=[a-z_0-9]+=)", line.split(" ", 2)[2] if line.count(" ") >= 2 else "")
        row = dict(p.split("=", 1) for p in pairs if "=" in p)
        if row.get("sim_id", "0").lstrip("-").isdigit() and int(row.get("sim_id", "0")) >= 0:
            rows.append(row)
    return rows


def parse_adid_prefs(text: str) -> str | Failure:
    """Google Play services' ``adid_settings.xml``: ``<string name="adid_key">UUID</string>``."""
    if "<map" not in text:
        return classify_failure(text)
    try:
        root = DefusedET.fromstring(text.strip())
    except (DefusedET.ParseError, DefusedXmlException) as e:
        return Failure("error", f"unreadable adid_settings.xml: {e}")
    for node in root.iter("string"):
        if node.get("name") == "adid_key" and node.text:
            return node.text.strip()
    return Failure("empty", "adid_settings.xml has no adid_key")


_PERMISSION = re.compile(
    r"permission denied|permission denial|securityexception|not allowed|does not meet the requirements|"
    r"requires .*permission|neither user \d+ nor current process",
    re.IGNORECASE,
)
_ABSENT = re.compile(
    r"inaccessible or not found|not found|no such file|does not exist|unknown command|can't find service|"
    r"no shell command implementation|unknown option",
    re.IGNORECASE,
)


def classify_failure(text: str, absent: str = "no value in the output") -> Failure:
    """Why a device command gave no value, from what it printed (old devices' adb shell always exits 0,
    so the text is all there is)."""
    stripped = text.strip()
    if not stripped:
        return Failure("empty", "no output")
    first = _one_line(stripped)
    if _PERMISSION.search(stripped):
        return Failure("permission-denied", first)
    if _ABSENT.search(stripped):
        return Failure("not-present", first)
    return Failure("error", f"{absent}: {first}")


def _looks_like_error(line: str) -> bool:
    return bool(_PERMISSION.search(line) or _ABSENT.search(line) or line.lower().startswith(("error", "usage")))


def _one_line(text: str, limit: int = 160) -> str:
    line = " ".join(text.strip().split("\n", 1)[0].split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


# --------------------------------------------------------------------------------------------- runner


class AdbRunner:
    """Runs ``adb [-s SERIAL] …`` with a timeout; an adb-level failure raises ``AdbError``."""

    def __init__(self, executable: str, serial: str | None = None, timeout: float = 10.0):
        self.executable = executable
        self.serial = serial
        self.timeout = timeout

    def for_serial(self, serial: str) -> AdbRunner:
        return AdbRunner(self.executable, serial, self.timeout)

    def run(self, *args: str) -> CommandResult:
        argv = [self.executable, *(("-s", self.serial) if self.serial else ()), *args]
        try:
            proc = subprocess.run(argv, capture_output=True, timeout=self.timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return CommandResult(-1, "", "", timed_out=True)
        except OSError as e:
            raise AdbError(f"cannot run {self.executable}: {e.strerror or e}") from None
        stdout = proc.stdout.decode("utf-8", errors="replace").replace("\r\n", "\n")
        stderr = proc.stderr.decode("utf-8", errors="replace").replace("\r\n", "\n")
        message = fatal_error(stderr) if proc.returncode != 0 or not stdout else None
        if message:
            raise AdbError(message)
        return CommandResult(proc.returncode, stdout, stderr)

    def shell(self, command: str) -> CommandResult:
        # one string: adb joins its arguments with spaces anyway, and the device's sh does the quoting
        return self.run("shell", command)


def select_device(runner: AdbRunner, serial: str | None) -> DeviceEntry:
    """The one device to read: the one ``--serial`` names, or the only one attached."""
    result = runner.run("devices", "-l")
    if result.timed_out:
        raise AdbError(f"'adb devices' did not answer within {runner.timeout:g} s (try 'adb kill-server')")
    if result.returncode != 0:
        # the server did not start, or another adb version owns it: nothing about the device yet
        raise AdbError(f"'adb devices' failed: {_one_line(result.text) or f'exit status {result.returncode}'}")
    devices = parse_devices(result.stdout)
    if serial is not None:
        devices = [d for d in devices if d.serial == serial]
        if not devices:
            raise AdbError(f"device {serial!r} not found (see 'adb devices')")
    if not devices:
        raise AdbError("no device connected (check the cable and that USB debugging is on)")
    if len(devices) > 1:
        serials = ", ".join(d.serial for d in devices)
        raise AdbError(f"more than one device connected ({serials}): choose one with --serial")
    device = devices[0]
    if device.state == "unauthorized":
        raise AdbError("device is unauthorized: accept the 'Allow USB debugging?' prompt on the phone, then retry")
    if device.state != "device":
        raise AdbError(f"device is {device.state}, not ready for adb shell (reconnect it, or run 'adb kill-server')")
    return device


# -------------------------------------------------------------------------------------------- reading

Fetch = Callable[[], str | Failure]
Source = tuple[str, Fetch]

TRANSACTION_CODES: dict[str, tuple[tuple[int, tuple[int, ...]], ...]] = {
    # IPhoneSubInfo.aidl method order, 1-based (FIRST_CALL_TRANSACTION = 1); (minimum SDK, codes).
    # Android 11 (SDK 30) added the *WithFeature getters, shifting everything after getDeviceId; a
    # later release inserted getGroupIdLevel2ForSubscriber before getIccSerialNumber (12 → 13), and
    # getIccSerialNumberWithFeature is 13 before it: both codes are ICCID getters from SDK 30 on.
    "imei_for_phone": ((30, (4,)), (22, (3,))),  # getDeviceIdForPhone(int phoneId, String pkg, …)
    "imsi": ((30, (8, 9)), (22, (7,)), (0, (3, 4))),  # getSubscriberId(String pkg)[WithFeature]
    "iccid": ((30, (12, 13)), (22, (10, 11)), (0, (4, 6, 8))),  # getIccSerialNumber(String pkg)…
    # Before 5.1 the getters took no argument and AOSP, 5.0 and vendor trees ordered them differently:
    # the SDK-0 rows list each tree's code, all getters; the value's validation tells which one answered.
}


def codes_for(method: str, sdk: int) -> tuple[int, ...]:
    for min_sdk, codes in TRANSACTION_CODES[method]:
        if sdk >= min_sdk:
            return codes
    return ()


def validate(type_: str, raw: str) -> str:
    """The identifier type's own normalisation (checksums, MCC/MNC, syntax), and its placeholders."""
    value = idtypes.normalize(type_, raw)
    placeholders: frozenset[str] = getattr(idtypes.TYPES[type_], "PLACEHOLDERS", frozenset())
    if value.lower() in placeholders:
        raise ValueError(f"a placeholder value, not this device's {type_}")
    return value


_RANK: dict[FailureKind, int] = {
    "invalid": 0,
    "permission-denied": 1,
    "timeout": 2,
    "error": 3,
    "empty": 4,
    "not-present": 5,
}


def resolve(label: str, type_: str, sources: Sequence[Source]) -> FieldResult:
    """The first source whose value validates; when none does, the most telling reason (a rejected
    value, then a denial, …, then 'not present')."""
    failures: list[tuple[str, Failure]] = []
    for desc, fetch in sources:
        got = fetch()
        if isinstance(got, Failure):
            failures.append((desc, got))
            continue
        try:
            value = validate(type_, got)
        except ValueError as e:
            masked = idtypes.mask(type_, got.strip())
            failures.append((desc, Failure("invalid", f"{e} (read {masked})")))
            continue
        return FieldResult(label, type_, value, desc)
    if not failures:
        return FieldResult(label, type_, None, "-", Failure("not-present", "no source for this field"))
    desc, worst = min(failures, key=lambda f: _RANK[f[1].kind])
    return FieldResult(label, type_, None, desc, worst)


class _Device:
    """Shell access with the answers shared between fields cached (getprop, root, siminfo)."""

    def __init__(self, runner: AdbRunner):
        self.runner = runner
        self._cache: dict[str, CommandResult] = {}

    def sh(self, command: str) -> CommandResult:
        if command not in self._cache:
            self._cache[command] = self.runner.shell(command)
        return self._cache[command]

    def fetch(self, command: str, parse: Callable[[str], str | Failure]) -> Fetch:
        def run() -> str | Failure:
            result = self.sh(command)
            if result.timed_out:
                return Failure("timeout", f"no answer within {self.runner.timeout:g} s")
            return parse(result.text)

        return run

    def rooted(self) -> bool:
        result = self.sh("su -c id")
        return not result.timed_out and "uid=0" in result.stdout

    def _not_root(self) -> Failure:
        result = self.sh("su -c id")
        if result.timed_out:
            # Magisk and SuperSU hold su until someone answers the grant prompt on the phone
            return Failure(
                "timeout", f"su did not answer within {self.runner.timeout:g} s (a root prompt on the phone?)"
            )
        why = classify_failure(result.text, absent="su is not root")
        return Failure("permission-denied", f"needs root: {why.detail}")

    def as_root(self, command: str, parse: Callable[[str], str | Failure]) -> Fetch:
        def run() -> str | Failure:
            if not self.rooted():
                return self._not_root()
            return self.fetch(f"su -c '{command}'", parse)()

        return run


def _prop_source(props: dict[str, str], key: str) -> Source:
    def run() -> str | Failure:
        value = props.get(key, "").strip()
        return value if value else Failure("not-present", f"property {key} not set")

    return f"getprop {key}", run


def _service_sources(dev: _Device, sdk: int, method: str, prefix: str = "") -> list[Source]:
    args = f" {prefix}s16 {SHELL_PACKAGE}" if sdk >= 22 else ""
    commands = [f"service call iphonesubinfo {code}{args}" for code in codes_for(method, sdk)]
    return [(c, dev.fetch(c, parse_parcel_string)) for c in commands]


def _siminfo_source(dev: _Device, column: str) -> Source:
    command = "content query --uri content://telephony/siminfo"

    def run() -> str | Failure:
        plain = dev.sh(command)
        rows = parse_siminfo(plain.text)
        if not rows and dev.rooted():
            rows = parse_siminfo(dev.sh(f"su -c '{command}'").text)
        values = [r[column] for r in rows if r.get(column) not in (None, "", "NULL")]
        return values[0] if values else classify_failure(plain.text, absent=f"no {column} in siminfo")

    return f"{command} ({column})", run


def _imei_fields(dev: _Device, props: dict[str, str], sdk: int) -> list[FieldResult]:
    fields = []
    for slot in (0, 1):
        sources = _service_sources(dev, sdk, "imei_for_phone", prefix=f"i32 {slot} ") if sdk >= 22 else []
        if slot == 0:
            command = f"service call iphonesubinfo 1{f' s16 {SHELL_PACKAGE}' if sdk >= 22 else ''}"
            sources.append((command, dev.fetch(command, parse_parcel_string)))
        # OEM builds (Qualcomm RIL, MIUI) that expose the IMEIs as properties
        keys = [f"ro.ril.oem.imei{slot + 1}", f"persist.radio.imei{slot + 1}", f"ro.ril.miui.imei{slot}"]
        if slot == 0:
            keys += ["ro.ril.oem.imei", "persist.radio.imei"]
        sources += [_prop_source(props, k) for k in keys]
        if slot == 0:
            sources.append(("dumpsys iphonesubinfo", dev.fetch("dumpsys iphonesubinfo", parse_dumpsys_device_id)))
        fields.append(resolve(f"imei (slot {slot + 1})", "imei", sources))
    first, second = fields
    if second.value is not None and second.value == first.value:
        # getDeviceIdForPhone falls back to phone 0 for a slot that does not exist: a single-SIM phone
        same = Failure("empty", "same value as slot 1 (a single-SIM phone)")
        fields[1] = FieldResult(second.label, "imei", None, second.source, same)
    return fields


def _mac_note(result: FieldResult) -> FieldResult:
    if result.value is not None and int(result.value[:2], 16) & 0x02:
        note = "locally administered: probably a randomised per-network MAC, not the factory one"
        return FieldResult(result.label, result.type, result.value, result.source, None, note)
    return result


def _android_id_field(dev: _Device, sdk: int) -> FieldResult:
    command = "settings get secure android_id"
    result = resolve("android_id", "android_id", [(command, dev.fetch(command, parse_plain_value))])
    if sdk >= 26 and result.value is not None:
        note = "since Android 8 each app sees its own Android ID; this is the shell's"
        return FieldResult(result.label, result.type, result.value, result.source, None, note)
    return result


def _mac_fields(dev: _Device) -> list[FieldResult]:
    wlan, bt = "cat /sys/class/net/wlan0/address", "settings get secure bluetooth_address"
    wifi_sources = [(wlan, dev.fetch(wlan, parse_plain_value))]
    wifi_sources.append(("ip link show wlan0", dev.fetch("ip link show wlan0", parse_ip_link)))
    bt_sources = [(bt, dev.fetch(bt, parse_plain_value))]
    bt_sources.append(("dumpsys bluetooth_manager", dev.fetch("dumpsys bluetooth_manager", parse_bluetooth_dump)))
    return [_mac_note(resolve("mac (wi-fi)", "mac", wifi_sources)), resolve("mac (bluetooth)", "mac", bt_sources)]


def _other_fields(dev: _Device, props: dict[str, str], sdk: int) -> list[FieldResult]:
    adid = f"su -c 'cat {ADID_PREFS}'"
    return [
        resolve("imsi", "imsi", [*_service_sources(dev, sdk, "imsi"), _siminfo_source(dev, "imsi")]),
        resolve("iccid", "iccid", [*_service_sources(dev, sdk, "iccid"), _siminfo_source(dev, "icc_id")]),
        *_mac_fields(dev),
        resolve("serial", "serial", [_prop_source(props, "ro.serialno"), _prop_source(props, "ro.boot.serialno")]),
        _android_id_field(dev, sdk),
        resolve("ad_id", "ad_id", [(adid, dev.as_root(f"cat {ADID_PREFS}", parse_adid_prefs))]),
    ]


def read_device(runner: AdbRunner) -> DeviceReading:
    """Every identifier the device lets the shell (or root) read, validated; nothing is written to it."""
    dev = _Device(runner)
    result = dev.sh("getprop")
    if result.timed_out:
        raise AdbError(f"the device did not answer 'getprop' within {runner.timeout:g} s")
    props = parse_getprop(result.stdout)
    sdk_text = props.get("ro.build.version.sdk", "")
    sdk = int(sdk_text) if sdk_text.isdigit() else 30  # unknown: assume a current release
    fields = _imei_fields(dev, props, sdk) + _other_fields(dev, props, sdk)
    return DeviceReading(runner.serial or "", props, fields)
