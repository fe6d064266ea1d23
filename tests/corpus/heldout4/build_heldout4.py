"""Build the heldout4 evaluation corpus for residency-guard's identifier detector.

Run from the repository root:

    .venv/bin/python tests/corpus/heldout4/build_heldout4.py

Writes ``requests.jsonl`` and ``heldout4-phone.yaml`` next to this file.
Deterministic: one seeded random.Random, gzip mtime=0, no wall clock, no set
iteration, output independent of PYTHONHASHSEED.

This corpus was written without looking at the detector or the other corpora.
It is for measuring, not for tuning.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import hmac
import io
import json
import re
import struct
import urllib.parse
import zlib
from pathlib import Path
import random

import phonenumbers
from stdnum import imei as std_imei
from stdnum import imsi as std_imsi
from stdnum import luhn
from stdnum import meid as std_meid

HERE = Path(__file__).resolve().parent
RNG = random.Random(27182818)

TYPES = (
    "imei", "meid", "imsi", "iccid", "mac", "wifi_bssid", "serial",
    "android_id", "ad_id", "phone", "email", "location", "cell_id",
)

# --------------------------------------------------------------------------
# Registry of every generated identifier value (value -> type). Used only for
# membership tests and, at the end, iterated in insertion order (dict order is
# deterministic) to re-validate each value.
# --------------------------------------------------------------------------
REGISTRY: dict[str, str] = {}


def _reg(value: str, kind: str) -> str:
    REGISTRY[value] = kind
    return value


# --------------------------------------------------------------------------
# Value generators (each asserts validity)
# --------------------------------------------------------------------------
TAC_PREFIXES = ("35", "86", "01", "49", "99")


def digits(n: int) -> str:
    return "".join(RNG.choice("0123456789") for _ in range(n))


def hexs(n: int, upper: bool = False) -> str:
    s = "".join(RNG.choice("0123456789abcdef") for _ in range(n))
    return s.upper() if upper else s


def make_imei(prefix: str | None = None) -> str:
    prefix = prefix or RNG.choice(TAC_PREFIXES)
    assert prefix in TAC_PREFIXES
    body = prefix + digits(12)
    value = body + luhn.calc_check_digit(body)
    assert len(value) == 15 and std_imei.is_valid(value) and luhn.is_valid(value)
    return _reg(value, "imei")


def make_imsi(mccmnc: str) -> str:
    value = mccmnc + digits(15 - len(mccmnc))
    assert std_imsi.is_valid(value), value
    info = std_imsi.info(value)
    assert info.get("operator") or info.get("brand"), value
    return _reg(value, "imsi")


def iccid_ok(value: str) -> bool:
    return (value.isdigit() and value.startswith("89") and len(value) in (19, 20)
            and luhn.is_valid(value))


def make_iccid(cc_issuer: str, length: int = 19) -> str:
    body = "89" + cc_issuer
    body += digits(length - 1 - len(body))
    value = body + luhn.calc_check_digit(body)
    assert iccid_ok(value), value
    return _reg(value, "iccid")


def make_meid() -> str:
    # 14 hex digits; manufacturer code starting A0..A1 range (hex form)
    body = "A" + RNG.choice("01") + hexs(12, upper=True)
    assert std_meid.is_valid(body), body
    return _reg(body, "meid")


def meid_dec(value: str) -> str:
    """18-digit decimal representation of a 14-hex MEID."""
    return "%010d%08d" % (int(value[:8], 16), int(value[8:], 16))


# Real vendor OUIs (globally administered, unicast).
PHONE_OUIS = ("8C:F5:A3", "F0:25:B7", "64:09:80", "00:E0:FC", "F0:18:98",
              "AC:5F:3E", "D4:61:DA", "3C:28:6D", "28:16:7F", "B4:F1:DA")
AP_OUIS = ("50:C7:BF", "00:1A:A1", "24:A4:3C", "38:10:D5", "A0:40:A0",
           "E0:19:1D", "C4:E9:84", "F4:F2:6D", "00:24:6C", "74:AC:B9",
           "B0:BE:76", "14:91:82", "DC:A6:32")


def _mac(oui: str) -> str:
    tail = ":".join("%02x" % RNG.randrange(256) for _ in range(3))
    value = oui.lower() + ":" + tail
    first = int(value[:2], 16)
    assert first & 1 == 0 and value != "02:00:00:00:00:00"
    return value


def make_mac() -> str:
    return _reg(_mac(RNG.choice(PHONE_OUIS)), "mac")


def make_bssid() -> str:
    return _reg(_mac(RNG.choice(AP_OUIS)), "wifi_bssid")


def mac_ok(value: str) -> bool:
    h = re.sub(r"[^0-9a-fA-F]", "", value)
    return len(h) == 12 and int(h[:2], 16) & 1 == 0 and int(h, 16) != 0


def make_serial(style: str | None = None) -> str:
    style = style or RNG.choice(("samsung", "pixel", "xiaomi", "huawei", "moto", "apple"))
    A = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    AN = A + "0123456789"
    if style == "samsung":
        value = "R5" + RNG.choice("8CRT") + RNG.choice("NMT") + "".join(RNG.choice(AN) for _ in range(7))
    elif style == "pixel":
        value = digits(2) + RNG.choice(A) + digits(2) + RNG.choice("ABCDEF") + "".join(RNG.choice(AN) for _ in range(8))
    elif style == "xiaomi":
        value = hexs(8)
    elif style == "huawei":
        value = "".join(RNG.choice(A) for _ in range(3)) + digits(1) + "N" + digits(2) + RNG.choice(A) + digits(8)
    elif style == "moto":
        value = "ZY" + digits(3) + "".join(RNG.choice(AN) for _ in range(5))
    else:
        value = RNG.choice("FCDG") + "".join(RNG.choice(AN) for _ in range(11))
    assert 6 <= len(value) <= 20 and value.isalnum()
    return _reg(value, "serial")


def make_android_id() -> str:
    value = hexs(16)
    assert re.fullmatch(r"[0-9a-f]{16}", value) and int(value, 16) != 0
    return _reg(value, "android_id")


def rand_uuid(upper: bool = False) -> str:
    h = hexs(32)
    h = h[:12] + "4" + h[13:16] + RNG.choice("89ab") + h[17:]
    u = "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])
    return u.upper() if upper else u


def make_ad_id(upper: bool = False) -> str:
    value = rand_uuid(upper)
    return _reg(value, "ad_id")


# country -> (calling-code prefix templates for mobiles, national digits count)
MOBILE_PREFIX = {
    "SE": ("+4670", 7), "DE": ("+49151", 8), "FR": ("+336", 8), "IT": ("+39347", 7),
    "ES": ("+346", 8), "NL": ("+316", 8), "GB": ("+447700", 6), "CN": ("+86138", 8),
    "US": ("+1415", 7), "JP": ("+8190", 8), "BR": ("+55119", 8), "IN": ("+9198", 8),
    "HK": ("+8529", 7), "KR": ("+8210", 8),
}


def make_phone(cc: str) -> str:
    prefix, n = MOBILE_PREFIX[cc]
    for _ in range(50):
        value = prefix + digits(n)
        if cc == "US":
            value = "+1415" + RNG.choice("23456789") + digits(6)
        num = phonenumbers.parse(value)
        if phonenumbers.is_valid_number(num):
            return _reg(value, "phone")
    raise AssertionError(cc)


def phone_ok(value: str) -> bool:
    return phonenumbers.is_valid_number(phonenumbers.parse(value))


def national(e164: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.NATIONAL)


def intl(e164: str) -> str:
    return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)


FIRST = ("lina", "marco", "sofia", "jan", "wei", "chen", "lucas", "emma", "noah", "mia",
         "ahmed", "yuki", "olga", "pablo", "elin", "tariq", "hanna", "li", "ravi", "ines")
LAST = ("holm", "rossi", "garcia", "devries", "zhang", "wang", "martin", "schulz", "tanaka",
        "nowak", "silva", "kumar", "berg", "lopez", "smit", "park")
MAIL_DOMAINS = ("example.com", "example.org", "example.net", "mail.example", "post.example.com")


def make_email() -> str:
    value = "%s.%s%d@%s" % (RNG.choice(FIRST), RNG.choice(LAST), RNG.randrange(1, 99),
                           RNG.choice(MAIL_DOMAINS))
    assert re.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+\.[a-z]+", value)
    return _reg(value, "email")


CITIES = {
    "SE": (59.3293, 18.0686), "DE": (52.5200, 13.4050), "FR": (48.8566, 2.3522),
    "IT": (45.4642, 9.1900), "ES": (40.4168, -3.7038), "NL": (52.3676, 4.9041),
    "GB": (51.5072, -0.1276), "CN": (31.2304, 121.4737), "US": (37.7749, -122.4194),
    "JP": (35.6762, 139.6503), "BR": (-23.5505, -46.6333), "IN": (19.0760, 72.8777),
    "HK": (22.3193, 114.1694), "KR": (37.5665, 126.9780),
}


def make_location(cc: str, spread: float = 0.02) -> tuple[float, float]:
    lat, lon = CITIES[cc]
    return (round(lat + RNG.uniform(-spread, spread), 6),
            round(lon + RNG.uniform(-spread, spread), 6))


# --------------------------------------------------------------------------
# Devices
# --------------------------------------------------------------------------
COUNTRY_MCCMNC = {
    "SE": ("24001", "24007", "24002"), "DE": ("26201", "26202", "26203"),
    "FR": ("20801", "20810", "20820"), "IT": ("22201", "22210", "22288"),
    "ES": ("21401", "21403", "21407"), "NL": ("20404", "20408", "20416"),
    "GB": ("23410", "23415", "23420"), "CN": ("46000", "46001", "46011"),
    "US": ("310260", "311480", "310410"), "JP": ("44010", "44020", "44051"),
    "BR": ("72410", "72405", "72406"), "IN": ("40445", "40410", "405857"),
    "HK": ("45400", "45403", "45406"), "KR": ("45005", "45006", "45008"),
}
ICCID_CC = {"SE": "46", "DE": "49", "FR": "33", "IT": "39", "ES": "34", "NL": "31",
            "GB": "44", "CN": "86", "US": "01", "JP": "81", "BR": "55", "IN": "91",
            "HK": "852", "KR": "82"}


class Device:
    def __init__(self, cc: str, client_ip: str, corpus: bool = False,
                 mccmnc: str | None = None, cdma: bool = False,
                 imei_prefix: str | None = None, iccid_issuer: str | None = None):
        self.cc = cc
        self.client_ip = client_ip
        self.corpus = corpus
        self.mccmnc = mccmnc or RNG.choice(COUNTRY_MCCMNC[cc])
        self.mcc = self.mccmnc[:3]
        self.mnc = self.mccmnc[3:]
        self.imei1 = make_imei(imei_prefix)
        self.imei2 = make_imei(self.imei1[:2])
        self.meid = make_meid() if cdma else None
        self.imsi = make_imsi(self.mccmnc)
        self.iccid = make_iccid(ICCID_CC[cc] + (iccid_issuer or digits(2)), RNG.choice((19, 20)))
        self.mac = make_mac()
        self.serial = make_serial()
        self.android_id = make_android_id()
        self.ad_id = make_ad_id()
        self.phone = make_phone(cc)
        self.email = make_email()
        self.lat, self.lon = make_location(cc)
        self.tac = RNG.randrange(1000, 60000)
        self.enb = RNG.randrange(10000, 1000000)
        self.eci = self.enb * 256 + RNG.randrange(1, 60)
        assert self.eci < 2 ** 28
        self.lac = RNG.randrange(100, 65000)
        self.gsm_cid = RNG.randrange(1000, 65535)

    def bssids(self, n: int) -> list[str]:
        return [make_bssid() for _ in range(n)]

    def neighbour_eci(self) -> int:
        return (self.enb + RNG.randrange(1, 40)) * 256 + RNG.randrange(1, 4)


_CLIENT_COUNTER = [10]


def random_device(cc: str | None = None, cdma: bool = False) -> Device:
    cc = cc or RNG.choice(tuple(COUNTRY_MCCMNC))
    _CLIENT_COUNTER[0] += 1
    return Device(cc, "10.55.1.%d" % _CLIENT_COUNTER[0], cdma=cdma)


# The held-out phone: sold in Sweden, on Tele2 (240 07), located in Stockholm.
PHONE = Device("SE", "10.55.0.4", corpus=True, mccmnc="24007", imei_prefix="35",
               iccid_issuer="07")
PHONE.serial = make_serial("samsung")
assert std_imsi.info(PHONE.imsi)["country"] == "Sweden"

# --------------------------------------------------------------------------
# Encoding helpers
# --------------------------------------------------------------------------


def b64(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def b64url(data: bytes | str, pad: bool = False) -> str:
    if isinstance(data, str):
        data = data.encode()
    s = base64.urlsafe_b64encode(data).decode()
    return s if pad else s.rstrip("=")


def b64_wrapped(data: bytes | str) -> str:
    """Android Base64.DEFAULT: newline every 76 characters and at the end."""
    s = b64(data)
    return "".join(s[i:i + 76] + "\n" for i in range(0, len(s), 76))


def gz(data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode()
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as f:
        f.write(data)
    return buf.getvalue()


def zl(data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode()
    return zlib.compress(data, 9)


def jd(obj) -> str:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


def jdp(obj) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False)


def form(pairs) -> str:
    return urllib.parse.urlencode(pairs)


def q(s: str) -> str:
    return urllib.parse.quote(s, safe="")


def md5(s: str) -> str:
    return hashlib.md5(s.encode()).hexdigest()


def sha1(s: str) -> str:
    return hashlib.sha1(s.encode()).hexdigest()


def sha256(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def jwt(payload: dict, key: bytes = b"heldout4-not-a-secret") -> str:
    head = b64url(jd({"alg": "HS256", "typ": "JWT"}))
    body = b64url(jd(payload))
    sig = hmac.new(key, (head + "." + body).encode(), hashlib.sha256).digest()
    return head + "." + body + "." + b64url(sig)


# Hand-written protobuf wire encoding.
def pb_varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb_key(field: int, wt: int) -> bytes:
    return pb_varint((field << 3) | wt)


def pb_int(field: int, n: int) -> bytes:
    return pb_key(field, 0) + pb_varint(n)


def pb_bytes(field: int, data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode()
    return pb_key(field, 2) + pb_varint(len(data)) + data


def pb_double(field: int, x: float) -> bytes:
    return pb_key(field, 1) + struct.pack("<d", x)


def pb_fixed32(field: int, n: int) -> bytes:
    return pb_key(field, 5) + struct.pack("<I", n)


def multipart(parts, boundary: str) -> str:
    """parts: list of (name, filename|None, content_type|None, text)."""
    out = []
    for name, filename, ctype, text in parts:
        out.append("--" + boundary + "\r\n")
        disp = 'form-data; name="%s"' % name
        if filename:
            disp += '; filename="%s"' % filename
        out.append("Content-Disposition: " + disp + "\r\n")
        if ctype:
            out.append("Content-Type: " + ctype + "\r\n")
        out.append("\r\n" + text + "\r\n")
    out.append("--" + boundary + "--\r\n")
    return "".join(out)


def ms_ts() -> int:
    # plausible 2025 epoch milliseconds, from the seeded RNG (no wall clock)
    return 1735689600000 + RNG.randrange(0, 300 * 86400 * 1000)


def iso_ts() -> str:
    t = ms_ts() // 1000
    days, rem = divmod(t - 1735689600, 86400)
    month_days = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    m = 0
    while days >= month_days[m]:
        days -= month_days[m]
        m += 1
    return "2025-%02d-%02dT%02d:%02d:%02dZ" % (m + 1, days + 1, rem // 3600, rem % 3600 // 60, rem % 60)


UA_OKHTTP = "okhttp/4.12.0"


def ua_dalvik(model: str = "SM-S911B", build: str = "UP1A.231005.007") -> str:
    return "Dalvik/2.1.0 (Linux; U; Android 14; %s Build/%s)" % (model, build)


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------
RECORDS: list[dict] = []
_COUNTS = {"identifier": 0, "benign": 0}


def _body_fields(body: bytes | str) -> tuple[str, str]:
    if isinstance(body, str):
        raw = body.encode("utf-8")
    else:
        raw = body
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return b64(raw), "base64"
    if "\x00" in text:
        return b64(raw), "base64"
    return text, "text"


def add(label: str, source: str, method: str, url: str, headers, body: bytes | str = "",
        expect=(), profile=(), dev: Device | None = None, client_ip: str | None = None) -> dict:
    assert label in ("identifier", "benign")
    assert method in ("GET", "POST", "PUT", "TCP", "UDP")
    for t in tuple(expect) + tuple(profile):
        assert t in TYPES, t
    host = urllib.parse.urlsplit(url).hostname or ""
    assert host == "example" or host.endswith(".example") or host.endswith(".example.com") \
        or host == "example.com" or re.fullmatch(r"(.+\.)?example\.[a-z]{2,3}", host), host
    if method in ("TCP", "UDP"):
        assert url.startswith(method.lower() + "://") and url.endswith("/"), url
    if client_ip is None:
        client_ip = dev.client_ip if dev is not None else "10.55.1.%d" % (200 + RNG.randrange(50))
    corpus = client_ip == "10.55.0.4"
    if label == "benign":
        assert not expect and not profile
    else:
        assert expect or profile
        if not corpus:
            assert not (set(profile) - set(expect)), "profile-only types need the corpus phone"
    _COUNTS[label] += 1
    rid = "h4%s-%04d" % ("i" if label == "identifier" else "b", _COUNTS[label])
    text, enc = _body_fields(body)
    rec = {
        "id": rid, "label": label, "source": source, "method": method, "url": url,
        "headers": [[k, v] for k, v in headers], "body": text, "body_encoding": enc,
        "client_ip": client_ip, "corpus_phone": corpus,
        "expect": sorted(set(expect)),
        "expect_profile": sorted(set(expect) | set(profile)),
    }
    RECORDS.append(rec)
    return rec


def ident(source, method, url, headers, body="", expect=(), profile=(), dev=None):
    return add("identifier", source, method, url, headers, body, expect, profile, dev=dev)


def benign(source, method, url, headers, body="", client_ip=None):
    return add("benign", source, method, url, headers, body, client_ip=client_ip)


def pick(dev_or_none):
    return dev_or_none if dev_or_none is not None else random_device()


# ==========================================================================
# Identifier families
# ==========================================================================
FAMILIES_I: list = []
FAMILIES_B: list = []


def family_i(fn):
    FAMILIES_I.append(fn)
    return fn


def family_b(fn):
    FAMILIES_B.append(fn)
    return fn


# ---- FAMILIES BELOW ----

# ---- OEM activation / China Telecom self-registration -------------------
@family_i
def fam_zzhc():
    # The flagship case: the held-out Swedish phone sends a CN self-registration.
    p = PHONE
    obj = {
        "REGVER": "8.0", "MEID": p.imei1, "MODEL": "SM-S911B", "SWVER": "S911BXXS5CXK1",
        "SIM1CDMAIMSI": "", "UETYPE": "1", "SIM1ICCID": p.iccid, "SIM1LTEIMSI": p.imsi,
        "SIM1TYPE": "2", "SIM2CDMAIMSI": "", "SIM2ICCID": "", "SIM2LTEIMSI": "",
        "SIM2TYPE": "", "MACID": p.mac.upper(), "OSVER": "android14", "ROM": "256G",
        "RAM": "8G", "IMEI1": p.imei1, "IMEI2": p.imei2, "SIM1CELLID": str(p.eci),
        "SIM2CELLID": "", "DATASIM": "1", "REGDATE": "2025-03-14 08:21:07",
    }
    ident("China Telecom self-registration (zzhc) v8.0: Android Base64.DEFAULT of JSON, "
          "Content-Type application/encrypted-json, sent by an OEM activation client",
          "POST", "http://zzhc.vnet.example.cn/",
          [["Host", "zzhc.vnet.example.cn"], ["Content-Type", "application/encrypted-json"],
           ["User-Agent", ua_dalvik()]],
          b64_wrapped(jd(obj)), ["cell_id", "iccid", "imei", "imsi", "mac"], dev=p)
    # A CDMA phone with a real MEID and a China Telecom SIM
    d = random_device("CN", cdma=True)
    obj = {
        "REGVER": "7.0", "MEID": d.meid, "MODEL": "V2183A", "SWVER": "PD2183_A_7.11.2",
        "SIM1CDMAIMSI": d.imsi, "UETYPE": "1", "SIM1ICCID": d.iccid,
        "SIM1LTEIMSI": d.imsi, "SIM1TYPE": "1", "MACID": d.mac.replace(":", ""),
        "OSVER": "android12", "IMEI1": d.imei1, "IMEI2": d.imei2,
        "SIM1CELLID": str(d.eci), "DATASIM": "1", "REGDATE": "2025-05-02 19:40:55",
    }
    ident("China Telecom self-registration v7.0 from a CDMA-capable handset (MEID in hex, "
          "MAC without separators), base64 JSON body",
          "POST", "http://zzhc.vnet.example.cn/",
          [["Content-Type", "application/encrypted-json"], ["Connection", "close"]],
          b64_wrapped(jd(obj)), ["cell_id", "iccid", "imei", "imsi", "mac", "meid"], dev=d)


@family_i
def fam_zzhc_iot():
    # IoT module self-registration over raw TCP 9999, plain JSON line
    d = random_device("CN")
    obj = {"REGVER": "5.0", "UETYPE": "3", "MODEL": "ML302", "SWVER": "ML302_V1.3.7",
           "IMEI1": d.imei1, "SIM1ICCID": d.iccid, "SIM1LTEIMSI": d.imsi,
           "SIM1CELLID": str(d.eci), "MACID": "", "REGDATE": "2025-02-11 03:00:12"}
    ident("China Telecom self-registration from a cellular IoT module (ML302-class) over "
          "raw TCP port 9999, plain JSON", "TCP", "tcp://zzhc.vnet.example.cn:9999/", [],
          jd(obj) + "\r\n", ["cell_id", "iccid", "imei", "imsi"], dev=d)


@family_i
def fam_oem_activation():
    # Global-variant OEM activation (key=value form, IMEI dashed)
    d = random_device("IT")
    i = d.imei1
    dashed = "%s-%s-%s-%s" % (i[:2], i[2:8], i[8:14], i[14])
    body = form([("model", "TA-1119"), ("imei", dashed), ("sn", d.serial),
                 ("mcc", d.mcc), ("mnc", d.mnc), ("swver", "00WW_4_15K"),
                 ("activation_time", str(ms_ts()))])
    ident("OEM first-boot activation report (form-encoded, IMEI in 2-6-6-1 dashed form, "
          "serial under 'sn')", "POST", "https://activation.oem.example.com/v2/activate",
          [["Content-Type", "application/x-www-form-urlencoded"], ["User-Agent", UA_OKHTTP]],
          body, ["imei", "serial"], dev=d)
    # Carrier-customised activation: gzip'd JSON with Content-Encoding
    p = PHONE
    obj = {"device": {"imei": p.imei1, "imei2": p.imei2, "serialNumber": p.serial,
                      "wifiMac": p.mac},
           "sim": {"iccid": p.iccid, "imsi": p.imsi, "msisdn": p.phone},
           "build": "S911BXXS5CXK1", "locale": "sv_SE"}
    ident("Samsung-style carrier activation ping, gzip'd JSON with Content-Encoding: gzip",
          "POST", "https://act.carrier.example.com/api/v1/activation",
          [["Content-Type", "application/json"], ["Content-Encoding", "gzip"],
           ["User-Agent", ua_dalvik()]],
          gz(jd(obj)), ["iccid", "imei", "imsi", "mac", "phone", "serial"], dev=p)


# ---- Carrier entitlement (GSMA TS.43) ------------------------------------
@family_i
def fam_entitlement():
    p = PHONE
    qs = form([("vers", "0"), ("entitlement_version", "9.0"), ("terminal_id", p.imei1),
               ("terminal_vendor", "SM"), ("terminal_model", "SM-S911B"),
               ("terminal_sw_version", "14"), ("app", "ap2004"),
               ("EAP_ID", "0%s@nai.epc.mnc%03d.mcc%s.3gppnetwork.org" % (p.imsi, int(p.mnc), p.mcc))])
    ident("GSMA TS.43 service entitlement configuration request (VoWiFi, app ap2004) with "
          "IMEI as terminal_id and IMSI inside the EAP-AKA NAI",
          "GET", "https://aes.mnc007.mcc240.pub.example/?" + qs,
          [["Accept", "application/vnd.gsma.eap-relay.v1.0+json"], ["User-Agent", "PRD-TS43 term-SM/SM-S911B/14 app-ap2004/1.0 OS-Android/14"]],
          "", ["imei", "imsi"], dev=p)
    d = random_device("DE")
    obj = {"eap-relay-packet": b64(b"\x02\x1a\x00\x48\x17\x01\x00\x00\x01\x05\x00\x00"
                                   + bytes(RNG.randrange(256) for _ in range(16)))}
    qs = form([("vers", "0"), ("terminal_id", d.imei1), ("IMSI", d.imsi),
               ("app", "ap2009"), ("operation", "ManageSubscription"),
               ("companion_terminal_id", d.imei2)])
    ident("TS.43 ODSA ManageSubscription (companion device) with IMEIs and IMSI in the query "
          "and an EAP-relay JSON body", "POST",
          "https://ses.operator.example.com/ts43?" + qs,
          [["Content-Type", "application/vnd.gsma.eap-relay.v1.0+json"]],
          jd(obj), ["imei", "imsi"], dev=d)


# ---- IMS / VoWiFi ----------------------------------------------------------
@family_i
def fam_ims_sip():
    p = PHONE
    mnc3 = "%03d" % int(p.mnc)
    dom = "ims.mnc%s.mcc%s.3gppnetwork.example" % (mnc3, p.mcc)
    urn = "urn:gsma:imei:%s-%s-0" % (p.imei1[:8], p.imei1[8:14])
    cellhex = "%s%s%04X%07X" % (p.mcc, p.mnc, p.tac, p.eci)
    tag = hexs(8)
    sip = ("REGISTER sip:%s SIP/2.0\r\n"
           "Via: SIP/2.0/UDP [2001:db8:10::5]:5060;branch=z9hG4bK%s;rport\r\n"
           "Max-Forwards: 70\r\n"
           "From: <sip:%s@%s>;tag=%s\r\n"
           "To: <sip:%s@%s>\r\n"
           "Call-ID: %s@2001:db8:10::5\r\n"
           "CSeq: 1 REGISTER\r\n"
           "Contact: <sip:%s@[2001:db8:10::5]:5060>;+sip.instance=\"<%s>\";+g.3gpp.icsi-ref=\"urn%%3Aurn-7%%3A3gpp-service.ims.icsi.mmtel\"\r\n"
           "Authorization: Digest username=\"%s@%s\",realm=\"%s\",uri=\"sip:%s\",nonce=\"\",response=\"\"\r\n"
           "P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=%s\r\n"
           "Expires: 600000\r\nContent-Length: 0\r\n\r\n") % (
        dom, hexs(10), p.imsi, dom, tag, p.imsi, dom, hexs(16), p.imsi, urn,
        p.imsi, dom, dom, dom, cellhex)
    ident("IMS SIP REGISTER over UDP 5060: IMSI-derived IMPI/IMPU, IMEI as RFC 7254 "
          "urn:gsma:imei instance ID, ECI in P-Access-Network-Info",
          "UDP", "udp://pcscf.ims.example.com:5060/", [], sip,
          ["cell_id", "imei", "imsi"], dev=p)
    d = random_device("FR")
    tel = "tel:" + d.phone
    sip = ("INVITE %s;phone-context=ims.mnc%03d.mcc%s.3gppnetwork.example SIP/2.0\r\n"
           "From: <sip:%s@ims.example.com>;tag=%s\r\n"
           "To: <%s>\r\n"
           "P-Preferred-Identity: <sip:%s@ims.example.com>\r\n"
           "Contact: <sip:10.0.0.2:5060>;+sip.instance=\"<urn:gsma:imei:%s-%s-0>\"\r\n"
           "P-Access-Network-Info: IEEE-802.11;i-wlan-node-id=%s\r\n"
           "Content-Length: 0\r\n\r\n") % (
        tel, int(d.mnc), d.mcc, d.phone, hexs(8), tel, d.phone, d.imei1[:8], d.imei1[8:14],
        make_bssid().replace(":", ""))
    ident("VoWiFi SIP INVITE over TCP: caller MSISDN in From/P-Preferred-Identity, IMEI "
          "instance URN, Wi-Fi AP BSSID as i-wlan-node-id", "TCP",
          "tcp://epdg-pcscf.ims.example.com:5060/", [], sip,
          ["imei", "phone", "wifi_bssid"], dev=d)


# ---- RCS provisioning (GSMA RCC.14) ---------------------------------------
@family_i
def fam_rcs():
    p = PHONE
    qs = form([("vers", "0"), ("rcs_version", "UP_2.4"), ("rcs_profile", "UP_2.4"),
               ("client_vendor", "Goog"), ("client_version", "messages-20250301"),
               ("terminal_vendor", "SAMSUNG"), ("terminal_model", "SM-S911B"),
               ("terminal_sw_version", "14"), ("IMSI", p.imsi), ("IMEI", p.imei1),
               ("msisdn", p.phone), ("default_sms_app", "1")])
    ident("GSMA RCC.14 RCS auto-configuration HTTP request with IMSI, IMEI and MSISDN in "
          "the query", "GET", "https://config.rcs.mnc007.mcc240.pub.example/?" + qs,
          [["User-Agent", "IM-client/OMA1.0 Goog/messages-20250301"]], "",
          ["imei", "imsi", "phone"], dev=p)
    d = random_device("ES")
    xml = ('<?xml version="1.0"?>\n<wap-provisioningdoc version="1.1">\n'
           ' <characteristic type="APPLICATION">\n'
           '  <parm name="AppID" value="ap2002"/>\n'
           '  <characteristic type="IMS">\n'
           '   <parm name="Private_User_Identity" value="%s@ims.mnc%03d.mcc%s.3gppnetwork.example"/>\n'
           '   <characteristic type="Public_user_identity_list">\n'
           '    <parm name="Public_user_identity" value="tel:%s"/>\n'
           '   </characteristic>\n  </characteristic>\n </characteristic>\n'
           '</wap-provisioningdoc>\n') % (d.imsi, int(d.mnc), d.mcc, d.phone)
    ident("RCS client re-posting its received provisioning document (OMA CP XML) for "
          "diagnostics: IMPI with IMSI, tel URI public identity", "POST",
          "https://rcs-diag.client.example.com/upload",
          [["Content-Type", "text/xml"]], xml, ["imsi", "phone"], dev=d)


# ---- eSIM ------------------------------------------------------------------
@family_i
def fam_esim():
    d = random_device("NL")
    eid = "89049032" + digits(24)
    obj = {"transactionId": hexs(32, upper=True), "eid": eid,
           "deviceInfo": {"imei": d.imei1, "tac": d.imei1[:8], "model": "Pixel 8"},
           "profiles": [{"iccid": d.iccid, "state": "enabled", "spn": "KPN"}]}
    ident("eSIM carrier app: LPA profile inventory upload (EID, IMEI, enabled profile ICCID)",
          "POST", "https://esim.operator.example.com/lpa/v1/inventory",
          [["Content-Type", "application/json;charset=UTF-8"]], jd(obj),
          ["iccid", "imei"], dev=d)
    p = PHONE
    sw = "".join(p.iccid[i + 1] + p.iccid[i] for i in range(0, len(p.iccid) - 1, 2))
    if len(p.iccid) % 2:
        sw += "F" + p.iccid[-1]
    obj = {"header": {"functionRequesterIdentifier": "lpa", "functionCallIdentifier": "HandleNotification"},
           "pendingNotification": {"seqNumber": 3, "profileManagementOperation": "install",
                                   "notificationAddress": "smdp.example.com",
                                   "iccid": p.iccid, "iccidRaw": sw}}
    ident("SGP.22 ES9+ handleNotification after profile install: ICCID plain and in the "
          "on-card nibble-swapped form", "POST",
          "https://smdp.example.com/gsma/rsp2/es9plus/handleNotification",
          [["Content-Type", "application/json"], ["X-Admin-Protocol", "gsma/rsp/v2.5.0"]],
          jd(obj), ["iccid"], dev=p)


# ---- MDM check-ins -----------------------------------------------------------
@family_i
def fam_mdm():
    d = random_device("GB")
    d.serial = make_serial("apple")
    bt = make_mac()
    i, c = d.imei1, d.iccid
    plist = ('<?xml version="1.0" encoding="UTF-8"?>\n'
             '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
             '<plist version="1.0">\n<dict>\n'
             '\t<key>CommandUUID</key>\n\t<string>%s</string>\n'
             '\t<key>QueryResponses</key>\n\t<dict>\n'
             '\t\t<key>BluetoothMAC</key>\n\t\t<string>%s</string>\n'
             '\t\t<key>ICCID</key>\n\t\t<string>%s</string>\n'
             '\t\t<key>IMEI</key>\n\t\t<string>%s</string>\n'
             '\t\t<key>ModelName</key>\n\t\t<string>iPhone</string>\n'
             '\t\t<key>OSVersion</key>\n\t\t<string>17.4.1</string>\n'
             '\t\t<key>PhoneNumber</key>\n\t\t<string>%s</string>\n'
             '\t\t<key>SerialNumber</key>\n\t\t<string>%s</string>\n'
             '\t\t<key>WiFiMAC</key>\n\t\t<string>%s</string>\n'
             '\t</dict>\n\t<key>Status</key>\n\t<string>Acknowledged</string>\n'
             '</dict>\n</plist>\n') % (
        rand_uuid(True), bt, " ".join(c[k:k + 4] for k in range(0, len(c), 4)),
        "%s %s %s %s" % (i[:2], i[2:8], i[8:14], i[14]), intl(d.phone), d.serial, d.mac)
    ident("Apple MDM DeviceInformation command response (plist XML; IMEI and ICCID in "
          "Apple's spaced display form)", "PUT", "https://mdm.corp.example.com/mdm/server",
          [["Content-Type", "application/x-apple-aspen-mdm"], ["User-Agent", "MDM/1.0"]],
          plist, ["iccid", "imei", "mac", "phone", "serial"], dev=d)
    p = PHONE
    obj = {"deviceId": hexs(24), "policyVersion": 41, "compliance": "COMPLIANT",
           "hardware": {"serialNumber": p.serial, "imei": [p.imei1, p.imei2],
                        "wifiMacAddress": p.mac.upper().replace(":", "-"),
                        "manufacturer": "samsung", "model": "SM-S911B"},
           "telephony": {"iccid": p.iccid, "simOperator": p.mccmnc,
                         "phoneNumber": national(p.phone)},
           "lastCheckIn": iso_ts()}
    ident("Android Enterprise EMM device-policy check-in (JSON: serialNumber, both IMEIs, "
          "Wi-Fi MAC with dashes, ICCID, national-format phone number)", "POST",
          "https://emm.corp.example.com/api/devices/checkin",
          [["Content-Type", "application/json"], ["Authorization", "Bearer " + b64url(bytes(RNG.randrange(256) for _ in range(32)))]],
          jdp(obj), ["iccid", "imei", "mac", "phone", "serial"], dev=p)


@family_i
def fam_omadm():
    d = random_device("DE")
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<SyncML xmlns="SYNCML:SYNCML1.2">\n'
           '<SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>1A</SessionID>'
           '<MsgID>1</MsgID><Target><LocURI>https://dm.carrier.example.com/dm</LocURI></Target>'
           '<Source><LocURI>IMEI:%s</LocURI></Source></SyncHdr>\n<SyncBody>\n'
           '<Alert><CmdID>1</CmdID><Data>1201</Data></Alert>\n'
           '<Replace><CmdID>2</CmdID>'
           '<Item><Source><LocURI>./DevInfo/DevId</LocURI></Source><Data>IMEI:%s</Data></Item>'
           '<Item><Source><LocURI>./DevInfo/Man</LocURI></Source><Data>motorola</Data></Item>'
           '<Item><Source><LocURI>./DevInfo/Mod</LocURI></Source><Data>moto g84</Data></Item>'
           '<Item><Source><LocURI>./DevInfo/Ext/IMSI</LocURI></Source><Data>%s</Data></Item>'
           '</Replace>\n<Final/></SyncBody></SyncML>\n') % (d.imei1, d.imei1, d.imsi)
    ident("OMA-DM 1.2 SyncML client-initiated session (DevId 'IMEI:' LocURI, IMSI in a DevInfo "
          "extension node)", "POST", "https://dm.carrier.example.com/dm",
          [["Content-Type", "application/vnd.syncml.dm+xml"]], xml, ["imei", "imsi"], dev=d)


# ---- OTA / FOTA --------------------------------------------------------------
@family_i
def fam_ota():
    d = random_device("CN")
    d.serial = make_serial("xiaomi")
    qs = form([("d", "fuxi"), ("b", "F"), ("r", "CN"), ("c", "14.0"),
               ("v", "V816.0.7.0.UMCCNXM"), ("sn", d.serial), ("imei", md5(d.imei1)),
               ("id", d.imei1), ("pn", "fuxi"), ("channel", "")])
    ident("Xiaomi-style OTA update check (query string: serial under 'sn', IMEI plain under "
          "'id' and as MD5)", "GET", "https://update.miui.example.cn/updates/miotaV3.php?" + qs,
          [["User-Agent", "MiuiUpdater/8.1"]], "", ["imei", "serial"], dev=d)
    p = PHONE
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<FotaDeviceInfo>\n'
           '  <DeviceModel>SM-S911B</DeviceModel>\n  <CustomerCode>NEE</CustomerCode>\n'
           '  <SerialNumber>%s</SerialNumber>\n  <DeviceID>IMEI:%s</DeviceID>\n'
           '  <FirmwareVersion>S911BXXS5CXK1/S911BOXM5CXK1/S911BXXS5CXK1</FirmwareVersion>\n'
           '  <MCC>%s</MCC><MNC>%s</MNC>\n</FotaDeviceInfo>\n') % (p.serial, p.imei1, p.mcc, p.mnc)
    ident("Samsung-style FOTA device registration XML (SerialNumber, DeviceID 'IMEI:')",
          "POST", "https://fota-cloud-dn.ospserver.example/firmware/register",
          [["Content-Type", "text/xml; charset=utf-8"]], xml, ["imei", "serial"], dev=p)


# ---- Crash reports, logcat, bugreports -----------------------------------------
@family_i
def fam_crash():
    d = random_device("US")
    bss = d.bssids(1)[0]
    log = "\n".join([
        "03-14 08:21:07.114  1502  1502 I WifiClientModeImpl[wlan0]: Connected to BSSID %s SSID \"HomeNet-5G\" freq=5180" % bss,
        "03-14 08:21:07.212  1502  1593 D WifiNative: wlan0 factory MAC %s" % d.mac,
        "03-14 08:21:07.380  2210  2210 D PhoneInterfaceManager: getImeiForSlot: slot=0 imei=%s" % d.imei1,
        "03-14 08:21:07.401  2210  2244 D SubscriptionManagerService: iccid=%s carrierId=1 mcc=%s mnc=%s" % (d.iccid, d.mcc, d.mnc),
        "03-14 08:21:07.515  4417  4417 E AndroidRuntime: FATAL EXCEPTION: main",
        "03-14 08:21:07.515  4417  4417 E AndroidRuntime: java.lang.NullPointerException: Attempt to invoke virtual method 'int java.lang.String.length()' on a null object reference",
        "03-14 08:21:07.515  4417  4417 E AndroidRuntime: \tat com.example.shop.ui.CartFragment.onResume(CartFragment.kt:118)",
    ]) + "\n"
    boundary = "----CrashBoundary" + hexs(12)
    body = multipart([
        ("product", None, None, "com.example.shop"), ("version", None, None, "5.2.1"),
        ("ANDROID_ID", None, None, d.android_id),
        ("logcat", "logcat.txt", "text/plain", log),
    ], boundary)
    ident("ACRA-style crash report, multipart/form-data with an ANDROID_ID field and a logcat "
          "attachment leaking IMEI, ICCID, factory MAC and the associated AP's BSSID",
          "POST", "https://crash.example.com/report",
          [["Content-Type", "multipart/form-data; boundary=" + boundary]], body,
          ["android_id", "iccid", "imei", "mac", "wifi_bssid"], dev=d)
    p = PHONE
    bss = p.bssids(1)[0]
    rep = "\n".join([
        "========================================================",
        "== dumpstate: 2025-03-14 08:22:10",
        "========================================================",
        "Build: UP1A.231005.007",
        "------ DUMPSYS iphonesubinfo ------",
        "Phone Subscriber Info:",
        "  Phone Type = GSM",
        "  Device ID = %s" % p.imei1,
        "------ DUMPSYS wifi ------",
        "mWifiInfo SSID: \"Tele2Gateway7C21\", BSSID: %s, MAC: %s, IP: /192.168.1.23, Security type: 2, Supplicant state: COMPLETED, RSSI: -58, Link speed: 866Mbps" % (bss, p.mac),
        "------ DUMPSYS telephony.registry ------",
        "mCellIdentity=CellIdentityLte:{ mCi=%d mPci=212 mTac=%d mEarfcn=6300 mBands=[20] mBandwidth=10000 mMcc=%s mMnc=%s mAlphaLong=Tele2 mAlphaShort=Tele2}" % (p.eci, p.tac, p.mcc, p.mnc),
        "mServiceState={mVoiceRegState=0(IN_SERVICE), mDataRegState=0(IN_SERVICE)}",
        "",
    ])
    ident("Android bugreport (dumpstate) excerpt uploaded gzip'd by a beta-feedback SDK: "
          "iphonesubinfo Device ID, wifi info BSSID/MAC, LTE CellIdentity mCi",
          "POST", "https://feedback.beta.example.com/v1/bugreport?app=com.example.beta",
          [["Content-Type", "text/plain"], ["Content-Encoding", "gzip"]], gz(rep),
          ["cell_id", "imei", "mac", "wifi_bssid"], dev=p)


# ---- Diagnostics ------------------------------------------------------------
@family_i
def fam_diag():
    # network-quality drive-test CSV (device positions + serving cells)
    d = random_device("NL")
    rows = ["timestamp,lat,lon,accuracy_m,rat,mcc,mnc,tac,eci,pci,rsrp,rsrq,sinr"]
    lat, lon = d.lat, d.lon
    eci = d.eci
    for k in range(5):
        lat = round(lat + RNG.uniform(-0.0008, 0.0008), 6)
        lon = round(lon + RNG.uniform(-0.0008, 0.0008), 6)
        if k == 3:
            eci = d.neighbour_eci()
        rows.append("%d,%.6f,%.6f,%d,LTE,%s,%s,%d,%d,%d,%d,%d,%d" % (
            ms_ts(), lat, lon, RNG.randrange(3, 20), d.mcc, d.mnc, d.tac, eci,
            RNG.randrange(504), -RNG.randrange(80, 115), -RNG.randrange(5, 15), RNG.randrange(0, 25)))
    ident("Network-quality measurement app uploading a drive-test CSV (device fixes and serving "
          "cell ECIs)", "POST", "https://nq.measure.example.com/upload/csv",
          [["Content-Type", "text/csv"]], "\n".join(rows) + "\n", ["cell_id", "location"], dev=d)
    p = PHONE
    obj = {"test_id": rand_uuid(), "download_kbps": 187311, "upload_kbps": 41220,
           "latency_ms": 19, "client": {"lat": p.lat, "lon": p.lon, "accuracy": 11.5,
                                        "network": {"type": "LTE", "mcc": int(p.mcc), "mnc": int(p.mnc),
                                                    "tac": p.tac, "ci": p.eci, "pci": 331}},
           "server": {"id": 31122, "name": "Stockholm", "lat": 59.33, "lon": 18.07}}
    ident("Speed-test result upload (device GPS fix and serving LTE ci; test-server coordinates "
          "are a place, not the device)", "POST", "https://results.speedtest.example.com/api/v2/results",
          [["Content-Type", "application/json"]], jd(obj), ["cell_id", "location"], dev=p)


@family_i
def fam_yaml_cfg():
    d = random_device("SE")
    d.serial = make_serial("moto")
    y = ("# device inventory agent\n"
         "agent: inv-agent 3.4.0\n"
         "device:\n"
         "  manufacturer: motorola\n"
         "  model: moto g54\n"
         "  serial: %s\n"
         "  imei:\n    - \"%s\"\n    - \"%s\"\n"
         "  interfaces:\n"
         "    wlan0:\n      mac: \"%s\"\n      randomized: false\n"
         "owner:\n  email: %s\n") % (d.serial, d.imei1, d.imei2, d.mac, d.email)
    ident("Asset-inventory agent uploading a YAML device record (serial, IMEIs, wlan0 MAC, "
          "owner e-mail)", "PUT", "https://inventory.it.example.com/api/assets/" + hexs(12),
          [["Content-Type", "application/yaml"]], y, ["email", "imei", "mac", "serial"], dev=d)


# ---- Western analytics SDKs ----------------------------------------------------
@family_i
def fam_amplitude():
    d = random_device("US")
    events = [{"device_id": rand_uuid(), "user_id": None, "timestamp": ms_ts(),
               "event_type": "session_start", "platform": "Android", "os_version": "14",
               "device_model": "Pixel 8", "carrier": "T-Mobile", "adid": d.ad_id,
               "android_id": d.android_id, "library": {"name": "amplitude-android", "version": "2.39.8"},
               "event_id": 17, "session_id": ms_ts()}]
    e = jd(events)
    body = form([("v", "2"), ("client", hexs(32)), ("e", e), ("upload_time", str(ms_ts())),
                 ("checksum", md5(e))])
    ident("Amplitude Android SDK v2 upload: form field 'e' holding a JSON event array with "
          "adid and android_id", "POST", "https://api.amplitude.example.com/",
          [["Content-Type", "application/x-www-form-urlencoded"]], body,
          ["ad_id", "android_id"], dev=d)
    p = PHONE
    batch = [{"event": "$identify", "properties": {"$device_id": p.android_id, "$os": "Android",
                                                   "distinct_id": p.android_id, "$email": p.email,
                                                   "time": ms_ts() // 1000, "token": hexs(32)}}]
    body = form([("data", b64(jd(batch))), ("verbose", "1")])
    ident("Mixpanel-style /track: base64 JSON in a 'data' form field; the Android ID sits under "
          "generic device/distinct-id keys (profile only) next to the user's e-mail",
          "POST", "https://api.mixpanel.example.com/track/?ip=1",
          [["Content-Type", "application/x-www-form-urlencoded"]], body,
          ["email"], ["android_id"], dev=p)
    d = random_device("DE")
    nd = "\n".join(jd({"type": "track", "event": ev, "messageId": rand_uuid(),
                       "context": {"device": {"advertisingId": d.ad_id, "adTrackingEnabled": True,
                                              "manufacturer": "Google", "model": "Pixel 7"},
                                   "location": {"latitude": d.lat, "longitude": d.lon, "speed": 0},
                                   "network": {"carrier": "Telekom.de", "wifi": True}},
                       "timestamp": iso_ts()}) for ev in ("App Opened", "Product Viewed")) + "\n"
    ident("Segment-style analytics batch as NDJSON (context.device.advertisingId, "
          "context.location of the device)", "POST", "https://events.segment.example.com/v1/import",
          [["Content-Type", "application/x-ndjson"]], nd, ["ad_id", "location"], dev=d)


# ---- Chinese analytics / push SDKs -------------------------------------------
@family_i
def fam_cn_analytics():
    p = PHONE
    hdr = {"header": {"appkey": hexs(24), "app_version": "8.3.1", "os": "Android",
                      "os_version": "14", "device_model": "SM-S911B",
                      "idmd5": md5(p.imei1), "mc": p.mac, "imei": p.imei1,
                      "android_id": p.android_id, "resolution": "2340*1080",
                      "carrier": "Tele2", "access": "wifi", "country": "SE",
                      "sdk_version": "9.6.3"},
           "analytics": {"sessions": [{"id": hexs(32).upper(), "start_time": ms_ts()}]}}
    ident("Umeng-style analytics envelope: gzip'd JSON, then base64, as the POST body "
          "(imei, android_id, mc=MAC, idmd5)", "POST", "https://alog.umeng.example.cn/unify_logs",
          [["Content-Type", "application/octet-stream"], ["Msg-Type", "envelope/json"]],
          b64(gz(jd(hdr))), ["android_id", "imei", "mac"], dev=p)
    d = random_device("CN")
    obj = {"platform": "a", "appkey": hexs(24), "imei": d.imei1, "imsi": d.imsi,
           "mac": d.mac.replace(":", "").upper(), "androidId": d.android_id,
           "oaid": rand_uuid(), "sdkver": "5.4.0"}
    obj["oaid"] = _reg(obj["oaid"], "ad_id")
    body = zl(jd(obj))
    ident("JPush-style device registration: zlib-deflated JSON (imei, imsi, MAC without "
          "separators, androidId, oaid)", "POST", "https://reg.jpush.example.cn/v3/register",
          [["Content-Type", "application/octet-stream"], ["Content-Encoding", "deflate"]],
          body, ["ad_id", "android_id", "imei", "imsi", "mac"], dev=d)
    d = random_device("CN")
    kv = "&".join(["ky=" + hexs(12).upper(), "et=2", "ui=" + d.imei1, "mc=" + d.mac,
                   "mid=" + sha1(d.imei1), "ut=1", "sv=4.1.0", "ch=huawei",
                   "cell=" + "%s,%s,%d,%d" % (d.mcc, d.mnc, d.lac, d.gsm_cid)])
    ident("Tencent MTA-style stat report: '&'-joined key=value text body (ui=IMEI, mc=MAC, "
          "cell=mcc,mnc,lac,cid)", "POST", "https://pingma.qq.example.cn/mstat/report",
          [["Content-Type", "text/plain"]], kv, ["cell_id", "imei", "mac"], dev=d)


# ---- Ad SDKs ----------------------------------------------------------------
@family_i
def fam_openrtb():
    p = PHONE
    req = {"id": rand_uuid(), "imp": [{"id": "1", "banner": {"w": 320, "h": 50}, "bidfloor": 0.35}],
           "app": {"bundle": "com.example.game", "ver": "3.1.0"},
           "device": {"ua": ua_dalvik(), "ifa": p.ad_id, "lmt": 0, "os": "android", "osv": "14",
                      "make": "samsung", "model": "SM-S911B",
                      "dpidmd5": md5(p.android_id), "dpidsha1": sha1(p.android_id),
                      "macsha1": sha1(p.mac.upper().replace(":", "")),
                      "geo": {"lat": p.lat, "lon": p.lon, "type": 1, "accuracy": 15,
                              "country": "SWE", "city": "Stockholm"},
                      "carrier": "Tele2", "mccmnc": "240-07", "connectiontype": 2},
           "user": {"id": hexs(32)}, "at": 1, "tmax": 250}
    ident("OpenRTB 2.5 bid request from an in-app SDK: device.ifa, GPS device.geo, "
          "hashed Android ID (dpidmd5/dpidsha1) and SHA-1 of the MAC",
          "POST", "https://bid.ssp.example.com/openrtb2/auction",
          [["Content-Type", "application/json"], ["x-openrtb-version", "2.5"]], jd(req),
          ["ad_id", "location"], ["android_id", "mac"], dev=p)
    d = random_device("JP")
    qs = form([("sdk", "android-7.2.1"), ("gaid", d.ad_id), ("lat", "%.5f" % d.lat),
               ("lng", "%.5f" % d.lon), ("ll_acc", "25"), ("w", "1080"), ("h", "2400"),
               ("carrier", "NTT DOCOMO"), ("mcc", d.mcc), ("mnc", d.mnc)])
    ident("Mobile ad request as a GET query (gaid, device lat/lng)", "GET",
          "https://ads.network.example.com/m/ad?" + qs, [["User-Agent", ua_dalvik("SO-51D", "65.2.A.2.208")]],
          "", ["ad_id", "location"], dev=d)
    d = random_device("KR")
    inner = form([("adid", d.ad_id), ("email", d.email), ("campaign", "spring25")])
    click = "https://track.example.com/c?redirect=" + q("https://land.example.com/p?" + q(inner))
    ident("Ad click-tracking redirect: the landing URL nests a double URL-encoded query with "
          "adid and e-mail", "GET", click, [["Referer", "https://publisher.example.com/"]], "",
          ["ad_id", "email"], dev=d)


@family_i
def fam_attribution():
    d = random_device("FR")
    body = form([("gps_adid", d.ad_id), ("gps_adid_src", "service"), ("tracking_enabled", "1"),
                 ("android_uuid", rand_uuid()), ("app_token", hexs(12)), ("created_at", iso_ts()),
                 ("event_token", hexs(6)), ("environment", "production"), ("api_level", "34"),
                 ("device_name", "SM-A546B"), ("mcc", d.mcc), ("mnc", d.mnc)])
    ident("Adjust-style attribution event (form body: gps_adid)", "POST",
          "https://app.adjust.example.com/event",
          [["Content-Type", "application/x-www-form-urlencoded"], ["Client-SDK", "android4.38.2"]],
          body, ["ad_id"], dev=d)
    p = PHONE
    obj = {"hardware_id": p.android_id, "is_hardware_id_real": True, "brand": "samsung",
           "model": "SM-S911B", "google_advertising_id": p.ad_id, "lat_val": 0,
           "wifi": True, "os": "Android", "os_version": 34, "sdk": "android5.12.0",
           "branch_key": "key_live_" + hexs(24)}
    ident("Branch-style install open: Android ID under 'hardware_id' (generic key: profile "
          "only) and google_advertising_id", "POST", "https://api2.branch.example.com/v1/install",
          [["Content-Type", "application/json"]], jd(obj), ["ad_id"], ["android_id"], dev=p)
    d = random_device("IN")
    inner = {"advertiserId": d.ad_id, "android_id": d.android_id, "operator": "Jio",
             "deviceData": {"arch": "arm64-v8a", "build_display_id": "TP1A.220624.014"},
             "uid": "%d-%d" % (ms_ts(), RNG.randrange(10 ** 18, 10 ** 19))}
    outer = {"data": jd(inner), "kef": hexs(8)}
    ident("AppsFlyer-style launch: JSON-in-JSON (a 'data' string holding the device JSON with "
          "advertiserId and android_id)", "POST",
          "https://launches.appsflyer.example.com/api/v6.14/androidevent?app_id=com.example.app",
          [["Content-Type", "application/json"]], jd(outer), ["ad_id", "android_id"], dev=d)


# ---- Hashes and tokens carrying the held-out phone's values --------------------
@family_i
def fam_hashes():
    p = PHONE
    e164 = p.phone.lstrip("+")
    obj = {"data": [{"event_name": "Purchase", "event_time": ms_ts() // 1000,
                     "action_source": "app",
                     "user_data": {"em": [sha256(p.email)], "ph": [sha256(e164)],
                                   "madid": p.ad_id, "anon_id": rand_uuid()},
                     "custom_data": {"currency": "SEK", "value": 349.0}}]}
    ident("Meta Conversions-API-style app event: SHA-256 of e-mail and phone (profile only) "
          "and madid (the ad ID)", "POST", "https://graph.facebook.example.com/v19.0/1234/events",
          [["Content-Type", "application/json"]], jd(obj), ["ad_id"], ["email", "phone"], dev=p)
    body = form([("did", md5(p.imei1)), ("dsid", sha1(p.imei1).upper()),
                 ("m2", md5(p.mac.replace(":", "").upper())), ("app", "com.example.news"),
                 ("ver", "6.0.2"), ("ts", str(ms_ts()))])
    ident("Chinese news-app device fingerprint: MD5 and upper-case SHA-1 of the IMEI, MD5 of "
          "the upper-case colon-less MAC (profile only)", "POST",
          "https://log.news.example.cn/service/2/device_register/",
          [["Content-Type", "application/x-www-form-urlencoded"]], body, [], ["imei", "mac"], dev=p)
    tok = jwt({"sub": sha256(sha256(p.iccid)), "iss": "https://auth.carrier.example.com",
               "aud": "selfcare", "dev": md5(p.serial), "iat": 1741940000, "exp": 1741943600})
    ident("Carrier self-care app bearer JWT whose claims hold a double SHA-256 of the ICCID "
          "and an MD5 of the serial (profile only)", "GET",
          "https://selfcare.carrier.example.com/api/v1/usage",
          [["Authorization", "Bearer " + tok], ["Accept", "application/json"]], "",
          [], ["iccid", "serial"], dev=p)
    ident("Loyalty app: device header carries the serial number under a generic name and a "
          "cookie holds the Android ID (profile only)", "GET",
          "https://api.loyalty.example.com/v3/offers?store=0412",
          [["X-Device", p.serial], ["Cookie", "sid=%s; dvc=%s; lang=sv" % (hexs(40), p.android_id)]],
          "", [], ["android_id", "serial"], dev=p)


# ---- Location SDKs with Wi-Fi / cell scans ---------------------------------------
@family_i
def fam_geolocate():
    p = PHONE
    aps = p.bssids(4)
    obj = {"considerIp": False,
           "cellTowers": [{"radioType": "lte", "mobileCountryCode": int(p.mcc),
                           "mobileNetworkCode": int(p.mnc), "locationAreaCode": p.tac,
                           "cellId": p.eci, "signalStrength": -87, "serving": 1},
                          {"radioType": "lte", "mobileCountryCode": int(p.mcc),
                           "mobileNetworkCode": int(p.mnc), "locationAreaCode": p.tac,
                           "cellId": p.neighbour_eci(), "signalStrength": -101}],
           "wifiAccessPoints": [{"macAddress": a, "signalStrength": -RNG.randrange(45, 90),
                                 "channel": RNG.choice((1, 6, 11, 36, 44))} for a in aps]}
    ident("Geolocation API request (Google/MLS format): serving and neighbour LTE cellIds and "
          "scanned Wi-Fi access points", "POST", "https://location.geo.example.com/v1/geolocate?key=" + hexs(39),
          [["Content-Type", "application/json"]], jd(obj), ["cell_id", "wifi_bssid"], dev=p)
    d = random_device("GB")
    aps = d.bssids(3)
    item = {"timestamp": ms_ts(),
            "position": {"latitude": d.lat, "longitude": d.lon, "accuracy": 8.0,
                         "altitude": 31.0, "source": "gps"},
            "cellTowers": [{"radioType": "gsm", "mobileCountryCode": int(d.mcc),
                            "mobileNetworkCode": int(d.mnc), "locationAreaCode": d.lac,
                            "cellId": d.gsm_cid, "signalStrength": -71}],
            "wifiAccessPoints": [{"macAddress": a.replace(":", ""), "ssid": "", "age": 1200} for a in aps]}
    ident("Ichnaea/MLS geosubmit v2 contribution: GPS position plus GSM cell and Wi-Fi "
          "BSSIDs without separators", "POST", "https://location.services.example.com/v2/geosubmit",
          [["Content-Type", "application/json"], ["Content-Encoding", "gzip"]],
          gz(jd({"items": [item]})), ["cell_id", "location", "wifi_bssid"], dev=d)
    d = random_device("CN")
    aps = d.bssids(3)
    macs = "|".join("%s,%d,%s" % (a, -RNG.randrange(40, 90), s) for a, s in zip(aps, ("ChinaNet-7x2A", "TP-LINK_55E0", "")))
    qs = form([("accesstype", "1"), ("imei", d.imei1), ("imsi", d.imsi),
               ("cdma", "0"), ("bts", "%s,%s,%d,%d,-73" % (d.mcc, d.mnc, d.tac, d.eci)),
               ("nearbts", "%s,%s,%d,%d,-95" % (d.mcc, d.mnc, d.tac, d.neighbour_eci())),
               ("macs", macs), ("mmac", "%s,-52,HomeAP" % aps[0]), ("output", "json"),
               ("key", hexs(32))])
    ident("AMap-style hardware location API (query: imei, imsi, bts/nearbts 'mcc,mnc,lac,cid,"
          "signal', macs 'bssid,signal,ssid|...')", "GET",
          "https://apilocate.amap.example.cn/position?" + qs, [["User-Agent", "AMAP_Location_SDK_Android 6.4.3"]],
          "", ["cell_id", "imei", "imsi", "wifi_bssid"], dev=d)
    d = random_device("IT")
    fixes = [{"t": ms_ts(), "la": round(d.lat + k * 0.0003, 6), "lo": round(d.lon - k * 0.0002, 6),
              "acc": 6.5, "spd": 1.2} for k in range(3)]
    obj = {"installId": rand_uuid(), "adid": d.ad_id, "fixes": fixes,
           "visits": [{"venue": "Duomo di Milano", "venueLat": 45.4641, "venueLon": 9.1919}]}
    ident("Location-intelligence SDK batch: device fixes under abbreviated la/lo keys plus the "
          "ad ID; the visited venue's coordinates are a place", "POST",
          "https://collect.geosdk.example.com/v4/batch",
          [["Content-Type", "application/json"]], jd(obj), ["ad_id", "location"], dev=d)


# ---- Push registration ------------------------------------------------------
@family_i
def fam_checkin_pb():
    d = PHONE
    build = pb_bytes(1, "samsung/dm1qxeea/dm1q:14/UP1A.231005.007/S911BXXS5CXK1:user/release-keys") \
        + pb_bytes(2, "dm1q") + pb_bytes(6, "SM-S911B") + pb_int(7, 1735689600)
    checkin = pb_bytes(1, build) + pb_int(2, 0) + pb_bytes(6, "%s%s" % (d.mcc, d.mnc)) \
        + pb_bytes(7, "%s%s" % (d.mcc, d.mnc)) + pb_bytes(8, "WIFI::")
    msg = pb_bytes(1, d.imei1) + pb_bytes(4, checkin) + pb_bytes(6, "sv_SE") \
        + pb_bytes(9, d.mac.replace(":", "")) + pb_bytes(10, d.imei1) \
        + pb_bytes(12, "Europe/Stockholm") + pb_int(14, 3) + pb_bytes(16, d.serial) \
        + pb_bytes(19, "wifi")
    ident("Android device check-in (GMS checkin protobuf, gzip'd): IMEI, Wi-Fi MAC hex, "
          "serial in an unnamed protobuf field (profile only)", "POST", "https://android.clients.example.com/checkin",
          [["Content-Type", "application/x-protobuffer"], ["Content-Encoding", "gzip"],
           ["User-Agent", "Android-Checkin/2.0 (dm1q UP1A.231005.007); gzip"]],
          gz(msg), ["imei", "mac"], ["serial"], dev=d)
    p = random_device("CN")
    body = form([("appid", "10263621"), ("token_type", "hms"), ("deviceId", p.imei1),
                 ("deviceIdType", "0"), ("androidId", p.android_id), ("sn", p.serial),
                 ("pkgName", "com.example.chat")])
    ident("HMS-style push token request (form: deviceId=IMEI with deviceIdType 0, androidId, sn)",
          "POST", "https://push-api.cloud.example.com/push/getToken",
          [["Content-Type", "application/x-www-form-urlencoded"]], body,
          ["android_id", "imei", "serial"], dev=p)
    d = random_device("CN")
    qs = form([("devId", d.imei1), ("regId", b64url(bytes(RNG.randrange(256) for _ in range(48)))),
               ("appVersion", "7.12.0"), ("mac", d.mac)])
    ident("Xiaomi/OPPO-style push registration query (devId=IMEI, device MAC, push regId)", "GET",
          "https://register.xmpush.example.cn/pass/v2/register?" + qs, [], "",
          ["imei", "mac"], dev=d)


# ---- Messaging sign-up ------------------------------------------------------
@family_i
def fam_signup():
    p = PHONE
    num = phonenumbers.parse(p.phone)
    qs = form([("cc", str(num.country_code)), ("in", str(num.national_number)),
               ("method", "sms"), ("lg", "sv"), ("lc", "SE"), ("mcc", p.mcc), ("mnc", p.mnc.zfill(3)),
               ("sim_mcc", p.mcc), ("sim_mnc", p.mnc.zfill(3)), ("id", b64url(bytes(RNG.randrange(256) for _ in range(20))))])
    ident("Messenger registration code request: phone number split into country code 'cc' and "
          "national number 'in'", "GET", "https://v.messenger.example.com/v2/code?" + qs,
          [["User-Agent", "Messenger/2.25.5.74 Android/14 Device/samsung-SM-S911B"]], "",
          ["phone"], dev=p)
    d = random_device("DE")
    ident("Signal-style verification session creation (JSON number in E.164)", "POST",
          "https://chat.signal.example.com/v1/verification/session",
          [["Content-Type", "application/json"]],
          jd({"number": d.phone, "pushToken": b64url(bytes(RNG.randrange(256) for _ in range(30))),
              "pushTokenType": "fcm", "mcc": d.mcc, "mnc": d.mnc}), ["phone"], dev=d)
    d = random_device("BR")
    boundary = "----WebKitFormBoundary" + b64url(bytes(RNG.randrange(256) for _ in range(12)))
    body = multipart([("email", None, None, d.email), ("phone", None, None, intl(d.phone)),
                      ("name", None, None, "Ana"), ("accept_terms", None, None, "true")], boundary)
    ident("Marketplace app sign-up as multipart/form-data (e-mail and international-format "
          "phone)", "POST", "https://accounts.market.example.com/signup",
          [["Content-Type", "multipart/form-data; boundary=" + boundary]], body,
          ["email", "phone"], dev=d)
    p = PHONE
    tok = jwt({"iss": "https://id.example.com", "sub": hexs(24), "email": p.email,
               "email_verified": True, "phone_number": p.phone, "iat": 1741940000,
               "exp": 1741943600})
    ident("OpenID Connect ID token (JWT) posted to an app backend; claims carry e-mail and "
          "phone_number", "POST", "https://api.app.example.com/auth/oidc",
          [["Content-Type", "application/x-www-form-urlencoded"]],
          form([("id_token", tok), ("client_id", "app-android")]), ["email", "phone"], dev=p)


# ---- Wearables / IoT over raw TCP and UDP --------------------------------------
def bcd(s: str) -> bytes:
    if len(s) % 2:
        s = "0" + s
    return bytes(int(s[k:k + 2], 16) for k in range(0, len(s), 2))


def crc16_itu(data: bytes) -> int:
    # CRC-ITU (X.25) as used by GT06 trackers
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc ^ 0xFFFF


def coap_option_bytes(opts) -> bytes:
    out = b""
    last = 0
    for num, val in opts:
        if isinstance(val, str):
            val = val.encode()
        delta = num - last
        last = num
        ln = len(val)

        def nib(x):
            if x < 13:
                return x, b""
            if x < 269:
                return 13, bytes([x - 13])
            return 14, struct.pack(">H", x - 269)
        dn, dext = nib(delta)
        ln_, lext = nib(ln)
        out += bytes([(dn << 4) | ln_]) + dext + lext + val
    return out


def mqtt_len(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n % 128
        n //= 128
        out.append(b | 0x80 if n else b)
        if not n:
            return bytes(out)


def mqtt_str(s: str) -> bytes:
    b = s.encode()
    return struct.pack(">H", len(b)) + b


@family_i
def fam_trackers():
    d = random_device("DE")
    pkt = struct.pack(">H", 15) + d.imei1.encode()
    ident("Teltonika FMB GPS tracker TCP handshake: 2-byte length 0x000F then the IMEI in ASCII",
          "TCP", "tcp://fleet.tracking.example.com:5027/", [], pkt, ["imei"], dev=d)
    d = random_device("BR")
    content = bytes([0x0D, 0x01]) + bcd("0" + d.imei1) + struct.pack(">H", 1)
    crc = crc16_itu(content)
    pkt = b"\x78\x78" + content + struct.pack(">H", crc) + b"\x0d\x0a"
    ident("GT06 GPS tracker login packet over TCP: IMEI packed as 8 bytes of BCD (binary)",
          "TCP", "tcp://gps.tracker.example.com:8841/", [], pkt, ["imei"], dev=d)
    d = random_device("SE")

    def nmea(x, pos, neg, w):
        h = pos if x >= 0 else neg
        x = abs(x)
        deg = int(x)
        return ("%0" + str(w) + "d%07.4f") % (deg, (x - deg) * 60), h
    la, lah = nmea(d.lat, "N", "S", 2)
    lo, loh = nmea(d.lon, "E", "W", 3)
    txt = "##,imei:%s,A;imei:%s,tracker,250314082107,,F,082107.000,A,%s,%s,%s,%s,0.00,0;" % (
        d.imei1, d.imei1, la, lah, lo, loh)
    ident("TK103 tracker text protocol over TCP: 'imei:' prefix and an NMEA ddmm.mmmm fix of the "
          "tracker's own position", "TCP", "tcp://gps.tracker.example.com:5002/", [], txt,
          ["imei", "location"], dev=d)
    d = random_device("CN")
    aps = d.bssids(2)
    dev_id = digits(10)
    ud = ("UD,140325,082107,A,%.6f,N,%.6f,E,0.00,0.0,0.0,8,100,95,0,0,00000000,2,1,%s,%s,%d,%d,-78,"
          "%s,%s,%d,%d,-91,2,HomeWiFi,%s,-52,Office,%s,-71,16.3") % (
        d.lat, d.lon, d.mcc, d.mnc, d.tac, d.eci, d.mcc, d.mnc, d.tac, d.neighbour_eci(), aps[0], aps[1])
    pkt = "[3G*%s*%04X*%s]" % (dev_id, len(ud), ud)
    ident("Kids' smartwatch '3G*' text protocol UD report over TCP: watch GPS fix, serving and "
          "neighbour cells, scanned Wi-Fi 'ssid,bssid,rssi'", "TCP",
          "tcp://watch.kidsafe.example.cn:8001/", [], pkt, ["cell_id", "location", "wifi_bssid"], dev=d)
    d = random_device("NL")
    ep = "urn:imei:" + d.imei1
    hdr = bytes([0x42, 0x02]) + struct.pack(">H", RNG.randrange(65536)) + bytes(RNG.randrange(256) for _ in range(2))
    opts = coap_option_bytes([(11, "rd"), (12, bytes([40])), (15, "ep=" + ep), (15, "lt=86400"),
                              (15, "lwm2m=1.1"), (15, "b=U")])
    pkt = hdr + opts + b"\xff" + b"</1/0>,</3/0>,</4/0>,</5/0>,</6/0>"
    ident("LwM2M 1.1 Register over CoAP/UDP from an NB-IoT meter: endpoint name 'urn:imei:<IMEI>' "
          "in a Uri-Query option (binary CoAP header)", "UDP", "udp://lwm2m.iot.example.com:5683/",
          [], pkt, ["imei"], dev=d)
    d = random_device("IT")
    band_mac = make_mac()
    obj = {"user": {"email": d.email}, "band": {"mac": band_mac.upper(), "fw": "2.3.1.12",
                                               "model": "Band 8"},
           "steps": [{"t": ms_ts(), "v": 412}, {"t": ms_ts(), "v": 96}], "hr_avg": 72}
    ident("Fitness-band companion app sync: the wearable's own Bluetooth MAC and the account "
          "e-mail", "POST", "https://sync.wearable.example.com/v2/upload",
          [["Content-Type", "application/json"]], jd(obj), ["email", "mac"], dev=d)


@family_i
def fam_iot_udp_pb():
    d = random_device("FR")
    msg = pb_bytes(1, d.imei1) + pb_bytes(2, d.iccid) + pb_bytes(3, d.imsi) \
        + pb_int(4, ms_ts() // 1000) + pb_int(5, 3712) + pb_fixed32(6, 0x01020304) \
        + pb_bytes(7, "fw-1.9.4")
    ident("Cellular e-scooter/IoT heartbeat over UDP: schema-less protobuf with IMEI, ICCID and "
          "IMSI as string fields", "UDP", "udp://hb.scooters.example.com:9020/", [], msg,
          ["iccid", "imei", "imsi"], dev=d)


# ---- Smart TV / cast -----------------------------------------------------------
@family_i
def fam_tv():
    d = random_device("DE")
    tv_mac = d.mac
    tifa = make_ad_id()
    req = {"id": rand_uuid(), "device": {"ifa": tifa, "ifa_type": "tifa", "lmt": 0, "devicetype": 3,
                                         "make": "Samsung", "model": "QE55Q80C", "ip": "192.0.2.44"},
           "app": {"bundle": "G15147002586", "name": "Pluto TV"},
           "imp": [{"id": "1", "video": {"mimes": ["video/mp4"], "w": 1920, "h": 1080}}],
           "ext": {"tv_mac": tv_mac}}
    ident("Connected-TV OpenRTB request (ifa with ifa_type 'tifa') carrying the TV's own MAC "
          "in an extension", "POST", "https://ctv.ssp.example.com/rtb/bid",
          [["Content-Type", "application/json"]], jd(req), ["ad_id", "mac"], dev=d)
    d = random_device("US")
    d.serial = make_serial("moto")
    eth = make_mac()
    body = "\n".join(["serial_number=%s" % d.serial, "wifi_mac=%s" % d.mac.upper(),
                      "ethernet_mac=%s" % eth.replace(":", "-"), "model=3941X",
                      "firmware=12.5.0.4178", "uptime=86422"]) + "\n"
    ident("Streaming-stick telemetry as key=value lines (serial_number, Wi-Fi and Ethernet MACs)",
          "POST", "https://logs.streamstick.example.com/telemetry",
          [["Content-Type", "text/plain"]], body, ["mac", "serial"], dev=d)
    p = PHONE
    obj = {"type": "CONNECT", "senderId": "sender-" + hexs(6),
           "senderInfo": {"platform": 1, "sdkType": 2, "version": "21.4.0",
                          "deviceId": p.android_id, "deviceModel": "SM-S911B",
                          "ownerEmail": p.email}}
    ident("Cast-style sender CONNECT message sent as JSON over a TLS-less TCP channel; Android "
          "ID under the generic key 'deviceId' (profile only) and the owner's e-mail",
          "TCP", "tcp://livingroom-tv.lan.example:8009/", [], jd(obj), ["email"], ["android_id"], dev=p)


# ---- In-car / telematics -------------------------------------------------------
@family_i
def fam_car():
    d = random_device("SE")
    vin = "YV1" + "".join(RNG.choice("ABCDEFGHJKLMNPRSTUVWXYZ0123456789") for _ in range(14))
    cid = "tcu-" + d.imei1
    payload = jd({"vin": vin, "ts": ms_ts(), "modem": {"imei": d.imei1, "iccid": d.iccid, "imsi": d.imsi},
                  "gnss": {"lat": d.lat, "lon": d.lon, "hdop": 0.9, "speed_kmh": 47.2},
                  "cell": {"rat": "LTE", "mcc": d.mcc, "mnc": d.mnc, "tac": d.tac, "ci": d.eci},
                  "odometer_km": 48211.4})
    vh = mqtt_str("MQTT") + bytes([4, 0xC2]) + struct.pack(">H", 60)
    pl = mqtt_str(cid) + mqtt_str(vin) + mqtt_str(hexs(32))
    connect = b"\x10" + mqtt_len(len(vh) + len(pl)) + vh + pl
    topic = mqtt_str("v1/vehicles/%s/telemetry" % vin)
    publish = b"\x30" + mqtt_len(len(topic) + len(payload.encode())) + topic + payload.encode()
    ident("Car telematics unit over MQTT 3.1.1 (TCP 1883): CONNECT with client id 'tcu-<IMEI>' "
          "and a PUBLISH of JSON telemetry with modem IMEI/ICCID/IMSI, GNSS fix and serving cell",
          "TCP", "tcp://mqtt.telematics.example.com:1883/", [], connect + publish,
          ["cell_id", "iccid", "imei", "imsi", "location"], dev=d)
    p = PHONE
    obj = {"headUnit": {"brand": "Volvo", "os": "Android Automotive 12"},
           "projection": {"protocol": "android-auto", "phone": {"btMac": p.mac, "model": "SM-S911B",
                                                               "number": p.phone}},
           "trip": {"start": {"lat": p.lat, "lon": p.lon},
                    "destination": {"name": "Arlanda Airport", "lat": 59.6519, "lon": 17.9186}}}
    ident("In-car head-unit trip log: the paired phone's MAC and number, trip start at the "
          "phone's own position (the destination is a place)", "POST",
          "https://cloud.carmaker.example.com/api/trips",
          [["Content-Type", "application/json"]], jd(obj), ["location", "mac", "phone"], dev=p)


# ---- Payment / fraud SDK fingerprints ------------------------------------------
@family_i
def fam_fraud():
    d = random_device("ES")
    ap = d.bssids(1)[0]
    fp = {"android_id": d.android_id, "wifi_bssid": ap, "ssid": "MOVISTAR_2A1F",
          "sim_serial": d.iccid, "sim_operator": d.mccmnc, "mac": d.mac, "rooted": False,
          "screen": "1080x2340", "tz": "Europe/Madrid"}
    outer = {"session_id": rand_uuid(), "sdk": "riskshield-android/4.2.0",
             "payload": b64url(jd(fp))}
    ident("Payment fraud SDK device fingerprint: base64url JSON inside a JSON envelope "
          "(android_id, connected AP BSSID, SIM serial = ICCID, MAC)", "POST",
          "https://fp.riskshield.example.com/v1/collect",
          [["Content-Type", "application/json"]], jd(outer),
          ["android_id", "iccid", "mac", "wifi_bssid"], dev=d)
    p = PHONE
    ap = p.bssids(1)[0]
    fp = {"deviceFingerprint": {"androidId": p.android_id, "imei": p.imei1, "bssid": ap,
                                "gaid": p.ad_id, "geo": "%.5f,%.5f" % (p.lat, p.lon),
                                "phone": national(p.phone)}, "merchant": "M-" + digits(6)}
    ident("Card-payment SDK risk check sent as a hex-encoded JSON body (androidId, imei, bssid, "
          "gaid, 'lat,lon' string, national phone number)", "POST",
          "https://risk.payments.example.com/api/device-check",
          [["Content-Type", "application/octet-stream"], ["X-Encoding", "hex"]],
          jd(fp).encode().hex(), ["ad_id", "android_id", "imei", "location", "phone", "wifi_bssid"], dev=p)
    d = random_device("GB")
    kv = ";".join(["org_id=" + hexs(8), "session_id=" + hexs(32), "imei=" + d.imei1,
                   "imsi=" + d.imsi, "msisdn=" + d.phone.lstrip("+"), "os=android",
                   "lat=%.4f" % d.lat, "lng=%.4f" % d.lon])
    body = form([("d", b64(kv))])
    ident("ThreatMetrix-style profiling beacon: ';'-separated key=value list, base64'd in a form "
          "field (imei, imsi, msisdn without '+', device lat/lng)", "POST",
          "https://h.online-metrix.example.com/fp/clear.png",
          [["Content-Type", "application/x-www-form-urlencoded"]], body,
          ["imei", "imsi", "location", "phone"], dev=d)


# ---- Headers, cookies, paths, query encodings -----------------------------------
@family_i
def fam_transport_spots():
    d = random_device("CN")
    ident("Chinese shopping app WebView request with device identifiers in cookies "
          "(imei, mac)", "GET", "https://m.shop.example.cn/api/home/feed?page=1",
          [["Cookie", "uid=%s; imei=%s; mac=%s; channel=vivo" % (digits(9), d.imei1, q(d.mac))],
           ["User-Agent", ua_dalvik("V2183A", "SP1A.210812.003")]], "", ["imei", "mac"], dev=d)
    p = PHONE
    ident("Mobile-network header enrichment as injected by an operator proxy (X-MSISDN without "
          "'+', X-IMSI)", "GET", "http://portal.mvas.example.com/billing/subscribe?offer=17",
          [["X-MSISDN", p.phone.lstrip("+")], ["X-IMSI", p.imsi],
           ["X-Up-Subno", hexs(20)], ["Via", "1.1 wap-gw.operator.example.com"]], "",
          ["imsi", "phone"], dev=p)
    d = random_device("KR")
    ident("Device-management REST call with the IMEI as a path segment", "GET",
          "https://dm.fleet.example.com/api/v1/devices/%s/config?rev=12" % d.imei2,
          [["Accept", "application/json"]], "", ["imei"], dev=d)
    d = random_device("JP")
    payload = {"idfa": d.ad_id.upper(), "idfv": rand_uuid(True), "lat": round(d.lat, 5),
               "lon": round(d.lon, 5), "os": "iOS 17.4"}
    ident("iOS ad SDK beacon: base64url JSON in a query parameter (upper-case IDFA; the IDFV "
          "is a vendor-scoped id, not an ad ID)", "GET",
          "https://beacon.adnet.example.com/b?p=" + b64url(jd(payload)) + "&v=3",
          [["User-Agent", "AdSDK/5.1 (iPhone; iOS 17.4; Scale/3.00)"]], "",
          ["ad_id", "location"], dev=d)
    p = random_device("ES")
    ident("Newsletter opt-in link with the user's e-mail URL-encoded in the query", "GET",
          "https://news.publisher.example.com/subscribe?list=daily&email=" + q(p.email) + "&src=app",
          [["Accept", "text/html"]], "", ["email"], dev=p)
    p = random_device("NL")
    ident("Weather widget request carrying the device position in a Geo-Position header "
          "(RFC-draft style 'lat;lon;epu')", "GET",
          "https://api.weather.example.com/v1/current?units=metric",
          [["Geo-Position", "%.5f;%.5f;epu=12" % (p.lat, p.lon)], ["X-Android-ID", p.android_id]], "",
          ["android_id", "location"], dev=p)
    d = random_device("CN")
    oaid = make_ad_id()
    qs = form([("oaid", oaid), ("serialno", d.serial), ("imei", d.imei1),
               ("os_api", "31"), ("device_brand", "HONOR")])
    ident("Chinese ad SDK impression ping (oaid, serialno, imei in the query)", "GET",
          "https://ad.union.example.cn/api/ad/union/sdk/stats/?" + qs, [], "",
          ["ad_id", "imei", "serial"], dev=d)


@family_i
def fam_more_formats():
    d = random_device("US")
    env_hdr = jd({"event_id": hexs(32), "sent_at": iso_ts(), "dsn": "https://%s@o1.ingest.example.com/2" % hexs(32)})
    item_body = jd({"event_id": hexs(32), "level": "error", "platform": "java",
                    "user": {"id": digits(8), "email": d.email, "ip_address": "{{auto}}"},
                    "contexts": {"device": {"model": "Pixel 7a", "arch": "arm64-v8a", "battery_level": 71.0},
                                 "os": {"name": "Android", "version": "14"}},
                    "exception": {"values": [{"type": "IllegalStateException", "value": "Fragment not attached"}]}})
    env = env_hdr + "\n" + jd({"type": "event", "length": len(item_body.encode())}) + "\n" + item_body + "\n"
    ident("Sentry envelope (newline-delimited header + item) with the user's e-mail",
          "POST", "https://o1.ingest.example.com/api/2/envelope/",
          [["Content-Type", "application/x-sentry-envelope"]], env, ["email"], dev=d)
    d = random_device("IT")
    soap = ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:sub="urn:example:subscriber">\n'
            ' <soapenv:Body>\n  <sub:GetSubscriberProfile>\n'
            '   <sub:MSISDN>%s</sub:MSISDN>\n   <sub:IMSI>%s</sub:IMSI>\n'
            '   <sub:Channel>APP</sub:Channel>\n  </sub:GetSubscriberProfile>\n'
            ' </soapenv:Body>\n</soapenv:Envelope>\n') % (d.phone.lstrip("+"), d.imsi)
    ident("Operator self-care SOAP request (MSISDN in international digits, IMSI)", "POST",
          "https://soa.operator.example.com/SubscriberService",
          [["Content-Type", "text/xml; charset=utf-8"], ["SOAPAction", "urn:GetSubscriberProfile"]],
          soap, ["imsi", "phone"], dev=d)
    d = random_device("US", cdma=True)
    obj = {"activationRequest": {"meidHex": d.meid, "meidDec": meid_dec(d.meid), "imei": d.imei1,
                                 "iccid": d.iccid, "zip": "94107", "planCode": "UNL-5G"}}
    ident("US carrier device activation (CDMA-era fields: MEID in hex and 18-digit decimal, "
          "plus IMEI and ICCID)", "POST", "https://activate.wireless.example.com/v3/activation",
          [["Content-Type", "application/json"]], jdp(obj), ["iccid", "imei", "meid"], dev=d)
    d = random_device("GB")
    gql = {"operationName": "UpdateProfile",
           "query": "mutation UpdateProfile($input: ProfileInput!) { updateProfile(input: $input) { id } }",
           "variables": {"input": {"email": d.email, "mobile": national(d.phone), "marketingOptIn": False}}}
    ident("GraphQL mutation with e-mail and UK national-format mobile number in variables",
          "POST", "https://api.retail.example.com/graphql",
          [["Content-Type", "application/json"]], jd(gql), ["email", "phone"], dev=d)
    d = random_device("DE")
    aps = d.bssids(1)
    log = ("<30>Mar 14 08:21:07 androidtv-7c21 wpa_supplicant[1203]: wlan0: CTRL-EVENT-CONNECTED - "
           "Connection to %s completed [id=0 id_str=]\n"
           "<30>Mar 14 08:21:07 androidtv-7c21 wpa_supplicant[1203]: wlan0: own address %s\n") % (aps[0], d.mac)
    ident("Android TV box remote syslog over UDP 514: wpa_supplicant lines with the AP BSSID and "
          "the box's own address", "UDP", "udp://syslog.isp-cpe.example.com:514/", [], log,
          ["mac", "wifi_bssid"], dev=d)
    d = random_device("FR")
    people = [(make_phone(RNG.choice(("FR", "DE", "ES"))), make_email()) for _ in range(3)]
    vcf = "".join("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Contact %d\r\nTEL;TYPE=CELL:%s\r\nEMAIL:%s\r\nEND:VCARD\r\n"
                  % (k + 1, intl(ph), em) for k, (ph, em) in enumerate(people))
    ident("Contacts backup upload (vCard 3.0): other subscribers' mobile numbers and e-mail "
          "addresses", "PUT", "https://backup.cloud.example.com/contacts/" + hexs(16) + ".vcf",
          [["Content-Type", "text/vcard"]], vcf, ["email", "phone"], dev=d)
    d = random_device("US")
    ap = d.bssids(1)[0]
    obj = {"emergencyAddress": {"street": "", "verified": False},
           "devicePosition": {"latitude": d.lat, "longitude": d.lon, "uncertaintyM": 18},
           "wlan": {"bssid": ap.upper(), "ssid": "Apt4B"}, "msisdn": d.phone}
    ident("Wi-Fi calling emergency-location registration: device position, associated AP "
          "BSSID and MSISDN", "PUT", "https://e911.carrier.example.com/wfc/location",
          [["Content-Type", "application/json"]], jd(obj), ["location", "phone", "wifi_bssid"], dev=d)
    d = random_device("KR")
    rep = ("CellInfoWcdma:{mRegistered=YES mTimeStamp=%dns mCellIdentity=CellIdentityWcdma:{ mLac=%d "
           "mCid=%d mPsc=301 mUarfcn=10663 mMcc=%s mMnc=%s}}\n") % (ms_ts() * 1000000, d.lac, d.gsm_cid * 16 + 3, d.mcc, d.mnc)
    ident("Diagnostics SDK upload of TelephonyManager.getAllCellInfo() toString() text (WCDMA "
          "mLac/mCid)", "POST", "https://diag.netsdk.example.com/cellinfo",
          [["Content-Type", "text/plain"]], rep, ["cell_id"], dev=d)


@family_i
def fam_corpus_extra():
    d = random_device("IT")
    blob = b64(jd({"gaid": d.ad_id, "limit": False}))
    ident("Retail app cookie holding base64 JSON with the gaid", "GET",
          "https://www.store.example.com/api/cart",
          [["Cookie", "ad=%s; cart=%s" % (q(blob), hexs(24))]], "", ["ad_id"], dev=d)
    p = PHONE
    obj = {"customer": {"msisdn": p.phone, "email": p.email},
           "request": jd({"type": "SIM_SWAP_CHECK", "iccid": p.iccid})}
    ident("Operator app support-ticket: JSON with MSISDN and e-mail, and an embedded JSON string "
          "holding the ICCID", "POST", "https://support.operator.example.com/api/tickets",
          [["Content-Type", "application/json"]], jd(obj), ["email", "iccid", "phone"], dev=p)
    obj = {"warranty": {"serialno": p.serial, "model": "SM-S911B", "purchaseCountry": "SE"},
           "contact": {"email": p.email}}
    ident("OEM warranty lookup (serialno key) with the owner's e-mail", "POST",
          "https://warranty.oem.example.com/api/check",
          [["Content-Type", "application/json"]], jd(obj), ["email", "serial"], dev=p)
    aps = p.bssids(3)
    scan = b"".join(pb_bytes(2, pb_bytes(1, a) + pb_int(2, RNG.randrange(40, 90))) for a in aps)
    cell = pb_bytes(3, pb_int(1, int(p.mcc)) + pb_int(2, int(p.mnc)) + pb_int(3, p.tac) + pb_bytes(4, str(p.eci)))
    msg = pb_int(1, ms_ts()) + scan + cell
    ident("Location SDK scan upload: hand-encoded protobuf (BSSID strings, serving cell with ECI "
          "as a string field), gzip'd then base64 in a JSON field", "POST",
          "https://loc.sdk.example.com/v2/scan",
          [["Content-Type", "application/json"]], jd({"v": 2, "scan": b64(gz(msg))}),
          ["cell_id", "wifi_bssid"], dev=p)


# ---- Further SDK and device families ----------------------------------------------
@family_i
def fam_misc_sdks():
    d = random_device("BR")
    extinfo = jd(["a2", "com.example.food", "412", "4.1.2", "14", "SM-A546E", "pt_BR", "BRT",
                  "Vivo", 1080, 2340, "2.63", 8, 112, 43, "America/Sao_Paulo"])
    body = form([("event", "MOBILE_APP_INSTALL"), ("advertiser_id", d.ad_id),
                 ("advertiser_tracking_enabled", "1"), ("application_tracking_enabled", "1"),
                 ("anon_id", "XZ" + rand_uuid()), ("extinfo", extinfo), ("format", "json"),
                 ("sdk", "android")])
    ident("Facebook-SDK-style app activities call (form: advertiser_id, JSON-array extinfo)",
          "POST", "https://graph.facebook.example.com/v19.0/1234567890/activities",
          [["Content-Type", "application/x-www-form-urlencoded"]], body, ["ad_id"], dev=d)
    d = random_device("CN")
    obj = {"imei": d.imei1, "mac": d.mac, "model": "23049RAD8C", "events": [{"k": "app_start", "t": ms_ts()}]}
    ident("Xiaomi-style stats SDK: zlib-deflated JSON, base64'd, in a form field 'data'",
          "POST", "https://data.mistat.example.cn/mistats/v2",
          [["Content-Type", "application/x-www-form-urlencoded"]],
          form([("app_id", digits(13)), ("data", b64(zl(jd(obj))))]), ["imei", "mac"], dev=d)
    d = random_device("GB")
    tel = "tel:" + d.phone
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<simservs xmlns="http://uri.etsi.org/ngn/params/xml/simservs/xcap">\n'
           ' <communication-diversion active="true"><ruleset><rule id="cfu"><conditions/>'
           '<actions><forward-to><target>tel:+441632960961</target></forward-to></actions></rule></ruleset>'
           '</communication-diversion>\n</simservs>\n')
    ident("VoLTE supplementary-services XCAP PUT (3GPP TS 24.623): subscriber identity in the "
          "XUI path and X-3GPP-Intended-Identity; the forwarding target is a reserved UK "
          "drama number", "PUT",
          "https://xcap.ims.example.com/simservs.ngn.etsi.org/users/%s/simservs.xml/~~/simservs/communication-diversion" % q(tel),
          [["X-3GPP-Intended-Identity", '"%s"' % tel], ["Content-Type", "application/vnd.etsi.simservs+xml"]],
          xml, ["phone"], dev=d)
    d = random_device("NL")
    log = ("AT+CGSN\r\n%s\r\nOK\r\nAT+CCID\r\n+CCID: %s\r\nOK\r\nAT+CIMI\r\n%s\r\nOK\r\n"
           "AT+CEREG?\r\n+CEREG: 2,1,\"%04X\",\"%07X\",7\r\nOK\r\n") % (d.imei1, d.iccid, d.imsi, d.tac, d.eci)
    ident("IoT gateway forwarding its cellular modem's AT-command transcript over raw TCP "
          "(AT+CGSN IMEI, AT+CCID ICCID, AT+CIMI IMSI, +CEREG hex TAC/ECI)", "TCP",
          "tcp://console.iot-gw.example.com:7001/", [], log,
          ["cell_id", "iccid", "imei", "imsi"], dev=d)
    d = random_device("US")
    aps = d.bssids(3)
    msg = b"".join(pb_bytes(2, pb_bytes(1, a)) for a in aps) + pb_int(3, 0) + pb_int(4, 1)
    pkt = struct.pack(">H", 1) + mqtt_str("en_US") + mqtt_str("com.apple.locationd") \
        + mqtt_str("17.4.21E219") + struct.pack(">I", 1) + struct.pack(">I", len(msg)) + msg
    ident("Apple-style Wi-Fi location lookup (wloc): length-prefixed binary header then a "
          "protobuf listing BSSID strings", "POST", "https://gs-loc.apple.example.com/clls/wloc",
          [["Content-Type", "application/x-www-form-urlencoded"], ["User-Agent", "locationd/2890.16.16 CFNetwork/1494.0.7 Darwin/23.4.0"]],
          pkt, ["wifi_bssid"], dev=d)
    d = random_device("SE")
    props = ("# exported by device-info app\n"
             "device.imei=%s\n"
             "device.sn=%s\n"
             "device.android_id=%s\n"
             "net.wifi.mac=%s\n"
             "build.version=14\n") % (d.imei1, d.serial, d.android_id, d.mac)
    ident("Device-info app export uploaded as a Java .properties file (imei, sn, android_id, "
          "Wi-Fi MAC)", "PUT", "https://share.files.example.com/u/" + hexs(10) + "/device.properties",
          [["Content-Type", "text/x-java-properties"]], props,
          ["android_id", "imei", "mac", "serial"], dev=d)
    d = random_device("HK")
    ident("App login with HTTP Basic authorization whose user part is the e-mail address",
          "POST", "https://api.bank.example.com/v2/session",
          [["Authorization", "Basic " + b64(d.email + ":" + "correct-horse-battery")],
           ["Content-Type", "application/json"]], jd({"remember": True}), ["email"], dev=d)
    d = random_device("IN")
    body = form([("pickup_lat", "%.6f" % d.lat), ("pickup_lng", "%.6f" % d.lon),
                 ("pickup_source", "gps"), ("drop_lat", "19.0896"), ("drop_lng", "72.8656"),
                 ("drop_name", "Mumbai Airport T2"), ("rider_phone", national(d.phone))])
    ident("Ride-hailing fare estimate: pickup at the device's GPS position and the rider's phone "
          "in national form; the drop-off is a place", "POST", "https://api.rides.example.com/v1/estimate",
          [["Content-Type", "application/x-www-form-urlencoded"]], body, ["location", "phone"], dev=d)


# ==========================================================================
# Benign families
# ==========================================================================
CP = "10.55.0.4"  # benign traffic from the held-out phone, too


def luhn_complete(body: str) -> str:
    v = body + luhn.calc_check_digit(body)
    assert luhn.is_valid(v)
    return v


def non_luhn(n: int, first: str = "7") -> str:
    """n-digit number that fails Luhn and is not a valid IMSI."""
    while True:
        v = first + digits(n - 1)
        if not luhn.is_valid(v) and not std_imsi.is_valid(v):
            return v


@family_b
def ben_luhn():
    amex = "378282246310005"
    assert luhn.is_valid(amex)
    obj = {"checkout": {"cart_id": rand_uuid(), "amount": {"value": 349.0, "currency": "SEK"},
                        "payment_method": {"type": "scheme", "number": "4111111111111111",
                                           "expiryMonth": "03", "expiryYear": "2030",
                                           "cvc": "737", "holderName": "Test Card"}}}
    benign("Payment checkout in a sandbox with the public Visa test PAN 4111111111111111 "
           "(16 digits, Luhn-valid)", "POST", "https://checkout-test.psp.example.com/v71/payments",
           [["Content-Type", "application/json"], ["Idempotency-Key", rand_uuid()]], jd(obj), client_ip=CP)
    obj = {"paymentMethod": {"type": "amex", "encryptedCardNumber": "test_" + amex,
                             "brand": "amex"}, "reference": "ORDER-" + non_luhn(10)}
    benign("Sandbox card payment using the public American Express test number 378282246310005 "
           "(15 digits, Luhn-valid, prefix 37 is not a TAC range)", "POST",
           "https://checkout-test.psp.example.com/v71/payments",
           [["Content-Type", "application/json"]], jd(obj))
    gift = luhn_complete("603571" + digits(12))
    benign("Gift-card balance check with a 19-digit Luhn-valid gift-card number (prefix 6035)",
           "POST", "https://giftcards.retail.example.com/api/balance",
           [["Content-Type", "application/x-www-form-urlencoded"]],
           form([("card", gift), ("pin", digits(4))]))
    org = "5560125790"
    assert luhn.is_valid(org)
    benign("E-invoice lookup by a Swedish organisation number and VAT number (Luhn-valid "
           "10-digit company identifier)", "GET",
           "https://einvoice.example.se/api/v1/company?orgnr=%s&vat=SE%s01" % (org, org),
           [["Accept", "application/json"]], "", client_ip=CP)
    isbns = []
    for _ in range(3):
        b = "978" + digits(9)
        s = sum(int(c) * (1 if k % 2 == 0 else 3) for k, c in enumerate(b))
        isbns.append(b + str((10 - s % 10) % 10))
    benign("Library app availability check by ISBN-13 and EAN-13 barcodes", "GET",
           "https://library.example.com/api/availability?isbn=" + ",".join(isbns),
           [["Accept", "application/json"]], "")


@family_b
def ben_long_numbers():
    feed = {"data": [{"id": str(RNG.randrange(1700000000000000000, 1900000000000000000)),
                      "created_at_ms": ms_ts(), "text": "Morning run done"} for _ in range(3)],
            "meta": {"newest_id": str(RNG.randrange(1700000000000000000, 1900000000000000000)),
                     "result_count": 3}}
    benign("Social timeline page: 19-digit snowflake post IDs and millisecond timestamps",
           "GET", "https://api.social.example.com/2/timeline?since_id=%d" % RNG.randrange(10 ** 18, 2 * 10 ** 18),
           [["Authorization", "Bearer AAAA" + b64url(bytes(RNG.randrange(256) for _ in range(40)))]], jd(feed),
           client_ip=CP)
    lines = ["%s,%d,%d,%.3f" % ("cpu_temp", ms_ts() * 1000000 + RNG.randrange(10 ** 6), RNG.randrange(10 ** 15, 10 ** 16), RNG.uniform(30, 60)) for _ in range(4)]
    benign("Performance trace export: nanosecond timestamps (19 digits) and 16-digit "
           "microsecond counters", "POST", "https://perf.example.com/ingest/csv",
           [["Content-Type", "text/csv"]], "metric,t_ns,mono_us,value\n" + "\n".join(lines) + "\n")
    orders = [{"orderNo": non_luhn(15, "7"), "tracking": "JJD" + digits(18), "placed": iso_ts()} for _ in range(3)]
    benign("Parcel-tracking sync: 15-digit order numbers (fail Luhn, no MCC prefix) and 21-char "
           "tracking codes", "POST", "https://parcels.example.com/api/sync",
           [["Content-Type", "application/json"]], jd({"orders": orders}), client_ip=CP)
    obj = {"account": "SE4550000000058398257466", "bic": "ESSESESS", "amount": "1250.00",
           "ocr": luhn_complete(digits(11)), "due": "2025-04-30"}
    benign("Bank-giro payment with a Swedish IBAN and a Luhn-checked OCR reference", "POST",
           "https://bank.example.se/api/payments",
           [["Content-Type", "application/json"]], jd(obj), client_ip=CP)
    benign("Game leaderboard: large integer scores and 64-bit player ids", "GET",
           "https://lb.game.example.com/v1/scores?board=weekly&around=%d" % RNG.randrange(2 ** 62, 2 ** 63),
           [["X-Player", str(RNG.randrange(2 ** 62, 2 ** 63))]], "")


@family_b
def ben_ids_tokens():
    tid, sid = hexs(32), hexs(16)
    spans = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "shop-android"}}]},
                                "scopeSpans": [{"spans": [{"traceId": tid, "spanId": sid, "parentSpanId": hexs(16),
                                                           "name": "GET /api/cart", "startTimeUnixNano": str(ms_ts() * 10 ** 6),
                                                           "endTimeUnixNano": str(ms_ts() * 10 ** 6), "kind": 3}]}]}]}
    benign("OpenTelemetry OTLP/JSON trace export: 32-hex trace IDs and 16-hex span IDs "
           "(android_id-shaped but not device ids)", "POST", "https://otel.example.com/v1/traces",
           [["Content-Type", "application/json"], ["traceparent", "00-%s-%s-01" % (tid, hexs(16))]],
           jd(spans), client_ip=CP)
    benign("API call with request-id and correlation UUIDs in headers", "GET",
           "https://api.todo.example.com/v2/lists/%s/items" % rand_uuid(),
           [["X-Request-ID", rand_uuid()], ["X-Correlation-ID", rand_uuid(True)],
            ["X-Session", rand_uuid()]], "")
    ev = [{"event_id": rand_uuid(), "name": "screen_view", "params": {"screen": "home"},
           "session_id": rand_uuid(), "ts": ms_ts()} for _ in range(3)]
    benign("First-party analytics with per-event UUIDs and session UUIDs under non-ad keys",
           "POST", "https://t.app.example.com/collect",
           [["Content-Type", "application/json"]], jd({"events": ev}), client_ip=CP)
    files = [{"path": "assets/%s.bin" % n, "sha256": hexs(64), "md5": hexs(32), "size": RNG.randrange(10 ** 6)}
             for n in ("model", "dict", "fonts")]
    benign("App asset-update manifest check with SHA-256/MD5 content digests", "POST",
           "https://cdn-manifest.example.com/check",
           [["Content-Type", "application/json"], ["If-None-Match", '"%s"' % hexs(40)]],
           jd({"app": "com.example.reader", "files": files}))
    benign("Source-control web hook style ping with a git commit SHA and a 16-hex short ref",
           "POST", "https://ci.example.com/hooks/build",
           [["Content-Type", "application/json"], ["X-Hub-Signature-256", "sha256=" + hexs(64)]],
           jd({"ref": "refs/heads/main", "after": hexs(40), "short": hexs(16), "pusher": "ci-bot"}))
    benign("Firebase-Installations-style request: random 22-char installation id (FID) and an "
           "app-instance id, neither in the identifier vocabulary", "POST",
           "https://firebaseinstallations.example.com/v1/projects/demo-app/installations",
           [["Content-Type", "application/json"], ["x-goog-api-key", "AIza" + b64url(bytes(RNG.randrange(256) for _ in range(26)))[:35]]],
           jd({"fid": "c" + b64url(bytes(RNG.randrange(256) for _ in range(16)))[:21], "appId": "1:%s:android:%s" % (digits(12), hexs(22)),
               "authVersion": "FIS_v2", "sdkVersion": "a:17.2.0", "appInstanceId": hexs(32)}), client_ip=CP)
    benign("OAuth token refresh with opaque refresh token and client secret", "POST",
           "https://auth.example.com/oauth/token",
           [["Content-Type", "application/x-www-form-urlencoded"]],
           form([("grant_type", "refresh_token"), ("refresh_token", b64url(bytes(RNG.randrange(256) for _ in range(48)))),
                 ("client_id", "android-" + hexs(8))]))
    tok = jwt({"sub": rand_uuid(), "scope": "read:feed", "iat": 1741940000, "exp": 1741943600,
               "jti": hexs(16)})
    benign("API call with a bearer JWT whose claims are only a random subject UUID and scope",
           "GET", "https://api.feed.example.com/v1/feed", [["Authorization", "Bearer " + tok]], "")


@family_b
def ben_colours_versions():
    theme = {"primary": "#1A73E8", "onPrimary": "#FFFFFF", "surface": "#FFFBFE",
             "argb": {"accent": "FF6750A4", "error": "FFB3261E"}, "rgba": "rgba(26,115,232,0.87)",
             "palette": ["#%06x" % RNG.randrange(2 ** 24) for _ in range(6)]}
    benign("Theme sync: hex colours (#RRGGBB, AARRGGBB)", "PUT", "https://prefs.app.example.com/theme",
           [["Content-Type", "application/json"]], jd(theme), client_ip=CP)
    obj = {"fingerprint": "samsung/dm1qxeea/dm1q:14/UP1A.231005.007/S911BXXS5CXK1:user/release-keys",
           "versionCode": 341012345, "versionName": "14.10.31.2024031400", "gms": "24.08.12 (190400-609581637)",
           "kernel": "5.15.123-android14-11-27855131-abS911BXXS5CXK1", "webview": "122.0.6261.119"}
    benign("App compatibility check with build fingerprint, version codes and kernel string "
           "(no serial or IMEI)", "POST", "https://compat.app.example.com/v1/check",
           [["Content-Type", "application/json"]], jd(obj), client_ip=CP)
    benign("Plain update check with semantic versions in the query", "GET",
           "https://updates.app.example.com/latest?current=5.2.1&min_sdk=26&target=34&abi=arm64-v8a&build=20250314.1822",
           [["User-Agent", UA_OKHTTP]], "")


@family_b
def ben_places():
    benign("Store locator search around a typed city centre (coordinates of a searched place)",
           "GET", "https://stores.retail.example.com/api/stores?lat=59.3326&lng=18.0649&radius=5000&limit=20",
           [["Accept", "application/json"]], "", client_ip=CP)
    tiles = ["https://tiles.maps.example.com/styles/v1/streets/tiles/%d/%d/%d@2x.png" % (z, x, y)
             for z, x, y in ((14, 9013, 4758), (15, 18027, 9516))]
    benign("Vector/raster map tile fetch by z/x/y", "GET", tiles[0],
           [["Accept", "image/png"], ["Referer", tiles[1]]], "", client_ip=CP)
    obj = {"origin": {"name": "Stockholm Central", "lat": 59.3303, "lon": 18.0586},
           "destination": {"name": "Gothenburg Central", "lat": 57.7089, "lon": 11.9733},
           "departure": "2025-03-20T07:10:00+01:00"}
    benign("Rail journey planner query between two named stations (place coordinates)",
           "POST", "https://journeys.rail.example.com/api/search",
           [["Content-Type", "application/json"]], jd(obj))
    benign("Weather forecast for a city at two-decimal coordinates", "GET",
           "https://api.weather.example.com/v1/forecast?latitude=48.86&longitude=2.35&hourly=temperature_2m",
           [["Accept", "application/json"]], "")
    fence = {"geofences": [{"id": "store-0412", "type": "polygon",
                            "coordinates": [[18.0598, 59.3321], [18.0641, 59.3321], [18.0641, 59.3345], [18.0598, 59.3345]]}],
             "bbox": "17.95,59.28,18.20,59.40"}
    benign("Geofence/area definitions download (store polygon, bounding box)", "POST",
           "https://geo.campaigns.example.com/v1/fences/sync",
           [["Content-Type", "application/json"]], jd(fence))
    gtfs = "stop_id,stop_name,stop_lat,stop_lon\n" + "\n".join(
        "%d,%s,%.6f,%.6f" % (740000000 + k, n, la, lo) for k, (n, la, lo) in enumerate(
            (("T-Centralen", 59.331380, 18.061680), ("Slussen", 59.319520, 18.072330),
             ("Odenplan", 59.342790, 18.049520)))) + "\n"
    benign("Transit app uploading a GTFS stops.csv extract (public stop coordinates)", "PUT",
           "https://transit.example.com/feeds/stops.csv", [["Content-Type", "text/csv"]], gtfs)
    benign("Real-estate listing search with a map viewport (bounding box of an area)", "GET",
           "https://homes.example.com/api/search?sw=45.4511,9.1523&ne=45.4822,9.2201&zoom=14",
           [["Accept", "application/json"]], "")


@family_b
def ben_ipv6_macshaped():
    cands = [{"candidate": "candidate:%d 1 udp 2122260223 2001:db8:%x:%x::%x 5%04d typ host generation 0" % (
        RNG.randrange(10 ** 9), RNG.randrange(65536), RNG.randrange(65536), RNG.randrange(65536), RNG.randrange(10000)),
        "sdpMid": "0", "sdpMLineIndex": 0} for _ in range(2)]
    cands.append({"candidate": "candidate:1 1 udp 2122194687 fe80::3c1a:9bff:fe00:1%%wlan0 50713 typ host", "sdpMid": "0"})
    benign("WebRTC ICE candidate trickle with IPv6 host candidates (documentation prefix, "
           "link-local with a non-device interface id)", "POST", "https://signal.meet.example.com/rooms/ab12/ice",
           [["Content-Type", "application/json"]], jd(cands), client_ip=CP)
    obj = {"wifi": {"macAddress": "02:00:00:00:00:00", "ssid": "<unknown ssid>", "bssid": "02:00:00:00:00:00"},
           "bt": {"address": "02:00:00:00:00:00"}, "permissions": {"location": False}}
    benign("Connectivity diagnostic from an app without location permission: Android's "
           "placeholder MAC/BSSID 02:00:00:00:00:00", "POST", "https://diag.app.example.com/net",
           [["Content-Type", "application/json"]], jd(obj), client_ip=CP)
    fp = ":".join("%02X" % RNG.randrange(256) for _ in range(32))
    benign("Certificate-pinning report with a colon-separated SHA-256 fingerprint", "POST",
           "https://pins.app.example.com/report",
           [["Content-Type", "application/json"]],
           jd({"host": "api.app.example.com", "sha256": fp, "sha1": ":".join("%02X" % RNG.randrange(256) for _ in range(20))}))
    benign("Media-session log with mDNS/SSDP multicast and broadcast link addresses "
           "(01:00:5e:.., 33:33:.., ff:ff:..)", "POST", "https://logs.media.example.com/net",
           [["Content-Type", "text/plain"]],
           "dst=01:00:5e:7f:ff:fa proto=ssdp\ndst=33:33:00:00:00:fb proto=mdns\ndst=ff:ff:ff:ff:ff:ff proto=arp\n")
    obj = {"start": "08:21:07", "end": "09:14:55", "laps": ["00:12:31:44", "00:12:29:07"], "pace": "05:02"}
    benign("Sports-tracker lap times in hh:mm:ss(:cc) notation", "POST", "https://sports.example.com/api/laps",
           [["Content-Type", "application/json"]], jd(obj))
    benign("BLE GATT service discovery report (128-bit UUIDs, 16-bit handles)", "POST",
           "https://iot-setup.example.com/api/gatt",
           [["Content-Type", "application/json"]],
           jd({"services": ["0000180f-0000-1000-8000-00805f9b34fb", "0000180a-0000-1000-8000-00805f9b34fb"],
               "handles": ["0x000e", "0x0011"]}))
    benign("DNS-over-HTTPS JSON query for AAAA records", "GET",
           "https://dns.resolver.example.com/dns-query?name=api.app.example.com&type=AAAA",
           [["Accept", "application/dns-json"]], "", client_ip=CP)


@family_b
def ben_email_phone_shaped():
    benign("npm registry metadata fetch for scoped packages at pinned versions (pkg@version)",
           "POST", "https://registry.npm.example.com/-/npm/v1/security/audits/quick",
           [["Content-Type", "application/json"]],
           jd({"requires": {"lodash": "4.17.21", "@babel/core": "7.24.0"},
               "dependencies": ["lodash@4.17.21", "@babel/core@7.24.0", "react-native@0.73.6"]}))
    benign("Container pull by digest (image@sha256:...) and git SSH remote (git@host:path)",
           "POST", "https://ci.example.com/api/jobs",
           [["Content-Type", "application/json"]],
           jd({"image": "registry.example.com/app/builder@sha256:" + hexs(64),
               "repo": "git@git.example.com:mobile/app-android.git"}))
    benign("Image request for density-qualified assets (icon@2x.png, @3x)", "GET",
           "https://static.app.example.com/img/icon@2x.png?alt=banner@3x.webp",
           [["Accept", "image/webp"]], "", client_ip=CP)
    benign("Social mentions and hashtags in a post body (@handle, not addresses)", "POST",
           "https://api.social.example.com/2/posts",
           [["Content-Type", "application/json"]],
           jd({"text": "Great run with @nordic_runners and @stockholm.marathon #run", "reply_settings": "following"}),
           client_ip=CP)
    benign("Mail client fetching a message by its Message-ID (RFC 5322 msg-id, address-shaped "
           "but not a mailbox)", "GET",
           "https://mail.example.com/api/messages?mid=" + q("<%s.%d@mx.mail.example.com>" % (hexs(16), ms_ts())),
           [["Accept", "application/json"]], "")
    benign("Customer-service screen listing a company's toll-free hotline (business number)",
           "GET", "https://help.airline.example.com/api/contact?country=US&number=%2B18005550199",
           [["Accept", "application/json"]], "")
    benign("Company switchboard and support numbers in a store-info response cache upload "
           "(business numbers, Swedish 020 toll-free and 0771 shared-cost)", "PUT",
           "https://cache.retail.example.com/stores/0412",
           [["Content-Type", "application/json"]],
           jd({"store": "0412", "support": "020-12 34 56", "switchboard": "+46 771 123 456",
               "emergency": "112"}), client_ip=CP)
    benign("SMS short-code and USSD strings in a carrier top-up flow (not subscriber numbers)",
           "POST", "https://topup.operator.example.com/api/ussd",
           [["Content-Type", "application/json"]],
           jd({"ussd": "*111*4#", "shortcode": "72400", "keyword": "SALDO"}))
    benign("Number-formatting test vectors using reserved fiction ranges (UK 01632 960xxx, US "
           "555-01xx)", "POST", "https://qa.app.example.com/api/fixtures",
           [["Content-Type", "application/json"]],
           jd({"samples": ["+44 1632 960 983", "(201) 555-0123", "+1 202-555-0175"]}))
    benign("Date, time and ZIP/postal-code strings shaped like phone numbers", "GET",
           "https://api.booking.example.com/v1/slots?date=2025-03-14&from=0800&to=1730&postcode=113%2051",
           [["Accept", "application/json"]], "")


@family_b
def ben_placeholders():
    obj = {"REGVER": "8.0", "MEID": "", "MODEL": "TEST-DEVICE", "SWVER": "factory_eng_0.1",
           "SIM1CDMAIMSI": "", "UETYPE": "1", "SIM1ICCID": "0" * 20, "SIM1LTEIMSI": "111111111111111",
           "SIM1TYPE": "", "SIM2LTEIMSI": "222222222222222", "MACID": "02:00:00:00:00:00",
           "IMEI1": "000000000000000", "IMEI2": "000000000000000", "SIM1CELLID": "",
           "DATASIM": "", "REGDATE": "2025-01-01 00:00:00"}
    benign("Self-registration-shaped request from a factory-test image: every identifier is a "
           "placeholder (zero IMEI and ICCID, 111…/222… IMSI, 02:00:00:00:00:00)", "POST",
           "http://zzhc.vnet.example.cn/", [["Content-Type", "application/encrypted-json"]],
           b64_wrapped(jd(obj)))
    benign("Ad request with Limit Ad Tracking on: all-zero advertising ID", "GET",
           "https://ads.network.example.com/m/ad?" + form([("gaid", "00000000-0000-0000-0000-000000000000"),
                                                           ("lmt", "1"), ("w", "1080"), ("h", "2340")]),
           [["User-Agent", ua_dalvik()]], "", client_ip=CP)
    benign("SDK device block from a privacy-restricted build: serial 'unknown', empty "
           "android_id, null IMEI/IMSI", "POST", "https://sdk.analytics.example.com/v1/device",
           [["Content-Type", "application/json"]],
           jd({"serial": "unknown", "android_id": "", "imei": None, "imsi": None, "mac": "02:00:00:00:00:00",
               "model": "Pixel 8", "sdk_int": 34}), client_ip=CP)
    benign("MDM pre-enrolment record with 'N/A' hardware identifiers (Wi-Fi-only tablet)",
           "POST", "https://mdm.corp.example.com/api/preenroll",
           [["Content-Type", "application/json"]],
           jd({"IMEI": "N/A", "MEID": "N/A", "ICCID": "", "PhoneNumber": "", "model": "SM-X710"}))
    benign("iOS request with an all-zero IDFA header (ATT denied)", "GET",
           "https://api.shop.example.com/v1/home",
           [["X-IDFA", "00000000-0000-0000-0000-000000000000"], ["X-ATT-Status", "denied"]], "")
    xml = ('<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>'
           '<SessionID>1</SessionID><MsgID>1</MsgID><Source><LocURI>IMEI:000000000000000</LocURI></Source>'
           '</SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert><Final/></SyncBody></SyncML>')
    benign("OMA-DM session from an emulator whose DevId is the all-zero IMEI", "POST",
           "https://dm.carrier.example.com/dm", [["Content-Type", "application/vnd.syncml.dm+xml"]], xml)


@family_b
def ben_key_lookalikes():
    benign("Google-Analytics-style Measurement Protocol hit: 'cid' is the analytics client id "
           "(random.timestamp), not a cell id", "POST", "https://www.analytics.example.com/collect",
           [["Content-Type", "application/x-www-form-urlencoded"]],
           form([("v", "1"), ("tid", "UA-%s-1" % digits(8)), ("cid", "%d.%d" % (RNG.randrange(10 ** 9, 2 ** 31), 1741940000 + RNG.randrange(10 ** 6))),
                 ("t", "pageview"), ("dp", "/home")]), client_ip=CP)
    body = jd({"msg": b64(bytes(RNG.randrange(256) for _ in range(48))), "mac": hexs(64), "alg": "HS256", "kid": "k7"})
    benign("Signed message with a 'mac' field that is an HMAC (message authentication code)",
           "POST", "https://api.secure.example.com/v1/msg", [["Content-Type", "application/json"]], body, client_ip=CP)
    benign("Upload chunks numbered with 'sn' sequence numbers and 'lac' meaning last-accessed",
           "PUT", "https://upload.files.example.com/v1/chunks",
           [["Content-Type", "application/json"]],
           jd({"sn": 1042, "total": 2048, "lac": "2025-03-14T08:21:07Z", "cid": "chunk-77"}))
    benign("App-scoped installation UUID under 'device_id' (random per install: not an ad ID, "
           "not the Android ID)", "POST", "https://api.notes.example.com/v1/sync",
           [["Content-Type", "application/json"]],
           jd({"device_id": rand_uuid(), "since": ms_ts(), "notes": [{"id": hexs(12), "rev": 3}]}), client_ip=CP)
    benign("Installation id as 16 hex under 'installation_id' (random app-generated)", "POST",
           "https://api.app.example.com/v1/heartbeat", [["Content-Type", "application/json"]],
           jd({"installation_id": hexs(16), "build": hexs(12), "uptime_s": RNG.randrange(10 ** 6)}))
    benign("Coarse, city-level location (one decimal) for regional content", "GET",
           "https://content.news.example.com/v1/regional?lat=59.3&lon=18.1&lang=sv",
           [["Accept", "application/json"]], "", client_ip=CP)
    benign("Content-addressed cache keys: 12-hex short hashes (MAC-length, unseparated)", "GET",
           "https://cache.app.example.com/v1/blobs?keys=%s,%s,%s" % (hexs(12), hexs(12), hexs(12)),
           [["Accept", "application/octet-stream"]], "")
    benign("Google-Analytics-style cookies (_ga client id, _gid) and a session id", "GET",
           "https://www.shop.example.com/cart",
           [["Cookie", "_ga=GA1.1.%d.%d; _gid=GA1.1.%d.%d; sess=%s" % (
               RNG.randrange(10 ** 9, 2 ** 31), 1741940000, RNG.randrange(10 ** 9, 2 ** 31), 1741941000, hexs(32))]], "")
    benign("IoT hub pairing with a 15-digit non-Luhn product code under 'model_code'", "POST",
           "https://hub.smarthome.example.com/api/pair", [["Content-Type", "application/json"]],
           jd({"model_code": non_luhn(15, "7"), "fw": "3.2.0", "room": "kitchen"}))


def rbytes(n: int) -> bytes:
    return bytes(RNG.randrange(256) for _ in range(n))


@family_b
def ben_blobs_http():
    benign("End-to-end encrypted sync blob (AES-GCM ciphertext, application/octet-stream)",
           "PUT", "https://sync.vault.example.com/v1/blobs/" + hexs(24),
           [["Content-Type", "application/octet-stream"], ["X-Key-Id", "k-" + hexs(8)]], rbytes(512), client_ip=CP)
    benign("App settings sync as gzip'd JSON (Content-Encoding: gzip)", "POST",
           "https://prefs.app.example.com/v1/settings",
           [["Content-Type", "application/json"], ["Content-Encoding", "gzip"]],
           gz(jd({"theme": "dark", "font_scale": 1.15, "notifications": {"news": True, "promo": False},
                  "updated": ms_ts()})), client_ip=CP)
    lines = "\n".join("%s I/%s: %s" % (iso_ts(), tag, msg) for tag, msg in (
        ("Player", "buffer underrun recovered in 212 ms"), ("Sync", "pulled 14 items"),
        ("UI", "frame drop 3 frames in 1.0 s"))) + "\n"
    benign("App log batch, zlib-compressed (Content-Encoding: deflate)", "POST",
           "https://logs.app.example.com/ingest",
           [["Content-Type", "text/plain"], ["Content-Encoding", "deflate"]], zl(lines))
    msg = pb_bytes(1, "5.2.1") + pb_int(2, 87) + pb_int(3, 1) + pb_bytes(4, "sv_SE") \
        + pb_int(5, 2340) + pb_int(6, 1080) + pb_double(7, 0.87)
    benign("Schema-less protobuf telemetry (app version, battery %, locale, screen), gzip'd",
           "POST", "https://telemetry.app.example.com/v2/t",
           [["Content-Type", "application/x-protobuf"], ["Content-Encoding", "gzip"]], gz(msg), client_ip=CP)
    env = {"v": 3, "kid": hexs(8), "iv": b64(rbytes(12)), "ct": b64(rbytes(384)), "tag": b64(rbytes(16))}
    benign("Chinese-SDK-style encrypted envelope: JSON with base64 IV/ciphertext/tag", "POST",
           "https://sdk.encrypted.example.cn/v3/report", [["Content-Type", "application/json"]], jd(env), client_ip=CP)
    boundary = "----Boundary" + hexs(16)
    png = b"\x89PNG\r\n\x1a\n" + rbytes(200)
    body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"avatar.png\"\r\n"
            "Content-Type: image/png\r\n\r\n" % boundary).encode() + png + ("\r\n--%s--\r\n" % boundary).encode()
    benign("Avatar upload: multipart/form-data with a PNG (no EXIF)", "POST",
           "https://media.social.example.com/v1/avatar",
           [["Content-Type", "multipart/form-data; boundary=" + boundary]], body)
    benign("Sealed-box message as hex text (libsodium ciphertext)", "POST",
           "https://relay.chat.example.com/v1/sealed", [["Content-Type", "text/plain"]], rbytes(160).hex())
    benign("Key backup: base64 of random key material in a form field", "POST",
           "https://keys.example.com/backup", [["Content-Type", "application/x-www-form-urlencoded"]],
           form([("blob", b64(rbytes(96))), ("version", "2")]))


@family_b
def ben_raw_transports():
    sni = b"api.app.example.com"
    ext_sni = struct.pack(">HH", 0, len(sni) + 5) + struct.pack(">HBH", len(sni) + 3, 0, len(sni)) + sni
    exts = ext_sni + struct.pack(">HH", 0x002b, 3) + b"\x02\x03\x04"
    hello = b"\x03\x03" + rbytes(32) + b"\x20" + rbytes(32) + struct.pack(">H", 6) + b"\x13\x01\x13\x02\x13\x03" \
        + b"\x01\x00" + struct.pack(">H", len(exts)) + exts
    hs = b"\x01" + struct.pack(">I", len(hello))[1:] + hello
    rec = b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs
    benign("TLS 1.3 ClientHello over TCP 443 (SNI api.app.example.com, random and session id)",
           "TCP", "tcp://api.app.example.com:443/", [], rec, client_ip=CP)
    quic = bytes([0xC3]) + b"\x00\x00\x00\x01" + b"\x08" + rbytes(8) + b"\x00" + b"\x44\xd0" + rbytes(1200)
    benign("QUIC v1 Initial packet over UDP 443 (encrypted payload)", "UDP",
           "udp://api.app.example.com:443/", [], quic)
    qname = b"".join(bytes([len(p)]) + p.encode() for p in "push.app.example.com".split(".")) + b"\x00"
    dns = struct.pack(">HHHHHH", RNG.randrange(65536), 0x0100, 1, 0, 0, 0) + qname + struct.pack(">HH", 1, 1)
    benign("DNS A query over UDP 53", "UDP", "udp://dns.resolver.example.com:53/", [], dns)
    ntp = bytes([0x23]) + bytes(39) + struct.pack(">II", 3950000000 + RNG.randrange(10 ** 7), RNG.randrange(2 ** 32))
    benign("NTPv4 client request over UDP 123", "UDP", "udp://time.ntp.example.com:123/", [], ntp)
    stun = struct.pack(">HHI", 0x0001, 8, 0x2112A442) + rbytes(12) + struct.pack(">HHI", 0x8028, 4, RNG.randrange(2 ** 32))
    benign("STUN Binding request (RFC 5389) over UDP 3478 with FINGERPRINT attribute", "UDP",
           "udp://stun.meet.example.com:3478/", [], stun)
    vh = mqtt_str("MQTT") + bytes([4, 0x02]) + struct.pack(">H", 30)
    pl = mqtt_str("android-" + hexs(12))
    pkt = b"\x10" + mqtt_len(len(vh) + len(pl)) + vh + pl + b"\xc0\x00"
    benign("MQTT 3.1.1 CONNECT with a random app client id, then PINGREQ", "TCP",
           "tcp://mqtt.smarthome.example.com:1883/", [], pkt)
    rtp = b"".join(struct.pack(">BBHII", 0x80, 0x6F, 1000 + k, 160 * k, 0x1234ABCD) + rbytes(40) for k in range(1))
    benign("RTP audio packet (Opus payload) over UDP", "UDP", "udp://media.voip.example.com:40002/", [], rtp)
    ssdp = ("M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 2\r\n"
            "ST: urn:dial-multiscreen-org:service:dial:1\r\nUSER-AGENT: Android/14 UPnP/1.1 App/5.2\r\n\r\n")
    benign("SSDP M-SEARCH for DIAL receivers (cast discovery), text over UDP 1900", "UDP",
           "udp://ssdp.lan.example:1900/", [], ssdp)
    sl = "<134>1 2025-03-14T08:21:07Z hub-7c21 app 412 - - battery=87 temp=31.2C uptime=86400\n"
    benign("RFC 5424 syslog line over UDP 514 with battery and uptime only", "UDP",
           "udp://syslog.example.com:514/", [], sl)
    benign("JSON-RPC ping over raw TCP to a smart-home hub", "TCP", "tcp://hub.smarthome.example.com:55443/",
           [], jd({"id": 1, "method": "get_prop", "params": ["power", "bright", "rgb"]}) + "\r\n")
    benign("Game state update over UDP: binary floats for the player's in-game position", "UDP",
           "udp://game.arena.example.com:7777/", [],
           struct.pack("<IHfff", RNG.randrange(2 ** 32), 17, 123.5, -48.25, 7.0) + rbytes(16))
    benign("Tracker heartbeat with an encrypted AES-CTR payload and a counter (no plaintext ids)",
           "UDP", "udp://hb.trackers.example.com:9021/", [], b"\xA5\x01" + struct.pack(">I", 4211) + rbytes(48))
    benign("Redis-protocol keep-alive from an app backend connector over TCP", "TCP",
           "tcp://cache.app.example.com:6379/", [], "*1\r\n$4\r\nPING\r\n")


@family_b
def ben_encodings():
    benign("Settings export as base64 JSON in a query parameter", "GET",
           "https://app.example.com/import?cfg=" + b64url(jd({"units": "metric", "lang": "sv", "tz": "Europe/Stockholm"})),
           [], "")
    benign("JSON-in-JSON: a 'payload' string holding a cart JSON", "POST",
           "https://api.shop.example.com/v1/cart/save", [["Content-Type", "application/json"]],
           jd({"payload": jd({"items": [{"sku": "SKU-" + digits(8), "qty": 2, "price": 129.0}]}), "v": 1}))
    benign("Multipart feedback form with plain text", "POST", "https://feedback.app.example.com/v1/submit",
           [["Content-Type", "multipart/form-data; boundary=fb" + hexs(8)]],
           multipart([("rating", None, None, "4"), ("text", None, None, "Dark mode looks great, search is slow."),
                      ("screen", None, None, "search")], "fb" + hexs(8)))
    benign("RSS/Atom feed subscription sync as XML (OPML)", "PUT", "https://feeds.reader.example.com/v1/opml",
           [["Content-Type", "text/x-opml"]],
           '<?xml version="1.0"?>\n<opml version="2.0"><body><outline text="Tech" xmlUrl="https://news.example.com/tech.xml"/>'
           '<outline text="Sport" xmlUrl="https://news.example.com/sport.xml"/></body></opml>\n')
    benign("YAML automation rule upload (times, thresholds, entity names)", "PUT",
           "https://automations.smarthome.example.com/v1/rules/7",
           [["Content-Type", "application/yaml"]],
           "alias: evening lights\ntrigger:\n  platform: sun\n  event: sunset\n  offset: \"-00:30:00\"\n"
           "action:\n  service: light.turn_on\n  data:\n    brightness_pct: 60\n    rgb_color: [255, 180, 107]\n")
    nd = "".join(jd({"ts": ms_ts(), "level": lv, "msg": m, "req": rand_uuid()}) + "\n" for lv, m in
                 (("info", "cache warm"), ("warn", "slow query 812ms"), ("info", "sync ok")))
    benign("NDJSON client log batch (timestamps, request UUIDs)", "POST", "https://logs.app.example.com/v1/ndjson",
           [["Content-Type", "application/x-ndjson"]], nd)
    csv = "t,steps,hr,temp_c\n" + "".join("%d,%d,%d,%.1f\n" % (ms_ts(), RNG.randrange(200), RNG.randrange(55, 140), RNG.uniform(30, 37)) for _ in range(4))
    benign("Fitness sensor CSV export (timestamps, steps, heart rate)", "POST",
           "https://sync.wearable.example.com/v2/csv", [["Content-Type", "text/csv"]], csv)
    benign("key=value performance beacon (timings in ms, connection type)", "POST",
           "https://rum.example.com/beacon", [["Content-Type", "text/plain"]],
           "ttfb=212;fcp=811;lcp=1420;cls=0.02;conn=4g;rtt=50;dl=10.0\n")
    obj = {"query": "query Search($q: String!) { search(q: $q) { id title } }", "variables": {"q": "vegan pasta"}}
    benign("GraphQL search query with a plain search string", "POST", "https://api.recipes.example.com/graphql",
           [["Content-Type", "application/json"]], jd(obj))
    benign("Double URL-encoded redirect parameter pointing at a landing page with UTM tags",
           "GET", "https://track.example.com/c?redirect=" + q("https://land.example.com/p?" + q("utm_source=app&utm_campaign=spring25&ref=banner3")),
           [], "")


@family_i
def fam_meid_cn():
    d = random_device("CN", cdma=True)
    obj = {"meid": d.meid.lower(), "imei": d.imei1, "imsi": d.imsi, "brand": "HUAWEI",
           "model": "NOH-AN00", "net": "CTNET"}
    ident("China Telecom value-added-service SDK heartbeat (lower-case MEID, IMEI, IMSI) as "
          "a form field holding JSON", "POST", "https://vas.ctnet.example.cn/sdk/heartbeat",
          [["Content-Type", "application/x-www-form-urlencoded"]], form([("p", jd(obj)), ("v", "2.1")]),
          ["imei", "imsi", "meid"], dev=d)


# ---- FAMILIES END ----



# ==========================================================================
# Self-checks
# ==========================================================================
_B64_RE = re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_HEX_RE = re.compile(r"(?:[0-9a-fA-F]{2}){16,}")


def _try_decompress(raw: bytes) -> bytes | None:
    for fn in (lambda b: gzip.decompress(b), lambda b: zlib.decompress(b)):
        try:
            return fn(raw)
        except Exception:
            pass
    return None


def _b64_decode(tok: str) -> bytes | None:
    t = tok.replace("-", "+").replace("_", "/")
    t += "=" * (-len(t) % 4)
    try:
        return base64.b64decode(t, validate=True)
    except Exception:
        return None


HEXVIEW = "\x00hexview:"


def layers(rec: dict) -> list[str]:
    """Every text view of a record we can reach by undoing common encodings."""
    raw_body = base64.b64decode(rec["body"]) if rec["body_encoding"] == "base64" else rec["body"].encode()
    start = [rec["url"].encode(), raw_body] + [("%s: %s" % (k, v)).encode() for k, v in rec["headers"]]
    out: list[str] = []
    todo = list(start)
    done: dict[bytes, bool] = {}
    while todo and len(done) < 3000:
        b = todo.pop(0)
        if b in done:
            continue
        done[b] = True
        text = b.decode("latin-1")
        out.append(text)
        try:
            b.decode("utf-8")
        except UnicodeDecodeError:
            out.append(HEXVIEW + b.hex())  # BCD-packed digits in binary frames
        dec = _try_decompress(b)
        if dec is not None:
            todo.append(dec)
        variants = [text]
        for _ in range(4):
            u = urllib.parse.unquote(variants[-1])
            if u == variants[-1]:
                break
            variants.append(u)
        variants.append(urllib.parse.unquote_plus(variants[-1]))
        out.extend(variants[1:])
        for v in variants:
            for cand in (v, v.replace("\n", ""), v.replace("\\n", "")):
                for m in _B64_RE.finditer(cand):
                    d = _b64_decode(m.group(0))
                    if d is not None and len(d) >= 8:
                        todo.append(d)
            for m in _HEX_RE.finditer(v):
                todo.append(bytes.fromhex(m.group(0)))
    return out


def value_forms(value: str, kind: str) -> list[str]:
    forms = [value.lower()]
    if kind in ("mac", "wifi_bssid"):
        forms.append(value.replace(":", "").lower())
    if kind == "phone":
        forms.append(str(phonenumbers.parse(value).national_number))
    if kind == "iccid":
        forms.append(value[:18])
    if kind == "imei":
        forms.append(value[:14])  # RFC 7254 URN / IMEISV-style prefixes
    return forms


def find_values(rec: dict) -> list[tuple[str, str]]:
    texts = [t.lower() for t in layers(rec)]
    texts += [re.sub(r"[\s:.-]", "", t) for t in texts]
    found = []
    for value, kind in REGISTRY.items():
        for f in value_forms(value, kind):
            if any(f in t for t in texts):
                found.append((value, kind))
                break
    return found


def validate_registry() -> None:
    for value, kind in REGISTRY.items():
        if kind == "imei":
            assert std_imei.is_valid(value) and len(value) == 15 and value[:2] in TAC_PREFIXES, value
        elif kind == "imsi":
            assert std_imsi.is_valid(value) and std_imsi.info(value).get("operator"), value
        elif kind == "iccid":
            assert iccid_ok(value), value
        elif kind == "meid":
            assert std_meid.is_valid(value) and std_meid.is_valid(meid_dec(value)), value
        elif kind in ("mac", "wifi_bssid"):
            assert mac_ok(value), value
        elif kind == "phone":
            assert phone_ok(value), value
        elif kind == "ad_id":
            assert re.fullmatch(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}", value)
            assert value.strip("0-") != ""
        elif kind == "android_id":
            assert re.fullmatch(r"[0-9a-f]{16}", value)
        elif kind == "serial":
            assert value.isalnum() and 6 <= len(value) <= 20
        elif kind == "email":
            assert re.fullmatch(r"[a-z0-9.]+@[a-z0-9.]+", value)
        else:
            raise AssertionError(kind)


_MAC_SEP_RE = re.compile(r"(?<![0-9A-Fa-f:])(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}(?![0-9A-Fa-f:])")


def check_benign(rec: dict) -> None:
    found = find_values(rec)
    assert not found, (rec["id"], found)
    for t in layers(rec):
        if t.startswith(HEXVIEW):
            continue
        for run in re.findall(r"(?<!\d)\d{15}(?!\d)", t):
            assert not (luhn.is_valid(run) and run[:2] in TAC_PREFIXES), (rec["id"], run)
            assert not std_imsi.is_valid(run) or len(set(run)) == 1, (rec["id"], run)
        for run in re.findall(r"(?<!\d)89\d{17,18}(?!\d)", t):
            assert not luhn.is_valid(run), (rec["id"], run)
        for m in _MAC_SEP_RE.findall(t):
            h = re.sub(r"[:-]", "", m).lower()
            assert h in ("020000000000", "ffffffffffff") or int(h[:2], 16) & 1, (rec["id"], m)


def check_identifier(rec: dict) -> None:
    found = find_values(rec)
    for value, kind in found:
        assert kind in rec["expect_profile"], (rec["id"], value, kind)
    if rec["corpus_phone"]:
        assert rec["client_ip"] == "10.55.0.4"


def check_corpus_phone_values() -> None:
    """Non-corpus requests must not carry the held-out phone's plain values."""
    mine = [PHONE.imei1, PHONE.imei2, PHONE.imsi, PHONE.iccid, PHONE.mac.replace(":", ""),
            PHONE.serial.lower(), PHONE.android_id, PHONE.ad_id, str(phonenumbers.parse(PHONE.phone).national_number),
            PHONE.email]
    for rec in RECORDS:
        if rec["corpus_phone"]:
            continue
        texts = [re.sub(r"[\s:.-]", "", t.lower()) for t in layers(rec)] + [t.lower() for t in layers(rec)]
        for v in mine:
            assert not any(v.lower() in t for t in texts), (rec["id"], v)


