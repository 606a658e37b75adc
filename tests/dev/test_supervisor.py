"""The supervisor starts, watches and stops whole process trees (tiny fake children)."""

from __future__ import annotations

import asyncio
import io
import signal
import sys
from pathlib import Path

import pytest
from dev_processes import is_alive, wait_for_file

from shared.dev.supervisor import ChildSpec, Console, Supervisor

pytestmark = pytest.mark.slow

FAKE_CHILD = str(Path(__file__).with_name("fake_child.py"))


def serve(name: str, pid_file: Path, *extra: str, layer: int = 0) -> ChildSpec:
    return ChildSpec(
        name=name, argv=[sys.executable, FAKE_CHILD, "serve", str(pid_file), *extra], layer=layer
    )


def started_pids(pid_file: Path) -> tuple[int, int]:
    child, grandchild = wait_for_file(pid_file).split()
    return int(child), int(grandchild)


async def test_stop_ends_the_child_and_its_grandchild(tmp_path: Path) -> None:
    supervisor = Supervisor(console=Console(io.StringIO()), grace_seconds=5)
    await supervisor.start(serve("svc", tmp_path / "pids"))
    child, grandchild = started_pids(tmp_path / "pids")
    assert is_alive(child)
    assert is_alive(grandchild)

    await supervisor.stop()

    assert not is_alive(child)
    assert not is_alive(grandchild)
    assert not supervisor.died.done(), "a requested stop is not a death"


async def test_child_ignoring_its_stop_signal_is_killed_after_the_grace_period(
    tmp_path: Path,
) -> None:
    output = io.StringIO()
    supervisor = Supervisor(console=Console(output), grace_seconds=0.5)
    started = await supervisor.start(serve("stubborn", tmp_path / "pids", "--ignore-term"))
    child, grandchild = started_pids(tmp_path / "pids")

    await supervisor.stop()

    assert started.process.returncode == -signal.SIGKILL
    assert not is_alive(child)
    assert not is_alive(grandchild)
    assert "stubborn did not stop in time; killing it" in output.getvalue()


async def test_a_service_that_exits_resolves_died_with_it(tmp_path: Path) -> None:
    output = io.StringIO()
    supervisor = Supervisor(console=Console(output), grace_seconds=5)
    await supervisor.start(serve("steady", tmp_path / "pids"))
    child, grandchild = started_pids(tmp_path / "pids")
    await supervisor.start(
        ChildSpec(name="fragile", argv=[sys.executable, FAKE_CHILD, "exit", "3"])
    )

    dead = await supervisor.died
    await supervisor.stop()

    assert dead.name == "fragile"
    assert dead.process.returncode == 3
    assert "fragile exited unexpectedly with code 3" in output.getvalue()
    assert not is_alive(child)
    assert not is_alive(grandchild)


async def test_stop_goes_layer_by_layer_from_the_highest(tmp_path: Path) -> None:
    record = tmp_path / "stopped"
    supervisor = Supervisor(console=Console(io.StringIO()), grace_seconds=5)
    await supervisor.start(serve("db", tmp_path / "db", "--on-term", str(record), "db", layer=0))
    await supervisor.start(serve("api", tmp_path / "api", "--on-term", str(record), "api", layer=1))
    await supervisor.start(
        serve("edge", tmp_path / "edge", "--on-term", str(record), "edge", layer=2)
    )
    for name in ("db", "api", "edge"):
        started_pids(tmp_path / name)

    await supervisor.stop()

    assert record.read_text().split() == ["edge", "api", "db"]


async def test_run_returns_the_exit_code_and_echoes_prefixed_output() -> None:
    output = io.StringIO()
    supervisor = Supervisor(console=Console(output), grace_seconds=5)

    code = await supervisor.run(
        ChildSpec(name="task", argv=[sys.executable, FAKE_CHILD, "exit", "7"])
    )

    assert code == 7
    assert "task     | bye\n" in output.getvalue()
    assert supervisor.children == []
    assert not supervisor.died.done(), "a one-shot task ending is not a death"


async def test_run_leaves_nothing_of_the_task_behind(tmp_path: Path) -> None:
    supervisor = Supervisor(console=Console(io.StringIO()), grace_seconds=5)
    script = (
        "import subprocess, sys; from pathlib import Path; "
        "p = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(600)']); "
        f"Path({str(tmp_path / 'pid')!r}).write_text(str(p.pid))"
    )

    code = await supervisor.run(ChildSpec(name="task", argv=[sys.executable, "-c", script]))

    assert code == 0
    assert not is_alive(int((tmp_path / "pid").read_text()))


async def test_hurry_kills_children_still_within_their_grace_period(tmp_path: Path) -> None:
    supervisor = Supervisor(console=Console(io.StringIO()), grace_seconds=600)
    started = await supervisor.start(serve("stubborn", tmp_path / "pids", "--ignore-term"))
    child, grandchild = started_pids(tmp_path / "pids")
    stopping = asyncio.create_task(supervisor.stop())
    await asyncio.sleep(0.2)
    assert not stopping.done(), "without hurry() it waits out the grace period"

    supervisor.hurry()
    await asyncio.wait_for(stopping, 30)

    assert started.process.returncode == -signal.SIGKILL
    assert not is_alive(child)
    assert not is_alive(grandchild)
