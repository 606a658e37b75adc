"""The few process-table questions the runner asks, answered from Linux's /proc.

A zombie (exited, not yet reaped by its parent, which for orphans is PID 1 and may be slow
or absent in containers) counts as gone: it holds no port, no file and no memory.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cmdline", "group_alive", "is_running", "parent_pid"]

_PROC = Path("/proc")


def _stat_fields(pid: int | str) -> list[str] | None:
    """state, ppid, pgrp, ... of /proc/<pid>/stat (the fields after the command name)."""
    try:
        text = (_PROC / str(pid) / "stat").read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None
    return text.rsplit(")", 1)[1].split()


def is_running(pid: int) -> bool:
    """Whether `pid` exists and is not a zombie."""
    if not _PROC.is_dir():  # not Linux: ask the kernel, zombies included
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def parent_pid(pid: int) -> int | None:
    """The parent of `pid`, or None when it is gone (or there is no /proc)."""
    fields = _stat_fields(pid)
    return int(fields[1]) if fields is not None else None


def group_alive(pgid: int) -> bool:
    """Whether a live (not zombie) process is left in process group `pgid`."""
    if not _PROC.is_dir():
        try:
            os.killpg(pgid, 0)
        except (ProcessLookupError, PermissionError):
            return False
        return True
    for entry in _PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(entry.name)
            if fields is not None and fields[0] != "Z" and int(fields[2]) == pgid:
                return True
    return False


def cmdline(pid: int) -> list[str] | None:
    """The argv `pid` runs with, or None when it is gone or unreadable."""
    try:
        raw = (_PROC / str(pid) / "cmdline").read_bytes()
    except OSError:
        return None
    return [os.fsdecode(part) for part in raw.split(b"\0")[:-1]] if raw else None
