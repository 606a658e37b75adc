"""Per-request DataLoaders: each kind of lookup in a request is ONE SQL statement.

Keys of the per-place / per-city loaders carry the connection arguments and the viewer
(`PageArgs`), so a batch is split by distinct arguments — in practice one statement for
every `Place.articles(first: 3)` of a response.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import SessionFactory
from subgraphs.media import queries
from subgraphs.media.models import Article, Rubric, Tag
from subgraphs.media.queries import ArticlePage, GroupBy, PageArgs
from subgraphs.media.visibility import Viewer

__all__ = ["MediaLoaders"]

KeyT = TypeVar("KeyT")
ValueT = TypeVar("ValueT")
ArgsT = TypeVar("ArgsT")


def _loader(
    sessions: SessionFactory,
    load: Callable[[AsyncSession, Sequence[KeyT]], Awaitable[list[ValueT]]],
) -> DataLoader[KeyT, ValueT]:
    async def batch(keys: Sequence[KeyT]) -> list[ValueT]:
        async with sessions() as session:
            return await load(session, keys)

    loader: Any = DataLoader(batch_load_fn=batch)
    return loader  # type: ignore[no-any-return]


def _grouped_loader(
    sessions: SessionFactory,
    load: Callable[[AsyncSession, Sequence[str], ArgsT], Awaitable[list[ValueT]]],
) -> DataLoader[tuple[str, ArgsT], ValueT]:
    """Keys are (id, args); one call of `load` per distinct args, all in one session."""

    async def batch(keys: Sequence[tuple[str, ArgsT]]) -> list[ValueT]:
        results: dict[tuple[str, ArgsT], ValueT] = {}
        async with sessions() as session:
            for args, group in groupby(sorted(keys, key=lambda k: repr(k[1])), key=lambda k: k[1]):
                ids = [key for key, _ in group]
                for key, value in zip(ids, await load(session, ids, args), strict=True):
                    results[key, args] = value
        return [results[key] for key in keys]

    loader: Any = DataLoader(batch_load_fn=batch)
    return loader  # type: ignore[no-any-return]


def _pages(
    by: GroupBy,
) -> Callable[[AsyncSession, Sequence[str], PageArgs], Awaitable[list[ArticlePage]]]:
    async def load(session: AsyncSession, ids: Sequence[str], args: PageArgs) -> list[ArticlePage]:
        return await queries.article_pages(session, by=by, keys=ids, args=args)

    return load


def _counts(by: GroupBy) -> Callable[[AsyncSession, Sequence[str], Viewer], Awaitable[list[int]]]:
    async def load(session: AsyncSession, ids: Sequence[str], viewer: Viewer) -> list[int]:
        return await queries.article_counts(session, by=by, keys=ids, viewer=viewer)

    return load


@dataclass(frozen=True, slots=True)
class MediaLoaders:
    article_by_id: DataLoader[str, Article | None]
    rubric_by_slug: DataLoader[str, Rubric | None]
    tags_by_article: DataLoader[uuid.UUID, list[Tag]]
    place_ids_by_article: DataLoader[uuid.UUID, list[str]]
    articles_by_place: DataLoader[tuple[str, PageArgs], ArticlePage]
    articles_by_city: DataLoader[tuple[str, PageArgs], ArticlePage]
    article_count_by_place: DataLoader[tuple[str, Viewer], int]
    article_count_by_city: DataLoader[tuple[str, Viewer], int]

    @classmethod
    def build(cls, sessions: SessionFactory) -> MediaLoaders:
        return cls(
            article_by_id=_loader(sessions, queries.load_articles),
            rubric_by_slug=_loader(sessions, queries.load_rubrics),
            tags_by_article=_loader(sessions, queries.load_tags),
            place_ids_by_article=_loader(sessions, queries.load_place_ids),
            articles_by_place=_grouped_loader(sessions, _pages("place")),
            articles_by_city=_grouped_loader(sessions, _pages("city")),
            article_count_by_place=_grouped_loader(sessions, _counts("place")),
            article_count_by_city=_grouped_loader(sessions, _counts("city")),
        )
