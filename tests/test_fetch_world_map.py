"""scripts/fetch_world_map.py, offline: TopoJSON decoding, the antimeridian, ids, integrity, --offline."""

from __future__ import annotations

import base64
import hashlib
import importlib.util
import io
import json
import sys
import tarfile
from pathlib import Path

import pytest

_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "fetch_world_map.py"
_spec = importlib.util.spec_from_file_location("fetch_world_map", _SCRIPT)
assert _spec is not None and _spec.loader is not None
fwm = importlib.util.module_from_spec(_spec)
sys.modules["fetch_world_map"] = fwm  # dataclasses look their module up by name
_spec.loader.exec_module(fwm)

CODES = [["CN", "CHN", "156", ""], ["FJ", "FJI", "242", ""], ["AQ", "ATA", "010", ""]]


def topology(geometries: list[dict], arcs: list[list[list[int]]]) -> dict:
    return {
        "type": "Topology",
        "transform": {"scale": [1.0, 1.0], "translate": [0.0, 0.0]},
        "objects": {"countries": {"type": "GeometryCollection", "geometries": geometries}},
        "arcs": arcs,
    }


def test_arcs_are_delta_decoded_and_joined() -> None:
    # a square from two arcs; the second one is used reversed (~1)
    topo = topology(
        [{"type": "Polygon", "arcs": [[0, ~1]], "id": "156", "properties": {"name": "China"}}],
        [[[100, 30], [10, 0], [0, 10]], [[100, 30], [0, 10], [10, 0]]],
    )
    world = fwm.convert(topo, CODES)
    # equirectangular, 1000 units for 360°, latitude 84 at the top: (100, 30) → (777.8, 150)
    assert world["countries"]["CN"]["d"] == "M777.8,150L805.6,150L805.6,122.2L777.8,122.2Z"
    assert world["countries"]["CN"]["name"] == "China"
    assert world["view_box"][2] == 1000.0


def test_a_ring_across_the_antimeridian_is_drawn_on_both_edges() -> None:
    ring = [(179.0, -16.0), (-179.0, -16.0), (-179.0, -17.0), (179.0, -17.0), (179.0, -16.0)]
    unwrapped = fwm.unwrap(ring)
    assert max(abs(a[0] - b[0]) for a, b in zip(unwrapped, unwrapped[1:])) < 180
    assert len(fwm.ring_paths(ring)) == 2  # once at the right edge, once shifted to the left


def test_ids_unnumbered_shapes_and_dropped_countries() -> None:
    topo = topology(
        [
            {"type": "Polygon", "arcs": [[0]], "properties": {"name": "Kosovo"}},
            {"type": "Polygon", "arcs": [[0]], "id": "010", "properties": {"name": "Antarctica"}},
        ],
        [[[20, 42], [1, 0], [0, 1], [-1, 0]]],
    )
    assert list(fwm.convert(topo, CODES)["countries"]) == ["XK"]
    topo["objects"]["countries"]["geometries"].append({"type": "Polygon", "arcs": [[0]], "id": "999"})
    with pytest.raises(fwm.WorldMapError, match="without an ISO alpha-2 code"):
        fwm.convert(topo, CODES)


def _tarball(member: str, payload: object) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        data = json.dumps(payload).encode()
        info = tarfile.TarInfo(member)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def test_offline_reads_the_cache_and_checks_integrity(tmp_path: Path) -> None:
    data = _tarball("package/codes.json", CODES)
    integrity = "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()
    source = fwm.Source("i18n-iso-countries", "0.0.1", integrity, "package/codes.json", "MIT")
    (tmp_path / "i18n-iso-countries-0.0.1.tgz").write_bytes(data)
    assert fwm.read_member(fwm.fetch_tarball(source, tmp_path, offline=True), source.member) == CODES
    (tmp_path / "i18n-iso-countries-0.0.1.tgz").write_bytes(data + b"tampered")
    with pytest.raises(fwm.WorldMapError, match="sha512 mismatch"):
        fwm.fetch_tarball(source, tmp_path, offline=True)
    with pytest.raises(fwm.WorldMapError, match="not found"):
        fwm.fetch_tarball(source, tmp_path / "empty", offline=True)
