"""The fakes that stand in for redacted identifiers (``idtypes.<type>.fake``): same length and format,
valid where the type has a checksum, what the mask shows kept, deterministic per key, never the real value."""

from __future__ import annotations

import pytest
from stdnum import imei as std_imei
from stdnum import imsi as std_imsi
from stdnum import luhn

from residency_guard import idtypes

KEY = b"k" * 32
OTHER_KEY = b"o" * 32

REAL = {
    "imei": "352099001761481",
    "meid": "A1000049ABCDEF",
    "imsi": "460031234567890",
    "iccid": "89860318640220133897",
    "mac": "a4:50:46:1e:2b:3c",
    "wifi_bssid": "f4:f2:6d:11:22:33",
    "serial": "R58M123ABCD",
    "android_id": "9774d56d682e549c",
    "ad_id": "38400000-8cf0-41a2-8f0c-d3cd5a3f6b3b",
    "phone": "+4741234567",
    "cell_id": "20817153",
}

DIGIT_TYPES = ("imei", "imsi", "iccid", "phone", "cell_id")


@pytest.mark.parametrize("type_", sorted(REAL))
def test_fake_has_the_format_and_the_masked_part_of_the_real_value(type_: str) -> None:
    real = REAL[type_]
    fake = idtypes.fake(type_, real, KEY)
    assert fake != real
    assert len(fake) == len(real)
    assert idtypes.mask(type_, fake) == idtypes.mask(type_, real)  # what the mask shows is what is kept
    # separators where they were, digits where the type has only digits, letter case as it was
    for r, f in zip(real, fake, strict=True):
        assert r == f if not r.isalnum() else f.isalnum()
        assert f.isdigit() if r.isdigit() and type_ in DIGIT_TYPES else True
    assert any(c.isupper() for c in fake) <= any(c.isupper() for c in real)
    assert any(c.islower() for c in fake) <= any(c.islower() for c in real)
    # a normalised value stays a valid value of its type (types people write by hand)
    if hasattr(idtypes.TYPES[type_], "normalize"):
        assert idtypes.normalize(type_, fake) == fake


@pytest.mark.parametrize("type_", sorted(REAL))
def test_fake_is_deterministic_for_a_key_and_differs_between_keys(type_: str) -> None:
    real = REAL[type_]
    assert idtypes.fake(type_, real, KEY) == idtypes.fake(type_, real, KEY)
    assert idtypes.fake(type_, real, KEY) != idtypes.fake(type_, real, OTHER_KEY)


def test_checksums_stay_valid() -> None:
    assert std_imei.is_valid(idtypes.fake("imei", REAL["imei"], KEY))
    assert luhn.is_valid(idtypes.fake("iccid", REAL["iccid"], KEY)) == luhn.is_valid(REAL["iccid"])
    valid_iccid = "8947019999000000014"
    assert luhn.is_valid(valid_iccid)
    assert luhn.is_valid(idtypes.fake("iccid", valid_iccid, KEY))
    fake_imsi = idtypes.fake("imsi", REAL["imsi"], KEY)
    assert std_imsi.info(fake_imsi)["mnc"] == std_imsi.info(REAL["imsi"])["mnc"]


def test_many_values_give_distinct_valid_fakes() -> None:
    reals = [f"35209900{n:06d}" + luhn.calc_check_digit(f"35209900{n:06d}") for n in range(200)]
    fakes = [idtypes.fake("imei", r, KEY) for r in reals]
    assert all(std_imei.is_valid(f) and f[:8] == "35209900" for f in fakes)
    assert all(f != r for f, r in zip(fakes, reals, strict=True))
    assert len(set(fakes)) > 190  # keyed, not a constant


def test_phone_fake_is_a_valid_number_of_the_same_kind() -> None:
    import phonenumbers

    fake = idtypes.fake("phone", REAL["phone"], KEY)
    real_num, fake_num = phonenumbers.parse(REAL["phone"]), phonenumbers.parse(fake)
    assert phonenumbers.is_valid_number(fake_num)
    assert phonenumbers.number_type(fake_num) == phonenumbers.number_type(real_num)


def test_ad_id_stays_a_version_4_uuid() -> None:
    import uuid

    assert uuid.UUID(idtypes.fake("ad_id", REAL["ad_id"], KEY)).version == 4


@pytest.mark.parametrize(("type_", "value"), [("email", "anna@example.no"), ("location", "59.913,10.739")])
def test_types_without_a_safe_fake_say_why(type_: str, value: str) -> None:
    with pytest.raises(ValueError, match="no safe fake"):
        idtypes.fake(type_, value, KEY)


def test_fake_spellings_pair_each_spelling_with_its_fake() -> None:
    real = REAL["mac"]
    fake = idtypes.fake("mac", real, KEY)
    pairs = dict(idtypes.fake_spellings("mac", real, fake))
    assert pairs["A4-50-46-1E-2B-3C"] == fake.replace(":", "-").upper()
    assert pairs["a450461e2b3c"] == fake.replace(":", "")
    assert all(len(r) == len(f) for r, f in pairs.items())
    imei_pairs = dict(idtypes.fake_spellings("imei", REAL["imei"], idtypes.fake("imei", REAL["imei"], KEY)))
    assert imei_pairs["35-209900-176148-1"].startswith("35-209900-") and imei_pairs["35-209900-176148-1"].endswith("-1")
