#!/usr/bin/env python3
"""Build the third held-out evaluation corpus for the identifier detector.

Run from the repository root:

    .venv/bin/python tests/corpus/heldout3/build_heldout3.py

Writes ``requests.jsonl`` and ``heldout3-phone.yaml`` next to this file.  The output is
deterministic: one seeded ``random.Random(31415926)``, gzip with ``mtime=0``, no wall clock,
no iteration over sets or other hash-ordered containers.

This corpus was written without reading the detector or the other corpora; it is meant to be
measured against, never tuned on.  See README.md.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import json
import math
import random
import string
import struct
import urllib.parse
import uuid
import zlib
from pathlib import Path

import phonenumbers
from stdnum import imei as s_imei
from stdnum import imsi as s_imsi
from stdnum import luhn
from stdnum import meid as s_meid

HERE = Path(__file__).resolve().parent
R = random.Random(31415926)

TYPES = ("imei", "meid", "imsi", "iccid", "mac", "wifi_bssid", "serial", "android_id", "ad_id",
         "phone", "email", "location", "cell_id")

HELDOUT_IP = "10.99.0.5"

# --------------------------------------------------------------------------------------------
# value generators (every value is asserted valid where it is made)
# --------------------------------------------------------------------------------------------

TAC_PREFIXES = ("35", "86", "01", "49", "99")


def digits(n: int) -> str:
    return "".join(R.choice(string.digits) for _ in range(n))


def hexs(n: int, upper: bool = False) -> str:
    s = "".join(R.choice("0123456789abcdef") for _ in range(n))
    return s.upper() if upper else s


def gen_imei(prefix: str | None = None, tac: str | None = None) -> str:
    if tac is None:
        prefix = prefix or R.choice(TAC_PREFIXES)
        tac = prefix + digits(6)
    assert len(tac) == 8 and tac[:2] in TAC_PREFIXES
    body = tac + digits(6)
    v = body + luhn.calc_check_digit(body)
    assert s_imei.is_valid(v) and luhn.is_valid(v) and len(v) == 15
    return v


def gen_imsi(plmn: str) -> str:
    v = plmn + digits(15 - len(plmn))
    assert s_imsi.is_valid(v), v
    info = s_imsi.info(v)
    assert info.get("operator"), v
    return v


def gen_iccid(cc: str, issuer: str, length: int = 19) -> str:
    assert length in (19, 20)
    head = "89" + cc + issuer
    body = head + digits(length - 1 - len(head))
    v = body + luhn.calc_check_digit(body)
    assert luhn.is_valid(v) and len(v) == length and v.startswith("89" + cc)
    return v


def gen_meid() -> str:
    # MEID manufacturer codes start at A0; 14 upper-case hex digits
    v = R.choice(["A0", "A1", "99"]) + hexs(12, upper=True)
    if v.startswith("99"):
        # 99 range is decimal-only (globally administered, shared with IMEI TAC space)
        v = "99" + digits(12)
    assert s_meid.is_valid(v), v
    return v


def gen_mac(upper: bool = False) -> str:
    first = R.randrange(0, 256) & 0b11111100  # unicast, universally administered
    octets = [first] + [R.randrange(0, 256) for _ in range(5)]
    v = ":".join("%02x" % o for o in octets)
    assert is_unicast_mac(v) and v != "02:00:00:00:00:00"
    return v.upper() if upper else v


def is_unicast_mac(v: str) -> bool:
    h = v.replace(":", "").replace("-", "").replace(".", "")
    return len(h) == 12 and all(c in string.hexdigits for c in h) and not int(h[:2], 16) & 1


def gen_serial(style: str | None = None) -> str:
    style = style or R.choice(["samsung", "pixel", "xiaomi", "nokia", "moto"])
    up = string.ascii_uppercase + string.digits
    if style == "samsung":
        v = "R" + R.choice("35FZ") + digits(1) + R.choice("MNRT") + "".join(R.choice(up) for _ in range(7))
    elif style == "pixel":
        v = digits(1) + R.choice("ABC") + digits(2) + "".join(R.choice(up) for _ in range(6))
    elif style == "xiaomi":
        v = hexs(8)
    elif style == "nokia":
        v = "PL2G" + "".join(R.choice(up) for _ in range(8))
    else:
        v = "ZY" + "".join(R.choice(up) for _ in range(8))
    assert 6 <= len(v) <= 20 and v.isalnum()
    return v


def gen_android_id() -> str:
    v = R.choice("123456789abcdef") + hexs(15)
    assert len(v) == 16
    return v


def gen_uuid() -> str:
    return str(uuid.UUID(int=R.getrandbits(128), version=4))


MOBILE_PATTERNS = {
    # country code, list of (national prefix, remaining digits)
    "PT": ("351", [("91", 7), ("92", 7), ("93", 7), ("96", 7)]),
    "PL": ("48", [("50", 7), ("60", 7), ("66", 7), ("79", 7), ("88", 7)]),
    "IE": ("353", [("83", 7), ("85", 7), ("86", 7), ("87", 7), ("89", 7)]),
    "CZ": ("420", [("60", 7), ("72", 7), ("73", 7), ("77", 7)]),
    "DE": ("49", [("151", 8), ("160", 7), ("170", 8), ("176", 8)]),
    "ES": ("34", [("6", 8)]),
    "FR": ("33", [("6", 8), ("7", 8)]),
    "IT": ("39", [("33", 8), ("34", 8), ("32", 8)]),
    "NO": ("47", [("4", 7), ("9", 7)]),
    "GB": ("44", [("7", 9)]),
    "CN": ("86", [("13", 9), ("15", 9), ("18", 9)]),
}


def gen_phone(country: str) -> str:
    cc, pats = MOBILE_PATTERNS[country]
    for _ in range(200):
        pre, n = R.choice(pats)
        v = "+" + cc + pre + digits(n)
        p = phonenumbers.parse(v, None)
        if phonenumbers.is_valid_number(p) and phonenumbers.number_type(p) in (
                phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
            return v
    raise AssertionError("no valid phone for " + country)


def national(e164: str) -> str:
    p = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(p, phonenumbers.PhoneNumberFormat.NATIONAL)


def intl(e164: str) -> str:
    p = phonenumbers.parse(e164, None)
    return phonenumbers.format_number(p, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


FIRST = ["ana", "joao", "marta", "piotr", "kasia", "sean", "aoife", "jan", "tereza", "lukas", "li.wei",
         "zhang.min", "sofia", "marco", "ingrid", "lars", "claire", "tomas", "niamh", "ewa"]
LAST = ["silva", "costa", "nowak", "kowalska", "murphy", "byrne", "novak", "dvorak", "wang", "chen",
        "rossi", "hansen", "martin", "garcia", "weber", "kelly", "santos", "zielinski"]
MAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "example.pt", "example.pl"]


def gen_email() -> str:
    return "%s.%s%s@%s" % (R.choice(FIRST), R.choice(LAST), digits(R.choice([0, 2, 4])), R.choice(MAIL_DOMAINS))


CITIES = {
    "PT": [("Porto", 41.1496, -8.6109), ("Lisboa", 38.7223, -9.1393), ("Braga", 41.5454, -8.4265)],
    "PL": [("Warszawa", 52.2297, 21.0122), ("Krakow", 50.0647, 19.9450), ("Gdansk", 54.3520, 18.6466)],
    "IE": [("Dublin", 53.3498, -6.2603), ("Cork", 51.8985, -8.4756)],
    "CZ": [("Praha", 50.0755, 14.4378), ("Brno", 49.1951, 16.6068)],
    "DE": [("Berlin", 52.5200, 13.4050), ("Hamburg", 53.5511, 9.9937)],
    "ES": [("Madrid", 40.4168, -3.7038), ("Valencia", 39.4699, -0.3763)],
    "FR": [("Lyon", 45.7640, 4.8357), ("Paris", 48.8566, 2.3522)],
    "IT": [("Milano", 45.4642, 9.1900), ("Torino", 45.0703, 7.6869)],
    "NO": [("Oslo", 59.9139, 10.7522), ("Bergen", 60.3913, 5.3221)],
    "GB": [("Leeds", 53.8008, -1.5491), ("Bristol", 51.4545, -2.5879)],
    "CN": [("Shenzhen", 22.5431, 114.0579), ("Chengdu", 30.5728, 104.0668)],
}

PLMNS = {
    "PT": ["26801", "26803", "26806"],
    "PL": ["26001", "26002", "26003", "26006"],
    "IE": ["27201", "27202", "27205"],
    "CZ": ["23001", "23002", "23003"],
    "DE": ["26201", "26202"],
    "ES": ["21401", "21407"],
    "FR": ["20801", "20810"],
    "IT": ["22201", "22210"],
    "NO": ["24201", "24202"],
    "GB": ["23415", "23410"],
    "CN": ["46000", "46001", "46011"],
}
ITU_CC = {"PT": "351", "PL": "48", "IE": "353", "CZ": "420", "DE": "49", "ES": "34", "FR": "33",
          "IT": "39", "NO": "47", "GB": "44", "CN": "86"}


def gen_location(country: str, city: str | None = None):
    choices = CITIES[country]
    c = [x for x in choices if x[0] == city][0] if city else R.choice(choices)
    lat = round(c[1] + R.uniform(-0.03, 0.03), 6)
    lon = round(c[2] + R.uniform(-0.03, 0.03), 6)
    return c[0], lat, lon


def gen_cell(plmn: str) -> dict:
    enb = R.randrange(10000, 900000)
    cell = R.choice([1, 2, 3, 11, 12, 13, 21, 22])
    eci = enb * 256 + cell
    assert eci < 2 ** 28
    return {"mcc": plmn[:3], "mnc": plmn[3:], "tac": R.randrange(1000, 65000), "eci": eci,
            "enb": enb, "cell": cell, "pci": R.randrange(0, 504), "earfcn": R.choice([1300, 1850, 3350, 6300]),
            "lac": R.randrange(1000, 65000), "gsm_cid": R.randrange(1000, 65535),
            "nci": R.randrange(2 ** 20, 2 ** 36), "rsrp": -R.randrange(70, 118)}


class Device:
    """One phone (or module) with a full, consistent set of identifiers."""

    def __init__(self, country: str, *, plmn: str | None = None, city: str | None = None,
                 heldout: bool = False, client_ip: str | None = None):
        self.country = country
        self.plmn = plmn or R.choice(PLMNS[country])
        tac = R.choice(TAC_PREFIXES) + digits(6)
        self.imei = [gen_imei(tac=tac), gen_imei(tac=tac)]
        self.imsi = gen_imsi(self.plmn)
        self.iccid = gen_iccid(ITU_CC[country], self.plmn[3:],
                               R.choice([19, 20]))
        self.meid = gen_meid()
        self.mac = gen_mac()
        self.bt_mac = gen_mac()
        self.serial = gen_serial()
        self.android_id = gen_android_id()
        self.ad_id = gen_uuid()
        self.phone = gen_phone(country)
        self.email = gen_email()
        self.city, self.lat, self.lon = gen_location(country, city)
        self.cell = gen_cell(self.plmn)
        self.neigh = [gen_cell(self.plmn) for _ in range(2)]
        self.aps = [(gen_mac(), R.choice(["MEO-%s" % hexs(6, True), "NOS-%s" % hexs(4, True), "Vodafone-%s" % digits(4),
                                          "eduroam", "HomeNet_%s" % digits(3), "CafeGuest", "TP-Link_%s" % hexs(4, True)]),
                     -R.randrange(45, 92), R.choice([2412, 2437, 2462, 5180, 5240, 5500]))
                    for _ in range(4)]
        self.heldout = heldout
        self.client_ip = HELDOUT_IP if heldout else client_ip
        self.oaid = gen_uuid()
        self.model = R.choice(["SM-A546B", "Pixel 7a", "2201117TG", "TA-1062", "moto g54 5G", "CPH2591",
                               "V2230", "ANY-LX2"])

    @property
    def imei1(self) -> str:
        return self.imei[0]


_next_client = [10]


def new_device(country: str, **kw) -> Device:
    ip = "10.99.1.%d" % _next_client[0]
    _next_client[0] += 1
    d = Device(country, client_ip=ip, **kw)
    DEVICES.append(d)
    return d


DEVICES: list[Device] = []

# The held-out phone: a Portuguese-market handset on MEO (268-06), in Porto.
PHONE = Device("PT", plmn="26806", city="Porto", heldout=True)
PHONE.serial = "R5CT" + "".join(R.choice(string.ascii_uppercase + string.digits) for _ in range(7))
PHONE.iccid = gen_iccid("351", "06", 19)
_tac = "35" + digits(6)
PHONE.imei = [gen_imei(tac=_tac), gen_imei(tac=_tac)]
PHONE.email = "marta.azevedo84@example.pt"
PHONE.model = "SM-A556B"
DEVICES.append(PHONE)

# --------------------------------------------------------------------------------------------
# encoders
# --------------------------------------------------------------------------------------------


def jdump(o, **kw) -> str:
    return json.dumps(o, ensure_ascii=False, separators=kw.pop("sep", (",", ":")), **kw)


def b64(b: bytes | str) -> str:
    if isinstance(b, str):
        b = b.encode()
    return base64.b64encode(b).decode()


def b64_wrapped(b: bytes | str) -> str:
    """Android Base64.DEFAULT: newline every 76 characters and at the end."""
    s = b64(b)
    return "".join(s[i:i + 76] + "\n" for i in range(0, len(s), 76))


def b64url(b: bytes | str, pad: bool = False) -> str:
    if isinstance(b, str):
        b = b.encode()
    s = base64.urlsafe_b64encode(b).decode()
    return s if pad else s.rstrip("=")


def gz(b: bytes | str) -> bytes:
    if isinstance(b, str):
        b = b.encode()
    return gzip.compress(b, compresslevel=6, mtime=0)


def zl(b: bytes | str) -> bytes:
    if isinstance(b, str):
        b = b.encode()
    return zlib.compress(b, 6)


def raw_deflate(b: bytes | str) -> bytes:
    if isinstance(b, str):
        b = b.encode()
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(b) + c.flush()


def form(pairs) -> str:
    return urllib.parse.urlencode(list(pairs))


def q(s: str) -> str:
    return urllib.parse.quote(s, safe="")


def md5(s: str) -> str:
    return hashlib.md5(s.encode()).hexdigest()


def sha1(s: str) -> str:
    return hashlib.sha1(s.encode()).hexdigest()


def sha256(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def jwt(payload: dict, alg: str = "HS256") -> str:
    h = b64url(jdump({"alg": alg, "typ": "JWT"}))
    p = b64url(jdump(payload))
    sig = b64url(bytes(R.randrange(256) for _ in range(32)))
    return "%s.%s.%s" % (h, p, sig)


def rand_bytes(n: int) -> bytes:
    return bytes(R.randrange(256) for _ in range(n))


# hand-rolled protobuf wire format
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


def pb_int(field: int, v: int) -> bytes:
    if v < 0:
        v += 1 << 64
    return pb_key(field, 0) + pb_varint(v)


def pb_bytes(field: int, v: bytes | str) -> bytes:
    if isinstance(v, str):
        v = v.encode()
    return pb_key(field, 2) + pb_varint(len(v)) + v


def pb_double(field: int, v: float) -> bytes:
    return pb_key(field, 1) + struct.pack("<d", v)


def pb_fixed64(field: int, v: int) -> bytes:
    return pb_key(field, 1) + struct.pack("<Q", v)


def multipart(parts, boundary: str) -> str:
    """parts: list of (name, filename|None, content_type|None, text)."""
    out = []
    for name, filename, ctype, text in parts:
        out.append("--" + boundary)
        disp = 'form-data; name="%s"' % name
        if filename:
            disp += '; filename="%s"' % filename
        out.append("Content-Disposition: " + disp)
        if ctype:
            out.append("Content-Type: " + ctype)
        out.append("")
        out.append(text)
    out.append("--" + boundary + "--")
    return "\r\n".join(out) + "\r\n"


def boundary() -> str:
    return "----" + R.choice(["WebKitFormBoundary", "OkHttpBoundary", "Boundary"]) + b64url(rand_bytes(12))


def mac_nosep(m: str, upper: bool = False) -> str:
    s = m.replace(":", "")
    return s.upper() if upper else s


def mac_dash(m: str) -> str:
    return m.replace(":", "-").upper()


def mac_cisco(m: str) -> str:
    h = m.replace(":", "")
    return "%s.%s.%s" % (h[0:4], h[4:8], h[8:12])


def iso_ts(day: int = 0) -> str:
    """A fixed, seeded timestamp string (no wall clock)."""
    return "2025-%02d-%02dT%02d:%02d:%02d.%03dZ" % (R.randrange(3, 11), R.randrange(1, 28), R.randrange(0, 24),
                                                   R.randrange(0, 60), R.randrange(0, 60), R.randrange(0, 1000))


def epoch_ms() -> int:
    return R.randrange(1735689600000, 1762000000000)


UA_OKHTTP = "okhttp/4.12.0"


def ua_dalvik(model: str = "SM-A546B", ver: str = "14") -> str:
    return "Dalvik/2.1.0 (Linux; U; Android %s; %s Build/UP1A.231005.007)" % (ver, model)


# --------------------------------------------------------------------------------------------
# records
# --------------------------------------------------------------------------------------------

RECORDS: list[dict] = []
DEV_OF: dict[str, Device] = {}
_counts = {"identifier": 0, "benign": 0}
_benign_ips = [0]


def add(label: str, source: str, method: str, url: str, headers=(), body: bytes | str = "",
        expect=(), profile=(), dev: Device | None = None, client_ip: str | None = None) -> dict:
    assert label in ("identifier", "benign")
    assert method in ("GET", "POST", "PUT", "TCP", "UDP")
    if method in ("TCP", "UDP"):
        assert url.startswith(method.lower() + "://") and url.endswith("/"), url
    host = urllib.parse.urlsplit(url).hostname or ""
    assert host == "example" or host.endswith(".example") or host.endswith(".example.com") or \
        host.endswith(".example.cn") or host in ("example.com", "example.cn", "example.org", "example.net") or \
        host.endswith(".example.org") or host.endswith(".example.net") or host == "239.255.255.250", host
    expect = sorted(set(expect))
    profile_all = sorted(set(expect) | set(profile))
    for t in profile_all:
        assert t in TYPES, t
    corpus_phone = bool(dev is not None and dev.heldout)
    if label == "identifier":
        assert dev is not None and profile_all
        if not corpus_phone:
            assert profile_all == expect, "profile-only types need the held-out phone"
        ip = dev.client_ip
    else:
        assert not expect and not profile_all and dev is None
        if client_ip is None:
            _benign_ips[0] += 1
            client_ip = "10.99.1.%d" % (200 + _benign_ips[0] % 50)
        ip = client_ip
    if isinstance(body, str):
        body_b = body.encode("utf-8")
    else:
        body_b = body
    try:
        text = body_b.decode("utf-8")
        enc = "text" if "\x00" not in text else "base64"
    except UnicodeDecodeError:
        enc = "base64"
    body_s = text if enc == "text" else base64.b64encode(body_b).decode()
    _counts[label] += 1
    rid = "h3%s-%04d" % ("i" if label == "identifier" else "b", _counts[label])
    rec = {"id": rid, "label": label, "source": source, "method": method, "url": url,
           "headers": [[str(k), str(v)] for k, v in headers], "body": body_s, "body_encoding": enc,
           "client_ip": ip, "corpus_phone": corpus_phone, "expect": expect, "expect_profile": profile_all}
    RECORDS.append(rec)
    if dev is not None:
        DEV_OF[rid] = dev
    return rec


FAMILIES = []


def family(fn):
    FAMILIES.append(fn)
    return fn


# ---- FAMILIES START ----
def selfreg_json(d: Device, meid_field: str, cdma: bool = False, sim2_placeholder: bool = False) -> dict:
    return {
        "REGVER": "8.0", "MEID": meid_field, "MODEL": d.model, "SWVER": "00CN_1_34E",
        "SIM1CDMAIMSI": "", "UETYPE": "1", "SIM1ICCID": d.iccid,
        "SIM1LTEIMSI": d.imsi, "SIM1TYPE": "2" if cdma else "1",
        "SIM2CDMAIMSI": "", "SIM2ICCID": "00000000000000000000" if sim2_placeholder else "",
        "SIM2LTEIMSI": "111111111111111" if sim2_placeholder else "", "SIM2TYPE": "",
        "MACID": d.mac, "OSVER": "Android9", "ROM": "64G", "RAM": "4G",
        "IMEI1": d.imei[0], "IMEI2": d.imei[1], "SIM1CELLID": str(d.cell["eci"]), "SIM2CELLID": "",
        "DATASIM": "1", "REGDATE": "2025-%02d-%02d %02d:%02d:%02d" % (
            R.randrange(1, 12), R.randrange(1, 28), R.randrange(0, 24), R.randrange(0, 60), R.randrange(0, 60)),
    }


@family
def fam_selfreg():
    src = "China Telecom self-registration (zzhc) v8.0 body: plain base64 of JSON, line-wrapped, application/encrypted-json"
    hdr = [("Content-Type", "application/encrypted-json"), ("User-Agent", ua_dalvik("TA-1062", "9")),
           ("Host", "zzhc.example.cn")]
    # 1. held-out phone; the client puts the device serial into MEID (known quirk)
    d = PHONE
    body = b64_wrapped(jdump(selfreg_json(d, d.serial)))
    add("identifier", src + "; MEID field carries the serial", "POST", "http://zzhc.example.cn/", hdr, body,
        ["imei", "imsi", "iccid", "mac", "cell_id"], ["serial"], dev=d)
    # 2. CDMA handset in China with a real MEID
    d = new_device("CN", plmn="46011")
    body = b64_wrapped(jdump(selfreg_json(d, d.meid, cdma=True)))
    add("identifier", src, "POST", "http://zzhc.example.cn/", hdr, body,
        ["imei", "meid", "imsi", "iccid", "mac", "cell_id"], dev=d)
    # 3. EEA handset; MEID field carries IMEI1, SIM2 has placeholders
    d = new_device("PL")
    body = b64_wrapped(jdump(selfreg_json(d, d.imei[0], sim2_placeholder=True)))
    add("identifier", src + "; MEID holds IMEI1, SIM2 placeholder IMSI/ICCID", "POST", "http://zzhc.example.cn/",
        hdr, body, ["imei", "imsi", "iccid", "mac", "cell_id"], dev=d)
    # 4. IoT module on port 9999, unwrapped base64, fewer keys
    d = new_device("CN", plmn="46011")
    o = {"REGVER": "5.0", "MEID": d.meid, "MODEL": "ME3630-C", "SWVER": "ME3630C1CV1.0B07",
         "SIM1ICCID": d.iccid, "SIM1LTEIMSI": d.imsi, "UETYPE": "4", "IMEI1": d.imei[0],
         "SIM1CELLID": str(d.cell["eci"]), "MACID": "", "REGDATE": "2025-06-02 08:11:42"}
    add("identifier", "China Telecom self-registration from an LTE IoT module (port 9999), unwrapped base64 JSON",
        "POST", "http://zzhc.example.cn:9999/", [("Content-Type", "application/encrypted-json"),
                                                ("Host", "zzhc.example.cn:9999")],
        b64(jdump(o)), ["imei", "meid", "imsi", "iccid", "cell_id"], dev=d)


@family
def fam_oem_activation():
    # HMD-style global activation (JSON, serial under "sn", android id header)
    d = PHONE
    o = {"imei": [d.imei[0], d.imei[1]], "sn": d.serial, "model": d.model, "sw": "A556BXXS2AXK1",
         "mccmnc": d.plmn, "lang": "pt_PT", "activationType": "first_boot",
         "ts": epoch_ms()}
    add("identifier", "OEM first-boot activation (global variant) JSON with IMEI list and serial under sn",
        "POST", "https://activation.oem-global.example.com/v2/activate",
        [("Content-Type", "application/json; charset=utf-8"), ("X-Android-Id", d.android_id),
         ("User-Agent", UA_OKHTTP)], jdump(o), ["imei", "serial", "android_id"], dev=d)
    # Xiaomi-style: form with md5(imei), oaid, serial
    d = new_device("CZ")
    body = form([("imeiMd5", md5(d.imei[0])), ("oaid", d.oaid), ("serialNumber", d.serial),
                 ("model", d.model), ("region", "CZ"), ("miuiVersion", "V14.0.6.0.TMSEUXM")])
    add("identifier", "Xiaomi-style device activation form: hashed IMEI, OAID, serialNumber",
        "POST", "https://api.activate.example.com/device/activate",
        [("Content-Type", "application/x-www-form-urlencoded")], body, ["ad_id", "serial"], dev=d)
    # held-out phone: same layout, hashed IMEI only findable with the profile
    d = PHONE
    body = form([("imeiMd5", md5(d.imei[0])), ("oaid", "00000000-0000-0000-0000-000000000000"),
                 ("model", d.model), ("region", "PT"), ("romVersion", "A556BXXS2AXK1")])
    add("identifier", "Xiaomi-style device activation form with MD5 of IMEI and a limited (zero) OAID",
        "POST", "https://api.activate.example.com/device/activate",
        [("Content-Type", "application/x-www-form-urlencoded")], body, [], ["imei"], dev=d)
    # Transsion-style XML activation with dashed IMEI and MAC without separators
    d = new_device("IE")
    xml = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<activation>\n  <imei1>%s</imei1>\n  <imei2>%s</imei2>\n"
           "  <wlanMac>%s</wlanMac>\n  <serialno>%s</serialno>\n  <brand>TECNO</brand>\n  <model>CK7n</model>\n"
           "  <country>IE</country>\n</activation>\n") % (
        "%s-%s-%s-%s" % (d.imei[0][:2], d.imei[0][2:8], d.imei[0][8:14], d.imei[0][14]), d.imei[1],
        mac_nosep(d.mac, True), d.serial)
    add("identifier", "Transsion-style XML activation (dashed IMEI, upper-case MAC without separators)",
        "POST", "http://act.transsion-like.example.com/activation/report",
        [("Content-Type", "text/xml; charset=utf-8")], xml, ["imei", "mac", "serial"], dev=d)
    # Warranty registration with e-mail and phone
    d = new_device("ES")
    o = {"customer": {"email": d.email, "phone": intl(d.phone), "country": "ES"},
         "device": {"serialNumber": d.serial, "imei": d.imei[0], "purchaseDate": "2025-03-14"}}
    add("identifier", "OEM warranty/product registration JSON (customer e-mail and phone, serialNumber, IMEI)",
        "POST", "https://warranty.oem.example/api/register", [("Content-Type", "application/json")],
        jdump(o), ["email", "imei", "phone", "serial"], dev=d)


def nai(d: Device) -> str:
    mnc = d.plmn[3:].rjust(3, "0")
    return "0%s@nai.epc.mnc%s.mcc%s.3gppnetwork.org" % (d.imsi, mnc, d.plmn[:3])


def ims_domain(d: Device) -> str:
    return "ims.mnc%s.mcc%s.3gppnetwork.org" % (d.plmn[3:].rjust(3, "0"), d.plmn[:3])


def utran_cell_id(d: Device) -> str:
    c = d.cell
    return "%s%s%04X%07X" % (c["mcc"], c["mnc"], c["tac"], c["eci"])


def imei_urn(v: str) -> str:
    # RFC 7254: urn:gsma:imei:TAC-SNR-spare (the spare digit is sent as 0)
    return "urn:gsma:imei:%s-%s-0" % (v[:8], v[8:14])


@family
def fam_carrier():
    # GSMA TS.43 service entitlement, EAP-AKA identity (IMSI in NAI) and terminal_id=IMEI in the query
    d = PHONE
    qs = form([("EAP_ID", nai(d)), ("terminal_id", d.imei[0]), ("terminal_vendor", "SAMSUNG"),
               ("terminal_model", d.model), ("terminal_sw_version", "A556BXXS2AXK1"), ("app", "ap2004"),
               ("vers", "0"), ("entitlement_version", "9.0")])
    add("identifier", "GSMA TS.43 service entitlement request (VoWiFi app ap2004): IMSI in EAP-AKA NAI, terminal_id IMEI",
        "GET", "https://aes.entitlement.example.com/?" + qs,
        [("Accept", "application/vnd.gsma.eap-relay.v1.0+json"), ("User-Agent", "PRD-TS43 term-SAMSUNG/SM-A556B OS-Android/14")],
        "", ["imei", "imsi"], dev=d)
    # TS.43 ODSA companion (watch) eSIM: companion IMEI and ICCID
    d = new_device("IE")
    w_imei = gen_imei("35")
    d.imei[1] = w_imei  # the watch's IMEI is recorded as the device's second device id
    qs = form([("app", "ap2006"), ("operation", "ManageSubscription"), ("operation_type", "0"),
               ("companion_terminal_id", w_imei), ("companion_terminal_vendor", "Google"),
               ("companion_terminal_model", "Pixel Watch 2"), ("terminal_id", d.imei[0]),
               ("terminal_iccid", d.iccid), ("entitlement_version", "8.0"), ("token", b64url(rand_bytes(24)))])
    add("identifier", "GSMA TS.43 ODSA ManageSubscription for a companion watch (terminal and companion IMEI, ICCID)",
        "GET", "https://aes.entitlement.example.com/?" + qs, [("Accept", "application/json")], "",
        ["iccid", "imei"], dev=d)
    # IMS REGISTER over UDP from the held-out phone: IMSI-based IMPI, IMEI URN, cell in PANI
    d = PHONE
    dom = ims_domain(d)
    sip = ("REGISTER sip:{dom} SIP/2.0\r\n"
           "Via: SIP/2.0/UDP [2001:db8:4f1::2a]:5060;branch=z9hG4bK{br};rport\r\n"
           "Max-Forwards: 70\r\n"
           "From: <sip:{imsi}@{dom}>;tag={tag}\r\n"
           "To: <sip:{imsi}@{dom}>\r\n"
           "Call-ID: {cid}@2001:db8:4f1::2a\r\n"
           "CSeq: 1 REGISTER\r\n"
           "Contact: <sip:{imsi}@[2001:db8:4f1::2a]:5060>;+sip.instance=\"<{urn}>\";"
           "+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\";+g.3gpp.smsip;expires=600000\r\n"
           "Authorization: Digest username=\"{imsi}@{dom}\",realm=\"{dom}\",uri=\"sip:{dom}\",nonce=\"\",response=\"\"\r\n"
           "P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp={ucid}\r\n"
           "Supported: path,gruu,sec-agree\r\nRequire: sec-agree\r\nProxy-Require: sec-agree\r\n"
           "User-Agent: Samsung IMS 6.0\r\nExpires: 600000\r\nContent-Length: 0\r\n\r\n").format(
        dom=dom, br=hexs(16), imsi=d.imsi, tag=hexs(8), cid=hexs(24), urn=imei_urn(d.imei[0]), ucid=utran_cell_id(d))
    add("identifier", "3GPP IMS SIP REGISTER over UDP (IMSI-derived IMPU/IMPI, RFC 7254 IMEI URN, PANI utran-cell-id-3gpp)",
        "UDP", "udp://pcscf.ims.example.com:5060/", [], sip, ["cell_id", "imei", "imsi"], dev=d)
    # VoWiFi REGISTER over TCP: MSISDN identity, PANI IEEE-802.11 with the AP's BSSID
    d = new_device("DE")
    dom = ims_domain(d)
    ap = d.aps[0][0]
    sip = ("REGISTER sip:{dom} SIP/2.0\r\n"
           "Via: SIP/2.0/TCP [2001:db8:77::10]:5060;branch=z9hG4bK{br}\r\n"
           "Max-Forwards: 70\r\n"
           "From: <sip:{msisdn}@{dom};user=phone>;tag={tag}\r\n"
           "To: <sip:{msisdn}@{dom};user=phone>\r\n"
           "Call-ID: {cid}\r\nCSeq: 2 REGISTER\r\n"
           "Contact: <sip:[2001:db8:77::10]:5060;transport=tcp>;+sip.instance=\"<{urn}>\";expires=3600\r\n"
           "P-Preferred-Identity: <tel:{msisdn}>\r\n"
           "P-Access-Network-Info: IEEE-802.11;i-wlan-node-id={node}\r\n"
           "Authorization: Digest username=\"{imsi}@{dom}\",realm=\"{dom}\",nonce=\"{nonce}\",uri=\"sip:{dom}\","
           "response=\"{resp}\",algorithm=AKAv1-MD5\r\n"
           "Content-Length: 0\r\n\r\n").format(
        dom=dom, br=hexs(12), msisdn=d.phone, tag=hexs(8), cid=gen_uuid(), urn=imei_urn(d.imei[0]),
        node=mac_nosep(ap), imsi=d.imsi, nonce=b64(rand_bytes(32)), resp=hexs(32))
    add("identifier", "VoWiFi IMS SIP REGISTER over TCP (tel: MSISDN, IMSI in Digest username, PANI IEEE-802.11 i-wlan-node-id BSSID)",
        "TCP", "tcp://pcscf.ims.example.com:5060/", [], sip, ["imei", "imsi", "phone", "wifi_bssid"], dev=d)
    # GSMA RCC.14 RCS autoconfiguration (held-out phone? no: a Polish device) with IMSI, IMEI, msisdn
    d = new_device("PL")
    qs = form([("vers", "0"), ("rcs_version", "UP_2.4"), ("rcs_profile", "UP_2.4"), ("client_vendor", "Goog"),
               ("client_version", "messages-20250512"), ("terminal_vendor", "motorola"),
               ("terminal_model", d.model), ("terminal_sw_version", "U1TDS34.94-12-7-7"),
               ("IMSI", d.imsi), ("IMEI", d.imei[0]), ("msisdn", d.phone), ("default_sms_app", "1")])
    add("identifier", "GSMA RCC.14 RCS HTTP autoconfiguration request (IMSI, IMEI, msisdn in query)",
        "GET", "https://config.rcs.example.com/?" + qs, [("User-Agent", "IM-client/OMA1.0 Goog/messages-20250512")],
        "", ["imei", "imsi", "phone"], dev=d)
    # RCS OTP step for the held-out phone: msisdn only, in a header, plus the SMS port token
    d = PHONE
    add("identifier", "GSMA RCC.14 RCS configuration retry with OTP; msisdn sent in X-MSISDN header",
        "GET", "https://config.rcs.example.com/?vers=0&OTP=%s&token=%s" % (digits(6), b64url(rand_bytes(18))),
        [("X-MSISDN", d.phone), ("User-Agent", "IM-client/OMA1.0 Goog/messages-20250512")], "",
        ["phone"], dev=d)
    # eSIM transfer in an operator app
    d = new_device("CZ")
    o = {"transferType": "DEVICE_TO_DEVICE", "source": {"iccid": d.iccid, "msisdn": intl(d.phone)},
         "target": {"imei": d.imei[0], "euiccInfo": b64(rand_bytes(24))}, "requestId": gen_uuid()}
    add("identifier", "Operator-app eSIM quick transfer request (source ICCID and msisdn, target IMEI)",
        "POST", "https://esim.operator.example.com/api/v1/transfer", [("Content-Type", "application/json")],
        jdump(o), ["iccid", "imei", "phone"], dev=d)
    # SGP.22-ish ES9+ handleNotification with ICCID (hex string) from LPA
    d = new_device("FR")
    o = {"header": {"functionRequesterIdentifier": "LPA", "functionCallIdentifier": gen_uuid()},
         "pendingNotification": {"notificationMetadata": {"seqNumber": R.randrange(1, 40),
                                 "profileManagementOperation": "install", "notificationAddress": "smdp.example.com"},
                                 "iccid": d.iccid + "F"}}
    add("identifier", "GSMA SGP.22 ES9+ handleNotification (install) with the profile ICCID padded with F",
        "POST", "https://smdp.example.com/gsma/rsp2/es9plus/handleNotification",
        [("Content-Type", "application/json"), ("X-Admin-Protocol", "gsma/rsp/v2.5.0")], jdump(o), ["iccid"], dev=d)


def spaced_imei(v: str) -> str:
    return "%s %s %s %s" % (v[:2], v[2:8], v[8:14], v[14])


@family
def fam_mdm_ota():
    # Apple MDM DeviceInformation reply (PUT plist); Apple formats IMEI/ICCID with spaces
    d = new_device("IE")
    d.model = "iPhone15,4"
    udid = "00008120-" + hexs(16, True)
    iccid_sp = " ".join(d.iccid[i:i + 4] for i in range(0, len(d.iccid), 4))
    plist = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>CommandUUID</key>
	<string>%s</string>
	<key>QueryResponses</key>
	<dict>
		<key>BluetoothMAC</key>
		<string>%s</string>
		<key>DeviceName</key>
		<string>iPhone</string>
		<key>ICCID</key>
		<string>%s</string>
		<key>IMEI</key>
		<string>%s</string>
		<key>MEID</key>
		<string></string>
		<key>ModemFirmwareVersion</key>
		<string>2.20.03</string>
		<key>OSVersion</key>
		<string>18.1.1</string>
		<key>PhoneNumber</key>
		<string>%s</string>
		<key>SerialNumber</key>
		<string>%s</string>
		<key>WiFiMAC</key>
		<string>%s</string>
	</dict>
	<key>Status</key>
	<string>Acknowledged</string>
	<key>UDID</key>
	<string>%s</string>
</dict>
</plist>
""" % (gen_uuid().upper(), d.bt_mac, iccid_sp, spaced_imei(d.imei[0]), intl(d.phone),
       "F" + "".join(R.choice(string.ascii_uppercase + string.digits) for _ in range(11)), d.mac, udid)
    # the serial above is freshly made; keep it as the device's serial for the cross-check
    d.serial = plist.split("<key>SerialNumber</key>\n\t\t<string>")[1].split("<")[0]
    add("identifier", "Apple MDM DeviceInformation command response (plist over PUT) with IMEI, ICCID, Wi-Fi/Bluetooth MAC, serial, phone",
        "PUT", "https://mdm.corp.example.com/mdm/server",
        [("Content-Type", "application/x-apple-aspen-mdm"), ("User-Agent", "MDM/1.0")], plist,
        ["iccid", "imei", "mac", "phone", "serial"], dev=d)
    # Android EMM check-in from the held-out phone
    d = PHONE
    o = {"checkinType": "PERIODIC", "androidId": d.android_id,
         "hardware": {"manufacturer": "samsung", "model": d.model, "serialNumber": d.serial,
                      "imei": [d.imei[0], d.imei[1]], "meid": ""},
         "network": {"wifiMacAddress": d.mac, "simSlots": [{"slot": 0, "iccid": d.iccid, "phoneNumber": d.phone,
                                                             "operator": "MEO"}, {"slot": 1, "iccid": ""}]},
         "compliance": {"encrypted": True, "patchLevel": "2025-05-01"}}
    add("identifier", "Android EMM/MDM agent periodic check-in JSON (androidId, serialNumber, IMEIs, Wi-Fi MAC, SIM ICCID and number)",
        "POST", "https://emm.corp.example.com/api/v3/devices/checkin",
        [("Content-Type", "application/json"), ("Authorization", "Bearer " + b64url(rand_bytes(30)))],
        jdump(o, indent=2, sep=(",", ": ")), ["android_id", "iccid", "imei", "mac", "phone", "serial"], dev=d)
    # OMA-DM SyncML package 1 with IMEI LocURI and DevDetail serial
    d = new_device("PT")
    sml = """<?xml version="1.0" encoding="UTF-8"?>
<SyncML xmlns="SYNCML:SYNCML1.2">
  <SyncHdr>
    <VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>%d</SessionID><MsgID>1</MsgID>
    <Target><LocURI>https://dm.example.com/oma</LocURI></Target>
    <Source><LocURI>IMEI:%s</LocURI></Source>
    <Meta><MaxMsgSize xmlns="syncml:metinf">10000</MaxMsgSize></Meta>
  </SyncHdr>
  <SyncBody>
    <Alert><CmdID>1</CmdID><Data>1201</Data></Alert>
    <Replace><CmdID>2</CmdID>
      <Item><Source><LocURI>./DevInfo/DevId</LocURI></Source><Data>IMEI:%s</Data></Item>
      <Item><Source><LocURI>./DevInfo/Man</LocURI></Source><Data>HMD Global</Data></Item>
      <Item><Source><LocURI>./DevInfo/Mod</LocURI></Source><Data>TA-1062</Data></Item>
      <Item><Source><LocURI>./DevDetail/Ext/SerialNumber</LocURI></Source><Data>%s</Data></Item>
      <Item><Source><LocURI>./DevDetail/SwV</LocURI></Source><Data>00WW_3_39B_SP03</Data></Item>
    </Replace>
    <Final/>
  </SyncBody>
</SyncML>
""" % (R.randrange(1, 65535), d.imei[0], d.imei[0], d.serial)
    add("identifier", "OMA-DM 1.2 SyncML client-initiated session (IMEI: LocURI, DevDetail SerialNumber)",
        "POST", "https://dm.example.com/oma", [("Content-Type", "application/vnd.syncml.dm+xml")], sml,
        ["imei", "serial"], dev=d)
    # Adups-style FOTA check: gzip'd JSON with IMEI, IMSI, MAC and serving cell
    d = new_device("CN", plmn="46000")
    o = {"mid": d.imei[0], "imsi": d.imsi, "mac": d.mac.upper(), "version": "ALPS.L1.MP6.V2.19",
         "oem": "blu", "models": "R1 HD", "lac": str(d.cell["tac"]), "cid": str(d.cell["eci"]),
         "mcc": d.plmn[:3], "mnc": d.plmn[3:], "network": "LTE", "lang": "zh_CN"}
    add("identifier", "Adups-style FOTA version check: gzip'd JSON (IMEI as mid, IMSI, MAC, LTE TAC/ECI)",
        "POST", "http://fota.example.cn/ota/checkVersion",
        [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], gz(jdump(o)),
        ["cell_id", "imei", "imsi", "mac"], dev=d)
    # OTA check by query string
    d = new_device("IT")
    qs = form([("model", d.model), ("imei", d.imei[0]), ("sn", d.serial), ("cur_ver", "V816.0.3.0"),
               ("android", "14"), ("channel", "stable"), ("region", "eea")])
    add("identifier", "Vendor OTA update check as GET query (imei, sn)",
        "GET", "https://ota.vendor.example.com/check?" + qs, [("User-Agent", UA_OKHTTP)], "",
        ["imei", "serial"], dev=d)
    # Checkin-like gzip'd protobuf from the held-out phone (no key names)
    d = PHONE
    build = pb_bytes(1, "samsung/a55xnsxx/a55x:14/UP1A.231005.007/A556BXXS2AXK1:user/release-keys") + \
        pb_bytes(2, "samsung") + pb_bytes(6, d.model) + pb_int(7, 34)
    msg = pb_bytes(1, build) + pb_bytes(3, d.imei[0]) + pb_bytes(4, d.mac) + pb_bytes(5, d.serial) + \
        pb_bytes(6, "pt_PT") + pb_bytes(7, d.android_id) + pb_int(8, epoch_ms()) + pb_bytes(9, d.plmn) + \
        pb_int(10, 3)
    add("identifier", "Device check-in modelled on Android checkin: gzip'd schema-less protobuf (IMEI, MAC, serial, android id as bare strings)",
        "POST", "https://checkin.platform.example.com/checkin",
        [("Content-Type", "application/x-protobuffer"), ("Content-Encoding", "gzip"), ("User-Agent", ua_dalvik("SM-A556B"))],
        gz(msg), ["imei", "mac"], ["android_id", "serial"], dev=d)


