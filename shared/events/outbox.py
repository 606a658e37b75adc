"""Producer side: `emit` writes an event into the caller's transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import orjson
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import service_of
from shared.events.envelope import Event
from shared.events.topology import EVENT_TYPES
from shared.tables import platform_tables

__all__ = ["emit", "outbox_channel"]


def outbox_channel(service: str) -> str:
    """The Postgres NOTIFY channel that wakes `service`'s dispatcher."""
    return f"g2a_outbox_{service}"


async def emit(
    session: AsyncSession, event_type: str, payload: dict[str, Any], *, version: int = 1
) -> Event:
    """Record `event_type` in this subgraph's outbox, inside the session's transaction.

    The event exists if and only if the transaction commits; the dispatcher delivers it
    afterwards. The payload is normalised to plain JSON here, so a bad payload fails the
    caller's transaction instead of the dispatcher.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}; add it to shared.events.topology")
    service = service_of(session)
    event = Event(
        id=uuid.uuid4(),
        type=event_type,
        version=version,
        occurred_at=datetime.now(UTC),
        source=service,
        payload=orjson.loads(orjson.dumps(payload)),
    )
    outbox = platform_tables(service).outbox
    await session.execute(
        insert(outbox).values(
            id=event.id,
            type=event.type,
            version=event.version,
            occurred_at=event.occurred_at,
            payload=event.payload,
        )
    )
    # Delivered by Postgres only if this transaction commits; several per transaction fold.
    await session.execute(select(func.pg_notify(outbox_channel(service), "")))
    return event
