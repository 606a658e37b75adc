"""Reads of the rf subgraph. Every function issues ONE SQL statement whatever the number
of keys, so DataLoaders make each kind of lookup in a request a single statement.

Partner lists are newest first, keyset-paginated on (created_at, id); a partner's vouchers
are cheapest first on (price_points, id), expired ones left out.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Generic, TypeVar

from sqlalchemy import ColumnElement, and_, func, literal, or_, select, true, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import BadUserInput
from shared.pagination import decode_cursor, encode_cursor, page_size
from subgraphs.rf.access import Viewer
from subgraphs.rf.models import Partner, PartnerCategory, PartnerService, PartnerStatus, Voucher

__all__ = [
    "Page",
    "PartnerFilter",
    "list_partners",
    "load_partners",
    "load_services",
    "load_vouchers",
    "parse_uuid",
    "partners_by_place",
    "partners_of",
    "voucher_pages",
]


ItemT = TypeVar("ItemT")


@dataclass(frozen=True, slots=True)
class Page(Generic[ItemT]):
    items: Sequence[ItemT] = ()
    cursors: Sequence[str] = ()
    has_next_page: bool = False
    total_count: int = 0


@dataclass(frozen=True, slots=True)
class PartnerFilter:
    category: PartnerCategory | None = None
    city_id: str | None = None
    status: PartnerStatus | None = None
    russian_speaking_staff: bool | None = None


def parse_uuid(value: object) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _visible(viewer: Viewer) -> ColumnElement[bool]:
    if viewer.is_admin:
        return true()
    verified = Partner.status == PartnerStatus.VERIFIED
    return verified if viewer.user_id is None else or_(verified, Partner.owner_id == viewer.user_id)


def _keys(cursor: str | None, *, kinds: tuple[type, type]) -> tuple[object, uuid.UUID] | None:
    if cursor is None:
        return None
    values = decode_cursor(cursor)
    try:
        first, second = values
        position = (
            datetime.fromisoformat(str(first)) if kinds[0] is datetime else int(first),
            uuid.UUID(str(second)),
        )
    except ValueError as error:
        raise BadUserInput({"after": "not a valid cursor"}) from error
    if isinstance(position[0], datetime) and position[0].tzinfo is None:
        raise BadUserInput({"after": "not a valid cursor"})
    return position


# -- by key -------------------------------------------------------------------------------


async def load_partners(session: AsyncSession, ids: Sequence[str]) -> list[Partner | None]:
    """Partners for `ids`, in order; visibility is the caller's job (`Viewer.can_see`)."""
    wanted = {parsed for raw in ids if (parsed := parse_uuid(raw)) is not None}
    found: dict[uuid.UUID, Partner] = {}
    if wanted:
        found = {
            p.id: p for p in await session.scalars(select(Partner).where(Partner.id.in_(wanted)))
        }
    return [found.get(parsed) if (parsed := parse_uuid(raw)) else None for raw in ids]


async def partners_by_place(
    session: AsyncSession, place_ids: Sequence[str]
) -> list[Partner | None]:
    """The VERIFIED partner at each place (the public badge), or None."""
    rows = await session.scalars(
        select(Partner).where(
            Partner.place_id.in_(set(place_ids)), Partner.status == PartnerStatus.VERIFIED
        )
    )
    found = {partner.place_id: partner for partner in rows}
    return [found.get(place_id) for place_id in place_ids]


async def load_services(
    session: AsyncSession, partner_ids: Sequence[uuid.UUID]
) -> list[list[PartnerService]]:
    rows = await session.scalars(
        select(PartnerService)
        .where(PartnerService.partner_id.in_(set(partner_ids)))
        .order_by(PartnerService.partner_id, PartnerService.position)
    )
    services: dict[uuid.UUID, list[PartnerService]] = defaultdict(list)
    for service in rows:
        services[service.partner_id].append(service)
    return [services.get(partner_id, []) for partner_id in partner_ids]


async def load_vouchers(session: AsyncSession, ids: Sequence[str]) -> list[Voucher | None]:
    wanted = {parsed for raw in ids if (parsed := parse_uuid(raw)) is not None}
    found: dict[uuid.UUID, Voucher] = {}
    if wanted:
        found = {
            v.id: v for v in await session.scalars(select(Voucher).where(Voucher.id.in_(wanted)))
        }
    return [found.get(parsed) if (parsed := parse_uuid(raw)) else None for raw in ids]


