"""Bring the local stack up, keep it up, bring it all down.

`DevRunner.run()` races three things: the start-up sequence, a stop request (SIGINT,
SIGTERM, SIGHUP) and the death of any child. Whichever comes first, everything started so
far is stopped; the exit code is 0 for a requested stop and 1 when start-up failed or a
child died.
"""

from __future__ import annotations

import asyncio
import importlib.util
import signal
import sys
import time
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from shared.dev.health import NotHealthyError, busy_ports, wait_http_ok
from shared.dev.leftovers import Registry
from shared.dev.lock import RunDirectoryInUseError, hold_run_directory
from shared.dev.postgres import EmbeddedPostgres, EmbeddedPostgresError
from shared.dev.settings import DevSettings
from shared.dev.supergraph import (
    Subgraph,
    SupergraphConfigError,
    load_subgraphs,
    write_resolved_config,
)
from shared.dev.supervisor import (
    Child,
    ChildSpec,
    Console,
    Supervisor,
    install_stop_handlers,
)

__all__ = ["DevRunner", "StartupError"]

#: The database the embedded cluster serves (the services' default DATABASE_URL names it too).
EMBEDDED_DATABASE = "go2asia"
ROUTER_HOST = "127.0.0.1"
#: The router starts once these exist: its CLI (`serve`) and the composer (`compose`).
ROUTER_MODULES = ("router.__main__", "router.composition.cli")
SUBGRAPH_LAYER, ROUTER_LAYER = 1, 2


class StartupError(RuntimeError):
    """The stack cannot start; the message says why and what to do."""


_EXPECTED_FAILURES = (StartupError, EmbeddedPostgresError, NotHealthyError, SupergraphConfigError)


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False


