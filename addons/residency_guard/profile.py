"""Device profiles: the identifiers of a lab's own test phones, read from YAML.

The lab knows its phone's real IMEI, ICCID, MAC… A profile lists them so the detector can recognise
them however they are transformed (hashed, re-cased, base64'd: see ``detect.known``), and attribute a
request to a phone by the client address it came from (``clients``) or by what it carries.

Every value is validated on load (IMEI Luhn check, IMSI MCC/MNC, MAC syntax…): a typo in a profile
would otherwise silently make the guard blind to that identifier. A broken profile raises
``ConfigError`` naming the file, the field path, the line and the reason.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from . import idtypes
from .errors import ConfigError
from .yamlconf import load_model


def _digits_text(value: Any) -> Any:
    """An unquoted IMEI in YAML is an int; accept it as the digits it is."""
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return str(value)
    return value


def _mac_text(value: Any) -> Any:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads 10:22:33:44:55:66 as a base-60 number.
        raise ValueError('quote MAC addresses in YAML ("10:22:33:44:55:66"): unquoted, they are read as numbers')
    return value


def _network(value: str) -> str:
    try:
        return str(ipaddress.ip_network(value.strip(), strict=False))
    except ValueError:
        raise ValueError(f"not an IP address or CIDR: {value!r}") from None


class Location(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    radius_m: float = Field(default=1000.0, gt=0, le=100_000, description="how close counts as this phone's place")


class DeviceProfile(BaseModel):
    """One test phone: its identifiers and the client addresses it uses in the lab."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=64)
    imei: list[Annotated[str, BeforeValidator(_digits_text), AfterValidator(idtypes.imei.normalize)]] = Field(
        default_factory=list, description="15-digit IMEIs (Luhn-checked); one per slot"
    )
    imsi: list[Annotated[str, BeforeValidator(_digits_text), AfterValidator(idtypes.imsi.normalize)]] = Field(
        default_factory=list
    )
    iccid: list[Annotated[str, BeforeValidator(_digits_text), AfterValidator(idtypes.iccid.normalize)]] = Field(
        default_factory=list
    )
    mac: list[Annotated[str, BeforeValidator(_mac_text), AfterValidator(idtypes.mac.normalize)]] = Field(
        default_factory=list, description="Wi-Fi and Bluetooth MACs, any common spelling"
    )
    serial: list[Annotated[str, AfterValidator(idtypes.serial.normalize)]] = Field(default_factory=list)
    android_id: list[Annotated[str, AfterValidator(idtypes.android_id.normalize)]] = Field(default_factory=list)
    ad_id: list[Annotated[str, AfterValidator(idtypes.ad_id.normalize)]] = Field(default_factory=list)
    phone: list[Annotated[str, AfterValidator(idtypes.phone.normalize)]] = Field(
        default_factory=list, description="MSISDNs in E.164 (+47…)"
    )
    email: list[Annotated[str, AfterValidator(idtypes.email.normalize)]] = Field(default_factory=list)
    location: Location | None = None
    clients: list[Annotated[str, AfterValidator(_network)]] = Field(
        default_factory=list, description="client IPs or CIDRs this phone uses"
    )

    def owns_client(self, ip: str | None) -> bool:
        """True when ``ip`` (IPv4-mapped IPv6 accepted) is one of this phone's client addresses."""
        addr = parse_ip(ip)
        if addr is None:
            return False
        return any(addr in ipaddress.ip_network(net) for net in self.clients)

    def values(self) -> dict[str, list[str]]:
        """Identifier type → normalised values (location excluded)."""
        return {
            t: list(getattr(self, t))
            for t in ("imei", "imsi", "iccid", "mac", "serial", "android_id", "ad_id", "phone", "email")
            if getattr(self, t)
        }


def parse_ip(ip: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    if not ip:
        return None
    try:
        addr = ipaddress.ip_address(ip.strip().split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return addr.ipv4_mapped
    return addr


# ------------------------------------------------------------------------------------------- loading


def load_profile(path: str | Path) -> DeviceProfile:
    """Read and validate one device profile file."""
    return load_model(path, DeviceProfile, "device profile")[0]


def load_profiles(paths: Sequence[str | Path]) -> list[DeviceProfile]:
    profiles = [load_profile(p) for p in paths]
    names = [p.name for p in profiles]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ConfigError(f"device profile names must be unique: {', '.join(dup)} used twice")
    return profiles
