"""Per-request DataLoaders: each kind of lookup in a request is ONE SQL statement.

`vouchers_by_partner` is keyed by (partner id, (first, after)): one statement per distinct
page arguments, in practice one for every `Partner.vouchers(first: 3)` of a response.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from aiodataloader import DataLoader
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import SessionFactory
from shared.keyset import Page
from shared.loaders import batch_loader, grouped_batch_loader
from subgraphs.rf import queries
from subgraphs.rf.models import Partner, PartnerService, Voucher

__all__ = ["PageArgs", "RfLoaders"]

#: (first, after) of a connection field.
PageArgs = tuple[int, str | None]


async def _voucher_pages(
    session: AsyncSession, partner_ids: Sequence[str], args: PageArgs
) -> list[Page[Voucher]]:
    first, after = args
    return await queries.voucher_pages(session, partner_ids=partner_ids, first=first, after=after)


@dataclass(frozen=True, slots=True)
class RfLoaders:
    partner_by_id: DataLoader[str, Partner | None]
    partner_by_place: DataLoader[str, Partner | None]
    services_by_partner: DataLoader[uuid.UUID, list[PartnerService]]
    voucher_by_id: DataLoader[str, Voucher | None]
    vouchers_by_partner: DataLoader[tuple[str, PageArgs], Page[Voucher]]

    @classmethod
    def build(cls, sessions: SessionFactory) -> RfLoaders:
        return cls(
            partner_by_id=batch_loader(sessions, queries.load_partners),
            partner_by_place=batch_loader(sessions, queries.partners_by_place),
            services_by_partner=batch_loader(sessions, queries.load_services),
            voucher_by_id=batch_loader(sessions, queries.load_vouchers),
            vouchers_by_partner=grouped_batch_loader(sessions, _voucher_pages),
        )