def self_check() -> None:
    validate_registry()
    for rec in RECORDS:
        if rec["label"] == "benign":
            check_benign(rec)
        else:
            check_identifier(rec)
    check_corpus_phone_values()
    ids = [r["id"] for r in RECORDS]
    assert len(ids) == len(set(ids))


# ==========================================================================
# Output and self-checks
# ==========================================================================


def write_phone_yaml() -> None:
    p = PHONE
    lines = [
        "name: heldout4-phone",
        "imei: [%s, %s]" % (json.dumps(p.imei1), json.dumps(p.imei2)),
        "imsi: [%s]" % json.dumps(p.imsi),
        "iccid: [%s]" % json.dumps(p.iccid),
        "mac: [%s]" % json.dumps(p.mac),
        "serial: [%s]" % json.dumps(p.serial),
        "android_id: [%s]" % json.dumps(p.android_id),
        "ad_id: [%s]" % json.dumps(p.ad_id),
        "phone: [%s]" % json.dumps(p.phone),
        "email: [%s]" % json.dumps(p.email),
        "location: {lat: %s, lon: %s, radius_m: 2000}" % (p.lat, p.lon),
        'clients: ["10.55.0.4"]',
    ]
    (HERE / "heldout4-phone.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")


def main() -> None:
    for fn in FAMILIES_I:
        fn()
    for fn in FAMILIES_B:
        fn()
    RECORDS.sort(key=lambda r: r["id"])
    self_check()
    with open(HERE / "requests.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for rec in RECORDS:
            f.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
    write_phone_yaml()
    print("records: %d identifier, %d benign" % (_COUNTS["identifier"], _COUNTS["benign"]))


if __name__ == "__main__":
    main()