def logtime() -> str:
    return "%02d-%02d %02d:%02d:%02d.%03d" % (R.randrange(1, 13), R.randrange(1, 29), R.randrange(0, 24),
                                              R.randrange(0, 60), R.randrange(0, 60), R.randrange(0, 1000))


def nibble_swap(s: str) -> str:
    if len(s) % 2:
        s += "F"
    return "".join(s[i + 1] + s[i] for i in range(0, len(s), 2))


@family
def fam_crash_logs():
    # ACRA JSON report: legacy DEVICE_ID = IMEI, LOGCAT with the associated AP
    d = new_device("NO")
    ap = d.aps[0]
    pid = R.randrange(900, 30000)
    logcat = "\n".join([
        "%s  %d  %d I wpa_supplicant: wlan0: CTRL-EVENT-CONNECTED - Connection to %s completed [id=2 id_str=%%7B%%7D]" % (
            logtime(), pid, pid, ap[0]),
        "%s  %d  %d D ConnectivityService: NetworkAgentInfo [WIFI () - 112] validation passed" % (logtime(), pid, pid + 3),
        "%s  %d  %d E AndroidRuntime: FATAL EXCEPTION: main" % (logtime(), pid + 7, pid + 7),
        "%s  %d  %d E AndroidRuntime: java.lang.IllegalStateException: player released" % (logtime(), pid + 7, pid + 7),
    ])
    o = {"REPORT_ID": gen_uuid(), "APP_VERSION_CODE": 4120, "APP_VERSION_NAME": "4.12.0",
         "PACKAGE_NAME": "no.example.radio", "PHONE_MODEL": d.model, "ANDROID_VERSION": "13",
         "DEVICE_ID": d.imei[0], "INSTALLATION_ID": gen_uuid(),
         "STACK_TRACE": "java.lang.IllegalStateException: player released\n\tat no.example.radio.Player.play(Player.java:88)\n",
         "LOGCAT": logcat, "USER_CRASH_DATE": "2025-04-11T09:12:44.120+02:00"}
    add("identifier", "ACRA crash report JSON (legacy DEVICE_ID = IMEI; LOGCAT shows wpa_supplicant association BSSID)",
        "POST", "https://acra.example.com/report", [("Content-Type", "application/json"),
                                                   ("Authorization", "Basic " + b64("reporter:" + hexs(12)))],
        jdump(o), ["imei", "wifi_bssid"], dev=d)
    # bugreport excerpt from the held-out phone, multipart upload
    d = PHONE
    c = d.cell
    ap = d.aps[1]
    bug = "\n".join([
        "== dumpstate: 2025-05-19 21:04:11",
        "Build: UP1A.231005.007.A556BXXS2AXK1",
        "------ SYSTEM PROPERTIES (getprop) ------",
        "[persist.sys.timezone]: [Europe/Lisbon]",
        "[ro.boot.hardware]: [s5e8845]",
        "[ro.product.model]: [%s]" % d.model,
        "[ro.serialno]: [%s]" % d.serial,
        "[gsm.operator.numeric]: [%s]" % d.plmn,
        "------ DUMPSYS telephony.registry ------",
        "  mCellIdentity=CellIdentityLte:{ mCi=%d mPci=%d mTac=%d mEarfcn=%d mBands=[3] mBandwidth=20000 mMcc=%s mMnc=%s mAlphaLong=MEO mAlphaShort=MEO}" % (
            c["eci"], c["pci"], c["tac"], c["earfcn"], c["mcc"], c["mnc"]),
        "------ DUMPSYS wifi ------",
        "mWifiInfo SSID: \"%s\", BSSID: %s, MAC: %s, IP: /192.168.1.37, Security type: 2, Supplicant state: COMPLETED, Wi-Fi standard: 6, RSSI: %d, Link speed: 573Mbps, Frequency: %dMHz" % (
            ap[1], ap[0], d.mac, ap[2], ap[3]),
        "------ DUMPSYS battery ------",
        "  level: 64", "  temperature: 291", ""])
    bnd = boundary()
    body = multipart([("description", None, None, "camera app freezes after update"),
                      ("package", None, None, "com.sec.android.app.camera"),
                      ("bugreport", "bugreport-a55x-UP1A.231005.007-2025-05-19-21-04-11.txt", "text/plain", bug)], bnd)
    add("identifier", "Android bugreport excerpt (getprop ro.serialno, telephony.registry CellIdentityLte, dumpsys wifi BSSID and own MAC) in a multipart upload",
        "POST", "https://feedback.oem.example/api/bugreport", [("Content-Type", "multipart/form-data; boundary=" + bnd)],
        body, ["cell_id", "mac", "serial", "wifi_bssid"], dev=d)
    # logcat text/plain upload with RIL lines, ICCID nibble-swapped as read from EF_ICCID
    d = new_device("IE")
    lines = [
        "%s  1893  2011 D RILJ    : [4021]> getIMSI  [PHONE0] -> %s" % (logtime(), d.imsi),
        "%s  1893  2011 D UiccController: EF_ICCID (2FE2) raw=%s" % (logtime(), nibble_swap(d.iccid)),
        "%s  1893  2011 D ServiceStateTracker: [0] pollStateDone: mCellIdentity=CellIdentityLte:{ mCi=%d mPci=%d mTac=%d }" % (
            logtime(), d.cell["eci"], d.cell["pci"], d.cell["tac"]),
        "%s  1893  1893 I Telephony: onSignalStrengthsChanged rsrp=%d" % (logtime(), d.cell["rsrp"]),
    ]
    add("identifier", "Raw logcat upload (text/plain) from a debug tool: RILJ getIMSI, EF_ICCID raw (nibble-swapped BCD), CellIdentityLte",
        "POST", "https://logs.devtools.example.com/upload?session=%s" % hexs(16),
        [("Content-Type", "text/plain; charset=utf-8")], "\n".join(lines) + "\n", ["cell_id", "iccid", "imsi"], dev=d)
    # Sentry envelope (NDJSON) with user e-mail and device context, from the held-out phone
    d = PHONE
    ev_id = hexs(32)
    env = "\n".join([
        jdump({"event_id": ev_id, "sent_at": iso_ts(), "dsn": "https://%s@sentry.example.com/42" % hexs(32)}),
        jdump({"type": "event", "content_type": "application/json"}),
        jdump({"event_id": ev_id, "platform": "java", "level": "error",
               "user": {"id": hexs(24), "email": d.email, "ip_address": "{{auto}}"},
               "contexts": {"device": {"model": d.model, "manufacturer": "samsung", "locale": "pt_PT",
                                       "timezone": "Europe/Lisbon", "battery_level": 64.0}},
               "exception": {"values": [{"type": "SocketTimeoutException", "value": "timeout"}]}}),
    ]) + "\n"
    add("identifier", "Sentry envelope (newline-delimited JSON) with user.email",
        "POST", "https://o123.ingest.sentry.example.com/api/42/envelope/",
        [("Content-Type", "application/x-sentry-envelope"), ("X-Sentry-Auth", "Sentry sentry_key=%s, sentry_version=7" % hexs(32))],
        env, ["email"], dev=d)
    # drive-test / QoE CSV upload
    d = new_device("PL")
    rows = ["timestamp,lat,lon,acc_m,mcc,mnc,tac,eci,pci,rsrp,imei"]
    for i in range(3):
        rows.append("%d,%.6f,%.6f,%d,%s,%s,%d,%d,%d,%d,%s" % (
            1747000000 + i * 5, d.lat + i * 0.0002, d.lon - i * 0.0003, R.randrange(3, 15), d.cell["mcc"],
            d.cell["mnc"], d.cell["tac"], d.cell["eci"] if i < 2 else d.neigh[0]["eci"], d.cell["pci"],
            d.cell["rsrp"] - i, d.imei[0]))
    add("identifier", "Network drive-test app CSV upload (device position, serving cell ECI, IMEI per row)",
        "POST", "https://qoe.netprobe.example.com/upload/csv", [("Content-Type", "text/csv")],
        "\n".join(rows) + "\n", ["cell_id", "imei", "location"], dev=d)
    # QoE SDK key=value report from the held-out phone
    d = PHONE
    kv = ";".join(["v=3", "ts=%d" % epoch_ms(), "lat=%.6f" % d.lat, "lon=%.6f" % d.lon, "acc=11.0", "mcc=%s" % d.cell["mcc"],
                   "mnc=%s" % d.cell["mnc"], "tac=%d" % d.cell["tac"], "ci=%d" % d.cell["eci"], "pci=%d" % d.cell["pci"],
                   "rsrp=%d" % d.cell["rsrp"], "dl_kbps=48211", "ul_kbps=9120", "net=LTE"])
    add("identifier", "Mobile network QoE SDK measurement as key=value;… text (device lat/lon, serving cell ci)",
        "POST", "https://collect.qoe-sdk.example.com/m", [("Content-Type", "text/plain")], kv,
        ["cell_id", "location"], dev=d)
    # Carrier diagnostics: base64url JSON in a form field
    d = new_device("CZ")
    inner = {"imsi": d.imsi, "imei": d.imei[0], "cells": [
        {"type": "lte", "mcc": int(d.cell["mcc"]), "mnc": int(d.cell["mnc"]), "tac": d.cell["tac"], "ci": d.cell["eci"], "serving": True},
        {"type": "lte", "mcc": int(d.cell["mcc"]), "mnc": int(d.cell["mnc"]), "tac": d.neigh[0]["tac"], "ci": d.neigh[0]["eci"], "serving": False}],
        "dropCause": "RADIO_LINK_FAILURE"}
    add("identifier", "Carrier dropped-call diagnostics: base64url JSON (IMSI, IMEI, serving and neighbour LTE cells) in a form field",
        "POST", "https://diag.carrier.example.com/calls/drop",
        [("Content-Type", "application/x-www-form-urlencoded")],
        form([("p", b64url(jdump(inner))), ("fmt", "b64u")]), ["cell_id", "imei", "imsi"], dev=d)


