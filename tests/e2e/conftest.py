"""Fixtures for end-to-end tests: the router and the real subgraphs over HTTP, on Postgres.

- `e2e`: one stack per test session, serving every subgraph of `E2E_SUBGRAPHS` that exists
  in the repo (its `subgraphs/<name>/app.py`), in a fresh database (migrated, demo data
  seeded), composed by the project's composer and routed by the project's router.
- `e2e.gql(query, variables, token=...)` posts to the router; `e2e.token(Role.ADMIN)` mints an
  access token exactly as the users subgraph does; `e2e.statements("atlas").capture()`
  collects the SQL statements one subgraph ran meanwhile (platform bookkeeping excluded).
- `eventually(check)` retries an async check until it passes (events travel through the
  outbox dispatcher, so their effect is asynchronous); bounded, never a timing assertion.

See tests/e2e/e2e_stack.py for the mechanics.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from e2e_stack import Stack, start_stack

from shared.seed import run_seeds

T = TypeVar("T")

REPO = Path(__file__).resolve().parents[2]
#: Subgraphs the e2e stack serves, in start order, when they exist in the repo.
E2E_SUBGRAPHS = ("users", "atlas", "media", "rf", "guru")

Eventually = Callable[[Callable[[], Awaitable[T]]], Awaitable[T]]


def available_subgraphs() -> tuple[str, ...]:
    return tuple(name for name in E2E_SUBGRAPHS if (REPO / "subgraphs" / name / "app.py").is_file())


@pytest.fixture(scope="session")
async def e2e(make_database: Callable[..., Awaitable[str]]) -> AsyncIterator[Stack]:
    names = available_subgraphs()
    database_url = await make_database(*names)
    await run_seeds(names, database_url=database_url)
    stack = await start_stack(names, database_url=database_url)
    yield stack
    await stack.stop()


@pytest.fixture
def eventually() -> Callable[..., Awaitable[Any]]:
    async def retry(
        check: Callable[[], Awaitable[T]], *, attempts: int = 200, pause: float = 0.1
    ) -> T:
        """`await check()` until it stops raising AssertionError (at most `attempts` times)."""
        for _ in range(attempts - 1):
            try:
                return await check()
            except AssertionError:
                await asyncio.sleep(pause)
        return await check()

    return retry
