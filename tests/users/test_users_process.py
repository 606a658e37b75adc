"""The commands the dev runner uses, as real processes: migrate, seed, serve with uvicorn."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest
from subgraph_support import gql
from users_support import LOGIN, ME, USERS, register

from shared.identity import IDENTITY_HEADER, Identity, Role, sign_identity
from shared.settings import REPO_ROOT
from subgraphs.users.seed import DEMO_ACCOUNTS

SECRET = "process-test-secret"
pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
async def served_users(
    make_database: Callable[..., Awaitable[str]],
) -> AsyncIterator[httpx.AsyncClient]:
    url = (await make_database()).replace("postgresql+asyncpg://", "postgresql://")
    env = os.environ | {
        "DATABASE_URL": url,
        "INTERNAL_IDENTITY_SECRET": SECRET,
        "JWT_SECRET": "process-test-jwt-secret-0123456789abcdef",
        "ARGON2_TIME_COST": "1",
        "ARGON2_MEMORY_COST_KIB": "1024",
        "ARGON2_PARALLELISM": "1",
        "LOG_LEVEL": "WARNING",
    }
    for command in (("shared.migrations", "users"), ("shared.seed", "users")):
        done = await asyncio.to_thread(run, env, *command)
        assert done.returncode == 0, done.stderr
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "uvicorn", "--factory", "subgraphs.users.app:create_app"),
        *("--host", "127.0.0.1", "--port", str(port)),
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as client:
        try:
            for _ in range(120):  # up to ~60 s for the process to start serving
                try:
                    if (await client.get("/health")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.returncode is not None:
                    stderr = await server.stderr.read() if server.stderr else b""
                    pytest.fail(f"uvicorn exited: {stderr.decode()}")
                await asyncio.sleep(0.5)
            else:
                pytest.fail("uvicorn did not become healthy within 60 s")
            yield client
        finally:
            server.terminate()
            await asyncio.wait_for(server.wait(), timeout=30)
    # uvicorn shuts down gracefully, then re-raises the signal it caught.
    assert server.returncode in {0, -signal.SIGTERM}


async def test_migrated_seeded_and_served_users_subgraph_round_trips(
    served_users: httpx.AsyncClient,
) -> None:
    ready = await served_users.get("/ready")
    sdl = await gql(served_users, "{ _service { sdl } }")
    account = await register(served_users)
    identity = Identity(user_id=account.id, role=Role.USER, scopes=frozenset({"profile"}))
    me = await gql(
        served_users,
        ME,
        headers={IDENTITY_HEADER: sign_identity(identity, secret=SECRET, ttl_seconds=60)},
    )
    admin = await gql(
        served_users, LOGIN, {"input": {"email": "admin@go2asia.dev", "password": "go2asia-demo"}}
    )
    admin_id = admin["data"]["login"]["user"]["id"]
    admin_identity = Identity(user_id=admin_id, role=Role.ADMIN, scopes=frozenset({"admin"}))
    listing = await gql(
        served_users,
        USERS,
        {"first": 100},
        headers={IDENTITY_HEADER: sign_identity(admin_identity, secret=SECRET, ttl_seconds=60)},
    )

    assert ready.status_code == 200
    assert 'type User @key(fields: "id")' in sdl["data"]["_service"]["sdl"]
    assert me["data"]["me"]["email"] == account.email
    assert admin["data"]["login"]["user"]["role"] == "ADMIN"
    emails = {edge["node"]["email"] for edge in listing["data"]["users"]["edges"]}
    assert emails == {email for email, *_ in DEMO_ACCOUNTS} | {account.email}
