#!/usr/bin/env python3
"""Build the heldout2 evaluation corpus (requests.jsonl + heldout2-phone.yaml).

Written independently of the detector: nothing under addons/, the first corpus, or the
first held-out set was read. Every request models a documented wire format or a common
client's layout; every value is structurally valid (asserted below).

Deterministic: one seeded RNG, gzip with mtime=0, no wall-clock values. Run with
    .venv/bin/python tests/corpus/heldout2/build_heldout2.py
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import pathlib
import random
import struct
import urllib.parse
import uuid
import zlib

import phonenumbers
from stdnum import ean as std_ean
from stdnum import iban as std_iban
from stdnum import imei as std_imei
from stdnum import imsi as std_imsi
from stdnum import luhn
from stdnum import meid as std_meid

HERE = pathlib.Path(__file__).resolve().parent
SEED = 20261123
R = random.Random(SEED)

TYPES = {
    "imei", "meid", "imsi", "iccid", "mac", "wifi_bssid", "serial", "android_id",
    "ad_id", "phone", "email", "location", "cell_id",
}
CORPUS_CLIENT = "10.88.0.7"
T0 = 1763904901  # fixed epoch seconds (2025-11-23), never the wall clock

# --------------------------------------------------------------------------- helpers

DIG = "0123456789"
HEX = "0123456789abcdef"
UPALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"


def digits(n: int, first_nonzero: bool = False) -> str:
    s = "".join(R.choice(DIG) for _ in range(n))
    if first_nonzero and s[0] == "0":
        s = R.choice("123456789") + s[1:]
    return s


def hexs(n: int) -> str:
    return "".join(R.choice(HEX) for _ in range(n))


def rbytes(n: int) -> bytes:
    return bytes(R.getrandbits(8) for _ in range(n))


def ruuid() -> str:
    return str(uuid.UUID(int=R.getrandbits(128), version=4))


def alnum(n: int) -> str:
    return "".join(R.choice(UPALNUM) for _ in range(n))


def gz(data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode()
    return gzip.compress(data, compresslevel=9, mtime=0)


def b64(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode()
    return base64.b64encode(data).decode()


def b64url(data: bytes | str, pad: bool = False) -> str:
    if isinstance(data, str):
        data = data.encode()
    s = base64.urlsafe_b64encode(data).decode()
    return s if pad else s.rstrip("=")


def jdump(obj, pretty: bool = False) -> str:
    if pretty:
        return json.dumps(obj, ensure_ascii=False, indent=2)
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def qs(pairs) -> str:
    return urllib.parse.urlencode(pairs, quote_via=urllib.parse.quote)


def md5(s: str) -> str:
    return hashlib.md5(s.encode()).hexdigest()


def sha1(s: str) -> str:
    return hashlib.sha1(s.encode()).hexdigest()


def sha256(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def ts(offset: int = 0) -> int:
    return T0 + offset


def ms(offset: int = 0) -> int:
    return (T0 + offset) * 1000 + R.randint(0, 999)


def iso(offset: int = 0, tz: str = "Z") -> str:
    import datetime as _dt  # only for formatting a fixed epoch

    t = _dt.datetime.fromtimestamp(T0 + offset, _dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{R.randint(0, 999):03d}" + tz


def stamp(offset: int = 0) -> str:
    import datetime as _dt

    t = _dt.datetime.fromtimestamp(T0 + offset, _dt.UTC)
    return t.strftime("%Y-%m-%d %H:%M:%S")


def multipart(parts, boundary: str) -> bytes:
    """parts: (name, filename|None, content_type|None, bytes|str)."""
    out = b""
    for name, filename, ctype, data in parts:
        if isinstance(data, str):
            data = data.encode()
        disp = f'form-data; name="{name}"'
        if filename:
            disp += f'; filename="{filename}"'
        out += f"--{boundary}\r\nContent-Disposition: {disp}\r\n".encode()
        if ctype:
            out += f"Content-Type: {ctype}\r\n".encode()
        out += b"\r\n" + data + b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


# protobuf (schema-less, hand encoded)
def pb_varint(n: int) -> bytes:
    out = b""
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out += bytes([b | 0x80])
        else:
            return out + bytes([b])


def pb_len(num: int, data: bytes | str) -> bytes:
    if isinstance(data, str):
        data = data.encode()
    return pb_varint((num << 3) | 2) + pb_varint(len(data)) + data


def pb_int(num: int, n: int) -> bytes:
    return pb_varint(num << 3) + pb_varint(n)


def pb_fixed64(num: int, n: int) -> bytes:
    return pb_varint((num << 3) | 1) + struct.pack("<Q", n)


# ASN.1 DER TLV
def tlv(tag: bytes, value: bytes) -> bytes:
    n = len(value)
    if n < 0x80:
        ln = bytes([n])
    elif n < 0x100:
        ln = b"\x81" + bytes([n])
    else:
        ln = b"\x82" + struct.pack(">H", n)
    return tag + ln + value


def tbcd(digs: str) -> bytes:
    """3GPP TBCD: two digits per octet, low nibble first, 'F' filler."""
    if len(digs) % 2:
        digs += "F"
    return bytes(int(digs[i + 1] + digs[i], 16) for i in range(0, len(digs), 2))


def crc_itu(data: bytes) -> int:
    """CRC-16/X-25 (the 'CRC-ITU' of Concox GT06 documents)."""
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x8408 if crc & 1 else crc >> 1
    return crc ^ 0xFFFF


def jwt(payload: dict, alg: str = "RS256") -> str:
    head = b64url(jdump({"alg": alg, "typ": "JWT", "kid": hexs(8)}))
    return f"{head}.{b64url(jdump(payload))}.{b64url(rbytes(64 if alg == 'RS256' else 32))}"


# ------------------------------------------------------------------- identifier makers


def make_imei(rbi: str, tac: str | None = None) -> str:
    if tac is None:
        tac = rbi + digits(6)
    body = tac + digits(6)
    v = body + luhn.calc_check_digit(body)
    assert len(v) == 15 and std_imei.is_valid(v), v
    return v


def next_imei(imei: str) -> str:
    body = imei[:8] + f"{(int(imei[8:14]) + 1) % 1000000:06d}"
    v = body + luhn.calc_check_digit(body)
    assert std_imei.is_valid(v)
    return v


def make_imsi(mccmnc: str) -> str:
    v = mccmnc + digits(15 - len(mccmnc))
    assert len(v) == 15 and std_imsi.is_valid(v), v
    assert std_imsi.info(v).get("operator") or std_imsi.info(v).get("brand"), v
    return v


def make_iccid(prefix: str, length: int) -> str:
    assert prefix.startswith("89") and length in (19, 20)
    body = prefix + digits(length - 1 - len(prefix))
    v = body + luhn.calc_check_digit(body)
    assert luhn.is_valid(v) and len(v) == length, v
    return v


def make_phone(cc: str, lead: str, nsn_len: int) -> str:
    for _ in range(5000):
        nsn = lead + digits(nsn_len - len(lead))
        if cc == "1" and nsn[3:6] == "555":
            continue  # fictional exchange
        e164 = "+" + cc + nsn
        pn = phonenumbers.parse(e164)
        if phonenumbers.is_valid_number(pn) and phonenumbers.number_type(pn) in (
            phonenumbers.PhoneNumberType.MOBILE,
            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
        ):
            return e164
    raise AssertionError(cc)


def national(e164: str) -> str:
    pn = phonenumbers.parse(e164)
    return phonenumbers.format_number(pn, phonenumbers.PhoneNumberFormat.NATIONAL)


def nsn(e164: str) -> str:
    return str(phonenumbers.parse(e164).national_number)


def make_mac(oui: str | None = None, local: bool = False) -> str:
    if oui:
        first = [int(x, 16) for x in oui.split(":")]
    else:
        o = R.getrandbits(8) & 0xFC  # unicast, globally administered
        if local:
            o |= 0x02
        first = [o, R.getrandbits(8), R.getrandbits(8)]
    octs = first + [R.getrandbits(8) for _ in range(3)]
    assert octs[0] % 2 == 0, "unicast"
    mac = ":".join(f"{o:02x}" for o in octs)
    assert mac != "02:00:00:00:00:00"
    return mac


def make_meid() -> str:
    v = "A10000" + "".join(R.choice("0123456789ABCDEF") for _ in range(8))
    assert std_meid.is_valid(v), v
    return v


def ap_list(n: int):
    names = ["Koti", "Cafe_Free", "Telia-5G-", "DIRECT-", "eduroam", "Office", "Guest", "HUAWEI-", "ZyXEL", "TP-Link_"]
    out = []
    for i in range(n):
        base = R.choice(names)
        ssid = base + (hexs(4).upper() if base.endswith(("-", "_")) else "")
        out.append({"bssid": make_mac(), "ssid": ssid, "rssi": -R.randint(38, 89),
                    "freq": R.choice([2412, 2437, 2462, 5180, 5240, 5500, 5745])})
    return out


class Dev:
    def __init__(self, key, *, corpus=False, client, vendor, model, build, osver="14",
                 os="android", rbi, mccmnc, iccid_prefix, iccid_len=19, phone=None,
                 email=None, meid=False, cdma_mccmnc=None, dual=True, lat, lon,
                 lang="en", tz="UTC", carrier="", serial=None, mac_oui=None):
        self.key = key
        self.corpus = corpus
        self.client = client
        self.vendor, self.model, self.build, self.osver, self.os = vendor, model, build, osver, os
        self.imei1 = make_imei(rbi)
        self.imei2 = next_imei(self.imei1) if dual else None
        self.meid = make_meid() if meid else None
        self.mcc, self.mnc = mccmnc[:3], mccmnc[3:]
        self.imsi = make_imsi(mccmnc)
        self.cdma_imsi = make_imsi(cdma_mccmnc) if cdma_mccmnc else None
        self.iccid = make_iccid(iccid_prefix, iccid_len)
        self.phone = make_phone(*phone) if phone else None
        self.email = email
        self.mac = make_mac(mac_oui)
        self.serial = serial or alnum(12)
        self.android_id = (R.choice("123456789abcdef") + hexs(15)) if os == "android" else None
        self.ad_id = ruuid() if os == "android" else ruuid().upper()
        self.lat0, self.lon0 = lat, lon
        self.lang, self.tz, self.carrier = lang, tz, carrier
        self.tac = R.randint(1200, 64000)
        self.eci = R.randint(20000, 1000000) * 256 + R.choice([1, 2, 3, 11, 12, 13, 21, 22])
        self.nci = R.randint(2**30, 2**35)
        self.pci = R.randint(0, 503)
        self.earfcn = R.choice([100, 1300, 1850, 3050, 6300, 6400])
        self.lac = R.randint(100, 65000)
        self.gsm_cid = R.randint(1000, 65535)

    def loc(self, nd: int = 6):
        """A fix near the device's home (within ~1 km), always printed with exactly nd decimals."""
        while True:
            lat = round(self.lat0 + R.uniform(-0.008, 0.008), nd)
            lon = round(self.lon0 + R.uniform(-0.008, 0.008), nd)
            if all(len(repr(v).split(".")[1]) == nd for v in (lat, lon)):
                return lat, lon

    def ua(self):
        return f"Dalvik/2.1.0 (Linux; U; Android {self.osver}; {self.model} Build/{self.build})"

    def values(self):
        """Every raw value of this device (used by leak checks)."""
        v = [self.imei1, self.imsi, self.iccid, self.mac, self.serial, self.ad_id]
        v += [x for x in (self.imei2, self.meid, self.cdma_imsi, self.android_id, self.email) if x]
        if self.phone:
            v.append(self.phone[1:])
        return v


# The held-out phone: a dual-SIM HMD/Nokia-class phone on Telia Finland, in Tampere.
P = Dev("heldout2", corpus=True, client=CORPUS_CLIENT, vendor="HMD Global", model="Nokia G42 5G",
        build="00WW_2_370", osver="14", rbi="35", mccmnc="24491", iccid_prefix="8935801",
        iccid_len=19, phone=("358", "40", 9), email="aino.lahtinen@mail.example.com",
        lat=61.4978, lon=23.7610, lang="fi-FI", tz="Europe/Helsinki", carrier="Telia FI",
        serial="GN2ZK4" + digits(4) + alnum(6), mac_oui="a4:c6:9a")

D = {}
D["cn_ct"] = Dev("cn_ct", client="10.88.1.11", vendor="Xiaomi", model="23049RAD8C", build="TKQ1.221114.001",
                 osver="13", rbi="86", mccmnc="46011", cdma_mccmnc="46003", iccid_prefix="898611",
                 iccid_len=20, phone=("86", "133", 11), email="wanglei88@qq.example.cn", meid=True,
                 lat=22.5431, lon=114.0579, lang="zh-CN", tz="Asia/Shanghai", carrier="中国电信")
D["de"] = Dev("de", client="10.88.1.12", vendor="samsung", model="SM-S911B", build="UP1A.231005.007",
              rbi="35", mccmnc="26201", iccid_prefix="894902", iccid_len=20, phone=("49", "151", 11),
              email="j.becker@web.example", lat=48.1372, lon=11.5756, lang="de-DE", tz="Europe/Berlin",
              carrier="Telekom.de", serial="R5CW" + alnum(7))
D["no"] = Dev("no", client="10.88.1.13", vendor="Google", model="Pixel 8", build="AP2A.240805.005",
              rbi="35", mccmnc="24201", iccid_prefix="894701", phone=("47", "4", 8),
              email="ingrid.dahl@online.example.net", lat=60.3913, lon=5.3221, lang="nb-NO", tz="Europe/Oslo",
              carrier="Telenor", serial=alnum(2) + digits(3) + alnum(7))
D["fr_ios"] = Dev("fr_ios", client="10.88.1.14", vendor="Apple", model="iPhone15,2", build="21F90", osver="17.5.1",
                  os="ios", rbi="35", mccmnc="20801", iccid_prefix="893301", phone=("33", "6", 9),
                  email="camille.roux@orange.example.org", lat=45.7640, lon=4.8357, lang="fr-FR", tz="Europe/Paris",
                  carrier="Orange F", serial=alnum(10), dual=False)
D["es"] = Dev("es", client="10.88.1.15", vendor="OPPO", model="CPH2451", build="TP1A.220905.001", osver="13",
              rbi="86", mccmnc="21407", iccid_prefix="893407", phone=("34", "6", 9),
              email="lucia.moreno@mail.example.es", lat=39.4699, lon=-0.3763, lang="es-ES", tz="Europe/Madrid",
              carrier="Movistar")
D["nl_gt06"] = Dev("nl_gt06", client="10.88.1.16", vendor="Concox", model="GT06N", build="", rbi="86",
                   mccmnc="20408", iccid_prefix="893108", lat=51.9244, lon=4.4777, dual=False)
D["se_fmb"] = Dev("se_fmb", client="10.88.1.17", vendor="Teltonika", model="FMB920", build="03.29.00", rbi="35",
                  mccmnc="24001", iccid_prefix="894601", lat=57.7089, lon=11.9746, dual=False,
                  serial=digits(10, True))
D["dk_watch"] = Dev("dk_watch", client="10.88.1.18", vendor="Wonlex", model="KT24", build="", rbi="86",
                    mccmnc="23801", iccid_prefix="894501", phone=("45", "2", 8), lat=56.1629, lon=10.2039,
                    dual=False)
D["us_ios"] = Dev("us_ios", client="10.88.1.19", vendor="Apple", model="iPhone16,1", build="22B91", osver="18.1.1",
                  os="ios", rbi="01", mccmnc="310260", iccid_prefix="8901260", iccid_len=20,
                  phone=("1", "206", 10), email="m.nguyen@mail.example.com", lat=47.6062, lon=-122.3321,
                  lang="en-US", tz="America/Los_Angeles", carrier="T-Mobile", serial=alnum(10), dual=False)
D["uk"] = Dev("uk", client="10.88.1.20", vendor="motorola", model="moto g84 5G", build="U1TC34M.22-64-5",
              rbi="49", mccmnc="23415", iccid_prefix="894410", phone=("44", "77", 10),
              email="oliver.hughes@btinternet.example", lat=53.4808, lon=-2.2426, lang="en-GB",
              tz="Europe/London", carrier="Vodafone UK", serial="ZY22" + alnum(6))
D["ru"] = Dev("ru", client="10.88.1.21", vendor="HONOR", model="ALI-NX1", build="HONORALI-N21", osver="13",
              rbi="86", mccmnc="25001", iccid_prefix="897010", phone=("7", "91", 10),
              email="d.smirnov@yandex.example", lat=55.7558, lon=37.6173, lang="ru-RU", tz="Europe/Moscow",
              carrier="MTS RUS")
D["it"] = Dev("it", client="10.88.1.22", vendor="Xiaomi", model="2312DRA50G", build="UKQ1.231003.002",
              rbi="35", mccmnc="22210", iccid_prefix="893910", phone=("39", "34", 10),
              email="giulia.ferri@libero.example", lat=45.4642, lon=9.1900, lang="it-IT", tz="Europe/Rome",
              carrier="vodafone IT")
D["se_meter"] = Dev("se_meter", client="10.88.1.23", vendor="Quectel", model="BC660K-GL", build="BC660KGLAAR01A03",
                    rbi="86", mccmnc="24001", iccid_prefix="894601", iccid_len=20, lat=59.8586, lon=17.6389,
                    dual=False, serial=alnum(3) + digits(9))
