"""Format detectors: candidate spans found by one combined regex, then validated and scored.

``scan(text, ctx, whole_key)`` yields ``(type, normalised value, confidence, method, key)``. Candidates
come from a single pass of ``_CANDIDATES`` (every alternative is anchored by a look-behind that fails
inside a longer run, so hostile input such as a megabyte of digits or hex is scanned in linear time);
validation uses python-stdnum and phonenumbers. Scores are explained in the package docstring.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from functools import lru_cache

import phonenumbers
from stdnum import imei as std_imei
from stdnum import imsi as std_imsi
from stdnum import luhn
from stdnum import meid as std_meid

from .context import KeyContext, key_context, merge, names_a_place, text_label
from ..idtypes import ad_id, cell_id, iccid, imei, imsi, mac, serial
from ..idtypes import mac_to_colon
from ..idtypes.iccid import nibble_swapped

_H = "[0-9A-Fa-f]"
_LATITUDE_THEN_COMMA = r"-?[0-9]{1,2}\.[0-9]{1,12}\s?,\s?"
_LATLON_PAIR = _LATITUDE_THEN_COMMA + r"-?[0-9]{1,3}\.[0-9]{1,12}(?![0-9.])"
_CANDIDATES = re.compile(
    # The leading look-ahead lets the engine reject most positions (letters g-z, spaces, punctuation) with
    # one character test instead of trying every alternative.
    rf"(?=[0-9A-Fa-f+-])(?:(?P<mac>(?<![0-9A-Fa-f:-]){_H}{{2}}([:-]){_H}{{2}}(?:\2{_H}{{2}}){{4}}(?!{_H}|[:-]{_H}))"
    rf"|(?P<cisco>(?<![0-9A-Fa-f.]){_H}{{4}}\.{_H}{{4}}\.{_H}{{4}}(?!{_H}|\.{_H}))"
    rf"|(?P<uuid>(?<![0-9A-Fa-f-]){_H}{{8}}-{_H}{{4}}-{_H}{{4}}-{_H}{{4}}-{_H}{{12}}(?![0-9A-Fa-f-]))"
    r"|(?P<imeidash>(?<![0-9-])[0-9]{2}[- ][0-9]{6}[- ][0-9]{6}[- ][0-9]{1,2}(?![0-9]|-[0-9]))"
    rf"|(?P<latlon>(?<![0-9.]){_LATLON_PAIR})"
    r"|(?P<phone>(?<![0-9A-Za-z+])(?:\+|00)[1-9][0-9 ().\-]{5,18}[0-9](?![0-9]))"
    r"|(?P<digits>(?<![0-9])[0-9]{8,20}[Ff]?(?![0-9A-Fa-f]))"
    # a 19-digit ICCID padded with F, as EF_ICCID stores it: nibble-swapped, the F second to last
    r"|(?P<eficcid>(?<![0-9A-Fa-f])98[0-9]{16}[Ff][0-9](?![0-9A-Fa-f]))"
    rf"|(?P<hex>(?<![0-9A-Fa-f]){_H}{{8,16}}(?!{_H})))",
    re.ASCII,
)
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9\-]{0,62}\.){1,8}[A-Za-z]{2,24}(?![A-Za-z0-9\-])",
    re.ASCII,
)
# File-name "TLDs": foo@2x.png is an image, not an address.
_NOT_TLDS = frozenset({"png", "jpg", "jpeg", "gif", "svg", "webp", "css", "js", "json", "xml", "html", "htm",
                       "ico", "bmp", "tiff", "mp4", "mp3", "woff", "woff2", "ttf", "otf", "map", "txt",
                       "zip", "gz", "so", "dex", "apk", "jar", "kt", "java", "py", "md", "pbf", "mvt",
                       "avif", "heic", "webm", "pdf", "bin", "dat"})
# Machine-made local parts: Message-ID / iCalendar UID style "<uuid>@host", Sentry DSN keys.
_MACHINE_LOCAL_PART = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}|[0-9a-f]{16,}", re.ASCII | re.I)
_MESSAGE_ID_KEY = re.compile(r"messageid|msgid|inreplyto|references|contentid|^mid$")
_SCALE_SUFFIX = re.compile(r"[0-9]+(?:\.[0-9]+)?x", re.ASCII)
"""``tile@2x.pbf``, ``icon@1.5x.png``: the density suffix of an image asset, not a mail domain."""

_IMEI_RBI = imei.REPORTING_BODIES
PLACEHOLDER_DIGITS = imei.PLACEHOLDERS | imsi.PLACEHOLDERS | iccid.PLACEHOLDERS
PLACEHOLDER_MACS = mac.PLACEHOLDERS
_ZERO_UUID = next(iter(ad_id.PLACEHOLDERS))
_PHONE_REGIONS = ("NO", "SE", "DK", "FI", "DE", "FR", "GB", "NL", "ES", "IT", "PL", "CN", "US", "IN")

Found = tuple[str, str, float, str, str | None]  # type, value, confidence, method, key


@lru_cache(maxsize=8192)
def imsi_operator(digits: str) -> tuple[bool, bool]:
    """(known MCC/MNC, operator operational) for a 14-15 digit string; cached on its 6-digit prefix."""
    return _imsi_prefix(digits[:6], len(digits))


@lru_cache(maxsize=8192)
def _imsi_prefix(prefix: str, length: int) -> tuple[bool, bool]:
    probe = prefix + "0" * (length - 6)
    try:
        if not std_imsi.is_valid(probe):
            return False, False
        info = std_imsi.info(probe)
    except ValueError:  # stdnum's numbering database has gaps for some MCCs
        return False, False
    return True, str(info.get("status", "")).lower().startswith("operational")


def bcd_imeis(digits: str) -> Iterator[Found]:
    """IMEIs packed in BCD: eight bytes, a zero pad nibble then the 15 digits (GT06-family trackers,
    IoT login packets). ``digits`` holds the BCD runs of a binary payload, one per line (extract's
    ``bcd`` view); every byte boundary is tried, so the IMEI may sit anywhere in a longer run."""
    for run in digits.split("\n"):
        for i in range(0, len(run) - 15, 2):
            if run[i] == "0":
                imei = run[i + 1 : i + 16]
                if imei[:2] in _IMEI_RBI and imei not in PLACEHOLDER_DIGITS and not _repetitive(imei) and _luhn(imei):
                    yield ("imei", imei, 0.75, "format", None)


def _luhn(d: str) -> bool:
    return luhn.is_valid(d)


def _repetitive(d: str) -> bool:
    return len(set(d)) <= 2


def classify_digits(d: str, ctx: KeyContext) -> list[Found]:
    """Decimal runs: IMEI (15, Luhn), IMEISV (16), IMSI (15, MCC/MNC), ICCID (19-20, 89…), MEID (18), cell ids."""
    out: list[Found] = []
    trailing_f = d[-1] in "Ff"
    if trailing_f:
        d = d[:-1]
    n = len(d)
    if d in PLACEHOLDER_DIGITS or (n >= 8 and _repetitive(d)):
        return out
    key = ctx.key or None
    neg = -0.35 if ctx.negative else 0.0
    if n == 15 and not trailing_f:
        if _luhn(d):
            if ctx.says("imei") or ctx.says("meid") or ctx.says("imeisv"):
                out.append(("imei", d, 0.95, "context", key))
            elif not ctx.says("imsi") and not ctx.says("iccid"):
                base = 0.7 if d[:2] in _IMEI_RBI else 0.45
                out.append(("imei", d, base + neg, "format", key))
        known, operational = imsi_operator(d)
        if known:
            if ctx.says("imsi"):
                out.append(("imsi", d, 0.95, "context", key))
            elif not ctx.positive:
                out.append(("imsi", d, (0.55 if operational else 0.4) + neg, "format", key))
    elif n == 14 and not trailing_f and (ctx.says("imei") and not ctx.says("meid")):
        out.append(("imei", d + luhn.calc_check_digit(d), 0.7, "context", key))
    elif n == 14 and not trailing_f and ctx.says("meid") and std_meid.is_valid(d):
        out.append(("meid", d, 0.9, "context", key))
    elif n == 16 and not trailing_f and (ctx.says("imeisv") or ctx.says("imei")) and d[:2] in _IMEI_RBI:
        # IMEISV: TAC + serial + 2-digit software version, no check digit; report the IMEI it contains.
        imei = d[:14] + luhn.calc_check_digit(d[:14])
        out.append(("imei", imei, 0.85, "context", key))
    elif n == 18 and not trailing_f and std_meid.is_valid(d):
        if ctx.says("meid"):
            out.append(("meid", d, 0.9, "context", key))
    elif n == 20 and d.startswith("98") and (swapped := nibble_swapped(d)).startswith("89") and _luhn(swapped):
        # EF_ICCID on the SIM stores the ICCID with the digits of each byte swapped (3GPP TS 51.011
        # §10.1.1); modem logs and SIM dumps print it that way.
        if ctx.says("iccid"):
            out.append(("iccid", swapped, 0.95, "context", key))
        elif not ctx.positive and _iccid_country(swapped):
            out.append(("iccid", swapped, 0.75 + neg, "format", key))
    elif 18 <= n <= 20 and d.startswith("89"):
        if ctx.says("iccid"):
            out.append(("iccid", d, 0.95, "context", key))
        elif not ctx.positive or ctx.says("imei"):
            conf = (0.75 if _luhn(d) else 0.4) + (0.15 if trailing_f else 0.0) + neg
            if n == 18:
                conf -= 0.2
            out.append(("iccid", d, min(conf, 0.95), "format", key))
    if 15 <= n <= 20 and not trailing_f and ctx.says("android_id") and int(d) < 1 << 64:
        # The Google Services Framework android_id is a 64-bit number, often written in decimal.
        out.append(("android_id", d, 0.8, "context", key))
    if n <= 12 and not trailing_f and ctx.says("cell_id") and not ctx.says("imei"):
        v = int(d)
        # 0, -1 and Integer.MAX_VALUE are Android's "unavailable" values; LAC/TAC are 16-bit.
        if 0 < v < (1 << 36) and v != 2147483647:
            short = ctx.key in ("lac", "tac", "locationareacode", "trackingareacode")
            if not short or v <= 0xFFFF:
                strong = any(s in ctx.key for s in ("cellid", "cellidentity", "ecgi", "eci", "nci", "mci"))
                out.append(("cell_id", d, 0.85 if strong else 0.45, "context", key))
    return out


def _iccid_country(iccid: str) -> bool:
    """The digits after the 89 industry prefix begin with an ITU-T E.164 country calling code."""
    return any(int(iccid[2:k]) in phonenumbers.COUNTRY_CODE_TO_REGION_CODE for k in (3, 4, 5))


def classify_hex(h: str, ctx: KeyContext, wifi_path: bool = False) -> list[Found]:
    out: list[Found] = []
    n = len(h)
    lo = h.lower()
    key = ctx.key or None
    if n == 12 and (ctx.says("mac") or ctx.says("wifi_bssid")) and lo not in PLACEHOLDER_MACS:
        if not int(lo[:2], 16) & 1:
            # a bare "macAddress" inside a Wi-Fi scan list is a nearby access point, as in classify_mac
            bssid = ctx.says("wifi_bssid") or (wifi_path and ctx.key in ("mac", "macaddress"))
            out.append(("wifi_bssid" if bssid else "mac", mac_to_colon(lo), 0.85, "context", key))
    elif n == 14 and std_meid.is_valid(h) and not h.isdigit():
        if ctx.says("meid") or ctx.says("imei"):
            out.append(("meid", h.upper(), 0.9, "context", key))
    elif n == 8 and ctx.key == "esn" and lo != "00000000":
        out.append(("meid", h.upper(), 0.75, "context", key))
    elif n == 16 and lo != "0" * 16 and not _repetitive(lo):
        if ctx.says("android_id"):
            out.append(("android_id", lo, 0.85, "context", key))
        elif ctx.key in ("deviceid", "devid", "did"):  # not "udid": Apple's UDID holds 16 hex digits too
            out.append(("android_id", lo, 0.6, "context", key))
    return out


def classify_mac(raw: str, ctx: KeyContext, location: str, wifi_path: bool) -> list[Found]:
    hex12 = re.sub(r"[^0-9a-f]", "", raw.lower())
    if hex12 in PLACEHOLDER_MACS or int(hex12[:2], 16) & 1:  # multicast/broadcast: not a device
        return []
    value = mac_to_colon(hex12)
    key = ctx.key or None
    if ctx.says("wifi_bssid") or (wifi_path and not ctx.says("mac")) or (wifi_path and ctx.key in ("mac", "macaddress")):
        return [("wifi_bssid", value, 0.85, "context", key)]
    if ctx.says("mac"):
        return [("mac", value, 0.95, "context", key)]
    if ctx.negative:
        return [("mac", value, 0.45, "format", key)]
    randomised = int(hex12[:2], 16) & 2
    return [("mac", value, 0.7 if randomised else 0.8, "format", key)]


def classify_uuid(raw: str, ctx: KeyContext) -> list[Found]:
    lo = raw.lower()
    if lo == _ZERO_UUID or not ctx.says("ad_id"):
        return []
    try:
        value = str(uuid.UUID(lo))
    except ValueError:
        return []
    return [("ad_id", value, 0.9, "context", ctx.key or None)]


def classify_phone(raw: str, ctx: KeyContext, whole: bool) -> list[Found]:
    digits_only = re.sub(r"[^0-9+]", "", raw)
    if digits_only.startswith("00"):
        digits_only = "+" + digits_only[2:]
    if len(digits_only) > 17 or len(digits_only) < 7:
        return []
    num = _parse_phone(digits_only, ctx.says("phone"))
    if num is None:
        return []
    keyed = ctx.says("phone")
    if not keyed and (not raw.startswith("+") or ctx.negative):
        return []
    kind = phonenumbers.number_type(num)
    if kind in _SERVICE_NUMBERS or _fictional(num):  # a hotline or a number reserved for examples
        return []
    subscriber = kind in _SUBSCRIBER_NUMBERS
    if not keyed and not subscriber:
        return []
    value = phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    if keyed:
        return [("phone", value, 0.9 if subscriber else 0.6, "context", ctx.key or None)]
    return [("phone", value, 0.7, "format", ctx.key or None)]


def _fictional(num: phonenumbers.PhoneNumber) -> bool:
    """Ranges reserved for films and documentation: NANP 555-0100…0199, Ofcom's 01632 960xxx,
    07700 900xxx and 020 7946 0xxx."""
    national = str(num.national_number)
    if num.country_code == 1:
        return national[3:8] == "55501"
    if num.country_code == 44:
        return national.startswith(("1632960", "7700900", "2079460"))
    return False


_PNT = phonenumbers.PhoneNumberType
_SUBSCRIBER_NUMBERS = frozenset({_PNT.MOBILE, _PNT.FIXED_LINE_OR_MOBILE, _PNT.PERSONAL_NUMBER, _PNT.VOIP, _PNT.UNKNOWN})
"""What a phone's own number (its MSISDN) can be; a fixed line is found only under a key naming a phone."""
_SERVICE_NUMBERS = frozenset({_PNT.TOLL_FREE, _PNT.PREMIUM_RATE, _PNT.SHARED_COST, _PNT.UAN, _PNT.VOICEMAIL, _PNT.PAGER})


