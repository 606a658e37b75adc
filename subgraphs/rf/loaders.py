"""Per-request DataLoaders: each kind of lookup in a request is ONE SQL statement."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any, TypeVar

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import SessionFactory
from shared.keyset import Page
from subgraphs.rf import queries
from subgraphs.rf.models import Partner, PartnerService, Voucher

__all__ = ["RfLoaders", "VoucherPageKey"]

KeyT = TypeVar("KeyT")
ValueT = TypeVar("ValueT")

#: (partner id, first, after)
VoucherPageKey = tuple[str, int, str | None]


def _loader(
    sessions: SessionFactory,
    load: Callable[[AsyncSession, Sequence[KeyT]], Awaitable[list[ValueT]]],
) -> DataLoader[KeyT, ValueT]:
    async def batch(keys: Sequence[KeyT]) -> list[ValueT]:
        async with sessions() as session:
            return await load(session, keys)

    loader: Any = DataLoader(batch_load_fn=batch)
    return loader  # type: ignore[no-any-return]


async def _voucher_pages(
    session: AsyncSession, keys: Sequence[VoucherPageKey]
) -> list[Page[Voucher]]:
    """One statement per distinct (first, after): in practice one for the whole response."""
    pages: dict[VoucherPageKey, Page[Voucher]] = {}
    for (first, after), group in groupby(
        sorted(keys, key=lambda key: (key[1], key[2] or "")), key=lambda key: (key[1], key[2])
    ):
        partner_ids = [key[0] for key in group]
        found = await queries.voucher_pages(
            session, partner_ids=partner_ids, first=first, after=after
        )
        pages.update(
            {(pid, first, after): page for pid, page in zip(partner_ids, found, strict=True)}
        )
    return [pages[key] for key in keys]


@dataclass(frozen=True, slots=True)
class RfLoaders:
    partner_by_id: DataLoader[str, Partner | None]
    partner_by_place: DataLoader[str, Partner | None]
    services_by_partner: DataLoader[uuid.UUID, list[PartnerService]]
    voucher_by_id: DataLoader[str, Voucher | None]
    vouchers_by_partner: DataLoader[VoucherPageKey, Page[Voucher]]

    @classmethod
    def build(cls, sessions: SessionFactory) -> RfLoaders:
        return cls(
            partner_by_id=_loader(sessions, queries.load_partners),
            partner_by_place=_loader(sessions, queries.partners_by_place),
            services_by_partner=_loader(sessions, queries.load_services),
            voucher_by_id=_loader(sessions, queries.load_vouchers),
            vouchers_by_partner=_loader(sessions, _voucher_pages),
        )