@family
def fam_analytics_west():
    # Segment-style batch
    d = new_device("GB")
    o = {"batch": [{"type": "identify", "messageId": gen_uuid(), "anonymousId": gen_uuid(), "userId": hexs(24),
                    "traits": {"email": d.email, "phone": d.phone, "plan": "pro"},
                    "context": {"device": {"advertisingId": d.ad_id, "adTrackingEnabled": True, "manufacturer": "Google",
                                           "model": d.model, "type": "android"},
                                "location": {"latitude": d.lat, "longitude": d.lon, "speed": 0},
                                "library": {"name": "analytics-kotlin", "version": "1.16.3"}},
                    "timestamp": iso_ts()}], "sentAt": iso_ts()}
    add("identifier", "Segment analytics-kotlin batch (identify traits email/phone, context.device.advertisingId, context.location)",
        "POST", "https://api.segment.example.com/v1/b",
        [("Content-Type", "application/json"), ("Authorization", "Basic " + b64(hexs(32) + ":"))],
        jdump(o), ["ad_id", "email", "location", "phone"], dev=d)
    # Amplitude-style form with JSON string in e= (held-out phone; hashed e-mail as a user property)
    d = PHONE
    ev = [{"event_type": "session_start", "event_id": 17, "session_id": epoch_ms(), "timestamp": epoch_ms(),
           "device_id": gen_uuid(), "adid": d.ad_id, "android_id": d.android_id, "platform": "Android",
           "os_version": "14", "device_model": d.model, "carrier": "MEO", "country": "PT", "language": "pt",
           "user_properties": {"$set": {"email_sha256": sha256(d.email)}}, "library": {"name": "amplitude-android", "version": "2.39.8"}}]
    e = jdump(ev)
    key = hexs(32)
    ut = str(epoch_ms())
    body = form([("v", "2"), ("client", key), ("e", e), ("upload_time", ut), ("checksum", md5("2" + key + e + ut))])
    add("identifier", "Amplitude Android upload: form body whose e= field is a JSON array (adid, android_id; SHA-256 e-mail property)",
        "POST", "https://api2.amplitude.example.com/", [("Content-Type", "application/x-www-form-urlencoded")],
        body, ["ad_id", "android_id"], ["email"], dev=d)
    # Mixpanel-style track: data= base64 JSON in the query
    d = new_device("ES")
    ev = [{"event": "$identify", "properties": {"distinct_id": d.email, "$anon_distinct_id": gen_uuid(),
                                                "token": hexs(32), "$os": "Android", "$model": d.model,
                                                "$carrier": "Movistar", "mp_lib": "android", "$lib_version": "7.5.2"}}]
    add("identifier", "Mixpanel-style /track with data= standard base64 JSON in the query (distinct_id is the e-mail)",
        "GET", "https://api-eu.mixpanel.example.com/track/?ip=1&data=" + q(b64(jdump(ev))), [("User-Agent", UA_OKHTTP)], "",
        ["email"], dev=d)
    # Braze-style JSON with google_ad_id and a device id header that is a placeholder
    d = new_device("FR")
    o = {"api_key": gen_uuid(), "device_id": gen_uuid(), "time": epoch_ms() / 1000.0, "sdk_version": "30.1.1",
         "device": {"ad_tracking_enabled": True, "google_ad_id": d.ad_id, "model": d.model, "carrier": "Orange F",
                    "os_version": "14", "resolution": "1080x2400", "locale": "fr_FR"},
         "attributes": [{"user_id": "u-" + digits(8), "email": d.email, "push_token": b64url(rand_bytes(60))}]}
    add("identifier", "Braze-style SDK data sync (device.google_ad_id, attributes.email)",
        "POST", "https://sdk.fra-01.braze.example.com/api/v3/data",
        [("Content-Type", "application/json"), ("X-Braze-Api-Key", hexs(32)), ("X-Device-Id", "unknown")],
        jdump(o), ["ad_id", "email"], dev=d)


