"""Reads of the media subgraph. Every function issues ONE SQL statement, whatever the
number of keys it is given, so DataLoaders turn a whole request's worth of lookups
(50 places' articles, 100 articles' tags) into one statement per kind.

Lists are newest first, keyset-paginated on (listed_at, id); search ranks by relevance and
pages by offset (a rank is not a stable key). Every list applies `Viewer.readable()`.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, FromClause, false, func, literal, select
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import BadUserInput
from shared.keyset import (
    Keyset,
    Page,
    grouped_keyset_pages,
    keyset_page,
    parse_datetime,
)
from shared.keyset import parse_uuid as parse_uuid_value
from shared.pagination import MAX_PAGE_SIZE, decode_cursor, encode_cursor
from shared.validation import FieldCheck
from subgraphs.media.models import Article, ArticlePlace, ArticleStatus, ArticleTag, Rubric, Tag
from subgraphs.media.text import SLUG_MAX_LENGTH, clean_search
from subgraphs.media.visibility import Viewer

__all__ = [
    "NEWEST_FIRST",
    "ArticleFilter",
    "ArticlePage",
    "GroupBy",
    "PageArgs",
    "article_by_slug",
    "article_counts",
    "article_pages",
    "list_articles",
    "list_rubrics",
    "list_tags",
    "load_articles",
    "load_place_ids",
    "load_rubrics",
    "load_tags",
    "parse_uuid",
    "search_articles",
]

GroupBy = Literal["place", "city"]
ArticlePage = Page[Article]

#: Every article list's order: publishedAt (creation time for drafts), newest first.
NEWEST_FIRST = Keyset(
    columns=(Article.listed_at, Article.id),
    parsers=(parse_datetime, parse_uuid_value),
    descending=True,
)


@dataclass(frozen=True, slots=True)
class PageArgs:
    """`first`/`after` of a connection field plus who asks (hashable: a loader key part)."""

    first: int
    after: str | None
    viewer: Viewer


@dataclass(frozen=True, slots=True)
class ArticleFilter:
    rubric_slug: str | None = None
    tag_slug: str | None = None
    theme_slug: str | None = None
    city_id: str | None = None
    place_id: str | None = None
    author_id: str | None = None
    status: ArticleStatus | None = None


def parse_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# -- by id / slug -------------------------------------------------------------------------


async def load_articles(session: AsyncSession, ids: Sequence[str]) -> list[Article | None]:
    """Articles for `ids` in order (None where absent or malformed); visibility is the
    caller's job (`Viewer.can_read`)."""
    wanted = {parsed for raw in ids if (parsed := parse_uuid(raw)) is not None}
    found: dict[uuid.UUID, Article] = {}
    if wanted:
        rows = await session.scalars(select(Article).where(Article.id.in_(wanted)))
        found = {article.id: article for article in rows}
    return [found.get(parsed) if (parsed := parse_uuid(raw)) else None for raw in ids]


async def article_by_slug(session: AsyncSession, *, slug: str, viewer: Viewer) -> Article | None:
    if len(slug) > SLUG_MAX_LENGTH:
        return None
    return await session.scalar(select(Article).where(Article.slug == slug, viewer.readable()))


async def load_rubrics(session: AsyncSession, slugs: Sequence[str]) -> list[Rubric | None]:
    rows = await session.scalars(select(Rubric).where(Rubric.slug.in_(set(slugs))))
    found = {rubric.slug: rubric for rubric in rows}
    return [found.get(slug) for slug in slugs]


async def load_tags(session: AsyncSession, article_ids: Sequence[uuid.UUID]) -> list[list[Tag]]:
    """Each article's tags, in the order the author gave them."""
    rows = await session.execute(
        select(ArticleTag.article_id, Tag)
        .join(Tag, Tag.slug == ArticleTag.tag_slug)
        .where(ArticleTag.article_id.in_(set(article_ids)))
        .order_by(ArticleTag.article_id, ArticleTag.position)
    )
    tags: dict[uuid.UUID, list[Tag]] = defaultdict(list)
    for article_id, tag in rows:
        tags[article_id].append(tag)
    return [tags.get(article_id, []) for article_id in article_ids]


async def load_place_ids(
    session: AsyncSession, article_ids: Sequence[uuid.UUID]
) -> list[list[str]]:
    """Each article's atlas place ids, in the order the author gave them."""
    rows = await session.execute(
        select(ArticlePlace.article_id, ArticlePlace.place_id)
        .where(ArticlePlace.article_id.in_(set(article_ids)))
        .order_by(ArticlePlace.article_id, ArticlePlace.position)
    )
    places: dict[uuid.UUID, list[str]] = defaultdict(list)
    for article_id, place_id in rows:
        places[article_id].append(place_id)
    return [places.get(article_id, []) for article_id in article_ids]


