#!/usr/bin/env python3
"""Build the heldout5 evaluation corpus (independent, measure-only).

Run from the repository root:  .venv/bin/python tests/corpus/heldout5/build_heldout5.py
Writes requests.jsonl and heldout5-phone.yaml next to this file. Deterministic:
fixed seed, gzip mtime=0, no wall clock, no set iteration.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import io
import json
import os
import random
import urllib.parse
import zlib

import phonenumbers
from stdnum import imei as std_imei
from stdnum import imsi as std_imsi
from stdnum import luhn
from stdnum import meid as std_meid

HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(16180339)

PHONE_IP = "10.44.0.3"
TYPES = ["imei", "meid", "imsi", "iccid", "mac", "wifi_bssid", "serial", "android_id",
         "ad_id", "phone", "email", "location", "cell_id"]

# --------------------------------------------------------------------------- value makers

def digits(n: int) -> str:
    return "".join(R.choice("0123456789") for _ in range(n))


def hexs(n: int, upper: bool = False) -> str:
    s = "".join(R.choice("0123456789abcdef") for _ in range(n))
    return s.upper() if upper else s


TAC_PREFIXES = ["35", "86", "01", "49", "99"]


def make_imei(prefix: str | None = None) -> str:
    p = prefix or R.choice(TAC_PREFIXES)
    body = p + digits(12)
    v = body + luhn.calc_check_digit(body)
    assert std_imei.is_valid(v) and v[:2] in TAC_PREFIXES, v
    return v


def make_imsi(mccmnc: str) -> str:
    v = mccmnc + digits(15 - len(mccmnc))
    assert std_imsi.is_valid(v) and std_imsi.info(v).get("operator"), v
    return v


def make_iccid(cc: str, issuer: str, length: int = 19) -> str:
    body = "89" + cc + issuer
    body += digits(length - 1 - len(body))
    v = body + luhn.calc_check_digit(body)
    assert len(v) in (19, 20) and luhn.is_valid(v)
    return v


def make_meid() -> str:
    # 14 hex digits, manufacturer code A0..FF range (RR >= A0 = globally administered)
    v = R.choice(["A0", "A1", "A2", "99"]) + hexs(12, upper=True)
    if v.startswith("99"):
        v = "A" + v[1:]
    assert std_meid.is_valid(v), v
    return v


def make_mac(upper: bool = False, oui: str | None = None) -> str:
    if oui:
        first = oui
    else:
        b0 = R.randrange(0, 256) & 0xFC  # unicast, globally administered
        first = "%02x:%s:%s" % (b0, hexs(2), hexs(2))
    v = first + ":" + ":".join(hexs(2) for _ in range(3))
    v = v.lower()
    assert int(v[:2], 16) & 1 == 0
    return v.upper() if upper else v


def make_uuid() -> str:
    h = hexs(32)
    h = h[:12] + "4" + h[13:16] + R.choice("89ab") + h[17:]
    return "%s-%s-%s-%s-%s" % (h[:8], h[8:12], h[12:16], h[16:20], h[20:])


SERIAL_ALPHA = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def make_serial() -> str:
    style = R.randrange(4)
    if style == 0:
        return "R5C" + "".join(R.choice(SERIAL_ALPHA) for _ in range(8))  # Samsung-like
    if style == 1:
        return "".join(R.choice("0123456789abcdef") for _ in range(8))  # Xiaomi-like
    if style == 2:
        return "".join(R.choice(SERIAL_ALPHA) for _ in range(12))  # Pixel/Huawei-like
    return "PX" + "".join(R.choice(SERIAL_ALPHA) for _ in range(10))


def make_phone(region: str) -> str:
    templates = {
        "BE": ("+32", ["470", "472", "475", "476", "477", "478", "479", "484", "485", "486", "487", "488", "489", "496", "497", "498", "499"], 6),
        "FR": ("+33", ["6", "7"], 8),
        "DE": ("+49", ["151", "152", "160", "170", "171", "175", "176", "177"], 7),
        "CN": ("+86", ["138", "139", "135", "186", "189", "133", "150"], 8),
        "AT": ("+43", ["664", "676", "699", "650"], 7),
        "DK": ("+45", ["20", "21", "22", "26", "30", "40", "42", "50", "60", "71", "81", "91"], 6),
        "US": ("+1", ["202", "312", "415", "617", "718"], 7),
        "NL": ("+31", ["6"], 8),
    }
    cc, pfx, n = templates[region]
    for _ in range(200):
        v = cc + R.choice(pfx) + digits(n)
        if region == "US":
            v = cc + R.choice(pfx) + R.choice("23456789") + digits(6)
        p = phonenumbers.parse(v)
        t = phonenumbers.number_type(p)
        if phonenumbers.is_valid_number(p) and t in (phonenumbers.PhoneNumberType.MOBILE,
                                                     phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE):
            return v
    raise AssertionError(region)


FIRST = ["lotte", "pieter", "amira", "jonas", "chen.wei", "li.na", "marie", "lukas", "sofie",
         "tom", "elif", "mads", "anna", "noah", "wang.fang", "julie"]
MAILDOM = ["mail.example", "post.example.com", "inbox.example.org", "example.be", "example.cn",
           "example.fr", "example.de"]


def make_email() -> str:
    local = R.choice(FIRST) + R.choice(["", ".", "_"]) + digits(R.choice([2, 3, 4]))
    return "%s@%s" % (local, R.choice(MAILDOM))


def make_eci() -> int:
    return R.randrange(1, 1 << 20) * 256 + R.randrange(0, 256)


# --------------------------------------------------------------------------- devices

CITIES = {
    "BE": [(51.0543, 3.7174), (50.8503, 4.3517), (51.2194, 4.4025)],
    "FR": [(48.8566, 2.3522), (45.7640, 4.8357)],
    "DE": [(52.5200, 13.4050), (48.1351, 11.5820)],
    "CN": [(31.2304, 121.4737), (39.9042, 116.4074), (22.5431, 114.0579)],
    "AT": [(48.2082, 16.3738)],
    "DK": [(55.6761, 12.5683)],
    "US": [(37.7749, -122.4194)],
    "NL": [(52.3676, 4.9041)],
}
OPS = {
    "BE": [("206", "01", "3201"), ("206", "10", "3210"), ("206", "20", "3220")],
    "FR": [("208", "01", "3301"), ("208", "10", "3310"), ("208", "20", "3320")],
    "DE": [("262", "01", "4901"), ("262", "02", "4902"), ("262", "03", "4903")],
    "CN": [("460", "00", "8600"), ("460", "01", "8601"), ("460", "11", "8603")],
    "AT": [("232", "01", "4301"), ("232", "03", "4303")],
    "DK": [("238", "01", "4501"), ("238", "02", "4502")],
    "US": [("310", "260", "0126"), ("311", "480", "0148")],
    "NL": [("204", "08", "3108"), ("204", "16", "3116")],
}


class Device:
    def __init__(self, region: str, ip: str, fixed: dict | None = None):
        mcc, mnc, issuer = R.choice(OPS[region])
        self.region, self.ip, self.mcc, self.mnc = region, ip, mcc, mnc
        cc_code = issuer[:-2] if region != "US" else "01"
        self.imei = [make_imei(), make_imei()]
        self.imei[1] = self.imei[0][:8] + self.imei[1][8:14]
        self.imei[1] += luhn.calc_check_digit(self.imei[1])
        self.imsi = make_imsi(mcc + mnc)
        self.iccid = make_iccid(issuer[:-2], issuer[-2:], R.choice([19, 20]))
        self.meid = make_meid()
        self.mac = make_mac()
        self.bt_mac = make_mac()
        self.serial = make_serial()
        self.android_id = hexs(16)
        self.ad_id = make_uuid()
        self.phone = make_phone(region)
        self.email = make_email()
        lat, lon = R.choice(CITIES[region])
        self.lat = round(lat + R.uniform(-0.01, 0.01), 6)
        self.lon = round(lon + R.uniform(-0.01, 0.01), 6)
        self.tac = R.randrange(1000, 60000)
        self.eci = make_eci()
        self.nbr_eci = [make_eci() for _ in range(3)]
        self.bssids = [make_mac() for _ in range(4)]
        if fixed:
            for k, v in fixed.items():
                setattr(self, k, v)
        del cc_code

    def values(self):
        out = list(self.imei) + [self.imsi, self.iccid, self.meid, self.mac, self.bt_mac,
                                 self.serial, self.android_id, self.ad_id, self.phone, self.email]
        out += self.bssids
        return out


PHONE = Device("BE", PHONE_IP)
PHONE.model = "Nokia X30 5G"
REGIONS = ["BE", "FR", "DE", "CN", "AT", "DK", "US", "NL", "CN", "BE"]
OTHERS: list[Device] = []


def other(region: str | None = None) -> Device:
    d = Device(region or R.choice(REGIONS), "10.44.1.%d" % (len(OTHERS) + 10))
    OTHERS.append(d)
    return d


# --------------------------------------------------------------------------- encoders

def b64(b) -> str:
    if isinstance(b, str):
        b = b.encode()
    return base64.b64encode(b).decode()


def b64_wrapped(b) -> str:
    s = b64(b)
    return "\n".join(s[i:i + 76] for i in range(0, len(s), 76)) + "\n"


def b64url(b, pad: bool = False) -> str:
    if isinstance(b, str):
        b = b.encode()
    s = base64.urlsafe_b64encode(b).decode()
    return s if pad else s.rstrip("=")


def gz(b) -> bytes:
    if isinstance(b, str):
        b = b.encode()
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, filename="") as f:
        f.write(b)
    return buf.getvalue()


def zl(b) -> bytes:
    if isinstance(b, str):
        b = b.encode()
    return zlib.compress(b, 6)


def jd(o) -> str:
    return json.dumps(o, separators=(",", ":"), ensure_ascii=False)


def form(pairs) -> str:
    return urllib.parse.urlencode(pairs)


def q(s: str) -> str:
    return urllib.parse.quote(s, safe="")


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pb(*fields) -> bytes:
    """fields: (num, value); int -> varint, bytes/str -> length-delimited, ('f64', x) -> fixed64."""
    out = bytearray()
    for num, val in fields:
        if isinstance(val, bool):
            val = int(val)
        if isinstance(val, int):
            out += varint(num << 3) + varint(val)
        elif isinstance(val, tuple) and val[0] == "f64":
            import struct
            out += varint((num << 3) | 1) + struct.pack("<d", val[1])
        elif isinstance(val, tuple) and val[0] == "f32":
            import struct
            out += varint((num << 3) | 5) + struct.pack("<f", val[1])
        else:
            if isinstance(val, str):
                val = val.encode()
            out += varint((num << 3) | 2) + varint(len(val)) + val
    return bytes(out)


def jwt(payload: dict) -> str:
    h = b64url(jd({"alg": "HS256", "typ": "JWT"}))
    p = b64url(jd(payload))
    return "%s.%s.%s" % (h, p, b64url(bytes(R.randrange(256) for _ in range(32))))


def multipart(parts, boundary: str) -> str:
    out = []
    for name, filename, ctype, content in parts:
        disp = 'form-data; name="%s"' % name
        if filename:
            disp += '; filename="%s"' % filename
        out.append("--%s\r\nContent-Disposition: %s\r\n%s\r\n%s\r\n" % (
            boundary, disp, ("Content-Type: %s\r\n" % ctype) if ctype else "", content))
    out.append("--%s--\r\n" % boundary)
    return "".join(out)


def md5(s: str) -> str:
    return hashlib.md5(s.encode()).hexdigest()


def sha1(s: str) -> str:
    return hashlib.sha1(s.encode()).hexdigest()


def sha256(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def dashed_imei(v: str) -> str:
    return "%s-%s-%s-%s" % (v[:2], v[2:8], v[8:14], v[14])


def iccid_swapped(v: str) -> str:
    s = v + ("F" if len(v) % 2 else "")
    return "".join(s[i + 1] + s[i] for i in range(0, len(s), 2))


def rid() -> str:
    return make_uuid()


UA_ANDROID = "Dalvik/2.1.0 (Linux; U; Android 14; %s Build/UP1A.231005.007)"

# --------------------------------------------------------------------------- record store

RECORDS: list[dict] = []
COUNTERS = {"identifier": 0, "benign": 0}


def add(label, source, method, url, headers, body, dev=None, expect=(), profile_extra=(),
        client_ip=None, corpus_phone=None):
    assert label in ("identifier", "benign")
    COUNTERS[label] += 1
    rid_ = "h5%s-%04d" % ("i" if label == "identifier" else "b", COUNTERS[label])
    if isinstance(body, bytes):
        try:
            text = body.decode("utf-8")
            enc = "base64" if "\x00" in text else "text"
        except UnicodeDecodeError:
            enc = "base64"
        body_s = b64(body) if enc == "base64" else text
    else:
        assert "\x00" not in body
        body_s, enc = body, "text"
    ip = client_ip or (dev.ip if dev else "10.44.1.200")
    cp = (ip == PHONE_IP and label == "identifier") if corpus_phone is None else corpus_phone
    for t in list(expect) + list(profile_extra):
        assert t in TYPES, t
    exp = sorted(dict.fromkeys(expect))
    prof = sorted(dict.fromkeys(list(expect) + list(profile_extra)))
    if label == "benign":
        assert not exp and not prof
    else:
        assert prof, rid_
    hosts = urllib.parse.urlsplit(url).hostname or ""
    assert hosts.endswith((".example", ".example.com", ".example.cn", ".example.org", ".example.net",
                           "example.cn", "example.com", ".example.de", ".example.fr", ".example.be")) or hosts == "example", url
    RECORDS.append({
        "id": rid_, "label": label, "source": source, "method": method, "url": url,
        "headers": [[k, v] for k, v in headers], "body": body_s, "body_encoding": enc,
        "client_ip": ip, "corpus_phone": cp, "expect": exp, "expect_profile": prof,
        "_dev": dev,
    })


# FAMILIES_BELOW

FAMILIES: list = []


def family(fn):
    FAMILIES.append(fn)
    return fn


MODELS = {"CN": ["MI 9", "V2036A", "PDEM10", "HMA-AL00", "Redmi K40"], "US": ["Pixel 8", "SM-S918U"],
          "*": ["SM-A546B", "Pixel 7a", "Nokia G42 5G", "moto g84 5G", "CPH2579", "Xperia 10 V"]}


def model_of(d: Device) -> str:
    if not hasattr(d, "model"):
        d.model = R.choice(MODELS.get(d.region, MODELS["*"]))
    return d.model


def ua(d: Device) -> str:
    return UA_ANDROID % model_of(d)


def eci_hex(d: Device) -> str:
    return "%s%s%04X%07X" % (d.mcc, d.mnc, d.tac, d.eci)


# ---- A. OEM activation / self-registration
@family
def fam_oem_activation():
    d = other("CN")
    payload = {"REGVER": "8.0", "MEID": d.meid, "MODEL": model_of(d), "SWVER": "V12.5.3.0.RKBCNXM",
               "SIM1CDMAIMSI": "", "UETYPE": "1", "SIM1ICCID": d.iccid, "SIM1LTEIMSI": d.imsi,
               "SIM1TYPE": "2", "SIM2CDMAIMSI": "", "SIM2ICCID": "", "SIM2LTEIMSI": "", "SIM2TYPE": "",
               "MACID": d.mac.upper(), "OSVER": "Android11", "ROM": "128G", "RAM": "6G",
               "IMEI1": d.imei[0], "IMEI2": d.imei[1], "SIM1CELLID": str(d.eci), "SIM2CELLID": "",
               "DATASIM": "1", "REGDATE": "2024-03-18 09:12:44"}
    add("identifier", "China Telecom self-registration (zzhc, REGVER 8.0) POST: line-wrapped base64 of the JSON key set, Content-Type application/encrypted-json.",
        "POST", "http://zzhc.vnet.example.cn/", [["Host", "zzhc.vnet.example.cn"], ["Content-Type", "application/encrypted-json"],
                                               ["User-Agent", ua(d)]],
        b64_wrapped(jd(payload)), d, ["meid", "iccid", "imsi", "mac", "imei", "cell_id"])
    p = PHONE
    payload = {"REGVER": "7.0", "MEID": p.serial, "MODEL": "TA-1062", "SWVER": "00CN_3_22C",
               "SIM1CDMAIMSI": "111111111111111", "UETYPE": "1", "SIM1ICCID": p.iccid, "SIM1LTEIMSI": p.imsi,
               "SIM1TYPE": "1", "SIM2ICCID": "00000000000000000000", "MACID": p.mac, "OSVER": "Android9",
               "IMEI1": p.imei[0], "IMEI2": p.imei[1], "SIM1CELLID": str(p.eci), "DATASIM": "1",
               "REGDATE": "2019-01-22 18:40:03"}
    add("identifier", "Qualcomm autoregistration client (China variant on a European Nokia, 2019 case): zzhc self-registration JSON, base64 with Android 76-column wrapping; the MEID field carries the serial (known quirk).",
        "POST", "http://zzhc.vnet.example.cn/", [["Content-Type", "application/encrypted-json"], ["User-Agent", "Apache-HttpClient/UNAVAILABLE (java 1.4)"]],
        b64_wrapped(jd(payload)), p, ["iccid", "imsi", "mac", "imei", "cell_id"], ["serial"])
    d = other("CN")
    body = jd({"REGVER": "8.0", "UETYPE": "3", "MODEL": "ML302", "IMEI1": d.imei[0], "SIM1ICCID": d.iccid,
               "SIM1LTEIMSI": d.imsi, "SIM1CELLID": str(d.eci), "MEID": "", "MACID": "", "REGDATE": "2024-05-02 03:00:17"})
    add("identifier", "Cat-1 IoT module self-registration over raw TCP port 9999: base64 JSON (no wrapping) in the zzhc key set.",
        "TCP", "tcp://zzhc.vnet.example.cn:9999/", [], b64(body), d, ["imei", "iccid", "imsi", "cell_id"])
    body = {"imei1": p.imei[0], "imei2": p.imei[1], "serialNumber": p.serial, "productCode": "11WNTL05A08",
            "swVersion": "00WW_3_39B_SP03", "activationTime": 1548171603000, "country": "BE"}
    add("identifier", "HMD-style global activation POST (JSON: both IMEIs, serialNumber, product code, build).",
        "POST", "https://activation.hmd.example.com/api/v2/activate", [["Content-Type", "application/json; charset=UTF-8"], ["User-Agent", ua(p)],
                                                                       ["X-Request-ID", rid()]],
        jd(body), p, ["imei", "serial"])
    body = form([("imei_md5", md5(p.imei[0])), ("imei2_md5", md5(p.imei[1])), ("sn", p.serial),
                 ("model", "23049PCD8G"), ("region", "BE"), ("miui", "V14.0.6.0.TMRMIXM"), ("t", "1711022411")])
    add("identifier", "Xiaomi-style activation/region check form: MD5 of each IMEI (imei_md5) plus sn.",
        "POST", "https://act.xiaomi.example.com/v3/check", [["Content-Type", "application/x-www-form-urlencoded"], ["User-Agent", ua(p)]],
        body, p, ["serial"], ["imei"])


# ---- B. carrier entitlement / IMS
@family
def fam_carrier():
    p = PHONE
    eap = "0%s@nai.epc.mnc%03d.mcc%s.3gppnetwork.org" % (p.imsi, int(p.mnc), p.mcc)
    qs = form([("vers", "0"), ("entitlement_version", "9.0"), ("terminal_id", p.imei[0]), ("terminal_vendor", "HMD"),
               ("terminal_model", "TA-1450"), ("terminal_sw_version", "14"), ("app", "ap2004"), ("EAP_ID", eap),
               ("IMSI", p.imsi)])
    add("identifier", "GSMA TS.43 service entitlement configuration GET (VoWiFi ap2004) with terminal_id=IMEI and EAP-AKA identity.",
        "GET", "https://aes.mnc001.mcc206.pub.3gppnetwork.example/?" + qs, [["Accept", "application/vnd.gsma.eap-relay.v1.0+json"], ["User-Agent", "PRD-TS43 term-HMD/TA-1450 OS-Android/14"]],
        "", p, ["imei", "imsi"])
    d = other("FR")
    imei = d.imei[0]
    urn = "urn:gsma:imei:%s-%s-0" % (imei[:8], imei[8:14])
    sip = ("REGISTER sip:ims.mnc%03d.mcc%s.3gppnetwork.example SIP/2.0\r\n"
           "Via: SIP/2.0/TCP [2001:db8:4:12::7]:5060;branch=z9hG4bK%s;rport\r\n"
           "Max-Forwards: 70\r\n"
           "From: <sip:%s@ims.example>;tag=%s\r\n"
           "To: <sip:%s@ims.example>\r\n"
           "Call-ID: %s\r\nCSeq: 1 REGISTER\r\n"
           "Contact: <sip:%s@[2001:db8:4:12::7]:5060>;+sip.instance=\"<%s>\";+g.3gpp.icsi-ref=\"urn%%3Aurn-7%%3A3gpp-service.ims.icsi.mmtel\"\r\n"
           "Authorization: Digest username=\"%s@ims.mnc%03d.mcc%s.3gppnetwork.example\",realm=\"ims.example\",nonce=\"\",uri=\"sip:ims.example\",response=\"\"\r\n"
           "P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=%s\r\n"
           "Expires: 600000\r\nContent-Length: 0\r\n\r\n") % (
        int(d.mnc), d.mcc, hexs(10), d.phone, hexs(8), d.phone, make_uuid(), d.phone, urn, d.imsi, int(d.mnc), d.mcc, eci_hex(d))
    add("identifier", "IMS SIP REGISTER over TCP (3GPP TS 24.229): IMEI URN in +sip.instance, IMPU tel number, IMSI-based private identity, P-Access-Network-Info cell id.",
        "TCP", "tcp://pcscf.ims.example.net:5060/", [], sip, d, ["imei", "phone", "imsi", "cell_id"])
    d = other("DE")
    qs = form([("vers", "0"), ("IMSI", d.imsi), ("rcs_version", "11.0"), ("rcs_profile", "UP_2.4"), ("client_vendor", "Goog"),
               ("client_version", "RCSAndrd-1.0"), ("terminal_vendor", "Samsung"), ("terminal_model", model_of(d)),
               ("terminal_sw_version", "14"), ("IMEI", d.imei[0]), ("msisdn", d.phone), ("default_sms_app", "1")])
    add("identifier", "GSMA RCC.14 RCS auto-configuration HTTP GET with IMSI, IMEI and msisdn parameters.",
        "GET", "http://config.rcs.mnc002.mcc262.pub.3gppnetwork.example/?" + qs, [["User-Agent", "IM-client/OMA1.0 Goog/RCSAndrd-1.0"]],
        "", d, ["imsi", "imei", "phone"])
    d = other("US")
    body = jd({"msisdn": d.phone, "imsi": d.imsi, "e911AddressId": "A-%d" % R.randrange(10**6, 10**7), "wfcEnabled": True})
    add("identifier", "Carrier Wi-Fi calling enablement POST (JSON msisdn + imsi, emergency address referenced by id only).",
        "POST", "https://wfc.carrier.example.com/v1/enable", [["Content-Type", "application/json"], ["User-Agent", ua(d)]],
        body, d, ["phone", "imsi"])


# ---- C. eSIM
@family
def fam_esim():
    d = other("AT")
    watch = make_imei("35")
    OTHERS.append(Device("AT", d.ip, {"imei": [watch, watch]}))  # register watch IMEI for benign checks
    body = jd({"operation": "ManageSubscription", "operation_type": 0, "companion_terminal_id": watch,
               "companion_terminal_vendor": "SMSNG", "companion_terminal_model": "SM-R960",
               "companion_terminal_eid": "89049032" + digits(24), "old_terminal_iccid": d.iccid,
               "terminal_iccid": ""})
    add("identifier", "GSMA TS.43 ODSA ManageSubscription for a companion watch: companion_terminal_id is an IMEI, old_terminal_iccid the phone's SIM.",
        "POST", "https://odsa.operator.example.com/ODSA?app=ap2006", [["Content-Type", "application/json"], ["User-Agent", ua(d)]],
        body, d, ["imei", "iccid"])
    p = PHONE
    body = jd({"header": {"functionRequesterIdentifier": "LPA", "functionCallIdentifier": "handleNotification"},
               "pendingNotification": {"seqNumber": 4, "profileManagementOperation": "install",
                                       "notificationAddress": "smdp.example.com", "iccid": iccid_swapped(p.iccid)}})
    add("identifier", "SGP.22 LPA ES9+ handleNotification rendered as JSON: the ICCID appears nibble-swapped as stored on the eUICC.",
        "POST", "https://smdp.example.com/gsma/rsp2/es9plus/handleNotification", [["Content-Type", "application/json"], ["X-Admin-Protocol", "gsma/rsp/v2.2.0"]],
        body, p, ["iccid"])


# ---- D. MDM / OMA-DM
@family
def fam_mdm():
    d = other("DE")
    xml = ('<?xml version="1.0" encoding="UTF-8"?>\n<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>'
           '<SessionID>1A</SessionID><MsgID>1</MsgID><Target><LocURI>https://dm.example.com/omadm</LocURI></Target>'
           '<Source><LocURI>IMEI:%s</LocURI></Source></SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert>'
           '<Replace><CmdID>2</CmdID><Item><Source><LocURI>./DevInfo/DevId</LocURI></Source><Data>IMEI:%s</Data></Item>'
           '<Item><Source><LocURI>./DevInfo/Man</LocURI></Source><Data>Samsung</Data></Item>'
           '<Item><Source><LocURI>./DevInfo/Mod</LocURI></Source><Data>%s</Data></Item></Replace><Final/></SyncBody></SyncML>') % (
        d.imei[0], d.imei[0], model_of(d))
    add("identifier", "OMA-DM 1.2 SyncML client-initiated session: IMEI:<digits> in Source LocURI and ./DevInfo/DevId.",
        "POST", "https://dm.example.com/omadm", [["Content-Type", "application/vnd.syncml.dm+xml"]], xml, d, ["imei"])
    p = PHONE
    body = jd({"deviceId": rid(), "policyVersion": 41,
               "hardwareInfo": {"manufacturer": "HMD Global", "model": "Nokia X30 5G", "serialNumber": p.serial,
                                "imei": p.imei[0], "imei2": p.imei[1], "meid": ""},
               "networkInfo": {"wifiMacAddress": p.mac.upper(), "imsi": p.imsi, "iccid": p.iccid,
                               "phoneNumber": p.phone, "networkOperator": "20601"},
               "softwareInfo": {"androidVersion": "14", "securityPatch": "2024-02-01"}})
    add("identifier", "EMM/MDM agent status check-in (Android Enterprise style JSON: hardwareInfo + networkInfo).",
        "PUT", "https://mdm.corp.example.com/api/v1/devices/status", [["Content-Type", "application/json"], ["Authorization", "Bearer " + b64url(bytes(R.randrange(256) for _ in range(24)))]],
        body, p, ["serial", "imei", "mac", "imsi", "iccid", "phone"])
    d = other("US")
    ic = d.iccid
    ic_sp = " ".join(ic[i:i + 4] for i in range(0, len(ic), 4))
    im = d.imei[0]
    im_sp = "%s %s %s %s" % (im[:2], im[2:8], im[8:14], im[14])
    plist = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
             '<plist version="1.0"><dict><key>CommandUUID</key><string>%s</string><key>QueryResponses</key><dict>'
             '<key>IMEI</key><string>%s</string><key>ICCID</key><string>%s</string><key>SerialNumber</key><string>%s</string>'
             '<key>WiFiMAC</key><string>%s</string><key>BluetoothMAC</key><string>%s</string><key>PhoneNumber</key><string>%s</string>'
             '<key>ModelName</key><string>iPhone</string><key>OSVersion</key><string>17.4</string></dict>'
             '<key>Status</key><string>Acknowledged</string><key>UDID</key><string>%s</string></dict></plist>') % (
        rid().upper(), im_sp, ic_sp, d.serial.upper(), d.mac, d.bt_mac, d.phone, "00008110-" + "0" * 16)
    add("identifier", "Apple MDM DeviceInformation command response (plist XML): space-grouped IMEI and ICCID, SerialNumber, Wi-Fi/Bluetooth MACs, PhoneNumber.",
        "PUT", "https://mdm.example.com/mdm/server", [["Content-Type", "application/x-apple-aspen-mdm"], ["User-Agent", "MDM/1.0"]],
        plist, d, ["imei", "iccid", "serial", "mac", "phone"])


# ---- E. OTA
@family
def fam_ota():
    d = other("CN")
    qs = form([("model", model_of(d)), ("sn", d.serial), ("imei", d.imei[0]), ("version", "V14.0.3.0"), ("channel", "stable"), ("lang", "zh_CN")])
    add("identifier", "Chinese OEM FOTA update check GET (query: model, sn, imei, version).",
        "GET", "http://update.ota.example.cn/updates/check?" + qs, [["User-Agent", ua(d)]], "", d, ["serial", "imei"])
    p = PHONE
    add("identifier", "Generic OTA client check with identity in headers: X-Device-Serial plain, IMEI only as SHA-256.",
        "GET", "https://fota.example.com/v1/firmware/latest?product=TA-1450&build=V2.310", [["X-Device-Serial", p.serial],
                                                                                             ["X-IMEI-Hash", sha256(p.imei[0])],
                                                                                             ["User-Agent", "FotaClient/3.2"]],
        "", p, ["serial"], ["imei"])

# ---- F. crash / logcat / bugreport / getprop
@family
def fam_crash():
    d = other("NL")
    b1, b2 = d.bssids[0], d.bssids[1]
    logcat = ("03-14 10:22:01.114  1432  1502 I RILJ    : [3862]< GET_DEVICE_IDENTITY {%s, %s, null, null} [PHONE0]\n"
              "03-14 10:22:01.300  1230  1298 D WifiClientModeImpl: CMD_START_CONNECT: networkId=3 targetBssid=%s\n"
              "03-14 10:22:01.877  1230  1298 D SupplicantStaIfaceHal: ASSOCIATED bssid=%s\n"
              "03-14 10:22:02.005  2231  2231 E AndroidRuntime: FATAL EXCEPTION: main\n"
              "03-14 10:22:02.005  2231  2231 E AndroidRuntime: java.lang.IllegalStateException: ui not ready\n") % (
        d.imei[0], d.imei[0][:14] + "07", b1, b2)
    bnd = "----WebKitFormBoundary" + hexs(16)
    body = multipart([("prod", None, None, "com.example.notes"), ("ver", None, None, "5.12.1"),
                      ("guid", None, None, hexs(32)),
                      ("logcat", "logcat.txt", "text/plain", logcat)], bnd)
    add("identifier", "Crashpad/Breakpad-style multipart crash upload with an attached logcat excerpt (RILJ device identity, Wi-Fi connect BSSIDs).",
        "POST", "https://crash.example.com/submit", [["Content-Type", "multipart/form-data; boundary=" + bnd]], body, d,
        ["imei", "wifi_bssid"])
    p = PHONE
    report = ("== dumpsys telephony.registry ==\n"
              "  mServiceState=0 0(IN_SERVICE) 0(IN_SERVICE) voice LTE data LTE Proximus Proximus 20601\n"
              "  mCellIdentity=CellIdentityLte:{ mCi=%d mPci=%d mTac=%d mEarfcn=6300 mBands=[20] mBandwidth=10000 mMcc=%s mMnc=%s mAlphaLong=Proximus}\n"
              "== dumpsys wifi ==\n"
              "  mWifiInfo SSID: \"<unknown ssid>\", BSSID: 02:00:00:00:00:00, MAC: %s, Supplicant state: DISCONNECTED\n"
              "== dumpsys isub ==\n"
              "  SubscriptionInfo: id=1 iccId=%s simSlotIndex=0 carrierId=1855 displayName=Proximus\n") % (
        p.eci, R.randrange(504), p.tac, p.mcc, p.mnc, p.mac, p.iccid)
    add("identifier", "Bugreport excerpt upload (dumpsys telephony.registry / wifi / isub text), gzip Content-Encoding.",
        "POST", "https://feedback.oem.example.com/upload/bugreport?slot=0", [["Content-Type", "text/plain; charset=utf-8"], ["Content-Encoding", "gzip"]],
        gz(report), p, ["cell_id", "mac", "iccid"])
    d = other("FR")
    body = jd({"event": {"type": "crash", "exception": "java.lang.NullPointerException", "thread": "main"},
               "customKeys": {"user_email": d.email, "android_id": d.android_id, "screen": "Checkout"},
               "app": {"version": "8.4.0", "build": 80400}})
    add("identifier", "Crash reporter event JSON with developer custom keys (user_email, android_id).",
        "POST", "https://reports.crashlytics.example.com/sdk-api/v1/platforms/android/events", [["Content-Type", "application/json"]], body, d,
        ["email", "android_id"])
    d = other("CN")
    props = ("[ro.product.model]: [%s]\n[ro.serialno]: [%s]\n[ro.boot.serialno]: [%s]\n[gsm.sim.operator.numeric]: [%s%s]\n"
             "[ril.iccid.sim1]: [%s]\n[persist.radio.imei1]: [%s]\n[ro.build.version.release]: [12]\n") % (
        model_of(d), d.serial, d.serial, d.mcc, d.mnc, d.iccid, d.imei[0])
    bnd = "Boundary-" + hexs(12)
    body = multipart([("type", None, None, "anr"), ("props", "getprop.txt", "text/plain", props)], bnd)
    add("identifier", "ANR diagnostics multipart with a getprop dump (ro.serialno, ril.iccid.sim1, persist.radio.imei1).",
        "POST", "http://diag.oem.example.cn/anr/upload", [["Content-Type", "multipart/form-data; boundary=" + bnd]], body, d,
        ["serial", "iccid", "imei"])


# ---- G. analytics SDKs
@family
def fam_analytics():
    p = PHONE
    batch = {"batch": [{"type": "track", "event": "Order Completed", "messageId": rid(), "timestamp": "2024-03-20T11:02:03.120Z",
                        "context": {"device": {"id": p.android_id, "advertisingId": p.ad_id, "adTrackingEnabled": True,
                                               "manufacturer": "HMD Global", "model": "Nokia X30 5G"},
                                    "traits": {"email": p.email}, "locale": "nl-BE"},
                        "properties": {"revenue": 23.5, "currency": "EUR"}}], "sentAt": "2024-03-20T11:02:04.001Z"}
    add("identifier", "Segment analytics-android batch: context.device.id (Android ID under a generic key), advertisingId, traits.email.",
        "POST", "https://api.segment.example.com/v1/batch", [["Content-Type", "application/json"], ["Content-Encoding", "gzip"]],
        gz(jd(batch)), p, ["ad_id", "email"], ["android_id"])
    d = other("DK")
    events = [{"event": "App Open", "properties": {"token": hexs(32), "distinct_id": "$device:" + rid(), "$os": "Android",
                                                    "$android_app_version": "3.2.0", "advertising_id": d.ad_id,
                                                    "$google_play_services": "available", "mp_lib": "android"}}]
    add("identifier", "Mixpanel-style /track form: data = base64 of the JSON event list, advertising_id property.",
        "POST", "https://api-eu.mixpanel.example.com/track/?ip=1", [["Content-Type", "application/x-www-form-urlencoded"]],
        form([("data", b64(jd(events)))]), d, ["ad_id"])
    d = other("CN")
    hdr = {"header": {"appkey": hexs(24), "channel": "huawei", "imei": d.imei[0], "mac": d.mac, "android_id": d.android_id,
                      "serial": d.serial, "idmd5": md5(d.imei[0]), "carrier": "中国移动", "resolution": "2400*1080",
                      "os_version": "12", "sdk_version": "9.6.3"}, "body": {"launch": [{"ts": 1710900000123}]}}
    add("identifier", "Umeng-style analytics envelope: zlib-compressed JSON header (imei, mac, android_id, serial) in an octet-stream POST.",
        "POST", "https://ulogs.umeng.example.cn/unify_logs", [["Content-Type", "application/octet-stream"], ["Msg-Type", "envelope/json"]],
        zl(jd(hdr)), d, ["imei", "mac", "android_id", "serial"])
    body = jd({"appKey": hexs(32).upper(), "deviceId": {"imeis": [p.imei[0], p.imei[1]], "imsi": p.imsi, "wifiMac": p.mac,
                                                       "androidId": p.android_id, "oaid": p.ad_id},
               "app": {"pkg": "com.example.shop", "ver": "6.1"}, "ts": 1710912345678})
    add("identifier", "TalkingData-style Chinese analytics SDK: deviceId object with imeis, imsi, wifiMac, androidId, oaid; gzip body.",
        "POST", "https://tdcv3.talkingdata.example.cn/g/d", [["Content-Type", "application/json"], ["Content-Encoding", "gzip"]],
        gz(body), p, ["imei", "imsi", "mac", "android_id", "ad_id"])
    ev = [{"distinct_id": p.android_id, "type": "track", "event": "$AppStart", "time": 1710912399000,
           "properties": {"$device_id": p.android_id, "$os": "Android", "$carrier": "Proximus", "$latitude": p.lat,
                          "$longitude": p.lon, "$wifi": True}}]
    add("identifier", "Sensors Analytics (神策) /sa form: data_list = base64(gzip(JSON)), gzip=1; $device_id is the Android ID, device GPS position.",
        "POST", "https://sa.sensorsdata.example.cn/sa?project=prod", [["Content-Type", "application/x-www-form-urlencoded"]],
        form([("crc", str(R.randrange(10**8, 10**9))), ("gzip", "1"), ("data_list", b64(gz(jd(ev))))]), p,
        ["location"], ["android_id"])
    d = other("BE")
    lines = [jd({"event": "screen_view", "user": {"email": d.email}, "ts": 1710912000000 + i}) for i in range(3)]
    add("identifier", "NDJSON analytics batch (one event per line) whose user object carries an e-mail address.",
        "POST", "https://collect.analytics.example.com/v2/ndjson", [["Content-Type", "application/x-ndjson"]],
        "\n".join(lines) + "\n", d, ["email"])


# ---- H. ad / attribution SDKs
@family
def fam_ads():
    d = other("DE")
    body = jd({"advertiserId": d.ad_id, "advertiserIdEnabled": "true", "uid": "1710912345678-%d" % R.randrange(10**18, 10**19),
               "app_version_name": "4.2.0", "deviceData": {"arch": "", "build_display_id": "UP1A.231005.007", "cpu_abi": "arm64-v8a"},
               "af_timestamp": "1710912345678", "counter": "1", "iaecounter": "0"})
    add("identifier", "AppsFlyer-style install/launch POST (advertiserId = GAID; uid is the SDK's own timestamp-random id).",
        "POST", "https://launches.appsflyer.example.com/api/v6.12/androidevent?app_id=com.example.game", [["Content-Type", "application/json"]],
        body, d, ["ad_id"])
    d = other("FR")
    body = form([("gps_adid", d.ad_id), ("gps_adid_src", "service"), ("android_uuid", rid()), ("tracking_enabled", "1"),
                 ("created_at", "2024-03-20T10:11:12.123Z+0100"), ("event_token", "abc123"), ("environment", "production")])
    add("identifier", "Adjust-style /event form (gps_adid; android_uuid is the SDK's random install UUID).",
        "POST", "https://app.adjust.example.com/event", [["Content-Type", "application/x-www-form-urlencoded"], ["Client-SDK", "android4.38.0"]],
        body, d, ["ad_id"])
    p = PHONE
    body = jd({"hardware_id": p.android_id, "is_hardware_id_real": True, "google_advertising_id": p.ad_id, "brand": "HMD Global",
               "model": "Nokia X30 5G", "os": "Android", "os_version": 34, "lat_val": 0, "branch_key": "key_live_" + hexs(24)})
    add("identifier", "Branch-style /v1/install: hardware_id (the Android ID, generic key), google_advertising_id, lat_val = limit-ad-tracking flag.",
        "POST", "https://api2.branch.example.com/v1/install", [["Content-Type", "application/json"]], body, p,
        ["ad_id"], ["android_id"])
    ortb = {"id": rid(), "imp": [{"id": "1", "banner": {"w": 320, "h": 50}}],
            "app": {"bundle": "com.example.news", "ver": "2.0"},
            "device": {"ifa": p.ad_id, "lmt": 0, "didsha1": sha1(p.imei[0]), "dpidmd5": md5(p.android_id),
                       "make": "HMD Global", "model": "Nokia X30 5G", "os": "android", "osv": "14", "carrier": "Proximus",
                       "mccmnc": "206-01", "geo": {"lat": p.lat, "lon": p.lon, "type": 1, "accuracy": 12}},
            "user": {"id": hexs(20)}}
    add("identifier", "OpenRTB 2.5 bid request: device.ifa, device.geo (type 1 = GPS), didsha1/dpidmd5 hashes of IMEI and Android ID.",
        "POST", "https://rtb.exchange.example.com/openrtb2/auction", [["Content-Type", "application/json"], ["x-openrtb-version", "2.5"]],
        jd(ortb), p, ["ad_id", "location"], ["imei", "android_id"])
    d = other("CN")
    inner = jd({"device": {"imei": d.imei[0], "oaid": d.ad_id, "mac": d.mac.upper(), "android_id": d.android_id,
                           "os_type": "android", "model": model_of(d)}, "ad_slot": {"id": "9" + digits(8), "count": 3}})
    add("identifier", "Chinese ad SDK bid request (Pangle-like): JSON-in-JSON, the device request base64-encoded in a 'message' field.",
        "POST", "https://api-access.pangle.example.cn/api/ad/union/sdk/get_ads/", [["Content-Type", "application/json"]],
        jd({"message": b64(inner), "cypher": 0, "ad_sdk_version": "5.8.0.8"}), d, ["imei", "ad_id", "mac", "android_id"])
    d = other("NL")
    qs = "ifa=%s&lmt=0&lat=%.6f&lon=%.6f&bundle=com.example.radio&w=320&h=480&ua=%s" % (
        d.ad_id, d.lat, d.lon, q(ua(d)))
    add("identifier", "Ad-server VAST/GET tag request with ifa and the device's GPS lat/lon in the query.",
        "GET", "https://ads.mediation.example.com/v2/vast?" + qs, [["User-Agent", ua(d)]], "", d, ["ad_id", "location"])

# ---- I. location SDKs (cell / Wi-Fi scans)
@family
def fam_location():
    p = PHONE
    body = {"homeMobileCountryCode": int(p.mcc), "homeMobileNetworkCode": int(p.mnc), "radioType": "lte", "carrier": "Proximus",
            "considerIp": False,
            "cellTowers": [{"cellId": p.eci, "locationAreaCode": p.tac, "mobileCountryCode": int(p.mcc), "mobileNetworkCode": int(p.mnc),
                            "signalStrength": -88}, {"cellId": p.nbr_eci[0], "locationAreaCode": p.tac, "mobileCountryCode": int(p.mcc),
                                                     "mobileNetworkCode": int(p.mnc), "signalStrength": -101}],
            "wifiAccessPoints": [{"macAddress": b, "signalStrength": -40 - 7 * i, "channel": 36 + 4 * i} for i, b in enumerate(p.bssids[:3])]}
    add("identifier", "Google Geolocation API request (geolocate): serving + neighbour LTE cells and scanned Wi-Fi access points.",
        "POST", "https://www.googleapis.example.com/geolocation/v1/geolocate?key=AIza" + b64url(bytes(R.randrange(256) for _ in range(26))),
        [["Content-Type", "application/json"]], jd(body), p, ["cell_id", "wifi_bssid"])
    d = other("DE")
    item = {"timestamp": 1710912345000, "position": {"latitude": d.lat, "longitude": d.lon, "accuracy": 9.5, "altitude": 41.0, "source": "gps"},
            "cellTowers": [{"radioType": "lte", "mobileCountryCode": int(d.mcc), "mobileNetworkCode": int(d.mnc), "locationAreaCode": d.tac,
                            "cellId": d.eci, "primaryScramblingCode": 211, "signalStrength": -92, "serving": 1}],
            "wifiAccessPoints": [{"macAddress": b.replace(":", ""), "signalStrength": -55, "frequency": 2437} for b in d.bssids[:2]]}
    add("identifier", "Mozilla Location Service / ichnaea geosubmit v2 (gzip): GPS position with cell and Wi-Fi observations (BSSIDs without separators).",
        "POST", "https://location.services.example.com/v2/geosubmit?key=test", [["Content-Type", "application/json"], ["Content-Encoding", "gzip"]],
        gz(jd({"items": [item]})), d, ["location", "cell_id", "wifi_bssid"])
    d = other("CN")
    macs = "*".join("%s,%d,%s" % (b, -45 - 6 * i, "TP-LINK_%s" % hexs(4).upper()) for i, b in enumerate(d.bssids[:3]))
    body = form([("imei", d.imei[0]), ("cdma", "0"), ("gtype", "lte"), ("cgi", "%s|%s|%d|%d|-89" % (d.mcc, d.mnc, d.tac, d.eci)),
                 ("macs", macs), ("mmac", "%s,-45,CMCC-%s" % (d.bssids[0], hexs(4))), ("output", "json"), ("key", hexs(32))])
    add("identifier", "Amap-style Chinese network location request (form): imei, cgi = mcc|mnc|tac|ci|rssi, macs = '*'-joined BSSID,rssi,ssid.",
        "POST", "http://apilocate.amap.example.cn/position", [["Content-Type", "application/x-www-form-urlencoded"]], body, d,
        ["imei", "cell_id", "wifi_bssid"])
    d = other("AT")
    body = jd({"token": "pk." + hexs(32), "radio": "gsm", "mcc": int(d.mcc), "mnc": int(d.mnc),
               "cells": [{"lac": R.randrange(1000, 65000), "cid": R.randrange(1000, 65000)}],
               "wifi": [{"bssid": d.bssids[0].upper()}, {"bssid": d.bssids[1].upper()}], "address": 1})
    add("identifier", "Unwired Labs / OpenCelliD-style process.php geolocation request: GSM lac/cid and Wi-Fi BSSIDs.",
        "POST", "https://eu1.unwiredlabs.example.com/v2/process.php", [["Content-Type", "application/json"]], body, d,
        ["cell_id", "wifi_bssid"])
    body = form([("latitude", "%.6f" % p.lat), ("longitude", "%.6f" % p.lon), ("accuracy", "14"), ("deviceId", rid()),
                 ("userId", p.email), ("adId", p.ad_id), ("foreground", "true"), ("stopped", "false"), ("deviceType", "Android")])
    add("identifier", "Radar-style geofencing SDK track call (PUT form): latitude/longitude/accuracy, userId = e-mail, adId.",
        "PUT", "https://api.radar.example.com/v1/track", [["Content-Type", "application/x-www-form-urlencoded"]], body, p,
        ["location", "email", "ad_id"])
    d = other("BE")
    rows = ["bssid,ssid,rssi,freq,connected"] + ["%s,%s,%d,%d,%d" % (b.upper(), "telenet-" + hexs(5).upper(), -50 - 5 * i, 5180, int(i == 0))
                                                 for i, b in enumerate(d.bssids)]
    add("identifier", "Wi-Fi scan diagnostics CSV upload (bssid,ssid,rssi,freq,connected).",
        "POST", "https://wifi-diag.isp.example.com/scan", [["Content-Type", "text/csv"]], "\n".join(rows) + "\n", d, ["wifi_bssid"])


# ---- J. push registration
@family
def fam_push():
    d = other("CN")
    body = jd({"appkey": hexs(24), "platform": "a", "imei": d.imei[0], "imsi": d.imsi, "androidId": d.android_id,
               "wifiMac": d.mac, "serialNumber": d.serial, "sdkVersion": "5.2.0"})
    add("identifier", "JPush-style push registration JSON (imei, imsi, androidId, wifiMac, serialNumber).",
        "POST", "https://sdk-reg.jpush.example.cn/v3/register", [["Content-Type", "application/json"]], body, d,
        ["imei", "imsi", "android_id", "mac", "serial"])
    d = other("FR")
    body = jd({"deviceId": d.imei[0], "deviceIdType": 0, "appId": str(R.randrange(10**8, 10**9)), "packageName": "com.example.mail",
               "tokenType": "push"})
    add("identifier", "HMS-style push token request: deviceId with deviceIdType 0 (= IMEI).",
        "POST", "https://push-api.cloud.huawei.example.com/v1/token", [["Content-Type", "application/json"]], body, d, ["imei"])
    d = other("CN")
    body = form([("appid", hexs(20)), ("cid", hexs(32)), ("imei", d.imei[0]), ("mac", d.mac.replace(":", "").upper()),
                 ("imsi", d.imsi), ("brand", "vivo"), ("sv", "3.2.10")])
    add("identifier", "Getui-style push client login form (imei, colon-less MAC, imsi; cid is the push client id).",
        "POST", "http://sdk.open.getui.example.cn/api.php?format=form", [["Content-Type", "application/x-www-form-urlencoded"]], body, d,
        ["imei", "mac", "imsi"])


# ---- K. messaging sign-up
@family
def fam_messaging():
    p = PHONE
    body = jd({"number": p.phone, "pushToken": hexs(11) + ":APA91b" + b64url(bytes(R.randrange(256) for _ in range(60))),
               "pushTokenType": "fcm", "mcc": p.mcc, "mnc": p.mnc})
    add("identifier", "Signal-style POST /v1/verification/session (E.164 number, FCM token, mcc/mnc).",
        "POST", "https://chat.signal.example.org/v1/verification/session", [["Content-Type", "application/json"]], body, p, ["phone"])
    national = p.phone[3:]
    qs = form([("cc", "32"), ("in", national), ("method", "sms"), ("mcc", p.mcc), ("mnc", "00" + p.mnc[-1]), ("lg", "nl"), ("lc", "BE"),
               ("id", q(bytes(R.randrange(256) for _ in range(20)).decode("latin-1"))), ("token", b64(bytes(R.randrange(256) for _ in range(20))))])
    add("identifier", "WhatsApp-style /v2/code registration GET: country code and national number in separate parameters (cc, in).",
        "GET", "https://v.whatsapp.example.net/v2/code?" + qs, [["User-Agent", "WhatsApp/2.24.6.77 A"]], "", p, [], ["phone"])
    d = other("FR")
    nat = "0" + d.phone[3:]
    nat_sp = " ".join([nat[:2]] + [nat[i:i + 2] for i in range(2, 10, 2)])
    body = form([("phone", nat_sp), ("countryCode", "FR"), ("lang", "fr"), ("via", "sms")])
    add("identifier", "Messenger sign-up form with a French national-format number (0X XX XX XX XX) plus countryCode.",
        "POST", "https://reg.messenger.example.com/signup/start", [["Content-Type", "application/x-www-form-urlencoded"]], body, d, ["phone"])
    d = other("DK")
    body = jd({"email": d.email, "password": "", "passwordHash": sha256("hunter2" + hexs(8)), "device": {"model": model_of(d), "os": "Android 14"},
               "marketingOptIn": False})
    add("identifier", "E-mail sign-up JSON for a messaging service.", "POST", "https://accounts.im.example.com/v1/signup",
        [["Content-Type", "application/json"]], body, d, ["email"])

# ---- L. wearables / IoT over raw TCP and UDP
def bcd_imei(imei: str) -> bytes:
    s = "0" + imei
    return bytes(int(s[i:i + 2], 16) for i in range(0, 16, 2))


@family
def fam_iot():
    d = other("CN")
    dev_no = digits(10)
    wifis = "&".join("%s,%s,%d" % ("ChinaNet-" + hexs(4), b, -50 - 4 * i) for i, b in enumerate(d.bssids[:3]))
    payload = ("UD,200324,134652,A,%.6f,N,%.6f,E,0.00,0,0,8,100,85,0,0,00000000,1,1,%s,%s,%d,%d,-71,3,%s,0.0" % (
        d.lat, d.lon, d.mcc, d.mnc, d.tac, d.eci, wifis))
    msg = "[3G*%s*%04X*%s]" % (dev_no, len(payload), payload)
    add("identifier", "Kids-smartwatch '3G*' TCP text protocol UD report: GPS fix, serving cell (mcc,mnc,lac,ci) and Wi-Fi BSSIDs.",
        "TCP", "tcp://watch.gateway.example.cn:8001/", [], msg, d, ["location", "cell_id", "wifi_bssid"])
    d = other("BE")
    body = bytes([0x78, 0x78, 0x0D, 0x01]) + bcd_imei(d.imei[0]) + bytes([0x00, 0x01, 0x8C, 0xDD, 0x0D, 0x0A])
    add("identifier", "GT06 GPS-tracker login packet over TCP: 0x7878 start, protocol 0x01, IMEI as 8-byte BCD.",
        "TCP", "tcp://tracker.fleet.example.com:5023/", [], body, d, ["imei"])
    d = other("DK")
    body = bytes([0x00, 0x0F]) + d.imei[0].encode()
    add("identifier", "Teltonika FMB Codec 8 session opening over TCP: 2-byte length + IMEI as ASCII.",
        "TCP", "tcp://fmb.telematics.example.com:5027/", [], body, d, ["imei"])
    d = other("CN")
    path = b"rd"
    opts = bytes([0xB2]) + path + bytes([0x11, 0x28])  # Uri-Path 'rd' (11), Content-Format 40 (12)
    qv = ("ep=urn:imei:%s" % d.imei[0]).encode()
    opts += bytes([0x3D, len(qv) - 13]) + qv  # Uri-Query (15) delta 3, extended length
    for extra in (b"lt=86400", b"lwm2m=1.1", b"b=U"):
        opts += bytes([0x00 | len(extra)]) + extra
    coap = bytes([0x42, 0x02, 0x1A, 0x2B, 0xA1, 0xB2]) + opts + b"\xff" + b"</1/0>,</3/0>,</4/0>,</5/0>"
    add("identifier", "LwM2M Register over CoAP/UDP (NB-IoT module): endpoint name urn:imei:<IMEI> in Uri-Query.",
        "UDP", "udp://lwm2m.iot.example.com:5683/", [], coap, d, ["imei"])
    d = other("NL")
    body = jd({"t": "hb", "mac": d.mac.upper(), "imsi": d.imsi, "iccid": d.iccid, "rssi": -71, "bat": 88})
    add("identifier", "Smart-band LTE-M hub heartbeat as a JSON datagram over UDP (own mac, imsi, iccid).",
        "UDP", "udp://hb.wearable.example.com:9020/", [], body, d, ["mac", "imsi", "iccid"])
    d = other("DE")
    cid = ("dev_" + d.imei[0]).encode()
    var = b"\x00\x04MQTT\x04\x02\x00\x3c"
    pl = varint(0) if False else b""
    pl = len(cid).to_bytes(2, "big") + cid
    conn = bytes([0x10]) + varint(len(var) + len(pl)) + var + pl
    topic = ("devices/%s/telemetry" % d.imei[0]).encode()
    msg = jd({"iccid": d.iccid, "lat": d.lat, "lon": d.lon, "spd": 0}).encode()
    pub = bytes([0x30]) + varint(2 + len(topic) + len(msg)) + len(topic).to_bytes(2, "big") + topic + msg
    add("identifier", "MQTT 3.1.1 CONNECT + PUBLISH over TCP: client id and topic embed the IMEI; payload JSON with iccid and GPS position.",
        "TCP", "tcp://mqtt.iot.example.com:1883/", [], conn + pub, d, ["imei", "iccid", "location"])
    d = other("AT")
    body = jd({"sim": {"iccid": d.iccid, "imsi": d.imsi}, "fw": "1.4.2"}).encode().hex()
    add("identifier", "Pet-tracker SIM report over TCP: ASCII-hex encoding of a JSON object (iccid, imsi).",
        "TCP", "tcp://pettrack.example.com:7700/", [], body, d, ["iccid", "imsi"])


# ---- M. smart TV / streaming
@family
def fam_tv():
    d = other("BE")
    d.ip = "10.44.1.%d" % (len(OTHERS) + 10)
    body = jd({"duid": "TV" + hexs(10).upper(), "serialNumber": d.serial, "wifiMac": d.mac, "ethMac": d.bt_mac,
               "ifa": d.ad_id, "ifa_type": "tifa", "model": "QE55Q80C", "firmware": "T-PTMAKUC-1301.5"})
    add("identifier", "Smart-TV (Tizen-like) device registration: serialNumber, Wi-Fi and Ethernet MACs, ifa (TIFA).",
        "POST", "https://tv-reg.example.com/v1/device/register", [["Content-Type", "application/json"]], body, d,
        ["serial", "mac", "ad_id"])
    d = other("US")
    qs = form([("serial", d.serial), ("rida", d.ad_id), ("lat", "0"), ("model", "3941X"), ("fw", "12.5.0.4178")])
    add("identifier", "Streaming stick (Roku-like) ping GET: serial and rida (advertising id); lat=0 is limit-ad-tracking, not latitude.",
        "GET", "https://cooper.stream.example.com/ping?" + qs, [["User-Agent", "Roku/DVP-12.5"]], "", d, ["serial", "ad_id"])


# ---- N. in-car telematics
@family
def fam_car():
    d = other("FR")
    body = jd({"vehicleId": "veh-%d" % R.randrange(1000, 9999), "tcu": {"imei": d.imei[0], "iccid": d.iccid, "msisdn": d.phone},
               "position": {"lat": d.lat, "lon": d.lon, "heading": 182, "speedKmh": 47.5}, "odometerKm": 48211})
    add("identifier", "Connected-car TCU status PUT (JSON: tcu imei/iccid/msisdn, GPS position).",
        "PUT", "https://telematics.oem-auto.example.com/v2/vehicles/status", [["Content-Type", "application/json"]], body, d,
        ["imei", "iccid", "phone", "location"])
    d = other("DE")
    core = "$TLM,%s,200324134652,%.5f,%.5f,0.0,%d" % (d.imei[0], d.lat, d.lon, d.eci)
    cs = 0
    for ch in core[1:]:
        cs ^= ord(ch)
    add("identifier", "Aftermarket car tracker NMEA-like CSV sentence over UDP ($TLM,imei,time,lat,lon,speed,eci*checksum).",
        "UDP", "udp://tlm.carbox.example.com:21000/", [], "%s*%02X\r\n" % (core, cs), d, ["imei", "location", "cell_id"])


# ---- O. fraud-prevention fingerprints
@family
def fam_fraud():
    p = PHONE
    fp = {"androidId": p.android_id, "serial": "unknown", "wifiMac": "02:00:00:00:00:00", "bssid": p.bssids[0],
          "imei": "", "simSerial": p.iccid, "rooted": False, "emulator": False, "tz": "Europe/Brussels"}
    add("identifier", "Fraud-prevention SDK fingerprint in an X-Device-Fingerprint header (base64url JSON): androidId, connected AP bssid, simSerial (= ICCID); placeholders for serial/MAC.",
        "POST", "https://risk.payments.example.com/v1/assess", [["Content-Type", "application/json"], ["X-Device-Fingerprint", b64url(jd(fp))]],
        jd({"amount": 4999, "currency": "EUR", "orderRef": "ORD-%d" % R.randrange(10**6, 10**7)}), p,
        ["android_id", "wifi_bssid", "iccid"])
    d = other("NL")
    risk = jd({"gaid": d.ad_id, "device_serial": d.serial, "phone_number": d.phone, "screen": "1080x2400"})
    body = "session=%s&risk_data=%s" % (hexs(16), q(q(risk)))
    add("identifier", "Risk SDK login form whose risk_data field is double URL-encoded JSON (gaid, device_serial, phone_number).",
        "POST", "https://login.bank.example.com/auth/risk", [["Content-Type", "application/x-www-form-urlencoded"]], body, d,
        ["ad_id", "serial", "phone"])
    body = jd({"imei_sha256": sha256(p.imei[0]), "mac_md5": md5(p.mac.replace(":", "").upper()), "android_id": p.android_id,
               "risk_v": 3})
    add("identifier", "Anti-fraud device fingerprint: plain android_id, IMEI as SHA-256 and MAC (upper-case, no colons) as MD5.",
        "POST", "https://fp.antifraud.example.com/collect", [["Content-Type", "application/json"]], body, p,
        ["android_id"], ["imei", "mac"])
    tok = jwt({"iss": "devicecheck.example.com", "sub": rid(), "imei": p.imei[1], "exp": 1710999999, "iat": 1710913599})
    add("identifier", "Device attestation bearer JWT whose payload carries an imei claim.",
        "GET", "https://api.wallet.example.com/v1/cards", [["Authorization", "Bearer " + tok], ["Accept", "application/json"]], "", p, ["imei"])
    add("identifier", "Cookie header set by an ad SDK web view: _gaid cookie plus a did cookie holding the Android ID.",
        "GET", "https://m.news.example.com/article/48213", [["Cookie", "sess=%s; _gaid=%s; did=%s; theme=dark" % (hexs(24), p.ad_id, p.android_id)],
                                                           ["User-Agent", ua(p)]], "", p, ["ad_id"], ["android_id"])


# ---- P. diagnostics / checkin
@family
def fam_diag():
    d = other("AT")
    body = jd({"serverId": 24371, "download": 187.4, "upload": 41.2,
               "device": {"cellId": d.eci, "pci": 211, "tac": d.tac, "earfcn": 1300, "rsrp": -97},
               "location": {"latitude": d.lat, "longitude": d.lon, "accuracy": 6.0}})
    add("identifier", "Speed-test result upload (JSON: serving cellId/pci/tac and device GPS location).",
        "POST", "https://results.speedtest.example.com/v3/results", [["Content-Type", "application/json"]], body, d, ["cell_id", "location"])
    d = other("BE")
    body = "imsi=%s;iccid=%s;msisdn=%s;rat=LTE;eci=%d;rsrq=-11\n" % (d.imsi, d.iccid, d.phone, d.eci)
    add("identifier", "Modem field-test diagnostics in key=value;… text (imsi, iccid, msisdn, eci).",
        "POST", "http://fieldtest.vendor.example.com/upload", [["Content-Type", "text/plain"]], body, d, ["imsi", "iccid", "phone", "cell_id"])
    p = PHONE
    chk = pb((1, p.imei[0]), (2, R.randrange(1 << 62)), (3, "1-" + sha1("digest")),
             (4, pb((1, "google/nokia/X30:14/UP1A.231005.007"), (2, 1710913599000))),
             (9, p.mac.replace(":", "")), (12, "Europe/Brussels"), (14, 3), (16, p.serial), (19, "wifi"))
    add("identifier", "Android checkin (AndroidCheckinRequest) hand-encoded protobuf, gzip Content-Encoding: imei (field 1), mac_addr (9, colon-less hex), serial_number (16, no key name on the wire).",
        "POST", "https://android.clients.google.example.com/checkin", [["Content-Type", "application/x-protobuffer"], ["Content-Encoding", "gzip"]],
        gz(chk), p, ["imei", "mac"], ["serial"])
    d = other("CN")
    body = jd({"meid": d.meid, "esn": "", "prl": "20101", "model": model_of(d)})
    add("identifier", "CDMA device registration (carrier DM) JSON with the 14-hex MEID.",
        "POST", "https://dm.ctcc.example.cn/cdma/reg", [["Content-Type", "application/json"]], body, d, ["meid"])
    d = other("US")
    mdec = "%010d%08d" % (int(d.meid[:8], 16), int(d.meid[8:], 16))
    body = form([("meid_dec", mdec), ("activation", "1")])
    add("identifier", "US carrier activation form with the MEID in its 18-digit decimal form.",
        "POST", "https://activate.carrier.example.com/cdma", [["Content-Type", "application/x-www-form-urlencoded"]], body, d, ["meid"])

# ======================================================================= benign look-alikes
def luhn_num(prefix: str, n: int) -> str:
    b = prefix + digits(n - 1 - len(prefix))
    return b + luhn.calc_check_digit(b)


def bclient(i: int) -> str:
    return PHONE_IP if i % 4 == 0 else "10.44.1.%d" % (150 + i % 40)


def badd(i, source, method, url, headers, body):
    add("benign", source, method, url, headers, body, client_ip=bclient(i), corpus_phone=False)


@family
def fam_benign_numbers():
    i = 0
    for pre in ("4", "5", "37", "6011"):
        card = luhn_num(pre, 16 if pre != "37" else 15)
        badd(i, "Payment tokenisation test request: Luhn-valid test card number (PAN) in a card field, not a device id.", "POST",
             "https://pay.psp.example.com/v1/tokens", [["Content-Type", "application/json"]],
             jd({"card": {"number": card, "exp_month": 12, "exp_year": 2027, "cvc": "123"}, "amount": 1299}))
        i += 1
    for k in ("orderId", "invoiceNumber", "parcelId"):
        v = luhn_num(R.choice(["52", "71", "64"]), 15)
        badd(i, "E-commerce order status: 15-digit Luhn-valid %s (merchant number space, not an IMEI)." % k, "GET",
             "https://shop.example.com/api/orders/%s?%s=%s" % (v, k, v), [["Accept", "application/json"]], "")
        i += 1
    for unit, n in (("ms", 13), ("us", 16), ("ns", 19)):
        ts = {"ms": 1710912345678, "us": 1710912345678901, "ns": 1710912345678901234}[unit]
        badd(i, "Telemetry beacon with %s-resolution epoch timestamps (%d digits)." % (unit, n), "POST",
             "https://telemetry.example.com/v1/beat", [["Content-Type", "application/json"]],
             jd({"t_%s" % unit: ts, "seq": R.randrange(10**6), "dur_%s" % unit: R.randrange(10**5, 10**7)}))
        i += 1
    snow = [str((1710912345678 - 1288834974657) << 22 | R.randrange(1 << 22)) for _ in range(3)]
    badd(i, "Social timeline GET with snowflake ids (19 digits) in since_id/max_id.", "GET",
         "https://api.social.example.com/2/timeline?since_id=%s&max_id=%s" % (snow[0], snow[1]), [["Authorization", "Bearer " + hexs(40)]], "")
    i += 1
    badd(i, "Bank transfer form: Belgian IBAN and structured communication (mod-97), amounts.", "POST",
         "https://bank.example.be/api/transfer", [["Content-Type", "application/x-www-form-urlencoded"]],
         form([("iban", "BE68539007547034"), ("bic", "GKCCBEBB"), ("comm", "+++090/9337/55493+++"), ("amount", "42.50")]))
    i += 1
    gtins = []
    for _ in range(3):
        b = "54" + digits(10)
        s = sum(int(c) * (3 if k % 2 else 1) for k, c in enumerate(b))
        gtins.append(b + str((10 - s % 10) % 10))
    badd(i, "Retail scan-and-go basket: GTIN-13 barcodes (GS1 Belgium prefix 54).", "POST",
         "https://scan.retail.example.com/basket", [["Content-Type", "application/json"]],
         jd({"items": [{"gtin": g, "qty": 1} for g in gtins], "store": 117}))
    i += 1
    badd(i, "Parcel tracking query: 15- and 20-digit shipment numbers that are neither IMEIs nor ICCIDs.", "GET",
         "https://track.parcel.example.com/api/v1/track?ids=%s,%s" % ("32" + digits(18), "1Z" + hexs(16).upper()), [], "")
    i += 1
    badd(i, "Device info with placeholder identifiers only (IMEI all zeros, serial 'unknown', MAC 02:00:00:00:00:00, zero GAID).", "POST",
         "https://config.app.example.com/v1/bootstrap", [["Content-Type", "application/json"]],
         jd({"imei": "000000000000000", "serial": "unknown", "mac": "02:00:00:00:00:00", "gaid": "00000000-0000-0000-0000-000000000000",
             "limitAdTracking": True, "imsi": "", "iccid": "00000000000000000000"}))
    i += 1
    badd(i, "Self-registration style JSON from a phone without SIM: IMSI placeholders 111111111111111/222222222222222, empty ICCIDs, no IMEI.", "POST",
         "https://reg.oem.example.com/selfreg", [["Content-Type", "application/json"]],
         jd({"REGVER": "8.0", "SIM1CDMAIMSI": "111111111111111", "SIM2CDMAIMSI": "222222222222222", "SIM1ICCID": "", "IMEI1": "",
             "MACID": "", "MODEL": "TA-1450", "REGDATE": "2024-03-20 09:00:00"}))
    i += 1
    badd(i, "Stats ping with 15-digit counters whose MCC prefix is unallocated (not IMSIs) and a non-Luhn 15-digit number starting 35.", "GET",
         "https://stats.example.com/p?bytes_rx=%s&bytes_tx=%s&ref=%s" % ("123" + digits(12), "987" + digits(12), (lambda b: b + str((int(luhn.calc_check_digit(b)) + 3) % 10))("35" + digits(12))), [], "")


@family
def fam_benign_ids():
    i = 100
    for _ in range(3):
        badd(i, "API call with request-id/trace headers (UUIDv4 X-Request-ID, W3C traceparent, idempotency key).", "POST",
             "https://api.payments.example.com/v2/charges", [["X-Request-ID", rid()], ["traceparent", "00-%s-%s-01" % (hexs(32), hexs(16))],
                                                               ["Idempotency-Key", rid()], ["Content-Type", "application/json"]],
             jd({"amount": R.randrange(100, 9999), "currency": "EUR", "event_id": rid()}))
        i += 1
    badd(i, "Sentry-style event envelope: event_id/sdk uuid hex and release hashes.", "POST",
         "https://o1.ingest.sentry.example.io/api/7/envelope/".replace(".io/", ".com/"), [["Content-Type", "application/x-sentry-envelope"]],
         "\n".join([jd({"event_id": hexs(32), "sent_at": "2024-03-20T11:00:00Z"}), jd({"type": "event"}),
                    jd({"release": "app@5.1.0+" + hexs(40), "level": "error", "message": "timeout"})]) + "\n")
    i += 1
    badd(i, "Content download with ETag (SHA-1), Content-MD5 and If-None-Match, body sha256 manifest.", "GET",
         "https://cdn.assets.example.com/bundles/%s.js" % hexs(64), [["If-None-Match", '"%s"' % hexs(40)], ["Content-MD5", b64(bytes(R.randrange(256) for _ in range(16)))]], "")
    i += 1
    badd(i, "Signed API request: HMAC-SHA256 signature, nonce and 16-hex session token in query.", "GET",
         "https://open.api.example.cn/v1/goods?app_key=%s&nonce=%s&session=%s&sign=%s" % (digits(8), hexs(16), hexs(16), hexs(64).upper()), [], "")
    i += 1
    badd(i, "Git-over-HTTP upload-pack negotiation with 40-hex object ids.", "POST",
         "https://git.example.com/org/repo.git/git-upload-pack", [["Content-Type", "application/x-git-upload-pack-request"]],
         "".join("0032want %s\n" % hexs(40) for _ in range(3)) + "00000009done\n")
    i += 1
    badd(i, "App config fetch: theme colours (#rrggbb, 0xAARRGGBB), semantic versions and build ids.", "GET",
         "https://config.app.example.com/v3/theme?primary=%23" + hexs(6) + "&accent=ff" + hexs(6) + "&v=14.2.0.123&build=UP1A.231005.007", [], "")
    i += 1
    badd(i, "Design tokens JSON with many hex colours and version strings.", "POST", "https://design.example.com/tokens",
         [["Content-Type", "application/json"]],
         jd({"colors": {"bg": "#" + hexs(6), "fg": "#" + hexs(6).upper(), "mask": "0x" + hexs(8).upper()}, "schema": "2.11.4", "sdk": "34.0.0"}))
    i += 1
    badd(i, "Firmware manifest with SHA-256 digests and MD5 checksum of update packages.", "GET",
         "https://fw.example.com/manifest.json?sha256=%s&md5=%s" % (hexs(64), hexs(32)), [], "")
    i += 1
    badd(i, "OAuth token refresh: opaque refresh token, client id, PKCE verifier.", "POST", "https://auth.example.com/oauth/token",
         [["Content-Type", "application/x-www-form-urlencoded"]],
         form([("grant_type", "refresh_token"), ("refresh_token", b64url(bytes(R.randrange(256) for _ in range(48)))),
               ("client_id", "app-" + hexs(16)), ("code_verifier", b64url(bytes(R.randrange(256) for _ in range(32))))]))
    i += 1
    tok = jwt({"iss": "auth.example.com", "sub": rid(), "scope": "read write", "exp": 1710999999, "jti": rid()})
    badd(i, "API call with an ordinary bearer JWT (sub/jti UUIDs, no device claims).", "GET", "https://api.example.com/v1/me/settings",
         [["Authorization", "Bearer " + tok]], "")
    i += 1
    badd(i, "Google Analytics Measurement Protocol hit: cid is a client id (random.timestamp), not a cell id.", "POST",
         "https://www.google-analytics.example.com/collect", [["Content-Type", "application/x-www-form-urlencoded"]],
         form([("v", "1"), ("tid", "UA-%d-1" % R.randrange(10**7, 10**8)), ("cid", "%d.%d" % (R.randrange(10**9, 2 * 10**9), 1710912345)),
               ("t", "pageview"), ("dp", "/home")]))
    i += 1
    badd(i, "Media streaming request: cid = content id, ci = chunk index, lac = language audio code.", "GET",
         "https://vod.example.com/stream?cid=%d&ci=%d&lac=nld&bitrate=4500000" % (R.randrange(10**6, 10**8), R.randrange(1, 900)), [], "")


@family
def fam_benign_places():
    i = 200
    places = [(50.8467, 4.3525, "Grote Markt Brussel"), (51.2211, 4.3997, "Groenplaats Antwerpen"), (51.0538, 3.7250, "Korenmarkt Gent"),
              (48.8584, 2.2945, "Tour Eiffel"), (55.6736, 12.5681, "Rådhuspladsen")]
    for lat, lon, name in places[:3]:
        badd(i, "Geocoding search for a named place (query text), no device position.", "GET",
             "https://geocode.maps.example.com/search?q=%s&format=json&limit=5" % q(name), [], "")
        i += 1
        badd(i, "Geocoding response-side reuse: route request to a destination place (to=lat,lon), origin 'current' left to server.", "GET",
             "https://routing.example.com/v1/route?to=%.5f,%.5f&mode=transit&origin=unknown" % (lat, lon), [], "")
        i += 1
    for lat, lon, _ in places[3:]:
        badd(i, "Store locator: coordinates of stores returned in a query for nearby shops around a city centre (rounded to 2 decimals).", "POST",
             "https://stores.retail.example.com/api/nearby", [["Content-Type", "application/json"]],
             jd({"center": {"lat": round(lat, 2), "lon": round(lon, 2)}, "radiusKm": 25,
                 "stores": [{"id": 11, "lat": lat + 0.0031, "lon": lon - 0.0042}, {"id": 12, "lat": lat - 0.0101, "lon": lon + 0.0077}]}))
        i += 1
    for z, x, y in ((15, 16778, 10972), (12, 2097, 1371), (17, 67111, 43890)):
        badd(i, "Map tile fetch (z/x/y slippy tile path).", "GET", "https://tile.maps.example.com/%d/%d/%d.png?style=bright" % (z, x, y), [], "")
        i += 1
    badd(i, "Weather widget for a saved city area (bounding box of Wallonia, 1 decimal).", "GET",
         "https://weather.example.com/v1/forecast?bbox=2.8,49.5,6.4,50.8&units=metric", [], "")
    i += 1
    badd(i, "Event listing with venue coordinates (a concert hall), not the device.", "GET",
         "https://events.example.com/api/events/8812", [["Accept", "application/json"]], "")
    i += 1
    badd(i, "Delivery app: restaurant and drop-off address geometry entered by the user (destination).", "POST",
         "https://food.example.com/api/quote", [["Content-Type", "application/json"]],
         jd({"restaurant": {"lat": 51.0491, "lon": 3.7300}, "dropoff": {"street": "Veldstraat 1", "city": "Gent", "lat": 51.0520, "lon": 3.7220}}))


@family
def fam_benign_shapes():
    i = 300
    badd(i, "Connectivity check reporting IPv6 privacy addresses (documentation prefix 2001:db8::/32).", "POST",
         "https://netcheck.example.com/report", [["Content-Type", "application/json"]],
         jd({"v6": ["2001:db8:%s:%s::%s" % (hexs(4), hexs(4), hexs(4)), "2001:db8:0:1:%s:%s:%s:%s" % tuple(hexs(4) for _ in range(4))], "v4": "192.0.2.10"}))
    i += 1
    badd(i, "TLS pinning report: colon-separated SHA-1 and SHA-256 certificate fingerprints (20/32 byte, MAC-like groups).", "POST",
         "https://pinning.example.com/report", [["Content-Type", "application/json"]],
         jd({"sha1": ":".join(hexs(2).upper() for _ in range(20)), "sha256": ":".join(hexs(2).upper() for _ in range(32))}))
    i += 1
    badd(i, "mDNS/multicast config: multicast and broadcast MAC addresses (01:00:5e…, 33:33…, ff:ff…).", "POST",
         "https://iot-hub.example.com/net/filters", [["Content-Type", "application/json"]],
         jd({"allow": ["01:00:5e:00:00:fb", "33:33:00:00:00:fb", "ff:ff:ff:ff:ff:ff"], "deny": []}))
    i += 1
    badd(i, "Video editor export: SMPTE timecodes (hh:mm:ss:ff) and a 6-part time-range string.", "POST",
         "https://video.example.com/api/export", [["Content-Type", "application/json"]],
         jd({"in": "00:01:12:05", "out": "00:03:44:17", "range": "10:20:30:40:50:59"}))
    i += 1
    badd(i, "Bluetooth LE service discovery: 128-bit service UUIDs (Bluetooth SIG base UUID), not ad ids.", "POST",
         "https://ble.example.com/api/profiles", [["Content-Type", "application/json"]],
         jd({"services": ["0000180d-0000-1000-8000-00805f9b34fb", "0000180f-0000-1000-8000-00805f9b34fb"], "device": "HRM"}))
    i += 1
    badd(i, "Package resolution with e-mail-shaped strings that are not addresses (@scope/pkg@1.2.3, image@2x.png, name@sha256 digest).", "GET",
         "https://registry.example.com/resolve?pkg=%s&img=%s&ref=%s" % (q("@acme/ui@4.2.1"), q("logo@2x.png"), q("app@sha256:" + hexs(64))), [], "")
    i += 1
    badd(i, "Mail client sync: Message-ID / In-Reply-To tokens (angle-bracketed msgid@host), no participant addresses.", "POST",
         "https://mail.example.com/api/threads", [["Content-Type", "application/json"]],
         jd({"messageIds": ["<%s.%s@mx.example.com>" % (hexs(12), digits(10)), "<CA+%s@mail.example.org>" % b64url(bytes(R.randrange(256) for _ in range(12)))]}))
    i += 1
    badd(i, "Customer-support contact block: toll-free and short service numbers (0800, 112, 1813), not subscriber numbers.", "GET",
         "https://help.example.be/api/contact?hotline=%s&emergency=112&suicide=1813" % q("+32 800 12 345"), [], "")
    i += 1
    badd(i, "Flight booking: flight number, PNR, seat and a 13-digit e-ticket number (phone-shaped digits).", "POST",
         "https://air.example.com/api/checkin", [["Content-Type", "application/json"]],
         jd({"pnr": "K7Q" + hexs(3).upper(), "eticket": "082" + digits(10), "flight": "SN2583", "seat": "14C"}))
    i += 1
    badd(i, "Carrier info with MCC-MNC only (operator code, not subscriber id) and network type.", "GET",
         "https://cfg.app.example.com/v1/carrier?mccmnc=20601&name=Proximus&net=LTE&roaming=0", [], "")
    i += 1
    badd(i, "Device info without identifiers (model, OS, screen, battery, locale, timezone).", "POST",
         "https://telemetry.app.example.com/v1/device", [["Content-Type", "application/json"]],
         jd({"model": "Nokia X30 5G", "os": "14", "screen": "1080x2400", "battery": 67, "locale": "nl_BE", "tz": "Europe/Brussels", "ram": 6144}))
    i += 1
    badd(i, "Hex-encoded sensor readings (accelerometer frames) in a JSON field.", "POST",
         "https://fit.example.com/api/samples", [["Content-Type", "application/json"]],
         jd({"fmt": "int16le", "hex": bytes(R.randrange(256) for _ in range(48)).hex()}))


@family
def fam_benign_blobs():
    i = 400
    for n in (64, 256):
        badd(i, "Encrypted app envelope (AES-GCM-like random bytes) as application/octet-stream.", "POST",
             "https://sec.app.example.com/v1/e", [["Content-Type", "application/octet-stream"], ["X-Key-Id", "k" + digits(3)]],
             bytes(R.randrange(256) for _ in range(n)))
        i += 1
    badd(i, "Gzip-compressed benign JSON log batch (Content-Encoding gzip).", "POST", "https://logs.example.com/v1/batch",
         [["Content-Type", "application/json"], ["Content-Encoding", "gzip"]],
         gz(jd({"logs": [{"lvl": "info", "msg": "screen %d rendered in %dms" % (k, R.randrange(5, 90))} for k in range(20)]})))
    i += 1
    badd(i, "Zlib-compressed benign settings payload.", "POST", "https://sync.example.com/settings",
         [["Content-Type", "application/octet-stream"], ["Content-Encoding", "deflate"]],
         zl(jd({"darkMode": True, "fontScale": 1.15, "notifications": {"news": False, "promo": False}})))
    i += 1
    badd(i, "Base64 of a benign JSON config (feature flags) in a form field.", "POST", "https://flags.example.com/eval",
         [["Content-Type", "application/x-www-form-urlencoded"]], form([("ctx", b64(jd({"flags": ["new_ui", "fast_start"], "app": "7.1.0"})))]))
    i += 1
    badd(i, "Protobuf (hand-encoded) feed request with page size, cursor and locale only.", "POST", "https://feed.example.com/rpc/List",
         [["Content-Type", "application/x-protobuf"]], pb((1, 20), (2, b64url(bytes(R.randrange(256) for _ in range(18)))), (3, "nl-BE"), (4, 1710912345)))
    i += 1
    badd(i, "TLS 1.3 application-data records over raw TCP (opaque ciphertext).", "TCP", "tcp://chat.example.com:443/", [],
         bytes([0x17, 0x03, 0x03, 0x00, 0x60]) + bytes(R.randrange(256) for _ in range(96)))
    i += 1
    badd(i, "QUIC short-header packet over UDP (opaque).", "UDP", "udp://quic.cdn.example.com:443/", [],
         bytes([0x40 | R.randrange(64)]) + bytes(R.randrange(256) for _ in range(120)))
    i += 1
    dns = bytes([R.randrange(256), R.randrange(256), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0])
    for lab in ("time", "example", "com"):
        dns += bytes([len(lab)]) + lab.encode()
    dns += b"\x00\x00\x01\x00\x01"
    badd(i, "DNS A query over UDP for time.example.com.", "UDP", "udp://resolver.example.net:53/", [], dns)
    i += 1
    badd(i, "NTPv4 client request over UDP (48 bytes, transmit timestamp).", "UDP", "udp://ntp.example.net:123/", [],
         bytes([0x23]) + bytes(39) + bytes(R.randrange(256) for _ in range(8)))
    i += 1
    badd(i, "STUN Binding Request over UDP (magic cookie 0x2112A442, random transaction id).", "UDP", "udp://stun.example.com:3478/", [],
         bytes([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42]) + bytes(R.randrange(256) for _ in range(12)))
    i += 1
    badd(i, "MQTT PINGREQ and a PUBLISH of a benign sensor reading over TCP.", "TCP", "tcp://mqtt.home.example.com:1883/", [],
         b"\xc0\x00" + bytes([0x30]) + varint(2 + 17 + 11) + (17).to_bytes(2, "big") + b"home/livingroom/t" + b'{"t":21.375}'[:11])
    i += 1
    badd(i, "Smartwatch '3G*' keep-alive (LK) with step count and battery only, no position.", "TCP", "tcp://watch.gateway.example.cn:8001/", [],
         "[3G*%s*000D*LK,5210,0,87]" % digits(10))
    i += 1
    badd(i, "SSDP M-SEARCH multicast discovery over UDP (cast/DIAL).", "UDP", "udp://ssdp.example.com:1900/", [],
         "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: urn:dial-multiscreen-org:service:dial:1\r\n\r\n")
    i += 1
    badd(i, "Hex-encoded random challenge/response over TCP (custom auth handshake).", "TCP", "tcp://auth.iot.example.com:7000/", [],
         "HELLO " + bytes(R.randrange(256) for _ in range(32)).hex() + "\n")
    i += 1
    bnd = "----b" + hexs(12)
    badd(i, "Multipart photo upload: JPEG-like binary bytes with EXIF stripped, caption text.", "POST", "https://photos.example.com/upload",
         [["Content-Type", "multipart/form-data; boundary=" + bnd]],
         ("--%s\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nzonsondergang\r\n--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n" % (bnd, bnd)).encode()
         + b"\xff\xd8\xff\xdb" + bytes(R.randrange(256) for _ in range(80)) + b"\xff\xd9\r\n--" + bnd.encode() + b"--\r\n")

# ---- Q. extra encodings (path segments, SOAP, hex body, base64(gzip) header, dashed IMEI, logs)
@family
def fam_extra():
    d = other("DK")
    add("identifier", "Warranty lookup REST GET with the IMEI as a dashed path segment (35-209900-176148-1 style).",
        "GET", "https://warranty.oem.example.com/api/v1/devices/%s/coverage" % dashed_imei(d.imei[0]), [["Accept", "application/json"]], "", d, ["imei"])
    d = other("FR")
    soap = ('<?xml version="1.0"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
            '<RegisterSubscriber xmlns="urn:example:provisioning"><MSISDN>%s</MSISDN><IMSI>%s</IMSI><ICCID>%sF</ICCID>'
            '</RegisterSubscriber></soap:Body></soap:Envelope>') % (d.phone.lstrip("+"), d.imsi, d.iccid)
    add("identifier", "Operator provisioning SOAP call (MSISDN without '+', IMSI, ICCID with trailing F filler).",
        "POST", "https://prov.operator.example.com/soap/Subscriber", [["Content-Type", "text/xml; charset=utf-8"], ["SOAPAction", "RegisterSubscriber"]],
        soap, d, ["phone", "imsi", "iccid"])
    d = other("CN")
    body = jd({"imei": d.imei[0], "androidid": d.android_id, "oaid": d.ad_id}).encode().hex().upper()
    add("identifier", "Chinese SDK hex-encoded JSON body (upper-case hex of {imei, androidid, oaid}).",
        "POST", "http://log.sdk.example.cn/report", [["Content-Type", "text/plain"]], body, d, ["imei", "android_id", "ad_id"])
    d = other("DE")
    hdr = b64(gz(jd({"adid": d.ad_id, "email": d.email})))
    add("identifier", "Attribution header X-Ctx = base64(gzip(JSON)) with adid and e-mail.",
        "GET", "https://attr.example.com/v1/open?app=com.example.fit", [["X-Ctx", hdr]], "", d, ["ad_id", "email"])
    d = other("BE")
    log = ("2024-03-20 11:02:03.118 INFO  [ProvisioningSvc] activate ok imsi=%s iccid=%s msisdn=%s\n"
           "2024-03-20 11:02:03.119 DEBUG [GeoSvc] fix lat=%.6f lon=%.6f acc=8m\n") % (d.imsi, d.iccid, d.phone, d.lat, d.lon)
    add("identifier", "Application log shipping (plain text lines) with subscriber ids and a GPS fix.",
        "POST", "https://logs.vendor.example.com/ingest", [["Content-Type", "text/plain"]], log, d, ["imsi", "iccid", "phone", "location"])
    p = PHONE
    add("identifier", "Device-bound coupon link GET: e-mail in a path segment and the GAID URL-encoded in a nested redirect parameter.",
        "GET", "https://promo.example.com/c/%s?next=%s" % (q(p.email), q("https://shop.example.com/land?gaid=" + p.ad_id)), [["User-Agent", ua(p)]], "", p,
        ["email", "ad_id"])
    d = other("NL")
    body = form([("payload", jd({"device": {"bluetoothMac": d.bt_mac.upper().replace(":", "-"), "serial_number": d.serial}}))])
    add("identifier", "Wearable companion-app sync: form field carrying JSON with a dash-separated Bluetooth MAC and serial_number.",
        "POST", "https://sync.wear.example.com/v1/pair", [["Content-Type", "application/x-www-form-urlencoded"]], body, d, ["mac", "serial"])

# MAIN_BELOW

def all_devices():
    return [PHONE] + OTHERS


def value_forms(d: Device):
    forms = []
    for v in d.values():
        forms.append(v.lower())
        if ":" in v:
            forms.append(v.replace(":", "").lower())
            forms.append(v.replace(":", "-").lower())
    forms.append(d.phone.lstrip("+"))
    forms.append(d.imei[0][:14])
    forms.append(d.imsi[5:])
    return forms


def texts_of(rec) -> list[str]:
    out = [rec["url"], urllib.parse.unquote(urllib.parse.unquote(rec["url"]))]
    out += [v for _, v in rec["headers"]]
    body = rec["body"]
    raw = base64.b64decode(body) if rec["body_encoding"] == "base64" else body.encode()
    out.append(raw.decode("latin-1"))
    for fn in (gzip.decompress, zlib.decompress):
        try:
            out.append(fn(raw).decode("latin-1"))
        except Exception:
            pass
    out.append(urllib.parse.unquote(urllib.parse.unquote(raw.decode("latin-1"))))
    return [t.lower() for t in out]


def check(records):
    ids = [r["id"] for r in records]
    assert len(ids) == len(dict.fromkeys(ids))
    forms = []
    for d in all_devices():
        forms += value_forms(d)
    for r in records:
        if r["label"] != "benign":
            continue
        blob = "\n".join(texts_of(r))
        for f in forms:
            assert f not in blob, (r["id"], f)
    for d in all_devices():
        for v in d.imei:
            assert std_imei.is_valid(v) and v[:2] in TAC_PREFIXES
        assert std_imsi.is_valid(d.imsi) and std_imsi.info(d.imsi).get("operator")
        assert d.iccid.startswith("89") and len(d.iccid) in (19, 20) and luhn.is_valid(d.iccid)
        assert std_meid.is_valid(d.meid)
        p = phonenumbers.parse(d.phone)
        assert phonenumbers.is_valid_number(p)
        assert phonenumbers.number_type(p) in (phonenumbers.PhoneNumberType.MOBILE,
                                               phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
        assert std_meid.is_valid("%010d%08d" % (int(d.meid[:8], 16), int(d.meid[8:], 16)))
        for m in [d.mac, d.bt_mac] + d.bssids:
            assert int(m[:2], 16) & 1 == 0


def write_yaml():
    d = PHONE
    lines = [
        "name: heldout5-phone",
        'imei: ["%s", "%s"]' % tuple(d.imei),
        'imsi: ["%s"]' % d.imsi,
        'iccid: ["%s"]' % d.iccid,
        'mac: ["%s"]' % d.mac,
        'serial: ["%s"]' % d.serial,
        'android_id: ["%s"]' % d.android_id,
        'ad_id: ["%s"]' % d.ad_id,
        'phone: ["%s"]' % d.phone,
        'email: ["%s"]' % d.email,
        "location: {lat: %s, lon: %s, radius_m: 2000}" % (d.lat, d.lon),
        'clients: ["%s"]' % PHONE_IP,
    ]
    with open(os.path.join(HERE, "heldout5-phone.yaml"), "w", encoding="utf-8", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def main():
    for fn in FAMILIES:
        fn()
    check(RECORDS)
    with open(os.path.join(HERE, "requests.jsonl"), "w", encoding="utf-8", newline="\n") as f:
        for r in RECORDS:
            r = {k: v for k, v in r.items() if not k.startswith("_")}
            f.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    write_yaml()
    n_i = sum(1 for r in RECORDS if r["label"] == "identifier")
    n_cp = sum(1 for r in RECORDS if r["corpus_phone"])
    print("wrote %d records (%d identifier, %d benign, %d corpus_phone)" % (
        len(RECORDS), n_i, len(RECORDS) - n_i, n_cp))


if __name__ == "__main__":
    main()
