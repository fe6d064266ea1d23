"""A non-editable install works from anywhere: ``pip install .`` into a fresh venv, then ``run``,
``replay`` and ``export`` from a directory that is not the checkout, with the shipped policies.

The wheel is built offline (``--no-build-isolation --no-index``, the build backend comes from the test
venv) from a copy of the source tree, so nothing of the checkout is on the installed package's path.
Dependencies are not reinstalled: the fresh venv sees the test venv's site-packages through a ``.pth``
line (a plain path, so the checkout's editable-install hook there is not run).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import pytest

from guard_harness import REPO, ZZHC_FIELDS, origin_server, running_guard, write_overlay, zzhc_body

pytestmark = pytest.mark.e2e


def _copy_source(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in ("addons", "policies", "schemas"):
        shutil.copytree(REPO / name, dest / name, symlinks=True, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, dest / name)
    return dest


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The ``bin/`` folder of a fresh venv holding a non-editable install of this source tree."""
    root = tmp_path_factory.mktemp("install")
    src = _copy_source(root / "src")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", venv], check=True, timeout=120)
    site = Path(sysconfig.get_path("purelib", vars={"base": str(venv), "platbase": str(venv)}))
    (site / "test-venv-deps.pth").write_text(sysconfig.get_path("purelib") + "\n")
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "-q"]
    built = subprocess.run([*pip, str(src)], capture_output=True, text=True, timeout=300, cwd=root)
    assert built.returncode == 0, built.stderr
    shutil.rmtree(src)  # nothing may still read from the copied tree
    return venv / "bin"


def _cli(bin_dir: Path, *args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([bin_dir / "residency-guard", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)  # fmt: skip


def test_the_installed_package_is_not_the_checkout(installed: Path, tmp_path: Path) -> None:
    probe = "import residency_guard.shipped as s; print(s.__file__); print(s.DEFAULT_POLICY.is_file())"
    out = subprocess.run([installed / "python", "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    module, policy_found = out.stdout.split()
    assert Path(module).is_relative_to(installed.parent), module
    assert policy_found == "True"
    shipped = Path(module).parent / "data"
    for name in ("policies", "schemas"):
        files = sorted(p.name for p in (shipped / name).iterdir())
        assert files == sorted(p.name for p in (REPO / name).iterdir())
        assert not (shipped / name).is_symlink()
    # `make worldmap` built it into the package folder; the wheel must carry it for HTML reports
    assert (shipped / "world-110m.json").is_file()


def test_run_export_and_replay_from_another_directory(installed: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with origin_server("127.0.0.2") as origin:
        overlay = write_overlay(tmp_path / "overlay.yaml", {"127.0.0.2/32": "CN"})
        # The shipped policy by name: nothing of the checkout is there to be found by path.
        with running_guard(tmp_path, policy="gdpr-eea", guard_bin=installed / "residency-guard",
                           extra_args=["--geo-overlay", str(overlay)]) as guard:  # fmt: skip
            with httpx.Client(proxy=guard.proxy_url, timeout=10) as client:
                reply = client.post(
                    f"{origin.url}/reg", content=zzhc_body(), headers={"Content-Type": "application/json"}
                )
            events = guard.wait_for_events(1)
        assert reply.status_code == 451
        assert origin.received == []
    assert events[0]["action"] == "blocked"
    assert ZZHC_FIELDS["IMEI1"] not in guard.events_path.read_text()

    report = elsewhere / "report.json"
    exported = _cli(installed, "export", guard.events_path, "-o", report, "--fail-on", "block", cwd=elsewhere)
    assert exported.returncode == 3, exported.stderr
    assert json.loads(report.read_text())["summary"]["blocked"] == 1
    page = elsewhere / "report.html"
    exported = _cli(installed, "export", guard.events_path, "--format", "html", "-o", page, cwd=elsewhere)
    assert exported.returncode == 0, exported.stderr
    assert 'data-country="CN" class="violation v4"' in page.read_text()  # the installed map was found

    capture = _capture_of_zzhc(elsewhere / "capture.flows")
    replayed_events = elsewhere / "replayed.jsonl"
    replayed = _cli(installed, "replay", capture, "--policy", "lab-strict", "--geo-overlay", overlay,
                    "--events", replayed_events, "--fingerprint-key", tmp_path / "key", "--fail-on", "violation",
                    cwd=elsewhere)  # fmt: skip
    assert replayed.returncode == 3, replayed.stderr
    session = json.loads(replayed_events.read_text().splitlines()[0])
    assert session["policy"]["name"] == "lab-strict"
    assert Path(session["policy"]["file"]).is_relative_to(installed.parent)


def _capture_of_zzhc(path: Path) -> Path:
    from mitmproxy import io
    from mitmproxy.test import tflow

    flow = tflow.tflow()
    flow.request.host, flow.request.port, flow.request.path = "127.0.0.2", 80, "/reg"
    flow.request.method = "POST"
    flow.request.headers["Content-Type"] = "application/json"
    flow.request.content = zzhc_body()
    flow.server_conn.peername = ("127.0.0.2", 80)
    with path.open("wb") as f:
        io.FlowWriter(f).add(flow)
    return path
