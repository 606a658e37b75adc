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

from sqlalchemy import ColumnElement, false, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from shared.keyset import (
    Keyset,
    Page,
    grouped_keyset_pages,
    keyset_page,
    parse_datetime,
    parse_int,
)
from shared.keyset import parse_uuid as parse_uuid_value
from subgraphs.rf.access import Viewer
from subgraphs.rf.models import Partner, PartnerCategory, PartnerService, PartnerStatus, Voucher

__all__ = [
    "CHEAPEST_FIRST",
    "NEWEST_FIRST",
    "PartnerFilter",
    "VoucherFilter",
    "list_partners",
    "list_vouchers",
    "load_partners",
    "load_services",
    "load_vouchers",
    "parse_uuid",
    "partners_by_place",
    "partners_of",
    "voucher_pages",
]

#: Partner lists: newest application first.
NEWEST_FIRST = Keyset(
    columns=(Partner.created_at, Partner.id),
    parsers=(parse_datetime, parse_uuid_value),
    descending=True,
)
#: A partner's vouchers: cheapest first.
CHEAPEST_FIRST = Keyset(
    columns=(Voucher.price_points, Voucher.id), parsers=(parse_int, parse_uuid_value)
)


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
    statement)."""
    conditions = [_visible(viewer)]
    if where.category is not None:
        conditions.append(Partner.category == where.category)
    if where.city_id is not None:
        conditions.append(Partner.city_id == where.city_id)
    if where.status is not None:
        conditions.append(Partner.status == where.status)
    if where.russian_speaking_staff is not None:
        conditions.append(Partner.russian_speaking_staff == where.russian_speaking_staff)
    return await keyset_page(
        session, entity=Partner, keyset=NEWEST_FIRST, where=conditions, first=first, after=after
    )


async def partners_of(session: AsyncSession, *, owner_id: str) -> list[Partner]:
    """Every partner an account applied for, newest first (a handful per account)."""
    owner = parse_uuid(owner_id)
    if owner is None:
        return []
    rows = await session.scalars(
        select(Partner).where(Partner.owner_id == owner).order_by(*NEWEST_FIRST.order_by())
    )
    return list(rows)


@dataclass(frozen=True, slots=True)
class VoucherFilter:
    city_id: str | None = None
    partner_id: str | None = None
    max_price_points: int | None = None


def _on_sale_or_upcoming() -> ColumnElement[bool]:
    return or_(Voucher.valid_until.is_(None), Voucher.valid_until > func.now())


async def list_vouchers(
    session: AsyncSession, *, where: VoucherFilter, first: int, after: str | None
) -> Page[Voucher]:
    """On-sale and upcoming vouchers of VERIFIED partners matching `where`, cheapest first
    (total in the same statement)."""
    partners = select(Partner.id).where(Partner.status == PartnerStatus.VERIFIED)
    if where.city_id is not None:
        partners = partners.where(Partner.city_id == where.city_id)
    conditions = [_on_sale_or_upcoming(), Voucher.partner_id.in_(partners)]
    if where.partner_id is not None:
        partner = parse_uuid(where.partner_id)
        conditions.append(Voucher.partner_id == partner if partner else false())
    if where.max_price_points is not None:
        conditions.append(Voucher.price_points <= where.max_price_points)
    return await keyset_page(
        session, entity=Voucher, keyset=CHEAPEST_FIRST, where=conditions, first=first, after=after
    )


async def voucher_pages(
    session: AsyncSession, *, partner_ids: Sequence[str], first: int, after: str | None
) -> list[Page[Voucher]]:
    """One page per partner of its on-sale and upcoming vouchers (expired ones left out),
    cheapest first, in ONE statement."""
    keys = [parse_uuid(raw) for raw in partner_ids]
    pages = await grouped_keyset_pages(
        session,
        entity=Voucher,
        keyset=CHEAPEST_FIRST,
        group=Voucher.partner_id,
        keys=[key for key in keys if key is not None],
        where=[_on_sale_or_upcoming()],
        first=first,
        after=after,
    )
    found = iter(pages)
    return [next(found) if key is not None else Page() for key in keys]
