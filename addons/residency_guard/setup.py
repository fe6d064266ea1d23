"""Building a guard from its configuration files: the one place live (addon) and replay assemble it.

Everything read from disk is validated here; any problem is a ConfigError naming the file, so the guard
refuses to start rather than judge with half a configuration.
"""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .detect import Detector
from .errors import ConfigError
from .limits import DEFAULT_LIMITS, Limits
from .locate import GeoOverlay, Locator, MmdbResolver, load_default_resolver
from .masking import Fingerprinter
from .model import GeoDatabaseInfo, PolicyInfo, SessionRecord
from .pipeline import Inspector, utc_now
from .policy import load_policy
from .profile import DeviceProfile, load_profiles
from .shipped import DEFAULT_POLICY, USER_DIR, default_geodb_dir
from .volume import LocalCounts, VolumeCounts, VolumeJudge

DEFAULT_KEY_FILE = USER_DIR / "fingerprint.key"


@dataclass(frozen=True, slots=True)
class GuardSetup:
    inspector: Inspector
    profiles: tuple[DeviceProfile, ...]
    resolver: MmdbResolver | None
    overlay_path: Path | None
    warnings: tuple[str, ...]

    def session_record(self, session_id: str, mode: str) -> SessionRecord:
        policy = self.inspector.policy
        return SessionRecord(
            timestamp=utc_now(),
            session_id=session_id,
            guard=self.inspector.guard_name,
            tool_version=__version__,
            mode=mode,
            policy=PolicyInfo(name=policy.name, file=str(policy.file) if policy.file else None, sha256=policy.sha256),
            profiles=[p.name for p in self.profiles],
            geodb=[
                GeoDatabaseInfo(path=str(d.path), database_type=d.database_type, build_date=d.build_date)
                for d in (self.resolver.databases if self.resolver else [])
            ],
            geo_overlay=str(self.overlay_path) if self.overlay_path else None,
            engine=self.inspector.detector.triggers.engine.name,
        )


def build_guard(
    *,
    policy: Path | str = DEFAULT_POLICY,
    profiles: Sequence[Path | str] = (),
    geodb: Sequence[Path | str] = (),
    geo_overlay: Path | str | None = None,
    fingerprint_key: Path | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
    reveal_identifiers: bool = False,
    engine: str = "auto",
    guard_name: str | None = None,
    redaction_key: bytes | None = None,
    volume_counts: VolumeCounts | None = None,
) -> GuardSetup:
    """The guard its configuration describes; ``volume_counts`` are the fleet's counters (``--db``), else
    the policy's volume rules are counted locally."""
    loaded_policy = load_policy(policy)
    device_profiles = tuple(load_profiles([Path(p) for p in profiles]))
    overlay_path = Path(geo_overlay) if geo_overlay else None
    overlay = GeoOverlay.load(overlay_path) if overlay_path else None
    resolver, warnings = load_default_resolver([Path(p) for p in geodb] or None, default_geodb_dir())
    key_file = Path(fingerprint_key or DEFAULT_KEY_FILE).expanduser()
    try:
        fingerprinter = Fingerprinter.from_key_file(key_file)
    except OSError as e:
        raise ConfigError(f"{key_file}: cannot use fingerprint key file: {e.strerror or e}") from None
    inspector = Inspector(
        loaded_policy,
        Locator(resolver, overlay),
        _detector(device_profiles, engine),
        fingerprinter,
        limits,
        reveal_identifiers=reveal_identifiers,
        # Replay and the live guard alike: every event says which machine judged it.
        guard_name=guard_name or socket.gethostname(),
        redaction_key=redaction_key,
        volume=(
            VolumeJudge(loaded_policy, volume_counts or LocalCounts(), fingerprinter)
            if loaded_policy.policy.volume
            else None
        ),
    )
    return GuardSetup(inspector, device_profiles, resolver, overlay_path, tuple(warnings))


def _detector(profiles: tuple[DeviceProfile, ...], engine: str) -> Detector:
    try:
        return Detector(profiles, engine=engine)
    except ValueError as e:  # --engine native without the hyperscan wheel
        raise ConfigError(f"engine: {e}") from None
