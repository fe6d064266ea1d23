"""The detect stage: typed identifier hits from extracted fields.

``Detector(profiles, min_confidence=0.5).detect(fields, client_ip=None) -> list[Hit]``

Two methods run on every field value:

* **known-value** (``detect.known``): the device profiles' identifiers and every precomputed transform
  of them (spellings, MD5/SHA-1/SHA-256 in hex and base64, base64/hex of the raw text, hashes of
  hashes) in one Aho-Corasick automaton; a match is certain (confidence 1.0, 0.99 when transformed; the
  transform is appended to the chain as ``known:<transform>``) and names the device. A location within
  a profile's ``radius_m`` (widened by the rounding of the coordinates sent) is a known value too.
* **format / context** (``detect.formats``): one combined candidate regex per value, validated with
  python-stdnum and phonenumbers and scored; key names (``detect.context``) raise or lower the score.
  For free text (logcat, plain bodies) the label just before a value (``IMEI: …``, ``mac=…``) serves as
  its key.

Confidence of format/context hits (reported when ≥ ``min_confidence``, default 0.5):

============  ==========================================================================  =====
type          evidence                                                                    score
============  ==========================================================================  =====
imei          15 digits, Luhn ok, IMEI/MEID/deviceId-like key                             0.95
imei          dashed ``35-209900-176148-1`` form, Luhn ok                                 0.85
imei          15 digits, Luhn ok, known reporting-body prefix (35, 86, 01…), no key        0.70
imei          16-digit IMEISV or 14 digits without check digit, under an IMEI key         0.85/0.70
imei          15 digits, Luhn ok, unknown prefix, no key                                  0.45
imsi          15 digits, known MCC/MNC, IMSI key                                          0.95
imsi          15 digits, known operational MCC/MNC, no key                                0.55
iccid         18-20 digits from 89, ICCID/SIM-serial key                                  0.95
iccid         19-20 digits from 89, Luhn ok (+0.15 trailing F), no key                    0.75
iccid         same, Luhn fails                                                            0.40
meid          14 hex / 18 decimal (stdnum.meid), MEID key; ESN: 8 hex under ``esn``       0.90/0.75
mac           6 bytes with ``:``/``-``/Cisco dots; MAC key                                0.95
mac           same, no key (0.70 when the locally-administered bit says randomised)       0.80
mac           12 bare hex digits under a MAC key                                          0.85
wifi_bssid    a MAC under ``bssid`` or inside a Wi-Fi scan object (wifiAccessPoints…)      0.85
android_id    16 hex under androidId/ssaid (0.60 under a generic deviceId)                0.85
ad_id         UUID under gaid/adid/idfa/ifa/advertisingId (never without key)             0.90
serial        only as a known value (free-form: no format to recognise)                   —
phone         valid number under a phone/msisdn key (national forms tried for common      0.90
              regions); ``+``/``00`` E.164 valid number without key                       0.70
email         address (not ``name@2x.png``-style file names)                              0.85
location      lat/lon sibling keys (≥ 2 decimals; 0.50 with 1; 0.30 integers)            0.85
location      ``"lat,lon"`` string under a location key; without key needs ≥ 4 decimals    0.85/0.60
cell_id       number under cellId/eci/SIM1CELLID…, or cid/ci/lac/tac next to mcc/mnc      0.85
cell_id       number under a bare cid/ci/lac/tac (not reported alone)                      0.45
============  ==========================================================================  =====

A key naming a look-alike (order, ticket, timestamp, hash, version, request, session…) lowers a
key-less format score by 0.35. Placeholders are never identifiers: ``000000000000000``,
``111111111111111``, ``222222222222222``, all-zero ICCIDs, ``02:00:00:00:00:00``, all-zero and
broadcast/multicast MACs, the all-zero advertising ID (limited ad tracking), cell id 0/2147483647.

Hits are de-duplicated on (type, value, location); values are normalised (digits for IMEI/IMSI/ICCID,
lower-case colon MAC, canonical UUID, E.164 phone, lower-case e-mail, ``lat,lon`` as sent). Hits get
``device`` from a known-value match, else from the profile whose ``clients`` contain the client address.
"""

from .detector import Detector

__all__ = ["Detector"]