@family
def fam_analytics_cn():
    # Umeng-style envelope: zlib'd JSON, base64, with plain IMEI, MAC, android_id, OAID
    d = new_device("CN", plmn="46001")
    hdr = {"appkey": hexs(24), "channel": "huawei", "sdk_version": "9.6.8", "device_model": d.model,
           "imei": d.imei[0], "idmd5": md5(d.imei[0]), "mc": d.mac, "android_id": d.android_id, "oaid": d.oaid,
           "resolution": "2400*1080", "carrier": "China Unicom", "access": "wifi", "timezone": 8}
    body = b64(zl(jdump({"header": hdr, "content": {"analytics": {"sessions": [{"id": hexs(32), "duration": 118342}]}}})))
    add("identifier", "Umeng-style analytics envelope: base64 of zlib'd JSON header (imei, idmd5, mc MAC, android_id, oaid)",
        "POST", "https://ulogs.umeng.example.cn/unify_logs", [("Content-Type", "application/x-www-form-urlencoded"),
                                                              ("Msg-Type", "envelope/json")],
        body, ["ad_id", "android_id", "imei", "mac"], dev=d)
    # same SDK from the held-out phone: only the MD5 of the IMEI, plus IMSI and MAC upper-case
    d = PHONE
    hdr = {"appkey": hexs(24), "channel": "google_play", "sdk_version": "9.6.8", "device_model": d.model,
           "idmd5": md5(d.imei[0]), "imsi": d.imsi, "mc": d.mac.upper(), "resolution": "2340*1080",
           "carrier": "MEO", "access": "4G", "timezone": 1}
    body = b64(zl(jdump({"header": hdr, "content": {"analytics": {"ekv": [{"id": "open_detail", "ts": epoch_ms()}]}}})))
    add("identifier", "Umeng-style analytics envelope from the held-out phone (idmd5 = MD5 of IMEI, IMSI, MAC)",
        "POST", "https://ulogs.umeng.example.cn/unify_logs", [("Content-Type", "application/x-www-form-urlencoded"),
                                                              ("Msg-Type", "envelope/json")],
        body, ["imsi", "mac"], ["imei"], dev=d)
    # TalkingData-style: gzip'd JSON with IMEIs, Wi-Fi scan and location
    d = new_device("CN", plmn="46000")
    o = {"deviceId": hexs(32), "imeis": [d.imei[0], d.imei[1]],
         "wifi": [{"bssid": ap[0], "ssid": ap[1], "level": ap[2]} for ap in d.aps[:3]],
         "loc": {"lat": d.lat, "lng": d.lon, "acc": 25.0, "provider": "gps"}, "appKey": hexs(32).upper()}
    add("identifier", "TalkingData-style gzip'd JSON (imeis, wifi[].bssid scan, GPS loc)",
        "POST", "https://sdk.talkingdata.example.cn/g/d", [("Content-Type", "application/octet-stream"),
                                                            ("Content-Encoding", "gzip")],
        gz(jdump(o)), ["imei", "location", "wifi_bssid"], dev=d)
    # Baidu-style CUID: MD5(IMEI)|reversed IMEI (held-out phone): only findable with the profile
    d = PHONE
    cuid = md5(d.imei[0]).upper() + "|" + d.imei[0][::-1]
    qs = form([("cuid", cuid), ("os", "android"), ("osv", "14"), ("sdkv", "4.0.9.4"), ("appk", hexs(10)),
               ("mod", d.model), ("ts", str(epoch_ms()))])
    add("identifier", "Baidu Mobstat-style request: cuid = MD5(IMEI)|IMEI reversed",
        "GET", "https://hmma.baidu.example.com/app.gif?" + qs, [("User-Agent", ua_dalvik("SM-A556B"))], "",
        [], ["imei"], dev=d)
    # Sensors Data-style: data_list = base64(gzip(JSON)), $device_id is the android id (held-out phone)
    d = PHONE
    ev = [{"_track_id": R.randrange(10 ** 8, 10 ** 9), "time": epoch_ms(), "type": "track", "event": "$AppStart",
           "distinct_id": d.android_id, "identities": {"$identity_android_id": d.android_id},
           "lib": {"$lib": "Android", "$lib_version": "6.8.0"},
           "properties": {"$device_id": d.android_id, "gaid": d.ad_id, "$model": d.model, "$carrier": "MEO",
                          "$wifi": True, "$screen_width": 1080}}]
    body = form([("crc", str(R.randrange(10 ** 6, 10 ** 9))), ("gzip", "1"), ("data_list", b64(gz(jdump(ev))))])
    add("identifier", "Sensors Data-style batch: form data_list = base64 of gzip'd JSON ($identity_android_id, gaid)",
        "POST", "https://sa.sensors.example.cn/sa?project=production", [("Content-Type", "application/x-www-form-urlencoded")],
        body, ["ad_id", "android_id"], dev=d)
    # GeTui-style registration: hex-encoded JSON body
    d = new_device("CN", plmn="46000")
    o = {"action": "register", "cid": hexs(32), "appid": b64url(rand_bytes(15)), "imei": d.imei[0], "mac": mac_nosep(d.mac, True),
         "android_id": d.android_id, "model": d.model, "system_version": "13"}
    add("identifier", "GeTui-style push/analytics registration with the JSON body hex-encoded (cid is a client id, not a cell)",
        "POST", "http://sdk.open.getui.example.cn/api.php", [("Content-Type", "text/plain")],
        jdump(o).encode().hex(), ["android_id", "imei", "mac"], dev=d)


def openrtb(d: Device, hashed: bool) -> dict:
    dev = {"ua": ua_dalvik(d.model), "make": "samsung", "model": d.model, "os": "android", "osv": "14",
           "ifa": d.ad_id, "lmt": 0, "carrier": "MEO" if d.heldout else "Vodafone", "mccmnc": d.plmn[:3] + "-" + d.plmn[3:],
           "connectiontype": 2, "devicetype": 4, "language": "pt" if d.heldout else "de",
           "geo": {"lat": d.lat, "lon": d.lon, "type": 1, "accuracy": 12, "lastfix": 4, "country": "PRT" if d.heldout else "DEU"}}
    if hashed:
        dev.update({"didsha1": sha1(d.imei[0]), "didmd5": md5(d.imei[0]), "dpidmd5": md5(d.android_id),
                    "macsha1": sha1(mac_nosep(d.mac, True))})
    return {"id": gen_uuid(), "imp": [{"id": "1", "banner": {"w": 320, "h": 50}, "bidfloor": 0.12, "tagid": "home_banner"}],
            "app": {"bundle": "com.example.game", "name": "Example Game", "publisher": {"id": digits(6)}},
            "device": dev, "user": {"id": hexs(32)}, "at": 1, "tmax": 500, "regs": {"ext": {"gdpr": 1}}}


