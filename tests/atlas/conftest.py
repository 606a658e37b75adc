"""Fixtures for atlas tests: a migrated, demo-seeded database and the atlas app over ASGI."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from atlas_support import INTERNAL_SECRET, AtlasClient

from shared.seed import run_seeds
from subgraphs.atlas.app import create_app
from subgraphs.atlas.settings import AtlasSettings


@pytest.fixture(scope="session")
async def atlas_database(make_database: Callable[..., Awaitable[str]]) -> str:
    url = await make_database("atlas")
    await run_seeds(["atlas"], database_url=url)
    return url


@pytest.fixture
async def atlas(atlas_database: str) -> AsyncIterator[AtlasClient]:
    settings = AtlasSettings(
        database_url=atlas_database,
        internal_identity_secret=INTERNAL_SECRET,
        outbox_dispatcher_enabled=False,
        graphql_ide=False,
        log_level="WARNING",
    )
    app = create_app(settings)
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    client = AtlasClient(app)
    yield client
    await client.http.aclose()
    await lifespan.__aexit__(None, None, None)
