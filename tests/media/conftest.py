"""Fixtures for the media subgraph tests: a migrated, demo-seeded database and the app
over ASGI (real Postgres, no background dispatcher)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from shared.seed import run_seeds
from subgraphs.media.app import create_app
from subgraphs.media.settings import MediaSettings

TEST_INTERNAL_SECRET = "test-internal-identity-secret"


@pytest.fixture(scope="session")
async def media_database_url(make_database: Callable[..., Awaitable[str]]) -> str:
    """One database for the media tests: schema migrated, demo blog loaded."""
    url = await make_database("media")
    assert await run_seeds(["media"], database_url=url) == {"media": True}
    return url


@pytest.fixture
async def media_app(media_database_url: str) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    settings = MediaSettings(
        database_url=media_database_url,
        internal_identity_secret=TEST_INTERNAL_SECRET,
        outbox_dispatcher_enabled=False,
        graphql_ide=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    lifespan: Any = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://media.test")
    yield app, client
    await client.aclose()
    await lifespan.__aexit__(None, None, None)


@pytest.fixture
def media_client(media_app: tuple[FastAPI, httpx.AsyncClient]) -> httpx.AsyncClient:
    return media_app[1]
