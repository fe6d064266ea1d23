"""residency-guard: catch test phones sending device and subscriber identifiers across borders."""

__version__ = "0.1.0"
