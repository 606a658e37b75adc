"""Fixtures for tests that need the real stack: Postgres, Redis, a subgraph app over ASGI.

- Postgres at 127.0.0.1:5432: every test session creates its own `g2a_test_<hex>` database
  (and `make_database` more of them) from the maintenance DB, and drops them at the end.
- Redis at 127.0.0.1:6379: keys under a random per-session prefix, deleted at the end.
- Missing services skip the tests that need them locally, and FAIL them when CI=true.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import asyncpg
import httpx
import pytest
import redis.asyncio as aioredis
from fastapi import FastAPI

from shared.identity import IDENTITY_HEADER, Identity, Role, sign_identity
from shared.migrations import upgrade
from subgraphs.users.app import create_app as create_users_app
from subgraphs.users.settings import UsersSettings

PG_HOST, PG_PORT = "127.0.0.1", 5432
REDIS_URL = "redis://127.0.0.1:6379/0"
TEST_INTERNAL_SECRET = "test-internal-identity-secret"
TEST_JWT_SECRET = "test-jwt-secret-with-at-least-32-bytes!"

IdentityHeaders = Callable[..., dict[str, str]]
DatabaseFactory = Callable[..., Awaitable[str]]
AppFactory = Callable[..., Awaitable[tuple[FastAPI, httpx.AsyncClient]]]


def _unavailable(service: str, error: BaseException) -> None:
    message = f"{service} is not reachable: {error!r}"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


async def _maintenance_connection() -> tuple[asyncpg.Connection, str]:
    last_error: BaseException | None = None
    for user in ("postgres", os.environ.get("USER", "root")):
        for database in ("postgres", "test"):
            try:
                connection = await asyncpg.connect(
                    host=PG_HOST, port=PG_PORT, user=user, database=database, timeout=5
                )
            except (OSError, asyncpg.PostgresError) as error:
                last_error = error
            else:
                return connection, user
    raise ConnectionError(f"no maintenance database: {last_error!r}")


@pytest.fixture(scope="session")
async def make_database() -> AsyncIterator[DatabaseFactory]:
    """Factory: a fresh, empty database (optionally migrated for `services`); returns its URL."""
    try:
        admin, user = await _maintenance_connection()
    except ConnectionError as error:
        _unavailable("PostgreSQL", error)
    created: list[str] = []

    async def create(*services: str) -> str:
        name = f"g2a_test_{secrets.token_hex(6)}"
        await admin.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        url = f"postgresql+asyncpg://{user}@{PG_HOST}:{PG_PORT}/{name}"
        for service in services:
            await asyncio.to_thread(upgrade, service, url)
        return url

    yield create
    for name in created:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    await admin.close()


@pytest.fixture(scope="session")
async def database_url(make_database: DatabaseFactory) -> str:
    """One database per test session with every subgraph under test migrated."""
    return await make_database("users")


@pytest.fixture(scope="session")
async def redis_prefix() -> AsyncIterator[str]:
    """A random key prefix; every key under it is deleted at the end of the session."""
    client = aioredis.Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except (OSError, aioredis.RedisError) as error:
        await client.aclose()
        _unavailable("Redis", error)
    prefix = f"g2a-test:{secrets.token_hex(6)}:"
    yield prefix
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)
    await client.aclose()


@pytest.fixture
async def redis_client(redis_prefix: str) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


def users_settings(database_url: str, **overrides: Any) -> UsersSettings:
    """Settings for a users app under test: fast argon2, no background dispatcher."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "internal_identity_secret": TEST_INTERNAL_SECRET,
        "jwt_secret": TEST_JWT_SECRET,
        "argon2_time_cost": 1,
        "argon2_memory_cost_kib": 1024,
        "argon2_parallelism": 1,
        "outbox_dispatcher_enabled": False,
        "migrate_on_start": False,  # the session database is migrated once, up front
        "graphql_ide": False,
        "log_level": "WARNING",
    }
    return UsersSettings(**(values | overrides))


@pytest.fixture
async def make_users_app() -> AsyncIterator[AppFactory]:
    """Factory: a running users app (lifespan entered) and an httpx client over ASGI."""
    stack: list[tuple[Any, httpx.AsyncClient]] = []

    async def start(database_url: str, **kwargs: Any) -> tuple[FastAPI, httpx.AsyncClient]:
        transport = kwargs.pop("transport", None)
        app = create_users_app(users_settings(database_url, **kwargs), transport=transport)
        lifespan = app.router.lifespan_context(app)
        await lifespan.__aenter__()
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://users.test"
        )
        stack.append((lifespan, client))
        return app, client

    yield start
    for lifespan, client in reversed(stack):
        await client.aclose()
        await lifespan.__aexit__(None, None, None)


@pytest.fixture
async def users_app(
    make_users_app: AppFactory, database_url: str
) -> tuple[FastAPI, httpx.AsyncClient]:
    return await make_users_app(database_url)


@pytest.fixture
def users_client(users_app: tuple[FastAPI, httpx.AsyncClient]) -> httpx.AsyncClient:
    return users_app[1]


@pytest.fixture
def identity_headers() -> IdentityHeaders:
    """`identity_headers(user_id, Role.ADMIN)` -> the router's signed identity header."""

    def make(
        user_id: str | None,
        role: Role = Role.USER,
        *,
        scopes: frozenset[str] = frozenset(),
        ttl_seconds: int = 60,
        secret: str = TEST_INTERNAL_SECRET,
        now: float | None = None,
    ) -> dict[str, str]:
        identity = Identity(user_id=user_id, role=role, scopes=scopes)
        value = sign_identity(identity, secret=secret, ttl_seconds=ttl_seconds, now=now)
        return {IDENTITY_HEADER: value}

    return make
