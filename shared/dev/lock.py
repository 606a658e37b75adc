"""One runner per run directory: an exclusive lock on `<run dir>/runner.lock`.

`flock` is released by the kernel when its holder dies, SIGKILL included, and the descriptor
is not inherited by children (PEP 446): so a killed runner's surviving children never keep
the lock, and whoever holds it knows that anything recorded in the run directory is a
leftover, not another live runner's child.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

__all__ = ["RunDirectoryInUseError", "hold_run_directory"]


class RunDirectoryInUseError(RuntimeError):
    """Another live runner holds the run directory."""

    def __init__(self, directory: Path, pid: str) -> None:
        super().__init__(
            f"another runner (pid {pid or '?'}) is using {directory}; stop it first, or give "
            "this one its own DEV_RUN_DIR, DEV_PGDATA and DEV_PORT_OFFSET"
        )


@contextlib.contextmanager
def hold_run_directory(directory: Path) -> Iterator[None]:
    """Hold the run directory's lock for the duration; raise if another runner holds it."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "runner.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunDirectoryInUseError(directory, path.read_text().strip()) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        yield
    finally:
        os.close(fd)  # releases the lock
