"""The embedded PostgreSQL cleans up after a crashed earlier run before it starts."""

from __future__ import annotations

import asyncio
import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from dev_processes import is_alive

from shared.dev.postgres import EmbeddedPostgres, EmbeddedPostgresError
from shared.dev.supervisor import Console, as_user

pytestmark = pytest.mark.slow


@pytest.fixture
def postgres() -> Iterator[EmbeddedPostgres]:
    # Outside pytest's basetemp, which concurrent sessions reset to 0700 (see the e2e test).
    root = Path(tempfile.mkdtemp(prefix="g2a-dev-pg-"))
    server = EmbeddedPostgres.configure(data_dir=root / "pgdata", port=0)
    server.prepare_data_dir()
    initdb = server.initdb_spec()
    assert initdb is not None
    subprocess.run(initdb.argv, check=True, capture_output=True, **as_user(initdb.user))
    try:
        yield server
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _start_orphan(server: EmbeddedPostgres) -> subprocess.Popen[bytes]:
    """A server as a SIGKILLed runner leaves it: running, and no longer supervised."""
    spec = server.server_spec()
    process = subprocess.Popen(
        spec.argv,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        **as_user(spec.user),
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.pid_file.exists() and "ready" in server.pid_file.read_text():
            return process
        time.sleep(0.1)
    raise AssertionError("the orphan server never got ready")


async def test_a_postmaster_left_running_is_stopped_before_start(
    postgres: EmbeddedPostgres,
) -> None:
    orphan = _start_orphan(postgres)
    output = io.StringIO()

    await postgres.clear_stale_postmaster(console=Console(output), grace_seconds=20)

    assert orphan.wait(timeout=5) == 0, "a clean (fast) shutdown"
    assert not postgres.pid_file.exists()
    assert f"left running (pid {orphan.pid})" in output.getvalue()


async def test_a_pid_file_of_a_dead_or_foreign_process_is_removed(
    postgres: EmbeddedPostgres,
) -> None:
    # Our own PID: alive, but not a postmaster; PostgreSQL would refuse to start over it.
    postgres.pid_file.write_text(f"{os.getpid()}\n{postgres.data_dir}\n")

    await postgres.clear_stale_postmaster(console=Console(io.StringIO()), grace_seconds=5)

    assert not postgres.pid_file.exists()
    assert is_alive(os.getpid())


async def test_the_server_starts_and_creates_the_database_once(
    postgres: EmbeddedPostgres,
) -> None:
    spec = postgres.server_spec()
    server = await asyncio.create_subprocess_exec(
        *spec.argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **as_user(spec.user)
    )
    try:
        await postgres.wait_ready(timeout_seconds=30)
        await postgres.ensure_database("g2a_dev_check")
        await postgres.ensure_database("g2a_dev_check")
        psql = await asyncio.create_subprocess_exec(
            str(Path(spec.argv[0]).with_name("psql")),
            postgres.url("postgres").replace("+asyncpg", ""),
            *("-tAc", "SELECT count(*) FROM pg_database WHERE datname = 'g2a_dev_check'"),
            stdout=subprocess.PIPE,
        )
        listed, _ = await psql.communicate()
        assert listed.decode().strip() == "1"
    finally:
        server.send_signal(signal.SIGINT)
        await server.wait()
    assert not postgres.pid_file.exists()


async def test_a_postmaster_a_live_runner_owns_is_refused_not_stopped(
    postgres: EmbeddedPostgres,
) -> None:
    spec = postgres.server_spec()
    # A stand-in for a live `python -m shared.dev run` that started the server.
    script = (
        "import subprocess, sys, time; "
        f"subprocess.Popen({list(spec.argv)!r}, **{as_user(spec.user)!r}); time.sleep(600)"
    )
    runner = await asyncio.create_subprocess_exec(
        sys.executable, "-c", script, "shared.dev", "run", start_new_session=True
    )
    try:
        deadline = time.monotonic() + 30
        while not (postgres.pid_file.exists() and "ready" in postgres.pid_file.read_text()):
            assert time.monotonic() < deadline, "the server never got ready"
            await asyncio.sleep(0.1)
        server = int(postgres.pid_file.read_text().split()[0])

        with pytest.raises(
            EmbeddedPostgresError, match=f"in use by another runner \\(pid {runner.pid}\\)"
        ):
            await postgres.clear_stale_postmaster(console=Console(io.StringIO()), grace_seconds=5)

        assert is_alive(server)
    finally:
        os.killpg(runner.pid, signal.SIGINT)  # the server: fast shutdown; the stand-in: exits
        await runner.wait()
        for _ in range(300):
            if not postgres.pid_file.exists():
                break
            await asyncio.sleep(0.1)
