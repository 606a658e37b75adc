"""Per-request DataLoaders: each kind of lookup in a request is ONE SQL statement.

Keys of the per-place / per-city loaders carry the connection arguments and the viewer
(`PageArgs`), so a batch is split by distinct arguments — in practice one statement for
every `Place.articles(first: 3)` of a response.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import SessionFactory
from shared.loaders import batch_loader, grouped_batch_loader
from subgraphs.media import queries
from subgraphs.media.models import Article, Rubric, Tag
from subgraphs.media.queries import ArticlePage, GroupBy, PageArgs
from subgraphs.media.visibility import Viewer

__all__ = ["MediaLoaders"]


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
            article_by_id=batch_loader(sessions, queries.load_articles),
            rubric_by_slug=batch_loader(sessions, queries.load_rubrics),
            tags_by_article=batch_loader(sessions, queries.load_tags),
            place_ids_by_article=batch_loader(sessions, queries.load_place_ids),
            articles_by_place=grouped_batch_loader(sessions, _pages("place")),
            articles_by_city=grouped_batch_loader(sessions, _pages("city")),
            article_count_by_place=grouped_batch_loader(sessions, _counts("place")),
            article_count_by_city=grouped_batch_loader(sessions, _counts("city")),
        )