@family
def fam_ads():
    d = new_device("DE")
    add("identifier", "OpenRTB 2.5 in-app bid request from a client-side bidding SDK (device.ifa, device.geo type=1 GPS)",
        "POST", "https://bid.ssp.example.com/openrtb2/auction",
        [("Content-Type", "application/json"), ("x-openrtb-version", "2.5")], jdump(openrtb(d, False)),
        ["ad_id", "location"], dev=d)
    d = PHONE
    add("identifier", "OpenRTB 2.5 bid request from the held-out phone with hashed device ids (didsha1, didmd5, dpidmd5, macsha1)",
        "POST", "https://bid.ssp.example.com/openrtb2/auction",
        [("Content-Type", "application/json"), ("x-openrtb-version", "2.5")], jdump(openrtb(d, True)),
        ["ad_id", "location"], ["android_id", "imei", "mac"], dev=d)
    # AppsFlyer-style first launch
    d = new_device("FR")
    o = {"advertiserId": d.ad_id, "advertiserIdEnabled": "true", "imei": d.imei[0], "android_id": d.android_id,
         "af_timestamp": str(epoch_ms()), "uid": "%d-%d" % (epoch_ms(), R.randrange(10 ** 18, 10 ** 19)),
         "brand": "OnePlus", "model": d.model, "sdk": "34", "operator": "Orange F", "network": "WIFI",
         "deviceData": {"arch": "", "build_display_id": "CPH2591_14.0.0.600(EX01)", "dim": {"x_px": "1080", "y_px": "2412"}},
         "counter": "1", "iaecounter": "0", "isFirstCall": "true"}
    add("identifier", "AppsFlyer-style first-launch event (advertiserId = GAID, imei and android_id where collected)",
        "POST", "https://launches.appsflyer.example.com/api/v6.14/androidevent?app_id=com.example.shop&buildnumber=6.14.2",
        [("Content-Type", "application/json")], jdump(o), ["ad_id", "android_id", "imei"], dev=d)
    # Adjust-style session: gps_adid next to a random android_uuid (install id, not an identifier type here)
    d = PHONE
    body = form([("gps_adid", d.ad_id), ("gps_adid_src", "service"), ("tracking_enabled", "1"),
                 ("android_uuid", gen_uuid()), ("app_token", b64url(rand_bytes(9))[:12].lower()),
                 ("created_at", "2025-05-19T21:07:13.401Z+0100"), ("environment", "production"),
                 ("session_count", "7"), ("device_type", "phone"), ("os_name", "android"), ("mcc", d.plmn[:3]),
                 ("mnc", d.plmn[3:]), ("needs_response_details", "1")])
    add("identifier", "Adjust-style /session form (gps_adid; android_uuid is a random per-install UUID)",
        "POST", "https://app.adjust.example.com/session", [("Content-Type", "application/x-www-form-urlencoded"),
                                                          ("Client-SDK", "android4.38.5")],
        body, ["ad_id"], dev=d)
    # Branch-style open: hardware_id is the android id (key does not say so)
    d = PHONE
    o = {"hardware_id": d.android_id, "is_hardware_id_real": True, "google_advertising_id": d.ad_id,
         "lat_val": 0, "brand": "samsung", "model": d.model, "screen_dpi": 450, "os": "Android", "os_version": 34,
         "country": "PT", "language": "pt", "local_ip": "192.168.1.37", "branch_key": "key_live_" + b64url(rand_bytes(24)),
         "retryNumber": 0, "sdk": "android5.12.1"}
    add("identifier", "Branch-style /v1/open (google_advertising_id; hardware_id carries the android id)",
        "POST", "https://api2.branch.example.com/v1/open", [("Content-Type", "application/json")], jdump(o),
        ["ad_id"], ["android_id"], dev=d)
    # Unity-Ads-style ad request as a query
    d = new_device("IT")
    qs = form([("advertisingTrackingId", d.ad_id), ("limitAdTracking", "false"), ("deviceMake", "Xiaomi"),
               ("deviceModel", d.model), ("platform", "android"), ("sdkVersion", "4120"), ("screenWidth", "1080"),
               ("connectionType", "wifi"), ("gameId", digits(7)), ("ts", str(epoch_ms()))])
    add("identifier", "Unity-Ads-style ad configuration request (advertisingTrackingId in query)",
        "GET", "https://configv2.unityads.example.com/webview/4.12.0/release/config.json?" + qs,
        [("User-Agent", UA_OKHTTP)], "", ["ad_id"], dev=d)
    # GDT/Pangle-style: JSON string nested in JSON (device block in "req"), with IMEI, OAID, MAC, android_id, location
    d = new_device("CN", plmn="46011")
    inner = {"c_device": {"imei": d.imei[0], "oaid": d.oaid, "mac": d.mac, "android_id": d.android_id,
                          "os": "android", "osv": "12", "model": d.model},
             "c_geo": {"lat": d.lat, "lng": d.lon, "coordtime": epoch_ms() // 1000, "accuracy": 30},
             "posid": digits(16), "ad_count": 3}
    o = {"ver": "4.5", "ext": {"req": jdump(inner)}, "sdkver": "4.590.1460"}
    add("identifier", "Chinese ad network request (GDT/Pangle style): JSON-in-JSON device block (imei, oaid, mac, android_id, lat/lng)",
        "POST", "https://mi.gdt.example.cn/gdt_mview.fcg", [("Content-Type", "application/json")], jdump(o),
        ["ad_id", "android_id", "imei", "location", "mac"], dev=d)
    # cookie-carried ad id and e-mail
    d = new_device("PL")
    cookie = "adid=%s; em=%s; _ga=GA1.2.%d.%d; consent=1" % (d.ad_id, q(d.email), R.randrange(10 ** 8, 10 ** 9),
                                                           1740000000 + R.randrange(10 ** 7))
    add("identifier", "In-app WebView ad call carrying the ad id and a URL-encoded e-mail in cookies",
        "GET", "https://ads.publisher.example.com/serve?slot=%s&fmt=html" % digits(8),
        [("Cookie", cookie), ("User-Agent", "Mozilla/5.0 (Linux; Android 14; %s; wv) AppleWebKit/537.36" % d.model)],
        "", ["ad_id", "email"], dev=d)
    # hashed e-mail for audience matching (held-out phone): SHA-256 of the lower-cased address
    d = PHONE
    o = {"events": [{"event_name": "Purchase", "event_time": epoch_ms() // 1000,
                     "user_data": {"em": [sha256(d.email.lower())], "ph": [sha256(d.phone[1:])],
                                   "madid": d.ad_id, "anon_id": gen_uuid()},
                     "custom_data": {"currency": "EUR", "value": 19.99}}]}
    add("identifier", "Conversions-API-style app event with SHA-256 hashed e-mail and phone plus madid",
        "POST", "https://graph.social.example.com/v19.0/%s/events" % digits(15),
        [("Content-Type", "application/json")], jdump(o), ["ad_id"], ["email", "phone"], dev=d)


def apple_bssid(m: str) -> str:
    # Apple's location protocol drops leading zeros in each octet
    return ":".join(format(int(x, 16), "x") for x in m.split(":"))


@family
def fam_location():
    # Google Geolocation API style (held-out phone): cell towers and Wi-Fi scan
    d = PHONE
    o = {"homeMobileCountryCode": int(d.plmn[:3]), "homeMobileNetworkCode": int(d.plmn[3:]), "radioType": "lte",
         "carrier": "MEO", "considerIp": False,
         "cellTowers": [{"cellId": c["eci"], "locationAreaCode": c["tac"], "mobileCountryCode": int(c["mcc"]),
                         "mobileNetworkCode": int(c["mnc"]), "signalStrength": c["rsrp"], "age": 0}
                        for c in [d.cell] + d.neigh[:1]],
         "wifiAccessPoints": [{"macAddress": ap[0], "signalStrength": ap[2], "channel": (ap[3] - 2407) // 5 if ap[3] < 3000 else (ap[3] - 5000) // 5}
                              for ap in d.aps]}
    add("identifier", "Google Geolocation API style request (cellTowers cellId/locationAreaCode, wifiAccessPoints macAddress)",
        "POST", "https://geolocation.maps.example.com/geolocation/v1/geolocate?key=" + b64url(rand_bytes(29)),
        [("Content-Type", "application/json")], jdump(o), ["cell_id", "wifi_bssid"], dev=d)
    # Ichnaea geosubmit v2 (gzip'd)
    d = new_device("NO")
    o = {"items": [{"timestamp": epoch_ms(),
                    "position": {"latitude": d.lat, "longitude": d.lon, "accuracy": 8.5, "altitude": 41.0, "source": "gps"},
                    "cellTowers": [{"radioType": "lte", "mobileCountryCode": int(d.cell["mcc"]), "mobileNetworkCode": int(d.cell["mnc"]),
                                    "locationAreaCode": d.cell["tac"], "cellId": d.cell["eci"], "primaryScramblingCode": d.cell["pci"],
                                    "signalStrength": d.cell["rsrp"], "serving": 1}],
                    "wifiAccessPoints": [{"macAddress": ap[0], "ssid": ap[1], "signalStrength": ap[2], "frequency": ap[3]}
                                         for ap in d.aps[:3]]}]}
    add("identifier", "Mozilla Ichnaea geosubmit v2, gzip Content-Encoding (GPS position, LTE cell, Wi-Fi BSSIDs)",
        "POST", "https://location.services.example.org/v2/geosubmit?key=test",
        [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], gz(jdump(o)),
        ["cell_id", "location", "wifi_bssid"], dev=d)
    # AMap-style network location: URL-encoded parameters inside a form field (double encoding)
    d = new_device("CN", plmn="46000")
    c = d.cell
    inner = form([("imei", d.imei[0]), ("imsi", d.imsi), ("cdma", "0"), ("accesstype", "1"),
                  ("mmac", "%s,%d,%s,0" % (d.aps[0][0], d.aps[0][2], d.aps[0][1])),
                  ("macs", "|".join("%s,%d,%s,0" % (ap[0], ap[2], ap[1]) for ap in d.aps[1:])),
                  ("bts", "%s,%s,%d,%d,%d" % (c["mcc"], c["mnc"], c["tac"], c["eci"], c["rsrp"])),
                  ("nbts", "%s,%s,%d,%d,%d" % (c["mcc"], c["mnc"], d.neigh[0]["tac"], d.neigh[0]["eci"], d.neigh[0]["rsrp"])),
                  ("output", "json"), ("ver", "5.1")])
    add("identifier", "AMap-style network location request: URL-encoded parameter string inside a form field (double-encoded; imei, imsi, connected/scanned Wi-Fi, bts)",
        "POST", "http://apilocate.amap.example.cn/mobile/binary", [("Content-Type", "application/x-www-form-urlencoded")],
        form([("data", inner), ("key", hexs(32))]), ["cell_id", "imei", "imsi", "wifi_bssid"], dev=d)
    # Apple WLOC-like protobuf, BSSIDs without leading zeros
    d = new_device("IE")
    for i in range(len(d.aps)):
        m = d.aps[i][0].split(":")
        m[1] = "0" + m[1][1]  # make sure at least one octet has a leading zero
        d.aps[i] = (":".join(m),) + d.aps[i][1:]
    wifis = b"".join(pb_bytes(2, pb_bytes(1, apple_bssid(ap[0]))) for ap in d.aps)
    body = b"\x00\x01\x00\x05en_US\x00\x13com.apple.locationd\x00\x0a8.1.12B411\x00\x00\x00\x01\x00\x00\x00" + \
        bytes([len(wifis) + 4]) + wifis + pb_int(3, 0) + pb_int(4, 1)
    add("identifier", "Apple WLOC-style location query: binary header + protobuf of BSSID strings with leading zeros dropped",
        "POST", "https://gs-loc.apple.example.com/clls/wloc", [("Content-Type", "application/x-www-form-urlencoded")],
        body, ["wifi_bssid"], dev=d)
    # Radar/Foursquare-style location SDK track (held-out phone)
    d = PHONE
    o = {"deviceId": gen_uuid(), "installId": gen_uuid(), "adId": d.ad_id, "latitude": d.lat, "longitude": d.lon,
         "accuracy": 14.2, "foreground": False, "stopped": True, "replayed": False, "deviceType": "Android",
         "deviceMake": "samsung", "deviceModel": d.model, "sdkVersion": "3.18.6", "locationAuthorization": "GRANTED_BACKGROUND"}
    add("identifier", "Location SDK background track (device latitude/longitude, adId)",
        "POST", "https://api.radar.example.com/v1/track", [("Content-Type", "application/json"),
                                                           ("Authorization", "prj_live_pk_" + hexs(40))],
        jdump(o), ["ad_id", "location"], dev=d)
    # Skyhook-style XML: upper-case MACs without separators, GSM tower
    d = new_device("CZ")
    aps = "".join("<access-point><mac>%s</mac><ssid>%s</ssid><signal-strength>%d</signal-strength></access-point>" % (
        mac_nosep(ap[0], True), ap[1], ap[2]) for ap in d.aps[:3])
    xml = ("<?xml version='1.0'?><LocationRQ xmlns='http://skyhookwireless.example.com/wps/2005' version='2.26' "
           "street-address-lookup='none'><authentication version='2.2'><key key='%s' username='%s'/></authentication>"
           "%s<gsm-tower><mcc>%s</mcc><mnc>%s</mnc><lac>%d</lac><ci>%d</ci><rssi>-71</rssi></gsm-tower></LocationRQ>") % (
        hexs(32), hexs(12), aps, d.cell["mcc"], d.cell["mnc"], d.cell["lac"], d.cell["gsm_cid"])
    add("identifier", "Skyhook-style WPS LocationRQ XML (access-point MACs upper-case without separators, gsm-tower ci)",
        "POST", "https://api.skyhook.example.com/wps2/location", [("Content-Type", "text/xml")], xml,
        ["cell_id", "wifi_bssid"], dev=d)
    # weather widget with device coordinates (held-out phone)
    d = PHONE
    add("identifier", "Weather widget current-conditions request with the device's own coordinates",
        "GET", "https://api.weather.example.com/v3/current?lat=%.5f&lon=%.5f&units=metric&lang=pt" % (d.lat, d.lon),
        [("User-Agent", UA_OKHTTP)], "", ["location"], dev=d)
    # 5G NR cell in a network-location request, cells as JSON strings
    d = new_device("DE")
    o = {"radio": "nr", "cells": [{"mcc": d.cell["mcc"], "mnc": d.cell["mnc"], "tac": str(d.cell["tac"]),
                                   "nci": str(d.cell["nci"]), "pci": d.cell["pci"], "nrarfcn": 636768, "ssRsrp": -91}],
         "wifi": [], "fallback": "none"}
    add("identifier", "Network-location request with a 5G NR serving cell (nci as a string) and an empty Wi-Fi list",
        "POST", "https://locate.example.com/v2/process", [("Content-Type", "application/json")], jdump(o),
        ["cell_id"], dev=d)


@family
def fam_push_messaging():
    # JPush-style registration form
    d = new_device("CN", plmn="46001")
    body = form([("appkey", hexs(24)), ("platform", "a"), ("imei", d.imei[0]), ("imsi", d.imsi), ("mac", d.mac),
                 ("android_id", d.android_id), ("device_model", d.model), ("sdk_ver", "5.4.0"),
                 ("channel", "developer-default"), ("push_ver", "5.4.0")])
    add("identifier", "JPush-style device registration form (imei, imsi, mac, android_id)",
        "POST", "https://register.jpush.example.cn/v3/register", [("Content-Type", "application/x-www-form-urlencoded")],
        body, ["android_id", "imei", "imsi", "mac"], dev=d)
    # MiPush-style registration from the held-out phone: hashed IMEI and MAC, plain android_id
    d = PHONE
    body = form([("appid", digits(16)), ("token", b64url(rand_bytes(12))), ("devid", "an_" + hexs(40)),
                 ("imei_md5", md5(d.imei[0])), ("mac_md5", md5(d.mac)), ("android_id", d.android_id),
                 ("model", d.model), ("os", "14-A556BXXS2AXK1"), ("sdkversion", "50012"), ("package_name", "com.example.news")])
    add("identifier", "MiPush-style registration (android_id plain; imei_md5 and mac_md5 only findable with the profile)",
        "POST", "https://register.xmpush.example.com/pass/v2/register", [("Content-Type", "application/x-www-form-urlencoded")],
        body, ["android_id"], ["imei", "mac"], dev=d)
    # OneSignal-style player create: ad_id, lat/long
    d = new_device("DE")
    o = {"app_id": gen_uuid(), "device_type": 1, "identifier": b64url(rand_bytes(100)), "language": "de",
         "timezone": 7200, "timezone_id": "Europe/Berlin", "game_version": "1120", "device_os": "14",
         "device_model": d.model, "sdk": "050118", "ad_id": d.ad_id, "lat": d.lat, "long": d.lon, "loc_acc": 16.0,
         "loc_type": 1, "net_type": 0, "carrier": "Telekom.de", "rooted": False}
    add("identifier", "OneSignal-style players create (ad_id, device lat/long)",
        "POST", "https://api.onesignal.example.com/players", [("Content-Type", "application/json; charset=UTF-8")],
        jdump(o), ["ad_id", "location"], dev=d)
    # messaging sign-up, WhatsApp-style code request: country code and national number in separate keys
    d = PHONE
    nat = phonenumbers.parse(d.phone, None).national_number
    qs = form([("cc", "351"), ("in", str(nat)), ("method", "sms"), ("mcc", d.plmn[:3]), ("mnc", d.plmn[3:]),
               ("sim_mcc", d.plmn[:3]), ("sim_mnc", d.plmn[3:]), ("lg", "pt"), ("lc", "PT"),
               ("id", b64url(rand_bytes(20))), ("token", b64url(rand_bytes(20))), ("network_radio_type", "1")])
    add("identifier", "WhatsApp-style registration code request: cc and national number in separate query keys",
        "GET", "https://v.whatsapp.example.com/v2/code?" + qs, [("User-Agent", "WhatsApp/2.24.10.74 A")], "",
        [], ["phone"], dev=d)
    # Signal-style verification session
    d = new_device("PL")
    o = {"number": d.phone, "pushToken": b64url(rand_bytes(120)), "pushTokenType": "fcm", "mcc": d.plmn[:3], "mnc": d.plmn[3:]}
    add("identifier", "Signal-style verification session create (E.164 number)",
        "PUT", "https://chat.signal.example.org/v1/verification/session",
        [("Content-Type", "application/json"), ("X-Signal-Agent", "OWA")], jdump(o), ["phone"], dev=d)
    # Viber-style XML registration with national-format phone and country
    d = new_device("IE")
    xml = ("<?xml version=\"1.0\" encoding=\"utf-8\"?><ActivateUserRequest><PhoneNumber>%s</PhoneNumber>"
           "<CountryCode>IE</CountryCode><Email>%s</Email><DeviceType>Android</DeviceType>"
           "<SystemVersion>14</SystemVersion><ViberVersion>22.6.0.0</ViberVersion></ActivateUserRequest>") % (
        national(d.phone), d.email)
    add("identifier", "Viber-style XML activation (national-format PhoneNumber with CountryCode, Email)",
        "POST", "https://reg.viber.example.com/viber/viber.php?function=ActivateUser", [("Content-Type", "text/xml")], xml,
        ["email", "phone"], dev=d)
    # Chinese super-app sign-up: mobile with spaces, IMEI and OAID, JSON in a form field
    d = new_device("CN", plmn="46000")
    inner = {"mobile": intl(d.phone), "smsCode": digits(6), "imei": d.imei[0], "oaid": d.oaid, "deviceName": d.model}
    add("identifier", "Chinese app SMS sign-up: JSON string in a form field (mobile in international format, imei, oaid)",
        "POST", "https://passport.app.example.cn/api/sms/login",
        [("Content-Type", "application/x-www-form-urlencoded")], form([("params", jdump(inner)), ("sign", hexs(32))]),
        ["ad_id", "imei", "phone"], dev=d)
    # OIDC-style: id_token JWT carried by the app (phone_number, email)
    d = new_device("IE")
    tok = jwt({"iss": "https://id.operator.example.com", "sub": hexs(20), "aud": "carrier-app", "exp": 1760000000,
               "iat": 1759996400, "email": d.email, "email_verified": True, "phone_number": d.phone, "phone_number_verified": True})
    add("identifier", "Operator app API call with an OIDC id_token JWT in the Authorization header (email, phone_number claims)",
        "GET", "https://api.operator.example.com/v1/subscriptions", [("Authorization", "Bearer " + tok), ("Accept", "application/json")],
        "", ["email", "phone"], dev=d)
    # JWT device attestation header from the held-out phone
    d = PHONE
    tok = jwt({"aid": d.android_id, "gaid": d.ad_id, "pkg": "pt.example.bank", "nonce": b64url(rand_bytes(16)), "iat": 1747688833}, alg="ES256")
    add("identifier", "Banking app request with a device JWT in X-Device-Token (gaid claim; aid is the android id)",
        "POST", "https://api.bank.example.com/pt/v2/session/refresh",
        [("X-Device-Token", tok), ("Content-Type", "application/json")], jdump({"refresh": b64url(rand_bytes(32))}),
        ["ad_id"], ["android_id"], dev=d)


def crc_x25(data: bytes) -> int:
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc ^ 0xFFFF


def nmea(v: float, is_lat: bool) -> str:
    a = abs(v)
    deg = int(a)
    mins = (a - deg) * 60
    s = ("%02d" if is_lat else "%03d") % deg + "%07.4f" % mins
    return s + ("N" if v >= 0 else "S") if is_lat else s + ("E" if v >= 0 else "W")


def coap_opt(delta: int, value: bytes) -> bytes:
    def nib(n):
        if n < 13:
            return n, b""
        if n < 269:
            return 13, bytes([n - 13])
        return 14, struct.pack(">H", n - 269)
    dn, dext = nib(delta)
    ln, lext = nib(len(value))
    return bytes([(dn << 4) | ln]) + dext + lext + value


def coap_register(ep: str) -> bytes:
    head = bytes([0x44, 0x02]) + struct.pack(">H", R.randrange(65536)) + rand_bytes(4)
    opts = coap_opt(11, b"rd") + coap_opt(1, bytes([40])) + coap_opt(3, ep.encode()) + \
        coap_opt(0, b"lt=86400") + coap_opt(0, b"lwm2m=1.1") + coap_opt(0, b"b=U")
    return head + opts + b"\xff" + b"</1/0>,</3/0>,</4/0>,</5>,</6/0>,</3303/0>"


def mqtt_str(s: str | bytes) -> bytes:
    if isinstance(s, str):
        s = s.encode()
    return struct.pack(">H", len(s)) + s


def mqtt_packet(ptype: int, body: bytes) -> bytes:
    return bytes([ptype]) + pb_varint(len(body)) + body


@family
def fam_iot():
    # GT06 login over TCP: IMEI as BCD with a leading zero nibble
    d = new_device("CN", plmn="46000")
    payload = bytes([0x0D, 0x01]) + bytes.fromhex("0" + d.imei[0]) + struct.pack(">H", 1)
    pkt = b"\x78\x78" + payload + struct.pack(">H", crc_x25(payload)) + b"\x0d\x0a"
    add("identifier", "GT06 GPS-tracker login packet over TCP (terminal ID = IMEI in BCD, CRC-ITU)",
        "TCP", "tcp://gps.tracker.example.cn:8841/", [], pkt, ["imei"], dev=d)
    # Teltonika codec 8 handshake: 2-byte length + ASCII IMEI
    d = new_device("PL")
    add("identifier", "Teltonika FMB tracker TCP handshake (0x000F length + ASCII IMEI)",
        "TCP", "tcp://fleet.tracker.example.com:5027/", [], struct.pack(">H", 15) + d.imei[0].encode(), ["imei"], dev=d)
    # Queclink +RESP:GTFRI text report
    d = new_device("ES")
    c = d.cell
    msg = "+RESP:GTFRI,C30203,%s,GV300,,10,1,1,0.0,0,652.3,%.6f,%.6f,20250607101010,%04d,%04d,%04X,%04X,00,,0000,,,,,,,,,,,100,20250607101012,%04X$" % (
        d.imei[0], d.lon, d.lat, int(c["mcc"]), int(c["mnc"]), c["lac"], c["gsm_cid"], R.randrange(65536))
    add("identifier", "Queclink GV300 +RESP:GTFRI text report over TCP (IMEI, lon/lat, MCC/MNC/LAC/cell id in hex)",
        "TCP", "tcp://fleet.tracker.example.com:6001/", [], msg, ["cell_id", "imei", "location"], dev=d)
    # kids smartwatch: IW-protocol style login + location with NMEA coordinates, cell and Wi-Fi
    d = new_device("CZ")
    c = d.cell
    wifi = "&".join("%s|%s|%d" % (ap[1], mac_dash(ap[0]).lower(), ap[2]) for ap in d.aps[:3])
    msg = "IWAP00%s#IWAP01250519A%s%s000.0211355000.0006000908000102,%s,%s,%d,%d,%s#" % (
        d.imei[0], nmea(d.lat, True), nmea(d.lon, False), c["mcc"], c["mnc"], c["lac"], c["gsm_cid"], wifi)
    add("identifier", "Kids-smartwatch IW-style text protocol over TCP (login IMEI; GPS as NMEA ddmm.mmmm; MCC,MNC,LAC,CID; ssid|bssid|rssi list)",
        "TCP", "tcp://watch.example.cn:8001/", [], msg, ["cell_id", "imei", "location", "wifi_bssid"], dev=d)
    # LwM2M register over CoAP/UDP, endpoint urn:imei
    d = new_device("DE")
    add("identifier", "OMA LwM2M 1.1 Register over CoAP/UDP (endpoint name urn:imei:…)",
        "UDP", "udp://lwm2m.iot.example.com:5683/", [], coap_register("ep=urn:imei:" + d.imei[0]), ["imei"], dev=d)
    d = new_device("IT")
    add("identifier", "OMA LwM2M Register over CoAP/UDP with an urn:imei-imsi: endpoint name",
        "UDP", "udp://lwm2m.iot.example.com:5683/", [], coap_register("ep=urn:imei-imsi:%s-%s" % (d.imei[0], d.imsi)),
        ["imei", "imsi"], dev=d)
    # MQTT CONNECT (client id = IMEI) + PUBLISH telemetry JSON
    d = new_device("NO")
    connect = mqtt_packet(0x10, mqtt_str("MQTT") + bytes([4, 0xC2]) + struct.pack(">H", 60) +
                          mqtt_str(d.imei[0]) + mqtt_str("tracker") + mqtt_str(b64url(rand_bytes(12))))
    tele = jdump({"iccid": d.iccid, "imsi": d.imsi, "rsrp": d.cell["rsrp"], "cellId": d.cell["eci"], "tac": d.cell["tac"],
                  "bat": 3.61, "fw": "BG95M3LAR02A04"})
    publish = mqtt_packet(0x30, mqtt_str("devices/%s/telemetry" % d.imei[0]) + tele.encode())
    add("identifier", "MQTT 3.1.1 CONNECT (client id = IMEI) followed by PUBLISH of telemetry JSON (iccid, imsi, cellId) over TCP",
        "TCP", "tcp://mqtt.iot.example.com:1883/", [], connect + publish, ["cell_id", "iccid", "imei", "imsi"], dev=d)
    # NB-IoT module report over UDP, AT-style key:value text
    d = new_device("PT")
    msg = "IMEI:%s,ICCID:%s,CSQ:23,CELLID:%d,EARFCN:%d,PCI:%d,VBAT:3598,T:21.5\r\n" % (
        d.imei[0], d.iccid, d.cell["eci"], d.cell["earfcn"], d.cell["pci"])
    add("identifier", "NB-IoT meter module status datagram (AT-style IMEI/ICCID/CELLID text) over UDP",
        "UDP", "udp://nbiot.meter.example.com:9020/", [], msg, ["cell_id", "iccid", "imei"], dev=d)
    # companion-app TLV over TCP from the held-out phone: IMEI as ASCII, phone MAC as 6 raw bytes
    d = PHONE
    tlv = b"\xa5\x5a\x01" + bytes([1, 15]) + d.imei[0].encode() + bytes([2, 6]) + bytes.fromhex(mac_nosep(d.mac)) + \
        bytes([3, 7]) + b"2.4.118" + bytes([4, 4]) + struct.pack(">I", R.randrange(2 ** 32))
    add("identifier", "Wearable companion-app binary TLV hello over TCP (IMEI ASCII; phone Wi-Fi MAC as 6 raw bytes)",
        "TCP", "tcp://sync.wearable.example.com:9000/", [], tlv, ["imei"], ["mac"], dev=d)
    # wearable cloud sync from the phone app: band's MAC as deviceId, user e-mail
    d = new_device("PL")
    band_mac = d.bt_mac.upper()
    o = {"deviceId": band_mac, "deviceType": "band8", "firmware": "2.3.1.5", "userId": digits(10), "email": d.email,
         "steps": R.randrange(2000, 15000), "hr": [72, 75, 71]}
    add("identifier", "Fitness band cloud sync from the phone app (deviceId = the band's Bluetooth MAC, account e-mail)",
        "POST", "https://api.wearable.example.com/v1/sync", [("Content-Type", "application/json")], jdump(o),
        ["email", "mac"], dev=d)


@family
def fam_tv_cast():
    tv = new_device("DE")
    o = {"duid": "uuid:" + gen_uuid(), "modelName": "QE55Q80CAT", "serialNumber": tv.serial, "wifiMac": tv.mac,
         "ethMac": tv.bt_mac.upper(), "firmwareVersion": "T-PTMDEUC-1402.5", "countryCode": "DE", "acr": True}
    add("identifier", "Smart-TV cloud registration from the TV (serialNumber, wifiMac, ethMac)",
        "POST", "https://tv.oem.example.com/api/device/register", [("Content-Type", "application/json")], jdump(o),
        ["mac", "serial"], dev=tv)
    # Cast-device setup from a phone app: the speaker's MAC and its associated AP's BSSID
    sp = new_device("FR")
    o = {"setup": {"device_name": "Salon", "mac_address": sp.mac, "ssid": sp.aps[0][1], "bssid": sp.aps[0][0],
                   "cast_build_revision": "1.56.375150", "locale": "fr-FR", "opencast_pin_code": digits(4)}}
    add("identifier", "Cast speaker setup report from the phone app (device mac_address, associated network bssid)",
        "POST", "https://clients.cast.example.com/setup/report", [("Content-Type", "application/json")], jdump(o),
        ["mac", "wifi_bssid"], dev=sp)
    # UPnP device description uploaded to a media-server cloud
    tv = new_device("IT")
    xml = """<?xml version="1.0"?>
<root xmlns="urn:schemas-upnp-org:device-1-0" xmlns:dlna="urn:schemas-dlna-org:device-1-0">
  <specVersion><major>1</major><minor>0</minor></specVersion>
  <device>
    <deviceType>urn:schemas-upnp-org:device:MediaRenderer:1</deviceType>
    <friendlyName>[TV] Soggiorno</friendlyName>
    <manufacturer>LG Electronics</manufacturer>
    <modelName>OLED55C3</modelName>
    <modelNumber>55OLEDC34LA</modelNumber>
    <serialNumber>%s</serialNumber>
    <UDN>uuid:%s</UDN>
    <dlna:X_DLNADOC>DMR-1.50</dlna:X_DLNADOC>
    <macAddress>%s</macAddress>
  </device>
</root>
""" % (tv.serial, gen_uuid(), mac_dash(tv.mac))
    add("identifier", "UPnP MediaRenderer device description (serialNumber, macAddress) uploaded to a media-server cloud",
        "POST", "https://media.cloud.example.com/dlna/renderers", [("Content-Type", "text/xml; charset=\"utf-8\"")], xml,
        ["mac", "serial"], dev=tv)
    # held-out phone as Miracast/cast sender: its own MAC in a DIAL-like launch body and a header
    d = PHONE
    add("identifier", "Screen-mirroring sender registration with the phone's own Wi-Fi MAC (Cisco dotted form) in body and header",
        "POST", "https://mirror.tv.example.com/sender/register",
        [("Content-Type", "application/x-www-form-urlencoded"), ("X-Sender-Mac", mac_cisco(d.mac))],
        form([("name", "Galaxy A55"), ("mac", mac_cisco(d.mac)), ("caps", "h264,aac"), ("v", "2")]),
        ["mac"], dev=d)


@family
def fam_misc_encodings():
    # CDMA activation with MEID in hex and 18-digit decimal form
    d = new_device("CN", plmn="46011")
    assert s_meid.is_valid(s_meid.format(d.meid, format="dec", separator=""))
    o = {"device": {"meidHex": d.meid, "meidDec": s_meid.format(d.meid, format="dec", separator=""),
                    "pesn": s_meid.to_pseudo_esn(d.meid), "prlVersion": "10543"},
         "subscription": {"imsi": d.imsi}, "requestType": "OTASP"}
    add("identifier", "CDMA over-the-air activation request (MEID as 14 hex and 18-digit decimal, pESN, IMSI)",
        "POST", "https://otasp.carrier.example.cn/activation", [("Content-Type", "application/json")], jdump(o),
        ["imsi", "meid"], dev=d)
    # Chinese OEM cloud-account login from a China Telecom handset: lower-case MEID next to IMEI
    d = new_device("CN", plmn="46011")
    o = {"account": "", "deviceInfo": {"imei": d.imei[0], "meid": d.meid.lower(), "model": d.model,
                                       "romVersion": "ColorOS 14.0", "region": "CN"}, "loginType": "sms_auto"}
    add("identifier", "Chinese OEM cloud-account auto-login (deviceInfo.imei and lower-case meid)",
        "POST", "https://cloud.oem.example.cn/account/v2/autologin", [("Content-Type", "application/json")], jdump(o),
        ["imei", "meid"], dev=d)
    # dumpsys iphonesubinfo-style text with the MEID including its check digit, sent by a diagnostics app
    d = new_device("CN", plmn="46011")
    txt = "Phone Subscriber Info:\n  Phone Type = CDMA\n  Device ID (MEID) = %s%s\n  Device SV = 01\n  SIM slot 0: %s\n" % (
        d.meid, s_meid.calc_check_digit(d.meid), "present")
    assert s_meid.is_valid(d.meid + s_meid.calc_check_digit(d.meid))
    add("identifier", "Diagnostics app upload of dumpsys iphonesubinfo-style text (MEID with its check digit)",
        "POST", "https://diag.devtools.example.cn/upload", [("Content-Type", "text/plain")], txt, ["meid"], dev=d)
    # click tracker with a double URL-encoded destination carrying android_id and gaid
    d = new_device("ES")
    dest = "https://track.adnet.example.com/c?" + form([("android_id", d.android_id), ("gaid", d.ad_id), ("cmp", "spring25")])
    url = "https://go.redirect.example.com/click?u=" + q(q(dest)) + "&r=" + digits(9)
    add("identifier", "Ad click redirect whose u= parameter is a double URL-encoded tracking URL (android_id, gaid)",
        "GET", url, [("User-Agent", UA_OKHTTP)], "", ["ad_id", "android_id"], dev=d)
    # Crashpad-style multipart minidump upload with device annotations
    d = new_device("IT")
    bnd = boundary()
    parts = [("prod", None, None, "ExampleBrowser_Android"), ("ver", None, None, "126.0.6478.71"),
             ("guid", None, None, hexs(32)), ("device_serial", None, None, d.serial),
             ("android_id", None, None, d.android_id), ("ptype", None, None, "renderer")]
    text = multipart(parts, bnd)
    text = text[: -len("--" + bnd + "--\r\n")]
    dump = b"MDMP\x93\xa7\x00\x00" + rand_bytes(180)
    body = text.encode() + ("--%s\r\nContent-Disposition: form-data; name=\"upload_file_minidump\"; filename=\"dump\"\r\n"
                            "Content-Type: application/octet-stream\r\n\r\n" % bnd).encode() + dump + ("\r\n--%s--\r\n" % bnd).encode()
    add("identifier", "Crashpad-style multipart minidump upload (device_serial and android_id annotations, binary minidump part)",
        "POST", "https://crash.browser.example.com/cr/report", [("Content-Type", "multipart/form-data; boundary=" + bnd)],
        body, ["android_id", "serial"], dev=d)
    # GA4-app-style protobuf batch (held-out phone): the ad id as an unlabelled protobuf string
    d = PHONE
    ev = pb_bytes(2, pb_bytes(1, "_e") + pb_int(2, 1) + pb_int(3, epoch_ms())) + \
        pb_bytes(2, pb_bytes(1, "screen_view") + pb_int(3, epoch_ms()))
    bundle = pb_int(1, 1) + ev + pb_bytes(8, "android") + pb_bytes(9, "14") + pb_bytes(10, d.model) + \
        pb_bytes(11, "pt-pt") + pb_bytes(14, "pt.example.news") + pb_bytes(19, d.ad_id) + pb_int(20, 0) + \
        pb_bytes(27, hexs(32)) + pb_bytes(30, "1:%s:android:%s" % (digits(12), hexs(22)))
    add("identifier", "GA4 app-measurement-style protobuf upload (the advertising id as an unlabelled string field)",
        "POST", "https://app-measurement.example.com/a", [("Content-Type", "application/x-www-form-urlencoded")],
        pb_bytes(1, bundle), [], ["ad_id"], dev=d)
    # newsletter sign-up with a double-encoded e-mail (held-out phone)
    d = PHONE
    add("identifier", "Newsletter opt-in from an app WebView: e-mail double URL-encoded in the query",
        "GET", "https://news.letter.example.com/subscribe?list=pt-daily&email=" + q(q(d.email)) + "&src=app",
        [("User-Agent", "Mozilla/5.0 (Linux; Android 14; SM-A556B; wv)")], "", ["email"], dev=d)
    # carrier self-care app: IMEI in a key=value header (held-out phone)
    d = PHONE
    add("identifier", "Carrier self-care app request with an X-Device-Info key=value header (imei=…)",
        "GET", "https://selfcare.operator.example.com/api/v2/balance",
        [("X-Device-Info", "imei=%s;model=%s;os=android-14;app=5.3.1" % (d.imei[0], d.model)),
         ("Accept", "application/json")], "", ["imei"], dev=d)
    # gzip'd NDJSON log batch with user e-mail and the associated AP
    d = new_device("GB")
    lines = [jdump({"message": "checkout completed", "status": "info", "date": epoch_ms(), "usr": {"email": d.email},
                    "service": "shop-android"}),
             jdump({"message": "network changed", "status": "debug", "date": epoch_ms(),
                    "network": {"type": "wifi", "ssid": d.aps[0][1], "bssid": d.aps[0][0]}, "service": "shop-android"})]
    add("identifier", "Mobile logging SDK batch: gzip'd NDJSON (usr.email; network.bssid of the associated AP)",
        "POST", "https://logs.browser-intake.example.com/api/v2/logs",
        [("Content-Type", "application/x-ndjson"), ("Content-Encoding", "gzip")], gz("\n".join(lines) + "\n"),
        ["email", "wifi_bssid"], dev=d)
    # base64url(zlib(JSON)) in a request header
    d = new_device("NO")
    blob = b64url(zl(jdump({"imei": d.imei[0], "imsi": d.imsi, "sdk": 34, "ts": epoch_ms()})))
    add("identifier", "App API call with an X-Client-Data header = base64url of zlib'd JSON (imei, imsi)",
        "GET", "https://api.streaming.example.com/v1/catalog?page=2", [("X-Client-Data", blob), ("Accept", "application/json")],
        "", ["imei", "imsi"], dev=d)


# ============================================================================================
# benign look-alikes
# ============================================================================================

LOOKALIKES: list[str] = []


def look(v: str) -> str:
    """Register a deliberate look-alike so the benign guard accepts it."""
    LOOKALIKES.append(v)
    return v


def luhn_complete(body: str) -> str:
    return body + luhn.calc_check_digit(body)


def safe_digits(n: int, lead: str = "") -> str:
    """A random digit string that is not identifier-shaped (no Luhn-valid 15-digit, no IMSI, no 89… Luhn)."""
    while True:
        v = lead + digits(n - len(lead))
        if v[0] == "0":
            continue
        if n == 15 and (luhn.is_valid(v) or s_imsi.is_valid(v)):
            continue
        if n in (19, 20) and v.startswith("89"):
            continue
        if n in (14, 18):
            continue
        return v


def benign(source, method, url, headers=(), body="", client_ip=None):
    return add("benign", source, method, url, headers, body, client_ip=client_ip)


@family
def fam_benign_numbers():
    # Luhn-valid numbers that are not device identifiers
    amex = look("378282246310005")
    benign("Payment SDK sandbox tokenisation call with a published test card number (15-digit, Luhn-valid Amex test PAN)",
           "POST", "https://sandbox.payments.example.com/v1/tokens", [("Content-Type", "application/json")],
           jdump({"card": {"pan": amex, "exp_month": 12, "exp_year": 2030, "cvc": "1234"}, "currency": "EUR"}))
    visa = look("4111111111111111")
    benign("Payment form post with the standard Visa test card (16-digit Luhn)", "POST",
           "https://checkout.shop.example.com/pay", [("Content-Type", "application/x-www-form-urlencoded")],
           form([("card_number", visa), ("exp", "12/29"), ("amount", "19.99"), ("currency", "EUR")]), client_ip=HELDOUT_IP)
    gift = look(luhn_complete("603571" + "4" + safe_digits(11)))
    benign("Gift-card balance check (19-digit Luhn-valid gift card number, not starting with 89)", "GET",
           "https://giftcards.retail.example.com/balance?card=%s&pin=%s" % (gift, digits(4)), [("Accept", "application/json")])
    diners = look("30569309025904")
    benign("Payment test with a Diners Club test number (14 digits: also MEID-shaped)", "POST",
           "https://sandbox.payments.example.com/v1/charges", [("Content-Type", "application/json")],
           jdump({"source": {"number": diners, "exp": "11/28"}, "amount": 1500, "description": "test charge"}))
    nif = look(luhn_complete(safe_digits(8)))
    benign("Loyalty programme enrolment with a 9-digit Luhn-checked member number", "POST",
           "https://loyalty.retail.example.com/api/members", [("Content-Type", "application/json")],
           jdump({"memberNumber": nif, "tier": "silver", "optInMarketing": False}), client_ip=HELDOUT_IP)
    # long numeric ids and timestamps
    snow = look(str(R.randrange(1_700_000_000_000_000_000, 1_800_000_000_000_000_000)))
    benign("Social feed pagination with 19-digit snowflake ids and millisecond timestamps", "GET",
           "https://api.social.example.com/2/timeline?since_id=%s&max_results=50&t=%d" % (snow, epoch_ms()),
           [("Authorization", "Bearer " + b64url(rand_bytes(40)))])
    ns = look(str(R.randrange(1_740_000_000_000_000_000, 1_760_000_000_000_000_000)))
    benign("OpenTelemetry-style span export JSON (nanosecond timestamps, 16/32-hex span and trace ids)", "POST",
           "https://otel.collector.example.com/v1/traces", [("Content-Type", "application/json")],
           jdump({"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "checkout-android"}}]},
                                     "scopeSpans": [{"spans": [{"traceId": hexs(32), "spanId": look(hexs(16)), "name": "GET /cart",
                                                                "startTimeUnixNano": ns, "endTimeUnixNano": str(int(ns) + 48211000),
                                                                "kind": 3}]}]}]}))
    order = safe_digits(15, "7")
    benign("Shop order confirmation with a 15-digit order number (not Luhn-valid, no real MCC) and an EAN-13", "POST",
           "https://shop.example.com/api/orders/confirm", [("Content-Type", "application/json")],
           jdump({"orderNumber": order, "items": [{"ean": "5601234567890", "qty": 2}], "total": "34.80"}))
    gtin = look("1" + "5601234" + digits(5) + "7")
    benign("Warehouse scan upload with a GTIN-14 (14 digits, MEID-shaped) and a batch number", "POST",
           "https://wms.logistics.example.com/scan", [("Content-Type", "application/json")],
           jdump({"gtin": gtin, "batch": "L" + digits(6), "scannedAt": iso_ts(), "qty": 24}))
    iban = look("PT50000201231234567890154")
    benign("Banking app transfer preview with an IBAN (PT50 …, digits only after the country code)", "POST",
           "https://api.bank.example.com/pt/v2/transfers/preview", [("Content-Type", "application/json")],
           jdump({"creditorIban": iban, "amount": "250.00", "currency": "EUR", "reference": "Renda Maio"}), client_ip=HELDOUT_IP)
    trk = look("1Z" + "".join(R.choice(string.ascii_uppercase + string.digits) for _ in range(16)))
    benign("Parcel tracking lookup (carrier tracking number, 12-digit postal number)", "GET",
           "https://track.parcel.example.com/api/track?numbers=%s,%s" % (trk, safe_digits(12)), [("Accept", "application/json")])
    benign("Analytics ping with only counters and epoch seconds/millis", "GET",
           "https://stats.example.com/ping?t=%d&s=%d&c=%d&v=%d" % (epoch_ms(), epoch_ms() // 1000, R.randrange(1, 99), R.randrange(1000, 99999)),
           [("User-Agent", UA_OKHTTP)])
    imsi_like = look(safe_digits(15, "9"))
    benign("Courier proof-of-delivery with a 15-digit consignment number starting 9 (not a real MCC)", "POST",
           "https://pod.courier.example.com/v1/delivered", [("Content-Type", "application/x-www-form-urlencoded")],
           form([("consignment", imsi_like), ("signedBy", "reception"), ("ts", str(epoch_ms()))]))


@family
def fam_benign_ids():
    # request-id UUIDs and trace headers
    benign("REST call with X-Request-Id UUID, Idempotency-Key UUID and a W3C traceparent", "POST",
           "https://api.tasks.example.com/v1/tasks", [("Content-Type", "application/json"), ("X-Request-Id", gen_uuid()),
                                                      ("Idempotency-Key", gen_uuid()),
                                                      ("traceparent", "00-%s-%s-01" % (hexs(32), hexs(16)))],
           jdump({"title": "buy milk", "due": "2025-06-01", "listId": gen_uuid()}), client_ip=HELDOUT_IP)
    benign("GraphQL query with operation UUIDs and a session id", "POST", "https://graphql.app.example.com/graphql",
           [("Content-Type", "application/json"), ("x-correlation-id", gen_uuid())],
           jdump({"operationName": "Feed", "variables": {"sessionId": gen_uuid(), "cursor": b64(jdump({"o": 40}))},
                  "extensions": {"persistedQuery": {"version": 1, "sha256Hash": hexs(64)}}}))
    benign("Zipkin B3 propagation headers (16-hex span ids, 32-hex trace id) on a catalogue request", "GET",
           "https://api.catalog.example.com/v3/items?category=shoes&page=3",
           [("X-B3-TraceId", hexs(32)), ("X-B3-SpanId", look(hexs(16))), ("X-B3-ParentSpanId", look(hexs(16))),
            ("X-B3-Sampled", "1")])
    benign("Analytics event with limited ad tracking: zero advertising id, 'unknown' serial and placeholder MAC", "POST",
           "https://events.analytics.example.com/v2/batch", [("Content-Type", "application/json")],
           jdump({"events": [{"name": "app_open", "ts": epoch_ms(), "session_id": gen_uuid()}],
                  "device": {"advertising_id": look("00000000-0000-0000-0000-000000000000"), "limit_ad_tracking": True,
                             "serial": "unknown", "wifi_mac": look("02:00:00:00:00:00"), "android_id": "",
                             "model": "SM-A556B", "os": "14"}}), client_ip=HELDOUT_IP)
    zz = {"REGVER": "8.0", "MEID": look("00000000000000"), "MODEL": "TA-1062", "SWVER": "00CN_1_34E",
          "SIM1CDMAIMSI": "", "UETYPE": "1", "SIM1ICCID": look("00000000000000000000"),
          "SIM1LTEIMSI": look("111111111111111"), "SIM1TYPE": "1", "SIM2CDMAIMSI": "", "SIM2ICCID": "",
          "SIM2LTEIMSI": look("222222222222222"), "SIM2TYPE": "", "MACID": "02:00:00:00:00:00", "OSVER": "Android9",
          "ROM": "64G", "RAM": "4G", "IMEI1": look("000000000000000"), "IMEI2": "000000000000000", "SIM1CELLID": "",
          "SIM2CELLID": "", "DATASIM": "1", "REGDATE": "2025-01-01 00:00:00"}
    benign("Self-registration (zzhc v8.0) body in which every identifier is a placeholder (zeros, 111…/222… IMSI, 02:00:00:00:00:00)",
           "POST", "http://zzhc.example.cn/", [("Content-Type", "application/encrypted-json")], b64_wrapped(jdump(zz)))
    benign("Push token refresh (FCM-style registration token; no device identifiers)", "POST",
           "https://push.app.example.com/v1/tokens", [("Content-Type", "application/json")],
           jdump({"token": "%s:APA91b%s" % (b64url(rand_bytes(16)), b64url(rand_bytes(100))), "platform": "android", "topics": ["news", "sport"]}))
    benign("Firebase-installations-style create request (random 22-char FID, app id, API key)", "POST",
           "https://installations.platform.example.com/v1/projects/demo-app/installations",
           [("Content-Type", "application/json"), ("x-goog-api-key", "AIza" + b64url(rand_bytes(26))[:35])],
           jdump({"fid": "c" + b64url(rand_bytes(16))[:21], "appId": "1:%s:android:%s" % (safe_digits(12), hexs(22)),
                  "authVersion": "FIS_v2", "sdkVersion": "a:18.0.0"}))
    benign("Pixel/tracking GET with a 32-hex session cookie and a random visitor UUID", "GET",
           "https://px.analytics.example.com/p.gif?e=view&vid=%s&r=%s" % (gen_uuid(), hexs(8)),
           [("Cookie", "sid=%s; _pk_ses=1; theme=dark" % hexs(32))])


@family
def fam_benign_hex_versions():
    benign("App asset download manifest (SHA-256 checksums, MD5 ETags, git commit)", "POST",
           "https://cdn-manifest.example.com/v1/diff", [("Content-Type", "application/json"), ("If-None-Match", '"%s"' % hexs(32))],
           jdump({"base": hexs(40), "files": [{"path": "res/raw/intro.webm", "sha256": hexs(64), "size": 883211},
                                              {"path": "assets/fonts/Inter.ttf", "sha256": hexs(64), "size": 310244}]}))
    benign("Webhook-style callback with an HMAC-SHA256 signature header and a 'mac' field that is a message authentication code",
           "POST", "https://hooks.partner.example.com/cb", [("Content-Type", "application/json"), ("X-Signature", "sha256=" + hexs(64))],
           jdump({"event": "subscription.renewed", "id": "evt_" + b64url(rand_bytes(12)), "mac": hexs(64), "nonce": hexs(24)}))
    benign("API request with a 32-hex API key and a 16-hex client nonce", "GET",
           "https://api.weather.example.com/v3/forecast?city_id=2735943&appid=%s&nonce=%s" % (hexs(32), look(hexs(16))),
           [("Accept", "application/json")], client_ip=HELDOUT_IP)
    benign("Theme sync with colours (#rrggbb, #aarrggbb, rgb()) and a build fingerprint", "PUT",
           "https://settings.launcher.example.com/v1/theme", [("Content-Type", "application/json")],
           jdump({"accent": "#%s" % hexs(6), "background": "#FF%s" % hexs(6, True), "surface": "rgb(30, 31, 34)",
                  "iconPack": "pixel-round", "build": "google/husky/husky:14/AP2A.240805.005/12025142:user/release-keys"}))
    benign("Update check with version strings (semver, four-part, build numbers)", "GET",
           "https://update.app.example.com/check?current=5.12.3.1042&min_sdk=26&abi=arm64-v8a&channel=beta&build=20250519.1",
           [("User-Agent", UA_OKHTTP)])
    benign("Plugin sync listing package versions and an OpenPGP-style fingerprint in colon-separated hex", "POST",
           "https://plugins.editor.example.com/sync", [("Content-Type", "application/json")],
           jdump({"plugins": [{"id": "markdown", "version": "2.4.1"}, {"id": "git", "version": "1.18.0-rc.2"}],
                  "signing_key": ":".join(hexs(2, True) for _ in range(20)),
                  "cert_serial": ":".join(hexs(2) for _ in range(16))}))
    benign("Firmware manifest query with a 16-hex build id and an alphanumeric part number", "GET",
           "https://fw.router.example.com/manifest?build=%s&part=RTX%sZ&hw=rev.C" % (look(hexs(16)), hexs(8, True)),
           [("Accept", "application/json")])


PLACES = [("Torre dos Clerigos", 41.145700, -8.614600), ("Oceanario de Lisboa", 38.763500, -9.093800),
          ("Wawel Castle", 50.054100, 19.935300), ("Trinity College Dublin", 53.343800, -6.254600),
          ("Prague Castle", 50.090300, 14.400300), ("Mercado do Bolhao", 41.148900, -8.605700),
          ("Hotel Stary Krakow", 50.061700, 19.937200)]


def lon2tile(lon: float, z: int) -> int:
    return int((lon + 180.0) / 360.0 * (1 << z))


def lat2tile(lat: float, z: int) -> int:
    r = math.radians(lat)
    return int((1.0 - math.asinh(math.tan(r)) / math.pi) / 2.0 * (1 << z))


@family
def fam_benign_places_net():
    p = PLACES[1]
    benign("Navigation route request to a searched destination (destination coordinates of a venue, origin as a place id)",
           "POST", "https://routes.maps.example.com/v2/computeRoutes", [("Content-Type", "application/json")],
           jdump({"origin": {"placeId": "ChIJ" + b64url(rand_bytes(18))}, "destination": {"location": {"latLng": {"latitude": p[1], "longitude": p[2]}}, "label": p[0]},
                  "travelMode": "TRANSIT", "languageCode": "pt-PT"}), client_ip=HELDOUT_IP)
    # a store about 0.9 km from the held-out phone: inside its 2 km profile radius, but a place, not the device
    slat, slon = round(PHONE.lat + 0.0061, 6), round(PHONE.lon - 0.0069, 6)
    dist = math.hypot((slat - PHONE.lat) * 111320, (slon - PHONE.lon) * 111320 * math.cos(math.radians(PHONE.lat)))
    assert 600 < dist < 1200, dist
    benign("Saving a favourite store (the store's coordinates, about 0.9 km from the held-out phone's position)",
           "POST", "https://api.grocer.example.com/v1/favourites", [("Content-Type", "application/json")],
           jdump({"store": {"id": "PT-" + digits(4), "name": "Mercearia Boavista", "lat": slat, "lng": slon,
                            "phone": look("+351 22 332 6024")}}),
           client_ip=HELDOUT_IP)
    z = 15
    p = PLACES[2]
    benign("Map vector-tile fetch (z/x/y path) for the area around a landmark", "GET",
           "https://tiles.maps.example.com/v4/streets/%d/%d/%d.mvt?access_token=pk.%s" % (z, lon2tile(p[2], z), lat2tile(p[1], z), b64url(rand_bytes(30))),
           [("Accept", "application/x-protobuf")])
    benign("POI search within a bounding box of the visible map area", "GET",
           "https://search.maps.example.com/v1/search?q=farmacia&bbox=-9.2301,38.6912,-9.0905,38.7963&limit=20&lang=pt",
           [("Accept", "application/json")])
    p = PLACES[6]
    benign("Hotel booking details with the hotel's coordinates and a reception phone number", "POST",
           "https://booking.travel.example.com/api/reservations", [("Content-Type", "application/json")],
           jdump({"hotel": {"name": p[0], "geo": {"lat": p[1], "lon": p[2]}, "reception": look("+48 12 422 7500")},
                  "checkIn": "2025-07-03", "nights": 3, "guests": 2}))
    benign("Geofence sync listing venue polygons and area geohashes (server-defined zones, not the device)", "POST",
           "https://geo.retail.example.com/v1/geofences/sync", [("Content-Type", "application/json")],
           jdump({"areas": ["ez3f5", "ez3f7", "u2fk"], "fences": [{"id": "store-%s" % digits(3), "polygon": [[53.3441, -6.2559], [53.3447, -6.2531], [53.3431, -6.2528]]}],
                  "version": 41}))
    p = PLACES[4]
    benign("Real-estate listing view (property location as a place, not the viewer)", "GET",
           "https://homes.example.com/api/listings/%s?fields=geo,price&lat=%.6f&lon=%.6f" % (digits(8), p[1] + 0.0113, p[2] - 0.0071),
           [("Accept", "application/json")])
    benign("WebRTC ICE candidate exchange (IPv6 and IPv4 host candidates, mDNS .local names)", "POST",
           "https://signal.meet.example.com/rooms/%s/candidates" % b64url(rand_bytes(9)), [("Content-Type", "application/json")],
           jdump({"candidates": ["candidate:%d 1 udp 2122262783 2001:db8:5c1:7e00:%s:%s:%s:%s 45987 typ host generation 0" % (
               R.randrange(10 ** 9), hexs(4), hexs(4), hexs(4), hexs(4)),
               "candidate:%d 1 udp 2122194687 %s.local 51544 typ host generation 0" % (R.randrange(10 ** 9), gen_uuid()),
               "candidate:%d 1 udp 1686052607 203.0.113.%d 51544 typ srflx raddr 0.0.0.0 rport 0" % (R.randrange(10 ** 9), R.randrange(1, 254))]}))
    benign("Network diagnostics upload: IPv6 addresses, DNS servers, multicast group MACs and broadcast address", "POST",
           "https://netdiag.isp.example.com/v1/report", [("Content-Type", "application/json")],
           jdump({"ipv6": ["2001:db8:a0b:12f0::%s" % hexs(4), "fe80::1"], "dns": ["2001:db8::53", "192.0.2.53"],
                  "multicast": [look("01:00:5e:00:00:fb"), look("33:33:00:00:00:fb")], "broadcast": look("ff:ff:ff:ff:ff:ff"),
                  "gateway_mac": look("00:00:00:00:00:00"), "mtu": 1500, "rtt_ms": [12.4, 13.1, 11.9]}))
    benign("Happy-eyeballs connectivity telemetry with full IPv6 addresses", "POST",
           "https://telemetry.browser.example.com/net", [("Content-Type", "application/json")],
           jdump({"v6": "2001:db8:%s:%s:%s:%s:%s:%s" % tuple(hexs(4) for _ in range(6)), "v4": "198.51.100.%d" % R.randrange(2, 250),
                  "winner": "v6", "delta_ms": 37}), client_ip=HELDOUT_IP)


@family
def fam_benign_shapes():
    benign("Asset download list with density-qualified file names (name@2x.png)", "POST",
           "https://cdn.assets.example.com/batch", [("Content-Type", "application/json")],
           jdump({"files": [look("ic_launcher@2x.png"), look("logo@3x.webp"), "splash.json"], "density": "xxhdpi"}))
    benign("Dependency audit upload (scoped package specifiers like @scope/pkg@1.2.3)", "POST",
           "https://audit.registry.example.com/-/npm/v1/security/audits/quick", [("Content-Type", "application/json")],
           jdump({"requires": {look("@babel/core@7.24.5"): True, look("@react-native/metro-config@0.74.83"): True}, "name": "app", "version": "1.0.0"}))
    benign("CI webhook with a git SSH remote and a container image digest reference", "POST",
           "https://ci.example.com/hooks/build", [("Content-Type", "application/json")],
           jdump({"repo": look("git@git.example.com:mobile/app.git"), "image": "registry.example.com/app@sha256:" + hexs(64),
                  "ref": "refs/heads/main", "sha": hexs(40)}))
    benign("Mail client sync of message metadata (Message-ID and In-Reply-To values, not addresses)", "POST",
           "https://sync.mail.example.com/v1/flags", [("Content-Type", "application/json")],
           jdump({"changes": [{"messageId": look("<%s.%s@mx.example.net>" % (digits(10), hexs(12))), "flag": "\\Seen"},
                              {"inReplyTo": look("<CA+%s@mail.example.com>" % b64url(rand_bytes(18))), "flag": "\\Answered"}]}))
    benign("SIP OPTIONS keep-alive with anonymous identities (sip:anonymous@anonymous.invalid)", "UDP",
           "udp://sip.voip.example.com:5060/", [],
           "OPTIONS sip:sip.voip.example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK%s\r\n"
           "From: <%s>;tag=%s\r\nTo: <sip:sip.voip.example.com>\r\nCall-ID: %s\r\nCSeq: 1 OPTIONS\r\nMax-Forwards: 70\r\n"
           "Content-Length: 0\r\n\r\n" % (hexs(10), look("sip:anonymous@anonymous.invalid"), hexs(8), gen_uuid()))
    benign("Support page config fetch listing hotline, toll-free and emergency numbers", "GET",
           "https://help.operator.example.com/config?lang=pt&hotline=%s&free=%s&sos=112" % (q(look("+351 707 200 200")), q(look("+351 800 200 200"))),
           [("Accept", "application/json")], client_ip=HELDOUT_IP)
    benign("Taxi company contact card shared in chat (business fixed-line number and an ISBN-13 in the same message)", "POST",
           "https://chat.messenger.example.com/v1/messages", [("Content-Type", "application/json")],
           jdump({"conversation": gen_uuid(), "text": "Taxi: %s; livro ISBN 978-972-0-04567-3, encontro às 12:30" % look("+44 20 7946 0123"),
                  "clientMsgId": gen_uuid()}))
    benign("Time and duration fields in colon-separated form (hh:mm:ss:ff timecodes, durations)", "POST",
           "https://video.editor.example.com/api/clips", [("Content-Type", "application/json")],
           jdump({"in": "00:01:12:05", "out": "00:03:44:18", "duration": "00:02:32.520", "fps": 25, "clipId": gen_uuid()}))
    benign("Login with a username (no e-mail) and an Argon2-style password hash", "POST",
           "https://auth.forum.example.com/login", [("Content-Type", "application/x-www-form-urlencoded")],
           form([("username", "gato_preto_77"), ("password_hash", "$argon2id$v=19$m=65536,t=3,p=4$%s$%s" % (b64(rand_bytes(16)).rstrip("="), b64(rand_bytes(32)).rstrip("="))),
                 ("remember", "1")]))
    benign("OAuth client-credentials call with a JWT access token whose claims carry no personal data", "GET",
           "https://api.partner.example.com/v1/catalog",
           [("Authorization", "Bearer " + jwt({"iss": "https://auth.example.com", "sub": "client_" + hexs(12), "scope": "catalog.read",
                                               "exp": 1760000000, "jti": gen_uuid()}))])
    benign("Redirect link with a double URL-encoded destination that contains only campaign parameters", "GET",
           "https://go.redirect.example.com/click?u=" + q(q("https://shop.example.com/promo?utm_source=app&utm_campaign=summer25&sku=AB-1234")),
           [("User-Agent", UA_OKHTTP)])
    benign("Logcat excerpt without identifiers (pids, tids, addresses, hex dump, timestamps)", "POST",
           "https://logs.devtools.example.com/upload?session=%s" % hexs(16), [("Content-Type", "text/plain; charset=utf-8")],
           "\n".join(["%s  %d  %d D OpenGLRenderer: Davey! duration=%dms; Flags=0, FrameTimelineVsyncId=%d" % (
               logtime(), R.randrange(900, 30000), R.randrange(900, 30000), R.randrange(700, 1200), R.randrange(10 ** 6, 10 ** 7)),
               "%s  1893  1893 F libc    : Fatal signal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x7b%s" % (logtime(), hexs(10)),
               "%s  1893  1893 F DEBUG   :     #00 pc 0x%s  /system/lib64/libexample.so (BuildId: %s)" % (logtime(), hexs(16), hexs(32)),
               "%s  1893  1893 F DEBUG   : memory near x0: 0000007b%s %s %s" % (logtime(), hexs(8), hexs(16), hexs(16))]) + "\n")
    benign("Step-count CSV export (dates, counts, durations)", "POST",
           "https://health.sync.example.com/export/csv", [("Content-Type", "text/csv")],
           "date,steps,active_min,kcal\n" + "".join("2025-05-%02d,%d,%d,%d\n" % (i, R.randrange(2000, 16000), R.randrange(10, 120), R.randrange(1600, 2900)) for i in range(1, 8)),
           client_ip=HELDOUT_IP)
    benign("SOAP call with numeric account and transaction references", "POST",
           "https://soap.billing.example.com/BillingService", [("Content-Type", "text/xml; charset=utf-8"), ("SOAPAction", "\"urn:GetInvoices\"")],
           "<?xml version=\"1.0\"?><soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
           "<GetInvoices xmlns=\"urn:billing\"><AccountRef>%s</AccountRef><From>2025-01-01</From><To>2025-05-31</To>"
           "<TxRef>%s</TxRef></GetInvoices></soap:Body></soap:Envelope>" % (safe_digits(10), safe_digits(16)))


def tls_client_hello(sni: str) -> bytes:
    name = sni.encode()
    sni_ext = struct.pack(">HH", 0, len(name) + 5) + struct.pack(">HBH", len(name) + 3, 0, len(name)) + name
    alpn = b"\x00\x10" + struct.pack(">H", 14) + struct.pack(">H", 12) + b"\x02h2\x08http/1.1"
    groups = b"\x00\x0a\x00\x08\x00\x06\x00\x1d\x00\x17\x00\x18"
    keyshare = b"\x00\x33" + struct.pack(">H", 38) + struct.pack(">H", 36) + b"\x00\x1d\x00\x20" + rand_bytes(32)
    versions = b"\x00\x2b\x00\x05\x04\x03\x04\x03\x03"
    exts = sni_ext + alpn + groups + keyshare + versions
    ciphers = b"\x13\x01\x13\x02\x13\x03\xc0\x2b\xc0\x2f"
    hello = b"\x03\x03" + rand_bytes(32) + b"\x20" + rand_bytes(32) + struct.pack(">H", len(ciphers)) + ciphers + \
        b"\x01\x00" + struct.pack(">H", len(exts)) + exts
    hs = b"\x01" + struct.pack(">I", len(hello))[1:] + hello
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs


def dns_query(name: str, qtype: int = 1) -> bytes:
    q_ = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    return struct.pack(">HHHHHH", R.randrange(65536), 0x0100, 1, 0, 0, 0) + q_ + struct.pack(">HH", qtype, 1)


@family
def fam_benign_blobs():
    benign("Encrypted app envelope over HTTP (application/octet-stream, random-looking ciphertext)", "POST",
           "https://api.secure-sdk.example.com/v2/e", [("Content-Type", "application/octet-stream"), ("X-Key-Id", "k%d" % R.randrange(1, 9))],
           b"\x01\x02" + rand_bytes(12) + rand_bytes(480) + rand_bytes(16), client_ip=HELDOUT_IP)
    benign("JSON envelope of AES-GCM ciphertext (base64 iv/ciphertext/tag fields)", "POST",
           "https://collect.sdk.example.cn/v1/upload", [("Content-Type", "application/json")],
           jdump({"v": 2, "kid": hexs(8), "iv": b64(rand_bytes(12)), "ct": b64(rand_bytes(320)), "tag": b64(rand_bytes(16))}))
    benign("gzip'd JSON feature-flag evaluation report (no identifiers)", "POST",
           "https://flags.example.com/api/events/bulk", [("Content-Type", "application/json"), ("Content-Encoding", "gzip")],
           gz(jdump({"events": [{"kind": "feature", "key": "new-checkout", "value": True, "version": 12, "creationDate": epoch_ms()},
                                {"kind": "summary", "startDate": epoch_ms(), "features": {"dark-mode": {"default": False}}}]})))
    cfg = pb_bytes(1, "com.example.news") + pb_bytes(2, "5.12.3") + pb_int(3, 1042) + pb_bytes(4, "pt-PT") + \
        pb_int(5, epoch_ms()) + pb_bytes(6, pb_bytes(1, "feed_layout") + pb_bytes(2, "cards")) + pb_double(7, 0.25)
    benign("Remote-config fetch as protobuf (package, version, locale, counters, a double)", "POST",
           "https://config.platform.example.com/v1/fetch", [("Content-Type", "application/x-protobuf")], cfg, client_ip=HELDOUT_IP)
    bnd = boundary()
    jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + rand_bytes(600) + b"\xff\xd9"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nPor do sol\r\n--%s\r\n"
            "Content-Disposition: form-data; name=\"photo\"; filename=\"IMG_20250519_204411.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" % (bnd, bnd)).encode() + \
        jpeg + ("\r\n--%s--\r\n" % bnd).encode()
    benign("Multipart photo upload (JPEG without EXIF GPS) with a caption", "POST", "https://upload.photos.example.com/v1/media",
           [("Content-Type", "multipart/form-data; boundary=" + bnd)], body)
    benign("deflate-encoded performance telemetry (frame timings only)", "POST",
           "https://perf.example.com/v1/frames", [("Content-Type", "application/json"), ("Content-Encoding", "deflate")],
           zl(jdump({"screen": "Feed", "frames": [R.randrange(8, 40) for _ in range(30)], "jank": 3})))
    benign("Binary game-state sync over HTTP containing NUL bytes", "PUT",
           "https://save.game.example.com/slots/2", [("Content-Type", "application/vnd.game.save")],
           b"SAVE\x00\x03\x00\x00" + struct.pack("<IIf", 42, 13370, 0.75) + rand_bytes(200))
    benign("Base64 of a gzip'd JSON search-history sync (queries only)", "POST",
           "https://sync.browser.example.com/v1/history", [("Content-Type", "text/plain")],
           b64(gz(jdump({"queries": ["receita bacalhau", "horario metro porto", "tempo amanha"], "v": 7}))), client_ip=HELDOUT_IP)


