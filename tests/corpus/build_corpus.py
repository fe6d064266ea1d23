#!/usr/bin/env python3
"""Build the labelled development corpus: tests/corpus/requests.jsonl (deterministic, seed fixed).

Each line is one HTTP request as a phone would send it, with the identifier types it carries:

    {"id", "label": "identifier"|"benign", "source": "<the real format it models>",
     "method", "url", "headers": [[name, value], ...], "body": str, "body_encoding": "text"|"base64",
     "client_ip", "expect": [types found without a profile], "expect_profile": [types with the profile]}

``expect_profile`` adds what only the corpus device profile (tests/corpus/corpus-phone.yaml) makes
visible: hashed identifiers, serials without a telling key. Values are built from the documented
structure of each identifier (TAC + serial + Luhn, MCC/MNC + MSIN, 89 + country + issuer…), and each
request template from the public description of the protocol it models (``source``); nothing here is
derived from the detector's patterns. Regenerate with ``python tests/corpus/build_corpus.py``.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import random
import urllib.parse
import uuid
from pathlib import Path

import phonenumbers
from stdnum import luhn

HERE = Path(__file__).parent
OUT = HERE / "requests.jsonl"
SEED = 20190321  # the day NRK published the Nokia 7 Plus story

# ------------------------------------------------------------------------------------------ values

TACS = ["35209900", "35332811", "86891203", "35846109", "01332700", "35391110", "86769604", "35438210"]
# (MCC, MNC): Telenor NO, Telia NO, China Telecom, China Mobile, China Unicom, Telia SE, Telekom DE,
# T-Mobile US, EE UK, Orange FR
PLMNS = [("242", "01"), ("242", "02"), ("460", "11"), ("460", "00"), ("460", "01"), ("240", "01"),
         ("262", "01"), ("310", "260"), ("234", "30"), ("208", "01")]
ICCID_PREFIXES = ["894701", "894702", "898603", "898600", "894601", "894902", "8901260", "894430"]
OUIS = ["a4:50:46", "3c:28:6d", "f8:e6:1a", "ac:37:43", "00:1a:11", "94:65:2d", "dc:72:23", "38:f9:d3"]
CITIES = [(59.9139, 10.7522), (60.1699, 24.9384), (52.52, 13.405), (39.9042, 116.4074), (51.5072, -0.1276),
          (48.8566, 2.3522), (37.7749, -122.4194), (55.6761, 12.5683)]
PHONE_TEMPLATES = ["+474{:07d}", "+479{:07d}", "+86138{:08d}", "+4670{:07d}", "+49151{:07d}", "+447700{:06d}",
                   "+1650253{:04d}", "+35840{:07d}"]


class Device:
    def __init__(self, rng: random.Random, **fixed):
        tac = rng.choice(TACS)
        body = tac + f"{rng.randrange(10**6):06d}"
        self.imei = fixed.get("imei") or body + luhn.calc_check_digit(body)
        body2 = tac + f"{rng.randrange(10**6):06d}"
        self.imei2 = fixed.get("imei2") or body2 + luhn.calc_check_digit(body2)
        mcc, mnc = rng.choice(PLMNS)
        self.imsi = fixed.get("imsi") or mcc + mnc + "".join(rng.choice("0123456789") for _ in range(15 - len(mcc + mnc)))
        prefix = rng.choice(ICCID_PREFIXES)
        ib = prefix + "".join(rng.choice("0123456789") for _ in range(18 - len(prefix)))
        self.iccid = fixed.get("iccid") or ib + luhn.calc_check_digit(ib)
        self.meid = fixed.get("meid") or "A0" + "".join(rng.choice("0123456789ABCDEF") for _ in range(12))
        self.mac = fixed.get("mac") or rng.choice(OUIS) + ":" + ":".join(f"{rng.randrange(256):02x}" for _ in range(3))
        self.bt_mac = rng.choice(OUIS) + ":" + ":".join(f"{rng.randrange(256):02x}" for _ in range(3))
        self.serial = fixed.get("serial") or "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(rng.randrange(10, 15)))
        self.android_id = fixed.get("android_id") or f"{rng.getrandbits(64):016x}"
        self.ad_id = fixed.get("ad_id") or str(uuid.UUID(int=rng.getrandbits(128), version=4))
        while True:
            tmpl = rng.choice(PHONE_TEMPLATES)
            width = int(tmpl.split("{:0")[1].split("d")[0])
            phone = tmpl.format(rng.randrange(10**width))
            if phonenumbers.is_valid_number(phonenumbers.parse(phone, None)):
                break
        self.phone = fixed.get("phone") or phone
        self.email = fixed.get("email") or f"{rng.choice(['kari', 'ola', 'li.wei', 'anna', 'j.smith'])}{rng.randrange(100)}@{rng.choice(['example.com', 'example.org', 'mail.example.net'])}"
        lat, lon = rng.choice(CITIES)
        self.lat = fixed.get("lat") or round(lat + rng.uniform(-0.05, 0.05), rng.choice([4, 5, 6, 7]))
        self.lon = fixed.get("lon") or round(lon + rng.uniform(-0.05, 0.05), rng.choice([4, 5, 6, 7]))
        self.cell_id = rng.randrange(1 << 16, 1 << 28)
        self.lac = rng.randrange(1, 65535)
        self.mcc, self.mnc = self.imsi[:3], self.imsi[3:5]
        self.bssids = [rng.choice(OUIS) + ":" + ":".join(f"{rng.randrange(256):02x}" for _ in range(3)) for _ in range(3)]
        self.corpus_device = bool(fixed)


CORPUS_PHONE = dict(
    imei="352099001761481", imei2="352099001761499", imsi="242019999000001", iccid="8947019999000000014",
    meid="A0000049990001", mac="a4:50:46:0f:1e:2d", serial="CRPS7PLUS0042", android_id="0f1e2d3c4b5a6978",
    ad_id="5d0e6c2a-9b7f-4e1d-8a3c-0f1e2d3c4b5a", phone="+4799999901", email="test-phone-1@example.com",
    lat=59.91331, lon=10.73894,
)
CORPUS_PROFILE_YAML = """\
# The device the development corpus's "corpus phone" requests come from (fake, structurally valid).
name: corpus-phone
imei: ["352099001761481", "352099001761499"]
imsi: ["242019999000001"]
iccid: ["8947019999000000014"]
mac: ["a4:50:46:0f:1e:2d"]
serial: ["CRPS7PLUS0042"]
android_id: ["0f1e2d3c4b5a6978"]
ad_id: ["5d0e6c2a-9b7f-4e1d-8a3c-0f1e2d3c4b5a"]
phone: ["+4799999901"]
email: ["test-phone-1@example.com"]
location: {lat: 59.9133, lon: 10.7389, radius_m: 2000}
clients: ["10.42.0.23"]
"""

# ------------------------------------------------------------------------------------------ encodings


def b64_wrapped(data: bytes) -> str:
    """Android's Base64.DEFAULT: a newline every 76 characters."""
    s = base64.b64encode(data).decode()
    return "\n".join(s[i : i + 76] for i in range(0, len(s), 76)) + "\n"


def gz(data: bytes) -> bytes:
    return gzip.compress(data, mtime=0)


def jwt(payload: dict) -> str:
    def seg(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    return f"{seg({'alg': 'HS256', 'typ': 'JWT'})}.{seg(payload)}.{base64.urlsafe_b64encode(hashlib.sha256(b'sig').digest()).decode().rstrip('=')}"


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


def pb_field(num: int, value: bytes | str | int) -> bytes:
    if isinstance(value, int):
        return pb_varint(num << 3) + pb_varint(value)
    data = value.encode() if isinstance(value, str) else value
    return pb_varint(num << 3 | 2) + pb_varint(len(data)) + data


def js(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":")).encode()


# ------------------------------------------------------------------------------------------ templates