# -- lists --------------------------------------------------------------------------------


async def list_partners(
    session: AsyncSession, *, viewer: Viewer, where: PartnerFilter, first: int, after: str | None
) -> Page[Partner]:
    """Partners the viewer may see matching `where`, newest first (total in the same
    statement, as a scalar subquery)."""
    limit = page_size(first)
    conditions = [_visible(viewer)]
    if where.category is not None:
        conditions.append(Partner.category == where.category)
    if where.city_id is not None:
        conditions.append(Partner.city_id == where.city_id)
    if where.status is not None:
        conditions.append(Partner.status == where.status)
    if where.russian_speaking_staff is not None:
        conditions.append(Partner.russian_speaking_staff == where.russian_speaking_staff)
    total = select(func.count()).select_from(Partner).where(*conditions).scalar_subquery()
    position = _keys(after, kinds=(datetime, uuid.UUID))
    if position is not None:
        conditions.append(
            tuple_(Partner.created_at, Partner.id)
            < tuple_(literal(position[0]), literal(position[1]))
        )
    rows = (
        await session.execute(
            select(Partner, total)
            .where(*conditions)
            .order_by(Partner.created_at.desc(), Partner.id.desc())
            .limit(limit + 1)
        )
    ).all()
    shown = [partner for partner, _ in rows[:limit]]
    return Page(
        items=shown,
        cursors=[encode_cursor(p.created_at.isoformat(), str(p.id)) for p in shown],
        has_next_page=len(rows) > limit,
        total_count=rows[0][1] if rows else await session.scalar(select(total)) or 0,
    )


async def partners_of(session: AsyncSession, *, owner_id: uuid.UUID) -> list[Partner]:
    """Every partner an account applied for, newest first (a handful per account)."""
    rows = await session.scalars(
        select(Partner).where(Partner.owner_id == owner_id).order_by(Partner.created_at.desc())
    )
    return list(rows)


async def voucher_pages(
    session: AsyncSession, *, partner_ids: Sequence[str], first: int, after: str | None
) -> list[Page[Voucher]]:
    """One page of on-sale-or-upcoming vouchers per partner, cheapest first, in ONE
    statement: window functions rank each partner's vouchers after the cursor and count
    them all, so the total survives the cursor."""
    limit = page_size(first)
    position = _keys(after, kinds=(int, uuid.UUID))
    after_cursor: ColumnElement[bool] = (
        true()
        if position is None
        else tuple_(Voucher.price_points, Voucher.id)
        > tuple_(literal(position[0]), literal(position[1]))
    )
    order = (Voucher.price_points, Voucher.id)
    wanted = {parsed for raw in partner_ids if (parsed := parse_uuid(raw)) is not None}
    now = datetime.now(UTC)
    inner = (
        select(
            Voucher.id.label("voucher_id"),
            func.count().over(partition_by=Voucher.partner_id).label("total"),
            func.count()
            .filter(after_cursor)
            .over(partition_by=Voucher.partner_id, order_by=order)
            .label("rank"),
            func.row_number().over(partition_by=Voucher.partner_id, order_by=order).label("row"),
            after_cursor.label("is_after"),
        )
        .where(
            Voucher.partner_id.in_(wanted),
            or_(Voucher.valid_until.is_(None), Voucher.valid_until > now),
        )
        .subquery()
    )
    rows = await session.execute(
        select(Voucher, inner.c.total, inner.c.is_after)
        .join(inner, inner.c.voucher_id == Voucher.id)
        .where(or_(and_(inner.c.is_after, inner.c.rank <= limit + 1), inner.c.row == 1))
        .order_by(Voucher.partner_id, *order)
    )
    found: dict[uuid.UUID, list[Voucher]] = defaultdict(list)
    totals: dict[uuid.UUID, int] = {}
    for voucher, total, is_after in rows:
        totals[voucher.partner_id] = total
        if is_after:
            found[voucher.partner_id].append(voucher)
    pages: list[Page[Voucher]] = []
    for raw in partner_ids:
        parsed = parse_uuid(raw)
        vouchers = found.get(parsed, []) if parsed else []
        shown = vouchers[:limit]
        pages.append(
            Page(
                items=shown,
                cursors=[encode_cursor(v.price_points, str(v.id)) for v in shown],
                has_next_page=len(vouchers) > limit,
                total_count=totals.get(parsed, 0) if parsed else 0,
            )
        )
    return pages
