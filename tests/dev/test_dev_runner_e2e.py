"""`python -m shared.dev run` for real: embedded PostgreSQL, migrations, demo data, the users
subgraph and (once it exists) the router; a register → me round trip; then a stop that must
leave no process of the tree and no postmaster behind.

Runs on a temporary data directory, a free PostgreSQL port and ports shifted by
DEV_PORT_OFFSET, so it never collides with a `make run` on the default ports.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from dev_processes import descendants, is_alive

from shared.dev.health import busy_ports
from shared.dev.postgres import free_port
from shared.dev.runner import ROUTER_HOST, ROUTER_MODULES
from shared.dev.supergraph import load_subgraphs
from shared.identity import IDENTITY_HEADER, Identity, Role, sign_identity
from shared.settings import DEV_INTERNAL_IDENTITY_SECRET

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 90.0
ROUTER_BUILT = all(
    (REPO_ROOT / (name.replace(".", "/") + ".py")).exists() for name in ROUTER_MODULES
)

SDL = "{ _service { sdl } }"
REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { user { id email displayName } tokens { accessToken } }
}"""
ME = "{ me { id email displayName role } }"


@dataclass
class Stack:
    """One data directory and port range; `launch()` starts a runner on them."""

    root: Path
    env: dict[str, str]
    users_url: str
    router_url: str
    process: subprocess.Popen[bytes] | None = None
    launches: int = 0

    @property
    def pgdata(self) -> Path:
        return self.root / "pgdata"

    @property
    def log(self) -> Path:
        return self.root / f"runner-{self.launches}.log"

    @property
    def runner(self) -> subprocess.Popen[bytes]:
        assert self.process is not None
        return self.process

    def launch(self) -> None:
        self.launches += 1
        with self.log.open("wb") as sink:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "shared.dev", "run"],
                cwd=REPO_ROOT,
                env=self.env,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def _port_offset() -> int:
    """An offset under which every port the runner binds is free right now."""
    for _ in range(50):
        offset = random.randrange(20_000, 40_000, 100)
        subgraphs = load_subgraphs(REPO_ROOT / "supergraph.yaml", environ={}, port_offset=offset)
        wanted = [(sg.host, sg.port) for sg in subgraphs] + [(ROUTER_HOST, 4000 + offset)]
        if not busy_ports(wanted):
            return offset
    raise AssertionError("no free port range for the dev runner")


@pytest.fixture
def data_root() -> Iterator[Path]:
    """A directory outside pytest's basetemp: concurrent pytest sessions reset that to 0700,
    which locks out PostgreSQL's own OS user when the tests run as root."""
    root = Path(tempfile.mkdtemp(prefix="g2a-dev-e2e-"))
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def stack(data_root: Path) -> Iterator[Stack]:
    offset = _port_offset()
    env = {
        name: value
        for name, value in os.environ.items()
        if name != "DATABASE_URL" and not name.endswith("_URL")
    }
    env |= {
        "DEV_PGDATA": str(data_root / "pgdata"),
        "DEV_RUN_DIR": str(data_root / "run"),
        "DEV_PG_PORT": str(free_port()),
        "DEV_PORT_OFFSET": str(offset),
        "DEV_STOP_GRACE_SECONDS": "10",
    }
    users = load_subgraphs(REPO_ROOT / "supergraph.yaml", environ={}, port_offset=offset)[0]
    stack = Stack(
        root=data_root,
        env=env,
        users_url=users.routing_url,
        router_url=f"http://{ROUTER_HOST}:{4000 + offset}/graphql",
    )
    stack.launch()
    seen: set[int] = set()
    try:
        yield stack
    finally:  # whatever the test did, leave nothing running
        process = stack.runner
        if process.poll() is None:
            seen |= descendants(process.pid)
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for pid in seen:
            if is_alive(pid):
                os.kill(pid, signal.SIGKILL)


def _graphql(
    client: httpx.Client,
    url: str,
    query: str,
    *,
    headers: dict[str, str] | None = None,
    **variables: Any,
) -> dict[str, Any]:
    response = client.post(url, json={"query": query, "variables": variables}, headers=headers)
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data


