"""Settling voucher purchases when the points subgraph answers (see `events`)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.rf.models import PurchaseStatus, Voucher, VoucherPurchase

__all__ = ["settle"]

logger = logging.getLogger(__name__)


async def settle(
    session: AsyncSession, *, purchase_id: object, succeeded: bool, reason: str | None = None
) -> tuple[VoucherPurchase, Voucher] | None:
    """REQUESTED -> CONFIRMED (`succeeded`) or FAILED with its stock returned. Returns the
    purchase and voucher when it settled one, None when there was nothing to settle."""
    try:
        parsed = uuid.UUID(str(purchase_id)) if purchase_id is not None else None
    except ValueError:
        parsed = None
    purchase = (
        None if parsed is None else await session.get(VoucherPurchase, parsed, with_for_update=True)
    )
    if purchase is None or purchase.status is not PurchaseStatus.REQUESTED:
        logger.info(
            "points answer ignored: no pending voucher purchase",
            extra={"purchase_id": str(purchase_id)},
        )
        return None
    purchase.status = PurchaseStatus.CONFIRMED if succeeded else PurchaseStatus.FAILED
    purchase.settled_at = datetime.now(UTC)
    purchase.failure_reason = None if succeeded else reason
    if not succeeded:
        await session.execute(
            update(Voucher)
            .where(Voucher.id == purchase.voucher_id)
            .values(stock=Voucher.stock + 1, updated_at=purchase.settled_at)
        )
    voucher = await session.get_one(Voucher, purchase.voucher_id)
    return purchase, voucher
