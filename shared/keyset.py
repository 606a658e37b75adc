"""Keyset pagination over SQLAlchemy rows: one list, or one page per group, each in ONE
SQL statement, and the Relay connection built from the result.

A `Keyset` names the columns a list is ordered by (the last one unique, usually the id) and
how to read each value back from an opaque cursor (`shared.pagination.encode_cursor`).

`keyset_page` pages one list; its total comes in the same statement as a scalar subquery.
`grouped_keyset_pages` answers "the next `first` rows after this cursor, and the total" for
many groups at once (e.g. the articles of each of 50 places a request asked for), with
window functions:

    total      = count(*)                   OVER (PARTITION BY g)
    position   = count(*) FILTER (after)    OVER (PARTITION BY g ORDER BY keyset)
    row_number = row_number()               OVER (PARTITION BY g ORDER BY keyset)

Rows kept: those after the cursor with position <= first + 1 (the extra one says "there is
a next page"), plus each group's first row, which carries the total when the cursor is past
every row of the group. Each group is scanned whole, so this suits the bounded lists
entities carry (a place's articles), not unbounded ones.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, FromClause, and_, func, inspect, literal, or_, select, true
from sqlalchemy import tuple_ as sql_tuple
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shared.errors import BadUserInput
from shared.pagination import Connection, Edge, PageInfo, decode_cursor, encode_cursor, page_size

__all__ = [
    "Keyset",
    "Page",
    "connection",
    "grouped_keyset_pages",
    "keyset_page",
    "parse_datetime",
    "parse_int",
    "parse_uuid",
]

RowT = TypeVar("RowT")
NodeT = TypeVar("NodeT")
Parse = Callable[[str | int], Any]


def parse_datetime(value: str | int) -> datetime:
    """An ISO-8601 timestamp with a time zone; ValueError otherwise."""
    parsed = datetime.fromisoformat(str(value))
    if parsed.tzinfo is None:
        raise ValueError("naive timestamp")
    return parsed


def parse_uuid(value: str | int) -> uuid.UUID:
    return uuid.UUID(str(value))


def parse_int(value: str | int) -> int:
    if not isinstance(value, int):
        raise TypeError("not an integer")
    return value


def _cursor_value(value: object) -> str | int:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return str(value)


@dataclass(frozen=True, slots=True)
class Keyset:
    """The order of a list: `columns` (the last one unique), each read back from a cursor
    by the parser at the same index; all ascending or all descending."""

    columns: tuple[InstrumentedAttribute[Any], ...]
    parsers: tuple[Parse, ...]
    descending: bool = False

    def __post_init__(self) -> None:
        if not self.columns or len(self.columns) != len(self.parsers):
            raise ValueError("a keyset needs one parser per column")

    def order_by(self) -> list[ColumnElement[Any]]:
        return [column.desc() if self.descending else column.asc() for column in self.columns]

    def cursor(self, row: object) -> str:
        return encode_cursor(*(_cursor_value(getattr(row, column.key)) for column in self.columns))

    def after(self, cursor: str | None, *, field: str = "after") -> ColumnElement[bool]:
        """SQL: the rows strictly after `cursor` (everything when it is None)."""
        if cursor is None:
            return true()
        values = decode_cursor(cursor, field=field)
        if len(values) != len(self.columns):
            raise BadUserInput({field: "not a valid cursor"})
        try:
            position = [parse(value) for parse, value in zip(self.parsers, values, strict=True)]
        except (ValueError, TypeError) as error:
            raise BadUserInput({field: "not a valid cursor"}) from error
        row = sql_tuple(*self.columns)
        seen = sql_tuple(*(literal(value) for value in position))
        return row < seen if self.descending else row > seen


@dataclass(frozen=True, slots=True)
class Page(Generic[RowT]):
    rows: Sequence[RowT] = ()
    cursors: Sequence[str] = ()
    has_next_page: bool = False
    total_count: int = 0

    @classmethod
    def of(cls, rows: Sequence[RowT], *, keyset: Keyset, limit: int, total: int) -> Page[RowT]:
        """The first `limit` of `rows` (one more means there is a next page)."""
        shown = list(rows[:limit])
        return cls(
            rows=shown,
            cursors=[keyset.cursor(row) for row in shown],
            has_next_page=len(rows) > limit,
            total_count=total,
        )


def connection(page: Page[RowT], node: Callable[[RowT], NodeT]) -> Connection[NodeT]:
    """The Relay connection of `page`, each row turned into a GraphQL node by `node`."""
    edges = [
        Edge(cursor=cursor, node=node(row))
        for row, cursor in zip(page.rows, page.cursors, strict=True)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page, end_cursor=edges[-1].cursor if edges else None
        ),
        total_count=page.total_count,
    )


async def keyset_page(
    session: AsyncSession,
    *,
    entity: type[RowT],
    keyset: Keyset,
    where: Sequence[ColumnElement[bool]],
    first: int,
    after: str | None,
) -> Page[RowT]:
    """The rows of `entity` matching `where`, after the cursor, in keyset order. One
    statement (the total is a scalar subquery), two when the cursor is past the last row."""
    limit = page_size(first)
    total = select(func.count()).select_from(entity).where(*where).scalar_subquery()
    rows = (
        await session.execute(
            select(entity, total)
            .where(*where, keyset.after(after))
            .order_by(*keyset.order_by())
            .limit(limit + 1)
        )
    ).all()
    if rows:
        return Page.of([row for row, _ in rows], keyset=keyset, limit=limit, total=rows[0][1])
    if after is None:
        return Page()
    return Page(total_count=await session.scalar(select(total)) or 0)


async def grouped_keyset_pages(
    session: AsyncSession,
    *,
    entity: type[RowT],
    keyset: Keyset,
    group: ColumnElement[Any] | InstrumentedAttribute[Any],
    keys: Sequence[Hashable],
    where: Sequence[ColumnElement[bool]] = (),
    source: FromClause | None = None,
    first: int,
    after: str | None,
) -> list[Page[RowT]]:
    """One page per key of `keys` (values of `group`), in their order, in ONE statement.
    `source` is what to select from when `group` lives in another table (a join)."""
    limit = page_size(first)
    after_cursor = keyset.after(after)
    order = keyset.order_by()
    [primary_key] = inspect(entity).primary_key
    inner = select(
        primary_key.label("row_id"),
        group.label("group_key"),
        func.count().over(partition_by=group).label("total"),
        func.count()
        .filter(after_cursor)
        .over(partition_by=group, order_by=order)
        .label("position"),
        func.row_number().over(partition_by=group, order_by=order).label("row_number"),
        after_cursor.label("is_after"),
    )
    if source is not None:
        inner = inner.select_from(source)
    ranked = inner.where(group.in_(set(keys)), *where).subquery()
    rows = await session.execute(
        select(entity, ranked.c.group_key, ranked.c.total, ranked.c.is_after)
        .join(ranked, ranked.c.row_id == primary_key)
        .where(
            or_(and_(ranked.c.is_after, ranked.c.position <= limit + 1), ranked.c.row_number == 1)
        )
        .order_by(ranked.c.group_key, *order)
    )
    found: dict[Hashable, list[RowT]] = defaultdict(list)
    totals: dict[Hashable, int] = {}
    for row, key, total, is_after in rows:
        totals[key] = total
        if is_after:
            found[key].append(row)
    return [
        Page.of(found.get(key, []), keyset=keyset, limit=limit, total=totals.get(key, 0))
        for key in keys
    ]