async def list_rubrics(session: AsyncSession) -> list[Rubric]:
    return list(await session.scalars(select(Rubric).order_by(Rubric.position, Rubric.slug)))


async def list_tags(session: AsyncSession) -> list[Tag]:
    return list(await session.scalars(select(Tag).order_by(Tag.slug)))


# -- lists --------------------------------------------------------------------------------


def _matching(where: ArticleFilter) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if where.rubric_slug is not None:
        conditions.append(Article.rubric_slug == where.rubric_slug)
    if where.theme_slug is not None:
        conditions.append(Article.themes.any_() == where.theme_slug)
    if where.city_id is not None:
        conditions.append(Article.city_id == where.city_id)
    if where.status is not None:
        conditions.append(Article.status == where.status)
    if where.author_id is not None:
        author = parse_uuid(where.author_id)
        conditions.append(Article.author_id == author if author else false())
    if where.tag_slug is not None:
        tagged = select(ArticleTag.article_id).where(ArticleTag.tag_slug == where.tag_slug)
        conditions.append(Article.id.in_(tagged))
    if where.place_id is not None:
        placed = select(ArticlePlace.article_id).where(ArticlePlace.place_id == where.place_id)
        conditions.append(Article.id.in_(placed))
    return conditions


async def list_articles(
    session: AsyncSession, *, viewer: Viewer, where: ArticleFilter, first: int, after: str | None
) -> ArticlePage:
    """Readable articles matching `where`, newest first (total in the same statement)."""
    return await keyset_page(
        session,
        entity=Article,
        keyset=NEWEST_FIRST,
        where=[viewer.readable(), *_matching(where)],
        first=first,
        after=after,
    )


async def search_articles(
    session: AsyncSession, *, viewer: Viewer, query: str, first: int, after: str | None
) -> ArticlePage:
    """Full-text search (Russian and English stemming), best match first."""
    check = FieldCheck()
    text = check("query", clean_search, query)
    if not 1 <= first <= MAX_PAGE_SIZE:
        check.errors["first"] = f"must be between 1 and {MAX_PAGE_SIZE}"
    check.done()
    limit = first
    offset = _offset(after)
    tsquery = func.websearch_to_tsquery(literal("russian").cast(REGCONFIG), text).op("||")(
        func.websearch_to_tsquery(literal("english").cast(REGCONFIG), text)
    )
    matches = Article.search.op("@@")(tsquery)
    rank = func.ts_rank_cd(Article.search, tsquery)
    rows = (
        await session.execute(
            select(Article, func.count().over())
            .where(matches, viewer.readable())
            .order_by(rank.desc(), *NEWEST_FIRST.order_by())
            .offset(offset)
            .limit(limit + 1)
        )
    ).all()
    shown = [article for article, _ in rows[:limit]]
    return Page(
        rows=shown,
        has_next_page=len(rows) > limit,
        total_count=rows[0][1] if rows else 0,
        cursors=[encode_cursor(offset + index + 1) for index in range(len(shown))],
    )


def _offset(after: str | None) -> int:
    if after is None:
        return 0
    values = decode_cursor(after)
    if len(values) != 1 or not isinstance(values[0], int) or values[0] < 0:
        raise BadUserInput({"after": "not a valid cursor"})
    return values[0]


# -- per place / per city (entity fields, batched) ----------------------------------------


def _grouping(by: GroupBy) -> tuple[ColumnElement[Any], FromClause]:
    """The column an article list is grouped by, and the rows it is read from."""
    if by == "place":
        joined = ArticlePlace.__table__.join(
            Article.__table__, ArticlePlace.article_id == Article.id
        )
        return ArticlePlace.place_id.expression, joined
    return Article.city_id.expression, Article.__table__


async def article_counts(
    session: AsyncSession, *, by: GroupBy, keys: Sequence[str], viewer: Viewer
) -> list[int]:
    """How many articles each place (or city) in `keys` has that `viewer` may read."""
    group, source = _grouping(by)
    rows = await session.execute(
        select(group, func.count())
        .select_from(source)
        .where(group.in_(set(keys)), viewer.readable())
        .group_by(group)
    )
    counts: dict[str, int] = dict(rows.all())
    return [counts.get(key, 0) for key in keys]


async def article_pages(
    session: AsyncSession, *, by: GroupBy, keys: Sequence[str], args: PageArgs
) -> list[ArticlePage]:
    """One page of readable articles per place (or city) in `keys`, in ONE statement."""
    group, source = _grouping(by)
    return await grouped_keyset_pages(
        session,
        entity=Article,
        keyset=NEWEST_FIRST,
        group=group,
        keys=keys,
        where=[args.viewer.readable()],
        source=source,
        first=args.first,
        after=args.after,
    )