def _wait_for_sdl(stack: Stack, client: httpx.Client) -> str:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        assert stack.runner.poll() is None, f"the runner exited early:\n{stack.output()}"
        try:
            data = _graphql(client, stack.users_url, SDL)
        except httpx.TransportError:
            time.sleep(0.5)
            continue
        sdl: str = data["_service"]["sdl"]
        return sdl
    raise AssertionError(f"users did not serve its SDL in {STARTUP_SECONDS}s:\n{stack.output()}")


def _wait_until_ready(stack: Stack) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while "dev      | ready in" not in stack.output():
        assert stack.runner.poll() is None, f"the runner exited early:\n{stack.output()}"
        assert time.monotonic() < deadline, f"the runner never got ready:\n{stack.output()}"
        time.sleep(0.2)
    if ROUTER_BUILT:
        printed = re.search(rf"\|\s+router\s+{re.escape(stack.router_url)}", stack.output())
        assert printed, f"the router did not start:\n{stack.output()}"


def _register_then_me(stack: Stack, client: httpx.Client) -> None:
    email = f"e2e-{uuid.uuid4().hex[:12]}@example.com"
    variables = {"email": email, "password": "correct horse battery", "displayName": "E2E"}
    url = stack.router_url if ROUTER_BUILT else stack.users_url
    registered = _graphql(client, url, REGISTER, input=variables)["register"]
    user_id = registered["user"]["id"]
    if ROUTER_BUILT:
        headers = {"authorization": f"Bearer {registered['tokens']['accessToken']}"}
    else:  # no router yet: vouch for the caller the way the router will
        identity = Identity(user_id=user_id, role=Role.USER)
        token = sign_identity(identity, secret=DEV_INTERNAL_IDENTITY_SECRET, ttl_seconds=60)
        headers = {IDENTITY_HEADER: token}

    me = _graphql(client, url, ME, headers=headers)["me"]

    assert me == {"id": user_id, "email": email, "displayName": "E2E", "role": "USER"}


def _pid_of(tree: set[int], needle: bytes) -> int:
    for pid in tree:
        try:
            if needle in Path(f"/proc/{pid}/cmdline").read_bytes():
                return pid
        except OSError:
            continue
    raise AssertionError(f"no process with {needle!r} in the runner's tree")


def test_make_run_serves_users_and_sigint_leaves_nothing_behind(stack: Stack) -> None:
    with httpx.Client(timeout=10, trust_env=False) as client:
        assert "type User" in _wait_for_sdl(stack, client)
        _wait_until_ready(stack)
        _register_then_me(stack, client)
    tree = descendants(stack.runner.pid)
    postmaster = int((stack.pgdata / "postmaster.pid").read_text().split()[0])
    assert postmaster in tree

    stack.runner.send_signal(signal.SIGINT)

    assert stack.runner.wait(timeout=60) == 0, stack.output()
    assert [pid for pid in tree if is_alive(pid)] == []
    assert not (stack.pgdata / "postmaster.pid").exists()
    assert "database system is shut down" in stack.output()


def test_a_dying_subgraph_stops_everything_with_a_failure(stack: Stack) -> None:
    _wait_until_ready(stack)
    tree = descendants(stack.runner.pid)
    users = _pid_of(tree, b"subgraphs.users.app:create_app")

    os.kill(users, signal.SIGKILL)

    assert stack.runner.wait(timeout=60) == 1, stack.output()
    assert "users exited unexpectedly" in stack.output()
    assert [pid for pid in tree if is_alive(pid)] == []
    assert not (stack.pgdata / "postmaster.pid").exists()


def test_a_killed_runners_processes_are_stopped_by_the_next_run(stack: Stack) -> None:
    _wait_until_ready(stack)
    first = stack.runner
    orphans = descendants(first.pid)
    first.kill()  # SIGKILL: no chance to stop anything
    first.wait()
    assert orphans
    assert all(is_alive(pid) for pid in orphans), "its children outlive a killed runner"

    stack.launch()
    _wait_until_ready(stack)

    assert [pid for pid in orphans if is_alive(pid)] == []
    assert "left by an earlier run" in stack.output()
    with httpx.Client(timeout=10, trust_env=False) as client:
        _register_then_me(stack, client)
    tree = descendants(stack.runner.pid)
    stack.runner.send_signal(signal.SIGINT)
    assert stack.runner.wait(timeout=60) == 0, stack.output()
    assert [pid for pid in tree if is_alive(pid)] == []
    assert not (stack.pgdata / "postmaster.pid").exists()