@family
def fam_benign_raw():
    benign("TLS 1.3 ClientHello over TCP (SNI api.example.com, random key share)", "TCP", "tcp://api.example.com:443/", [],
           tls_client_hello("api.example.com"))
    benign("QUIC v1 Initial packet over UDP (long header, random protected payload)", "UDP", "udp://cdn.example.com:443/", [],
           bytes([0xC3]) + b"\x00\x00\x00\x01" + b"\x08" + rand_bytes(8) + b"\x00" + b"\x00" + b"\x44\xb0" + rand_bytes(1200),
           client_ip=HELDOUT_IP)
    benign("DNS A query over UDP for an example host", "UDP", "udp://resolver.example.net:53/", [], dns_query("images.cdn.example.com"))
    benign("NTP v4 client request over UDP (48 bytes, transmit timestamp)", "UDP", "udp://time.example.com:123/", [],
           bytes([0x23]) + b"\x00" * 39 + struct.pack(">II", 3956000000 + R.randrange(10 ** 7), R.randrange(2 ** 32)))
    benign("SSDP M-SEARCH discovery over UDP multicast", "UDP", "udp://239.255.255.250:1900/", [],
           "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n"
           "ST: urn:dial-multiscreen-org:service:dial:1\r\nUSER-AGENT: Android/14 UPnP/1.1 Cast/1.0\r\n\r\n", client_ip=HELDOUT_IP)
    benign("STUN Binding request over UDP (magic cookie, random 96-bit transaction id)", "UDP", "udp://stun.example.com:3478/", [],
           struct.pack(">HHI", 0x0001, 8, 0x2112A442) + rand_bytes(12) + struct.pack(">HH", 0x8022, 4) + b"ex01")
    cid = "android-" + hexs(12)
    connect = mqtt_packet(0x10, mqtt_str("MQTT") + bytes([4, 0x02]) + struct.pack(">H", 30) + mqtt_str(cid))
    benign("MQTT CONNECT with a random app client id, then PINGREQ (no device identifiers)", "TCP",
           "tcp://mqtt.chat.example.com:1883/", [], connect + b"\xc0\x00")
    payload = bytes([0x0A, 0x13, 0x40, 0x04, 0x04, 0x00, 0x01]) + struct.pack(">H", R.randrange(2, 500))
    benign("GT06 heartbeat (status) packet over TCP: no terminal ID in this packet type", "TCP",
           "tcp://gps.tracker.example.cn:8841/", [], b"\x78\x78" + payload + struct.pack(">H", crc_x25(payload)) + b"\x0d\x0a")
    benign("Encrypted real-time game datagram over UDP (random payload)", "UDP", "udp://eu1.game.example.com:7777/", [],
           b"\x9e" + struct.pack(">I", R.randrange(2 ** 32)) + rand_bytes(96))
    benign("RFC 5424 syslog over UDP from an app (no identifiers)", "UDP", "udp://logs.example.net:514/", [],
           "<134>1 2025-05-19T21:07:13.401Z phone-app com.example.notes %d - - sync finished: 42 notes, 3 conflicts, took 812ms" % R.randrange(1000, 30000))
    benign("Plain-text line protocol over TCP (metrics with counters, versions and a float)", "TCP",
           "tcp://metrics.example.com:2003/", [],
           "app.sync.duration_ms 812 1747688833\napp.version.5_12_3 1 1747688833\napp.cache.hit_ratio 0.873 1747688833\n")
    benign("HTTP/2 connection preface and SETTINGS frame over TCP", "TCP", "tcp://h2.example.com:80/", [],
           b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n" + b"\x00\x00\x0c\x04\x00\x00\x00\x00\x00" + b"\x00\x03\x00\x00\x00\x64\x00\x04\x00\x60\x00\x00")


@family
def fam_benign_misc():
    benign("News feed page request (category, paging, locale)", "GET",
           "https://api.news.example.com/v2/feed?cat=desporto&page=2&per_page=20&lang=pt-PT", [("Accept", "application/json")],
           client_ip=HELDOUT_IP)
    benign("Chat message with times, prices and a short code", "POST", "https://chat.messenger.example.com/v1/messages",
           [("Content-Type", "application/json")],
           jdump({"conversation": gen_uuid(), "text": "Chego às 19:45, o bilhete custa 12,50 € — código %s" % hexs(6, True), "clientMsgId": gen_uuid()}))
    benign("Crash report with a Java stack trace only (no device identifiers)", "POST", "https://crash.example.com/api/v1/reports",
           [("Content-Type", "application/json")],
           jdump({"app": "com.example.notes", "version": "3.2.1", "os": "Android 14", "thread": "main",
                  "trace": "java.lang.NullPointerException: Attempt to invoke virtual method 'int java.lang.String.length()' on a null object reference\n\tat com.example.notes.Editor.onSave(Editor.kt:211)",
                  "occurrence": gen_uuid()}))
    benign("Product search with a free-text query and filters", "GET",
           "https://search.shop.example.com/api?q=%s&price_max=80&sort=rating&page=1" % q("sapatilhas corrida 42"), [("Accept", "application/json")])
    benign("Podcast playback progress sync (episode ids, positions in seconds)", "PUT",
           "https://sync.podcasts.example.com/v1/progress", [("Content-Type", "application/json")],
           jdump({"episodes": [{"id": "ep_" + b64url(rand_bytes(8)), "position": R.randrange(0, 3600), "completed": False} for _ in range(3)]}))
    benign("Form post of a product review (text, rating)", "POST", "https://reviews.shop.example.com/submit",
           [("Content-Type", "application/x-www-form-urlencoded")],
           form([("product", "SKU-" + digits(6)), ("rating", "4"), ("title", "Bom"), ("text", "Chegou rápido, tamanho certo.")]))
    benign("Calendar event create (dates, times, a meeting room code)", "POST", "https://calendar.example.com/api/events",
           [("Content-Type", "application/json")],
           jdump({"summary": "Reunião equipa", "start": "2025-06-03T10:00:00+01:00", "end": "2025-06-03T11:00:00+01:00",
                  "room": "B2-1.14", "reminders": [10, 30]}), client_ip=HELDOUT_IP)
    benign("App review prompt analytics with hashed (SHA-256) screen names", "POST", "https://events.analytics.example.com/v2/batch",
           [("Content-Type", "application/json")],
           jdump({"events": [{"name": "review_prompt_shown", "screen_hash": sha256("SettingsFragment"), "ts": epoch_ms()}]}))
    benign("Key=value config beacon (feature toggles, versions, build numbers)", "POST", "https://beacon.example.com/c",
           [("Content-Type", "text/plain")], "app=5.12.3;build=1042;sdk=34;dark=1;ab=checkout_v2:B;abi=arm64-v8a;lang=pt_PT")
    benign("XML RSS-reader subscription import (OPML with feed URLs)", "POST", "https://reader.example.com/api/import",
           [("Content-Type", "text/x-opml")],
           "<?xml version=\"1.0\"?><opml version=\"2.0\"><body><outline text=\"Tech\" xmlUrl=\"https://blog.example.com/feed.xml\"/>"
           "<outline text=\"Local\" xmlUrl=\"https://news.example.org/porto/rss\"/></body></opml>")
    benign("Music scrobble batch (track ids, epoch seconds, durations)", "POST", "https://scrobble.music.example.com/2.0/",
           [("Content-Type", "application/x-www-form-urlencoded")],
           form([("method", "track.scrobble"), ("artist[0]", "Ornatos Violeta"), ("track[0]", "Ouvi Dizer"),
                 ("timestamp[0]", str(epoch_ms() // 1000)), ("duration[0]", "254"), ("api_sig", hexs(32)), ("sk", hexs(32))]))
    benign("Ad click with campaign ids under keys cid/lac-like names (cid = campaign id, not a cell)", "GET",
           "https://clk.adnet.example.com/c?cid=%d&crid=%d&lac=pt_summer&src=feed" % (R.randrange(10 ** 7, 10 ** 9), R.randrange(10 ** 5, 10 ** 7)),
           [("User-Agent", UA_OKHTTP)])
    benign("Config sync whose 'serial' is a zone-style revision counter and whose ticketSerial is a ticket code", "POST",
           "https://config.app.example.com/v1/sync", [("Content-Type", "application/json")],
           jdump({"serial": 2025051903, "ticketSerial": "TKT-2025-%s" % digits(5), "changed": ["menu", "prices"]}), client_ip=HELDOUT_IP)
    benign("Wi-Fi assistant telemetry listing SSID names only (no BSSIDs), band and counts", "POST",
           "https://wifi.assistant.example.com/v1/stats", [("Content-Type", "application/json")],
           jdump({"networks": [{"ssid": "Cafe Central", "band": "5GHz", "seen": 4}, {"ssid": "eduroam", "band": "2.4GHz", "seen": 9}],
                  "scans": 22}))
    benign("Privacy-minimised device report: identifier keys present but empty, null, 'unknown' or placeholder", "POST",
           "https://telemetry.oem.example.com/v1/minimal", [("Content-Type", "application/json")],
           jdump({"imei": "", "imsi": None, "iccid": "unknown", "meid": "", "serialNumber": "unknown", "android_id": "",
                  "gaid": "00000000-0000-0000-0000-000000000000", "wifiMac": "02:00:00:00:00:00", "cellId": -1,
                  "lat": 0.0, "lon": 0.0, "msisdn": ""}))
    benign("Bluetooth GATT characteristic dump from a heart-rate strap app (service UUIDs, handles, values)", "POST",
           "https://api.fitness.example.com/v1/debug/gatt", [("Content-Type", "application/json")],
           jdump({"services": [{"uuid": "0000180d-0000-1000-8000-00805f9b34fb", "chars": [{"uuid": "00002a37-0000-1000-8000-00805f9b34fb", "handle": 13, "value": "16:48"}]},
                               {"uuid": "0000180f-0000-1000-8000-00805f9b34fb", "chars": [{"uuid": "00002a19-0000-1000-8000-00805f9b34fb", "handle": 21, "value": "5f"}]}]}))


# ---- FAMILIES END ----


# --------------------------------------------------------------------------------------------
# output and self-checks
# --------------------------------------------------------------------------------------------


def phone_yaml() -> str:
    p = PHONE
    lines = [
        "name: heldout3-phone",
        "imei: [%s]" % ", ".join('"%s"' % v for v in p.imei),
        'imsi: ["%s"]' % p.imsi,
        'iccid: ["%s"]' % p.iccid,
        'mac: ["%s"]' % p.mac,
        'serial: ["%s"]' % p.serial,
        'android_id: ["%s"]' % p.android_id,
        'ad_id: ["%s"]' % p.ad_id,
        'phone: ["%s"]' % p.phone,
        'email: ["%s"]' % p.email,
        "location: {lat: %s, lon: %s, radius_m: 2000}" % (repr(p.lat), repr(p.lon)),
        'clients: ["%s"]' % HELDOUT_IP,
    ]
    return "\n".join(lines) + "\n"


def check_device(d: Device) -> None:
    for v in d.imei:
        assert s_imei.is_valid(v) and len(v) == 15 and v[:2] in TAC_PREFIXES
    assert s_imsi.is_valid(d.imsi) and s_imsi.info(d.imsi).get("operator")
    assert 19 <= len(d.iccid) <= 20 and d.iccid.startswith("89") and luhn.is_valid(d.iccid)
    assert s_meid.is_valid(d.meid)
    assert is_unicast_mac(d.mac) and is_unicast_mac(d.bt_mac)
    for ap in d.aps:
        assert is_unicast_mac(ap[0])
    assert phonenumbers.is_valid_number(phonenumbers.parse(d.phone, None))
    assert len(d.android_id) == 16 and int(d.android_id, 16)
    uuid.UUID(d.ad_id)
    assert -90 < d.lat < 90 and -180 < d.lon < 180


import re as _re

_B64_RE = _re.compile(r"[A-Za-z0-9+/_-]{16,}={0,2}")
_HEX_RE = _re.compile(r"(?<![0-9a-fA-F])(?:[0-9a-fA-F]{2}){12,}(?![0-9a-fA-F])")


def _try_b64(tok: str) -> bytes | None:
    t = tok.replace("-", "+").replace("_", "/").rstrip("=")
    t += "=" * (-len(t) % 4)
    try:
        return base64.b64decode(t, validate=True)
    except Exception:
        return None


def _layers_of(b: bytes, depth: int, out: list[bytes]) -> None:
    if len(out) > 400 or depth > 4:
        return
    out.append(b)
    for fn in (gzip.decompress, zlib.decompress, lambda x: zlib.decompress(x, -15)):
        try:
            _layers_of(fn(b), depth + 1, out)
        except Exception:
            pass
    text = b.decode("latin-1")
    variants = [text]
    u1 = urllib.parse.unquote_plus(text)
    for u in (u1, urllib.parse.unquote(u1), urllib.parse.unquote_plus(u1)):
        if u not in variants:
            variants.append(u)
            out.append(u.encode("utf-8", "replace"))
    for src in variants:
        for tok in _B64_RE.findall(src.replace("\n", "")) + _B64_RE.findall(src):
            dec = _try_b64(tok)
            if dec and len(dec) >= 8:
                _layers_of(dec, depth + 1, out)
        for tok in _HEX_RE.findall(src):
            if len(tok) >= 40:
                try:
                    _layers_of(bytes.fromhex(tok), depth + 1, out)
                except ValueError:
                    pass
    out.append(b.hex().encode())


def layers(rec: dict) -> list[str]:
    """Every decoding of a record we can reach, as text (latin-1), for the self-checks."""
    body = rec["body"].encode() if rec["body_encoding"] == "text" else base64.b64decode(rec["body"])
    raw = [rec["url"].encode()] + [("%s: %s" % (k, v)).encode("utf-8") for k, v in rec["headers"]] + [body]
    out: list[bytes] = []
    for b in raw:
        _layers_of(b, 0, out)
    res = []
    for b in out:
        try:
            res.append(b.decode("utf-8"))
        except UnicodeDecodeError:
            res.append(b.decode("latin-1"))
    return res


def forms_of(d: Device, t: str, strict: bool = False) -> list[str]:
    """Textual forms under which a device's value of type t can appear (lower-cased)."""
    out: list[str] = []
    if t == "imei":
        for v in d.imei:
            out += [v, spaced_imei(v), "%s-%s-%s-%s" % (v[:2], v[2:8], v[8:14], v[14]), v[::-1], md5(v), sha1(v), sha256(v),
                    "%s-%s-0" % (v[:8], v[8:14]), "0" + v]
    elif t == "imsi":
        out += [d.imsi]
    elif t == "iccid":
        out += [d.iccid, " ".join(d.iccid[i:i + 4] for i in range(0, len(d.iccid), 4)), nibble_swap(d.iccid)]
    elif t == "meid":
        out += [d.meid, s_meid.format(d.meid, format="dec", separator="")]
    elif t in ("mac", "wifi_bssid"):
        macs = [d.mac, d.bt_mac] if t == "mac" else [ap[0] for ap in d.aps]
        for m in macs:
            out += [m, mac_nosep(m), mac_dash(m), mac_cisco(m), md5(m), sha1(mac_nosep(m, True)), md5(m)]
            if t == "wifi_bssid":
                out.append(apple_bssid(m))
    elif t == "serial":
        out += [d.serial]
    elif t == "android_id":
        out += [d.android_id, md5(d.android_id)]
    elif t == "ad_id":
        out += [d.ad_id, d.oaid]
    elif t == "phone":
        nat = str(phonenumbers.parse(d.phone, None).national_number)
        out += [d.phone, intl(d.phone), national(d.phone), sha256(d.phone[1:])]
        if not strict:
            out.append(nat)
    elif t == "email":
        out += [d.email, md5(d.email), sha256(d.email.lower())]
    elif t == "location":
        lat6, lon6 = "%.6f" % d.lat, "%.6f" % d.lon
        out += [lat6[:-3], "%.3f" % d.lat, nmea(d.lat, True)[:7]] if not strict else [lat6[:-2], lon6[:-2]]
    elif t == "cell_id":
        cs = [d.cell] + d.neigh
        for c in cs:
            out += [str(c["eci"]), "%07x" % c["eci"], str(c["nci"])]
            if not strict:
                out += [str(c["gsm_cid"]), "%04x" % c["gsm_cid"]]
    return [x.lower() for x in out]


def sensitive_strings() -> list[str]:
    out = []
    for d in DEVICES:
        for t in TYPES:
            out += forms_of(d, t, strict=True)
    return out


_MAC_RE = _re.compile(r"(?<![0-9a-f:.-])[0-9a-f]{2}(?:[:-][0-9a-f]{2}){5}(?![0-9a-f:-])", _re.I)
_MAIL_RE = _re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_DIGITS_RE = _re.compile(r"(?<![0-9A-Za-z])\d{14,20}(?![0-9A-Za-z])")


def _lookalike_ok(v: str) -> bool:
    v = v.lower()
    return any(v in x.lower() or x.lower() in v for x in LOOKALIKES)


def check_benign() -> None:
    needles = sensitive_strings()
    for rec in RECORDS:
        if rec["label"] != "benign":
            continue
        lay = layers(rec)
        low = "\n".join(lay).lower()
        for n in needles:
            assert n not in low, (rec["id"], n)
        for text in lay:
            if "\ufffd" in text or any(ord(ch) < 9 for ch in text) or _re.fullmatch(r"[0-9a-f]*", text):
                continue  # binary layer or its hex dump: shapes there are noise
            for run in _DIGITS_RE.findall(text):
                risky = (len(run) == 15 and (luhn.is_valid(run) or s_imsi.is_valid(run))) or len(run) in (14, 18) or \
                    (len(run) in (19, 20) and run.startswith("89") and luhn.is_valid(run))
                assert not risky or _lookalike_ok(run), (rec["id"], run)
            for m in _MAC_RE.findall(text):
                assert _lookalike_ok(m), (rec["id"], m)
            for m in _MAIL_RE.findall(text):
                assert _lookalike_ok(m), (rec["id"], m)
            for m in phonenumbers.PhoneNumberMatcher(text, "ZZ", leniency=phonenumbers.Leniency.VALID):
                assert _lookalike_ok(m.raw_string), (rec["id"], m.raw_string)


def _hash_forms(d: Device, t: str) -> list[str]:
    return [f for f in forms_of(d, t) if len(f) in (32, 40, 64) and _re.fullmatch(r"[0-9a-f]+", f)]


def check_identifiers() -> None:
    for rec in RECORDS:
        if rec["label"] != "identifier":
            continue
        d = DEV_OF[rec["id"]]
        low = "\n".join(layers(rec)).lower()
        for t in rec["expect_profile"]:
            assert any(f in low for f in forms_of(d, t)), ("label without value", rec["id"], t)
        for t in TYPES:
            if t in rec["expect_profile"]:
                continue
            for f in forms_of(d, t, strict=True):
                if not d.heldout and f in _hash_forms(d, t):
                    continue  # hashes of a non-profile device are unfindable by anyone: no label exists for them
                assert f not in low, ("unlabelled value", rec["id"], t, f)
        # and no other device's values
        for other in DEVICES:
            if other is d:
                continue
            for t in TYPES:
                for f in forms_of(other, t, strict=True):
                    if len(f) >= 10:
                        assert f not in low, ("foreign value", rec["id"], t, f)


def main() -> None:
    for fam in FAMILIES:
        fam()
    for d in DEVICES:
        check_device(d)
    check_benign()
    check_identifiers()
    ids = [r["id"] for r in RECORDS]
    assert len(ids) == len(set(ids))
    ident = [r for r in RECORDS if r["label"] == "identifier"]
    for r in ident:
        assert r["expect_profile"], r["id"]
    with open(HERE / "requests.jsonl", "w", encoding="utf-8", newline="\n") as f:
        for r in RECORDS:
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    with open(HERE / "heldout3-phone.yaml", "w", encoding="utf-8", newline="\n") as f:
        f.write(phone_yaml())
    print("identifier=%d benign=%d corpus_phone=%d" % (
        _counts["identifier"], _counts["benign"], sum(1 for r in RECORDS if r["corpus_phone"])))


if __name__ == "__main__":
    main()
