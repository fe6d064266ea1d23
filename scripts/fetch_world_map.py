#!/usr/bin/env python3
"""Fetch the world map of the HTML report and convert it to SVG paths, one per ISO 3166 alpha-2 country.

    python scripts/fetch_world_map.py                      # what `make worldmap` runs
    python scripts/fetch_world_map.py --offline            # rebuild from the tarballs in the cache

Sources (npm registry, fetched with urllib, each tarball checked against a pinned sha512 integrity):
  world-atlas 2.0.2         countries-110m.json: Natural Earth 1:110m Admin 0 (public domain) as TopoJSON, ISC
  i18n-iso-countries 7.14.0 codes.json: ISO 3166 numeric → alpha-2 (the TopoJSON ids are numeric), MIT

The TopoJSON arcs are decoded, projected equirectangularly (longitude → x, latitude → y, 1000 units
for 360°) and written as SVG path strings to ``addons/residency_guard/data/world-110m.json``, which
``evidence.html`` inlines into each report: nothing is fetched when a report is viewed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import tempfile
import urllib.request
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REGISTRY = "https://registry.npmjs.org"
ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUT = ROOT / "addons" / "residency_guard" / "data" / "world-110m.json"
DEFAULT_CACHE = ROOT / "geodb" / ".cache"


@dataclass(frozen=True)
class Source:
    name: str
    version: str
    integrity: str  # npm's Subresource Integrity string for the tarball, pinned so a re-published file fails
    member: str
    license: str


WORLD_ATLAS = Source(
    "world-atlas",
    "2.0.2",
    "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ==",
    "package/countries-110m.json",
    "ISC (map data: Natural Earth, public domain)",
)
ISO_CODES = Source(
    "i18n-iso-countries",
    "7.14.0",
    "sha512-nXHJZYtNrfsi1UQbyRqm3Gou431elgLjKl//CYlnBGt5aTWdRPH1PiS2T/p/n8Q8LnqYqzQJik3Q7mkwvLokeg==",
    "package/codes.json",
    "MIT",
)

# Three Natural Earth shapes carry no ISO numeric id. Geo databases answer XK for Kosovo and place
# Northern Cyprus and Somaliland under CY and SO, so their shapes are drawn as part of those countries.
UNNUMBERED = {"Kosovo": "XK", "N. Cyprus": "CY", "Somaliland": "SO"}
# Antarctica would take a fifth of an equirectangular map and no server answers from there.
DROPPED = {"AQ"}

WIDTH = 1000.0
SCALE = WIDTH / 360.0
LAT_TOP, LAT_BOTTOM = 84.0, -58.0  # the inhabited latitudes: Svalbard/Greenland down to Tierra del Fuego

Point = tuple[float, float]


class WorldMapError(Exception):
    """The map cannot be fetched or built; the message says why."""


# ---------------------------------------------------------------------------------------------- fetch


def _get(url: str) -> bytes:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 - fixed https registry URL
            body: bytes = response.read()
            return body
    except OSError as e:
        raise WorldMapError(f"cannot fetch {url}: {e}") from None


def check_integrity(data: bytes, integrity: str, what: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    if algorithm != "sha512":
        raise WorldMapError(f"{what}: unsupported integrity algorithm {algorithm!r}")
    actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
    if actual != expected:
        raise WorldMapError(f"{what}: sha512 mismatch (expected {expected[:16]}…, got {actual[:16]}…)")


def fetch_tarball(source: Source, cache: Path, *, offline: bool) -> bytes:
    """The package tarball, from the cache or the registry, always checked against the pinned integrity."""
    cached = cache / f"{source.name}-{source.version}.tgz"
    if offline:
        if not cached.is_file():
            raise WorldMapError(f"{cached} not found; run without --offline first")
        data = cached.read_bytes()
    else:
        meta = json.loads(_get(f"{REGISTRY}/{source.name}/{source.version}"))
        dist = meta.get("dist", {})
        if dist.get("integrity") != source.integrity:
            raise WorldMapError(f"{source.name} {source.version}: the registry's integrity differs from the pinned one")
        data = _get(dist["tarball"])
        cache.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(data)
    check_integrity(data, source.integrity, f"{source.name} {source.version}")
    return data


def read_member(tarball: bytes, member: str) -> Any:
    """One JSON file of an npm tarball, read in memory (nothing is unpacked to disk)."""
    try:
        with tarfile.open(fileobj=io.BytesIO(tarball), mode="r:gz") as tar:
            fh = tar.extractfile(member)
            if fh is None:
                raise WorldMapError(f"{member} is not a file in the tarball")
            return json.loads(fh.read())
    except (KeyError, tarfile.TarError, ValueError) as e:
        raise WorldMapError(f"cannot read {member}: {e}") from None


# ---------------------------------------------------------------------------------------------- convert


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Quantized, delta-encoded TopoJSON arcs → (longitude, latitude) points."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring_points(ring: Sequence[int], arcs: list[list[Point]]) -> list[Point]:
    """A ring's points: arcs joined end to start; ``~i`` (negative) is arc i reversed."""
    points: list[Point] = []
    for index in ring:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def unwrap(points: list[Point]) -> list[Point]:
    """Make longitudes continuous across the antimeridian (Fiji, Chukotka), so no edge spans the map."""
    out: list[Point] = []
    shift = 0.0
    for lon, lat in points:
        if out and abs(lon + shift - out[-1][0]) > 180:
            shift += 360.0 if out[-1][0] > lon + shift else -360.0
        out.append((lon + shift, lat))
    return out