D["at_watch"] = Dev("at_watch", client="10.88.1.24", vendor="HUAWEI", model="WATCH 4 Pro", build="5.0.0.120",
                    rbi="86", mccmnc="23201", iccid_prefix="894301", phone=("43", "664", 10),
                    lat=48.2082, lon=16.3738, dual=False, serial=alnum(3) + digits(1) + alnum(12))
D["in"] = Dev("in", client="10.88.1.25", vendor="vivo", model="V2250", build="TP1A.220624.014", osver="13",
              rbi="86", mccmnc="40445", iccid_prefix="899145", phone=("91", "98", 10),
              email="priya.rao@rediff.example", lat=12.9716, lon=77.5946, lang="en-IN", tz="Asia/Kolkata",
              carrier="Airtel")
D["pl_gt06"] = Dev("pl_gt06", client="10.88.1.26", vendor="Concox", model="GT06E", build="", rbi="86",
                   mccmnc="26003", iccid_prefix="894803", lat=52.2297, lon=21.0122, dual=False)
D["pt_gl"] = Dev("pt_gl", client="10.88.1.27", vendor="Queclink", model="GV300", build="", rbi="86",
                 mccmnc="26806", iccid_prefix="8935106", lat=38.7223, lon=-9.1393, dual=False)
D["us_vzw"] = Dev("us_vzw", client="10.88.1.28", vendor="LGE", model="LM-K500", build="QKQ1.200730.002",
                  osver="11", rbi="99", mccmnc="311480", iccid_prefix="891480", iccid_len=20,
                  phone=("1", "214", 10), meid=True, lat=32.7767, lon=-96.7970, lang="en-US",
                  tz="America/Chicago", carrier="Verizon", dual=False)
D["cn_iot"] = Dev("cn_iot", client="10.88.1.29", vendor="Fibocom", model="MC665-CN", build="18000.1000.00.02.00.08",
                  rbi="86", mccmnc="46011", iccid_prefix="898611", iccid_len=20, lat=31.2304, lon=121.4737,
                  dual=False)
ALL_DEVS = [P] + list(D.values())
assert len({d.client for d in ALL_DEVS}) == len(ALL_DEVS)


# ------------------------------------------------------------------ record plumbing

ID_RECORDS: list[dict] = []
BENIGN_RECORDS: list[dict] = []


def body_fields(body):
    if isinstance(body, str):
        assert "\x00" not in body
        return body, "text"
    try:
        s = body.decode("utf-8")
        if "\x00" not in s:
            return s, "text"
    except UnicodeDecodeError:
        pass
    return base64.b64encode(body).decode(), "base64"


def _record(rid, label, source, method, url, headers, body, client_ip, corpus, expect, expect_profile):
    assert method in ("GET", "POST", "PUT", "TCP", "UDP")
    if method in ("TCP", "UDP"):
        assert url.startswith(method.lower() + "://") and headers == []
    host = urllib.parse.urlsplit(url).hostname or ""
    assert host.endswith((".example", ".example.com", ".example.cn", ".example.net", ".example.org",
                          ".example.io")) or host in ("example.com", "example.cn"), host
    text, enc = body_fields(body)
    assert set(expect) <= TYPES and set(expect_profile) <= TYPES and set(expect) <= set(expect_profile)
    return {
        "id": rid, "label": label, "source": source, "method": method, "url": url,
        "headers": [[str(k), str(v)] for k, v in headers], "body": text, "body_encoding": enc,
        "client_ip": client_ip, "corpus_phone": corpus,
        "expect": sorted(set(expect)), "expect_profile": sorted(set(expect_profile)),
    }


def add_identifier(dev: Dev, spec: dict):
    expect = set(spec["expect"])
    extra = set(spec.get("extra", ())) if dev.corpus else set()
    rid = f"h2i-{len(ID_RECORDS) + 1:04d}"
    rec = _record(rid, "identifier", spec["source"], spec["method"], spec["url"], spec.get("headers", []),
                  spec.get("body", ""), dev.client, dev.corpus, expect, expect | extra)
    assert rec["expect_profile"], f"{rid} carries nothing detectable"
    rec["_dev"] = dev.key
    ID_RECORDS.append(rec)


def add_benign(client: str, source: str, method: str, url: str, headers=(), body=""):
    rid = f"h2b-{len(BENIGN_RECORDS) + 1:04d}"
    BENIGN_RECORDS.append(_record(rid, "benign", source, method, url, list(headers), body, client,
                                  False, [], []))


def hj(ua=None, ctype="application/json; charset=utf-8", **extra):
    h = []
    if ua:
        h.append(("User-Agent", ua))
    if ctype:
        h.append(("Content-Type", ctype))
    h.append(("Accept-Encoding", "gzip"))
    for k, v in extra.items():
        h.append((k.replace("_", "-"), v))
    return h


# ------------------------------------------------------------- identifier families
# Each returns a spec: source, method, url, headers, body, expect, extra (profile-only types).


def f_ct_selfreg(d: Dev, port: int | None = None):
    reg = {
        "REGVER": "8.0", "MEID": d.meid or d.imei1, "MODEL": d.model, "SWVER": d.build or "V1.0",
        "SIM1CDMAIMSI": d.cdma_imsi or "", "UETYPE": "1" if port is None else "2",
        "SIM1ICCID": d.iccid, "SIM1LTEIMSI": d.imsi, "SIM1TYPE": "1" if d.cdma_imsi else "2",
        "SIM2CDMAIMSI": "", "SIM2ICCID": "", "SIM2LTEIMSI": "", "SIM2TYPE": "",
        "MACID": d.mac.upper() if port is None else "", "OSVER": f"Android{d.osver}" if port is None else "",
        "ROM": "128G" if port is None else "", "RAM": "6G" if port is None else "",
        "IMEI1": d.imei1, "IMEI2": d.imei2 or "", "SIM1CELLID": str(d.eci), "SIM2CELLID": "",
        "DATASIM": "1", "REGDATE": stamp(R.randint(0, 600)),
    }
    body = base64.encodebytes(jdump(reg).encode())  # Android Base64.DEFAULT: 76-char lines
    expect = {"imei", "iccid", "imsi", "cell_id"}
    if port is None:
        expect.add("mac")
    if d.meid:
        expect.add("meid")
    url = "http://zzhc.example.cn/" if port is None else f"http://zzhc.example.cn:{port}/"
    return dict(
        source="China Telecom self-registration (自注册) v8.0: base64-wrapped JSON POSTed as application/encrypted-json"
        + ("" if port is None else " by an IoT module on port %d" % port),
        method="POST", url=url,
        headers=[("Content-Type", "application/encrypted-json"), ("User-Agent", "Apache-HttpClient/UNAVAILABLE (java 1.4)"
                 if port is None else "Fibocom-SR"), ("Connection", "Keep-Alive")],
        body=body, expect=expect)


def f_omadm(d: Dev, use_meid=False):
    devid = f"MEID:{d.meid}" if use_meid else f"IMEI:{d.imei1}"
    sess = hexs(4).upper()
    items = [("./DevInfo/DevId", devid), ("./DevInfo/Man", d.vendor), ("./DevInfo/Mod", d.model),
             ("./DevInfo/DmV", "1.2"), ("./DevInfo/Lang", d.lang)]
    xml_items = "".join(f"<Item><Source><LocURI>{k}</LocURI></Source><Data>{v}</Data></Item>" for k, v in items)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto>'
        f"<SessionID>{sess}</SessionID><MsgID>1</MsgID>"
        "<Target><LocURI>https://dm.fota.example.com/dm</LocURI></Target>"
        f"<Source><LocURI>{devid}</LocURI><LocName>{d.model}</LocName></Source>"
        '<Cred><Meta><Format xmlns="syncml:metinf">b64</Format><Type xmlns="syncml:metinf">syncml:auth-md5</Type></Meta>'
        f"<Data>{b64(rbytes(16))}</Data></Cred>"
        '<Meta><MaxMsgSize xmlns="syncml:metinf">20000</MaxMsgSize></Meta></SyncHdr>'
        "<SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert>"
        f"<Replace><CmdID>2</CmdID>{xml_items}</Replace><Final/></SyncBody></SyncML>"
    )
    return dict(source="OMA-DM 1.2 SyncML client-initiated session (FOTA DM package #1) with DevId in Source LocURI",
                method="POST", url="https://dm.fota.example.com/dm",
                headers=[("Content-Type", "application/vnd.syncml.dm+xml"), ("User-Agent", f"{d.vendor} SyncML_DM Client"),
                         ("Accept", "application/vnd.syncml.dm+xml")],
                body=body, expect={"meid"} if use_meid else {"imei"})


def f_fota_headers(d: Dev):
    body = {"mode": "manual", "type": "1", "isRealme": "0", "time": ms(), "securityPatch": "2025-10-05",
            "components": [{"componentName": "system", "componentVersion": d.build}]}
    headers = hj(ua="okhttp/3.12.12") + [
        ("imei", d.imei1), ("model", d.model), ("otaVersion", f"{d.model}_11.F.{R.randint(10,60)}_{hexs(4)}"),
        ("romVersion", "ColorOS13.1"), ("androidVersion", f"Android{d.osver}"), ("nvCarrier", "01000100"),
        ("trackRegion", "EU"), ("uRegion", "EUEX"), ("language", d.lang)]
    return dict(source="OPPO/ColorOS-style OTA update query: device identity carried in request headers",
                method="POST", url="https://component-ota.example.com/update/v3", headers=headers,
                body=jdump(body), expect={"imei"})


def f_fota_hashed(d: Dev):
    q = [("device", d.model), ("build", d.build), ("id", sha256(d.imei1)), ("region", "EU"),
         ("channel", "stable"), ("sp", "2025-10-01")]
    return dict(source="OEM FOTA check GET whose device id is SHA-256 of IMEI1 (hash-only identifier)",
                method="GET", url="https://fota.oem.example.com/api/v2/check?" + qs(q),
                headers=[("User-Agent", d.ua()), ("Accept", "application/json")],
                expect=set(), extra={"imei"})


def f_checkin(d: Dev):
    build = (pb_len(1, f"{d.vendor.split()[0]}/{d.model.replace(' ', '_')}/{d.build}:{d.osver}/user/release-keys")
             + pb_len(2, "qcom") + pb_len(3, d.vendor.split()[0]) + pb_len(4, "MPSS.HI." + hexs(6))
             + pb_len(5, "unknown") + pb_len(6, "android-google") + pb_int(7, ts(-86400 * 30))
             + pb_len(9, d.model) + pb_int(10, 34) + pb_len(12, d.vendor) + pb_len(13, d.model.replace(" ", "_"))
             + pb_int(14, 0))
    checkin = pb_len(1, build) + pb_int(2, ms(-3600)) + pb_len(6, d.mcc + d.mnc) + pb_len(7, d.mcc + d.mnc) \
        + pb_len(8, "mobile-notroaming") + pb_int(9, 0)
    req = (pb_len(1, d.imei1) + pb_int(2, 0) + pb_len(4, checkin) + pb_len(6, d.lang.replace("-", "_"))
           + pb_len(9, d.mac.replace(":", "")) + pb_len(12, d.tz) + pb_int(14, 3)
           + pb_len(16, d.serial) + pb_len(19, "wifi") + pb_int(22, 0))
    return dict(source="Android checkin-style protobuf (gzip Content-Encoding): IMEI, Wi-Fi MAC and serial in unkeyed fields",
                method="POST", url="https://android.clients.example.com/checkin",
                headers=[("Content-Type", "application/x-protobuffer"), ("Content-Encoding", "gzip"),
                         ("User-Agent", d.ua())],
                body=gz(req), expect={"imei"}, extra={"mac", "serial"})


def f_amapi_report(d: Dev):
    dev_name = f"enterprises/LC{hexs(8)}/devices/{hexs(16)}"
    body = {
        "name": dev_name, "managementMode": "DEVICE_OWNER", "state": "ACTIVE", "appliedState": "ACTIVE",
        "hardwareInfo": {"brand": d.vendor.split()[0], "hardware": "qcom", "manufacturer": d.vendor,
                         "model": d.model, "serialNumber": d.serial,
                         "deviceBasebandVersion": "MPSS.HI.4." + digits(1) + ".c" + digits(1)},
        "networkInfo": {"imei": d.imei1, "meid": "", "wifiMacAddress": d.mac,
                        "networkOperatorName": d.carrier,
                        "telephonyInfos": [{"phoneNumber": d.phone, "carrierName": d.carrier, "iccId": d.iccid}]},
        "softwareInfo": {"androidVersion": d.osver, "securityPatchLevel": "2025-10-01",
                         "androidBuildNumber": d.build},
        "lastStatusReportTime": iso(), "policyCompliant": True,
    }
    return dict(source="Android Enterprise / Android Management API Device status report (hardwareInfo, networkInfo.telephonyInfos)",
                method="PUT", url=f"https://emm.example.com/v1/{dev_name}:report",
                headers=hj(ua="AndroidDevicePolicy/1.0") + [("Authorization", "Bearer ya29." + b64url(rbytes(48)))],
                body=jdump(body, pretty=True), expect={"imei", "mac", "serial", "phone", "iccid"})


def f_knox_form(d: Dev):
    info = {"imei": d.imei1, "serialNo": d.serial, "wifiMac": d.mac.upper(), "model": d.model,
            "osVersion": d.osver, "knoxVersion": "3.10", "carrier": d.carrier}
    form = [("tenantId", "KNX-" + alnum(8)), ("deviceInfo", jdump(info)), ("event", "ENROLL"),
            ("ts", str(ms()))]
    return dict(source="Samsung Knox-style enrollment form whose deviceInfo field carries a JSON object",
                method="POST", url="https://eu-kcs.example.com/kcs/v1/device/enroll",
                headers=hj(ua=d.ua(), ctype="application/x-www-form-urlencoded"), body=qs(form),
                expect={"imei", "serial", "mac"})


def f_apple_mdm(d: Dev):
    im = d.imei1
    spaced = f"{im[:2]} {im[2:8]} {im[8:14]} {im[14]}"
    udid = f"0000{R.randint(8100, 8130)}-{hexs(16).upper()}"
    plist = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        '<plist version="1.0">\n<dict>\n'
        "\t<key>BuildVersion</key>\n\t<string>%s</string>\n"
        "\t<key>IMEI</key>\n\t<string>%s</string>\n"
        "\t<key>MEID</key>\n\t<string>%s</string>\n"
        "\t<key>MessageType</key>\n\t<string>Authenticate</string>\n"
        "\t<key>Model</key>\n\t<string>%s</string>\n"
        "\t<key>OSVersion</key>\n\t<string>%s</string>\n"
        "\t<key>ProductName</key>\n\t<string>%s</string>\n"
        "\t<key>SerialNumber</key>\n\t<string>%s</string>\n"
        "\t<key>Topic</key>\n\t<string>com.apple.mgmt.External.%s</string>\n"
        "\t<key>UDID</key>\n\t<string>%s</string>\n"
        "</dict>\n</plist>\n"
    ) % (d.build, spaced, im[:14], "MTP" + alnum(2) + "LL/A", d.osver, d.model, d.serial, ruuid(), udid)
    assert std_meid.is_valid(im[:14])
    return dict(source="Apple MDM check-in Authenticate message (plist; IMEI space-grouped, MEID = first 14 IMEI digits)",
                method="PUT", url="https://mdm.example.com/mdm/checkin",
                headers=[("Content-Type", "application/x-apple-aspen-mdm-checkin"),
                         ("User-Agent", "MDM/1.0"), ("Mdm-Signature", b64(rbytes(96)))],
                body=plist, expect={"imei", "meid", "serial"})


def f_anr_logcat(d: Dev, with_adid=False):
    lines = [
        f"11-23 14:35:0{R.randint(0,9)}.{R.randint(100,999)}  1843  2012 D RILJ    : [{R.randint(3000,4999)}]< GET_CELL_INFO_LIST "
        f"{{CellInfoLte:{{mRegistered=YES mTimeStamp={R.randint(10**12, 10**13)}ns mCellConnectionStatus=1 "
        f"CellIdentityLte:{{ mCi={d.eci} mPci={d.pci} mTac={d.tac} mEarfcn={d.earfcn} mBands=[3] mBandwidth=20000 "
        f"mMcc={d.mcc} mMnc={d.mnc} mAlphaLong={d.carrier} mAlphaShort={d.carrier} mAdditionalPlmns={{}} mCsgInfo=null}} "
        f"CellSignalStrengthLte: rssi=-61 rsrp=-97 rsrq=-11 rssnr=13 cqi=2147483647 ta=4 level=3}}}} [PHONE0]",
        f"11-23 14:35:11.{R.randint(100,999)}  1843  1843 D SubscriptionManagerService: [updateSubscription] "
        f"phoneId=0 subId=1 iccId={d.iccid} carrierId={R.randint(1000,2500)}",
        f"11-23 14:35:12.{R.randint(100,999)}  {R.randint(20000,30000)}  {R.randint(20000,30000)} I ActivityManager: ANR in com.example.wallet (com.example.wallet/.MainActivity)",
        "11-23 14:35:12.551  1520  1544 I ActivityManager: Reason: Input dispatching timed out",
    ]
    expect = {"cell_id", "iccid"}
    if with_adid:
        lines.insert(2, f"11-23 14:35:11.902  {R.randint(20000,30000)}  {R.randint(20000,30000)} D AdsIdentity: advertising_id={d.ad_id} lat=false")
        expect.add("ad_id")
    meta = {"package": "com.example.wallet", "versionCode": R.randint(1000, 9999), "type": "ANR",
            "device": d.model, "os": d.osver}
    bnd = "----ANRUpload" + hexs(16)
    body = multipart([("meta", None, "application/json", jdump(meta)),
                      ("logcat", "logcat.txt", "text/plain", "\n".join(lines) + "\n")], bnd)
    return dict(source="ANR report upload (multipart) with a radio logcat: CellIdentityLte mCi and SubscriptionManager iccId lines",
                method="POST", url="https://crash.example.com/api/v1/anr",
                headers=[("Content-Type", f"multipart/form-data; boundary={bnd}"), ("User-Agent", d.ua())],
                body=body, expect=expect)