UA = "Dalvik/2.1.0 (Linux; U; Android 9; TA-1062 Build/PPR1.180610.011)"


def req(method, url, headers=(), body=b"", expect=(), profile_only=(), source="", client_ip="10.42.0.23"):
    return dict(method=method, url=url, headers=[list(h) for h in headers], body=body, expect=set(expect),
                profile_only=set(profile_only), source=source, client_ip=client_ip)


def t_zzhc(rng, d):
    meid_is_imei = rng.random() < 0.3
    obj = {
        "REGVER": "8.0", "MEID": d.imei if meid_is_imei else d.meid, "MODEL": "TA-1062", "SWVER": "00CN_1_34E",
        "SIM1CDMAIMSI": d.imsi if d.imsi.startswith("460") else "111111111111111", "UETYPE": "1",
        "SIM1ICCID": d.iccid, "SIM1LTEIMSI": d.imsi, "SIM1TYPE": "1", "SIM2CDMAIMSI": "222222222222222",
        "SIM2ICCID": "00000000000000000000", "SIM2LTEIMSI": "", "SIM2TYPE": "", "MACID": d.mac, "OSVER": "8.1.0",
        "ROM": "64G", "RAM": "4G", "IMEI1": d.imei, "IMEI2": d.imei2, "SIM1CELLID": str(d.cell_id),
        "SIM2CELLID": "", "DATASIM": "1", "REGDATE": "2019-03-20 10:11:12",
    }
    port = rng.choice(["", "", ":9998", ":9999"])
    expect = {"imei", "imsi", "iccid", "mac", "cell_id"} | (set() if meid_is_imei else {"meid"})
    return req("POST", f"http://zzhc.vnet.cn{port}/", [("Content-Type", "application/encrypted-json"), ("User-Agent", UA)],
               b64_wrapped(js(obj)).encode(), expect,
               source="China Telecom self-registration (自注册) v8.0 as sent by com.qualcomm.qti.autoregistration "
                      "on the Nokia 7 Plus (NRK 2019): base64 JSON, 76-char lines, placeholder SIM2 values")


def t_zzhc_iot(rng, d):
    obj = {"REGVER": "5.0", "MEID": d.meid, "MODEL": "ME3630-W", "SWVER": "1.0.3", "IMEI1": d.imei,
           "SIM1ICCID": d.iccid + "F", "SIM1LTEIMSI": d.imsi, "SIM1CELLID": str(d.cell_id), "REGDATE": "2021-06-01 08:00:00"}
    return req("POST", f"http://zzhc.vnet.cn:{rng.choice([9998, 9999])}/", [("Content-Type", "application/encrypted-json")],
               base64.b64encode(js(obj)), {"imei", "meid", "iccid", "imsi", "cell_id"},
               source="China Telecom self-registration from an LTE IoT module (ports 9998/9999), ICCID with trailing F")


def t_ota(rng, d):
    v = rng.randrange(4)
    src = "OEM OTA update check (FOTA client polling for a new build with device identity)"
    if v == 0:
        q = urllib.parse.urlencode({"imei": d.imei, "sn": d.serial, "model": "TA-1062", "version": "00WW_3_22C", "lang": "nb-NO"})
        return req("GET", f"https://fota.oem.example/api/v2/check?{q}", [("User-Agent", UA)], b"", {"imei", "serial"}, source=src)
    if v == 1:
        body = js({"device": {"imei": d.imei, "serialNumber": d.serial, "product": "DRG_sprout"}, "build": {"incremental": "00WW_3_39B_SP03", "sdk": 28}})
        return req("POST", "https://ota.oem.example/v1/update/query", [("Content-Type", "application/json")], body, {"imei", "serial"}, source=src)
    if v == 2:
        return req("GET", "https://ota.oem.example/firmware/latest?model=TA-1062&build=00WW_3_22C", [("X-Device-IMEI", d.imei), ("X-Device-SN", d.serial), ("User-Agent", UA)],
                   b"", {"imei", "serial"}, source=src + "; identity in headers")
    body = js({"deviceId": d.imei, "meid": d.meid, "fingerprint": "Nokia/Onyx_00WW/B2N_sprout:9/PPR1.180610.011/00WW_3_22C:user/release-keys"})
    return req("POST", "https://fota.oem.example/check", [("Content-Type", "application/json")], gz(body) if rng.random() < 0.5 else body,
               {"imei", "meid"}, source=src + "; TelephonyManager.getDeviceId() as deviceId")


def _logcat(rng, d, kinds):
    lines = [f"03-20 10:11:{rng.randrange(60):02d}.{rng.randrange(1000):03d}  1234  1299 I ActivityManager: Start proc 4321:com.example.app/u0a123"]
    if "imei" in kinds:
        lines.append(f"03-20 10:11:12.345  2345  2345 D PhoneInfo: getDeviceId: IMEI: {d.imei}")
    if "imsi" in kinds:
        lines.append(f"03-20 10:11:12.346  2345  2345 D SubscriptionInfo: subscriberId imsi={d.imsi}")
    if "iccid" in kinds:
        lines.append(f"03-20 10:11:12.347  2345  2345 D UiccCard: iccid={d.iccid}")
    if "mac" in kinds:
        lines.append(f"03-20 10:11:12.348   811   811 I WifiService: wlan0 HWaddr {d.mac}")
    if "serial" in kinds:
        lines.append(f"[ro.serialno]: [{d.serial}]")
    if "wifi_bssid" in kinds:
        lines.append(f"03-20 10:11:13.001   811   900 D WifiStateMachine: Connected to BSSID: {d.bssids[0]} rssi=-61")
    if "email" in kinds:
        lines.append(f"03-20 10:11:13.100  3456  3456 I AccountManager: addAccount {d.email} type=com.google")
    lines.append("03-20 10:11:14.000  4321  4321 E AndroidRuntime: FATAL EXCEPTION: main")
    lines.append("03-20 10:11:14.000  4321  4321 E AndroidRuntime: java.lang.NullPointerException at com.example.app.Main.onCreate(Main.java:42)")
    return "\n".join(lines) + "\n"


def t_crash(rng, d):
    kinds = set(rng.sample(["imei", "imsi", "iccid", "mac", "serial", "wifi_bssid", "email"], rng.randrange(1, 4)))
    boundary = f"----CrashBoundary{rng.randrange(10**8)}"
    log = _logcat(rng, d, kinds)
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="version"\r\n\r\n4.2.1\r\n',
        f'--{boundary}\r\nContent-Disposition: form-data; name="logcat"; filename="logcat.txt"\r\nContent-Type: text/plain\r\n\r\n{log}\r\n',
        f"--{boundary}--\r\n",
    ]
    return req("POST", "https://crash.sdk.example/api/2/minidump", [("Content-Type", f"multipart/form-data; boundary={boundary}")],
               "".join(parts).encode(), kinds, source="crash report upload (ACRA/Crashpad-style multipart) carrying a logcat excerpt")


def t_geolocate(rng, d):
    obj = {"considerIp": False, "homeMobileCountryCode": int(d.mcc), "homeMobileNetworkCode": int(d.mnc),
           "cellTowers": [{"radioType": "lte", "mobileCountryCode": int(d.mcc), "mobileNetworkCode": int(d.mnc),
                           "locationAreaCode": d.lac, "cellId": d.cell_id, "signalStrength": -85}],
           "wifiAccessPoints": [{"macAddress": b, "signalStrength": -50 - 7 * i} for i, b in enumerate(d.bssids)]}
    return req("POST", "https://location.services.mozilla.example/v1/geolocate?key=test", [("Content-Type", "application/json")],
               js(obj), {"cell_id", "wifi_bssid"}, source="Mozilla Location Service / Google Geolocation API geolocate request (cellTowers, wifiAccessPoints)")


