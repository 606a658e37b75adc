"""Fixtures for guru tests: a migrated, demo-seeded index and the guru app over ASGI, plus a
way to deliver signed events to it exactly as a producer's dispatcher does."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from guru_support import INTERNAL_SECRET, MAX_RADIUS, GuruClient

from shared.seed import run_seeds
from subgraphs.guru.app import create_app
from subgraphs.guru.settings import GuruSettings


@pytest.fixture(scope="session")
async def guru_database(make_database: Callable[..., Awaitable[str]]) -> str:
    url = await make_database("guru")
    await run_seeds(["guru"], database_url=url)
    return url


@pytest.fixture
async def guru(guru_database: str) -> AsyncIterator[GuruClient]:
    settings = GuruSettings(
        database_url=guru_database,
        internal_identity_secret=INTERNAL_SECRET,
        outbox_dispatcher_enabled=False,
        graphql_ide=False,
        log_level="WARNING",
        nearby_max_radius_meters=MAX_RADIUS,
    )
    app = create_app(settings)
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    client = GuruClient(app)
    yield client
    await client.http.aclose()
    await lifespan.__aexit__(None, None, None)
