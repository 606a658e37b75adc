"""rf's consumers: the points subgraph's answers settle voucher purchases, exactly once."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import orjson
from fastapi import FastAPI
from rf_support import apply, create_voucher, new_id, verify
from sqlalchemy import func, insert, select

from shared.events import SIGNATURE_HEADER, Event, consumed_by, sign_body
from shared.identity import Role
from shared.tables import platform_tables
from subgraphs.rf.events import consumers
from subgraphs.rf.models import PurchaseStatus, Voucher, VoucherPurchase

TEST_INTERNAL_SECRET = "test-internal-identity-secret"
OUTBOX = platform_tables("rf").outbox
Headers = Callable[..., dict[str, str]]


def test_rf_handles_exactly_what_the_topology_routes_to_it() -> None:
    assert consumers.event_types == consumed_by("rf") == {"points_spent", "points_spend_failed"}


async def deliver(client: httpx.AsyncClient, event_type: str, payload: dict[str, Any]) -> str:
    event = Event(
        id=uuid.uuid4(),
        type=event_type,
        version=1,
        occurred_at=datetime.now(UTC),
        source="points",
        payload=payload,
    )
    return await redeliver(client, event)


async def redeliver(client: httpx.AsyncClient, event: Event) -> str:
    body = event.to_json()
    response = await client.post(
        "/events",
        content=body,
        headers={SIGNATURE_HEADER: sign_body(body, secret=TEST_INTERNAL_SECRET)},
    )
    assert response.status_code == 200, response.text
    status: str = orjson.loads(response.content)["status"]
    return status


async def requested_purchase(
    app: FastAPI, client: httpx.AsyncClient, identity_headers: Headers
) -> tuple[str, str]:
    """A verified partner's voucher with one purchase REQUESTED (its stock already held)."""
    owner = identity_headers(new_id(), Role.USER)
    partner = await apply(client, owner)
    await verify(client, identity_headers(new_id(), Role.ADMIN), partner["id"])
    voucher = await create_voucher(client, owner, partner["id"], stock=4, pricePoints=120)
    purchase_id = uuid.uuid4()
    async with app.state.subgraph.sessions() as session:
        await session.execute(
            insert(VoucherPurchase).values(
                id=purchase_id,
                voucher_id=uuid.UUID(voucher["id"]),
                buyer_id=uuid.uuid4(),
                price_points=120,
                status=PurchaseStatus.REQUESTED,
                requested_at=datetime.now(UTC),
            )
        )
        await session.commit()
    return str(purchase_id), voucher["id"]


async def purchase_state(app: FastAPI, purchase_id: str, voucher_id: str) -> tuple[str, int, int]:
    async with app.state.subgraph.sessions() as session:
        purchase = await session.get_one(VoucherPurchase, uuid.UUID(purchase_id))
        voucher = await session.get_one(Voucher, uuid.UUID(voucher_id))
        events = await session.scalar(
            select(func.count())
            .select_from(OUTBOX)
            .where(OUTBOX.c.payload["purchaseId"].astext == purchase_id)
        )
    return purchase.status.value, voucher.stock, events or 0


async def test_points_spent_confirms_the_purchase_once_and_emits_voucher_purchased(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    purchase_id, voucher_id = await requested_purchase(app, client, identity_headers)
    event = Event(
        id=uuid.uuid4(),
        type="points_spent",
        version=1,
        occurred_at=datetime.now(UTC),
        source="points",
        payload={"purchaseId": purchase_id, "userId": new_id(), "amount": 120},
    )

    first = await redeliver(client, event)
    second = await redeliver(client, event)

    assert (first, second) == ("applied", "duplicate")
    assert await purchase_state(app, purchase_id, voucher_id) == ("CONFIRMED", 4, 1)


async def test_points_spend_failed_fails_the_purchase_and_returns_the_stock(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    purchase_id, voucher_id = await requested_purchase(app, client, identity_headers)

    status = await deliver(
        client, "points_spend_failed", {"purchaseId": purchase_id, "reason": "INSUFFICIENT_POINTS"}
    )
    # A late success for a settled purchase changes nothing.
    late = await deliver(client, "points_spent", {"purchaseId": purchase_id})

    assert (status, late) == ("applied", "applied")
    assert await purchase_state(app, purchase_id, voucher_id) == ("FAILED", 5, 0)


async def test_spends_that_are_not_voucher_purchases_are_recorded_and_ignored(
    rf_app: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = rf_app
    async with app.state.subgraph.sessions() as session:
        outbox_before = await session.scalar(select(func.count()).select_from(OUTBOX))

    statuses = [
        await deliver(client, "points_spent", {"withdrawalId": new_id(), "amount": 10}),
        await deliver(client, "points_spent", {"purchaseId": new_id()}),
        await deliver(client, "points_spend_failed", {"purchaseId": "not-a-uuid"}),
    ]

    assert statuses == ["applied", "applied", "applied"]
    async with app.state.subgraph.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(OUTBOX)) == outbox_before