def _parse_phone(s: str, national_ok: bool) -> phonenumbers.PhoneNumber | None:
    if s.startswith("+"):
        num = _parsed(s, None)
        return num if num is not None and phonenumbers.is_valid_number(num) else None
    if not national_ok:
        return None
    if not s.startswith("0"):  # international number written without its "+" (X-MSISDN: 4741234567)
        num = _parsed("+" + s, None)
        if num is not None and phonenumbers.is_valid_number(num):
            return num
    # A national number is valid in several countries; a phone's own number is a mobile one.
    fallback = None
    for region in _PHONE_REGIONS:
        num = _parsed(s, region)
        if num is not None and phonenumbers.is_valid_number_for_region(num, region):
            if phonenumbers.number_type(num) in _SUBSCRIBER_NUMBERS - {_PNT.UNKNOWN}:
                return num
            fallback = fallback or num
    return fallback


def _parsed(s: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(s, region)
    except phonenumbers.NumberParseException:  # "+999…": no such country code; try the next reading
        return None


# 3GPP TS 23.003: the IMS private identity (§13.3, "<IMSI>@ims.mnc….mcc….3gppnetwork.org") and the
# permanent NAI of EAP-AKA / EAP-AKA' / EAP-SIM (§19.3, a one-digit method prefix then the IMSI) name
# the subscriber at a realm naming the home network. Wi-Fi calling, IMS registration and entitlement
# servers (GSMA TS.43 EAP_ID) see them; they are the IMSI, not an e-mail address.
_3GPP_IDENTITY = re.compile(r"([0-9]{14,16})@(?:[a-z0-9-]+\.)*mnc([0-9]{3})\.mcc([0-9]{3})\.3gppnetwork\.org", re.ASCII | re.I)


def _imsi_of_3gpp_identity(raw: str) -> str | None:
    m = _3GPP_IDENTITY.fullmatch(raw)
    if m is None:
        return None
    user, mnc, mcc = m.groups()
    for imsi in (user, user[1:] if user[0] in "0167" else ""):
        if 14 <= len(imsi) <= 15 and imsi.startswith(mcc) and mnc in (imsi[3:6], "0" + imsi[3:5]):
            return imsi
    return None


def classify_email(raw: str, ctx: KeyContext) -> list[Found]:
    tld = raw.rsplit(".", 1)[-1].lower()
    if tld in _NOT_TLDS:
        return []
    if raw.lower().endswith(".3gppnetwork.org"):
        # a pseudonym or fast re-authentication identity has no IMSI in it, and is no address either
        imsi = _imsi_of_3gpp_identity(raw)
        return [("imsi", imsi, 0.95, "format", ctx.key or None)] if imsi else []
    local, _, domain = raw.partition("@")
    if _MACHINE_LOCAL_PART.fullmatch(local) or _SCALE_SUFFIX.fullmatch(domain.partition(".")[0]):
        return []
    if ctx.key and _MESSAGE_ID_KEY.search(ctx.key):  # a Message-ID is shaped like an address
        return []
    conf = 0.95 if ctx.says("email") else 0.85
    return [("email", raw.lower(), conf, "context" if ctx.says("email") else "format", ctx.key or None)]


def parse_latlon(raw: str) -> tuple[float, float, int] | None:
    """``"59.9139,10.7522"`` → (lat, lon, fewest decimals); None when out of range or null island."""
    try:
        a, b = (p.strip() for p in raw.split(","))
        lat, lon = float(a), float(b)
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    decimals = min(len(a.partition(".")[2]), len(b.partition(".")[2]))
    return lat, lon, decimals


def classify_latlon(raw: str, ctx: KeyContext) -> list[Found]:
    parsed = parse_latlon(raw)
    if parsed is None:
        return []
    _, _, decimals = parsed
    value = re.sub(r"\s", "", raw)
    if names_a_place(ctx.key):
        return []  # a search centre, a destination: where the phone asks about, not where it is
    if ctx.says("location"):
        return [("location", value, 0.85 if decimals >= 3 else 0.45, "context", ctx.key or None)]
    if decimals >= 4 and not ctx.negative:
        return [("location", value, 0.6, "format", ctx.key or None)]
    return [("location", value, 0.3, "format", ctx.key or None)]  # kept for profile radius matching


# NMEA 0183 position sentences from a GNSS receiver (GGA, RMC, GLL, GNS; talker GP/GL/GA/GB/GN/BD…):
# latitude ddmm.mmmm,N|S then longitude dddmm.mmmm,E|W, a few fields after the sentence id.
_NMEA = re.compile(
    r"\$(?:G[A-Z]|BD)(?:GGA|RMC|GLL|GNS),(?:[^,*\r\n]*,){0,2}?"
    r"([0-9]{2})([0-9]{2}\.[0-9]+),([NS]),([0-9]{3})([0-9]{2}\.[0-9]+),([EW])",
    re.ASCII,
)


def nmea_positions(text: str) -> Iterator[tuple[Found, int, int]]:
    for m in _NMEA.finditer(text):
        lat_d, lat_m, ns, lon_d, lon_m, ew = m.groups()
        lat = (int(lat_d) + float(lat_m) / 60) * (-1 if ns == "S" else 1)
        lon = (int(lon_d) + float(lon_m) / 60) * (-1 if ew == "W" else 1)
        if lat == 0 and lon == 0 or abs(lat) > 90 or abs(lon) > 180:
            continue
        yield ("location", f"{lat:.6f},{lon:.6f}", 0.85, "format", None), m.start(1), m.end(6)


# Android's CellIdentityGsm/Wcdma/Tdscdma/Lte/Nr.toString() as logcat and bug reports print it:
# "CellIdentityWcdma:{ mLac=7011 mCid=24013 mPsc=311 … }". Short ids are no candidate by their digits
# alone; the field name is the evidence. Integer.MAX_VALUE and Long.MAX_VALUE mean "unavailable".
_CELL_IDENTITY_FIELD = re.compile(r"\bm(?:Cid|Ci|Nci)=([0-9]{1,12})(?![0-9])", re.ASCII)
_CELL_UNAVAILABLE = cell_id.PLACEHOLDERS


def cell_identity_fields(text: str) -> Iterator[tuple[Found, int, int]]:
    for m in _CELL_IDENTITY_FIELD.finditer(text):
        if m.group(1) not in _CELL_UNAVAILABLE:
            yield ("cell_id", m.group(1), 0.85, "context", None), m.start(1), m.end(1)


# Device identifier URNs: RFC 7254 (urn:gsma:imei:TAC-SNR-spare, SIP +sip.instance) and the LwM2M
# endpoint names urn:imei:, urn:imsi:, urn:imei-imsi:, urn:imei-msisdn: (OMA LwM2M 1.1 §7.2).
_DEVICE_URN = re.compile(
    r"urn:(?:gsma:imei:([0-9]{8})-([0-9]{6})-[0-9]|imei:([0-9]{15})|imsi:([0-9]{14,15})"
    r"|imei-imsi:([0-9]{15})-([0-9]{14,15})|imei-msisdn:([0-9]{15})-)(?![0-9])",
    re.ASCII | re.I,
)


def device_urns(matches: list[re.Match[str]]) -> Iterator[tuple[Found, int, int]]:
    """The identifiers in ``_DEVICE_URN`` matches (scan finds them once: their spans also mute the
    candidates inside them)."""
    for m in matches:
        tac, snr, imei, imsi, pair_imei, pair_imsi, msisdn_imei = m.groups()
        if tac:
            yield ("imei", tac + snr + luhn.calc_check_digit(tac + snr), 0.95, "format", None), m.start(1), m.end(2)
        for group in (3, 5, 7):
            value = m.group(group)
            if value and _luhn(value) and value not in PLACEHOLDER_DIGITS and not _repetitive(value):
                yield ("imei", value, 0.95, "format", None), m.start(group), m.end(group)
        for group in (4, 6):
            value = m.group(group)
            if value and imsi_operator(value)[0] and not _repetitive(value):
                yield ("imsi", value, 0.95, "format", None), m.start(group), m.end(group)


# 3GPP TS 24.229 P-Access-Network-Info: utran-cell-id-3gpp = MCC MNC LAC/TAC CI (hex digits)
_IMS_CELL_ID = re.compile(r"(?:utran|eutran|nr)-cell-id-3gpp=\"?([0-9A-Fa-f]{9,20})(?![0-9A-Fa-f])", re.ASCII | re.I)


_IMS_WLAN_NODE = re.compile(r"i-wlan-node-id=\"?([0-9A-Fa-f]{12})(?![0-9A-Fa-f])", re.ASCII | re.I)


def ims_cell_ids(text: str) -> Iterator[tuple[Found, int, int]]:
    """The cell, or over Wi-Fi calling the access point (``IEEE-802.11;i-wlan-node-id=<BSSID>``), that
    an IMS client reports in P-Access-Network-Info."""
    for m in _IMS_CELL_ID.finditer(text):
        yield ("cell_id", m.group(1).upper(), 0.9, "context", None), m.start(1), m.end(1)
    for m in _IMS_WLAN_NODE.finditer(text):
        if not int(m.group(1)[:2], 16) & 1:
            yield ("wifi_bssid", mac_to_colon(m.group(1).lower()), 0.9, "context", None), m.start(1), m.end(1)


# Decimal degrees each followed by its hemisphere, as tracker and watch protocols send them:
# "…,A,56.163237,N,10.196305,E,…"
_HEMISPHERE_DECIMAL = re.compile(
    r"(?<![0-9.])([0-9]{1,2}\.[0-9]{3,12}),([NS]),([0-9]{1,3}\.[0-9]{3,12}),([EW])(?![A-Za-z0-9])", re.ASCII
)


def hemisphere_positions(text: str) -> Iterator[tuple[Found, int, int]]:
    for m in _HEMISPHERE_DECIMAL.finditer(text):
        lat = float(m.group(1)) * (-1 if m.group(2) == "S" else 1)
        lon = float(m.group(3)) * (-1 if m.group(4) == "W" else 1)
        if abs(lat) <= 90 and abs(lon) <= 180 and (lat, lon) != (0, 0):
            yield ("location", f"{lat},{lon}", 0.85, "format", None), m.start(1), m.end(4)


_RSSI_AFTER = re.compile(r"\s*[,;|]\s*-[0-9]{2,3}(?![0-9.])", re.ASCII)
# wpa_supplicant "CTRL-EVENT-CONNECTED - Connection to <bssid>", "Associated with <bssid>", "roaming to <bssid>"
_ASSOCIATED_WITH = re.compile(r"(?:connection to|connected to|associated with|associating with|roaming to|trying to associate with)\s+$", re.I)
_LATLON = re.compile(_LATLON_PAIR, re.ASCII)  # the candidate regex's latlon alternative, anchored
_LATLON_SECOND = re.compile(_LATITUDE_THEN_COMMA, re.ASCII)
_SCP_PATH = re.compile(r":(?:[~/]|[A-Za-z0-9_.-]+/|[A-Za-z0-9_.-]+\.git(?![A-Za-z0-9]))", re.ASCII)
"""The path of an scp/git remote (``git@host:org/repo.git``); a password after an address
(``user@example.org:s3cret`` in Basic credentials) is not one."""


_PHONE_SHAPED = re.compile(r"\+?\(?[0-9]{1,5}\)?(?:[ .\-/]?\(?[0-9]{1,5}\)?){1,6}", re.ASCII)
_GROUPED_DIGITS = re.compile(r"[0-9]{2,6}(?: [0-9]{1,6}){2,6}F?", re.ASCII)
_GROUPED_TYPES = frozenset({"iccid", "imsi", "meid"})


_SERIAL_VALUE = re.compile(r"[A-Za-z0-9]{6,20}", re.ASCII)
_SERIAL_IN_TEXT = re.compile(
    r"((?i:serial[ _-]?(?:no|number)?|serialno|\bsn))[\]\"']?\s*[:=]\s*[\[\"']?([A-Za-z0-9]{6,20})(?![A-Za-z0-9])", re.ASCII
)
_SERIAL_PLACEHOLDERS = serial.PLACEHOLDERS


def classify_serial(raw: str, ctx: KeyContext) -> list[Found]:
    """Serial numbers have no format: a key naming one is the only evidence (see also known values)."""
    if raw.lower() in _SERIAL_PLACEHOLDERS or _repetitive(raw) or not any(c.isdigit() for c in raw):
        return []
    if ctx.key in ("sn", "psn", "serial") and (raw.isdigit() or raw.isalpha()):
        return []  # a bare "serial" of digits alone is as often a revision counter as a device's
    return [("serial", raw, 0.6, "context", ctx.key or None)]


def _negative_words_before(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start].lower()
    return any(w in before for w in _NEGATIVE_TEXT_WORDS)


_NEGATIVE_TEXT_WORDS = ("order", "ticket", "invoice", "transaction", "tracking", "booking", "receipt",
                        "reference", "confirmation", "payment", "card", "account", "parcel", "version",
                        "build", "checksum", "hash", "bytes", "timestamp", "request id", "session")


def _embedded_in_long_hex(text: str, start: int, end: int) -> bool:
    """A digit run inside a long hex string (a hash, a key) is part of that string, not an identifier."""
    left = start
    while left > 0 and start - left < 64 and text[left - 1] in "0123456789abcdefABCDEF":
        left -= 1
    right = end
    while right < len(text) and right - end < 64 and text[right] in "0123456789abcdefABCDEF":
        right += 1
    return (left < start or right > end) and right - left >= 24


WINDOWED_FROM = 1024
"""Texts this long are searched only around triggers (``windows``): the candidate regex costs 10-20 ns
per character, a trigger scan about one."""
MAX_MATCH = 48
"""Longer than any candidate match with its look-around (latlon, the longest, is 36 characters)."""


def candidate_matches(text: str, windows: Callable[[str], list[tuple[int, int]]] | None = None) -> Iterator[re.Match[str]]:
    """``_CANDIDATES.finditer(text)``, or, given ``windows`` (``TriggerScan.windows``), the matches that
    start inside them: the only ones that can yield a hit."""
    n = len(text)
    if windows is None or n < WINDOWED_FROM:
        yield from _CANDIDATES.finditer(text)
        return
    # A window's scan starts where the whole-text scan would be with nothing matched since the last
    # window (look-behinds see the text before ``pos``); the extra MAX_MATCH after ``hi`` keeps every
    # look-ahead and bounded repeat of a match starting in the window seeing what it would see.
    for lo, hi in windows(text):
        for m in _CANDIDATES.finditer(text, lo, min(n, hi + MAX_MATCH)):
            if m.start() > hi:
                break
            yield m


def scan(
    text: str, ctx: KeyContext, location: str = "", wifi_path: bool = False,
    windows: Callable[[str], list[tuple[int, int]]] | None = None,
) -> Iterator[tuple[Found, int, int]]:  # fmt: skip
    """Every identifier-shaped span in ``text`` with its classification; (found, start, end)."""
    stripped = text.strip()
    whole_offset = text.find(stripped) if stripped else 0
    if ctx.says("cell_id") and stripped.isascii() and stripped.isdigit() and len(stripped) < 8:
        for f in classify_digits(stripped, ctx):
            yield f, whole_offset, whole_offset + len(stripped)
        return
    if ctx.says("phone") and _PHONE_SHAPED.fullmatch(stripped) and not stripped.isdigit():
        # "070-799 61 96", "07700 339775": a national number in groups, under a key naming a phone
        for f in classify_phone(stripped, ctx, True):
            yield f, whole_offset, whole_offset + len(stripped)
        return
    if ctx.positive & _GROUPED_TYPES and _GROUPED_DIGITS.fullmatch(stripped):
        # "8935 3057 2698 7313 7657": an ICCID or IMEI printed in groups under a key naming it
        for f in classify_digits(stripped.replace(" ", ""), ctx):
            yield f, whole_offset, whole_offset + len(stripped)
        return
    if ctx.positive == {"serial"} and _SERIAL_VALUE.fullmatch(stripped):
        for f in classify_serial(stripped, ctx):
            yield f, whole_offset, whole_offset + len(stripped)
        return
    if len(stripped) > 24 and ("serial" in text or "sn" in text or "SERIAL" in text or "SN" in text):
        for m in _SERIAL_IN_TEXT.finditer(text):
            for f in classify_serial(m.group(2), key_context(m.group(1))):
                yield f, m.start(2), m.end(2)
    # Inside a device URN the scheme names the digits (urn:imei-imsi:<IMEI>-<IMSI>); device_urns reads them.
    urn_matches = list(_DEVICE_URN.finditer(text)) if "urn:" in text or "URN:" in text else []
    urns = [m.span() for m in urn_matches]
    for m in candidate_matches(text, windows):
        kind = m.lastgroup
        start, end = m.span()
        if urns and any(lo <= start < hi for lo, hi in urns):
            continue
        raw = m.group()
        whole = start == whole_offset and end == whole_offset + len(stripped)
        c = ctx
        if not whole:
            label = text_label(text, start)
            if label is not None:
                c = merge(key_context(label), ctx) if not ctx.positive else merge(ctx, key_context(label))
            elif len(stripped) > 64:
                # A long text whose own key is generic ("log", "body") gives no context to a span in it.
                c = key_context(None) if not ctx.positive else ctx
            if not c.positive and _negative_words_before(text, start):
                c = key_context("order")
        found: list[Found]
        if kind == "digits":
            if _embedded_in_long_hex(text, start, end):
                continue
            found = classify_phone(raw, c, whole) if c.says("phone") else classify_digits(raw, c)
        elif kind == "eficcid":
            iccid = nibble_swapped(raw)  # 89…4F: the padding F ends it
            found = classify_digits(iccid, c) if _luhn(iccid[:-1]) else []
        elif kind == "hex":
            found = classify_hex(raw, c, wifi_path)
        elif kind in ("mac", "cisco"):
            # "aa:bb:…,-81": a MAC with a signal strength beside it is a scanned access point; so is the
            # one a Wi-Fi log line says the phone associated with
            access_point = _RSSI_AFTER.match(text, end) is not None or _ASSOCIATED_WITH.search(text, max(0, start - 40), start)
            found = classify_mac(raw, c, location, wifi_path or bool(access_point))
        elif kind == "uuid":
            found = classify_uuid(raw, c)
        elif kind == "imeidash":
            d = re.sub(r"[^0-9]", "", raw)
            if len(d) == 15 and std_imei.is_valid(d) and d not in PLACEHOLDER_DIGITS:
                found = [("imei", d, 0.95 if c.says("imei") else 0.85, "format", c.key or None)]
            elif len(d) == 16:
                found = [("imei", d[:14] + luhn.calc_check_digit(d[:14]), 0.8, "format", c.key or None)]
            else:
                found = []
        elif kind == "phone":
            found = classify_phone(raw, c, whole)
        elif kind == "latlon":
            found = classify_latlon(raw, c)
            if not found or found[0][2] < 0.5:
                # "31.8,-9.141563,38.726464": a short number took the first half of the real pair
                second = _LATLON_SECOND.match(text, start)
                if second and (pair := _LATLON.match(text, second.end())):
                    start, end = pair.span()
                    found = classify_latlon(pair.group(), c)
        else:
            found = []
        for f in found:
            yield f, start, end
    if "$" in text and ("$G" in text or "$BD" in text):  # one memchr first: the pair costs ~40 µs per 64 KB
        yield from nmea_positions(text)
    if "mCi" in text or "mNci" in text:
        yield from cell_identity_fields(text)
    if urns:
        yield from device_urns(urn_matches)
    if "cell-id-3gpp" in text or "wlan-node-id" in text:
        yield from ims_cell_ids(text)
    if ",N," in text or ",S," in text:
        yield from hemisphere_positions(text)
    if "@" in text:
        for m in _EMAIL.finditer(text):
            if not m.group().lower().endswith(".3gppnetwork.org"):
                before = text[max(0, m.start() - 5) : m.start()].lower()
                if before.endswith(("://", "sip:", "sips:")):  # URL credentials, a SIP address: not e-mail
                    continue
                if _SCP_PATH.match(text, m.end()):  # git@host:repo.git, user@host:/path
                    continue
            for f in classify_email(m.group(), ctx):
                yield f, m.start(), m.end()
