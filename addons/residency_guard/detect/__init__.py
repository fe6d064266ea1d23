"""The detect stage: typed identifier hits from extracted fields.

``Detector(profiles, min_confidence=0.5).detect(fields, client_ip=None) -> list[Hit]``

Two methods run on every field value:

* **known-value** (``detect.known``): the device profiles' identifiers and every precomputed transform
  of them (spellings, MD5/SHA-1/SHA-256 in hex and base64, base64/hex of the raw text, hashes of
  hashes) in one Aho-Corasick automaton; a match is certain (confidence 1.0, 0.99 when transformed; the
  transform is appended to the chain as ``known:<transform>``) and names the device. A location within
  a profile's ``radius_m`` (widened by the rounding of the coordinates sent) is a known value too.
* **format / context** (``detect.recognizers``): each value goes through the registry of recognizers
  (one module per shape: digit runs, MACs, E.164 numbers, NMEA, device URNs, GeoJSON…; ``detect.scan``
  runs them), validated with python-stdnum and phonenumbers and scored with each recognizer's named
  ``Score`` constants; ``detect.enhancer`` applies context (the label before a span in free text, key
  names and words that name a look-alike, places the phone asks about). The score table is generated
  from the constants (``python -m residency_guard.detect.recognizers``; the README holds a copy).
  Placeholders are never identifiers (each type's ``PLACEHOLDERS`` in ``idtypes``).

Format/context hits are reported when their confidence is at least ``min_confidence`` (default 0.5);
lower ones are kept only to be matched against a device profile's values and position.

Hits are de-duplicated on (type, value, location); values are normalised (digits for IMEI/IMSI/ICCID,
lower-case colon MAC, canonical UUID, E.164 phone, lower-case e-mail, ``lat,lon`` as sent). Hits get
``device`` from a known-value match, else from the profile whose ``clients`` contain the client address.
"""

from .detector import Detector

__all__ = ["Detector"]