def t_omadm(rng, d):
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><VerProto>DM/1.2</VerProto><SessionID>{rng.randrange(1, 999)}</SessionID><MsgID>1</MsgID>
<Target><LocURI>https://dm.carrier.example/oma</LocURI></Target><Source><LocURI>IMEI:{d.imei}</LocURI></Source>
<Meta><MaxMsgSize xmlns="syncml:metinf">10000</MaxMsgSize></Meta></SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>1201</Data></Alert>
<Replace><CmdID>2</CmdID><Item><Source><LocURI>./DevInfo/DevId</LocURI></Source><Data>IMEI:{d.imei}</Data></Item>
<Item><Source><LocURI>./DevInfo/Man</LocURI></Source><Data>HMD Global</Data></Item>
<Item><Source><LocURI>./DevInfo/Mod</LocURI></Source><Data>TA-1062</Data></Item></Replace><Final/></SyncBody></SyncML>"""
    return req("POST", "https://dm.carrier.example/oma", [("Content-Type", "application/vnd.syncml.dm+xml")], xml.encode(), {"imei"},
               source="OMA-DM 1.2 SyncML package #1: device identity as IMEI: LocURI and ./DevInfo/DevId")


def t_openrtb(rng, d):
    hashed = d.corpus_device and rng.random() < 0.5
    device = {"ua": UA, "ip": "203.0.113.7", "geo": {"lat": d.lat, "lon": d.lon, "type": 1, "country": "NOR"},
              "ifa": d.ad_id, "make": "HMD Global", "model": "TA-1062", "os": "android", "osv": "9", "carrier": "Telenor",
              "connectiontype": 2, "devicetype": 4}
    profile_only = set()
    if hashed:
        device["didsha1"] = hashlib.sha1(d.imei.encode()).hexdigest()
        device["macmd5"] = hashlib.md5(d.mac.replace(":", "").upper().encode()).hexdigest()
        profile_only = {"imei", "mac"}
    obj = {"id": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "imp": [{"id": "1", "banner": {"w": 320, "h": 50}, "bidfloor": 0.25}],
           "app": {"bundle": "com.example.game", "ver": "3.4.1"}, "device": device, "user": {"id": "u" + f"{rng.getrandbits(40):x}"}, "at": 1, "tmax": 120}
    body = js(obj)
    headers = [("Content-Type", "application/json"), ("x-openrtb-version", "2.5")]
    if rng.random() < 0.4:
        body = gz(body)
        headers.append(("Content-Encoding", "gzip"))
    return req("POST", "https://bid.adx.example/openrtb2/auction", headers, body, {"ad_id", "location"}, profile_only,
               source="OpenRTB 2.5 bid request: device.ifa, device.geo.lat/lon, hashed device ids (didsha1, macmd5)")


def t_entitlement(rng, d):
    mcc, mnc = d.imsi[:3], d.imsi[3:5]
    q = {"vers": "0", "entitlement_version": "2.0", "terminal_id": d.imei, "terminal_vendor": "HMD", "terminal_model": "TA-1062",
         "terminal_sw_version": "9", "app": "ap2004", "IMSI": d.imsi}
    expect = {"imei", "imsi"}
    if rng.random() < 0.5:
        q["msisdn"] = d.phone
        expect.add("phone")
    return req("GET", f"https://aes.mnc0{mnc}.mcc{mcc}.pub.3gppnetwork.org/?{urllib.parse.urlencode(q)}", [("User-Agent", "ts43-client/1.0")],
               b"", expect, source="GSMA TS.43 service entitlement configuration request (terminal_id=IMEI, IMSI, MSISDN)")


def t_jwt(rng, d):
    payload = {"iss": "device-auth", "sub": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "iat": 1700000000 + rng.randrange(10**7),
               "exp": 1800000000, "imei": d.imei, "androidId": d.android_id}
    return req("GET", "https://api.vendor.example/v1/me/config", [("Authorization", f"Bearer {jwt(payload)}")], b"",
               {"imei", "android_id"}, source="device-bound session token: JWT (RFC 7519) payload with IMEI and Android ID")


def t_hex(rng, d):
    body = js({"imei": d.imei, "imsi": d.imsi, "ts": 1700000000123})
    return req("POST", "https://log.oem.example/collect", [("Content-Type", "application/octet-stream")], body.hex().encode(),
               {"imei", "imsi"}, source="OEM telemetry with a hex-encoded JSON body")


def t_double_url(rng, d):
    data = json.dumps({"mac": d.mac, "android_id": d.android_id})
    q = "data=" + urllib.parse.quote(urllib.parse.quote(data, safe=""), safe="")
    return req("GET", f"https://t.tracker.example/pixel.gif?{q}&ev=open", [], b"", {"mac", "android_id"},
               source="tracking pixel with double URL-encoded JSON parameter")


def t_json_in_form(rng, d):
    inner = json.dumps({"androidId": d.android_id, "gaid": d.ad_id, "wifiMac": d.mac, "os": "android"})
    body = urllib.parse.urlencode({"appkey": "5f0c2a", "payload": inner, "sdk": "7.1.2"}).encode()
    return req("POST", "https://sdk.analytics.example/app/logs", [("Content-Type", "application/x-www-form-urlencoded")], body,
               {"android_id", "ad_id", "mac"}, source="analytics SDK (Umeng-style) form body with a JSON payload field")


def t_protobuf(rng, d):
    event = pb_field(1, "screen_view") + pb_field(2, 1700000000000 + rng.randrange(10**9))
    bundle = (pb_field(1, 1) + pb_field(4, event) + pb_field(11, "android") + pb_field(12, "9") + pb_field(13, "TA-1062")
              + pb_field(19, d.ad_id) + pb_field(14, "com.example.app") + pb_field(21, f"{rng.getrandbits(128):032x}"))
    body = pb_field(1, bundle)
    headers = [("Content-Type", "application/x-protobuf")]
    if rng.random() < 0.5:
        body = gz(body)
        headers.append(("Content-Encoding", "gzip"))
    # Schema-less protobuf has field numbers, not names: a bare UUID there is only recognisable as the
    # phone's advertising ID by its known value (DOMAIN: random request UUIDs are not ad IDs).
    return req("POST", "https://app-measurement.example/a", headers, body, set(), {"ad_id"},
               source="Firebase/Google Analytics for Firebase-style upload: protobuf batch (optionally gzip) with the advertising ID")


def t_firebase_json(rng, d):
    events = [{"name": "session_start", "ts": 1700000000000 + i} for i in range(3)]
    obj = {"app_instance_id": f"{rng.getrandbits(128):032x}", "resettable_device_id": d.ad_id, "limited_ad_tracking": False,
           "platform": "android", "events": events}
    return req("POST", "https://analytics.sdk.example/v1/batch", [("Content-Type", "application/json")], js(obj), {"ad_id"},
               source="analytics batch with resettable_device_id (advertising id) as sent by Firebase-style SDKs")


def t_adjust(rng, d):
    q = {"app_token": "abc123xyz", "gps_adid": d.ad_id, "android_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
         "created_at": "2024-01-05T10:11:12.000Z+0100", "os_name": "android", "device_name": "TA-1062", "tracking_enabled": "1"}
    if rng.random() < 0.5:
        return req("POST", "https://app.adjust.example/session", [("Content-Type", "application/x-www-form-urlencoded")],
                   urllib.parse.urlencode(q).encode(), {"ad_id"}, source="Adjust-style SDK session (form body, gps_adid)")
    return req("GET", f"https://app.adjust.example/attribution?{urllib.parse.urlencode(q)}", [], b"", {"ad_id"},
               source="Adjust-style SDK attribution query (gps_adid)")


def t_cookie(rng, d):
    return req("GET", "https://cdn.content.example/feed/home", [("Cookie", f"did={d.android_id}; gaid={d.ad_id}; theme=dark")], b"",
               {"android_id", "ad_id"}, source="content feed request with device ids in cookies")


def t_path(rng, d):
    return req("PUT", f"https://push.oem.example/v3/devices/{d.imei}/token", [("Content-Type", "application/json")],
               js({"token": base64.urlsafe_b64encode(rng.randbytes(32)).decode()}), {"imei"},
               source="push registration keyed by IMEI in the URL path")


def t_ndjson(rng, d):
    lines = [json.dumps({"event": "login", "email": d.email, "ts": 1700000000 + i}) for i in range(2)]
    lines.append(json.dumps({"event": "profile", "phone_number": d.phone}))
    return req("POST", "https://events.saas.example/v1/ingest", [("Content-Type", "application/x-ndjson")], ("\n".join(lines) + "\n").encode(),
               {"email", "phone"}, source="NDJSON event batch (one JSON object per line)")


def t_headers(rng, d):
    return req("GET", "https://api.carrier.example/v2/balance", [("X-IMSI", d.imsi), ("X-MSISDN", d.phone.lstrip("+")), ("Accept", "application/json")],
               b"", {"imsi", "phone"}, source="carrier self-care app: header enrichment style X-MSISDN / X-IMSI")


def t_b64url_query(rng, d):
    data = base64.urlsafe_b64encode(js({"lat": d.lat, "lng": d.lon, "acc": 12.5, "cid": d.cell_id, "mcc": int(d.mcc)})).decode().rstrip("=")
    return req("GET", f"https://weather.app.example/api/v1/now?d={data}", [], b"", {"location", "cell_id"},
               source="weather widget: base64url JSON with position and serving cell")


def t_latlon_query(rng, d):
    if rng.random() < 0.5:
        return req("GET", f"https://maps.api.example/v1/nearby?ll={d.lat},{d.lon}&radius=500", [], b"", {"location"},
                   source="places search with ll=lat,lon query parameter")
    return req("GET", f"https://weather.api.example/forecast?latitude={d.lat}&longitude={d.lon}&hourly=temperature_2m", [], b"",
               {"location"}, source="weather forecast API with latitude/longitude parameters")


def t_hashed(rng, d):
    # Only ever generated for the corpus phone: a hash is visible to the known-value pool alone.
    obj = {"imei_md5": hashlib.md5(d.imei.encode()).hexdigest(), "mac_sha1": hashlib.sha1(d.mac.replace(":", "").upper().encode()).hexdigest(),
           "aid": hashlib.sha256(d.android_id.encode()).hexdigest().upper(), "sn_md5": hashlib.md5(hashlib.sha1(d.serial.encode()).hexdigest().encode()).hexdigest(),
           "app": "com.example.news", "v": "5.6.0"}
    return req("POST", "https://ads.network.example/v2/init", [("Content-Type", "application/json")], js(obj), set(),
               {"imei", "mac", "android_id", "serial"}, source="ad SDK init with hashed device ids (md5 IMEI, sha1 MAC upper-case no colons, sha256, md5(sha1(serial)))")


def t_plain_text(rng, d):
    body = f"imei={d.imei}\nimsi={d.imsi}\niccid={d.iccid}\nphone={d.phone}\n"
    return req("POST", "http://reg.oem.example/reg.php", [("Content-Type", "text/plain")], body.encode(), {"imei", "imsi", "iccid", "phone"},
               source="OEM activation ping with key=value lines in a text/plain body (cleartext HTTP)")


def t_login(rng, d):
    body = urllib.parse.urlencode({"email": d.email, "password": "hunter2", "remember": "1"}).encode()
    return req("POST", "https://accounts.app.example/login", [("Content-Type", "application/x-www-form-urlencoded")], body, {"email"},
               source="login form")


def t_sms_verify(rng, d):
    num = phonenumbers.parse(d.phone, None)
    national = str(num.national_number)
    return req("POST", "https://verify.app.example/v1/sms", [("Content-Type", "application/json")],
               js({"country_code": num.country_code, "phone": national if rng.random() < 0.5 else d.phone}), {"phone"},
               source="SMS verification request with the phone number")


def t_wifi_scan(rng, d):
    obj = {"scan": [{"bssid": b, "ssid": f"net{i}", "level": -40 - i} for i, b in enumerate(d.bssids)], "device_mac": d.mac}
    return req("POST", "https://wifi.locate.example/v1/scan", [("Content-Type", "application/json")], js(obj), {"wifi_bssid", "mac"},
               source="Wi-Fi positioning scan upload (bssid list) with the device's own MAC")


def t_gzip_b64(rng, d):
    obj = {"deviceInfo": {"imei": d.imei, "iccid": d.iccid, "bluetoothAddress": d.bt_mac}, "ver": 3}
    body = base64.b64encode(gz(js(obj)))
    return req("POST", "https://dc.oem.example/upload", [("Content-Type", "text/plain")], body, {"imei", "iccid", "mac"},
               source="OEM data collection: base64 of gzip'd JSON")


def t_nested_json(rng, d):
    inner = json.dumps({"MEID": d.meid, "IMSI": d.imsi, "cellid": d.cell_id, "lac": d.lac})
    return req("POST", "https://push.vendor.example/report", [("Content-Type", "application/json")],
               js({"type": "radio", "data": inner}), {"meid", "imsi", "cell_id"}, source="JSON nested in a JSON string field")


def t_wifi_calling_nai(rng, d):
    mnc3 = d.imsi[3:5].rjust(3, "0")
    prefix, realm = rng.choice([("0", "nai.epc"), ("6", "nai.epc"), ("1", "wlan")])
    nai = f"{prefix}{d.imsi}@{realm}.mnc{mnc3}.mcc{d.imsi[:3]}.3gppnetwork.org"
    body = js({"app": "ap2004", "vers": "3", "EAP_ID": nai, "terminal_vendor": "HMD", "terminal_model": "TA-1062"})
    return req("POST", "https://aes.mnc001.mcc242.pub.3gppnetwork.example/ts43", [("Content-Type", "application/json")], body, {"imsi"},
               source="Wi-Fi calling entitlement request: EAP permanent NAI (3GPP TS 23.003 §19.3) carrying the IMSI")


def t_bugreport(rng, d):
    text = (f"== dumpsys iphonesubinfo ==\nPhone Subscriber Info:\n  Phone Type = GSM\n  Device ID = {d.imei}\n"
            f"  Device SVN = 01\n  Subscriber ID = {d.imsi}\n  Line 1 Number = {d.phone}\n")
    return req("POST", "https://feedback.oem.example/bugreport", [("Content-Type", "text/plain")], text.encode(), {"imei", "imsi", "phone"},
               source="bug report section (dumpsys iphonesubinfo) with two-word labels")


def t_radio_log(rng, d):
    if rng.random() < 0.5:
        identity = f"CellIdentityLte:{{ mCi={rng.randrange(1 << 24, 1 << 28)} mPci={rng.randrange(504)} mTac={d.lac} mEarfcn=6300"
    else:  # a UMTS/GSM cell id is 16 bits: too short to be found by its digits alone
        identity = f"CellIdentityWcdma:{{ mLac={d.lac} mCid={rng.randrange(1, 1 << 16)} mPsc={rng.randrange(512)} mUarfcn=10700"
    log = (f"03-20 10:12:00.001  1500  1500 D RILJ    : [UNSL]< UNSOL_CELL_INFO_LIST [CellInfo:{{mRegistered=YES "
           f"{identity} mMcc={d.mcc} mMnc={d.mnc} }}}}]\n")
    return req("POST", "https://diag.oem.example/radio", [("Content-Type", "text/plain")], log.encode(), {"cell_id"},
               source="radio log upload: logcat CellIdentityLte/Wcdma with Android's mCi/mCid field names")


def t_gnss_log(rng, d):
    def dm(v, width):
        deg = int(abs(v))
        return f"{deg:0{width}d}{(abs(v) - deg) * 60:07.4f}"
    talker, kind = rng.choice([("GP", "GGA"), ("GN", "RMC"), ("GL", "GLL")])
    lat, ns, lon, ew = dm(d.lat, 2), "N" if d.lat >= 0 else "S", dm(d.lon, 3), "E" if d.lon >= 0 else "W"
    fields = {"GGA": f"101200.00,{lat},{ns},{lon},{ew},1,09,0.9,21.0,M,40.1,M,,", "RMC": f"101200.00,A,{lat},{ns},{lon},{ew},0.02,,200319,,,A",
              "GLL": f"{lat},{ns},{lon},{ew},101200.00,A,A"}[kind]
    text = f"$GPGSV,3,1,11,10,63,137,17,07,61,098,15,05,59,290,20,08,54,157,30*70\n${talker}{kind},{fields}*5C\n"
    return req("POST", "https://gnss.oem.example/upload", [("Content-Type", "text/plain")], text.encode(), {"location"},
               source="GNSS diagnostics upload with an NMEA 0183 position sentence")


def t_geojson(rng, d):
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [d.lon, d.lat]}, "properties": {"accuracy": 12}}
    return req("POST", "https://tracker.app.example/v1/positions", [("Content-Type", "application/geo+json")],
               js({"type": "FeatureCollection", "features": [feature]}), {"location"}, source="GeoJSON Point (longitude first, RFC 7946)")


def t_mdm_plist(rng, d):
    xml = f"""<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict><key>MessageType</key><string>Authenticate</string><key>SerialNumber</key><string>{d.serial}</string>