def f_tombstone(d: Dev):
    tomb = (
        "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***\n"
        f"Build fingerprint: '{d.vendor.split()[0]}/{d.model.replace(' ', '_')}/{d.build}:{d.osver}/user/release-keys'\n"
        "Revision: '0'\nABI: 'arm64'\n"
        f"Timestamp: {stamp()}.{R.randint(100000000,999999999)}+0000\n"
        f"Process uptime: {R.randint(10,900)}s\n"
        f"pid: {R.randint(8000,30000)}, tid: {R.randint(8000,30000)}, name: RenderThread  >>> com.example.player <<<\n"
        "uid: 10231\nsignal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0000000000000010\n"
        "    x0  0000000000000000  x1  0000007b3c2a1e40  x2  0000000000000010  x3  0000007fe1b2c8d0\n"
        "backtrace:\n"
        f"      #00 pc 00000000000{hexs(5)}  /system/lib64/libhwui.so (BuildId: {hexs(32)})\n"
        f"      #01 pc 00000000000{hexs(5)}  /apex/com.android.runtime/lib64/bionic/libc.so (BuildId: {hexs(32)})\n"
    )
    props = (
        "[ro.boot.hardware.platform]: [qcom]\n"
        f"[ro.build.display.id]: [{d.build}]\n"
        f"[ro.product.model]: [{d.model}]\n"
        f"[ro.serialno]: [{d.serial}]\n"
        f"[ro.boot.serialno]: [{d.serial}]\n"
        "[persist.sys.timezone]: [%s]\n" % d.tz
    )
    bnd = "TombstoneBoundary" + hexs(12)
    body = multipart([("app", None, None, "com.example.player"),
                      ("tombstone", "tombstone_04", "application/octet-stream", tomb),
                      ("props", "getprop.txt", "text/plain", props)], bnd)
    return dict(source="Native crash upload: tombstone plus getprop dump where ro.serialno names the serial",
                method="POST", url="https://crashlog.example.cn/upload/native",
                headers=[("Content-Type", f"multipart/form-data; boundary={bnd}"), ("User-Agent", d.ua())],
                body=body, expect={"serial"})


def f_bugreport(d: Dev):
    meid_line = f"    mMeid={d.meid}\n" if d.meid else ""
    txt = (
        "========================================================\n== dumpstate: " + stamp() + "\n"
        "========================================================\n\n"
        f"Build: {d.build}\nBuild fingerprint: '{d.vendor}/{d.model}/{d.build}'\nBootloader: unknown\n\n"
        "------ DUMPSYS (dumpsys -T 30000 phone) ------\n"
        "Phone[0]:\n"
        f"    mImei={d.imei1}\n" + meid_line +
        f"    Line1Number: {d.phone}\n"
        "    mCallRingContinueToken=0\n"
        f"  mServiceState=0 0 voice home data home {d.carrier} {d.carrier} {d.mcc}{d.mnc} LTE\n"
        f"  mCellIdentity=CellIdentityLte:{{ mCi={d.eci} mPci={d.pci} mTac={d.tac} mEarfcn={d.earfcn} "
        f"mMcc={d.mcc} mMnc={d.mnc} }}\n"
        "------ 0.214s was the duration of 'DUMPSYS phone' ------\n"
    )
    expect = {"imei", "phone", "cell_id"} | ({"meid"} if d.meid else set())
    return dict(source="bugreport/dumpstate excerpt (dumpsys phone: mImei, mMeid, Line1Number, CellIdentityLte) uploaded gzip'd",
                method="POST", url="https://diag.example.com/v1/bugreports",
                headers=[("Content-Type", "text/plain; charset=utf-8"), ("Content-Encoding", "gzip"),
                         ("User-Agent", d.ua()), ("X-Report-Id", ruuid())],
                body=gz(txt), expect=expect)


def f_measurement_pb(d: Dev):
    def param(name, s=None, i=None):
        p = pb_len(1, name)
        if s is not None:
            p += pb_len(2, s)
        if i is not None:
            p += pb_int(4, i)
        return p
    event = (pb_len(2, param("_o", s="auto")) + pb_len(2, param("_et", i=R.randint(100, 9000)))
             + pb_len(2, param("_sc", s="MainActivity")) + pb_len(2, "_e") + pb_int(3, ms()) + pb_int(4, ms(-5)))
    bundle = (pb_int(1, 1) + pb_len(2, event) + pb_int(3, ms(-60)) + pb_int(4, ms())
              + pb_len(8, "android") + pb_len(9, d.osver) + pb_len(10, d.model) + pb_len(11, d.lang.lower())
              + pb_int(12, 120) + pb_len(14, "com.example.notes") + pb_len(16, "4.2.0")
              + pb_int(17, 84002) + pb_len(19, d.ad_id) + pb_int(20, 0) + pb_len(21, hexs(32))
              + pb_len(25, "1:" + digits(12) + ":android:" + hexs(16)))
    body = gz(pb_len(1, bundle))
    return dict(source="Firebase/GA4 app-measurement-style upload: gzip'd schema-less protobuf bundle with the resettable device (advertising) id in an unkeyed field",
                method="POST", url="https://app-measurement.example.com/a",
                headers=[("Content-Type", "application/x-www-form-urlencoded"), ("Content-Encoding", "gzip"),
                         ("User-Agent", d.ua())],
                body=body, expect=set(), extra={"ad_id"})


def f_umeng(d: Dev, ad_key="oaid"):
    head = {"appkey": hexs(24), "channel": "GooglePlay", "sdk_type": "Android", "sdk_version": "9.6.3",
            "device_model": d.model, "device_manufacturer": d.vendor, "os": "Android", "os_version": d.osver,
            "resolution": "2400*1080", "carrier": d.carrier, "access": "Wi-Fi", "country": d.lang[-2:],
            "language": d.lang[:2], "timezone": 2, "imei": d.imei1, "idmd5": md5(d.imei1),
            "mc": d.mac, "android_id": d.android_id, ad_key: d.ad_id, "sn": d.serial,
            "device_board": "qcom", "app_version": "3.8.1", "version_code": "381"}
    content = {"analytics": {"sessions": [{"id": hexs(32).upper(), "start_time": str(ms(-300)),
                                            "end_time": str(ms()), "duration": 300000,
                                            "pages": [{"page_name": "HomeActivity", "duration": 120000}]}]}}
    return dict(source="Umeng-style analytics envelope: gzip'd JSON sent as application/octet-stream without Content-Encoding",
                method="POST", url="https://ulogs.umeng.example.cn/unify_logs",
                headers=[("Content-Type", "application/octet-stream"), ("User-Agent", d.ua()),
                         ("Msg-Type", "envelope/json"), ("X-Umeng-Sdk", f"Android/9.6.3 {d.model}")],
                body=gz(jdump({"header": head, "content": content})),
                expect={"imei", "mac", "android_id", "ad_id", "serial"})


def f_tencent_form(d: Dev):
    data = {"ui": d.imei1, "mc": d.mac, "mid": hexs(40), "ncts": 1, "ky": "A" + alnum(11),
            "ev": {"sr": "1080*2400", "av": "2.4.0", "ch": "yyb", "mf": d.vendor, "md": d.model,
                   "ov": d.osver, "op": d.mcc + d.mnc, "lg": d.lang[:2], "tz": d.tz}}
    form = [("appkey", "A" + alnum(11)), ("sv", "3.4.7"), ("data", jdump(data)), ("ei", "2")]
    return dict(source="Tencent MTA/Beacon-style statistics form: JSON in the data field, IMEI under 'ui', MAC under 'mc'",
                method="POST", url="https://pingma.qq.example.cn/mstat/report",
                headers=hj(ua=d.ua(), ctype="application/x-www-form-urlencoded;charset=UTF-8"),
                body=qs(form), expect={"imei", "mac"})


def f_appsflyer(d: Dev, with_android_id=False):
    body = {"advertiserId": d.ad_id, "advertiserIdEnabled": "true", "app_id": "com.example.shop",
            "af_timestamp": str(ms()), "uid": f"{ms(-86400)}-{digits(19, True)}", "sdk": "6.12.4",
            "date1": "2025-11-23_143501+0200", "firstLaunchDate": "2025-11-01_091210+0200",
            "operator": d.carrier, "network": "WIFI", "country": d.lang[-2:], "lang": d.lang[:2],
            "model": d.model, "brand": d.vendor, "deviceType": "user", "counter": str(R.randint(2, 90)),
            "deviceData": {"arch": "", "build_display_id": d.build, "cpu_abi": "arm64-v8a",
                           "dim": {"size": "2", "xdp": "409.432", "ydp": "411.891", "x_px": "1080", "y_px": "2400"}},
            "installer_package": "com.android.vending", "isFirstCall": "false"}
    expect = {"ad_id"}
    if with_android_id:
        body["android_id"] = d.android_id
        expect.add("android_id")
    if d.os == "ios":
        body = {k: v for k, v in body.items() if k not in ("deviceData", "installer_package")}
        body["advertiserId"] = d.ad_id
    return dict(source="AppsFlyer-style launch event JSON (advertiserId; optional android_id)",
                method="POST", url="https://launches.appsflyer.example.com/api/v6.12/"
                + ("iosevent?app_id=id" + digits(10, True) if d.os == "ios" else "androidevent?app_id=com.example.shop")
                + "&buildnumber=6.12.4",
                headers=hj(ua=d.ua() if d.os == "android" else "shop/5.1 CFNetwork/1494.0.7 Darwin/23.4.0"),
                body=jdump(body), expect=expect)


def f_adjust(d: Dev, with_android_id=False):
    form = [("app_token", alnum(12).lower()), ("environment", "production"),
            ("created_at", iso(tz="+0200")), ("sent_at", iso(2, tz="+0200")), ("gps_adid", d.ad_id),
            ("gps_adid_src", "service"), ("android_uuid", ruuid()), ("tracking_enabled", "1"),
            ("device_name", d.model), ("device_manufacturer", d.vendor), ("os_name", "android"),
            ("os_version", d.osver), ("api_level", "34"), ("mcc", d.mcc), ("mnc", d.mnc),
            ("connectivity_type", "1"), ("session_count", str(R.randint(2, 50))), ("needs_response_details", "1")]
    expect = {"ad_id"}
    if with_android_id:
        form.insert(6, ("android_id", d.android_id))
        expect.add("android_id")
    return dict(source="Adjust-style /session form (gps_adid; android_uuid is a random install UUID)",
                method="POST", url="https://app.adjust.example.com/session",
                headers=hj(ua=d.ua(), ctype="application/x-www-form-urlencoded", Client_SDK="android4.38.0"),
                body=qs(form), expect=expect)


def f_branch(d: Dev):
    body = {"hardware_id": d.android_id, "is_hardware_id_real": True, "brand": d.vendor, "model": d.model,
            "screen_dpi": 420, "screen_height": 2400, "screen_width": 1080, "wifi": True,
            "ui_mode": "UI_MODE_TYPE_NORMAL", "os": "Android", "os_version": 34,
            "google_advertising_id": d.ad_id, "lat_val": 0, "country": d.lang[-2:], "language": d.lang[:2],
            "local_ip": d.client, "metadata": {}, "branch_key": "key_live_" + alnum(32).lower(),
            "retryNumber": 0, "debug": False, "first_install_time": ms(-86400 * 4), "update": 1}
    return dict(source="Branch-style /v1/install: google_advertising_id plus android_id under 'hardware_id' (lat_val is limit-ad-tracking, not latitude)",
                method="POST", url="https://api2.branch.example.io/v1/install",
                headers=hj(ua=d.ua()), body=jdump(body), expect={"ad_id"}, extra={"android_id"})


def f_openrtb(d: Dev):
    lat, lon = d.loc(4)
    ios = d.os == "ios"
    dev = {"ua": d.ua() if not ios else f"Mozilla/5.0 (iPhone; CPU iPhone OS {d.osver.replace('.', '_')} like Mac OS X)",
           "geo": {"lat": lat, "lon": lon, "type": 1, "accuracy": R.randint(5, 40), "lastfix": R.randint(1, 60),
                   "country": {"FI": "FIN", "NO": "NOR", "IT": "ITA", "US": "USA"}.get(d.lang[-2:], "FIN")},
           "dnt": 0, "lmt": 0, "ip": "203.0.113." + str(R.randint(2, 250)), "devicetype": 4,
           "make": d.vendor, "model": d.model, "os": "iOS" if ios else "Android", "osv": d.osver,
           "carrier": d.carrier, "mccmnc": f"{d.mcc}-{d.mnc}", "connectiontype": 2, "ifa": d.ad_id,
           "didsha1": sha1(d.imei1), "didmd5": md5(d.imei1), "macsha1": sha1(d.mac.upper()),
           "ext": {"ifa_type": "idfa" if ios else "aaid", "atts": 3 if ios else None}}
    extra = {"imei", "mac"}
    if not ios:
        dev["dpidsha1"] = sha1(d.android_id)
        extra.add("android_id")
        del dev["ext"]["atts"]
    req = {"id": ruuid(), "at": 1, "tmax": 500, "cur": ["EUR"],
           "imp": [{"id": "1", "tagid": "banner_home_" + digits(4), "bidfloor": 0.35, "secure": 1,
                    "banner": {"w": 320, "h": 50, "api": [3, 5]}}],
           "app": {"id": hexs(24), "bundle": "com.example.weather", "name": "Weather", "ver": "7.3.1",
                   "publisher": {"id": digits(6)}},
           "device": dev, "user": {"id": hexs(32), "ext": {"consent": "CQ" + alnum(30)}},
           "regs": {"ext": {"gdpr": 1}}, "source": {"tid": ruuid()}}
    return dict(source="OpenRTB 2.5 bid request: device.ifa, device.geo (type 1 = GPS), hashed didsha1/didmd5/macsha1/dpidsha1",
                method="POST", url="https://rtb.example.com/openrtb2/auction",
                headers=hj(ua="openrtb-client/2.5", x_openrtb_version="2.5"), body=jdump(req),
                expect={"ad_id", "location"}, extra=extra)


def f_adquery(d: Dev):
    lat, lon = d.loc(5)
    q = [("v", "8"), ("id", hexs(32)), ("nv", "5.18.0"), ("dn", f"{d.vendor},{d.model},{d.vendor.lower()}"),
         ("bundle", "com.example.puzzle"), ("udid", f"ifa:{d.ad_id}"), ("dnt", "0"),
         ("ll", f"{lat},{lon}"), ("lla", str(R.randint(8, 60))), ("llf", str(R.randint(1000, 90000))),
         ("llsdk", "1"), ("z", "+0200"), ("o", "p"), ("w", "1080"), ("h", "2400"), ("sc", "2.625"),
         ("mcc", d.mcc), ("mnc", d.mnc), ("iso", d.lang[-2:].lower()), ("cn", d.carrier), ("ct", "3"),
         ("gdpr_applies", "1"), ("current_consent_status", "explicit_yes")]
    return dict(source="MoPub-style ad request query: udid=ifa:<advertising id>, ll=lat,lon with accuracy lla",
                method="GET", url="https://ads.example.com/m/ad?" + qs(q),
                headers=[("User-Agent", d.ua()), ("Accept-Language", d.lang)],
                expect={"ad_id", "location"})


def f_fused(d: Dev):
    locs = []
    for i in range(3):
        lat, lon = d.loc(7)
        locs.append({"latitude": lat, "longitude": lon, "accuracy": round(R.uniform(3, 25), 1),
                     "altitude": round(R.uniform(20, 150), 1), "bearing": round(R.uniform(0, 359), 1),
                     "speed": round(R.uniform(0, 2), 2), "provider": "fused", "time": ms(i * 60),
                     "elapsedRealtimeNanos": R.randint(10**13, 10**14)})
    body = {"installationId": ruuid(), "batchId": R.randint(1000, 99999), "locations": locs,
            "battery": R.randint(20, 99), "charging": False}
    return dict(source="Fused-location batch upload (Android Location objects serialised as JSON)",
                method="POST", url="https://loc.example.com/v2/locations",
                headers=hj(ua=d.ua()), body=jdump(body), expect={"location"})


