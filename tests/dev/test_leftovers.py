"""Children a killed runner left behind are found through the registry and stopped."""

from __future__ import annotations

import io
import json
import os
import signal
import sys
from pathlib import Path

import pytest
from dev_processes import is_alive, wait_for_file

from shared.dev.leftovers import ChildRecord, Registry
from shared.dev.supervisor import ChildSpec, Console, Supervisor

pytestmark = pytest.mark.slow

FAKE_CHILD = str(Path(__file__).with_name("fake_child.py"))


def serve(name: str, pid_file: Path, *extra: str) -> ChildSpec:
    return ChildSpec(name=name, argv=[sys.executable, FAKE_CHILD, "serve", str(pid_file), *extra])


async def test_the_registry_lists_running_children_and_is_removed_after_stop(
    tmp_path: Path,
) -> None:
    registry = Registry(tmp_path / "children.json")
    supervisor = Supervisor(console=Console(io.StringIO()), grace_seconds=5, registry=registry)
    child = await supervisor.start(serve("svc", tmp_path / "pids"))

    records = registry.read()
    await supervisor.stop()

    assert records == [
        ChildRecord(
            name="svc", pgid=child.pid, argv=list(child.spec.argv), stop_signal=signal.SIGTERM
        )
    ]
    assert not registry.path.exists()


async def test_children_of_a_killed_runner_are_stopped_by_the_next_one(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "children.json")
    # The "killed runner": its supervisor is never asked to stop.
    orphaned = Supervisor(console=Console(io.StringIO()), grace_seconds=5, registry=registry)
    await orphaned.start(serve("polite", tmp_path / "polite"))
    await orphaned.start(serve("stubborn", tmp_path / "stubborn", "--ignore-term"))
    pids = [
        int(pid)
        for name in ("polite", "stubborn")
        for pid in wait_for_file(tmp_path / name).split()
    ]

    stopped = await Registry(registry.path).stop_leftovers(grace_seconds=0.5)

    assert sorted(record.name for record in stopped) == ["polite", "stubborn"]
    assert [pid for pid in pids if is_alive(pid)] == []
    assert not registry.path.exists()
    await orphaned.stop()


async def test_a_recorded_pid_now_running_something_else_is_left_alone(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "children.json")
    record = {"name": "old", "pgid": os.getpid(), "argv": ["not", "us"], "stop_signal": 15}
    registry.path.write_text(json.dumps([record]))

    stopped = await registry.stop_leftovers(grace_seconds=1)

    assert stopped == []
    assert is_alive(os.getpid())
    assert not registry.path.exists()


async def test_an_unreadable_registry_is_ignored(tmp_path: Path) -> None:
    registry = Registry(tmp_path / "children.json")
    registry.path.write_text("{not json")

    assert await registry.stop_leftovers(grace_seconds=1) == []