def _path(points: Iterable[Point], offset: float) -> str:
    parts: list[str] = []
    previous = None
    for lon, lat in points:
        xy = (round((lon + offset + 180) * SCALE, 1), round((LAT_TOP - lat) * SCALE, 1))
        if xy != previous:  # points closer than the output resolution add bytes, not shape
            parts.append(f"{xy[0]:g},{xy[1]:g}")
            previous = xy
    if len(parts) > 1 and parts[-1] == parts[0]:
        parts.pop()  # TopoJSON rings repeat their first point; Z closes the subpath anyway
    return "M" + "L".join(parts) + "Z" if len(parts) > 2 else ""


def ring_paths(points: list[Point]) -> list[str]:
    """SVG subpaths of one ring; a ring crossing the antimeridian is drawn on both edges (the SVG clips)."""
    unwrapped = unwrap(points)
    lons = [lon for lon, _ in unwrapped]
    offsets = [0.0] + ([-360.0] if max(lons) > 180 else []) + ([360.0] if min(lons) < -180 else [])
    return [p for offset in offsets if (p := _path(unwrapped, offset))]


def geometry_rings(geometry: dict[str, Any]) -> list[Sequence[int]]:
    if geometry["type"] == "Polygon":
        return list(geometry["arcs"])
    if geometry["type"] == "MultiPolygon":
        return [ring for polygon in geometry["arcs"] for ring in polygon]
    return []


def country_code(geometry: dict[str, Any], numeric_to_alpha2: dict[str, str]) -> str | None:
    name = geometry.get("properties", {}).get("name", "")
    if "id" not in geometry:
        return UNNUMBERED.get(name)
    return numeric_to_alpha2.get(str(geometry["id"]).zfill(3))


def convert(topology: dict[str, Any], codes: list[list[str]]) -> dict[str, Any]:
    """TopoJSON countries + i18n-iso-countries codes → {alpha-2: {name, d}} in a viewBox."""
    numeric_to_alpha2 = {row[2]: row[0] for row in codes}
    arcs = decode_arcs(topology)
    countries: dict[str, dict[str, str]] = {}
    unmapped = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        code = country_code(geometry, numeric_to_alpha2)
        name = geometry.get("properties", {}).get("name", "")
        if code is None:
            unmapped.append(name or str(geometry.get("id")))
            continue
        if code in DROPPED:
            continue
        paths = [p for ring in geometry_rings(geometry) for p in ring_paths(ring_points(ring, arcs))]
        entry = countries.setdefault(code, {"name": name, "d": ""})
        entry["d"] += "".join(paths)
    if unmapped:
        raise WorldMapError(f"shapes without an ISO alpha-2 code: {', '.join(sorted(unmapped))}")
    height = round((LAT_TOP - LAT_BOTTOM) * SCALE, 1)
    return {
        "projection": f"equirectangular, latitudes {LAT_TOP:g} to {LAT_BOTTOM:g}",
        "view_box": [0, 0, WIDTH, height],
        "sources": [
            {"package": s.name, "version": s.version, "license": s.license, "integrity": s.integrity}
            for s in (WORLD_ATLAS, ISO_CODES)
        ],
        "countries": dict(sorted(countries.items())),
    }


def write_atomically(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, separators=(",", ":"), ensure_ascii=False)
            fh.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help=f"output file (default: {DEFAULT_OUT})")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="tarball cache (default: geodb/.cache)")
    parser.add_argument("--offline", action="store_true", help="use the tarballs in the cache, no network")
    args = parser.parse_args(argv)
    try:
        atlas = fetch_tarball(WORLD_ATLAS, args.cache, offline=args.offline)
        codes = fetch_tarball(ISO_CODES, args.cache, offline=args.offline)
        world = convert(read_member(atlas, WORLD_ATLAS.member), read_member(codes, ISO_CODES.member))
        write_atomically(args.out, world)
    except WorldMapError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    size = args.out.stat().st_size
    print(f"{args.out}: {len(world['countries'])} countries, {size / 1e3:.0f} kB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
