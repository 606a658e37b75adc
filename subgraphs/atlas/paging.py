"""Keyset pages of atlas rows sorted by a name column, one statement for many partitions.

`keyset_pages` answers "the next `first` rows after this cursor, and the total" for every
partition at once (e.g. the places of each city a request asked for), with window functions:

    total    = count(*)       OVER (PARTITION BY p)                 -- whole partition
    position = row_number()   OVER (PARTITION BY p ORDER BY name, id)
    index    = running count of rows after the cursor, in the same order

Rows kept: those after the cursor with index <= first + 1 (the extra one says "there is a
next page"), plus each partition's first row, which carries the total when nothing is
left after the cursor. Cursors are opaque: base64 of [name, id].
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, and_, case, func, literal, or_, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from shared.errors import BadUserInput
from shared.pagination import decode_cursor, encode_cursor, page_size
from subgraphs.atlas.models import City, Guide, Place

__all__ = ["KeysetPosition", "Page", "cursor_for", "decode_position", "keyset_pages"]


RowT = TypeVar("RowT", City, Place, Guide)


@dataclass(frozen=True, slots=True)
class KeysetPosition:
    """A decoded cursor: the (name, id) of the last row the client saw."""

    name: str
    id: uuid.UUID


@dataclass(frozen=True, slots=True)
class Page(Generic[RowT]):
    items: Sequence[RowT] = field(default_factory=list)
    has_next_page: bool = False
    total_count: int = 0


def cursor_for(name: str, row_id: uuid.UUID) -> str:
    return encode_cursor(name, str(row_id))


def decode_position(cursor: str | None, *, field: str = "after") -> KeysetPosition | None:
    """The position a cursor names; None for no cursor; BAD_USER_INPUT for a bad one."""
    if cursor is None:
        return None
    values = decode_cursor(cursor, field=field)
    try:
        name, row_id = values
        return KeysetPosition(name=str(name), id=uuid.UUID(str(row_id)))
    except ValueError as error:
        raise BadUserInput({field: "not a valid cursor"}) from error


async def keyset_pages(
    session: AsyncSession,
    *,
    entity: type[RowT],
    sort: InstrumentedAttribute[str],
    partition: InstrumentedAttribute[Any] | None,
    filters: Sequence[ColumnElement[bool]],
    first: int,
    after: KeysetPosition | None,
) -> dict[Hashable, Page[RowT]]:
    """Pages keyed by partition value (None when `partition` is None), in ONE statement.

    Partitions without any row are absent from the result: their page is `Page()`.
    """
    limit = page_size(first)
    pk = entity.id
    order = [sort, pk]
    parts = [partition] if partition is not None else None
    is_after = (
        tuple_(sort, pk) > tuple_(literal(after.name), literal(after.id))
        if after is not None
        else true()
    )
    ranked = (
        select(
            pk.label("row_id"),
            func.count().over(partition_by=parts).label("total"),
            func.row_number().over(partition_by=parts, order_by=order).label("position"),
            func.sum(case((is_after, 1), else_=0))
            .over(partition_by=parts, order_by=order)
            .label("index"),
            is_after.label("is_after"),
        )
        .where(*filters)
        .subquery()
    )
    statement = (
        select(entity, ranked.c.total, ranked.c.index, ranked.c.is_after)
        .join(ranked, pk == ranked.c.row_id)
        .where(or_(and_(ranked.c.is_after, ranked.c.index <= limit + 1), ranked.c.position == 1))
        .order_by(*([partition] if partition is not None else []), ranked.c.position)
    )
    items: defaultdict[Hashable, list[RowT]] = defaultdict(list)
    totals: dict[Hashable, int] = {}
    more: set[Hashable] = set()
    for row, total, index, row_is_after in await session.execute(statement):
        key: Hashable = getattr(row, partition.key) if partition is not None else None
        totals[key] = total
        if not row_is_after:
            continue
        if index <= limit:
            items[key].append(row)
        else:
            more.add(key)
    return {
        key: Page(items=items[key], has_next_page=key in more, total_count=total)
        for key, total in totals.items()
    }
