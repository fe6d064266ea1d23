"""Masked forms keep model/operator/country, never the person; fingerprints are keyed."""

from __future__ import annotations

import hashlib
import os
import stat

import pytest

from residency_guard.masking import Fingerprinter, mask, mask_text
from residency_guard.model import Hit


@pytest.mark.parametrize(
    "type_,value,masked",
    [
        ("imei", "352099001761481", "35209900******1"),
        ("mac", "a4:50:46:0f:1e:2d", "a4:50:46:**:**:**"),
        ("wifi_bssid", "3c:28:6d:01:02:03", "3c:28:6d:**:**:**"),
        ("iccid", "8947019999000000014", "894701*************"),
        ("iccid", "89860318640220133897", "898603**************"),
        ("imsi", "242019999000001", "24201**********"),
        ("imsi", "310260123456789", "310260*********"),
        ("phone", "+4799999901", "+47******01"),
        ("email", "kari.nordmann@example.com", "k***@example.com"),
        ("location", "59.913312,10.738941", "59.9,10.7"),
        ("ad_id", "5d0e6c2a-9b7f-4e1d-8a3c-0f1e2d3c4b5a", "5d********************************5a"),
        ("serial", "R58M12ABC3X", "R5*******3X"),
        ("cell_id", "1234", "****"),
    ],
)
def test_mask(type_, value, masked):
    assert mask(type_, value) == masked


def test_mask_never_returns_the_value():
    for t, v in [("imei", "352099001761481"), ("meid", "A0000049990001"), ("android_id", "0f1e2d3c4b5a6978")]:
        assert mask(t, v) != v and len(mask(t, v)) == len(v)


def hit(type_, value, chain=()):
    return Hit(type_, value, "query.x", chain)


def test_mask_text_replaces_raw_spellings_in_url():
    url = (
        "http://zzhc.example/r?imei=35-209900-176148-1&mac=A4-50-46-0F-1E-2D&m2=a4%3A50%3A46%3A0f%3A1e%3A2d"
        "&lat=59.913312&lon=10.738941&tel=%2B4799999901"
    )
    hits = [
        hit("imei", "352099001761481"),
        hit("mac", "a4:50:46:0f:1e:2d"),
        hit("location", "59.913312,10.738941"),
        hit("phone", "+4799999901"),
    ]
    out = mask_text(url, hits)
    for secret in ("176148", "0F-1E-2D", "0f%3A1e%3A2d", "913312", "738941", "99999901"):
        assert secret not in out
    assert "35209900******1" in out and "a4:50:46:**:**:**" in out and "lat=59.9&lon=10.7" in out


def test_mask_text_masks_known_hashes():
    digest = hashlib.md5(b"352099001761481").hexdigest()
    out = mask_text(f"/t?d={digest}&x=1", [hit("imei", "352099001761481", ("known:md5",))])
    assert digest not in out and out.startswith("/t?d=" + digest[:2]) and out.endswith("&x=1")


def test_mask_text_without_hits_is_identity():
    assert mask_text("/a?b=c", []) == "/a?b=c"


def test_fingerprint_keyed_and_stable(tmp_path):
    a = Fingerprinter(b"k" * 32)
    assert a.fingerprint("imei", "352099001761481") == a.fingerprint("imei", "352099001761481")
    assert len(a.fingerprint("imei", "352099001761481")) == 16
    assert a.fingerprint("imei", "352099001761481") != Fingerprinter(b"j" * 32).fingerprint("imei", "352099001761481")
    assert a.fingerprint("imei", "352099001761481") != hashlib.sha256(b"352099001761481").hexdigest()[:16]
    with pytest.raises(ValueError):
        Fingerprinter(b"short")


def test_key_file_created_once_with_mode_0600(tmp_path):
    path = tmp_path / "sub" / "fingerprint.key"
    first = Fingerprinter.from_key_file(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and len(path.read_bytes()) == 32
    again = Fingerprinter.from_key_file(path)
    assert first.fingerprint("mac", "a4:50:46:0f:1e:2d") == again.fingerprint("mac", "a4:50:46:0f:1e:2d")