def f_geolocate(d: Dev):
    aps = ap_list(R.randint(3, 5))
    body = {"homeMobileCountryCode": int(d.mcc), "homeMobileNetworkCode": int(d.mnc), "radioType": "lte",
            "carrier": d.carrier, "considerIp": False,
            "cellTowers": [{"cellId": d.eci, "locationAreaCode": d.tac, "mobileCountryCode": int(d.mcc),
                            "mobileNetworkCode": int(d.mnc), "age": 0, "signalStrength": -R.randint(70, 110)}],
            "wifiAccessPoints": [{"macAddress": a["bssid"], "signalStrength": a["rssi"], "age": R.randint(0, 4000),
                                  "channel": 1 + (a["freq"] - 2412) // 5 if a["freq"] < 3000 else (a["freq"] - 5000) // 5}
                                 for a in aps]}
    return dict(source="Google Geolocation API-style request (cellTowers[].cellId, wifiAccessPoints[].macAddress)",
                method="POST", url="https://geo.example.com/geolocation/v1/geolocate?key=AIza" + b64url(rbytes(26)),
                headers=hj(ua=d.ua()), body=jdump(body), expect={"cell_id", "wifi_bssid"})


def f_geosubmit(d: Dev, nosep=False):
    lat, lon = d.loc(6)
    aps = ap_list(R.randint(3, 6))
    item = {"timestamp": ms(), "position": {"latitude": lat, "longitude": lon, "accuracy": round(R.uniform(3, 15), 1),
                                            "altitude": round(R.uniform(10, 200), 1), "source": "gps"},
            "wifiAccessPoints": [{"macAddress": a["bssid"].replace(":", "") if nosep else a["bssid"],
                                  "ssid": a["ssid"], "frequency": a["freq"], "signalStrength": a["rssi"]} for a in aps],
            "cellTowers": [{"radioType": "lte", "mobileCountryCode": int(d.mcc), "mobileNetworkCode": int(d.mnc),
                            "locationAreaCode": d.tac, "cellId": d.eci, "primaryScramblingCode": d.pci,
                            "signalStrength": -R.randint(80, 115)}]}
    return dict(source="Mozilla Ichnaea /v2/geosubmit report (position + wifiAccessPoints + cellTowers)"
                + (" with separator-less BSSIDs" if nosep else ""),
                method="POST", url="https://location.example.net/v2/geosubmit",
                headers=hj(ua="StumblerForAndroid/1.8.6" if not d.corpus else d.ua()),
                body=jdump({"items": [item]}), expect={"location", "wifi_bssid", "cell_id"})


def f_amap_form(d: Dev):
    aps = ap_list(4)
    cur = aps[0]
    form = [("key", hexs(32)), ("output", "json"), ("imei", d.imei1), ("imsi", d.imsi), ("smac", d.mac),
            ("accesstype", "1"), ("cdma", "0"), ("network", "LTE"), ("gtype", "1"),
            ("bts", f"{d.mcc},{d.mnc},{d.tac},{d.eci},-{R.randint(60,100)}"),
            ("mcc", d.mcc), ("mnc", d.mnc), ("lac", str(d.tac)), ("cellid", str(d.eci)),
            ("mmac", f"{cur['bssid']},{cur['rssi']},{cur['ssid']}"),
            ("macs", "|".join(f"{a['bssid']},{a['rssi']},{a['ssid']}" for a in aps[1:])),
            ("clienttime", str(ms())), ("ver", "5.6.2")]
    return dict(source="AMap/Baidu-style network location request form (imei, imsi, own smac, mmac/macs Wi-Fi scan, bts/cellid)",
                method="POST", url="https://apilocate.amap.example.cn/mobile/binary",
                headers=hj(ua=d.ua(), ctype="application/x-www-form-urlencoded"), body=qs(form),
                expect={"imei", "imsi", "mac", "wifi_bssid", "cell_id"})


def f_mipush(d: Dev):
    form = [("appid", digits(16, True)), ("packagename", "com.example.chat"), ("token", alnum(22).lower()),
            ("devid", "an" + sha1(d.android_id + d.serial)), ("imei_md5", md5(d.imei1)),
            ("aid", d.android_id), ("model", d.model), ("os", f"V14.0.{R.randint(1,9)}.0"),
            ("sdkver", "50704"), ("connpt", "WIFI-ID-UNKNOWN"), ("region", "Europe")]
    return dict(source="Xiaomi MiPush-style register form: imei_md5 hash, bare android_id under 'aid'",
                method="POST", url="https://register.xmpush.example.com/pass/v2/register",
                headers=hj(ua=d.ua(), ctype="application/x-www-form-urlencoded"), body=qs(form),
                expect=set(), extra={"imei", "android_id"})


def f_oppo_push(d: Dev):
    body = {"imei": d.imei1, "appPackage": "com.example.chat", "regId": "OPPO_CN_" + hexs(32),
            "sdkVersion": "3.1.0", "romVersion": "ColorOS13.1", "model": d.model, "pushVersion": "3300"}
    return dict(source="OPPO push-style client registration JSON (imei key)",
                method="POST", url="https://push-api.heytap.example.com/register",
                headers=hj(ua="okhttp/3.12.12"), body=jdump(body), expect={"imei"})


def f_hms_push(d: Dev):
    body = {"deviceId": d.imei1, "deviceIdType": "0", "pkgName": "com.example.fit", "appId": digits(9, True),
            "hmsVersion": "6.12.0.300", "emuiVersion": "HarmonyOS 4.0", "clientVersion": "13.1.0"}
    return dict(source="HMS push token request: deviceId with deviceIdType 0 (= IMEI)",
                method="POST", url="https://push-eu.hicloud.example.com/pushtoken/v1/getToken",
                headers=hj(ua="HMS/6.12.0"), body=jdump(body), expect={"imei"})


def f_rcs_acs(d: Dev):
    mnc3 = d.mnc.zfill(3)
    q = [("vers", "0"), ("rcs_version", "UP_2.4"), ("rcs_profile", "UP_2.4"), ("client_vendor", "Goog"),
         ("client_version", "messages-20251015"), ("terminal_vendor", d.vendor.split()[0][:4]),
         ("terminal_model", d.model), ("terminal_sw_version", d.build), ("IMSI", d.imsi), ("IMEI", d.imei1),
         ("msisdn", d.phone), ("default_sms_app", "1"), ("provisioning_version", "5.0"), ("SMS_port", "0"),
         ("token", "")]
    host = f"config.rcs.mnc{mnc3}.mcc{d.mcc}.pub.3gppnetwork.example"
    return dict(source="GSMA RCC.14 RCS autoconfiguration HTTPS GET (IMSI, IMEI, msisdn query parameters)",
                method="GET", url=f"https://{host}/?" + qs(q),
                headers=[("User-Agent", "IM-client/OMA1.0 Goog/messages-20251015"), ("Accept", "*/*")],
                expect={"imsi", "imei", "phone"})


def f_ts43(d: Dev):
    mnc3 = d.mnc.zfill(3)
    eap = f"0{d.imsi}@nai.epc.mnc{mnc3}.mcc{d.mcc}.3gppnetwork.org"
    q = [("vers", "0"), ("entitlement_version", "9.0"), ("terminal_id", d.imei1),
         ("terminal_vendor", d.vendor.split()[0][:4]), ("terminal_model", d.model),
         ("terminal_sw_version", d.build), ("app", "ap2004"), ("EAP_ID", eap), ("app_name", "com.android.ims")]
    return dict(source="GSMA TS.43 entitlement configuration GET (ap2004 VoWiFi): terminal_id = IMEI, EAP_ID permanent identity 0<IMSI>@nai.epc…",
                method="GET", url=f"https://aes.mnc{mnc3}.mcc{d.mcc}.pub.3gppnetwork.example/?" + qs(q),
                headers=[("Accept", "application/vnd.gsma.eap-relay.v1.0+json"), ("User-Agent", "PRD-TS43 term-" + d.model)],
                expect={"imei", "imsi"})


def f_ts43_odsa(d: Dev, watch: Dev):
    mnc3 = d.mnc.zfill(3)
    q = [("vers", "0"), ("entitlement_version", "9.0"), ("terminal_id", d.imei1), ("terminal_vendor", d.vendor[:4]),
         ("terminal_model", d.model), ("terminal_sw_version", d.build), ("app", "ap2006"),
         ("operation", "ManageSubscription"), ("operation_type", "0"),
         ("companion_terminal_id", watch.imei1), ("companion_terminal_vendor", "HUAW"),
         ("companion_terminal_model", watch.model), ("companion_terminal_eid", "89049032" + digits(24)),
         ("terminal_iccid", d.iccid), ("token", b64url(rbytes(24)))]
    return dict(source="GSMA TS.43 ODSA (ap2006) ManageSubscription for a companion watch: terminal_id/companion_terminal_id IMEIs, terminal_iccid",
                method="GET", url=f"https://aes.mnc{mnc3}.mcc{d.mcc}.pub.3gppnetwork.example/?" + qs(q),
                headers=[("Accept", "application/json"), ("User-Agent", "PRD-TS43 OS-Android/" + d.osver)],
                expect={"imei", "iccid"})


def f_es9_auth(d: Dev):
    tid = rbytes(16)
    devcaps = tlv(b"\xa1", tlv(b"\x80", b"\x02\x01\x00") + tlv(b"\x81", b"\x03\x00\x00") + tlv(b"\x85", b"\x0d\x00\x00"))
    devinfo = tlv(b"\x80", tbcd(d.imei1[:8])) + devcaps + tlv(b"\x82", tbcd(d.imei1))
    ctx = tlv(b"\xa0", tlv(b"\x80", b"") + tlv(b"\xa1", devinfo))  # ctxParamsForCommonAuthentication
    info2 = tlv(b"\xbf\x22", tlv(b"\x81", b"\x02\x03\x00") + tlv(b"\x82", b"\x02\x02\x00")
                + tlv(b"\x83", b"\x04\x03\x00") + tlv(b"\x84", b"\x81\x01\x00\x04\x00\x05\x02\xf5\x0e"))
    signed = tlv(b"\x30", tlv(b"\x80", tid) + tlv(b"\x83", b"smdp.example.com") + tlv(b"\x84", rbytes(16))
                 + info2 + ctx)
    resp = tlv(b"\xbf\x38", tlv(b"\xa0", signed + tlv(b"\x5f\x37", rbytes(64))
                                 + tlv(b"\x30", rbytes(180)) + tlv(b"\x30", rbytes(200))))
    body = {"transactionId": tid.hex().upper(), "authenticateServerResponse": b64(resp)}
    return dict(source="GSMA SGP.22 ES9+ authenticateClient: DER AuthenticateServerResponse (base64) whose DeviceInfo holds TBCD TAC and IMEI",
                method="POST", url="https://smdp.example.com/gsma/rsp2/es9plus/authenticateClient",
                headers=[("Content-Type", "application/json;charset=UTF-8"), ("X-Admin-Protocol", "gsma/rsp/v2.2.0"),
                         ("User-Agent", "gsma-rsp-lpad")],
                body=jdump(body), expect=set(), extra={"imei"})


def f_es9_notify(d: Dev):
    meta = tlv(b"\xbf\x2f", tlv(b"\x80", b"\x00\x0b") + tlv(b"\x81", b"\x07\x80")
               + tlv(b"\x0c", b"smdp.example.com") + tlv(b"\x5a", tbcd(d.iccid)))
    result_data = tlv(b"\xbf\x27", tlv(b"\x80", rbytes(16)) + meta
                      + tlv(b"\x06", b"\x2b\x06\x01\x04\x01\x81\xe9\x4c") + tlv(b"\xa2", tlv(b"\xa0", tlv(b"\x30", b"\x80\x01\x00"))))
    pir = tlv(b"\xbf\x37", result_data + tlv(b"\x5f\x37", rbytes(64)))
    body = {"pendingNotification": b64(pir)}
    return dict(source="GSMA SGP.22 ES9+ handleNotification: ProfileInstallationResult with TBCD-coded ICCID (tag 5A) inside base64 DER",
                method="POST", url="https://smdp.example.com/gsma/rsp2/es9plus/handleNotification",
                headers=[("Content-Type", "application/json;charset=UTF-8"), ("X-Admin-Protocol", "gsma/rsp/v2.2.0"),
                         ("User-Agent", "gsma-rsp-lpad")],
                body=jdump(body), expect=set(), extra={"iccid"})


def f_esim_transfer(d: Dev):
    body = {"eid": "89049032" + digits(24), "iccid": d.iccid, "imei": d.imei1, "targetImei": next_imei(d.imei1),
            "transferType": "QUICK_TRANSFER", "requestId": ruuid()}
    return dict(source="Carrier eSIM transfer API (TS.43 ODSA-like JSON: eid, iccid, imei)",
                method="POST", url="https://esim.carrier.example.com/api/v1/esim/transfer",
                headers=hj(ua=d.ua()), body=jdump(body), expect={"iccid", "imei"})


def f_signal(d: Dev):
    body = {"number": d.phone, "pushToken": b64url(rbytes(24)) + ":APA91b" + b64url(rbytes(100)),
            "pushTokenType": "fcm", "mcc": d.mcc, "mnc": d.mnc}
    return dict(source="Signal-style registration: POST /v1/verification/session with the E.164 number",
                method="POST", url="https://chat.signal.example.org/v1/verification/session",
                headers=hj(ua="Signal-Android/7.21.4 Android/34"), body=jdump(body), expect={"phone"})


def f_viber(d: Dev):
    cc = str(phonenumbers.parse(d.phone).country_code)
    body = {"countryCode": cc, "phoneNumber": nsn(d.phone), "system": "android", "udid": hexs(40),
            "lang": d.lang[:2], "mcc": d.mcc, "mnc": d.mnc, "voip": True}
    return dict(source="Viber-style activation request: countryCode + national phoneNumber",
                method="POST", url="https://reg.viber.example.com/mobile/ActivateUser",
                headers=hj(ua=d.ua()), body=jdump(body), expect={"phone"})


def f_ussd_log(d: Dev, code="*#100#"):
    lines = [
        f"{stamp(1)}.112 I GsmMmiCode: MMI [{code}] state=PENDING",
        f"{stamp(3)}.481 I GsmMmiCode: onUssdFinished: '{d.phone}'",
        f"{stamp(9)}.020 D CAT     : StkAppService PROVIDE_LOCAL_INFO qualifier=0x00 mcc={d.mcc} mnc={d.mnc} lac={d.tac} cellId={d.eci}",
        f"{stamp(9)}.021 D CAT     : StkAppService PROVIDE_LOCAL_INFO qualifier=0x01 imei={d.imei1}",
        f"{stamp(11)}.530 D CAT     : TERMINAL RESPONSE result=0x00",
    ]
    return dict(source="Carrier care app diagnostic upload: USSD/MMI and SIM-toolkit (STK PROVIDE LOCAL INFO) log lines",
                method="POST", url="https://care.carrier.example.com/api/diag/ussd",
                headers=[("Content-Type", "text/plain; charset=utf-8"), ("User-Agent", d.ua())],
                body="\n".join(lines) + "\n", expect={"phone", "cell_id", "imei"})


def f_drivetest_csv(d: Dev):
    rows = ["timestamp,latitude,longitude,accuracy_m,rat,mcc,mnc,tac,eci,pci,earfcn,rsrp,rsrq,sinr"]
    for i in range(4):
        lat, lon = d.loc(6)
        eci = d.eci if i < 2 else d.eci + 1
        rows.append(f"{iso(i*5)},{lat},{lon},{R.randint(3,12)},LTE,{d.mcc},{d.mnc},{d.tac},{eci},{d.pci},{d.earfcn},"
                    f"-{R.randint(80,115)},-{R.randint(6,15)},{R.randint(-3,25)}")
    bnd = "----NetMonUpload" + hexs(10)
    body = multipart([("campaign", None, None, "walk-" + digits(4)),
                      ("file", "measurements.csv", "text/csv", "\n".join(rows) + "\n")], bnd)
    return dict(source="Drive-test/network-monitor app CSV upload (multipart): latitude,longitude and ECI columns",
                method="POST", url="https://netmon.example.com/api/upload",
                headers=[("Content-Type", f"multipart/form-data; boundary={bnd}"), ("User-Agent", d.ua())],
                body=body, expect={"location", "cell_id"})


def f_teltonika(d: Dev):
    body = struct.pack(">H", 15) + d.imei1.encode()
    return dict(source="Teltonika FMxxx TCP session opening: 2-byte length + 15 ASCII IMEI digits",
                method="TCP", url="tcp://fleet.example.com:5027/", body=body, expect={"imei"})


def f_gt06(d: Dev):
    serial = R.randint(1, 200)
    content = b"\x01" + bytes.fromhex("0" + d.imei1) + struct.pack(">H", serial)
    pkt_len = len(content) + 2
    crc = crc_itu(bytes([pkt_len]) + content)
    body = b"\x78\x78" + bytes([pkt_len]) + content + struct.pack(">H", crc) + b"\r\n"
    return dict(source="Concox GT06 login packet (0x7878, protocol 0x01, terminal ID = IMEI as 8-byte BCD, CRC-ITU)",
                method="TCP", url="tcp://gps.example.cn:8841/", body=body, expect={"imei"})


def f_h02(d: Dev):
    body = (f"*HQ,{d.imei1},V1,{R.randint(10,23):02d}{R.randint(0,59):02d}{R.randint(0,59):02d},V,0000.0000,N,"
            f"00000.0000,E,0.00,000,231125,FFFFFBFF#")
    return dict(source="H02 text tracker protocol (*HQ,<IMEI>,V1,...) with no GPS fix",
                method="TCP", url="tcp://track.example.net:5013/", body=body, expect={"imei"})


def f_gtfri(d: Dev):
    lat, lon = d.loc(6)
    body = (f"+RESP:GTFRI,270C03,{d.imei1},GV300,,10,1,1,0.0,{R.randint(0,359)},{round(R.uniform(5,90),1)},"
            f"{lon},{lat},20251123{R.randint(10,19)}3501,,,,,,,{R.randint(70,99)},20251123{R.randint(10,19)}3502,{hexs(4).upper()}$")
    return dict(source="Queclink @Track GTFRI fixed report over UDP (IMEI, longitude, latitude; cell fields empty)",
                method="UDP", url="udp://gl.example.com:6001/", body=body, expect={"imei", "location"})


def f_watch_ud(d: Dev):
    lat, lon = d.loc(6)
    aps = ap_list(3)
    wifi = ",".join(f"{a['ssid']},{a['bssid']},{a['rssi']}" for a in aps)
    payload = (f"UD,231125,{R.randint(10,19)}3501,A,{lat},N,{lon},E,0.00,0.0,{round(R.uniform(10,90),1)},8,100,"
               f"{R.randint(40,99)},0,0,00000000,0,1,{d.mcc},{d.mnc},{len(aps)},{wifi},{round(R.uniform(5,30),1)}")
    devid = digits(10, True)
    body = f"[3G*{devid}*{len(payload):04X}*{payload}]"
    return dict(source="Chinese kids-smartwatch '3G*' TCP protocol UD position report (lat/lon and Wi-Fi SSID,BSSID,RSSI list)",
                method="TCP", url="tcp://watch.example.cn:8001/", body=body, expect={"location", "wifi_bssid"})


def coap_opts(opts):
    out = b""
    prev = 0

    def nib(x):
        if x < 13:
            return x, b""
        if x < 269:
            return 13, bytes([x - 13])
        return 14, struct.pack(">H", x - 269)

    for num, val in opts:
        dn, de = nib(num - prev)
        ln, le = nib(len(val))
        out += bytes([(dn << 4) | ln]) + de + le + val
        prev = num
    return out


def f_lwm2m(d: Dev, with_imsi=False):
    ep = f"urn:imei-imsi:{d.imei1}-{d.imsi}" if with_imsi else f"urn:imei:{d.imei1}"
    token = rbytes(4)
    hdr = bytes([0x44, 0x02]) + struct.pack(">H", R.randint(1, 65535)) + token
    opts = [(11, b"rd"), (12, b"\x28"), (15, f"ep={ep}".encode()), (15, b"lt=86400"), (15, b"lwm2m=1.1"),
            (15, b"b=UQ")]
    payload = b"</>;rt=\"oma.lwm2m\";ct=11543,</1/0>,</3/0>,</4/0>,</5/0>,</19/0>,</3303/0>"
    body = hdr + coap_opts(opts) + b"\xff" + payload
    return dict(source="OMA LwM2M 1.1 Register over CoAP/UDP: endpoint name " + ("urn:imei-imsi:<IMEI>-<IMSI>" if with_imsi else "urn:imei:<IMEI>"),
                method="UDP", url="udp://lwm2m.example.com:5683/", body=body,
                expect={"imei", "imsi"} if with_imsi else {"imei"})


def mqtt_str(s: bytes) -> bytes:
    return struct.pack(">H", len(s)) + s


def mqtt_pkt(first: int, payload: bytes) -> bytes:
    return bytes([first]) + pb_varint(len(payload)) + payload


def f_owntracks_mqtt(d: Dev):
    lat, lon = d.loc(6)
    loc = {"_type": "location", "acc": R.randint(5, 30), "alt": R.randint(80, 140), "batt": R.randint(20, 99),
           "bs": 1, "conn": "m", "created_at": ts(), "lat": lat, "lon": lon, "m": 1, "t": "u", "tid": "al",
           "tst": ts(-2), "vac": R.randint(1, 9), "vel": 0}
    connect = mqtt_pkt(0x10, mqtt_str(b"MQTT") + b"\x04\xc2\x00\x3c" + mqtt_str(f"ot-{alnum(6).lower()}".encode())
                       + mqtt_str(d.key.encode()) + mqtt_str(b64(rbytes(12)).encode()))
    publish = mqtt_pkt(0x31, mqtt_str(f"owntracks/{d.key}/phone".encode()) + jdump(loc).encode())
    return dict(source="OwnTracks location publish over raw MQTT 3.1.1 (CONNECT + PUBLISH JSON _type=location)",
                method="TCP", url="tcp://mqtt.example.net:1883/", body=connect + publish, expect={"location"})


def dns_query(name: str, qtype=1) -> bytes:
    hdr = struct.pack(">HHHHHH", R.randint(1, 65535), 0x0100, 1, 0, 0, 0)
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\x00"
    return hdr + q + struct.pack(">HH", qtype, 1)


def f_dns_imei(d: Dev):
    return dict(source="IoT device DNS query over UDP whose leftmost label is its IMEI (per-device host naming)",
                method="UDP", url="udp://ns1.example.net:53/",
                body=dns_query(f"{d.imei1}.dev.iot.example.net"), expect={"imei"})


def f_sip_register(d: Dev):
    mnc3 = d.mnc.zfill(3)
    dom = f"ims.mnc{mnc3}.mcc{d.mcc}.3gppnetwork.example"
    im = d.imei1
    urn = f"urn:gsma:imei:{im[:8]}-{im[8:14]}-0"
    ucid = f"{d.mcc}{d.mnc}{d.tac:04X}{d.eci:07X}"
    branch = "z9hG4bK" + hexs(10)
    msg = (
        f"REGISTER sip:{dom} SIP/2.0\r\n"
        f"Via: SIP/2.0/UDP [2001:db8:{hexs(4)}::{hexs(4)}]:5060;branch={branch};rport\r\n"
        "Max-Forwards: 70\r\n"
        f"From: <sip:{d.imsi}@{dom}>;tag={hexs(8)}\r\n"
        f"To: <sip:{d.imsi}@{dom}>\r\n"
        f"Call-ID: {hexs(16)}@2001:db8::1\r\n"
        "CSeq: 1 REGISTER\r\n"
        f"Contact: <sip:{d.imsi}@[2001:db8::1]:5060>;+sip.instance=\"<{urn}>\";+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\";+g.3gpp.smsip\r\n"
        "Expires: 600000\r\n"
        f"Authorization: Digest username=\"{d.imsi}@{dom}\",realm=\"{dom}\",uri=\"sip:{dom}\",nonce=\"\",response=\"\"\r\n"
        f"P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp={ucid}\r\n"
        "Supported: path,sec-agree\r\nRequire: sec-agree\r\nProxy-Require: sec-agree\r\n"
        "User-Agent: IMS-client/1.0\r\nContent-Length: 0\r\n\r\n"
    )
    return dict(source="VoLTE/IMS SIP REGISTER (3GPP TS 24.229): IMSI-based IMPI/IMPU, +sip.instance urn:gsma:imei (RFC 7254), P-Access-Network-Info utran-cell-id-3gpp",
                method="UDP", url=f"udp://pcscf.{dom}:5060/", body=msg, expect={"imsi", "imei", "cell_id"})


def f_companion_tcp(d: Dev):
    lines = [jdump({"op": "hello", "proto": 3, "seq": 1}),
             jdump({"op": "bind", "seq": 2, "watchImei": d.imei1, "sn": d.serial, "phoneNumber": d.phone,
                    "fw": d.build, "battery": R.randint(20, 99)})]
    return dict(source="Wearable companion sync over raw TCP: JSON lines with watchImei, sn (serial) and phoneNumber",
                method="TCP", url="tcp://wear-sync.example.com:7443/", body="\n".join(lines) + "\n",
                expect={"imei", "serial", "phone"})


def f_captive(d: Dev, style="meraki"):
    ap = make_mac()
    if style == "meraki":
        q = [("base_grant_url", "https://n12.network-auth.example.com/splash/grant"),
             ("user_continue_url", "http://connectivitycheck.example.com/generate_204"),
             ("node_id", str(R.randint(10**11, 10**12))), ("node_mac", ap),
             ("gateway_id", str(R.randint(10**11, 10**12))), ("client_ip", "10.0." + str(R.randint(1, 250)) + ".23"),
             ("client_mac", d.mac)]
        url = "https://splash.hotel.example.com/login?" + qs(q)
        return dict(source="Meraki-style captive-portal splash URL (node_mac = AP, client_mac = phone)",
                    method="GET", url=url, headers=[("User-Agent", "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36")],
                    expect={"mac", "wifi_bssid"})
    form = [("ap_mac", ap.upper().replace(":", "-")), ("client_mac", d.mac.upper().replace(":", "-")),
            ("ssid", "Airport_Free_WiFi"), ("redirect", "http://captive.example.com/"), ("accept_terms", "on")]
    return dict(source="Aruba/Ruckus-style hotspot login form (ap_mac and client_mac, dash-separated upper-case)",
                method="POST", url="https://portal.airport.example.net/cgi-bin/login",
                headers=hj(ua="Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)" if d.os == "ios" else d.ua(),
                           ctype="application/x-www-form-urlencoded"),
                body=qs(form), expect={"mac", "wifi_bssid"})


def f_header_enrich(d: Dev):
    headers = [("User-Agent", d.ua()), ("Accept", "application/json"), ("X-MSISDN", d.phone.lstrip("+")),
               ("X-IMSI", d.imsi), ("X-Nokia-Gateway-Id", "NWG/" + digits(4)),
               ("Cookie", f"SESSION={b64url(rbytes(18))}; lang={d.lang[:2]}")]
    return dict(source="Carrier self-care app call through a header-enriching gateway (X-MSISDN, X-IMSI)",
                method="GET", url="https://my.carrier.example.com/api/v1/usage/current",
                headers=headers, expect={"phone", "imsi"})


def f_jwt_bearer(d: Dev):
    tok = jwt({"iss": "https://sso.carrier.example.com", "sub": f"tel:{d.phone}", "aud": "selfcare",
               "imei": d.imei1, "amr": ["header_enrichment"], "iat": ts(-60), "exp": ts(3540), "jti": ruuid()})
    return dict(source="Carrier SSO JWT (RFC 7519) bearer token whose payload names sub=tel:<E.164> and imei",
                method="GET", url="https://api.carrier.example.com/v2/subscriptions",
                headers=[("Authorization", f"Bearer {tok}"), ("User-Agent", d.ua()), ("Accept", "application/json")],
                expect={"phone", "imei"})


def f_ini_cfg(d: Dev):
    txt = (f"; device configuration snapshot\n[device]\nmodel={d.model}\nfirmware={d.build}\n"
           f"serial_number={d.serial}\nimei={d.imei1}\n\n[network]\napn=iot.example\n"
           f"wlan_mac={d.mac.upper()}\niccid={d.iccid}\n\n[report]\ninterval=900\n")
    return dict(source="IoT fleet config snapshot in INI syntax (serial_number, imei, wlan_mac, iccid)",
                method="PUT", url=f"https://fleet.example.com/api/devices/{digits(6, True)}/config",
                headers=[("Content-Type", "text/plain"), ("User-Agent", "fleet-agent/2.3")],
                body=txt, expect={"serial", "imei", "mac", "iccid"})


def f_yaml_diag(d: Dev):
    txt = (f"report: connectivity\ngenerated: {iso()}\ndevice:\n  model: {d.model}\n  serial: {d.serial}\n"
           f"  android_id: {d.android_id}\nsim:\n  iccid: '{d.iccid}'\n  msisdn: '{d.phone}'\n"
           f"  operator: {d.carrier}\nnetwork:\n  rat: NR_NSA\n  roaming: false\n")
    return dict(source="Diagnostics tool YAML report (device.serial, device.android_id, sim.iccid, sim.msisdn)",
                method="POST", url="https://support.example.com/api/diagnostics",
                headers=[("Content-Type", "application/yaml"), ("User-Agent", d.ua())],
                body=txt, expect={"serial", "android_id", "iccid", "phone"})


def f_hex_body(d: Dev):
    js = jdump({"imsi": d.imsi, "iccid": d.iccid, "op": d.mcc + d.mnc, "t": ms()})
    return dict(source="SDK report whose body is the hex encoding of a JSON object (imsi, iccid)",
                method="POST", url="https://t.sdk.example.cn/r",
                headers=[("Content-Type", "text/plain"), ("User-Agent", d.ua())],
                body=js.encode().hex(), expect={"imsi", "iccid"})


def f_double_urlenc(d: Dev):
    js = jdump({"android_id": d.android_id, "gaid": d.ad_id, "ev": "open", "ts": ms()})
    once = urllib.parse.quote(js, safe="")
    return dict(source="Tracking pixel with double URL-encoded JSON in a query parameter (android_id, gaid)",
                method="GET", url="https://trk.example.com/p.gif?d=" + urllib.parse.quote(once, safe=""),
                headers=[("User-Agent", d.ua())], expect={"android_id", "ad_id"})


def f_ndjson(d: Dev):
    lat, lon = d.loc(5)
    evs = [{"event": "login", "ts": ms(), "user": {"email": d.email, "plan": "family"}},
           {"event": "screen_view", "ts": ms(5), "screen": "map"},
           {"event": "geo", "ts": ms(9), "lat": lat, "lng": lon, "acc": R.randint(5, 25)}]
    return dict(source="NDJSON analytics batch (application/x-ndjson) with user.email and lat/lng event",
                method="POST", url="https://events.example.com/v1/batch",
                headers=hj(ua=d.ua() if d.os == "android" else "App/3.2 CFNetwork/1568 Darwin/24.1.0",
                           ctype="application/x-ndjson"),
                body="\n".join(jdump(e) for e in evs) + "\n", expect={"email", "location"})


def f_signin(d: Dev):
    form = [("grant_type", "password"), ("username", d.email), ("password", alnum(14)),
            ("client_id", "android-" + hexs(8)), ("device_id", ruuid()), ("scope", "openid profile offline_access")]
    return dict(source="OAuth 2.0 resource-owner password grant form (username = e-mail)",
                method="POST", url="https://id.example.com/oauth/token",
                headers=hj(ua=d.ua() if d.os == "android" else "Mail/2.0 CFNetwork/1494 Darwin/23.4.0",
                           ctype="application/x-www-form-urlencoded"),
                body=qs(form), expect={"email"})


def f_sentry(d: Dev):
    eid = hexs(32)
    env = jdump({"event_id": eid, "sent_at": iso(), "dsn": f"https://{hexs(32)}@o{digits(6)}.ingest.example.io/{digits(7)}"})
    item = jdump({"event_id": eid, "timestamp": ts(), "platform": "java", "level": "error",
                  "exception": {"values": [{"type": "IllegalStateException", "value": "Fragment not attached"}]},
                  "user": {"email": d.email, "ip_address": "{{auto}}"},
                  "contexts": {"device": {"model": d.model, "manufacturer": d.vendor, "arch": "arm64-v8a",
                                          "battery_level": R.randint(5, 99)},
                               "os": {"name": "Android", "version": d.osver}}})
    body = env + "\n" + jdump({"type": "event", "length": len(item.encode())}) + "\n" + item + "\n"
    return dict(source="Sentry envelope (event item) with user.email",
                method="POST", url=f"https://o{digits(6)}.ingest.example.io/api/{digits(7)}/envelope/",
                headers=[("Content-Type", "application/x-sentry-envelope"), ("User-Agent", "sentry.java.android/7.14.0"),
                         ("X-Sentry-Auth", f"Sentry sentry_version=7,sentry_client=sentry.java.android/7.14.0,sentry_key={hexs(32)}")],
                body=body, expect={"email"})


def f_hash_header(d: Dev):
    return dict(source="Analytics beacon carrying SHA-256(IMEI1) in an X-Device-Id header",
                method="POST", url="https://collect.analytics.example.com/v1/beacon",
                headers=hj(ua=d.ua(), X_Device_Id=sha256(d.imei1)),
                body=jdump({"ev": "app_open", "ts": ms(), "session": ruuid()}), expect=set(), extra={"imei"})


def f_gravatar(d: Dev):
    return dict(source="Gravatar-style avatar fetch: MD5 of the trimmed lower-case e-mail in the path",
                method="GET", url=f"https://avatars.example.com/avatar/{md5(d.email.strip().lower())}?s=96&d=identicon",
                headers=[("User-Agent", d.ua())], expect=set(), extra={"email"})


def f_capi_hashed(d: Dev):
    ph = sha256(d.phone.lstrip("+"))
    em = sha256(d.email.lower())
    body = {"data": [{"event_name": "Purchase", "event_time": ts(), "action_source": "app",
                      "user_data": {"em": [em], "ph": [ph], "country": [sha256(d.lang[-2:].lower())]},
                      "custom_data": {"currency": "EUR", "value": 12.9}}]}
    return dict(source="Meta Conversions-API-style event: normalised SHA-256 of e-mail (em) and phone digits (ph)",
                method="POST", url="https://graph.social.example.com/v19.0/" + digits(15, True) + "/events",
                headers=hj(ua=d.ua()), body=jdump(body), expect=set(), extra={"email", "phone"})


def f_mac_md5(d: Dev):
    q = [("m5", md5(d.mac.replace(":", "").upper())), ("app", "com.example.video"), ("v", "8.1.0"),
         ("os", "1"), ("ts", str(ms()))]
    return dict(source="Chinese ad-monitoring click URL (m5 = MD5 of upper-case MAC without separators)",
                method="GET", url="https://mon.adtrack.example.cn/c/a?" + qs(q),
                headers=[("User-Agent", d.ua())], expect=set(), extra={"mac"})


def f_path_ids(d: Dev):
    return dict(source="Remote-config fetch keyed by bare android_id in the path and serial in a query value",
                method="GET", url=f"https://cfg.example.com/v1/config/{d.android_id}.json?s={d.serial}&ch=stable",
                headers=[("User-Agent", d.ua()), ("If-None-Match", f'W/"{hexs(16)}"')],
                expect=set(), extra={"android_id", "serial"})


def f_stk_apdu(d: Dev):
    sw = tbcd(d.iccid).hex().upper()
    txt = (f"{stamp()} APDU >> 00 A4 08 04 02 2F E2\n{stamp()} APDU << 62 1E 82 02 41 21 83 02 2F E2 90 00\n"
           f"{stamp()} APDU >> 00 B0 00 00 0A\n{stamp()} APDU << {' '.join(sw[i:i+2] for i in range(0, len(sw), 2))} 90 00\n")
    return dict(source="SIM trace upload: READ BINARY of EF_ICCID (2FE2) returning the nibble-swapped ICCID",
                method="POST", url="https://simtrace.example.com/api/traces",
                headers=[("Content-Type", "text/plain"), ("User-Agent", d.ua())],
                body=txt, expect=set(), extra={"iccid"})


def f_json_in_json(d: Dev):
    inner = jdump({"device": {"imei": d.imei1, "imsi": d.imsi, "model": d.model}, "ts": ms()})
    body = {"type": "device_info", "ver": 2, "payload": inner, "sig": hexs(64)}
    return dict(source="Event envelope whose payload field is a JSON document serialised as a string",
                method="POST", url="https://ingest.example.com/v3/events",
                headers=hj(ua=d.ua() if d.os == "android" else "App/1.0"), body=jdump(body),
                expect={"imei", "imsi"})


def f_gzip_metrics(d: Dev):
    body = {"ts": ms(), "imsi": d.imsi, "imei": d.imei1,
            "servingCell": {"rat": "LTE", "mcc": d.mcc, "mnc": d.mnc, "tac": d.tac, "ci": d.eci, "pci": d.pci,
                            "earfcn": d.earfcn, "rsrp": -R.randint(80, 115)},
            "neighbours": [{"pci": R.randint(0, 503), "earfcn": d.earfcn, "rsrp": -R.randint(90, 120)} for _ in range(3)],
            "dropCalls": R.randint(0, 3)}
    return dict(source="Carrier network-experience agent metrics JSON (Content-Encoding: gzip): imsi, imei, servingCell.ci",
                method="POST", url="https://nqa.carrier.example.com/v1/metrics",
                headers=hj(ua=d.ua(), Content_Encoding="gzip"), body=gz(jdump(body)),
                expect={"imsi", "imei", "cell_id"})


def f_b64url_q(d: Dev):
    ap = ap_list(1)[0]
    js = jdump({"mac": d.mac, "bssid": ap["bssid"], "ssid": ap["ssid"], "rssi": ap["rssi"], "t": ms()})
    return dict(source="SDK collect GET with URL-safe base64 JSON in p= (own mac and connected AP bssid)",
                method="GET", url="https://sdk.example.com/collect?p=" + b64url(js) + "&v=2",
                headers=[("User-Agent", d.ua())], expect={"mac", "wifi_bssid"})


def f_cookie(d: Dev):
    return dict(source="Shopping app API call whose cookies carry the IMEI (_did) and gaid",
                method="GET", url="https://shop.example.com/api/cart",
                headers=[("User-Agent", d.ua()), ("Cookie", f"sid={b64url(rbytes(16))}; _did={d.imei1}; gaid={d.ad_id}; lang={d.lang}")],
                expect={"imei", "ad_id"})


def f_nr_quality(d: Dev):
    lat, lon = d.loc(6)
    body = {"sdk": "netq-3.9.2", "ts": ms(), "location": {"lat": lat, "lon": lon, "acc": R.randint(3, 20)},
            "nrCell": {"nci": d.nci, "pci": R.randint(0, 1007), "tac": d.tac, "mcc": d.mcc, "mnc": d.mnc,
                       "nrarfcn": 632628, "ssRsrp": -R.randint(80, 110)},
            "speed": {"dl_kbps": R.randint(10000, 400000), "ul_kbps": R.randint(2000, 60000)}}
    return dict(source="Network-quality SDK (Opensignal/Tutela-like) sample: device location and 5G NR nci",
                method="POST", url="https://api.netq.example.com/v1/samples",
                headers=hj(ua=d.ua()), body=jdump(body), expect={"location", "cell_id"})


def f_meid_activation(d: Dev):
    dec = std_meid.format(d.meid, format="dec", separator="")
    assert std_meid.is_valid(dec) and len(dec) == 18
    body = {"deviceId": {"type": "MEID", "value": dec}, "sim": {"imsi": d.imsi, "iccid": d.iccid},
            "requestId": ruuid(), "flow": "PORT_IN"}
    return dict(source="US carrier activation API: MEID in its 18-digit decimal form plus SIM imsi/iccid",
                method="POST", url="https://activation.carrier.example.com/v1/activate",
                headers=hj(ua=d.ua()), body=jdump(body), expect={"meid", "imsi", "iccid"})


def f_watch_pair(d: Dev, phone: Dev):
    body = {"watch": {"serialNumber": d.serial, "imei": d.imei1, "btMac": d.mac},
            "phone": {"model": phone.model if phone else "", "os": "android"}, "ts": ms()}
    return dict(source="Smartwatch companion-app pairing upload (watch serialNumber, imei, Bluetooth MAC)",
                method="POST", url="https://wear.example.com/api/v2/pair",
                headers=hj(ua="WearCompanion/14.1"), body=jdump(body), expect={"serial", "imei", "mac"})


# ------------------------------------------------------------------ identifier schedule


def build_identifiers():
    d = D
    sched = [
        # the held-out phone (corpus_phone, 10.88.0.7)
        (P, f_ct_selfreg), (P, f_checkin), (P, f_amapi_report), (P, f_fota_hashed),
        (P, f_measurement_pb), (P, lambda x: f_umeng(x, ad_key="gaid")),
        (P, lambda x: f_appsflyer(x, with_android_id=True)), (P, f_branch), (P, f_openrtb), (P, f_adquery),
        (P, f_fused), (P, f_geolocate), (P, lambda x: f_geosubmit(x, nosep=True)), (P, f_amap_form),
        (P, f_mipush), (P, f_rcs_acs), (P, f_ts43), (P, lambda x: f_ts43_odsa(x, d["at_watch"])),
        (P, f_es9_auth), (P, f_es9_notify), (P, f_signal), (P, f_ussd_log), (P, f_header_enrich),
        (P, f_jwt_bearer), (P, f_sip_register), (P, f_hash_header), (P, f_gravatar), (P, f_capi_hashed),
        (P, f_mac_md5), (P, f_path_ids), (P, f_stk_apdu), (P, f_ndjson),
        # China Telecom CDMA/LTE phone
        (d["cn_ct"], f_ct_selfreg), (d["cn_ct"], lambda x: f_omadm(x, use_meid=True)), (d["cn_ct"], f_bugreport),
        (d["cn_ct"], lambda x: f_umeng(x, ad_key="oaid")), (d["cn_ct"], f_tencent_form), (d["cn_ct"], f_amap_form),
        (d["cn_ct"], f_tombstone), (d["cn_ct"], f_hex_body),
        # Germany
        (d["de"], f_signin), (d["de"], f_amapi_report), (d["de"], f_knox_form), (d["de"], f_adjust),
        (d["de"], f_geosubmit), (d["de"], f_ts43), (d["de"], f_gzip_metrics), (d["de"], f_esim_transfer),
        # Norway
        (d["no"], f_appsflyer), (d["no"], f_openrtb), (d["no"], f_geolocate),
        (d["no"], f_rcs_acs), (d["no"], f_signal), (d["no"], f_sip_register), (d["no"], f_yaml_diag),
        (d["no"], f_owntracks_mqtt),
        # iPhones
        (d["fr_ios"], f_apple_mdm), (d["fr_ios"], f_signin), (d["fr_ios"], lambda x: f_captive(x, "form")),
        (d["us_ios"], f_apple_mdm), (d["us_ios"], f_openrtb), (d["us_ios"], f_ndjson), (d["us_ios"], f_appsflyer),
        # Spain (OPPO)
        (d["es"], f_fota_headers), (d["es"], f_oppo_push), (d["es"], lambda x: f_umeng(x, ad_key="gaid")),
        (d["es"], f_adquery), (d["es"], lambda x: f_anr_logcat(x, with_adid=True)), (d["es"], f_double_urlenc),
        # UK
        (d["uk"], f_omadm), (d["uk"], f_branch_uk), (d["uk"], f_geolocate), (d["uk"], f_captive),
        (d["uk"], f_sentry),
        # Russia
        (d["ru"], f_fused), (d["ru"], f_drivetest_csv), (d["ru"], f_anr_logcat), (d["ru"], f_b64url_q),
        # Italy
        (d["it"], f_amapi_report), (d["it"], f_openrtb), (d["it"], f_geosubmit), (d["it"], f_viber),
        (d["it"], f_nr_quality), (d["it"], f_sentry),
        # India
        (d["in"], lambda x: f_adjust(x, with_android_id=True)), (d["in"], lambda x: f_ussd_log(x, code="*121#")),
        (d["in"], f_header_enrich), (d["in"], f_json_in_json), (d["in"], f_cookie),
        # US Verizon (CDMA-era MEID)
        (d["us_vzw"], f_meid_activation), (d["us_vzw"], f_bugreport), (d["us_vzw"], lambda x: f_omadm(x, use_meid=True)),
        # IoT and wearables
        (d["nl_gt06"], f_gt06), (d["pl_gt06"], f_gt06), (d["pl_gt06"], f_h02), (d["se_fmb"], f_teltonika),
        (d["se_fmb"], f_ini_cfg), (d["dk_watch"], f_watch_ud), (d["pt_gl"], f_gtfri),
        (d["se_meter"], lambda x: f_lwm2m(x, with_imsi=True)), (d["se_meter"], f_dns_imei),
        (d["cn_iot"], lambda x: f_ct_selfreg(x, port=9999)), (d["cn_iot"], f_lwm2m),
        (d["at_watch"], f_hms_push), (d["at_watch"], f_companion_tcp), (d["at_watch"], lambda x: f_watch_pair(x, None)),
    ]
    for dev, fn in sched:
        add_identifier(dev, fn(dev))


def f_branch_uk(d: Dev):
    """Branch-style install for a non-corpus device: only the advertising id counts (hardware_id is unlabelled)."""
    return f_branch(d)


# ------------------------------------------------------------------------ benign

OTHER_CLIENTS = [f"10.88.1.{n}" for n in range(40, 60)]


def oc():
    return R.choice(OTHER_CLIENTS)


def luhn_number(prefix: str, length: int) -> str:
    body = prefix + digits(length - 1 - len(prefix))
    return body + luhn.calc_check_digit(body)


def png_bytes(w=16, h=16) -> bytes:
    def chunk(t, data):
        return struct.pack(">I", len(data)) + t + data + struct.pack(">I", zlib.crc32(t + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + rbytes(w * 3) for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def jpeg_bytes(n=900) -> bytes:
    return (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x48\x00\x48\x00\x00\xff\xdb\x00\x43\x00"
            + rbytes(64) + b"\xff\xc0\x00\x11\x08\x01\x00\x01\x00\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01"
            + b"\xff\xda\x00\x0c\x03\x01\x00\x02\x11\x03\x11\x00\x3f\x00" + rbytes(n) + b"\xff\xd9")


def tls_client_hello(sni: str) -> bytes:
    ext_sni = struct.pack(">HH", 0, len(sni) + 5) + struct.pack(">HBH", len(sni) + 3, 0, len(sni)) + sni.encode()
    ext_ver = b"\x00\x2b\x00\x05\x04\x03\x04\x03\x03"
    ext_groups = b"\x00\x0a\x00\x06\x00\x04\x00\x1d\x00\x17"
    ext_alpn = b"\x00\x10\x00\x0e\x00\x0c\x02h2\x08http/1.1"
    ks = b"\x00\x1d\x00\x20" + rbytes(32)
    ext_ks = b"\x00\x33" + struct.pack(">HH", len(ks) + 2, len(ks)) + ks
    ext_sig = b"\x00\x0d\x00\x08\x00\x06\x04\x03\x08\x04\x04\x01"
    exts = ext_sni + ext_ver + ext_groups + ext_alpn + ext_ks + ext_sig
    suites = b"\x13\x01\x13\x02\x13\x03\xc0\x2b\xc0\x2f\xcc\xa9"
    hello = (b"\x03\x03" + rbytes(32) + b"\x20" + rbytes(32) + struct.pack(">H", len(suites)) + suites
             + b"\x01\x00" + struct.pack(">H", len(exts)) + exts)
    hs = b"\x01" + struct.pack(">I", len(hello))[1:] + hello
    return b"\x16\x03\x01" + struct.pack(">H", len(hs)) + hs


def build_benign():
    p_ip = CORPUS_CLIENT
    ua_p = P.ua()
    ua_g = "okhttp/4.12.0"

    # 1 payment test cards (Luhn-valid, 15-16 digits)
    for card, cip in (("4242424242424242", oc()), ("378282246310005", p_ip), ("371449635398431", oc()),
                      ("5555555555554444", oc())):
        form = [("card[number]", card), ("card[exp_month]", "12"), ("card[exp_year]", "2030"),
                ("card[cvc]", digits(3 if len(card) == 16 else 4)), ("payment_user_agent", "stripe-android/20.48.0"),
                ("guid", ruuid()), ("muid", ruuid()), ("time_on_page", str(R.randint(5000, 90000)))]
        add_benign(cip, "Stripe-style card tokenisation form with a published Luhn-valid test card number",
                   "POST", "https://api.payments.example.com/v1/tokens",
                   hj(ua="Stripe/v1 AndroidBindings/20.48.0", ctype="application/x-www-form-urlencoded",
                      Authorization="Bearer pk_test_" + alnum(24)), qs(form))
    # 2 loyalty / gift cards (Luhn-valid, 16-19 digits)
    for n in range(2):
        num = luhn_number("6275" if n == 0 else "6033", 19 if n == 0 else 16)
        body = {"memberNumber" if n == 0 else "giftCard": num, "pin": digits(4), "store": "S-" + digits(4),
                "balanceRequest": True}
        add_benign(oc(), "Retail loyalty / gift-card balance check with a Luhn-valid card number",
                   "POST", "https://loyalty.retail.example.com/api/balance", hj(ua=ua_g), jdump(body))
    # 3 order, invoice and tracking numbers
    for n in range(2):
        body = {"orderId": "2025112" + digits(11), "invoice": f"INV-2025-{digits(6)}",
                "trackingNumber": "00" + digits(18), "sscc": "0" + digits(17),
                "items": [{"sku": "SKU-" + digits(7), "qty": R.randint(1, 3), "price": round(R.uniform(3, 80), 2)}]}
        add_benign(oc(), "E-commerce order confirmation with 18-20 digit order, SSCC and tracking numbers",
                   "POST", "https://shop.example.com/api/orders/confirm", hj(ua=ua_g), jdump(body))
    # 4 snowflake ids in REST paths
    for n in range(2):
        cid = str(R.randint(1_100_000_000_000_000_000, 1_399_999_999_999_999_999))
        add_benign(oc(), "Chat REST API paging with 19-digit snowflake message/channel ids",
                   "GET", f"https://chat.example.com/api/v10/channels/{cid}/messages?before={int(cid) - R.randint(10**6, 10**9)}&limit=50",
                   [("User-Agent", "ChatApp/240.14 (Android 14)"), ("Authorization", b64url(rbytes(18)) + "." + b64url(rbytes(5)) + "." + b64url(rbytes(27)))])
    # 5 OTLP traces (16-hex span ids, 19-digit nanosecond stamps)
    for cip in (p_ip, oc()):
        spans = []
        tid = hexs(32)
        for i in range(2):
            st = (T0 + i) * 10**9 + R.randint(0, 10**9 - 1)
            spans.append({"traceId": tid, "spanId": hexs(16), "parentSpanId": hexs(16) if i else "",
                          "name": "GET /api/feed", "kind": 3, "startTimeUnixNano": str(st),
                          "endTimeUnixNano": str(st + R.randint(10**6, 10**9)),
                          "attributes": [{"key": "http.status_code", "value": {"intValue": "200"}}]})
        body = {"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "android-app"}}]},
                                   "scopeSpans": [{"scope": {"name": "okhttp"}, "spans": spans}]}]}
        add_benign(cip, "OpenTelemetry OTLP/HTTP JSON trace export (traceId/spanId hex, nanosecond timestamps)",
                   "POST", "https://otel.example.com/v1/traces", hj(ua="OTel-OTLP-Exporter-Java/1.38.0"), jdump(body))
    # 6 request ids / traceparent / idempotency keys
    for cip in (p_ip, oc()):
        add_benign(cip, "API call with request-id UUIDs, W3C traceparent and Idempotency-Key headers",
                   "POST", "https://api.example.com/v1/transfers",
                   hj(ua=ua_g, X_Request_ID=ruuid(), Idempotency_Key=ruuid(),
                      traceparent=f"00-{hexs(32)}-{hexs(16)}-01", X_Correlation_ID=ruuid()),
                   jdump({"amount": R.randint(100, 9000), "currency": "EUR", "reference": "Rent November"}))
    # 7 S3-style PNG upload with digests
    for n in range(2):
        png = png_bytes(12 + 4 * n, 12)
        add_benign(oc(), "S3-style PUT of a PNG image with Content-MD5 and x-amz-content-sha256 digests",
                   "PUT", f"https://media.example.com/uploads/{ruuid()}.png",
                   [("Content-Type", "image/png"), ("Content-MD5", base64.b64encode(hashlib.md5(png).digest()).decode()),
                    ("x-amz-content-sha256", hashlib.sha256(png).hexdigest()), ("x-amz-date", "20251123T133501Z"),
                    ("Authorization", f"AWS4-HMAC-SHA256 Credential=AKIA{alnum(16)}/20251123/eu-north-1/s3/aws4_request, "
                                      f"SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature={hexs(64)}")], png)
    # 8 app update check with digests and version strings
    for n in range(2):
        body = {"package": "com.example.maps", "versionCode": R.randint(10**8, 10**9), "versionName": f"35.{R.randint(1,9)}.{R.randint(0,9)}.{R.randint(10,99)}",
                "abi": "arm64-v8a", "apkSha256": hexs(64), "signingCertSha1": hexs(40), "sdk": 34,
                "splits": [{"name": "config.xxhdpi", "sha1": hexs(40)}]}
        add_benign(oc(), "In-app update check with APK SHA-256, signing-cert SHA-1 and dotted version strings",
                   "POST", "https://updates.example.com/v1/check", hj(ua=ua_g), jdump(body))
    # 9 theme colours
    for cip in (p_ip, oc()):
        body = {"theme": "dark", "primary": "#" + hexs(6).upper(), "accent": "#" + hexs(6).upper(),
                "surface": "#FF" + hexs(6).upper(), "onSurface": "#" + hexs(8), "gradient": ["#" + hexs(6), "#" + hexs(6)]}
        add_benign(cip, "Theme preferences sync with hex colour codes (#RRGGBB / #AARRGGBB)",
                   "PUT", "https://prefs.example.com/api/v1/theme", hj(ua=ua_g), jdump(body))
    # 10 store locator by chosen city (coordinates of a place, not the device)
    for city, lat, lon, cip in (("Bergen", 60.3913, 5.3221, oc()), ("Helsinki", 60.1699, 24.9384, p_ip)):
        q = [("city", city), ("center", f"{lat},{lon}"), ("radius_km", "10"), ("open_now", "true")]
        add_benign(cip, "Store-locator search centred on a city picked from a list (city-centre coordinates)",
                   "GET", "https://stores.retail.example.com/api/stores/search?" + qs(q), [("User-Agent", ua_g)])
    q = [("store_id", "S-" + digits(4)), ("poi_lat", "61.4947"), ("poi_lon", "23.7733"), ("lang", "fi")]
    add_benign(p_ip, "Store detail fetch carrying the store's own coordinates (poi_lat/poi_lon)",
               "GET", "https://stores.retail.example.com/api/stores/detail?" + qs(q), [("User-Agent", ua_p)])
    # 11 map bounding box / tiles
    add_benign(oc(), "Map feature query for the visible viewport (bbox with 2-decimal corners)",
               "GET", "https://maps.example.com/api/features?bbox=10.70,59.90,10.80,59.95&zoom=14&layers=bike,transit",
               [("User-Agent", ua_g)])
    for z, x, y in ((14, 9106, 4580), (15, 18233, 8412)):
        add_benign(oc() if z == 14 else p_ip, "Vector map tile request (z/x/y path with @2x suffix)",
                   "GET", f"https://tiles.example.com/styles/v1/streets/tiles/512/{z}/{x}/{y}@2x?access_token=pk.{b64url(rbytes(30))}",
                   [("User-Agent", ua_g), ("Accept", "application/x-protobuf")])
    # 12 weather by city name
    for city, cip in (("Tampere", p_ip), ("Lyon", oc())):
        add_benign(cip, "Weather forecast by city name", "GET",
                   f"https://weather.example.com/v1/forecast?city={city}&units=metric&days=3&lang=fi",
                   [("User-Agent", ua_g)])
    # 13 route to a named destination (place coordinates only)
    body = {"destination": {"name": "Tampere-talo", "lat": 61.5031, "lon": 23.7787}, "origin": "CURRENT_LOCATION_SERVER_SIDE",
            "mode": "walk", "alternatives": 2}
    add_benign(p_ip, "Journey-planner request to a named venue (destination coordinates of the venue)",
               "POST", "https://journey.example.com/api/v2/plan", hj(ua=ua_p), jdump(body))
    # 14 delivery-zone polygon
    poly = [[round(24.9 + R.uniform(0, 0.1), 4), round(60.15 + R.uniform(0, 0.05), 4)] for _ in range(5)]
    poly.append(poly[0])
    add_benign(oc(), "Delivery-zone check for an address sending the zone's GeoJSON polygon",
               "POST", "https://delivery.example.com/api/zones/contains",
               hj(ua=ua_g), jdump({"zoneId": "hki-" + digits(3), "geometry": {"type": "Polygon", "coordinates": [poly]},
                                   "address": "Mannerheimintie 5, Helsinki"}))
    # 15 IPv6 addresses in network diagnostics
    for cip in (p_ip, oc()):
        addrs = ["2001:db8:%s:%s:%s:%s:%s:%s" % tuple(hexs(4) for _ in range(6)), "fd00::" + hexs(4),
                 "2001:db8::" + hexs(3) + ":" + hexs(4)]
        add_benign(cip, "Connectivity diagnostics listing IPv6 privacy addresses and DNS servers",
                   "POST", "https://netcheck.example.com/api/report",
                   hj(ua=ua_g), jdump({"ipv6": addrs, "dns": ["2001:db8:53::1", "2001:db8:53::2"], "mtu": 1500,
                                       "latency_ms": R.randint(8, 80)}))
    # 16 certificate-pinning failure report with colon-hex fingerprints
    for n in range(2):
        fp = ":".join(hexs(2).upper() for _ in range(32))
        serial_hex = ":".join(hexs(2) for _ in range(16))
        body = {"date-time": iso(), "hostname": "api.example.com", "port": 443, "effective-expiration-date": "2026-01-01T00:00:00Z",
                "include-subdomains": False, "noted-hostname": "example.com",
                "served-certificate-chain": ["-----BEGIN CERTIFICATE-----\n" + b64(rbytes(300)) + "\n-----END CERTIFICATE-----"],
                "known-pins": [f'pin-sha256="{b64(rbytes(32))}"'], "sha256-fingerprint": fp, "cert-serial": serial_hex}
        add_benign(oc(), "Certificate-pinning violation report (HPKP-style JSON) with colon-separated SHA-256 fingerprint and serial",
                   "POST", "https://report.example.com/pkp", hj(ua=ua_g, ctype="application/json"), jdump(body))
    # 17 timecodes
    body = {"mediaId": "vod-" + digits(8), "position": f"00:{R.randint(10,59)}:{R.randint(10,59)}:{R.randint(10,24):02d}",
            "chapters": ["00:00:00:00", "00:12:31:04", "00:27:45:18"], "bitrate": 4500000}
    add_benign(oc(), "Video playback progress with SMPTE timecodes (hh:mm:ss:ff)", "POST",
               "https://vod.example.com/api/progress", hj(ua="ExoPlayerLib/2.19.1"), jdump(body))
    # 18 e-mail-like strings that are not addresses
    for n in range(2):
        body = {"assets": ["ic_launcher@3x.png", "splash@2x.webp", "Inter-Regular@2.0.woff2"],
                "deps": ["@babel/core@7.23.9", "@react-native/metro-config@0.73.4"],
                "repo": "git@git.example.com:mobile/app.git", "template": "{{first}}.{{last}}@{{domain}}"}
        add_benign(oc(), "Build/asset manifest upload with '@' in asset names, npm specs, an SSH remote and a template",
                   "POST", "https://cdn-admin.example.com/api/manifests", hj(ua="gradle/8.5"), jdump(body))
    # 19 barcodes / ISBN
    for n in range(2):
        e13 = "978" + digits(9)
        g14 = "0703801" + digits(6)
        upc = digits(11, True)
        body = {"ean": e13 + std_ean.calc_check_digit(e13), "gtin": g14 + std_ean.calc_check_digit(g14),
                "upc": upc + std_ean.calc_check_digit(upc),
                "format": "EAN_13", "scannedAt": ms()}
        add_benign(oc(), "Barcode-scanner lookup (EAN-13/ISBN, GTIN-14, UPC-A numbers)",
                   "POST", "https://products.example.com/api/lookup", hj(ua=ua_g), jdump(body))
    # 20 bank payment references
    for n in range(2):
        bban = digits(14)
        iban = "FI" + std_iban.calc_check_digits("FI00" + bban) + bban
        assert std_iban.is_valid(iban)
        body = {"iban": iban, "bic": "NDEAFIHH", "reference": luhn_number("1", 16),
                "rfReference": "RF18" + digits(14), "amount": "49.90", "dueDate": "2025-12-05"}
        add_benign(p_ip if n == 0 else oc(), "Mobile-bank bill payment with IBAN and a Luhn-valid 16-digit payment reference",
                   "POST", "https://bank.example.com/api/payments", hj(ua="MobileBank/12.4 (Android)"), jdump(body))
    # 21 placeholder-only self-registration (emulator / no SIM)
    reg = {"REGVER": "8.0", "MEID": "00000000000000", "MODEL": "sdk_gphone64_arm64", "SWVER": "UE1A.230829.036",
           "SIM1CDMAIMSI": "", "UETYPE": "1", "SIM1ICCID": "00000000000000000000", "SIM1LTEIMSI": "111111111111111",
           "SIM1TYPE": "2", "SIM2CDMAIMSI": "", "SIM2ICCID": "", "SIM2LTEIMSI": "", "SIM2TYPE": "",
           "MACID": "02:00:00:00:00:00", "OSVER": "Android14", "ROM": "8G", "RAM": "2G", "IMEI1": "000000000000000",
           "IMEI2": "", "SIM1CELLID": "", "SIM2CELLID": "", "DATASIM": "1", "REGDATE": stamp()}
    add_benign(oc(), "China Telecom self-registration from an emulator: every identifier field is a placeholder",
               "POST", "http://zzhc.example.cn/", [("Content-Type", "application/encrypted-json")],
               base64.encodebytes(jdump(reg).encode()))
    # 22 limited ad tracking
    for cip in (p_ip, oc()):
        body = {"advertiserId": "00000000-0000-0000-0000-000000000000", "advertiserIdEnabled": "false",
                "app_id": "com.example.news", "af_timestamp": str(ms()), "uid": f"{ms()}-{digits(19, True)}",
                "sdk": "6.12.4", "counter": "3"}
        add_benign(cip, "AppsFlyer-style launch with limit-ad-tracking on: all-zero advertising id",
                   "POST", "https://launches.appsflyer.example.com/api/v6.12/androidevent?app_id=com.example.news",
                   hj(ua=ua_p if cip == p_ip else ua_g), jdump(body))
    # 23 Android 10+ restricted identifiers
    body = {"serial": "unknown", "imei": "", "meid": "", "mac": "02:00:00:00:00:00", "bssid": "02:00:00:00:00:00",
            "ssid": "<unknown ssid>", "android_id": None, "sdk": 34, "model": P.model}
    add_benign(p_ip, "Device-info SDK on Android 14 where the platform returns placeholders (serial 'unknown', MAC/BSSID 02:00:00:00:00:00)",
               "POST", "https://sdk.example.com/v1/device", hj(ua=ua_p), jdump(body))
    body = {"wifi": {"bssid": "02:00:00:00:00:00", "ssid": "<unknown ssid>", "rssi": -55, "linkSpeed": 433},
            "cell": {"mcc": "244", "mnc": "91", "ci": 2147483647, "tac": 2147483647}}
    add_benign(p_ip, "Connectivity SDK without location permission: placeholder BSSID and CellInfo UNAVAILABLE (Integer.MAX_VALUE) fields",
               "POST", "https://sdk.example.com/v1/connectivity", hj(ua=ua_p), jdump(body))
    # 24 genuine ciphertext
    for n in range(2):
        blob = rbytes(12) + rbytes(R.randint(300, 700)) + rbytes(16)
        add_benign(oc(), "AES-GCM encrypted envelope (nonce | ciphertext | tag) sent as application/octet-stream",
                   "POST", "https://secure-sync.example.com/v2/blob",
                   [("Content-Type", "application/octet-stream"), ("User-Agent", ua_g), ("X-Key-Id", "k" + digits(3))], blob)
    add_benign(oc(), "Custom encrypted envelope: base64 of random ciphertext posted as application/encrypted-json",
               "POST", "http://register.example.cn/", [("Content-Type", "application/encrypted-json")],
               base64.encodebytes(rbytes(384)))
    # 25 gzip'd plain log without identifiers
    log = "\n".join(f"{stamp(i)} I/Choreographer({R.randint(1000,9000)}): Skipped {R.randint(30,90)} frames!  The application may be doing too much work on its main thread."
                    for i in range(6))
    add_benign(oc(), "gzip'd application log upload containing only timing/jank lines", "POST",
               "https://logs.example.com/v1/ingest", [("Content-Type", "text/plain"), ("Content-Encoding", "gzip"),
                                                     ("User-Agent", ua_g)], gz(log))
    # 26 protobuf telemetry without identifiers
    for n in range(2):
        msg = (pb_int(1, R.randint(1, 100)) + pb_int(2, ms()) + pb_len(3, "battery") + pb_int(4, R.randint(3000, 4400))
               + pb_fixed64(5, R.getrandbits(63)) + pb_len(6, pb_int(1, 34) + pb_len(2, "arm64-v8a")))
        add_benign(oc(), "Schema-less protobuf telemetry (battery level, counters, 64-bit fixed random sample id)",
                   "POST", "https://telemetry.example.com/upload", [("Content-Type", "application/x-protobuf"), ("User-Agent", ua_g)], msg)
    # 27 JPEG multipart
    bnd = "----PhotoUpload" + hexs(12)
    add_benign(oc(), "Photo upload (multipart) of a JPEG without EXIF", "POST", "https://photos.example.com/api/upload",
               [("Content-Type", f"multipart/form-data; boundary={bnd}"), ("User-Agent", ua_g)],
               multipart([("album", None, None, "Holiday"), ("file", "IMG_20251123_143501.jpg", "image/jpeg", jpeg_bytes())], bnd))
    # 28-33 raw transport
    add_benign(p_ip, "TLS 1.3 ClientHello (SNI api.example.com) over raw TCP", "TCP", "tcp://api.example.com:443/",
               [], tls_client_hello("api.example.com"))
    add_benign(oc(), "TLS 1.3 ClientHello (SNI push.example.net) over raw TCP", "TCP", "tcp://push.example.net:5228/",
               [], tls_client_hello("push.example.net"))
    add_benign(oc(), "Proprietary encrypted game protocol frame over raw TCP (length-prefixed random bytes)", "TCP",
               "tcp://game.example.com:7777/", [], struct.pack(">H", 240) + rbytes(240))
    quic = bytes([0xC3]) + b"\x00\x00\x00\x01" + b"\x08" + rbytes(8) + b"\x08" + rbytes(8) + b"\x00" + b"\x44\xd0" + rbytes(1180)
    add_benign(oc(), "QUIC v1 Initial packet over UDP (protected payload)", "UDP", "udp://video.example.com:443/", [], quic)
    rtp = bytes([0x80, 0x08]) + struct.pack(">HII", R.randint(0, 65535), R.randint(0, 2**32 - 1), R.getrandbits(32)) + rbytes(160)
    add_benign(oc(), "RTP G.711 A-law voice packet over UDP", "UDP", "udp://voip.example.net:16384/", [], rtp)
    ntp = bytes([0x23]) + b"\x00" * 39 + struct.pack(">II", T0 + 2208988800, R.getrandbits(32))
    add_benign(p_ip, "NTPv4 client request over UDP", "UDP", "udp://time.example.com:123/", [], ntp)
    add_benign(p_ip, "DNS A query over UDP for a connectivity-check host", "UDP", "udp://resolver.example.net:53/", [],
               dns_query("connectivitycheck.example.com"))
    add_benign(oc(), "DNS AAAA query over UDP for an API host", "UDP", "udp://resolver.example.net:53/", [],
               dns_query("api.weather.example.com", 28))
    # 34 MQTT connect with a random hex client id
    connect = mqtt_pkt(0x10, mqtt_str(b"MQTT") + b"\x04\x02\x00\x3c" + mqtt_str(f"android-{hexs(16)}".encode()))
    add_benign(oc(), "MQTT 3.1.1 CONNECT with a random per-install client id, then PINGREQ", "TCP",
               "tcp://iot-broker.example.com:1883/", [], connect + b"\xc0\x00")
    # 35 Firebase Installations
    for cip in (p_ip, oc()):
        fid = "c" + b64url(rbytes(16))[:21]
        body = {"fid": fid, "appId": f"1:{digits(12)}:android:{hexs(16)}", "authVersion": "FIS_v2", "sdkVersion": "a:17.2.0"}
        add_benign(cip, "Firebase Installations create (FID is an app-instance id, not a device id)", "POST",
                   f"https://firebaseinstallations.example.com/v1/projects/example-{digits(5)}/installations",
                   hj(ua=ua_g, x_goog_api_key="AIza" + b64url(rbytes(26)), x_android_package="com.example.notes"), jdump(body))
    # 36 push token registration
    form = [("X-subtype", digits(12)), ("sender", digits(12)), ("X-app_ver", "412"), ("X-osv", "34"),
            ("X-cliv", "fcm-23.4.0"), ("X-gmsv", "244337035"), ("X-scope", "*"), ("app", "com.example.chat"),
            ("device", digits(19, True)), ("app_ver", "412"), ("gcm_ver", "244337035"), ("cert", hexs(40))]
    add_benign(oc(), "FCM register3 form (device = 19-digit checkin id, cert = signing-cert SHA-1)", "POST",
               "https://android.apis.example.com/c2dm/register3",
               [("Content-Type", "application/x-www-form-urlencoded"), ("Authorization", f"AidLogin {digits(19, True)}:{digits(19, True)}"),
                ("User-Agent", "Android-GCM/1.5")], qs(form))
    # 37 Datadog-style trace headers
    add_benign(oc(), "APM-instrumented call with decimal 64-bit trace/parent ids in headers", "GET",
               "https://api.example.com/v2/feed?page=2",
               [("User-Agent", ua_g), ("x-datadog-trace-id", str(R.getrandbits(63))), ("x-datadog-parent-id", str(R.getrandbits(63))),
                ("x-datadog-sampling-priority", "1"), ("x-datadog-origin", "rum")])
    # 38 16-hex values under non-identifier keys
    for cip in (p_ip, oc(), oc()):
        body = {"nonce": hexs(16), "build_id": hexs(16), "commit": hexs(12), "session": hexs(32),
                "sig": hexs(64), "expires": ts(600)}
        add_benign(cip, "Signed request with a 16-hex nonce, build id, short commit hash and HMAC",
                   "POST", "https://api.example.com/v1/session/refresh", hj(ua=ua_g), jdump(body))
    # 39 identifier-named settings with boolean values
    body = {"imei_required": False, "macAddressRandomization": True, "serialize_responses": True,
            "phone_verified": True, "email_opt_in": False, "show_location_prompt": True, "iccid_lookup": "disabled"}
    add_benign(p_ip, "Privacy-settings sync whose keys name identifiers but hold only flags", "PUT",
               "https://settings.example.com/api/v1/privacy", hj(ua=ua_p), jdump(body))
    # 40 BLE / beacon UUIDs
    for n in range(2):
        body = {"services": ["0000180d-0000-1000-8000-00805f9b34fb", "0000180f-0000-1000-8000-00805f9b34fb"],
                "beacon": {"uuid": "f7826da6-4fa2-4e98-8024-bc5b71e0893e", "major": R.randint(1, 65535), "minor": R.randint(1, 65535),
                           "txPower": -59}, "venue": "Mall-" + digits(3)}
        add_benign(oc(), "Venue beacon configuration fetch (Bluetooth SIG base UUIDs and an iBeacon proximity UUID)",
                   "POST", "https://beacons.example.com/api/venue/config", hj(ua=ua_g), jdump(body))
    # 41 OpenRTB without device ids
    for n in range(2):
        req = {"id": ruuid(), "imp": [{"id": "1", "banner": {"w": 300, "h": 250}}],
               "app": {"bundle": "com.example.news", "publisher": {"id": digits(6)}},
               "device": {"lmt": 1, "ifa": "00000000-0000-0000-0000-000000000000", "devicetype": 4, "os": "Android",
                          "geo": {"country": "FIN", "region": "11", "type": 2}, "connectiontype": 2},
               "regs": {"ext": {"gdpr": 1}}, "source": {"tid": ruuid()}}
        add_benign(oc(), "OpenRTB 2.5 bid request under limit-ad-tracking: zero ifa, IP-derived country/region only",
                   "POST", "https://rtb.example.com/openrtb2/auction", hj(ua="openrtb-client/2.5"), jdump(req))
    # 42 country dial codes
    body = {"countries": [{"iso": "FI", "dial": "+358"}, {"iso": "SE", "dial": "+46"}, {"iso": "NO", "dial": "+47"},
                          {"iso": "EE", "dial": "+372"}], "default": "FI", "ttl": 86400}
    add_benign(oc(), "Country-picker configuration (dial codes only)", "PUT",
               "https://config.example.com/api/countries/cache", hj(ua=ua_g), jdump(body))
    # 43 analytics cookies
    for cip in (p_ip, oc()):
        add_benign(cip, "Web view request with Google-Analytics/_fbp style cookies (random.timestamp client ids)", "GET",
                   "https://www.shop.example.com/campaign/winter",
                   [("User-Agent", "Mozilla/5.0 (Linux; Android 14; K) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"),
                    ("Cookie", f"_ga=GA1.1.{R.randint(10**9, 2*10**9)}.{ts(-R.randint(0, 10**6))}; "
                               f"_fbp=fb.1.{ms(-R.randint(0, 10**6))}.{R.randint(10**9, 2*10**9)}; consent=granted")])
    # 44 chat text
    for cip, txt in ((p_ip, "Nähdään klo 18 Tampere-talon edessä 🙂"), (oc(), "Bin in 10 Minuten da, Gleis 7 🚆")):
        body = {"conversationId": ruuid(), "clientMsgId": ruuid(), "text": txt, "sentAt": iso()}
        add_benign(cip, "Messaging app send-message call (Unicode text, UUID message ids)", "POST",
                   "https://msg.example.com/api/v1/messages", hj(ua=ua_g), jdump(body))
    # 45 native log with addresses and pids
    lines = [f"{stamp(i)} {R.randint(1000,30000)} {R.randint(1000,30000)} W libc    : Access denied finding property \"vendor.debug.{hexs(6)}\""
             for i in range(3)]
    lines += [f"#0{i} pc 0x0000{hexs(12)} sp 0x0000007f{hexs(8)}" for i in range(3)]
    add_benign(oc(), "Debug log upload with PIDs/TIDs, program counters and stack pointers", "POST",
               "https://logs.example.com/v1/native", [("Content-Type", "text/plain"), ("User-Agent", ua_g)], "\n".join(lines) + "\n")
    # 46 voucher / promo codes that look like serials
    for n in range(2):
        body = {"voucher": "R5" + alnum(9), "promo": "WINTER25", "basket": "B" + digits(10)}
        add_benign(oc(), "Voucher redemption with alphanumeric codes shaped like device serials", "POST",
                   "https://shop.example.com/api/vouchers/redeem", hj(ua=ua_g), jdump(body))
    # 47 firmware / baseband version strings
    body = {"fw": "00WW_3_39B_SP03", "baseband": "MPSS.AT.4.3.c2-00123-SDX55_GEN_PACK-1", "kernel": "5.15.123-android14-11-g3b9e",
            "securityPatch": "2025-11-05", "bootloader": "unknown"}
    add_benign(oc(), "Firmware inventory report (build, baseband and kernel version strings only)", "POST",
               "https://inventory.example.com/api/firmware", hj(ua=ua_g), jdump(body))
    # 48 network type only
    for cip in (p_ip, oc()):
        body = {"mcc": "244", "mnc": "91", "networkType": "NR_NSA", "roaming": False, "operator": "Telia FI",
                "signalLevel": R.randint(1, 4)}
        add_benign(cip, "Network-type report with only MCC/MNC and operator name (no cell or subscriber ids)", "POST",
                   "https://qos.example.com/api/network", hj(ua=ua_g), jdump(body))
    # 49 webhook-style signed callback
    body = jdump({"id": "evt_" + alnum(24), "type": "invoice.paid", "created": ts(), "data": {"amount": 4990}})
    add_benign(oc(), "Signed callback with an HMAC-SHA256 signature header and event ids", "POST",
               "https://hooks.example.com/payments",
               hj(ua=ua_g, X_Signature="sha256=" + hexs(64), X_Timestamp=str(ts())), body)
    # 50 JWT without identifiers
    for n in range(2):
        tok = jwt({"iss": "https://auth.example.com", "sub": ruuid(), "aud": "api", "scope": "read:feed",
                   "iat": ts(-30), "exp": ts(3570), "jti": ruuid()})
        add_benign(oc(), "Bearer JWT whose claims hold only UUIDs, scopes and timestamps", "GET",
                   "https://api.example.com/v1/feed", [("Authorization", f"Bearer {tok}"), ("User-Agent", ua_g)])
    # 51 support form text mentioning identifiers without values
    form = [("topic", "device"), ("message", "Puhelin ei näytä IMEI-koodia (*#06#) ja Wi-Fi MAC on satunnaistettu. Sarjanumero tarralla kulunut."),
            ("contact_pref", "chat")]
    add_benign(p_ip, "Support contact form whose free text mentions IMEI/MAC/serial but carries no values", "POST",
               "https://support.example.com/contact", hj(ua=ua_p, ctype="application/x-www-form-urlencoded"), qs(form))
    # 52 CSV sales export
    rows = ["date,sku,qty,unit_price,total"] + [f"2025-11-{R.randint(1,23):02d},SKU-{digits(7)},{R.randint(1,5)},{R.uniform(1,90):.2f},{R.uniform(1,400):.2f}" for _ in range(5)]
    add_benign(oc(), "Point-of-sale app CSV export (dates, SKUs, prices)", "POST", "https://pos.example.com/api/export",
               [("Content-Type", "text/csv"), ("User-Agent", ua_g)], "\n".join(rows) + "\n")
    # 53 YAML config
    add_benign(oc(), "YAML feature-flag config push (durations, colours, version pins)", "PUT",
               "https://flags.example.com/api/config.yaml", [("Content-Type", "application/yaml"), ("User-Agent", ua_g)],
               "flags:\n  new_checkout: true\n  retry: 3\n  timeout: 00:00:30\n  brand_color: '#0A84FF'\n"
               f"  min_version: 35.2.1\nrollout:\n  percent: 25\n  seed: {hexs(16)}\n")
    # 54 integrity attestation request
    for n in range(2):
        body = {"nonce": b64url(rbytes(24)), "apkCertificateDigestSha256": [b64(rbytes(32))],
                "apkPackageName": "com.example.bank", "requestHash": hexs(64), "timestampMillis": str(ms())}
        add_benign(oc(), "Play-Integrity-style attestation request (nonce, certificate digests, request hash)", "POST",
                   "https://integrity.example.com/v1/decode", hj(ua=ua_g), jdump(body))
    # 55 microsecond / nanosecond timestamps
    for n in range(2):
        body = {"t_us": (T0 + n) * 10**6 + R.randint(0, 999999), "t_ns": (T0 + n) * 10**9 + R.randint(0, 10**9 - 1),
                "seq": R.randint(10**14, 10**15 - 1), "frame": R.randint(1, 10**6)}
        add_benign(oc(), "Sensor/clock sync sample with 16-digit microsecond, 19-digit nanosecond stamps and a 15-digit sequence",
                   "POST", "https://sync.example.com/api/clock", hj(ua=ua_g), jdump(body))
    # 56 hotspot portal without identifiers
    add_benign(oc(), "Captive-portal probe and terms acceptance with only SSID and redirect URL", "POST",
               "https://portal.cafe.example.net/accept", hj(ua=ua_g, ctype="application/x-www-form-urlencoded"),
               qs([("ssid", "Cafe_Free"), ("redirect", "http://connectivitycheck.example.com/generate_204"), ("accept", "1")]))
    # 57 gzip'd JSON, Content-Encoding set, no identifiers
    add_benign(oc(), "gzip'd JSON feature-usage counters (Content-Encoding: gzip)", "POST",
               "https://usage.example.com/v1/counters", hj(ua=ua_g, Content_Encoding="gzip"),
               gz(jdump({"counters": {"open": R.randint(1, 90), "share": R.randint(0, 9), "crash": 0}, "day": "2025-11-23"})))
    # 58 CoAP/LwM2M update with short location path only
    hdr = bytes([0x44, 0x02]) + struct.pack(">H", R.randint(1, 65535)) + rbytes(4)
    add_benign(oc(), "OMA LwM2M Update over CoAP/UDP (registration location path only, no endpoint name)", "UDP",
               "udp://lwm2m.example.com:5683/", [], hdr + coap_opts([(11, b"rd"), (11, b"5a3f"), (15, b"lt=86400")]))
    # 59 app search / misc from the corpus phone
    add_benign(p_ip, "App-store search query", "GET", "https://store.example.com/api/search?q=bus+tickets+tampere&lang=fi&page=1",
               [("User-Agent", ua_p)])
    add_benign(p_ip, "Podcast feed refresh with ETag", "GET", f"https://pods.example.com/feeds/{digits(7)}.xml",
               [("User-Agent", ua_p), ("If-None-Match", f'"{hexs(32)}"'), ("If-Modified-Since", "Sun, 23 Nov 2025 12:00:00 GMT")])
    add_benign(p_ip, "Calendar sync (CalDAV REPORT body sent as PUT) with UIDs and dates", "PUT",
               f"https://dav.example.com/calendars/{ruuid()}/event-{digits(6)}.ics",
               [("Content-Type", "text/calendar"), ("User-Agent", "DAVx5/4.4 (Android)")],
               "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:" + ruuid() + "\r\nDTSTART:20251125T160000Z\r\n"
               "DTEND:20251125T170000Z\r\nSUMMARY:Sählyvuoro\r\nLOCATION:Hervannan liikuntahalli\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


# ------------------------------------------------------------------------- checks


def all_text(rec) -> str:
    parts = [rec["url"], urllib.parse.unquote(rec["url"])] + [f"{k}: {v}" for k, v in rec["headers"]]
    if rec["body_encoding"] == "text":
        parts.append(rec["body"])
    else:
        raw = base64.b64decode(rec["body"])
        parts.append(raw.decode("latin-1"))
        if raw[:2] == b"\x1f\x8b":
            parts.append(gzip.decompress(raw).decode("latin-1"))
    return "\n".join(parts).lower()


def validate_devices():
    for dev in ALL_DEVS:
        for im in (dev.imei1, dev.imei2):
            assert im is None or (len(im) == 15 and std_imei.is_valid(im)), im
        for ims in (dev.imsi, dev.cdma_imsi):
            assert ims is None or std_imsi.is_valid(ims), ims
        assert dev.iccid.startswith("89") and len(dev.iccid) in (19, 20) and luhn.is_valid(dev.iccid)
        assert dev.meid is None or std_meid.is_valid(dev.meid)
        assert dev.phone is None or phonenumbers.is_valid_number(phonenumbers.parse(dev.phone))
        assert int(dev.mac.split(":")[0], 16) % 2 == 0
        assert dev.android_id is None or (len(dev.android_id) == 16 and int(dev.android_id, 16))
        assert str(uuid.UUID(dev.ad_id)).lower() == dev.ad_id.lower() and uuid.UUID(dev.ad_id).int != 0


def leak_checks():
    p_vals = [v.lower() for v in P.values()] + [P.mac.replace(":", "")]
    for rec in ID_RECORDS + BENIGN_RECORDS:
        if rec["corpus_phone"]:
            assert rec["client_ip"] == CORPUS_CLIENT
            continue
        txt = all_text(rec)
        for v in p_vals:
            assert v not in txt, (rec["id"], v)
        if rec["label"] == "benign":
            for dev in ALL_DEVS:
                for v in dev.values():
                    assert v.lower() not in txt, (rec["id"], dev.key, v)
    for rec in ID_RECORDS:
        assert rec["corpus_phone"] == (rec["_dev"] == P.key)
        if not rec["corpus_phone"]:
            assert rec["client_ip"] != CORPUS_CLIENT and rec["expect"] == rec["expect_profile"], rec["id"]


def profile_yaml() -> str:
    def lst(vals):
        return "[" + ", ".join(f'"{v}"' for v in vals) + "]"
    return (
        "name: heldout2-phone\n"
        f"imei: {lst([P.imei1, P.imei2])}\n"
        f"imsi: {lst([P.imsi])}\n"
        f"iccid: {lst([P.iccid])}\n"
        f"mac: {lst([P.mac])}\n"
        f"serial: {lst([P.serial])}\n"
        f"android_id: {lst([P.android_id])}\n"
        f"ad_id: {lst([P.ad_id])}\n"
        f"phone: {lst([P.phone])}\n"
        f"email: {lst([P.email])}\n"
        f"location: {{lat: {P.lat0}, lon: {P.lon0}, radius_m: 2000}}\n"
        f'clients: ["{CORPUS_CLIENT}"]\n'
    )


def main():
    build_identifiers()
    build_benign()
    validate_devices()
    leak_checks()
    out = []
    for rec in ID_RECORDS + BENIGN_RECORDS:
        rec = {k: v for k, v in rec.items() if not k.startswith("_")}
        out.append(json.dumps(rec, ensure_ascii=False, sort_keys=True))
    (HERE / "requests.jsonl").write_text("\n".join(out) + "\n", encoding="utf-8")
    (HERE / "heldout2-phone.yaml").write_text(profile_yaml(), encoding="utf-8")
    n_corpus = sum(r["corpus_phone"] for r in ID_RECORDS)
    print(f"identifier={len(ID_RECORDS)} benign={len(BENIGN_RECORDS)} corpus_phone={n_corpus}")


if __name__ == "__main__":
    main()
