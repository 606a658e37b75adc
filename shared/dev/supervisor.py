"""A small asyncio process supervisor: start children, watch them, stop them all.

- Every child runs in its own session (so its own process group): a Ctrl-C in the terminal
  reaches only the runner, which then stops the children in order, and a stop reaches a
  child's whole tree, grandchildren included.
- Output is merged and echoed line by line, prefixed with the child's name.
- Services are long-running; if one exits while the supervisor is not stopping, `died`
  resolves with it. One-shot tasks (`run`) return their exit code instead.
- Every running child is recorded in a `Registry` file (see leftovers.py), so that a runner
  killed outright can have its children stopped by the next one.
- `stop()` stops services layer by layer, highest layer first (router, then subgraphs, then
  PostgreSQL), the members of a layer concurrently: the child's stop signal, a grace period
  (cut short by `hurry()`), then SIGKILL to its whole process group.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pwd
import signal
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TextIO

from shared.dev.leftovers import ChildRecord, Registry
from shared.dev.procfs import group_alive

__all__ = ["Child", "ChildSpec", "Console", "Supervisor", "as_user", "install_stop_handlers"]

_LINE_LIMIT = 1 << 20
_DRAIN_SECONDS = 2.0


class Console:
    """Writes prefixed lines (`users    | ...`) to one stream."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream if stream is not None else sys.stdout
        self._width = 8

    def line(self, source: str, text: str) -> None:
        self._width = max(self._width, len(source))
        self._stream.write(f"{source:<{self._width}} | {text}\n")
        self._stream.flush()

    def say(self, text: str) -> None:
        """A message from the runner itself."""
        self.line("dev", text)


@dataclass(frozen=True, slots=True)
class ChildSpec:
    """How to start (and stop) one child process."""

    name: str
    argv: Sequence[str]
    env: Mapping[str, str] | None = None
    cwd: str | None = None
    #: Run as this OS user (e.g. PostgreSQL, which refuses to run as root).
    user: str | None = None
    #: The signal that asks the child to stop cleanly (PostgreSQL: SIGINT, "fast shutdown").
    stop_signal: signal.Signals = signal.SIGTERM
    #: Services stop highest layer first.
    layer: int = 0


@dataclass(slots=True)
class Child:
    """A started child process and the task echoing its output."""

    spec: ChildSpec
    process: asyncio.subprocess.Process
    output: asyncio.ReadTransport
    pump: asyncio.Task[None]
    watcher: asyncio.Task[None] | None = field(default=None)

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def name(self) -> str:
        return self.spec.name


