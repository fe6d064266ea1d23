"""Fixtures shared by the end-to-end tests: loopback origins and a guard in front of them.

Each is module-scoped: a test module gets its own guard process and origins, started once. A module
that needs a different guard (other policy, limits, options) defines its own fixture of that name.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from guard_harness import CN_HOST, DE_HOST, LAB_OVERLAY, Guard, Origin, origin_server, running_guard


@pytest.fixture(scope="module")
def origin() -> Iterator[Origin]:
    """An HTTP origin in DE (allowed for every identifier under ``gdpr-eea``)."""
    with origin_server(DE_HOST) as de:
        yield de


@pytest.fixture(scope="module")
def origins() -> Iterator[dict[str, Origin]]:
    """HTTP origins by country: CN (identifiers blocked under ``gdpr-eea``) and DE."""
    with origin_server(CN_HOST) as cn, origin_server(DE_HOST) as de:
        yield {"CN": cn, "DE": de}


@pytest.fixture(scope="module")
def guard(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Guard]:
    """``residency-guard run`` with ``policies/gdpr-eea.yaml`` and the lab overlay (CN, DE)."""
    with running_guard(tmp_path_factory.mktemp("guard"), overlay=LAB_OVERLAY) as g:
        yield g