<key>IMEI</key><string>{d.imei}</string><key>Topic</key><string>com.apple.mgmt.example</string></dict></plist>"""
    return req("PUT", "https://mdm.example/checkin", [("Content-Type", "application/x-apple-aspen-mdm-checkin")], xml.encode(),
               {"serial", "imei"}, source="MDM check-in property list: names in <key> siblings")


def t_captive_portal(rng, d):
    q = urllib.parse.urlencode({"ap_mac": d.bssids[0].replace(":", "-").upper(), "client_mac": d.mac, "ssid": "Lab-Guest"})
    return req("GET", f"http://portal.hotspot.example/login?{q}", [("User-Agent", UA)], b"", {"wifi_bssid", "mac"},
               source="captive portal redirect with the access point's and the phone's MAC")


def t_sim_dump(rng, d):
    if rng.random() < 0.5:
        stored = d.iccid + "F"  # 19 digits, padded to 10 bytes
    else:
        body = d.iccid[:-1] + str(rng.randrange(10))  # a 20-digit ICCID
        stored = body + luhn.calc_check_digit(body)
    swapped = "".join(stored[i + 1] + stored[i] for i in range(0, 20, 2))
    text = f"03-20 10:13:00.100  1500  1600 D SIMRecords: EF_ICCID: {swapped}\n"
    return req("POST", "https://diag.oem.example/sim", [("Content-Type", "text/plain")], text.encode(), {"iccid"},
               source="SIM file dump: EF_ICCID with each byte's digits swapped (3GPP TS 51.011)")


def t_gsf_checkin(rng, d):
    gsf_id = rng.randrange(10**18, 1 << 63)
    body = js({"checkin": {"build": {"sdkVersion": 28}}, "android_id": str(gsf_id), "locale": "nb_NO"})
    return req("POST", "https://checkin.services.example/checkin", [("Content-Type", "application/json")], body, {"android_id"},
               source="device check-in with the Google Services Framework android_id in decimal")


def t_singular(rng, d):
    q = urllib.parse.urlencode({"a": "sdkkey", "p": "Android", "aifa": d.ad_id, "andi": d.android_id, "i": "com.example.app"})
    return req("GET", f"https://s2s.attribution.example/api/v1/launch?{q}", [("User-Agent", UA)], b"", {"ad_id", "android_id"},
               source="attribution launch event with aifa (ad id) and andi (android id) parameters")


def t_tracker_login(rng, d):
    serial = rng.randrange(1 << 16)
    login = bytes.fromhex(f"7878110{d.imei}{serial:04x}") + rng.randbytes(2) + b"\r\n"
    return req("POST", "http://relay.tracker.example:8841/gt06", [("Content-Type", "application/octet-stream")], login, {"imei"},
               source="GT06-family tracker login packet relayed over HTTP: the IMEI in packed BCD")


def t_ims_register(rng, d):
    mnc3 = d.imsi[3:5].rjust(3, "0")
    realm = f"ims.mnc{mnc3}.mcc{d.imsi[:3]}.3gppnetwork.org"
    tac_snr = d.imei[:14]
    cell = f"{d.imsi[:5]}{d.lac:04X}{rng.randrange(1 << 28):07X}"
    sip = (f"REGISTER sip:{realm} SIP/2.0\r\nVia: SIP/2.0/UDP [2001:db8::{rng.randrange(1 << 16):x}]:5060;branch=z9hG4bK{rng.getrandbits(32):08x}\r\n"
           f"From: <sip:{d.imsi}@{realm}>;tag={rng.getrandbits(32):08x}\r\nTo: <sip:{d.imsi}@{realm}>\r\n"
           f'Contact: <sip:{d.imsi}@[2001:db8::1]:5060>;+sip.instance="<urn:gsma:imei:{tac_snr[:8]}-{tac_snr[8:]}-0>"\r\n'
           f"P-Access-Network-Info: 3GPP-E-UTRAN-FDD;utran-cell-id-3gpp={cell}\r\nContent-Length: 0\r\n\r\n")
    return req("UDP", f"udp://pcscf.{realm}:5060/", [], sip.encode(), {"imsi", "imei", "cell_id"},
               source="IMS SIP REGISTER: IMSI-based identities, RFC 7254 IMEI URN instance id, P-Access-Network-Info cell")


def t_lwm2m_register(rng, d):
    token = rng.randbytes(4)
    uri = [b"rd"]
    query = [f"ep=urn:imei-imsi:{d.imei}-{d.imsi}".encode(), b"lt=86400", b"lwm2m=1.1", b"b=U"]
    options, last = b"", 0
    for number, value in [(11, v) for v in uri] + [(15, v) for v in query]:  # Uri-Path, Uri-Query
        delta, last = number - last, number
        options += bytes([(delta << 4) | len(value)]) if len(value) < 13 else bytes([(delta << 4) | 13, len(value) - 13])
        options += value
    coap = bytes([0x44, 0x02]) + rng.randbytes(2) + token + options + b"\xff</1/0>,</3/0>,</5/0>"
    return req("UDP", "udp://lwm2m.iot.example:5683/", [], coap, {"imei", "imsi"},
               source="OMA LwM2M Register over CoAP: endpoint name urn:imei-imsi:<IMEI>-<IMSI>")


def t_watch_report(rng, d):
    lat, lon = d.lat, d.lon
    aps = ",".join(f"net{i},{b},-{rng.randrange(40, 95)}" for i, b in enumerate(d.bssids))
    body = (f"[SG*{rng.randrange(10**9, 10**10)}*0{rng.randrange(100, 999)}*UD,231125,101200,A,{abs(lat):.6f},{'N' if lat >= 0 else 'S'},"
            f"{abs(lon):.6f},{'E' if lon >= 0 else 'W'},0.00,0.0,0.0,6,100,80,0,0,00000000,{len(d.bssids)},{aps},12.1]")
    return req("TCP", "tcp://watch.vendor.example:8001/", [], body.encode(), {"location", "wifi_bssid"},
               source="kids-watch TCP position report: decimal degrees with hemisphere letters, scanned APs with RSSI")


def t_drive_test_csv(rng, d):
    rows = [f"2025-11-23T10:{i:02d}:00Z,{d.lat + i * 1e-4:.6f},{d.lon + i * 1e-4:.6f},LTE,{d.mcc},{d.mnc},{d.cell_id},{-80 - i}" for i in range(3)]
    csv_text = "time,latitude,longitude,rat,mcc,mnc,eci,rsrp\n" + "\n".join(rows) + "\n"
    boundary = f"----DriveTest{rng.randrange(10**8)}"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="log"; filename="cells.csv"\r\nContent-Type: text/csv\r\n\r\n'
            f"{csv_text}\r\n--{boundary}--\r\n")
    return req("POST", "https://netmon.app.example/upload", [("Content-Type", f"multipart/form-data; boundary={boundary}")], body.encode(),
               {"location", "cell_id"}, source="network-monitor CSV upload: position and serving-cell columns")


def t_mqtt_publish_json(rng, d):
    topic = f"tracks/{rng.randrange(1000)}/phone".encode()
    payload = json.dumps({"_type": "location", "lat": d.lat, "lon": d.lon, "acc": 12, "tst": 1763900000 + rng.randrange(10**5)}).encode()
    variable = len(topic).to_bytes(2, "big") + topic
    body = b"\x30" + bytes([len(variable) + len(payload)]) + variable + payload
    return req("TCP", "tcp://broker.iot.example:1883/", [], body, {"location"}, source="MQTT PUBLISH whose payload is a JSON position")


def t_name_value_ids(rng, d):
    meid_dec = str(int(d.meid[:8], 16)).zfill(10) + str(int(d.meid[8:], 16)).zfill(8)
    body = js({"device": [{"type": "MEID", "value": meid_dec}, {"type": "IMEI", "value": d.imei}], "flow": "ACTIVATE"})
    return req("POST", "https://activation.carrier.example/v2/devices", [("Content-Type", "application/json")], body, {"meid", "imei"},
               source="carrier activation API: identifiers as type/value pairs (MEID in its 18-digit decimal form)")


def t_tracker_after_short_field(rng, d):
    body = f"+RESP:GTFRI,270C03,{d.imei},GV300,,10,1,1,0.0,212,31.8,{d.lon:.6f},{d.lat:.6f},20251123101200,,,,,,,83,20251123101201,{rng.randrange(1 << 16):04X}$"
    return req("UDP", "udp://gl.tracker.example:6001/", [], body.encode(), {"imei", "location"},
               source="@Track fixed report: longitude and latitude right after a one-decimal field")


def t_qoe_beacon(rng, d):
    body = (f"v=2;ts={1746400000000 + rng.randrange(10**8)};lat={d.lat};lon={d.lon};acc={rng.randrange(5, 30)}.0;"
            f"mcc={d.mcc};mnc={d.mnc};tac={d.lac};ci={d.cell_id};rsrp=-{rng.randrange(70, 120)};net=LTE")
    return req("POST", "https://qoe.sdk.example/m", [("Content-Type", "text/plain")], body.encode(), {"location", "cell_id"},
               source="network-quality SDK beacon: key=value pairs separated by semicolons")


def t_vowifi_register(rng, d):
    bssid = d.bssids[0].replace(":", "")
    sip = (f"REGISTER sip:ims.example.org SIP/2.0\r\nP-Preferred-Identity: <tel:{d.phone}>\r\n"
           f"P-Access-Network-Info: IEEE-802.11;i-wlan-node-id={bssid}\r\nContent-Length: 0\r\n\r\n")
    return req("TCP", "tcp://epdg-pcscf.ims.example:5060/", [], sip.encode(), {"phone", "wifi_bssid"},
               source="Wi-Fi calling SIP REGISTER: the access point's BSSID in P-Access-Network-Info")


def t_wifi_log(rng, d):
    log = (f"03-20 10:15:00.100   811   900 I wpa_supplicant: wlan0: CTRL-EVENT-CONNECTED - Connection to {d.bssids[1]} completed [id=0]\n"
           f"03-20 10:15:00.200   811   900 D WifiService: own address {d.mac}\n")
    return req("POST", "https://bugs.oem.example/attach", [("Content-Type", "text/plain")], log.encode(), {"wifi_bssid", "mac"},
               source="Wi-Fi log excerpt: wpa_supplicant's association line names the access point")


def t_grouped_iccid(rng, d):
    iccid = " ".join(d.iccid[i : i + 4] for i in range(0, len(d.iccid), 4))
    region = phonenumbers.region_code_for_number(phonenumbers.parse(d.phone, None))
    national = phonenumbers.format_number(phonenumbers.parse(d.phone, None), phonenumbers.PhoneNumberFormat.NATIONAL)
    xml = f"<Device><ICCID>{iccid}</ICCID><PhoneNumber>{national}</PhoneNumber><CountryCode>{region}</CountryCode></Device>"
    return req("POST", "https://mdm.corp.example/device-info", [("Content-Type", "application/xml")], xml.encode(), {"iccid", "phone"},
               source="device-information response: ICCID in groups of four, national number beside an ISO country")


def t_ride_request(rng, d):
    national = phonenumbers.format_number(phonenumbers.parse(d.phone, None), phonenumbers.PhoneNumberFormat.NATIONAL)
    lat, lon = rng.choice(CITIES)
    body = urllib.parse.urlencode({"pickup_lat": f"{d.lat:.6f}", "pickup_lng": f"{d.lon:.6f}", "drop_lat": f"{lat:.4f}",
                                   "drop_lng": f"{lon:.4f}", "drop_name": "Central Station", "rider_phone": national})
    return req("POST", "https://rides.app.example/v1/estimate", [("Content-Type", "application/x-www-form-urlencoded")], body.encode(),
               {"location", "phone"}, source="ride request: pickup at the phone's position (prefixed keys), rider's number in national form")


IDENTIFIER_TEMPLATES = [t_zzhc, t_zzhc_iot, t_ota, t_crash, t_geolocate, t_omadm, t_openrtb, t_entitlement, t_jwt, t_hex,
                        t_double_url, t_json_in_form, t_protobuf, t_firebase_json, t_adjust, t_cookie, t_path, t_ndjson,
                        t_headers, t_b64url_query, t_latlon_query, t_plain_text, t_login, t_sms_verify, t_wifi_scan,
                        t_gzip_b64, t_nested_json, t_wifi_calling_nai, t_bugreport, t_radio_log, t_gnss_log, t_geojson,
                        t_mdm_plist, t_captive_portal, t_sim_dump, t_gsf_checkin, t_singular, t_tracker_login,
                        t_ims_register, t_lwm2m_register, t_watch_report, t_drive_test_csv, t_mqtt_publish_json,
                        t_name_value_ids, t_tracker_after_short_field, t_qoe_beacon, t_vowifi_register, t_wifi_log,
                        t_grouped_iccid, t_ride_request]

# ------------------------------------------------------------------------------------------ benign


def luhn_number(rng, n, prefix=""):
    body = prefix + "".join(rng.choice("0123456789") for _ in range(n - 1 - len(prefix)))
    return body + luhn.calc_check_digit(body)


def b_order(rng):
    obj = {"order_id": str(rng.randrange(10**18, 10**19)), "items": [{"sku": f"SKU-{rng.randrange(10**6):06d}", "qty": 1, "price": "12.50"}],
           "total": "12.50", "currency": "NOK", "created_at": "2024-03-01T12:00:00Z"}
    return req("POST", "https://shop.example/api/orders", [("Content-Type", "application/json")], js(obj), source="e-commerce order (19-digit order id)")


def b_ticket(rng):
    t = luhn_number(rng, rng.choice([15, 16]))
    if rng.random() < 0.5:
        return req("GET", f"https://tickets.example/api/ticket?ticket_number={t}&lang=en", source="event ticket lookup, Luhn-valid ticket number")
    return req("POST", "https://tickets.example/api/confirm", [("Content-Type", "text/plain")],
               f"Thank you! Your booking reference is {t}. Please keep it.".encode(), source="booking confirmation text with a Luhn-valid reference")


def b_request_ids(rng):
    rid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    trace = f"00-{rng.getrandbits(128):032x}-{rng.getrandbits(64):016x}-01"
    return req("GET", f"https://api.service.example/v1/items?page=2&request_id={rid}", [("X-Request-ID", rid), ("traceparent", trace)],
               source="API call with request id and W3C traceparent")


def b_hashes(rng):
    blob = rng.randbytes(64)
    obj = {"files": [{"name": "app-release.apk", "md5": hashlib.md5(blob).hexdigest(), "sha1": hashlib.sha1(blob).hexdigest(),
                      "sha256": hashlib.sha256(blob).hexdigest(), "size": rng.randrange(10**7)}]}
    return req("POST", "https://updates.example/manifest", [("Content-Type", "application/json"), ("If-None-Match", f'"{hashlib.md5(blob[:8]).hexdigest()}"')],
               js(obj), source="download manifest with file hashes and ETag")


def b_css(rng):
    colours = [f"#{rng.getrandbits(24):06x}" for _ in range(6)]
    css = "".join(f".c{i}{{color:{c};background:rgba({rng.randrange(256)},{rng.randrange(256)},{rng.randrange(256)},0.5)}}\n" for i, c in enumerate(colours))
    return req("POST", "https://cms.example/theme/save", [("Content-Type", "text/css")], css.encode(), source="CSS with colours")


def b_timestamps(rng):
    ms = 1700000000000 + rng.randrange(10**10)
    obj = {"ts": ms, "ts_ns": ms * 10**6 + rng.randrange(10**6), "date": "2024-03-20T10:11:12.123456Z", "uptime_ms": rng.randrange(10**9),
           "event_time": str(ms * 1000)}
    return req("POST", "https://metrics.example/v1/points", [("Content-Type", "application/json")], js(obj), source="metrics with timestamps")


def b_placeholders(rng):
    obj = {"imei": rng.choice(["000000000000000", ""]), "imsi": rng.choice(["111111111111111", "222222222222222"]),
           "iccid": "00000000000000000000", "mac": "02:00:00:00:00:00", "gaid": "00000000-0000-0000-0000-000000000000",
           "serial": "unknown", "cellId": rng.choice(["-1", "0", "2147483647"])}
    return req("POST", "https://reg.oem.example/register", [("Content-Type", "application/json")], js(obj),
               source="registration from a device without permission: Android placeholders (02:00:00:00:00:00, zero ad id, 'unknown' serial)")


def b_binary(rng):
    return req("POST", "https://upload.example/chunk", [("Content-Type", "application/octet-stream")], rng.randbytes(rng.randrange(512, 4096)),
               source="random binary chunk")


def b_versions(rng):
    obj = {"app_version": f"{rng.randrange(1, 20)}.{rng.randrange(20)}.{rng.randrange(100)}", "build": str(rng.randrange(10**7, 10**8)),
           "fingerprint": f"google/sunfish/sunfish:13/TQ3A.230805.001/{rng.randrange(10**7, 10**8)}:user/release-keys",
           "webview": f"{rng.randrange(100, 130)}.0.{rng.randrange(6000, 7000)}.{rng.randrange(200)}", "gms": str(rng.randrange(10**8, 10**9))}
    return req("POST", "https://config.example/v1/fetch", [("Content-Type", "application/json")], js(obj), source="remote config fetch with version strings")


def b_firebase_install(rng):
    fid = "c" + base64.urlsafe_b64encode(rng.randbytes(16)).decode()[:21]
    obj = {"fid": fid, "appId": f"1:{rng.randrange(10**11, 10**12)}:android:{rng.getrandbits(64):016x}", "authVersion": "FIS_v2", "sdkVersion": "a:17.1.0"}
    return req("POST", "https://firebaseinstallations.example/v1/projects/demo/installations", [("Content-Type", "application/json"),
               ("X-Goog-Api-Key", "AIza" + base64.urlsafe_b64encode(rng.randbytes(27)).decode()[:35])], js(obj), source="Firebase installation registration (FID, appId)")


def b_telemetry(rng):
    obj = {"cpu": [rng.randrange(100) for _ in range(8)], "mem_total": rng.randrange(10**9, 8 * 10**9), "battery": rng.randrange(100),
           "temp_c": round(rng.uniform(20, 45), 1), "screen": {"w": 1080, "h": 2280, "dpi": 440}, "session_id": f"{rng.getrandbits(64):016x}"}
    return req("POST", "https://telemetry.example/v2/health", [("Content-Type", "application/json")], js(obj), source="device health telemetry")


def b_ipv6_git(rng):
    obj = {"peer": f"2001:db8:{rng.randrange(65536):x}:{rng.randrange(65536):x}::{rng.randrange(65536):x}", "commit": f"{rng.getrandbits(160):040x}",
           "short": f"{rng.getrandbits(28):07x}", "semver": "2.14.0-rc.3"}
    return req("POST", "https://ci.example/api/report", [("Content-Type", "application/json")], js(obj), source="CI report with IPv6 and git SHAs")


def b_ble(rng):
    obj = {"services": ["0000180f-0000-1000-8000-00805f9b34fb", "0000180a-0000-1000-8000-00805f9b34fb"], "service_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
           "rssi": -rng.randrange(40, 90)}
    return req("POST", "https://iot.example/api/pairing-log", [("Content-Type", "application/json")], js(obj), source="BLE GATT service UUIDs")


def b_snowflake(rng):
    obj = {"id": str(rng.randrange(10**18, 2 * 10**18)), "reply_to": str(rng.randrange(10**18, 2 * 10**18)), "text": "nice!"}
    return req("POST", "https://social.example/api/posts", [("Content-Type", "application/json")], js(obj), source="social post with snowflake ids")


def b_barcodes(rng):
    ean = luhn_number(rng, 13)
    obj = {"ean": ean, "isbn": "978" + f"{rng.randrange(10**10):010d}", "upc": f"{rng.randrange(10**12):012d}", "price": f"{rng.randrange(10, 999)}.{rng.randrange(100):02d}"}
    return req("POST", "https://scanner.example/lookup", [("Content-Type", "application/json")], js(obj), source="barcode scanner lookup (EAN, ISBN, UPC)")


def b_jwt(rng):
    payload = {"sub": str(uuid.UUID(int=rng.getrandbits(128), version=4)), "iat": 1700000000 + rng.randrange(10**7), "exp": 1800000000, "scope": "read"}
    return req("GET", "https://api.service.example/v1/profile", [("Authorization", f"Bearer {jwt(payload)}")], source="OAuth bearer JWT without device ids")


def b_gzip_json(rng):
    obj = {"events": [{"name": "click", "elapsed_ms": rng.randrange(10**5), "screen": "home"} for _ in range(5)], "batch_id": rng.randrange(10**15, 10**16)}
    return req("POST", "https://events.example/v1/batch", [("Content-Type", "application/json"), ("Content-Encoding", "gzip")], gz(js(obj)),
               source="gzip'd analytics batch without identifiers")


def b_tracking(rng):
    num = "".join(rng.choice("0123456789") for _ in range(20))
    return req("GET", f"https://parcel.example/track?tracking_number={num}&carrier=posten", source="parcel tracking (20-digit tracking number)")


def b_images(rng):
    html = f'<img src="/static/logo@2x.png" srcset="/static/logo@3x.png 3x"><span class="p">Price 1.234,50 kr</span><i>{rng.randrange(10**6)}</i>'
    return req("POST", "https://cms.example/page", [("Content-Type", "text/html")], html.encode(), source="HTML with @2x image names and prices")


def b_log_no_ids(rng):
    text = "\n".join(f"03-20 10:11:{i:02d}.{rng.randrange(1000):03d}  {rng.randrange(1000, 9999)}  {rng.randrange(1000, 9999)} I Choreographer: Skipped {rng.randrange(30, 300)} frames!" for i in range(10))
    return req("POST", "https://crash.sdk.example/api/log", [("Content-Type", "text/plain")], text.encode(), source="logcat without identifiers")


def b_amounts(rng):
    obj = {"amount": rng.randrange(10**14, 10**15), "account_balance": str(rng.randrange(10**15, 10**16)), "txn_id": luhn_number(rng, 15)}
    return req("POST", "https://bank.example/api/transfer", [("Content-Type", "application/json")], js(obj), source="payment API with large amounts and Luhn-valid transaction id")


def b_machine_addresses(rng):
    key = f"{rng.getrandbits(128):032x}"
    uid = f"{uuid.UUID(int=rng.getrandbits(128), version=4)}@calendar.example"
    body = js({"dsn": f"https://{key}@o{rng.randrange(10**6)}.ingest.errors.example/{rng.randrange(100)}", "ical_uid": uid,
               "tile": f"https://tiles.example/v4/{rng.randrange(20)}/{rng.randrange(10**4)}/{rng.randrange(10**4)}@2x.pbf",
               "message_id": f"<{rng.getrandbits(80):020x}@mail.example>"})
    return req("POST", "https://errors.example/api/envelope", [("Content-Type", "application/json")], body,
               source="user@host shapes that are no one's address: DSN key, iCalendar UID, @2x tile, Message-ID")


def b_eap_pseudonym(rng):
    pseudonym = "2" + "".join(rng.choice("0123456789abcdef") for _ in range(20))
    body = js({"EAP_ID": f"{pseudonym}@nai.epc.mnc001.mcc242.3gppnetwork.org", "method": "EAP-AKA'"})
    return req("POST", "https://epdg.example/auth", [("Content-Type", "application/json")], body,
               source="EAP-AKA' pseudonym identity (no IMSI in it)")


def b_gnss_status(rng):
    text = f"$GPGSV,3,1,11,10,63,137,17,07,61,098,15,05,59,290,20,08,54,157,30*70\n$GPGSA,A,3,10,07,05,02,29,04,08,13,,,,,1.72,1.03,1.38*0{rng.randrange(10)}\n"
    return req("POST", "https://gnss.oem.example/status", [("Content-Type", "text/plain")], text.encode(),
               source="NMEA satellite status sentences without a position")


def b_geojson_area(rng):
    lat, lon = rng.choice(CITIES)
    ring = [[round(lon + dx, 4), round(lat + dy, 4)] for dx, dy in ((0, 0), (0.1, 0), (0.1, 0.1), (0, 0.1), (0, 0))]
    body = js({"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [ring]}, "properties": {"name": "delivery zone"}})
    return req("POST", "https://maps.app.example/v1/zones", [("Content-Type", "application/geo+json")], body,
               source="GeoJSON polygon of a delivery zone (a place, not the phone's position)")


def b_places_and_remotes(rng):
    lat, lon = rng.choice(CITIES)
    body = js({"search": {"center": f"{lat:.4f},{lon:.4f}", "radius_km": 5},
               "destination": {"name": "Concert hall", "lat": round(lat + 0.01, 5), "lon": round(lon + 0.01, 5)},
               "repo": "git@code.example.com:apps/client.git", "voip": "sip:support@pbx.example.com"})
    return req("POST", "https://plan.app.example/v1/route", [("Content-Type", "application/json")], body,
               source="a route to a named place, a search centre, an scp remote and a SIP address: none the phone's")


def b_business_contacts(rng):
    lat, lon = rng.choice(CITIES)
    body = js({"store": {"name": "Corner shop", "lat": round(lat, 6), "lng": round(lon, 6), "phone": "+47 22 12 34 56"},
               "support": {"tollfree": "+47 800 12 345", "messageId": f"<{rng.getrandbits(40):x}.{rng.getrandbits(32):x}@mx.example.net>"},
               "ad": {"cid": str(rng.randrange(10**8, 10**9)), "lac": "summer_sale"}, "serial": str(2025010100 + rng.randrange(99))})
    return req("POST", "https://shop.app.example/v1/favourites", [("Content-Type", "application/json")], body,
               source="a shop's own coordinates and phone, a toll-free line, a Message-ID, campaign ids, a revision serial")


def b_place_searches(rng):
    lat, lon = rng.choice(CITIES)
    body = js({"stores": {"lat": round(lat, 4), "lng": round(lon, 4), "radius": 5000},
               "origin": {"name": "Central Station", "lat": round(lat + 0.01, 4), "lon": round(lon + 0.01, 4)},
               "viewport": {"sw": f"{lat - 0.02:.4f},{lon - 0.02:.4f}", "ne": f"{lat + 0.02:.4f},{lon + 0.02:.4f}"},
               "weather": {"latitude": round(lat, 2), "longitude": round(lon, 2)}, "poi_lat": round(lat, 5), "poi_lng": round(lon, 5),
               "examples": ["+1 202-555-0175", "+44 1632 960 983"], "mid": f"<{rng.getrandbits(48):x}@mx.example.com>"})
    return req("POST", "https://maps.app.example/v1/batch", [("Content-Type", "application/json")], body,
               source="searches around places, a named station, a map viewport, a town's weather, fictional numbers, a Message-ID")


BENIGN_TEMPLATES = [b_order, b_ticket, b_request_ids, b_hashes, b_css, b_timestamps, b_placeholders, b_binary, b_versions,
                    b_firebase_install, b_telemetry, b_ipv6_git, b_ble, b_snowflake, b_barcodes, b_jwt, b_gzip_json, b_tracking,
                    b_images, b_log_no_ids, b_amounts, b_machine_addresses, b_eap_pseudonym, b_gnss_status, b_geojson_area,
                    b_places_and_remotes, b_business_contacts, b_place_searches]

# ------------------------------------------------------------------------------------------ build


def encode_body(body: bytes) -> tuple[str, str]:
    try:
        text = body.decode("utf-8")
        if "\x00" not in text:
            return text, "text"
    except UnicodeDecodeError:
        pass
    return base64.b64encode(body).decode(), "base64"


def build() -> list[dict]:
    rng = random.Random(SEED)
    corpus_dev = Device(random.Random(1), **CORPUS_PHONE)
    records = []
    n = 0
    for round_ in range(7):
        for t in IDENTIFIER_TEMPLATES:
            # A keyless protobuf UUID is only visible as the profile's known value: always the corpus phone.
            use_corpus = round_ % 2 == 0 or t is t_protobuf
            d = corpus_dev if use_corpus else Device(rng)
            r = t(rng, d)
            r["client_ip"] = "10.42.0.23" if use_corpus else f"10.42.1.{rng.randrange(2, 250)}"
            records.append(("identifier", r, use_corpus))
            n += 1
    for _ in range(3):
        records.append(("identifier", t_hashed(rng, corpus_dev), True))
    for round_ in range(8):
        for t in BENIGN_TEMPLATES:
            records.append(("benign", t(rng), False))
    out = []
    for i, (label, r, corpus) in enumerate(records):
        body, enc = encode_body(r["body"])
        expect = sorted(r["expect"])
        expect_profile = sorted(r["expect"] | r["profile_only"]) if corpus else expect
        out.append({"id": f"{label[:3]}-{i:04d}", "label": label, "source": r["source"], "method": r["method"], "url": r["url"],
                    "headers": r["headers"], "body": body, "body_encoding": enc, "client_ip": r["client_ip"],
                    "corpus_phone": corpus, "expect": expect, "expect_profile": expect_profile})
    return out


def main() -> None:
    records = build()
    with OUT.open("w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")
    (HERE / "corpus-phone.yaml").write_text(CORPUS_PROFILE_YAML, encoding="utf-8")
    ids = sum(r["label"] == "identifier" for r in records)
    print(f"wrote {len(records)} requests ({ids} with identifiers, {len(records) - ids} benign) to {OUT}")


if __name__ == "__main__":
    main()
