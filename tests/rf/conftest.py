"""Fixtures for the rf subgraph tests: a migrated, demo-seeded database and the app
over ASGI (real Postgres, no background dispatcher)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from shared.seed import run_seeds
from subgraphs.rf.app import create_app
from subgraphs.rf.settings import RfSettings

TEST_INTERNAL_SECRET = "test-internal-identity-secret"


@pytest.fixture(scope="session")
async def rf_database_url(make_database: Callable[..., Awaitable[str]]) -> str:
    """One database for the rf tests: schema migrated, demo partners and vouchers loaded."""
    url = await make_database("rf")
    assert await run_seeds(["rf"], database_url=url) == {"rf": True}
    return url


@pytest.fixture
async def rf_app(rf_database_url: str) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    settings = RfSettings(
        database_url=rf_database_url,
        internal_identity_secret=TEST_INTERNAL_SECRET,
        outbox_dispatcher_enabled=False,
        graphql_ide=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    lifespan: Any = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://rf.test")
    yield app, client
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


@pytest.fixture
def rf_client(rf_app: tuple[FastAPI, httpx.AsyncClient]) -> httpx.AsyncClient:
    return rf_app[1]
