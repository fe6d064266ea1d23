"""``residency-guard profile --from-adb``: write a device profile from the phone on the USB cable.

Each identifier is read over adb (``residency_guard.adb``), validated by its identifier type, and
reported as read or not readable with the reason. Values are printed masked unless ``--show-values``.
The profile is validated with the loader the guard uses before it is put in place, so what is
written always loads.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from .. import idtypes
from ..adb import AdbError, AdbRunner, DeviceReading, FieldResult, read_device, select_device
from ..errors import ConfigError
from ..evidence.cli_support import error, note
from ..evidence.gate import EXIT_INPUT, EXIT_OK
from ..profile import DeviceProfile, load_profile

NAME = "profile"
FIELD_ORDER = ("imei", "imsi", "iccid", "mac", "serial", "android_id", "ad_id")
_DEVICE_PROPS = (
    ("manufacturer", "ro.product.manufacturer"),
    ("model", "ro.product.model"),
    ("android", "ro.build.version.release"),
    ("sdk", "ro.build.version.sdk"),
    ("fingerprint", "ro.build.fingerprint"),
)


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        NAME,
        help="write a device profile from a phone connected over adb",
        description="Read the phone's IMEIs, IMSI, ICCID, Wi-Fi and Bluetooth MACs, serial, Android ID and "
        "advertising ID over adb, validate each, and write a device profile (for run --profile). Values "
        "are printed masked unless --show-values.",
        epilog="exit status: 0 profile written; 2 usage or input error (adb not found, no device, several "
        "devices without --serial, unauthorized, output exists, nothing readable)",
    )
    parser.add_argument("--from-adb", action="store_true", help="read the identifiers over adb (required)")
    parser.add_argument("--serial", metavar="S", help="the device to read, as 'adb devices' lists it")
    parser.add_argument("-o", "--output", type=Path, required=True, metavar="FILE", help="profile to write")
    parser.add_argument("--name", help="profile name (default: the output file name without .yaml)")
    parser.add_argument("--force", action="store_true", help="overwrite FILE if it exists")
    parser.add_argument("--show-values", action="store_true", help="print full identifier values")
    parser.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS", help="per adb command (default 10)")
    parser.set_defaults(func=run)
    return parser


def _check_arguments(args: argparse.Namespace) -> str | None:
    """The first usage problem, before anything talks to the phone."""
    if not args.from_adb:
        return "give --from-adb (reading a phone over adb is the only source so far)"
    out: Path = args.output
    if out.exists() and not args.force:
        return f"{out} exists (--force to overwrite)"
    if out.exists() and not out.is_file():
        return f"{out} is not a file"
    if not out.parent.is_dir():
        return f"directory {out.parent} does not exist"
    if args.timeout <= 0:
        return "--timeout must be positive"
    name = args.name if args.name is not None else out.stem
    if not 1 <= len(name) <= 64:
        return f"profile name {name!r} must be 1-64 characters (--name)"
    return None


def run(args: argparse.Namespace) -> int:
    problem = _check_arguments(args)
    if problem:
        error(NAME, problem)
        return EXIT_INPUT
    executable = shutil.which("adb")
    if executable is None:
        error(NAME, "adb not found on PATH (install Android SDK platform-tools)")
        return EXIT_INPUT
    try:
        runner = AdbRunner(executable, timeout=args.timeout)
        device = select_device(runner, args.serial)
        reading = read_device(runner.for_serial(device.serial))
    except AdbError as e:
        error(NAME, str(e))
        return EXIT_INPUT
    sys.stdout.write(render_report(reading, args.show_values))
    values = reading.values()
    if not values:
        error(NAME, "no identifier could be read: profile not written")
        return EXIT_INPUT
    name = args.name if args.name is not None else args.output.stem
    try:
        write_profile(args.output, profile_yaml(name, reading), force=args.force)
    except (OSError, ConfigError, ValidationError) as e:
        error(NAME, f"cannot write {args.output}: {getattr(e, 'strerror', None) or e}")
        return EXIT_INPUT
    counts = ", ".join(f"{len(values[t])} {t}" for t in FIELD_ORDER if t in values)
    hint = "" if args.show_values else " (values masked; --show-values prints them)"
    note(NAME, f"wrote {args.output}: {counts}{hint}")
    return EXIT_OK


# ------------------------------------------------------------------------------------------- report


def _shown(f: FieldResult, show_values: bool) -> str:
    assert f.value is not None
    return f.value if show_values else idtypes.mask(f.type, f.value)


def render_report(reading: DeviceReading, show_values: bool) -> str:
    """One line per field: read (value, source) or not readable (reason, source)."""
    p = reading.props
    serial = reading.serial if show_values else idtypes.mask("serial", reading.serial)
    model = " ".join(x for x in (p.get("ro.product.manufacturer"), p.get("ro.product.model")) if x) or "unknown model"
    release = p.get("ro.build.version.release", "?")
    lines = [f"device {serial}: {model}, Android {release} (SDK {p.get('ro.build.version.sdk', '?')})"]
    width = max(len(f.label) for f in reading.fields)
    for f in reading.fields:
        if f.value is not None:
            lines.append(f"  {f.label:<{width}}  read          {_shown(f, show_values)}  [{f.source}]")
            if f.note:
                lines.append(f"  {'':<{width}}  note: {f.note}")
        else:
            assert f.failure is not None
            lines.append(f"  {f.label:<{width}}  not readable  {f.failure.kind}: {f.failure.detail}  [{f.source}]")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------------------------ profile


def _comment(text: str) -> str:
    """Device-supplied text on one comment line: no line breaks or control characters."""
    return re.sub(r"[\x00-\x1f\x7f]", " ", text).strip()


def profile_yaml(name: str, reading: DeviceReading) -> str:
    """The profile as YAML. Model and build fingerprint have no field in the profile model (they are
    not identifiers the guard looks for), so they are kept as comments for the person reading it."""
    values = reading.values()
    profile = DeviceProfile.model_validate({"name": name, **values})  # fails here, not in the guard
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"# Device profile written by 'residency-guard profile --from-adb' on {stamp}."]
    for label, key in _DEVICE_PROPS:
        if reading.props.get(key):
            lines.append(f"# {label}: {_comment(reading.props[key])}")
    unread = [f for f in reading.fields if f.value is None and f.failure is not None]
    if unread:
        lines.append("# not readable over adb (add them by hand if you know them):")
        lines += [f"#   {f.label}: {f.failure.kind}" for f in unread if f.failure is not None]
    # JSON strings are YAML double-quoted scalars: MACs and digit strings stay strings
    lines.append(f"name: {json.dumps(profile.name)}")
    for type_ in FIELD_ORDER:
        if getattr(profile, type_):
            lines.append(f"{type_}:")
            lines += [f"  - {json.dumps(v)}" for v in getattr(profile, type_)]
    return "\n".join(lines) + "\n"


def write_profile(path: Path, text: str, force: bool) -> None:
    """Write through a temporary file that is loaded back with the guard's own loader first; without
    ``force`` an existing file is never replaced, even one created while the phone was being read."""
    # mkstemp's mode 0600 is kept: the file holds the phone's identifiers
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        load_profile(tmp)
        if force:
            os.replace(tmp, path)
        else:
            _link_exclusive(tmp, path, text)
    finally:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass


def _link_exclusive(tmp: str, path: Path, text: str) -> None:
    try:
        os.link(tmp, path)  # raises FileExistsError rather than overwriting
    except FileExistsError:
        raise
    except OSError:  # a file system without hard links (FAT on a USB stick): exclusive create instead
        with open(path, "x", encoding="utf-8") as fh:
            fh.write(text)
