"""Demo partners and vouchers of `subgraphs/rf/demo` (run once by `python -m shared.seed rf`).

Every demo partner is managed by the demo PARTNER account; vouchers go on sale on a fixed
date, open-ended, so reloading gives the same rows.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from shared.geo import GeoPointInput
from shared.identity import Identity, Role
from subgraphs.rf.demo import load_partners, load_vouchers
from subgraphs.rf.models import PartnerCategory, PartnerStatus
from subgraphs.rf.service import (
    PartnerApplication,
    ServiceOffer,
    VoucherDraft,
    apply_as_partner,
    create_voucher,
)
from subgraphs.users.seed import demo_user_id

SEED_VERSION = 1

DEMO_OWNER_EMAIL = "partner@go2asia.dev"
VOUCHERS_ON_SALE_FROM = datetime(2026, 1, 1, tzinfo=UTC)


async def seed(session: AsyncSession) -> None:
    owner = Identity(user_id=str(demo_user_id(DEMO_OWNER_EMAIL)), role=Role.PARTNER)
    # Through the service, so demo rows obey the same rules as applications do.
    for row in load_partners():
        await apply_as_partner(
            session,
            identity=owner,
            application=PartnerApplication(
                name=row.name,
                category=PartnerCategory(row.category),
                description=row.description_ru,
                location=GeoPointInput(lat=row.lat, lng=row.lng),
                russian_speaking_staff=row.russian_speaking_staff,
                place_id=None if row.place_id is None else str(row.place_id),
                city_id=str(row.city_id),
                services=[
                    ServiceOffer(
                        title=offer.title_ru, price_minor=offer.price_minor, currency=offer.currency
                    )
                    for offer in row.services
                ],
            ),
            status=PartnerStatus(row.status),
            partner_id=row.id,
        )
    for voucher in load_vouchers():
        await create_voucher(
            session,
            identity=owner,
            partner_id=str(voucher.partner_id),
            draft=VoucherDraft(
                title=voucher.title_ru,
                description=voucher.description_ru,
                price_points=voucher.price_points,
                stock=voucher.stock,
                usable_days=voucher.validity_days,
                valid_from=VOUCHERS_ON_SALE_FROM,
            ),
            voucher_id=voucher.id,
        )
