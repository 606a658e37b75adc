"""DataLoaders whose batch function is one database read in one session.

    by_id = batch_loader(sessions, load_articles)            # load(session, keys) -> values
    pages = grouped_batch_loader(sessions, load_pages)       # load(session, keys, args) -> values
    await pages.load((place_id, PageArgs(first=5, after=None, viewer=viewer)))

`grouped_batch_loader` is for fields with arguments (`Place.articles(first:, after:)`): its
keys are (key, args) and each distinct `args` (hashable) gets one `load` call, so a response
asking the same page of 50 entities costs one statement. Build loaders per request (the
app factory does), so their caches never outlive it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import SessionFactory

__all__ = ["batch_loader", "grouped_batch_loader"]

KeyT = TypeVar("KeyT", bound=Hashable)
ValueT = TypeVar("ValueT")
ArgsT = TypeVar("ArgsT", bound=Hashable)


def batch_loader(
    sessions: SessionFactory,
    load: Callable[[AsyncSession, Sequence[KeyT]], Awaitable[list[ValueT]]],
) -> DataLoader[KeyT, ValueT]:
    """A DataLoader calling `load(session, keys)` once per batch (values in key order)."""

    async def batch(keys: Sequence[KeyT]) -> list[ValueT]:
        async with sessions() as session:
            return await load(session, keys)

    loader: Any = DataLoader(batch_load_fn=batch)
    return loader  # type: ignore[no-any-return]


def grouped_batch_loader(
    sessions: SessionFactory,
    load: Callable[[AsyncSession, Sequence[KeyT], ArgsT], Awaitable[list[ValueT]]],
) -> DataLoader[tuple[KeyT, ArgsT], ValueT]:
    """A DataLoader over (key, args) calling `load(session, keys, args)` once per distinct
    `args` of a batch, all in one session."""

    async def batch(pairs: Sequence[tuple[KeyT, ArgsT]]) -> list[ValueT]:
        by_args: dict[ArgsT, list[KeyT]] = {}
        for key, args in pairs:
            by_args.setdefault(args, []).append(key)
        results: dict[tuple[KeyT, ArgsT], ValueT] = {}
        async with sessions() as session:
            for args, keys in by_args.items():
                values = await load(session, keys, args)
                results.update(
                    {(key, args): value for key, value in zip(keys, values, strict=True)}
                )
        return [results[pair] for pair in pairs]

    loader: Any = DataLoader(batch_load_fn=batch)
    return loader  # type: ignore[no-any-return]
