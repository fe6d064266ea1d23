"""Small helpers shared by the evidence commands: messages, warnings, atomic output."""

from __future__ import annotations

import os
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO


def error(command: str, message: str) -> None:
    print(f"residency-guard {command}: error: {message}", file=sys.stderr)


def note(command: str, message: str) -> None:
    print(f"residency-guard {command}: {message}", file=sys.stderr)


@contextmanager
def warnings_to_stderr(command: str) -> Iterator[None]:
    """Show reader warnings (torn lines, unknown records) as one plain line each."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            yield
        finally:
            for w in caught:
                print(f"residency-guard {command}: warning: {w.message}", file=sys.stderr)


def write_output(path: str, write: Callable[[IO[bytes]], None]) -> None:
    """Write to ``path`` atomically (temporary file, then rename), or to stdout when ``path`` is '-'.

    A reader (CI, a reviewer) never sees half a report, and a failed export leaves the previous one.
    """
    if path == "-":
        write(sys.stdout.buffer)
        sys.stdout.buffer.flush()
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent or Path("."))
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
