#!/usr/bin/env python3
"""Held-out detector evaluation corpus: ~120 requests carrying identifiers, ~120 benign look-alikes.

Written independently of the detector and of the development corpus (see README.md): every request
models a documented wire format (OpenRTB 2.5, Google/Mozilla geolocation, OMA-DM SyncML, GSMA TS.43 /
SGP.22 ES2+, ACRA crash reports, EMQX/Aliyun IoT, MQTT 3.1.1, RFC 7519 JWT, W3C Trace Context…) and
its labels follow the vocabulary of DOMAIN.md §2. Values are synthetic but structurally valid (Luhn,
real MCC/MNC, phonenumbers-valid MSISDNs). Deterministic: a fixed seed, gzip with mtime=0.

    python tests/corpus/heldout/build_heldout.py     # rewrites requests.jsonl next to this file
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import random
import sys
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import phonenumbers
from stdnum import imsi as stdnum_imsi
from stdnum import luhn, meid as stdnum_meid

HERE = Path(__file__).resolve().parent
OUT = HERE / "requests.jsonl"
SEED = 20240917

# The held-out phone: the same values as heldout-phone.yaml (asserted by the test).
PHONE = {
    "imei": ["353911100481234", "353911100481242"],
    "imsi": "262011904437215",
    "iccid": "8949011904437215007",
    "mac": "3c:28:6d:5a:91:e4",
    "serial": "R58N91KQ2WL",
    "android_id": "9f3c2b1a7e6d5c40",
    "ad_id": "c1e6a4d2-7b39-4f0e-9a58-2d7e61b3f0c9",
    "phone": "+4915112345678",
    "email": "heldout.tester@example.org",
    "lat": 52.5163, "lon": 13.3777,
    "client": "10.77.0.9",
}
OTHER_CLIENTS = ["10.77.0.21", "10.77.0.22", "192.168.8.101", "172.20.3.14"]

ANDROID_UA = "Dalvik/2.1.0 (Linux; U; Android 13; SM-G991B Build/TP1A.220624.014)"
OKHTTP_UA = "okhttp/4.12.0"

# Real MCC/MNC pairs (checked with stdnum.imsi.info at build time).
MCC_MNC = ["24201", "310260", "23415", "26201", "46000", "20801", "26202", "23410", "24202", "46001"]
# Type Allocation Codes with real reporting-body prefixes (35 = BABT, 86 = TAF China, 01 = PTCRB).
TACS = ["35209900", "35332510", "86891504", "86769803", "01332700", "35875110", "86453905", "35438811"]
# Organisationally unique identifiers of real vendors (phones and access points).
OUIS = ["f0:18:98", "8c:f5:a3", "3c:a6:2f", "50:c7:bf", "24:a4:3c", "f0:9f:c2", "00:25:9c", "b0:be:76",
        "74:da:88", "dc:a6:32"]
# E.118 issuer prefixes: 89 + country code + issuer.
ICCID_PREFIX = ["894701", "894902", "894410", "89860", "893301", "891260", "89462"]

rng = random.Random(SEED)


# ---------------------------------------------------------------- value makers (other devices)

def digits(n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def new_imei(tac: str | None = None) -> str:
    body = (tac or rng.choice(TACS)) + digits(6)
    return body + luhn.calc_check_digit(body)


def new_imsi(mccmnc: str | None = None) -> str:
    mm = mccmnc or rng.choice(MCC_MNC)
    value = mm + digits(15 - len(mm))
    assert stdnum_imsi.is_valid(value), value
    return value


def new_iccid(length: int = 19) -> str:
    body = rng.choice(ICCID_PREFIX)
    body += digits(length - 1 - len(body))
    return body + luhn.calc_check_digit(body)


def new_meid() -> str:
    while True:
        value = "A" + "".join(rng.choice("0123456789ABCDEF") for _ in range(13))
        if stdnum_meid.is_valid(value):
            return value


def new_mac(sep: str = ":") -> str:
    oui = rng.choice(OUIS).split(":")
    return sep.join(oui + [f"{rng.randrange(256):02x}" for _ in range(3)])


def new_uuid() -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def new_hex(n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def new_phone(region: str) -> str:
    example = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    national = str(example.national_number)
    for _ in range(1000):
        candidate = national[:3] + digits(len(national) - 3)
        num = phonenumbers.parse(candidate, region)
        if phonenumbers.is_valid_number(num):
            return phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164)
    raise RuntimeError(region)


def near(lat: float, lon: float, spread: float = 0.02) -> tuple[float, float]:
    return round(lat + rng.uniform(-spread, spread), 6), round(lon + rng.uniform(-spread, spread), 6)


CITIES = [(59.9139, 10.7522), (48.8566, 2.3522), (51.5072, -0.1276), (31.2304, 121.4737),
          (40.7128, -74.0060), (60.3913, 5.3221)]


def other_location() -> tuple[float, float]:
    return near(*rng.choice(CITIES))


# ---------------------------------------------------------------- encodings

def jdump(obj) -> str:
    return json.dumps(obj, separators=(",", ":"))


def gz_b64(text: str) -> str:
    return base64.b64encode(gzip.compress(text.encode(), mtime=0)).decode()


def b64url(text: str | bytes) -> str:
    raw = text.encode() if isinstance(text, str) else text
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def jwt(payload: dict) -> str:
    header = b64url(jdump({"alg": "HS256", "typ": "JWT"}))
    body = b64url(jdump(payload))
    sig = b64url(hashlib.sha256((header + "." + body).encode()).digest())
    return f"{header}.{body}.{sig}"


def md5(s: str) -> str:
    return hashlib.md5(s.encode()).hexdigest()


def sha1(s: str) -> str:
    return hashlib.sha1(s.encode()).hexdigest()


def sha256(s: str) -> str:
    return hashlib.sha256(s.encode()).hexdigest()


def swap_nibbles(text: str) -> str:
    """How the SIM stores BCD: each pair of digits swapped (3GPP TS 51.011 EF_ICCID)."""
    return "".join(text[i + 1] + text[i] for i in range(0, len(text), 2))


def multipart(parts: list[tuple[str, str, str | None]], boundary: str) -> str:
    out = []
    for name, content, filename in parts:
        disp = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
        ctype = "text/plain" if filename else None
        out.append(f"--{boundary}\r\nContent-Disposition: {disp}\r\n"
                   + (f"Content-Type: {ctype}\r\n" if ctype else "") + f"\r\n{content}\r\n")
    return "".join(out) + f"--{boundary}--\r\n"


# ---------------------------------------------------------------- record collection

RECORDS: list[dict] = []


def add(label: str, source: str, method: str, url: str, headers: list, body: str = "", *,
        expect: list[str] = (), expect_profile: list[str] | None = None, phone: bool = False,
        encoding: str = "text", client: str | None = None) -> None:
    expect = sorted(set(expect))
    if expect_profile is None:
        expect_profile = expect
    expect_profile = sorted(set(expect_profile) | set(expect))
    if label == "benign":
        assert not expect and not expect_profile, source
    else:
        assert expect or expect_profile, source
    prefix = "hid" if label == "identifier" else "hbn"
    n = sum(r["label"] == label for r in RECORDS)
    RECORDS.append({
        "id": f"{prefix}-{n:04d}", "label": label, "source": source, "method": method, "url": url,
        "headers": [list(h) for h in headers], "body": body, "body_encoding": encoding,
        "client_ip": client or (PHONE["client"] if phone else rng.choice(OTHER_CLIENTS)),
        "corpus_phone": phone, "expect": expect, "expect_profile": expect_profile,
    })


def ident(source, method, url, headers, body="", **kw):
    add("identifier", source, method, url, headers, body, **kw)


def benign(source, method, url, headers, body="", **kw):
    add("benign", source, method, url, headers, body, **kw)


JSON_H = [("Content-Type", "application/json; charset=utf-8"), ("User-Agent", OKHTTP_UA)]
FORM_H = [("Content-Type", "application/x-www-form-urlencoded"), ("User-Agent", ANDROID_UA)]


# ================================================================= identifiers

def openrtb() -> None:
    src = "OpenRTB 2.5 bid request (IAB), device object: ifa, geo, ipv6, hashed device ids"
    app = {"id": "app-7731", "bundle": "com.example.puzzle", "storeurl": "https://play.google.com/store/apps/details?id=com.example.puzzle"}
    imp = [{"id": "1", "banner": {"w": 320, "h": 50}, "bidfloor": 0.05}]

    def bid(device: dict) -> str:
        return jdump({"id": new_uuid(), "imp": imp, "app": app, "device": device, "at": 1, "tmax": 120})

    url = "https://bid.dsp.example/openrtb2/auction"
    hdr = [("Content-Type", "application/json"), ("x-openrtb-version", "2.5")]
    lat, lon = near(PHONE["lat"], PHONE["lon"], 0.003)
    base = {"ua": ANDROID_UA, "make": "samsung", "model": "SM-G991B", "os": "android", "osv": "13",
            "devicetype": 4, "connectiontype": 2}
    ident(src + " (GPS geo, ifa)", "POST", url, hdr,
          bid({**base, "ifa": PHONE["ad_id"], "lmt": 0, "geo": {"lat": lat, "lon": lon, "type": 1, "accuracy": 12}}),
          expect=["ad_id", "location"], phone=True)
    ident(src + " (ipv6, ifa only)", "POST", url, hdr,
          bid({**base, "ifa": new_uuid(), "lmt": 0, "ipv6": "2001:db8:4f2a:1::3c", "geo": {"country": "NOR"}}),
          expect=["ad_id"])
    ident(src + " (didsha1 = SHA-1 of the IMEI)", "POST", url, hdr,
          bid({**base, "didsha1": sha1(PHONE["imei"][0]), "lmt": 1, "ifa": "00000000-0000-0000-0000-000000000000"}),
          expect=[], expect_profile=["imei"], phone=True)
    ident(src + " (didmd5 = MD5 of the IMEI)", "POST", url, hdr,
          bid({**base, "didmd5": md5(PHONE["imei"][1]), "lmt": 1}),
          expect=[], expect_profile=["imei"], phone=True)
    ident(src + " (macsha1 = SHA-1 of the MAC, upper case with colons)", "POST", url, hdr,
          bid({**base, "macsha1": sha1(PHONE["mac"].upper()), "lmt": 1}),
          expect=[], expect_profile=["mac"], phone=True)
    ident(src + " (dpidmd5 = MD5 of ANDROID_ID)", "POST", url, hdr,
          bid({**base, "dpidmd5": md5(PHONE["android_id"]), "lmt": 1}),
          expect=[], expect_profile=["android_id"], phone=True)
    olat, olon = other_location()
    ident(src + " (IP-derived geo type 2, user.geo)", "POST", url, hdr,
          jdump({"id": new_uuid(), "imp": imp, "app": app, "device": {**base, "lmt": 1, "geo": {"type": 2, "country": "FRA"}},
                 "user": {"id": new_hex(24), "geo": {"lat": olat, "lon": olon, "type": 2}}}),
          expect=["location"])
    ident(src + " gzip'd (Content-Encoding: gzip)", "POST", url, hdr + [("Content-Encoding", "gzip")],
          gz_b64(bid({**base, "ifa": new_uuid(), "lmt": 0, "geo": {"lat": olat, "lon": olon, "type": 1}})),
          expect=["ad_id", "location"], encoding="base64")
    ident(src + " (ext.ifa_type=aaid, limited geo precision)", "POST", url, hdr,
          bid({**base, "ifa": PHONE["ad_id"], "ext": {"ifa_type": "aaid"}, "geo": {"lat": round(lat, 2), "lon": round(lon, 2), "type": 1}}),
          expect=["ad_id", "location"], phone=True)
    ident(src + " (carrier MCC-MNC and a device.ext.imei from a non-compliant SSP)", "POST", url, hdr,
          bid({**base, "mccmnc": "460-00", "carrier": "China Mobile", "ext": {"imei": new_imei("86891504")}}),
          expect=["imei"])


def geolocation() -> None:
    g_url = "https://www.googleapis.com/geolocation/v1/geolocate?key=AIzaSyD-EXAMPLEKEY-0123456789abcdefghi"
    g_src = "Google Maps Geolocation API request body (cellTowers, wifiAccessPoints)"
    ident(g_src + " GSM cell + 2 APs", "POST", g_url, JSON_H, jdump({
        "homeMobileCountryCode": 262, "homeMobileNetworkCode": 1, "radioType": "gsm", "carrier": "Telekom.de",
        "considerIp": False,
        "cellTowers": [{"cellId": 21532831, "locationAreaCode": 2862, "mobileCountryCode": 262, "mobileNetworkCode": 1,
                        "age": 0, "signalStrength": -60, "timingAdvance": 15}],
        "wifiAccessPoints": [{"macAddress": new_mac(), "signalStrength": -43, "signalToNoiseRatio": 0, "channel": 11, "age": 0},
                             {"macAddress": new_mac(), "signalStrength": -55, "age": 0}]}),
        expect=["cell_id", "wifi_bssid"], phone=True)
    ident(g_src + " Wi-Fi only, upper-case dash MACs", "POST", g_url, JSON_H, jdump({
        "considerIp": "false",
        "wifiAccessPoints": [{"macAddress": new_mac("-").upper(), "signalStrength": -61},
                             {"macAddress": new_mac("-").upper(), "signalStrength": -70},
                             {"macAddress": new_mac("-").upper(), "signalStrength": -82}]}),
        expect=["wifi_bssid"])
    ident(g_src + " LTE cell only (ECI)", "POST", g_url, JSON_H, jdump({
        "radioType": "lte", "considerIp": True,
        "cellTowers": [{"cellId": 26351 * 256 + 11, "locationAreaCode": 41021, "mobileCountryCode": 310,
                        "mobileNetworkCode": 260, "signalStrength": -95}]}),
        expect=["cell_id"])
    m_url = "https://location.services.mozilla.com/v1/geolocate?key=test"
    m_src = "Mozilla Location Service /v1/geolocate request body"
    ident(m_src + " (LTE + WCDMA cells, fallbacks)", "POST", m_url, JSON_H, jdump({
        "carrier": "Orange", "considerIp": True, "homeMobileCountryCode": 208, "homeMobileNetworkCode": 1,
        "cellTowers": [{"radioType": "lte", "mobileCountryCode": 208, "mobileNetworkCode": 1, "locationAreaCode": 2,
                        "cellId": 34851842, "age": 1, "psc": 301, "signalStrength": -87},
                       {"radioType": "wcdma", "mobileCountryCode": 208, "mobileNetworkCode": 1, "locationAreaCode": 2,
                        "cellId": 12345, "psc": 3}],
        "fallbacks": {"lacf": True, "ipf": True}}),
        expect=["cell_id"])
    ident(m_src + " (wifi with ssid, frequency)", "POST", m_url, JSON_H, jdump({
        "wifiAccessPoints": [{"macAddress": new_mac(), "age": 3, "channel": 36, "frequency": 5180, "signalStrength": -51,
                              "ssid": "FRITZ!Box 7590 XY"},
                             {"macAddress": new_mac(), "frequency": 2437, "signalStrength": -77}]}),
        expect=["wifi_bssid"], phone=True)
    lat, lon = near(PHONE["lat"], PHONE["lon"], 0.004)
    ident("Mozilla Location Service /v2/geosubmit (position + cells + wifi)", "POST",
          "https://location.services.mozilla.com/v2/geosubmit?key=test", JSON_H, jdump({"items": [{
              "timestamp": 1718000000000,
              "position": {"latitude": lat, "longitude": lon, "accuracy": 10.0, "altitude": 36.0, "source": "gps"},
              "cellTowers": [{"radioType": "lte", "mobileCountryCode": 262, "mobileNetworkCode": 1,
                              "locationAreaCode": 41021, "cellId": 26872075, "primaryScramblingCode": 120}],
              "wifiAccessPoints": [{"macAddress": new_mac().replace(":", ""), "signalStrength": -66}]}]}),
          expect=["location", "cell_id", "wifi_bssid"], phone=True)
    ident("Unwired Labs LocationAPI v2 request (cells lac/cid, wifi bssid)", "POST",
          "https://us1.unwiredlabs.com/v2/process.php", JSON_H, jdump({
              "token": "pk." + new_hex(32), "radio": "gsm", "mcc": 234, "mnc": 15,
              "cells": [{"lac": 7033, "cid": 17811}, {"lac": 7033, "cid": 17812}],
              "wifi": [{"bssid": new_mac(), "channel": 6, "signal": -60}], "address": 1}),
          expect=["cell_id", "wifi_bssid"])
    ident("OpenCellID cell/get query (mcc, mnc, lac, cellid)", "GET",
          "https://opencellid.org/cell/get?" + urlencode({"key": "pk." + new_hex(24), "mcc": 242, "mnc": 1,
                                                        "lac": 7011, "cellid": 24013, "format": "json"}),
          [("User-Agent", OKHTTP_UA)], expect=["cell_id"])
    ident("Unwired Labs LocationAPI v2 (LTE, tac/cellid keys)", "POST", "https://eu1.unwiredlabs.com/v2/process.php",
          JSON_H, jdump({"token": "pk." + new_hex(32), "radio": "lte", "mcc": 262, "mnc": 1,
                         "cells": [{"lac": 41021, "cid": 26872075, "psc": 120}]}), expect=["cell_id"], phone=True)
    ident("Combain positioning API request (cellTowers + wifi, base64url-wrapped in ?data=)", "GET",
          "https://apiv2.combain.com/?key=demo&data=" + b64url(jdump({"cellTowers": [
              {"radioType": "lte", "mobileCountryCode": 460, "mobileNetworkCode": 0, "locationAreaCode": 9533,
               "cellId": 213004418}]})), [("User-Agent", OKHTTP_UA)], expect=["cell_id"])


def postbacks() -> None:
    ua = [("User-Agent", "AppsFlyer-Postback/1.0")]
    ident("AppsFlyer-style install postback (query string: advertising_id, android_id, imei)", "GET",
          "https://postback.network.example/af/install?" + urlencode({
              "clickid": new_hex(20), "advertising_id": PHONE["ad_id"], "android_id": PHONE["android_id"],
              "imei": PHONE["imei"][0], "install_time": "2024-06-10 08:12:31.155", "country_code": "DE",
              "app_id": "com.example.puzzle"}), ua,
          expect=["ad_id", "android_id", "imei"], phone=True)
    ident("AppsFlyer-style postback, idfa (iOS) + device_model", "GET",
          "https://postback.network.example/af/install?" + urlencode({
              "idfa": new_uuid().upper(), "device_model": "iPhone14,5", "ip": "203.0.113.50", "af_siteid": "3311"}), ua,
          expect=["ad_id"])
    adj = [("User-Agent", "Adjust-Callback")]
    ident("Adjust callback URL with placeholders filled: gps_adid, android_id, mac_sha1", "GET",
          "https://tracker.partner.example/adjust?" + urlencode({
              "gps_adid": PHONE["ad_id"], "android_id": PHONE["android_id"],
              "mac_sha1": sha1(PHONE["mac"].upper()), "tracker": "abc123", "created_at": "1718003551"}), adj,
          expect=["ad_id", "android_id"], expect_profile=["ad_id", "android_id", "mac"], phone=True)
    ident("Adjust callback: oaid (MSA Open Anonymous Device Identifier) + fire_adid", "GET",
          "https://tracker.partner.example/adjust?" + urlencode({
              "oaid": new_uuid(), "fire_adid": new_uuid(), "country": "cn"}), adj, expect=["ad_id"])
    ident("Adjust callback: android_id_md5, mac_md5 (hashes only)", "GET",
          "https://tracker.partner.example/adjust?" + urlencode({
              "android_id_md5": md5(PHONE["android_id"]), "mac_md5": md5(PHONE["mac"].replace(":", "")),
              "event": "install"}), adj,
          expect=[], expect_profile=["android_id", "mac"], phone=True)
    inner = jdump({"gaid": PHONE["ad_id"], "ts": 1718003551000})
    ident("Postback with JSON in a double URL-encoded query value", "GET",
          "https://postback.network.example/s2s?payload=" + quote(quote(inner, safe=""), safe=""), ua,
          expect=["ad_id"], phone=True)
    ident("Branch-style /v1/install JSON (hardware_id, google_advertising_id)", "POST", "https://api2.branch.io/v1/install",
          JSON_H, jdump({"hardware_id": new_hex(16), "is_hardware_id_real": True, "brand": "Xiaomi",
                         "model": "2201117TG", "google_advertising_id": new_uuid(), "lat_val": 0,
                         "os": "Android", "os_version": 33, "sdk": "android5.9.0"}),
          # hardware_id carries an ANDROID_ID, but "hardware_id" is not android_id key context by the
          # vocabulary's rules and the value is not the profile's: not counted (label fixed after the first run).
          expect=["ad_id"])
    ident("Kochava-style install with adid and device_limit_tracking, double-encoded email", "GET",
          "https://control.kochava.example/track/json?" + urlencode({
              "adid": new_uuid(), "device_limit_tracking": "0", "email": quote(f"jo.{new_hex(4)}@mail.example", safe="")}),
          ua, expect=["ad_id", "email"])
    ident("Singular-style launch event: aifa + andi (android id) as query", "GET",
          "https://s2s.singular.example/api/v1/launch?" + urlencode({
              "a": "sdkkey", "p": "Android", "i": "com.example.puzzle", "aifa": PHONE["ad_id"],
              "andi": PHONE["android_id"], "ve": "13", "ma": "samsung", "mo": "SM-G991B"}),
          [("User-Agent", ANDROID_UA)], expect=["ad_id"], expect_profile=["ad_id", "android_id"], phone=True)
    ident("Install postback with phone number (msisdn) from a carrier-billing SDK", "GET",
          "https://billing.partner.example/cb?" + urlencode({"msisdn": new_phone("NO").lstrip("+"), "op": "24201",
                                                            "sub": new_hex(10)}), ua, expect=["phone"])


def omadm() -> None:
    def syncml(devid: str, body: str) -> str:
        return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><SyncML xmlns=\"SYNCML:SYNCML1.2\"><SyncHdr><VerDTD>1.2</VerDTD>"
                "<VerProto>DM/1.2</VerProto><SessionID>1A2</SessionID><MsgID>1</MsgID>"
                "<Target><LocURI>https://dm.operator.example/oma</LocURI></Target>"
                f"<Source><LocURI>{devid}</LocURI><LocName>dmuser</LocName></Source>"
                "<Meta><MaxMsgSize xmlns=\"syncml:metinf\">10000</MaxMsgSize></Meta></SyncHdr>"
                f"<SyncBody>{body}<Final/></SyncBody></SyncML>")

    devinfo = ("<Alert><CmdID>1</CmdID><Data>1201</Data></Alert><Replace><CmdID>2</CmdID>"
               "<Item><Source><LocURI>./DevInfo/DevId</LocURI></Source><Data>{devid}</Data></Item>"
               "<Item><Source><LocURI>./DevInfo/Man</LocURI></Source><Data>Samsung</Data></Item>"
               "<Item><Source><LocURI>./DevInfo/Mod</LocURI></Source><Data>SM-G991B</Data></Item>"
               "<Item><Source><LocURI>./DevInfo/Lang</LocURI></Source><Data>de-DE</Data></Item></Replace>")
    hdr = [("Content-Type", "application/vnd.syncml.dm+xml"), ("User-Agent", "Samsung SyncML_DM Client")]
    src = "OMA-DM 1.2 SyncML package 1 (client init): IMEI in SyncHdr/Source/LocURI and ./DevInfo/DevId"
    d = "IMEI:" + PHONE["imei"][0]
    ident(src, "POST", "https://dm.operator.example/oma", hdr, syncml(d, devinfo.format(devid=d)), expect=["imei"], phone=True)
    d = "IMEI:" + new_imei()
    ident(src + " (other device)", "POST", "https://dm.operator.example/oma", hdr, syncml(d, devinfo.format(devid=d)), expect=["imei"])
    d = "MEID:" + new_meid()
    ident("OMA-DM SyncML from a CDMA device: MEID in LocURI", "POST", "https://dm.vzw.example/dm", hdr,
          syncml(d, devinfo.format(devid=d)), expect=["meid"])
    d = "IMEI:" + new_imei()
    ident("OMA-DM SyncML with DevDetail/Ext serial number (./DevDetail/Ext/SerialNumber)", "POST",
          "https://dm.operator.example/oma", hdr,
          syncml(d, devinfo.format(devid=d) + "<Replace><CmdID>3</CmdID><Item><Source><LocURI>./DevDetail/Ext/SerialNumber"
                 "</LocURI></Source><Data>R3CT" + new_hex(7).upper() + "</Data></Item></Replace>"),
          expect=["imei", "serial"])
    d = "IMEI:" + PHONE["imei"][1]
    ident("OMA-DM SyncML base64-encoded in a JSON envelope (proprietary DM relay)", "POST",
          "https://dm-relay.oem.example/v1/session", JSON_H,
          jdump({"session": 7, "pkg": base64.b64encode(syncml(d, devinfo.format(devid=d)).encode()).decode()}),
          expect=["imei"], phone=True)
    ident("OMA-DM SyncML with the IMEI dashed in DevId (IMEI:AA-BBBBBB-CCCCCC-D)", "POST",
          "https://dm.operator.example/oma", hdr,
          syncml("IMEI:" + "{}-{}-{}-{}".format(PHONE["imei"][0][:2], PHONE["imei"][0][2:8], PHONE["imei"][0][8:14],
                                                 PHONE["imei"][0][14]), "<Alert><CmdID>1</CmdID><Data>1201</Data></Alert>"),
          expect=["imei"], phone=True)


def entitlement() -> None:
    host = "https://aes.mnc001.mcc262.pub.3gppnetwork.org/"
    src = "GSMA TS.43 service entitlement configuration request (HTTP GET parameters)"
    ident(src + ": terminal_id = IMEI, IMSI", "GET", host + "?" + urlencode({
        "vers": 0, "entitlement_version": "9.0", "terminal_id": PHONE["imei"][0], "terminal_vendor": "samsung",
        "terminal_model": "SM-G991B", "terminal_sw_version": "13", "app": "ap2004", "IMSI": PHONE["imsi"]}),
          [("Accept", "application/vnd.gsma.eap-relay.v1.0+json"), ("User-Agent", "PRD-TS43 term-samsung/SM-G991B OS-Android/13")],
          expect=["imei", "imsi"], phone=True)
    ident(src + ": EAP_ID (permanent NAI: 0 + IMSI @nai.epc…)", "GET", host + "?" + urlencode({
        "EAP_ID": "0" + PHONE["imsi"] + "@nai.epc.mnc001.mcc262.3gppnetwork.org", "vers": 0,
        "terminal_id": PHONE["imei"][1], "app": "ap2004"}),
          [("Accept", "application/vnd.gsma.eap-relay.v1.0+json")], expect=["imei", "imsi"], phone=True)
    other_imsi = new_imsi("310260")
    ident("GSMA TS.43 ODSA ManageSubscription (companion_terminal_id, MSISDN)", "GET",
          "https://aes.mnc260.mcc310.pub.3gppnetwork.org/?" + urlencode({
              "operation": "ManageSubscription", "companion_terminal_id": new_imei("01332700"),
              "MSISDN": new_phone("US").lstrip("+"), "app": "ap2006", "IMSI": other_imsi, "vers": 3}),
          [("Accept", "application/json")], expect=["imei", "phone", "imsi"])
    ident("GSMA SGP.22 ES2+ DownloadOrder (JSON, eid + iccid)", "POST",
          "https://smdp.example/gsma/rsp2/es2plus/downloadOrder",
          [("Content-Type", "application/json"), ("X-Admin-Protocol", "gsma/rsp/v2.2.0")],
          jdump({"header": {"functionRequesterIdentifier": "MNO-TEST", "functionCallIdentifier": new_uuid()},
                 "eid": "89049032" + digits(24), "iccid": new_iccid(19), "profileType": "TEST-PROFILE"}),
          expect=["iccid"])
    ident("GSMA SGP.22 ES2+ ConfirmOrder with the held-out SIM's ICCID (20 digits, trailing F on the SIM)", "POST",
          "https://smdp.example/gsma/rsp2/es2plus/confirmOrder",
          [("Content-Type", "application/json"), ("X-Admin-Protocol", "gsma/rsp/v2.2.0")],
          jdump({"header": {"functionRequesterIdentifier": "MNO-TEST", "functionCallIdentifier": new_uuid()},
                 "iccid": PHONE["iccid"] + "F", "matchingId": "QR-G-5C-KR-1PSCN", "releaseFlag": True}),
          expect=["iccid"], phone=True)
    ident("TS.43 entitlement POST with the EAP-AKA relay payload and MSISDN in JSON", "POST", host,
          [("Content-Type", "application/vnd.gsma.eap-relay.v1.0+json")],
          jdump({"eap-relay-packet": base64.b64encode(b"\x02\x01\x00\x28\x17\x05\x00\x00" + bytes(32)).decode(),
                 "msisdn": PHONE["phone"]}), expect=["phone"], phone=True)


def ota() -> None:
    fp = "samsung/o1sxeea/o1s:13/TP1A.220624.014/G991BXXU5DVKB:user/release-keys"
    ident("OTA update check JSON (model, serial, build fingerprint)", "POST", "https://fota.oem.example/api/check",
          JSON_H, jdump({"model": "SM-G991B", "serial": PHONE["serial"], "fingerprint": fp, "csc": "DBT",
                         "security_patch": "2023-11-01"}), expect=["serial"], phone=True)
    ident("Huawei-style OTA query (sn, deviceId = IMEI)", "GET",
          "https://query.hicloud.example/sp_ard_common/v2/Check.action?" + urlencode({
              "latest": "true", "sn": "8KE7N" + digits(11), "deviceId": new_imei("86769803"),
              "ver": "HarmonyOS 3.0.0"}), [("User-Agent", OKHTTP_UA)], expect=["imei", "serial"])
    ident("Xiaomi-style OTA check form with base64 JSON in field q (d, sn, imei md5)", "POST",
          "https://update.miui.example/updates/miotaV3.php", FORM_H,
          urlencode({"q": base64.b64encode(jdump({"d": "venus_global", "b": "F", "r": "GL", "sn": PHONE["serial"],
                                                  "i": md5(PHONE["imei"][0]), "c": "13"}).encode()).decode()}),
          expect=["serial"], expect_profile=["serial", "imei"], phone=True)
    ident("OTA check with the serial number in a header (X-Device-Serial)", "GET",
          "https://ota.oem.example/v1/updates?fingerprint=" + quote(fp, safe=""),
          [("X-Device-Serial", PHONE["serial"]), ("User-Agent", OKHTTP_UA)], expect=["serial"], phone=True)
    ident("OTA check carrying ro.serialno / ro.boot.serialno in a properties blob", "POST",
          "https://ota.oem.example/v2/check", [("Content-Type", "text/plain")],
          f"ro.product.model=SM-A536B\nro.serialno=RZ8T{new_hex(7).upper()}\nro.build.version.incremental=A536BXXU4BWA1\n",
          expect=["serial"])
    ident("OTA check where the serial is sent under a neutral key (did) - only a known value can tell", "POST",
          "https://ota.oem.example/v3/check", JSON_H,
          jdump({"did": PHONE["serial"], "model": "SM-G991B", "fp": fp}), expect=[], expect_profile=["serial"], phone=True)
    ident("Google OTA (update_engine Omaha-like) XML request with hardware_class and IMEI-bearing appid field", "POST",
          "https://update.oem.example/service/update2", [("Content-Type", "application/xml")],
          "<?xml version=\"1.0\"?><request protocol=\"3.0\"><os platform=\"android\" version=\"13\"/>"
          f"<app appid=\"{{device}}\" version=\"1.0\" imei=\"{new_imei()}\"><updatecheck/></app></request>",
          expect=["imei"])
    ident("FOTA register form (imei, imsi, mcc/mnc)", "POST", "https://fota.oem.example/register", FORM_H,
          urlencode({"imei": PHONE["imei"][1], "imsi": PHONE["imsi"], "mcc": "262", "mnc": "01", "fw": "1.2.7"}),
          expect=["imei", "imsi"], phone=True)


def crash_reports() -> None:
    b = "----acra" + new_hex(12)
    mp = [("Content-Type", f"multipart/form-data; boundary={b}"), ("User-Agent", ANDROID_UA)]
    logcat = (
        "06-10 08:12:30.101  1432  1432 D RILJ    : [3821]> GET_IMSI aid: [PHONE0]\n"
        f"06-10 08:12:30.115  1432  1512 D RILJ    : [3821]< GET_IMSI {PHONE['imsi']} [PHONE0]\n"
        f"06-10 08:12:30.230  1432  1432 D SubscriptionController: [addSubInfoRecord]+ iccId:{PHONE['iccid']} slotIndex:0\n"
        "06-10 08:12:31.004  1432  1432 I PhoneApp: Voice call state idle\n")
    ident("Crash report multipart (ACRA-like) with a logcat attachment: RILJ GET_IMSI, SubscriptionController iccId",
          "POST", "https://crash.example/acra/report", mp,
          multipart([("REPORT_ID", new_uuid(), None), ("ANDROID_VERSION", "13", None),
                     ("LOGCAT", logcat, "logcat.txt")], b), expect=["imsi", "iccid"], phone=True)
    cell_log = ("06-10 09:01:11.220  1432  1432 D ServiceStateTracker: [0] Poll ServiceState done:  mCellIdentity="
                "CellIdentityLte:{ mCi=26872075 mPci=287 mTac=41021 mEarfcn=6300 mBands=[20] mBandwidth=10000 mMcc=262 "
                "mMnc=01 mAlphaLong=Telekom.de mAlphaShort=Telekom.de mAdditionalPlmns={} mCsgInfo=null}\n")
    ident("Crash report logcat with ServiceStateTracker CellIdentityLte (mCi, mTac, mMcc, mMnc)", "POST",
          "https://crash.example/acra/report", mp,
          multipart([("REPORT_ID", new_uuid(), None), ("LOGCAT", cell_log, "logcat.txt")], b), expect=["cell_id"], phone=True)
    wifi_log = (f"06-10 09:02:40.120  1211  1301 D WifiClientModeImpl: ConnectedMacRandomization: BSSID={new_mac()} "
                "SSID=\"CafeNet\" freq=2437 rssi=-64\n"
                "06-10 09:02:40.124  1211  1301 D WifiClientModeImpl: ipv4 ready\n")
    ident("Crash report logcat with the connected access point's BSSID", "POST", "https://crash.example/acra/report", mp,
          multipart([("REPORT_ID", new_uuid(), None), ("LOGCAT", wifi_log, "logcat.txt")], b), expect=["wifi_bssid"])
    ident("ACRA JSON report with DEVICE_ID (ReportField.DEVICE_ID = IMEI) and INSTALLATION_ID", "POST",
          "https://crash.example/acra/report", JSON_H,
          jdump({"REPORT_ID": new_uuid(), "APP_VERSION_CODE": 4021, "PHONE_MODEL": "Pixel 7", "BRAND": "google",
                 "DEVICE_ID": new_imei("35875110"), "INSTALLATION_ID": new_uuid(), "USER_EMAIL": "N/A"}),
          expect=["imei"])
    phone_log = (f"06-10 10:11:12.000  1432  1432 D PhoneInterfaceManager: getLine1NumberForDisplay: "
                 f"line1Number={PHONE['phone']} subId=1\n")
    ident("Crash report text upload (gzip'd logcat) with TelephonyManager line1Number", "POST",
          "https://crash.example/upload/logcat", [("Content-Type", "text/plain"), ("Content-Encoding", "gzip")],
          gz_b64(phone_log * 3), expect=["phone"], encoding="base64", phone=True)
    ident("Crash report logcat with the device's own Wi-Fi MAC (wlan0 HWaddr)", "POST", "https://crash.example/acra/report", mp,
          multipart([("REPORT_ID", new_uuid(), None),
                     ("LOGCAT", f"06-10 10:20:01.000   877   877 I netd: wlan0 Link encap:Ethernet HWaddr {PHONE['mac']}\n",
                      "logcat.txt")], b), expect=["mac"], phone=True)
    ident("Crash report logcat with a nibble-swapped ICCID read from EF_ICCID (SIM file dump)", "POST",
          "https://crash.example/acra/report", mp,
          multipart([("REPORT_ID", new_uuid(), None),
                     ("LOGCAT", "06-10 10:25:00.000  1432  1600 D UiccSimRecords: EF_ICCID raw=" +
                      swap_nibbles(PHONE["iccid"] + "F") +
                      f" iccid={PHONE['iccid'][:6]}{'*' * 13}\n", "logcat.txt")], b),
          expect=["iccid"], phone=True)
    ident("Bugreport-style dumpsys iphonesubinfo text (Device ID, Subscriber ID)", "POST",
          "https://feedback.oem.example/bugreport", [("Content-Type", "text/plain; charset=utf-8")],
          f"DUMP OF SERVICE iphonesubinfo:\n  Phone Subscriber Info:\n    Device ID={new_imei()}\n"
          f"    Subscriber ID={new_imsi('23410')}\n", expect=["imei", "imsi"])


def iot() -> None:
    zz = jdump({"REGVER": "9.0", "MEID": new_meid(), "MODEL": "ZTE-A2022", "IMEI1": new_imei("86453905"),
                "ICCID1": new_iccid(20), "IMSI1": new_imsi("46000"), "MACID": new_mac(), "OSVER": "11"})
    ident("China Telecom self-registration, port 9999 variant: hex-encoded JSON body", "POST",
          "http://zzhc.vnet.cn:9999/", [("Content-Type", "application/octet-stream")], zz.encode().hex(),
          expect=["meid", "imei", "iccid", "imsi", "mac"])
    inner = jdump({"imei": new_imei("86891504"), "iccid": new_iccid(20), "rssi": -71})
    ident("EMQX HTTP publish API (/api/v5/publish): device registration JSON as a string payload", "POST",
          "https://iot.example:18083/api/v5/publish", [("Content-Type", "application/json"),
                                                       ("Authorization", "Basic " + base64.b64encode(b"key:secret").decode())],
          jdump({"topic": "devices/register", "qos": 1, "payload": inner, "payload_encoding": "plain"}),
          expect=["imei", "iccid"])
    ident("EMQX HTTP publish API with base64 payload (payload_encoding=base64), topic contains the IMEI", "POST",
          "https://iot.example:18083/api/v5/publish", [("Content-Type", "application/json")],
          jdump({"topic": f"dev/{PHONE['imei'][0]}/up", "qos": 0, "payload_encoding": "base64",
                 "payload": base64.b64encode(jdump({"bat": 87, "imsi": PHONE["imsi"]}).encode()).decode()}),
          expect=["imei", "imsi"], phone=True)
    ident("Aliyun IoT dynamic device registration form (deviceName = IMEI)", "POST",
          "https://iot-auth.cn-shanghai.aliyuncs.com/auth/register/device", FORM_H,
          urlencode({"productKey": "a1" + new_hex(9), "deviceName": new_imei("86769803"), "random": digits(6),
                     "sign": new_hex(40), "signMethod": "hmacsha1"}), expect=["imei"])
    client_id = new_imei("86453905")

    def mqtt_str(s: str) -> bytes:
        return len(s).to_bytes(2, "big") + s.encode()
    var = mqtt_str("MQTT") + bytes([4, 0xC2]) + (60).to_bytes(2, "big")
    payload = mqtt_str(client_id) + mqtt_str("user") + mqtt_str("pass")
    rem = len(var) + len(payload)
    packet = bytes([0x10, rem]) + var + payload
    ident("MQTT 3.1.1 CONNECT packet (client identifier = IMEI) POSTed through an HTTP bridge", "POST",
          "http://mqtt-bridge.iot.example:9999/mqtt", [("Content-Type", "application/octet-stream")],
          base64.b64encode(packet).decode(), expect=["imei"], encoding="base64")
    ident("Tracker (GPS) HTTP upload, OsmAnd protocol (id = IMEI, lat, lon)", "GET",
          "http://gps.example:5055/?" + urlencode({"id": PHONE["imei"][0], "lat": near(PHONE["lat"], PHONE["lon"], 0.002)[0],
                                                  "lon": near(PHONE["lat"], PHONE["lon"], 0.002)[1],
                                                  "timestamp": 1718003551, "hdop": 0.9, "speed": 0}),
          [("User-Agent", OKHTTP_UA)], expect=["imei", "location"], phone=True)


def jwts() -> None:
    ident("JWT bearer token (RFC 7519) whose payload carries device_id = IMEI", "GET", "https://api.app.example/v1/me",
          [("Authorization", "Bearer " + jwt({"iss": "app", "sub": "u-88412", "device_id": PHONE["imei"][0],
                                              "iat": 1718000000, "exp": 1718003600}))], expect=["imei"], phone=True)
    ident("JWT bearer token with android_id claim", "GET", "https://api.app.example/v1/feed",
          [("Authorization", "Bearer " + jwt({"sub": "u-1", "android_id": new_hex(16), "iat": 1718000000}))],
          expect=["android_id"])
    ident("JWT in a cookie, payload carries the user's e-mail", "GET", "https://shop.example/account",
          [("Cookie", "lang=de; session=" + jwt({"email": PHONE["email"], "role": "user", "iat": 1718000000}))],
          expect=["email"], phone=True)
    ident("JWT in a query parameter (?token=), claims: gaid", "GET",
          "https://ads.example/v2/config?token=" + jwt({"gaid": new_uuid(), "app": "com.example.game"}),
          [("User-Agent", OKHTTP_UA)], expect=["ad_id"])
    ident("JWT bearer whose payload has msisdn (operator header enrichment token)", "GET", "https://api.operator.example/v1/balance",
          [("Authorization", "Bearer " + jwt({"msisdn": new_phone("GB").lstrip("+"), "imsi": new_imsi("23415"), "iat": 1718000000}))],
          expect=["phone", "imsi"])
    ident("JWT bearer with hashed device claim (sha256 of IMEI) - profile only", "GET", "https://api.app.example/v1/me",
          [("Authorization", "Bearer " + jwt({"sub": "u-88412", "dh": sha256(PHONE["imei"][0]), "iat": 1718000000}))],
          expect=[], expect_profile=["imei"], phone=True)


def encodings() -> None:
    ident("Telemetry batch, gzip'd JSON (Content-Encoding: gzip): mac, imei", "POST", "https://telemetry.oem.example/v1/batch",
          JSON_H + [("Content-Encoding", "gzip")],
          gz_b64(jdump({"events": [{"n": "boot", "mac": PHONE["mac"].upper(), "imei": PHONE["imei"][0]}]})),
          expect=["mac", "imei"], encoding="base64", phone=True)
    ident("Analytics NDJSON batch (application/x-ndjson) with email and phone", "POST", "https://collect.example/ingest",
          [("Content-Type", "application/x-ndjson")],
          "\n".join(jdump(e) for e in [{"ev": "open", "ts": 1718000000123},
                                       {"ev": "signup", "email": f"anna.{new_hex(5)}@mail.example", "tel": new_phone("FR")}]) + "\n",
          expect=["email", "phone"])
    ident("Form body carrying JSON in one field (data=…): imei, android_id", "POST", "https://sdk.adnet.example/v3/init", FORM_H,
          urlencode({"appkey": new_hex(16), "data": jdump({"imei": new_imei("86891504"), "android_id": new_hex(16), "net": "wifi"})}),
          expect=["imei", "android_id"])
    ident("JSON nested as a string inside JSON (\"ext\": \"{...}\") with IMSI and ICCID", "POST", "https://sdk.push.example/register",
          JSON_H, jdump({"token": new_hex(32), "ext": jdump({"imsi": PHONE["imsi"], "iccid": PHONE["iccid"]})}),
          expect=["imsi", "iccid"], phone=True)
    ident("base64url payload in the path (/e/<b64url JSON>) with advertising_id", "GET",
          "https://t.adnet.example/e/" + b64url(jdump({"advertising_id": new_uuid(), "ev": "imp"})),
          [("User-Agent", OKHTTP_UA)], expect=["ad_id"])
    ident("base64url (no padding) query value with mac + email", "GET",
          "https://t.adnet.example/c?d=" + b64url(jdump({"mac": PHONE["mac"], "email": PHONE["email"]})),
          [("User-Agent", OKHTTP_UA)], expect=["mac", "email"], phone=True)
    ident("Hex-encoded body (text/plain) of a JSON with IMEI and cell id", "POST", "https://sdk.cn-adnet.example/log",
          [("Content-Type", "text/plain")],
          jdump({"imei": new_imei("86769803"), "cid": 213004418, "lac": 9533, "mcc": 460, "mnc": 0}).encode().hex().upper(),
          expect=["imei", "cell_id"])
    ident("Line-wrapped base64 (76 chars, MIME) of JSON with ICCID and IMSI", "POST", "https://reg.oem.example/sim",
          [("Content-Type", "text/plain")],
          base64.encodebytes(jdump({"sim": {"iccid": new_iccid(20), "imsi": new_imsi("20801"), "spn": "Orange F"}}).encode()).decode(),
          expect=["iccid", "imsi"])
    ident("Double URL-encoded query value holding an IMEI list (imeis=[..])", "GET",
          "https://stat.oem.example/a?p=" + quote(quote(jdump({"imeis": [PHONE["imei"][0], PHONE["imei"][1]]}), safe=""), safe=""),
          [("User-Agent", OKHTTP_UA)], expect=["imei"], phone=True)
    ident("Deflate-compressed (Content-Encoding: deflate) JSON with MAC and serial", "POST", "https://telemetry.oem.example/v2",
          JSON_H + [("Content-Encoding", "deflate")],
          base64.b64encode(__import__("zlib").compress(jdump({"wifi_mac": new_mac(), "serial_no": "RF8N" + new_hex(7).upper()}).encode())).decode(),
          expect=["mac", "serial"], encoding="base64")
    ident("gzip'd JSON inside base64 inside a form field (d=)", "POST", "https://sdk.adnet.example/v4/evt", FORM_H,
          urlencode({"d": gz_b64(jdump({"oaid": PHONE["ad_id"], "imei": PHONE["imei"][1], "ts": 1718000000000}))}),
          expect=["ad_id", "imei"], phone=True)
    ident("Cookie carrying a URL-encoded JSON device blob (dev=%7B…)", "GET", "https://m.shop.example/",
          [("Cookie", "dev=" + quote(jdump({"imei": new_imei(), "model": "V2145"}), safe=""))], expect=["imei"])


def hashed() -> None:
    src = "SDK telemetry with a hashed identifier under a neutral key ({})"
    imei, mac, aid = PHONE["imei"][0], PHONE["mac"], PHONE["android_id"]
    cases = [
        ("md5 of IMEI", "h", md5(imei), "imei"),
        ("sha1 of IMEI, upper-case hex", "h", sha1(imei).upper(), "imei"),
        ("sha256 of IMEI", "uid", sha256(imei), "imei"),
        ("md5 of MAC, upper case with colons", "m", md5(mac.upper()), "mac"),
        ("sha1 of MAC, lower case without colons", "m", sha1(mac.replace(":", "")), "mac"),
        ("sha256 of MAC, upper case without colons", "m", sha256(mac.replace(":", "").upper()), "mac"),
        ("md5 of MAC, lower case with colons", "m", md5(mac), "mac"),
        ("md5 of ANDROID_ID", "u", md5(aid), "android_id"),
        ("sha1 of the second IMEI", "d2", sha1(PHONE["imei"][1]), "imei"),
        ("md5 of sha1 of IMEI (hash of a hash)", "h2", md5(sha1(imei)), "imei"),
        ("sha256 of the e-mail address, lower case", "em", sha256(PHONE["email"].lower()), "email"),
        ("md5 of the IMSI", "s", md5(PHONE["imsi"]), "imsi"),
    ]
    for what, key, value, t in cases:
        ident(src.format(what), "POST", "https://log.sdk.example/v1/track", JSON_H,
              jdump({key: value, "ev": "session_start", "ts": 1718000000 + rng.randrange(9999)}),
              expect=[], expect_profile=[t], phone=True)


def contact_and_headers() -> None:
    ident("SMS verification request: phone number in national German format under msisdn", "POST",
          "https://auth.app.example/v1/otp", JSON_H, jdump({"msisdn": "0151 12345678", "country": "DE", "channel": "sms"}),
          expect=["phone"], phone=True)
    ident("Sign-up form with e-mail (URL-encoded @) and phone in 00-prefixed international form", "POST",
          "https://app.example/signup", FORM_H,
          urlencode({"email": f"p.{new_hex(6)}@mail.example", "phone": "00" + new_phone("NO").lstrip("+"), "accept": "1"}),
          expect=["email", "phone"])
    ident("Contact upload (address-book sync): phone numbers with spaces and a CN mobile number", "POST",
          "https://sync.social.example/contacts", JSON_H,
          jdump({"contacts": [{"n": "A", "p": phonenumbers.format_number(phonenumbers.parse(new_phone("CN")),
                                                                         phonenumbers.PhoneNumberFormat.INTERNATIONAL)}]}),
          expect=["phone"])
    ident("Device id in a custom header (X-Device-IMEI)", "GET", "https://api.app.example/v1/config",
          [("X-Device-IMEI", new_imei()), ("User-Agent", OKHTTP_UA)], expect=["imei"])
    ident("IMEI as a REST path segment (/devices/<imei>/status)", "GET",
          f"https://mdm.example/api/devices/{PHONE['imei'][1]}/status", [("User-Agent", OKHTTP_UA)], expect=["imei"], phone=True)
    ident("MAC in Cisco dotted notation in a captive-portal redirect (client_mac=xxxx.xxxx.xxxx)", "GET",
          "https://portal.hotspot.example/login?" + urlencode({
              "client_mac": "{}{}.{}{}.{}{}".format(*PHONE["mac"].split(":")), "ap_mac": new_mac("-"),
              "ssid": "Guest"}), [("User-Agent", ANDROID_UA)], expect=["mac", "wifi_bssid"], phone=True)
    ident("IMEISV (16 digits, no check digit) under key imeisv", "POST", "https://api.operator.example/v1/device", JSON_H,
          jdump({"imeisv": new_imei()[:14] + "05", "model": "SM-A536B"}), expect=["imei"])
    ident("MDM check-in plist-like XML with SerialNumber and IMEI (Apple MDM TokenUpdate style)", "PUT",
          "https://mdm.example/checkin", [("Content-Type", "application/x-apple-aspen-mdm-checkin")],
          "<?xml version=\"1.0\"?><plist version=\"1.0\"><dict><key>MessageType</key><string>Authenticate</string>"
          f"<key>SerialNumber</key><string>F2L{new_hex(9).upper()}</string><key>IMEI</key><string>"
          f"{' '.join([(x := new_imei('01332700'))[:2], x[2:8], x[8:14], x[14]])}</string></dict></plist>",
          expect=["serial", "imei"])
    ident("Google Play checkin-like JSON (android_id hex string, meid, serial)", "POST",
          "https://android.clients.google.example/checkin", JSON_H,
          jdump({"checkin": {"build": {"fingerprint": "google/panther/panther:14/UQ1A.240205.004/11269751:user/release-keys",
                                       "hardware": "panther", "sdkVersion": 34}, "lastCheckinMsec": 0},
                 "androidId": PHONE["android_id"], "serialNumber": PHONE["serial"], "locale": "de_DE",
                 "timeZone": "Europe/Berlin", "version": 3, "fragment": 0}),
          expect=["android_id", "serial"], phone=True)
    ident("Google Play checkin-like JSON with a decimal android_id (GSF id) and MAC list", "POST",
          "https://android.clients.google.example/checkin", JSON_H,
          jdump({"android_id": str(int(new_hex(16), 16)), "macAddr": [new_mac().replace(":", "")], "macAddrType": ["wifi"],
                 "checkin": {"build": {"sdkVersion": 33}}}),
          expect=["android_id", "mac"])


def locations() -> None:
    lat, lon = near(PHONE["lat"], PHONE["lon"], 0.003)
    ident("Weather app forecast query with the user's position as ll=lat,lon", "GET",
          f"https://api.weather.example/v3/forecast?ll={lat},{lon}&units=metric", [("User-Agent", OKHTTP_UA)],
          expect=["location"], phone=True)
    olat, olon = other_location()
    ident("W3C Geolocation Position serialised (coords.latitude/longitude/accuracy)", "POST", "https://api.delivery.example/v1/me/position",
          JSON_H, jdump({"coords": {"latitude": olat, "longitude": olon, "accuracy": 14.2, "altitude": None},
                         "timestamp": 1718003551123}), expect=["location"])
    olat, olon = other_location()
    ident("GeoJSON Point (RFC 7946 order: [lon, lat]) of the user's check-in", "POST", "https://api.social.example/checkins",
          [("Content-Type", "application/geo+json")],
          jdump({"type": "Feature", "geometry": {"type": "Point", "coordinates": [olon, olat]},
                 "properties": {"accuracy_m": 8}}), expect=["location"])
    ident("NMEA 0183 GPGGA sentence uploaded by a tracker app", "POST", "https://gps.tracker.example/raw",
          [("Content-Type", "text/plain")],
          "$GPGGA,092750.000,5231.0211,N,01322.6700,E,1,8,1.03,61.7,M,55.2,M,,*76\r\n", expect=["location"], phone=True)
    olat, olon = other_location()
    ident("Ride-hailing estimate: pickup_latitude/pickup_longitude", "GET",
          "https://api.rides.example/v1.2/estimates/price?" + urlencode({
              "start_latitude": olat, "start_longitude": olon, "end_latitude": round(olat + 0.03, 6),
              "end_longitude": round(olon - 0.02, 6)}), [("User-Agent", OKHTTP_UA)], expect=["location"])
    ident("Location as a \"lat,lon\" string in a form field (loc=)", "POST", "https://api.dating.example/v2/nearby", FORM_H,
          urlencode({"loc": f"{lat:.5f},{lon:.5f}", "radius": "5"}), expect=["location"], phone=True)


def more_identifiers() -> None:
    ident("Google Maps Geolocation API request with a 5G NR cell (radioType nr, 36-bit NCI)", "POST",
          "https://www.googleapis.com/geolocation/v1/geolocate?key=AIzaSyD-EXAMPLEKEY-0123456789abcdefghi", JSON_H,
          jdump({"radioType": "nr", "cellTowers": [{"cellId": 68719476 * 512 + 301, "locationAreaCode": 10242,
                                                    "mobileCountryCode": 234, "mobileNetworkCode": 10, "newRadioCellId": 35184372089}]}),
          expect=["cell_id"])
    ident("Logcat line with CellIdentityWcdma (mLac, mCid, mPsc) in a plain-text diagnostics upload", "POST",
          "https://diag.oem.example/upload", [("Content-Type", "text/plain")],
          "06-10 11:00:00.000  1432  1432 D RILJ    : CellIdentityWcdma:{ mLac=7011 mCid=24013 mPsc=311 mUarfcn=10700 "
          "mMcc=242 mMnc=01 mAlphaLong=Telia}\n", expect=["cell_id"])
    ident("HTTP Basic authorization whose user name is an e-mail address", "GET", "https://mail.example/api/inbox",
          [("Authorization", "Basic " + base64.b64encode(f"{PHONE['email']}:s3cret".encode()).decode())],
          expect=["email"], phone=True)
    ident("Phone number as an URL-encoded E.164 path segment (/users/%2B49…/verify)", "POST",
          f"https://auth.app.example/v1/users/{quote(PHONE['phone'], safe='')}/verify", JSON_H, jdump({"code": "482913"}),
          expect=["phone"], phone=True)
    ident("Operator header enrichment (X-MSISDN, X-Up-Calling-Line-Id) on a plain HTTP request", "GET",
          "http://portal.operator.example/", [("X-MSISDN", new_phone("GB").lstrip("+")),
                                               ("X-Up-Calling-Line-Id", new_phone("GB").lstrip("+"))], expect=["phone"])
    ident("Device info with the Wi-Fi MAC as 12 upper-case hex digits (wifiMac)", "POST", "https://api.app.example/v1/device",
          JSON_H, jdump({"wifiMac": PHONE["mac"].replace(":", "").upper(), "model": "SM-G991B"}), expect=["mac"], phone=True)
    ident("TelephonyManager.getSimSerialNumber() sent as simSerialNumber (20 digits + F)", "POST",
          "https://sdk.adnet.example/v3/sim", FORM_H, urlencode({"simSerialNumber": new_iccid(20) + "F", "op": "Telenor"}),
          expect=["iccid"])
    ident("ANDROID_ID in a request header (X-Android-ID)", "GET", "https://api.app.example/v1/config",
          [("X-Android-ID", PHONE["android_id"]), ("User-Agent", OKHTTP_UA)], expect=["android_id"], phone=True)
    meid_hex = new_meid()
    ident("CDMA activation request with the MEID in 18-digit decimal form", "POST", "https://activation.cdma.example/v1/activate",
          JSON_H, jdump({"meid": stdnum_meid.format(meid_hex, separator="", format="dec"), "prl": "51234"}), expect=["meid"])
    ident("iOS app attribution with advertisingIdentifier (ASIdentifierManager) in JSON", "POST",
          "https://attr.adnet.example/v1/ios", JSON_H,
          jdump({"advertisingIdentifier": new_uuid().upper(), "trackingAuthorized": True, "bundle": "com.example.ios"}),
          expect=["ad_id"])
    olat, olon = other_location()
    ident("XML position report with lat/lon attributes", "POST", "https://fleet.example/api/report",
          [("Content-Type", "application/xml")],
          f'<?xml version="1.0"?><report><position lat="{olat}" lon="{olon}" acc="6"/><speed>0</speed></report>',
          expect=["location"])
    ident("Wi-Fi scan results (bssid, level) piggy-backed on a weather SDK request", "POST", "https://sdk.weather.example/v1/loc",
          JSON_H, jdump({"wifi_scan": [{"bssid": new_mac(), "level": -58}, {"bssid": new_mac(), "level": -71}], "app": "w"}),
          expect=["wifi_bssid"], phone=True)


# ================================================================= benign look-alikes

def b_firebase() -> None:
    fis = "https://firebaseinstallations.googleapis.com/v1/projects/puzzle-7a1b2/installations"
    for _ in range(3):
        fid = "c" + b64url(bytes(rng.getrandbits(8) for _ in range(16)))[:21]
        benign("Firebase Installations API: create installation (fid, appId, authVersion)", "POST", fis,
               [("Content-Type", "application/json"), ("x-goog-api-key", "AIzaSy" + b64url(bytes(rng.getrandbits(8) for _ in range(24)))[:33]),
                ("X-Android-Package", "com.example.puzzle"), ("X-Android-Cert", new_hex(40).upper())],
               jdump({"fid": fid, "appId": f"1:{digits(12)}:android:{new_hex(16)}", "authVersion": "FIS_v2",
                      "sdkVersion": "a:17.2.0"}))
    benign("Firebase Cloud Messaging HTTP v1 send (registration token)", "POST",
           "https://fcm.googleapis.com/v1/projects/puzzle-7a1b2/messages:send",
           [("Content-Type", "application/json"), ("Authorization", "Bearer ya29." + b64url(bytes(rng.getrandbits(8) for _ in range(60))))],
           jdump({"message": {"token": b64url(bytes(rng.getrandbits(8) for _ in range(16)))[:22] + ":APA91b" +
                              b64url(bytes(rng.getrandbits(8) for _ in range(100))),
                              "data": {"order_id": "A-" + digits(8)}}}))
    benign("Firebase Remote Config fetch (appInstanceId, appInstanceIdToken, timestamps)", "POST",
           "https://firebaseremoteconfig.googleapis.com/v1/projects/123456789012/namespaces/firebase:fetch",
           JSON_H, jdump({"appInstanceId": "d" + b64url(bytes(rng.getrandbits(8) for _ in range(16)))[:21],
                          "appId": f"1:{digits(12)}:android:{new_hex(16)}", "countryCode": "DE", "languageCode": "de-DE",
                          "platformVersion": "33", "timeZone": "Europe/Berlin", "appVersion": "4.2.1",
                          "packageName": "com.example.puzzle", "sdkVersion": "21.6.0",
                          "analyticsUserProperties": {}, "firstOpenTime": "2024-06-10T08:00:00.000Z"}))
    benign("Firebase Crashlytics settings fetch (build_version, instance = SHA-1 of build)", "GET",
           f"https://firebase-settings.crashlytics.com/spi/v2/platforms/android/gmp/1:{digits(12)}:android:{new_hex(16)}/settings?"
           + urlencode({"build_version": "40201", "display_version": "4.2.1", "instance": new_hex(40), "source": "4"}),
           [("User-Agent", "Crashlytics Android SDK/18.6.0")])


def b_commerce() -> None:
    def luhn_number(prefix: str, length: int) -> str:
        body = prefix + digits(length - 1 - len(prefix))
        return body + luhn.calc_check_digit(body)

    for _ in range(3):
        benign("Gift-card redemption with a Luhn-valid 16-digit card number", "POST", "https://shop.example/api/giftcard/redeem",
               JSON_H, jdump({"card_number": luhn_number("6", 16), "pin": digits(4), "amount": 2500}))
    for _ in range(3):
        benign("Ticket validation with a Luhn-valid 15-digit ticket number", "GET",
               "https://tickets.transit.example/v1/validate?ticket=" + luhn_number(rng.choice(["35", "86", "01"]), 15),
               [("User-Agent", OKHTTP_UA)])
    benign("Stripe-style payment with the documented Amex test card 378282246310005", "POST",
           "https://api.payments.example/v1/tokens", FORM_H,
           urlencode({"card[number]": "378282246310005", "card[exp_month]": "12", "card[exp_year]": "2030", "card[cvc]": "1234"}))
    for _ in range(2):
        benign("Order lookup by order number (e-commerce, 10-17 digits)", "GET",
               f"https://shop.example/api/orders/{digits(rng.choice([10, 12, 14, 17]))}", [("Accept", "application/json")])
    benign("SEPA transfer with the documented example IBAN DE89370400440532013000 and BIC", "POST",
           "https://bank.example/api/transfers", JSON_H,
           jdump({"iban": "DE89370400440532013000", "bic": "COBADEFFXXX", "amount": "12.50", "ref": "RF18539007547034"}))
    benign("Norwegian bank account + KID number payment (Luhn-valid KID)", "POST", "https://bank.example/api/pay", JSON_H,
           jdump({"account": "86011117947", "kid": luhn_number("2", 15), "amount": 399}))
    for carrier, num in [("UPS", "1Z" + new_hex(16).upper()), ("USPS", "9400" + digits(18)), ("FedEx", digits(15)),
                         ("DHL", "JJD" + digits(18))]:
        benign(f"Parcel tracking query ({carrier} tracking number format)", "GET",
               f"https://track.parcels.example/v1/track?carrier={carrier.lower()}&number={num}", [("Accept", "application/json")])
    benign("Book lookup by ISBN-13 and EAN-13 barcode scans", "POST", "https://books.example/api/lookup", JSON_H,
           jdump({"isbn": "9780306406157", "ean": "4006381333931", "gtin14": "10614141000415"}))
    benign("Loyalty card with an 18-digit member number", "GET",
           "https://loyalty.example/api/member/" + digits(18) + "/points", [("Accept", "application/json")])


def b_tracing() -> None:
    for _ in range(3):
        benign("API call with request_id / trace_id UUIDs", "POST", "https://api.app.example/v1/events", JSON_H,
               jdump({"request_id": new_uuid(), "trace_id": new_uuid(), "event": "tap", "ts": 1718000000000 + rng.randrange(10**6)}))
    for _ in range(3):
        benign("W3C Trace Context headers (traceparent 00-<32 hex>-<16 hex>-01, tracestate)", "GET",
               "https://api.app.example/v1/items?page=2",
               [("traceparent", f"00-{new_hex(32)}-{new_hex(16)}-01"), ("tracestate", f"vendor={new_hex(16)}"),
                ("User-Agent", OKHTTP_UA)])
    benign("Zipkin B3 propagation headers (X-B3-TraceId, X-B3-SpanId 16 hex)", "GET", "https://api.app.example/v1/cart",
           [("X-B3-TraceId", new_hex(16)), ("X-B3-SpanId", new_hex(16)), ("X-B3-Sampled", "1")])
    benign("AWS X-Ray trace header (Root=1-<8 hex>-<24 hex>)", "GET", "https://api.app.example/v1/profile/settings",
           [("X-Amzn-Trace-Id", f"Root=1-{new_hex(8)}-{new_hex(24)};Parent={new_hex(16)};Sampled=1")])
    benign("Sentry envelope (event_id 32 hex, sdk info, breadcrumbs)", "POST",
           "https://o0.ingest.sentry.example/api/42/envelope/", [("Content-Type", "application/x-sentry-envelope")],
           jdump({"event_id": new_hex(32), "sent_at": "2024-06-10T08:12:31.155Z", "dsn": f"https://{new_hex(32)}@o0.ingest.sentry.example/42"})
           + "\n" + jdump({"type": "event"}) + "\n" + jdump({"event_id": new_hex(32), "platform": "java", "level": "error",
                                                             "exception": {"values": [{"type": "NullPointerException"}]}}) + "\n")
    benign("Idempotency-Key UUID header on a POST", "POST", "https://api.payments.example/v1/charges",
           [("Idempotency-Key", new_uuid()), ("Content-Type", "application/x-www-form-urlencoded")],
           urlencode({"amount": "2000", "currency": "eur"}))
    benign("OpenTelemetry OTLP/HTTP JSON span batch (traceId 32 hex, spanId 16 hex)", "POST", "https://otel.example/v1/traces",
           JSON_H, jdump({"resourceSpans": [{"resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "app"}}]},
                                             "scopeSpans": [{"spans": [{"traceId": new_hex(32), "spanId": new_hex(16),
                                                                        "parentSpanId": new_hex(16), "name": "GET /items",
                                                                        "startTimeUnixNano": "1718000000123456789",
                                                                        "endTimeUnixNano": "1718000000223456789"}]}]}]}))
    benign("Session cookie (opaque 32 hex) and CSRF token", "POST", "https://web.example/form", FORM_H + [
        ("Cookie", f"sid={new_hex(32)}; csrftoken={b64url(bytes(rng.getrandbits(8) for _ in range(24)))}")],
           urlencode({"comment": "great app", "csrfmiddlewaretoken": new_hex(64)}))


def b_digests() -> None:
    for _ in range(2):
        benign("App asset download manifest with SHA-256 file digests", "POST", "https://cdn.app.example/manifest/check", JSON_H,
               jdump({"files": [{"path": f"assets/level{i}.pak", "sha256": new_hex(64), "size": rng.randrange(10**6)} for i in range(3)]}))
    benign("Git commit hash in a CI webhook (40 hex) and short hash (12 hex)", "POST", "https://ci.example/hooks/build", JSON_H,
           jdump({"commit": new_hex(40), "short": new_hex(12), "ref": "refs/heads/main", "version": "4.2.1+build.812"}))
    benign("Short git hashes (7 and 12 hex) in an app version string query", "GET",
           f"https://api.app.example/v1/version?build=4.2.1-{new_hex(7)}&rev={new_hex(12)}", [("User-Agent", OKHTTP_UA)])
    benign("Conditional GET with an ETag (MD5 hex) and If-None-Match", "GET", "https://cdn.app.example/config.json",
           [("If-None-Match", f'"{new_hex(32)}"'), ("If-Modified-Since", "Mon, 10 Jun 2024 08:12:31 GMT")])
    benign("Docker registry manifest request (sha256:<64 hex> digest)", "GET",
           f"https://registry.example/v2/app/manifests/sha256:{new_hex(64)}",
           [("Accept", "application/vnd.oci.image.manifest.v1+json")])
    benign("Subresource-integrity hashes (sha384 base64) in a web-app manifest upload", "POST", "https://web.example/api/sri",
           JSON_H, jdump({"integrity": "sha384-" + base64.b64encode(bytes(rng.getrandbits(8) for _ in range(48))).decode()}))
    benign("APK signing certificate digest (SHA-1 colon-separated upper hex) in an API-key restriction check", "GET",
           "https://maps.example/api/validate?cert=" + ":".join(new_hex(40).upper()[i:i + 2] for i in range(0, 40, 2)),
           [("X-Android-Package", "com.example.puzzle")])
    benign("Password-breach k-anonymity range query (first 5 hex of SHA-1)", "GET",
           f"https://api.pwnedpasswords.example/range/{new_hex(5).upper()}", [("Add-Padding", "true")])
    benign("Content-addressed upload (MD5 Content-MD5 base64 + hex key)", "PUT",
           f"https://storage.example/bucket/{new_hex(32)}.jpg",
           [("Content-MD5", base64.b64encode(bytes(rng.getrandbits(8) for _ in range(16))).decode()), ("Content-Type", "image/jpeg")],
           base64.b64encode(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(rng.getrandbits(8) for _ in range(200))).decode(),
           encoding="base64")


def b_style_versions() -> None:
    benign("Theme sync with CSS colours (#rrggbb, #rgb, rgba)", "POST", "https://api.app.example/v1/theme", JSON_H,
           jdump({"primary": "#a4c639", "accent": "#3ddc84", "bg": "#fff", "shadow": "rgba(0,0,0,0.24)",
                  "palette": ["#" + new_hex(6) for _ in range(6)]}))
    benign("App update check by semver strings", "GET",
           "https://api.app.example/v1/update?current=4.2.1&min=3.10.0-rc.2&channel=beta", [("User-Agent", OKHTTP_UA)])
    benign("Build fingerprint and incremental (no serial) in a compatibility check", "POST", "https://compat.oem.example/check",
           JSON_H, jdump({"fingerprint": "google/panther/panther:14/UQ1A.240205.004/11269751:user/release-keys",
                          "incremental": "11269751", "security_patch": "2024-02-05", "sdk": 34, "abi": "arm64-v8a"}))
    benign("Screen metrics and device class (resolutions, dpi, ratios)", "POST", "https://api.app.example/v1/device-class",
           JSON_H, jdump({"res": "1080x2400", "dpi": 411, "density": 2.625, "ram_mb": 7820, "model": "SM-G991B",
                          "brand": "samsung", "cores": 8}))
    benign("User-Agent and Accept-Language only (no identifiers)", "GET", "https://news.example/api/top?limit=20",
           [("User-Agent", "Mozilla/5.0 (Linux; Android 13; SM-G991B) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/125.0.6422.165 Mobile Safari/537.36"),
            ("Accept-Language", "de-DE,de;q=0.9,en;q=0.8")])
    benign("Dependency lock with versions and integrity hashes (npm-like)", "POST", "https://audit.example/v1/check", JSON_H,
           jdump({"deps": {f"pkg{i}": {"version": f"{rng.randrange(9)}.{rng.randrange(20)}.{rng.randrange(30)}",
                                       "integrity": "sha512-" + base64.b64encode(bytes(rng.getrandbits(8) for _ in range(64))).decode()}
                           for i in range(3)}}))
    benign("Feature-flag evaluation with a hashed bucket key (murmur3 32-bit) and percentages", "POST",
           "https://flags.example/v1/eval", JSON_H, jdump({"flag": "new_onboarding", "bucket": rng.getrandbits(32), "pct": 25.0}))
    benign("Calendar sync: ISO dates, time zones, RRULE", "POST", "https://cal.example/api/events", JSON_H,
           jdump({"start": "2024-06-10T09:00:00+02:00", "end": "2024-06-10T10:00:00+02:00", "tz": "Europe/Berlin",
                  "rrule": "FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10", "uid": new_uuid() + "@cal.example"}))


def b_numbers() -> None:
    for _ in range(3):
        benign("Analytics ping with 13-digit millisecond timestamps", "GET",
               f"https://a.app.example/p?t={1718000000000 + rng.randrange(10**8)}&st={1717990000000 + rng.randrange(10**8)}&ev=view",
               [("User-Agent", OKHTTP_UA)])
    benign("Nanosecond (19-digit) and microsecond (16-digit) timestamps", "POST", "https://metrics.example/write",
           [("Content-Type", "text/plain")],
           f"cpu,host=app1 usage=0.64 {1718000000123456789 + rng.randrange(10**6)}\nmem,host=app1 used=1.2e9 1718000000{digits(9)}\n"
           f"# ts_us={1718000000123456 + rng.randrange(10**6)}\n")
    benign("Snowflake-style 64-bit post ids (19 digits) in a feed request", "GET",
           "https://api.social.example/v2/feed?" + urlencode({"since_id": "1" + digits(18), "max_id": "1" + digits(18)}),
           [("User-Agent", OKHTTP_UA)])
    benign("Transaction id of 15 digits that happens to start with a real MCC/MNC (310260)", "POST",
           "https://api.payments.example/v1/refund", JSON_H, jdump({"transaction_id": "310260" + digits(9), "amount": 500}))
    benign("CRC-32 values and checksums in a firmware chunk upload manifest", "POST", "https://fw.iot.example/chunks", JSON_H,
           jdump({"chunks": [{"n": i, "crc32": f"0x{rng.getrandbits(32):08x}", "adler": rng.getrandbits(32)} for i in range(4)]}))
    benign("Large counters and byte sizes (15-17 digit integers)", "POST", "https://metrics.example/v1/usage", JSON_H,
           jdump({"rx_bytes": rng.randrange(10**14, 10**15), "tx_bytes": rng.randrange(10**15, 10**16),
                  "uptime_us": rng.randrange(10**16, 10**17)}))
    benign("Voucher code: 15-digit Luhn-valid number starting 35 (TAC-like prefix)", "POST", "https://shop.example/api/voucher",
           JSON_H, jdump({"voucher": (v := "35" + digits(12)) + luhn.calc_check_digit(v)}))
    benign("Lottery ticket with a 20-digit number starting 89 (E.118-like)", "GET",
           "https://lotto.example/api/check?" + urlencode({"ticket_no": "8912" + digits(16), "draw": "2024-06-08"}),
           [("Accept", "application/json")])
    benign("Geographic grid/statistics codes (H3 cell index hex, S2 token)", "GET",
           f"https://stats.example/api/cells?h3=8a1f1d48{new_hex(7)}&s2=47a8f{new_hex(3)}", [("Accept", "application/json")])


def b_network() -> None:
    benign("Network diagnostics report with IPv6/IPv4 addresses and ports", "POST", "https://diag.app.example/v1/net", JSON_H,
           jdump({"v6": "2001:db8:85a3::8a2e:370:7334", "gw6": "fe80::1", "v4": "198.51.100.23", "port": 443,
                  "dns": ["2001:4860:4860::8888", "9.9.9.9"], "rtt_ms": 38}))
    benign("DNS-over-HTTPS GET (RFC 8484, base64url DNS wire query)", "GET",
           "https://dns.example/dns-query?dns=AAABAAABAAAAAAAAA3d3dwdleGFtcGxlA2NvbQAAAQAB",
           [("Accept", "application/dns-message")])
    benign("WebRTC ICE candidates (IPv4/IPv6 host candidates, ufrag)", "POST", "https://call.example/signal", JSON_H,
           jdump({"candidate": "candidate:842163049 1 udp 1677729535 2001:db8::a:1 51372 typ srflx raddr 0.0.0.0 rport 0",
                  "sdpMid": "0", "ufrag": new_hex(8)}))
    benign("IPv6 prefix and interface id in a VPN config request (documentation range)", "GET",
           "https://vpn.example/api/config?addr=" + quote("2001:db8:1234:5678:9abc:def0:1234:5678/64", safe=""),
           [("User-Agent", OKHTTP_UA)])
    benign("Time strings with colons (hh:mm:ss:ff timecode) in a video player beacon", "GET",
           "https://video.example/beacon?" + urlencode({"tc": "01:12:33:08", "pos": "00:41:07", "dur": "01:58:02"}),
           [("User-Agent", OKHTTP_UA)])


def b_maps_ble() -> None:
    for z, x, y in [(15, 17602, 10746), (12, 2200, 1343), (17, 70410, 42986)]:
        benign("Map tile request (z/x/y slippy-map tile, not a lat/lon pair)", "GET",
               f"https://tile.openstreetmap.org/{z}/{x}/{y}.png", [("User-Agent", "com.example.maps/1.0")])
    benign("Vector tile request with @2x and a style version", "GET",
           "https://tiles.maps.example/v4/streets/14/8802/5373@2x.pbf?style=7.1.0", [("User-Agent", OKHTTP_UA)])
    benign("Forward geocoding of a typed place name (no coordinates)", "GET",
           "https://nominatim.openstreetmap.org/search?" + urlencode({"q": "Brandenburger Tor, Berlin", "format": "jsonv2", "limit": 5}),
           [("User-Agent", "com.example.maps/1.0")])
    for svc in [("heart_rate", "0000180d-0000-1000-8000-00805f9b34fb"), ("battery", "0000180f-0000-1000-8000-00805f9b34fb"),
                ("nordic_uart", "6e400001-b5a3-f393-e0a9-e50e24dcca9e")]:
        benign(f"BLE GATT service UUID ({svc[0]}) in a wearable pairing config", "POST", "https://wear.example/api/pair-config",
               JSON_H, jdump({"serviceUuid": svc[1], "uuid": svc[1], "characteristic": "00002a37-0000-1000-8000-00805f9b34fb"}))
    benign("iBeacon proximity UUID + major/minor in a shop config download", "GET",
           "https://beacons.example/api/config?uuid=f7826da6-4fa2-4e98-8024-bc5b71e0893e&major=100&minor=7",
           [("User-Agent", OKHTTP_UA)])


def b_placeholders() -> None:
    benign("OpenRTB 2.5 bid request with lmt=1 and the all-zero ifa, country-level geo only", "POST",
           "https://bid.dsp.example/openrtb2/auction", [("Content-Type", "application/json")],
           jdump({"id": new_uuid(), "imp": [{"id": "1", "banner": {"w": 300, "h": 250}}], "app": {"bundle": "com.example.news"},
                  "device": {"ifa": "00000000-0000-0000-0000-000000000000", "lmt": 1, "os": "android", "geo": {"country": "DEU"}}}))
    benign("Ad SDK init with limited ad tracking: advertising_id all zeros", "POST", "https://sdk.adnet.example/v3/init", JSON_H,
           jdump({"advertising_id": "00000000-0000-0000-0000-000000000000", "limit_ad_tracking": True, "sdk": "7.2.0"}))
    benign("iOS SDK with ATT denied: idfa all zeros", "GET",
           "https://t.adnet.example/i?idfa=00000000-0000-0000-0000-000000000000&att=0", [("User-Agent", "App/4.2 CFNetwork/1410 Darwin/22.6.0")])
    benign("Placeholder IMEI 000000000000000 from an emulator", "POST", "https://api.app.example/v1/device", JSON_H,
           jdump({"imei": "000000000000000", "model": "sdk_gphone64_x86_64"}))
    benign("Placeholder IMEI 111111111111111 and empty IMSI from a Wi-Fi-only tablet", "GET",
           "https://api.app.example/v1/register?imei=111111111111111&imsi=&model=SM-X200", [("User-Agent", OKHTTP_UA)])
    benign("Android 6+ MAC placeholder 02:00:00:00:00:00", "POST", "https://api.app.example/v1/net", JSON_H,
           jdump({"mac": "02:00:00:00:00:00", "wifi": True}))
    benign("Twenty-zero ICCID placeholder (no SIM)", "POST", "https://api.app.example/v1/sim", JSON_H,
           jdump({"iccid": "00000000000000000000", "sim_state": "ABSENT"}))
    benign("Google geolocation request with considerIp only (no cells, no Wi-Fi)", "POST",
           "https://www.googleapis.com/geolocation/v1/geolocate?key=AIzaSyD-EXAMPLEKEY-0123456789abcdefghi", JSON_H,
           jdump({"considerIp": True}))
    benign("OTA update check without a serial (model, fingerprint, incremental)", "POST", "https://fota.oem.example/api/check",
           JSON_H, jdump({"model": "SM-G991B", "fingerprint": "samsung/o1sxeea/o1s:13/TP1A.220624.014/G991BXXU5DVKB:user/release-keys",
                          "csc": "DBT"}))
    benign("Crash report with a native backtrace (pc addresses are 16 hex digits)", "POST", "https://crash.example/native",
           [("Content-Type", "text/plain")],
           "*** *** *** *** *** *** *** *** *** *** *** *** *** *** *** ***\nsignal 11 (SIGSEGV), code 1 (SEGV_MAPERR), fault addr 0x0\n"
           + "".join(f"    #{i:02d} pc {new_hex(16)}  /system/lib64/libc.so (offset 0x{new_hex(5)}) (BuildId: {new_hex(32)})\n"
                     for i in range(6)))
    benign("Java stack trace crash report (multipart, no device ids)", "POST", "https://crash.example/acra/report",
           [("Content-Type", "multipart/form-data; boundary=b0undary")],
           multipart([("REPORT_ID", new_uuid(), None), ("STACK_TRACE", "java.lang.IllegalStateException: boom\n\tat "
                                                           "com.example.Main.onCreate(Main.java:42)\n", "trace.txt")], "b0undary"))
    benign("Serial placeholder 'unknown' (Build.SERIAL since Android 8 without permission)", "POST",
           "https://api.app.example/v1/device", JSON_H, jdump({"serial": "unknown", "model": "Pixel 7"}))


def b_blobs() -> None:
    for _ in range(2):
        benign("gzip'd JSON settings sync (Content-Encoding: gzip), no identifiers", "POST", "https://sync.app.example/v1/settings",
               JSON_H + [("Content-Encoding", "gzip")],
               gz_b64(jdump({"theme": "dark", "font": 1.1, "notifications": {"news": True, "promo": False},
                             "updated": 1718000000000 + rng.randrange(10**6)})), encoding="base64")
    benign("Protobuf-like binary upload (random bytes, application/x-protobuf)", "POST", "https://api.app.example/v1/pb",
           [("Content-Type", "application/x-protobuf")],
           base64.b64encode(bytes(rng.getrandbits(8) for _ in range(300))).decode(), encoding="base64")
    benign("Hex-encoded body of an AES-GCM ciphertext (custom envelope)", "POST", "https://api.secure.example/v1/blob",
           [("Content-Type", "text/plain")], new_hex(256))
    benign("PNG image upload (avatar)", "PUT", "https://api.app.example/v1/me/avatar", [("Content-Type", "image/png")],
           base64.b64encode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(rng.getrandbits(8) for _ in range(400))).decode(),
           encoding="base64")
    benign("base64url JSON in the query with page state only", "GET",
           "https://shop.example/list?state=" + b64url(jdump({"page": 3, "sort": "price", "filters": ["red", "xl"]})),
           [("User-Agent", OKHTTP_UA)])
    benign("JWT bearer token with ordinary claims (sub, scope, jti UUID)", "GET", "https://api.app.example/v1/items",
           [("Authorization", "Bearer " + jwt({"sub": "u-" + digits(6), "scope": "read", "jti": new_uuid(), "iat": 1718000000,
                                               "exp": 1718003600}))])
    benign("Form field with nested JSON of UI events", "POST", "https://a.app.example/batch", FORM_H,
           urlencode({"data": jdump([{"e": "click", "id": "btn_buy", "t": 1718000000123}, {"e": "scroll", "y": 1840}])}))
    benign("Double URL-encoded redirect URL parameter", "GET",
           "https://auth.example/login?next=" + quote(quote("https://app.example/cart?item=42&qty=1", safe=""), safe=""),
           [("User-Agent", OKHTTP_UA)])


def b_misc() -> None:
    benign("Search query with free text and paging", "GET", "https://api.shop.example/search?q=usb-c+cable+2m&page=1&size=24",
           [("User-Agent", OKHTTP_UA)])
    benign("Battery / thermal telemetry (floats and small ints)", "POST", "https://telemetry.oem.example/v1/health", JSON_H,
           jdump({"bat": 0.87, "temp_c": 31.4, "cycles": 212, "voltage_mv": 4120, "charging": False}))
    benign("Push-notification receipt with message id (numeric 0:<ts>%<hex>) and collapse key", "POST",
           "https://push.app.example/v1/receipt", JSON_H,
           jdump({"message_id": f"0:{1718000000000 + rng.randrange(10**6)}%{new_hex(16)}", "collapse_key": "do_not_collapse"}))
    benign("Game leaderboard submit with scores and a level seed (64-bit)", "POST", "https://game.example/api/score", JSON_H,
           jdump({"score": 1284400, "level": 17, "seed": rng.getrandbits(63), "duration_ms": 84211}))
    benign("Currency rates request (ISO 4217, decimal rates)", "GET",
           "https://fx.example/latest?base=EUR&symbols=USD,NOK,CNY,GBP", [("Accept", "application/json")])
    benign("Weather by city name (no coordinates)", "GET", "https://api.weather.example/v3/forecast?city=Berlin&country=DE",
           [("User-Agent", OKHTTP_UA)])
    benign("OAuth 2.0 token refresh (opaque refresh_token, client_id)", "POST", "https://auth.example/oauth/token", FORM_H,
           urlencode({"grant_type": "refresh_token", "refresh_token": b64url(bytes(rng.getrandbits(8) for _ in range(48))),
                      "client_id": f"{digits(12)}-{new_hex(32)}.apps.example"}))
    benign("Firmware version strings with dots and dashes (baseband, bootloader)", "POST", "https://compat.oem.example/fw", JSON_H,
           jdump({"baseband": "G991BXXU5DVKB", "bootloader": "G991BXXS5DVK1", "kernel": "5.4.210-qgki-27066040-abG991BXXU5DVKB"}))
    benign("Hex colour picker history and RGB565 values", "GET", "https://paint.example/api/recent?c=%23ff8800,%23a4c639,0xF81F",
           [("User-Agent", OKHTTP_UA)])


def more_benign() -> None:
    me = PHONE["client"]
    benign("Play Install Referrer forwarded as utm parameters", "GET",
           "https://api.app.example/v1/referrer?" + urlencode({"utm_source": "google-play", "utm_medium": "organic",
                                                               "referrer_click_ts": 1718000000, "install_begin_ts": 1718000042}),
           [("User-Agent", OKHTTP_UA)], client=me)
    benign("GA4 Measurement Protocol event (client_id = random.timestamp)", "POST",
           "https://www.google-analytics.com/mp/collect?measurement_id=G-XXXXXXX&api_secret=" + new_hex(22), JSON_H,
           jdump({"client_id": f"{rng.randrange(10**9, 10**10)}.1718000000", "events": [{"name": "level_up", "params": {"level": 5}}]}),
           client=me)
    benign("Cache-busting random parameter (cb=16 hex) on an image request", "GET",
           f"https://cdn.app.example/banner.webp?cb={new_hex(16)}&w=720", [("User-Agent", OKHTTP_UA)], client=me)
    benign("USB accessory ids (vendor:product hex) in a compatibility check", "GET",
           "https://compat.oem.example/usb?ids=18d1:4ee7,04e8:6860,2717:ff48", [("User-Agent", OKHTTP_UA)], client=me)
    benign("HTTP Range request on a large download", "GET", "https://cdn.app.example/obb/main.402.com.example.puzzle.obb",
           [("Range", "bytes=104857600-209715199"), ("User-Agent", OKHTTP_UA)], client=me)
    benign("Sports scores feed with numeric match ids", "GET",
           "https://scores.example/api/v1/matches?ids=" + ",".join(digits(8) for _ in range(5)), [("Accept", "application/json")])
    benign("Upper-case alphanumeric nonce and coupon code (11-12 chars, serial-like shape)", "POST",
           "https://shop.example/api/coupon", JSON_H,
           jdump({"nonce": "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(11)),
                  "coupon": "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(12))}), client=me)
    benign("App version codes and durations (ISO 8601 PT…)", "POST", "https://api.app.example/v1/session", JSON_H,
           jdump({"versionCode": 402010015, "duration": "PT1H30M12S", "started": "2024-06-10T08:00:00Z"}), client=me)
    benign("Signed download URL (X-Amz-Signature 64 hex, X-Amz-Credential)", "GET",
           "https://bucket.s3.example/file.zip?" + urlencode({"X-Amz-Algorithm": "AWS4-HMAC-SHA256",
                                                             "X-Amz-Credential": "AKIAIOSFODNN7EXAMPLE/20240610/eu-central-1/s3/aws4_request",
                                                             "X-Amz-Date": "20240610T081231Z", "X-Amz-Expires": "900",
                                                             "X-Amz-Signature": new_hex(64)}), [("User-Agent", OKHTTP_UA)])
    benign("WebAuthn registration (base64url challenge, credential id, aaguid all zero)", "POST",
           "https://auth.example/webauthn/register", JSON_H,
           jdump({"challenge": b64url(bytes(rng.getrandbits(8) for _ in range(32))),
                  "rawId": b64url(bytes(rng.getrandbits(8) for _ in range(32))), "aaguid": "00000000-0000-0000-0000-000000000000"}))
    benign("Product catalogue SKU / MPN / GTIN strings", "GET",
           "https://shop.example/api/product?sku=SM-G991BZADEUB&mpn=SM-G991BZADEUB&gtin=8806092094390",
           [("User-Agent", OKHTTP_UA)], client=me)
    benign("Weather SDK call with a city id and a geohash-free forecast", "GET",
           "https://api.weather.example/v3/forecast?city_id=2950159&lang=de", [("User-Agent", OKHTTP_UA)], client=me)


def build() -> list[dict]:
    global rng
    rng = random.Random(SEED)
    RECORDS.clear()
    for family in (openrtb, geolocation, postbacks, omadm, entitlement, ota, crash_reports, iot, jwts, encodings, hashed,
                   contact_and_headers, locations, more_identifiers,
                   b_firebase, b_commerce, b_tracing, b_digests, b_style_versions, b_numbers, b_network, b_maps_ble,
                   b_placeholders, b_blobs, b_misc, more_benign):
        family()
    return [dict(sorted(r.items())) for r in RECORDS]


def main() -> int:
    records = build()
    with OUT.open("w", encoding="utf-8") as fh:
        for rec in records:
            fh.write(json.dumps(rec, ensure_ascii=False, sort_keys=True) + "\n")
    n_id = sum(r["label"] == "identifier" for r in records)
    print(f"wrote {OUT.name}: {len(records)} requests ({n_id} with identifiers, {len(records) - n_id} benign)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
