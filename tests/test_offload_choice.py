"""Which bodies the guard hands to a worker process (``ResidencyGuard._offloaded``)."""

from __future__ import annotations

from types import SimpleNamespace

from residency_guard.addon import ResidencyGuard
from residency_guard.model import RequestView
from residency_guard.offload import CODED_OFFLOAD_MIN_BYTES, OFFLOAD_MIN_BYTES


def _guard(with_pool: bool = True) -> ResidencyGuard:
    guard = ResidencyGuard()
    guard.inspector = SimpleNamespace(volume=None)  # type: ignore[assignment]  # only its presence (and no volume rule) is asked
    guard.pool = object() if with_pool else None  # type: ignore[assignment]
    return guard


def _view(size: int, coding: str | None = None) -> RequestView:
    headers = (("Content-Encoding", coding),) if coding else ()
    return RequestView("POST", "http://api.example/upload", headers, b"x" * size)


def test_large_bodies_go_to_a_worker_whatever_they_hold():
    guard = _guard()
    assert guard._offloaded(_view(OFFLOAD_MIN_BYTES))
    assert not guard._offloaded(_view(OFFLOAD_MIN_BYTES - 1))


def test_a_content_coded_body_goes_sooner():
    guard = _guard()
    assert guard._offloaded(_view(CODED_OFFLOAD_MIN_BYTES, "gzip"))
    assert not guard._offloaded(_view(CODED_OFFLOAD_MIN_BYTES - 1, "gzip"))
    assert not guard._offloaded(_view(CODED_OFFLOAD_MIN_BYTES))


def test_without_workers_everything_is_inspected_in_place():
    assert not _guard(with_pool=False)._offloaded(_view(10 * OFFLOAD_MIN_BYTES, "gzip"))
