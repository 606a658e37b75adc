"""What a killed runner left running, and stopping it at the next start.

A runner stopped by SIGKILL (or an OOM kill, or a crash of Python itself) cannot stop its
children, which run in their own process groups and so survive it. The supervisor therefore
keeps `.run/children.json` up to date: one record per running child (its process group, argv
and stop signal). At start, before anything else, the runner stops every recorded group
whose leader still runs the recorded argv (a reused PID runs something else and is left
alone): the stop signal, a grace period, then SIGKILL to the group.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from shared.dev.procfs import cmdline, group_alive

__all__ = ["ChildRecord", "Registry"]


@dataclass(frozen=True, slots=True)
class ChildRecord:
    name: str
    pgid: int
    argv: list[str]
    stop_signal: int


class Registry:
    """The file of running children, rewritten whenever the set changes."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, records: Iterable[ChildRecord]) -> None:
        payload = [asdict(record) for record in records]
        if not payload:
            self.path.unlink(missing_ok=True)
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(payload, indent=1), encoding="utf-8")
        temporary.replace(self.path)  # atomic: a kill mid-write leaves the old file

    def read(self) -> list[ChildRecord]:
        try:
            payload = json.loads(self.path.read_text(encoding="utf-8"))
            return [ChildRecord(**entry) for entry in payload]
        except FileNotFoundError:
            return []
        except (ValueError, TypeError):  # unreadable: nothing can be trusted in it
            return []

    async def stop_leftovers(self, *, grace_seconds: float) -> list[ChildRecord]:
        """Stop every recorded child that still runs; return those that did."""
        alive = [record for record in self.read() if cmdline(record.pgid) == record.argv]
        await asyncio.gather(*(_stop_group(record, grace_seconds) for record in alive))
        self.path.unlink(missing_ok=True)
        return alive


async def _stop_group(record: ChildRecord, grace_seconds: float) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(record.pgid, record.stop_signal)
    if not await _until_gone(record.pgid, grace_seconds):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(record.pgid, signal.SIGKILL)
        await _until_gone(record.pgid, 5.0)


async def _until_gone(pgid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not group_alive(pgid):
            return True
        await asyncio.sleep(0.05)
    return False
