"""Fixtures of the edge tests (the router fixtures come from tests/router/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from edge_support import redis_prefix, with_cost_annotations


@pytest.fixture
def cost_sdl(supergraph_sdl: str) -> str:
    return with_cost_annotations(supergraph_sdl)


@pytest.fixture
async def redis_keys() -> AsyncIterator[str]:
    async for prefix in redis_prefix():
        yield prefix
