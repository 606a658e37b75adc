"""What the rf subgraph emits and consumes.

Emits `partner_verified` (v1) in the verifying transaction, with the partner's location so
guru can index it without reading rf's tables.

Consumes the points subgraph's answers to a voucher purchase (the buying flow itself
arrives with points): `points_spent` / `points_spend_failed`, v1 payloads carrying
`purchaseId` when the spend was for a voucher. A known REQUESTED purchase is settled
(`voucher_purchased` is emitted on success; stock is returned on failure); anything else —
no purchaseId, an unknown or already settled purchase — is recorded as processed (the
inbox) and otherwise ignored.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import ConsumerRegistry, Event, emit
from subgraphs.rf import purchases
from subgraphs.rf.models import Partner, Voucher, VoucherPurchase

__all__ = [
    "PARTNER_VERIFIED",
    "VOUCHER_PURCHASED",
    "consumers",
    "emit_partner_verified",
    "emit_voucher_purchased",
]

PARTNER_VERIFIED = "partner_verified"
VOUCHER_PURCHASED = "voucher_purchased"

consumers = ConsumerRegistry()


async def emit_partner_verified(session: AsyncSession, *, partner: Partner) -> None:
    """Payload v1: partnerId, name, category, ownerId, placeId, cityId, location {lat, lng},
    russianSpeakingStaff, verifiedAt."""
    assert partner.verified_at is not None
    payload: dict[str, Any] = {
        "partnerId": str(partner.id),
        "name": partner.name,
        "category": partner.category.value,
        "ownerId": str(partner.owner_id),
        "placeId": partner.place_id,
        "cityId": partner.city_id,
        "location": {"lat": partner.lat, "lng": partner.lng},
        "russianSpeakingStaff": partner.russian_speaking_staff,
        "verifiedAt": partner.verified_at.isoformat(),
    }
    await emit(session, PARTNER_VERIFIED, payload, version=1)


async def emit_voucher_purchased(
    session: AsyncSession, *, purchase: VoucherPurchase, voucher: Voucher
) -> None:
    """Payload v1: purchaseId, voucherId, partnerId, buyerId, pricePoints, purchasedAt."""
    assert purchase.settled_at is not None
    payload: dict[str, Any] = {
        "purchaseId": str(purchase.id),
        "voucherId": str(voucher.id),
        "partnerId": str(voucher.partner_id),
        "buyerId": str(purchase.buyer_id),
        "pricePoints": purchase.price_points,
        "purchasedAt": purchase.settled_at.isoformat(),
    }
    await emit(session, VOUCHER_PURCHASED, payload, version=1)


@consumers.consumer("points_spent")
async def confirm_purchase(session: AsyncSession, event: Event) -> None:
    settled = await purchases.settle(
        session, purchase_id=event.payload.get("purchaseId"), succeeded=True
    )
    if settled is not None:
        await emit_voucher_purchased(session, purchase=settled[0], voucher=settled[1])


@consumers.consumer("points_spend_failed")
async def fail_purchase(session: AsyncSession, event: Event) -> None:
    reason = event.payload.get("reason")
    await purchases.settle(
        session,
        purchase_id=event.payload.get("purchaseId"),
        succeeded=False,
        reason=str(reason)[:500] if reason is not None else "points could not be spent",
    )