class Supervisor:
    """Owns every process the dev runner starts."""

    def __init__(
        self, *, console: Console, grace_seconds: float, registry: Registry | None = None
    ) -> None:
        self._console = console
        self._grace_seconds = grace_seconds
        self._registry = registry
        self._children: list[Child] = []
        self._stopping = False
        self._hurry = asyncio.Event()
        self.died: asyncio.Future[Child] = asyncio.get_running_loop().create_future()

    @property
    def children(self) -> list[Child]:
        return list(self._children)

    async def start(self, spec: ChildSpec) -> Child:
        """Start a long-running service; its unexpected exit resolves `died`."""
        child = await self._spawn(spec)
        child.watcher = asyncio.create_task(self._watch(child), name=f"watch {spec.name}")
        return child

    async def run(self, spec: ChildSpec) -> int:
        """Run a one-shot task to completion and return its exit code.

        Cancelling the caller stops the task (signal, grace, kill) before re-raising.
        """
        child = await self._spawn(spec)
        try:
            code = await child.process.wait()
            await _kill_group(child.pid)  # nothing a one-shot task started outlives it
            await _drain(child)
        except asyncio.CancelledError:
            await self._stop_child(child)
            raise
        finally:
            self._children.remove(child)
            self._record()
        return code

    async def stop(self) -> None:
        """Stop every child: highest layer first, each layer concurrently. Idempotent."""
        self._stopping = True
        for layer in sorted({child.spec.layer for child in self._children}, reverse=True):
            members = [child for child in self._children if child.spec.layer == layer]
            await asyncio.gather(*(self._stop_child(child) for child in members))
        for child in self._children:
            if child.watcher is not None:
                await child.watcher
        self._children.clear()
        self._record()

    def _record(self) -> None:
        """Keep the registry in step, so a killed runner's children can be found later."""
        if self._registry is not None:
            self._registry.write(
                ChildRecord(
                    name=child.name,
                    pgid=child.pid,
                    argv=list(child.spec.argv),
                    stop_signal=int(child.spec.stop_signal),
                )
                for child in self._children
            )

    async def _spawn(self, spec: ChildSpec) -> Child:
        # The output pipe is ours, not the subprocess transport's: asyncio's Process.wait()
        # would otherwise also wait for every grandchild holding the pipe open to exit.
        read_fd, write_fd = os.pipe()
        try:
            process = await asyncio.create_subprocess_exec(
                *spec.argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=write_fd,
                stderr=write_fd,
                env=dict(spec.env) if spec.env is not None else None,
                cwd=spec.cwd,
                start_new_session=True,
                **as_user(spec.user),
            )
        except BaseException:
            os.close(read_fd)
            raise
        finally:
            os.close(write_fd)
        reader = asyncio.StreamReader(limit=_LINE_LIMIT)
        transport, _ = await asyncio.get_running_loop().connect_read_pipe(
            lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(read_fd, "rb", buffering=0)
        )
        pump = asyncio.create_task(self._echo(spec.name, reader), name=f"echo {spec.name}")
        child = Child(spec=spec, process=process, output=transport, pump=pump)
        self._children.append(child)
        self._record()
        return child

    async def _echo(self, name: str, stream: asyncio.StreamReader) -> None:
        while True:
            try:
                raw = await stream.readline()
            except ValueError:  # a line over the limit was dropped; go on with what follows
                continue
            if not raw:
                return
            self._console.line(name, raw.decode(errors="replace").rstrip("\n"))

    async def _watch(self, child: Child) -> None:
        code = await child.process.wait()
        if not self._stopping and not self.died.done():
            self._console.say(f"{child.name} exited unexpectedly with code {code}")
            self.died.set_result(child)

    def hurry(self) -> None:
        """Cut every grace period short: children still stopping are killed now."""
        self._hurry.set()

    async def _stop_child(self, child: Child) -> None:
        process = child.process
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(child.spec.stop_signal)
            exited = asyncio.ensure_future(process.wait())
            hurried = asyncio.ensure_future(self._hurry.wait())
            await asyncio.wait(
                {exited, hurried}, timeout=self._grace_seconds, return_when=asyncio.FIRST_COMPLETED
            )
            hurried.cancel()
            if not exited.done():
                exited.cancel()
                self._console.say(f"{child.name} did not stop in time; killing it")
        await _kill_group(child.pid, leader=process)
        await _drain(child)


def as_user(user: str | None) -> dict[str, Any]:
    """Run as `user` with only its own group (not root's groups, which would shadow "other")."""
    if user is None:
        return {}
    return {"user": user, "group": pwd.getpwnam(user).pw_gid, "extra_groups": []}


async def _drain(child: Child) -> None:
    """Echo what is left of a finished child's output, unless something else holds the pipe."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(child.pump), _DRAIN_SECONDS)
    child.pump.cancel()
    child.output.close()
    await asyncio.gather(child.pump, return_exceptions=True)


async def _kill_group(pgid: int, leader: asyncio.subprocess.Process | None = None) -> None:
    """SIGKILL whatever is left of a child's process group and wait (bounded) until it is gone."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)
    if leader is not None:
        await leader.wait()
    deadline = time.monotonic() + _DRAIN_SECONDS
    while time.monotonic() < deadline:
        if not group_alive(pgid):
            return
        await asyncio.sleep(0.02)


def install_stop_handlers(on_stop: Callable[[signal.Signals], None]) -> Callable[[], None]:
    """Call `on_stop` on SIGINT, SIGTERM and SIGHUP instead of dying; return the undo."""
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    for signum in signals:
        loop.add_signal_handler(signum, on_stop, signum)

    def remove() -> None:
        for signum in signals:
            loop.remove_signal_handler(signum)

    return remove
