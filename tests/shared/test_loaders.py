"""shared.loaders: one `load` call per batch, and per distinct arguments, values in order."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from shared.db import SessionFactory, create_session_factory
from shared.loaders import batch_loader, grouped_batch_loader


def sessions() -> SessionFactory:
    # Never connects: the loads below do not touch the database.
    engine = create_async_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    return create_session_factory(engine, service="probe")


async def test_batch_loader_calls_load_once_for_all_keys_of_a_tick() -> None:
    calls: list[list[int]] = []

    async def load(session: AsyncSession, keys: Sequence[int]) -> list[str]:
        assert isinstance(session, AsyncSession)
        calls.append(list(keys))
        return [f"v{key}" for key in keys]

    loader = batch_loader(sessions(), load)

    values = [await loader.load(3), *(await loader.load_many([1, 2, 3]))]

    assert values == ["v3", "v1", "v2", "v3"]
    assert calls == [[3], [1, 2]]  # the second tick reuses the cached 3


async def test_grouped_batch_loader_calls_load_once_per_distinct_arguments() -> None:
    calls: list[tuple[list[str], tuple[int, str | None]]] = []

    async def load(
        session: AsyncSession, keys: Sequence[str], args: tuple[int, str | None]
    ) -> list[str]:
        calls.append((list(keys), args))
        return [f"{key}:{args[0]}" for key in keys]

    loader = grouped_batch_loader(sessions(), load)
    pairs = [("a", (2, None)), ("b", (5, None)), ("c", (2, None)), ("a", (5, None))]

    values = await loader.load_many(pairs)

    assert values == ["a:2", "b:5", "c:2", "a:5"]
    assert calls == [(["a", "c"], (2, None)), (["b", "a"], (5, None))]