class DevRunner:
    """One `python -m shared.dev run`."""

    def __init__(
        self, *, settings: DevSettings, environ: Mapping[str, str], console: Console
    ) -> None:
        self._settings = settings
        self._environ = dict(environ)
        self._console = console
        self._run_dir = settings.dev_run_dir.resolve()
        self._resolved_config = self._run_dir / "supergraph.yaml"
        self._supergraph_sdl = self._run_dir / "supergraph.graphql"
        self._registry = Registry(self._run_dir / "children.json")
        self._urls: list[tuple[str, str]] = []  # printed once everything is up
        self._database_display = ""

    async def run(self) -> int:
        """Start everything, wait for a stop request or a death, stop everything."""
        try:
            with hold_run_directory(self._run_dir):
                return await self._run()
        except RunDirectoryInUseError as error:
            self._console.say(f"cannot start: {error}")
            return 1

    async def _run(self) -> int:
        supervisor = Supervisor(
            console=self._console,
            grace_seconds=self._settings.dev_stop_grace_seconds,
            registry=self._registry,
        )
        stop_requested = asyncio.Event()

        def on_stop(signum: signal.Signals) -> None:
            if stop_requested.is_set():
                self._console.say(f"{signum.name} again: killing what is still running")
                supervisor.hurry()
                return
            self._console.say(f"{signum.name}: stopping everything (again to kill at once)")
            stop_requested.set()

        remove_stop_handlers = install_stop_handlers(on_stop)
        bring_up = asyncio.create_task(self._bring_up(supervisor), name="bring up")
        stop_wait = asyncio.create_task(stop_requested.wait(), name="stop request")
        try:
            return await self._outcome(bring_up, stop_wait, supervisor.died)
        finally:
            for task in (bring_up, stop_wait):
                task.cancel()
            await asyncio.gather(bring_up, stop_wait, return_exceptions=True)
            await supervisor.stop()
            remove_stop_handlers()
            self._console.say("stopped")

    async def _outcome(
        self,
        bring_up: asyncio.Task[None],
        stop_wait: asyncio.Task[bool],
        died: asyncio.Future[Child],
    ) -> int:
        first: set[asyncio.Future[Any]] = {bring_up, stop_wait, died}
        done, _ = await asyncio.wait(first, return_when=asyncio.FIRST_COMPLETED)
        if bring_up in done:
            error = bring_up.exception()
            if isinstance(error, _EXPECTED_FAILURES):
                self._console.say(f"start-up failed: {error}")
                return 1
            if error is not None:
                raise error
            then: set[asyncio.Future[Any]] = {stop_wait, died}
            done, _ = await asyncio.wait(then, return_when=asyncio.FIRST_COMPLETED)
        return 1 if died in done else 0

    async def _bring_up(self, supervisor: Supervisor) -> None:
        settings = self._settings
        started = time.monotonic()
        await self._stop_leftovers()
        subgraphs = self._load_subgraphs()
        router_port = settings.router_port + settings.dev_port_offset
        with_router = all(_module_exists(name) for name in ROUTER_MODULES)
        self._check_ports_free(subgraphs, router_port if with_router else None)

        database_url = await self._database(supervisor)
        env = self._child_env(database_url, subgraphs)
        names = [subgraph.name for subgraph in subgraphs]
        await self._step(supervisor, "migrate", ["-m", "shared.migrations", *names], env)
        await self._step(supervisor, "seed", ["-m", "shared.seed", *names], env)

        await asyncio.gather(*(self._start_subgraph(supervisor, sg, env) for sg in subgraphs))
        self._urls += [(subgraph.name, subgraph.routing_url) for subgraph in subgraphs]
        if with_router:
            await self._start_router(supervisor, router_port, env)
        else:
            self._console.say(
                f"router: not built yet (needs {' and '.join(ROUTER_MODULES)}); skipping it. "
                "It starts here automatically once it exists; until then call the subgraphs."
            )
        self._print_urls(time.monotonic() - started)

    async def _stop_leftovers(self) -> None:
        grace_seconds = self._settings.dev_stop_grace_seconds
        for leftover in await self._registry.stop_leftovers(grace_seconds=grace_seconds):
            self._console.say(
                f"stopped {leftover.name} (pid {leftover.pgid}), left by an earlier run"
            )

    def _load_subgraphs(self) -> list[Subgraph]:
        """supergraph.yaml's subgraphs as this run binds them; writes the resolved copy."""
        settings = self._settings
        config, offset = settings.dev_supergraph_config, settings.dev_port_offset
        subgraphs = load_subgraphs(config, environ=self._environ, port_offset=offset)
        if not subgraphs:
            raise StartupError(f"{config} lists no subgraphs")
        _check_apps_exist(subgraphs)
        write_resolved_config(
            config, self._resolved_config, environ=self._environ, port_offset=offset
        )
        return subgraphs

    async def _database(self, supervisor: Supervisor) -> str:
        """DATABASE_URL when set; otherwise start the embedded PostgreSQL and return its URL."""
        if self._settings.database_url:
            self._database_display = _without_password(self._settings.database_url)
            return self._settings.database_url
        return await self._start_postgres(supervisor)

    def _check_ports_free(self, subgraphs: Sequence[Subgraph], router_port: int | None) -> None:
        wanted = {(sg.host, sg.port): sg.name for sg in subgraphs}
        if router_port is not None:
            wanted[(ROUTER_HOST, router_port)] = "router"
        busy = busy_ports(wanted)
        if busy:
            listing = ", ".join(f"{wanted[address]} {address[0]}:{address[1]}" for address in busy)
            raise StartupError(
                f"port(s) already in use: {listing}. Is another `make run` running? "
                "Stop it, or shift every port with DEV_PORT_OFFSET (see docs/dev-runner.md)."
            )

    async def _start_postgres(self, supervisor: Supervisor) -> str:
        settings = self._settings
        postgres = EmbeddedPostgres.configure(
            data_dir=settings.dev_pgdata, port=settings.dev_pg_port
        )
        await postgres.clear_stale_postmaster(
            console=self._console, grace_seconds=settings.dev_stop_grace_seconds
        )
        postgres.prepare_data_dir()
        initdb = postgres.initdb_spec()
        if initdb is not None:
            self._console.say(f"creating the embedded PostgreSQL cluster in {postgres.data_dir}")
            if await supervisor.run(initdb) != 0:
                raise StartupError(f"initdb failed for {postgres.data_dir}")
        await supervisor.start(postgres.server_spec())
        await postgres.wait_ready(timeout_seconds=settings.dev_startup_timeout_seconds)
        await postgres.ensure_database(EMBEDDED_DATABASE)
        url = postgres.url(EMBEDDED_DATABASE)
        self._database_display = url.replace("+asyncpg", "") + "  (embedded)"
        return url

    def _child_env(self, database_url: str, subgraphs: Sequence[Subgraph]) -> dict[str, str]:
        """What every child sees: our environment plus the URLs this run resolved."""
        env = dict(self._environ)
        env["DATABASE_URL"] = database_url
        env["SUPERGRAPH_CONFIG"] = str(self._resolved_config)
        env["PYTHONUNBUFFERED"] = "1"
        env.setdefault("MIGRATE_ON_START", "false")  # the migrate step has just done it
        for subgraph in subgraphs:
            env[subgraph.url_variable] = subgraph.routing_url
        return env

    async def _step(
        self, supervisor: Supervisor, name: str, args: Sequence[str], env: Mapping[str, str]
    ) -> None:
        code = await supervisor.run(ChildSpec(name=name, argv=[sys.executable, *args], env=env))
        if code != 0:
            raise StartupError(f"{name} failed (exit code {code}); see its output above")

    async def _start_subgraph(
        self, supervisor: Supervisor, subgraph: Subgraph, env: Mapping[str, str]
    ) -> None:
        argv = [
            sys.executable,
            *("-m", "uvicorn", "--factory", subgraph.app_factory),
            *("--host", subgraph.host, "--port", str(subgraph.port)),
            "--no-access-log",  # the app logs each request itself, with its request id
        ]
        await supervisor.start(
            ChildSpec(name=subgraph.name, argv=argv, env=env, layer=SUBGRAPH_LAYER)
        )
        timeout = self._settings.dev_startup_timeout_seconds
        await wait_http_ok(f"{subgraph.base_url}/health", timeout_seconds=timeout)
        await wait_http_ok(f"{subgraph.base_url}/ready", timeout_seconds=timeout)

    async def _start_router(
        self, supervisor: Supervisor, port: int, env: Mapping[str, str]
    ) -> None:
        compose = [
            *("-m", "router", "compose"),
            *("--config", str(self._resolved_config), "--output", str(self._supergraph_sdl)),
        ]
        code = await supervisor.run(
            ChildSpec(name="compose", argv=[sys.executable, *compose], env=env)
        )
        if code != 0:  # the subgraphs stay useful; the failure is the composer's to report
            self._console.say(
                f"router: composing the supergraph failed (exit code {code}, output above); "
                "serving the subgraphs without the router"
            )
            self._urls.insert(0, ("router", "not started: composition failed"))
            return
        argv = [
            sys.executable,
            *("-m", "router", "serve", "--supergraph", str(self._supergraph_sdl)),
            *("--host", ROUTER_HOST, "--port", str(port)),
        ]
        await supervisor.start(ChildSpec(name="router", argv=argv, env=env, layer=ROUTER_LAYER))
        base = f"http://{ROUTER_HOST}:{port}"
        timeout = self._settings.dev_startup_timeout_seconds
        await wait_http_ok(f"{base}/health", timeout_seconds=timeout)
        await wait_http_ok(f"{base}/ready", timeout_seconds=timeout)
        self._urls.insert(0, ("router", f"{base}/graphql  (GraphiQL: open it in a browser)"))

    def _print_urls(self, elapsed: float) -> None:
        self._console.say(f"ready in {elapsed:.1f}s")
        urls = [*self._urls, ("postgres", self._database_display)]
        width = max(len(name) for name, _ in urls)
        for name, url in urls:
            self._console.say(f"  {name:<{width}}  {url}")
        self._console.say("Ctrl-C stops everything.")


def _check_apps_exist(subgraphs: Sequence[Subgraph]) -> None:
    for subgraph in subgraphs:
        module = subgraph.app_factory.partition(":")[0]
        if not _module_exists(module):
            raise StartupError(
                f"supergraph.yaml lists {subgraph.name!r} but {module} does not exist; "
                "list only the subgraphs that exist"
            )


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))
