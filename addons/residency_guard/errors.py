"""Errors shown to the person running the guard: each names the file, the field and the reason."""


class ConfigError(Exception):
    """A configuration file (policy, profile, geo overlay) is unusable; the guard refuses to start."""
