"""Delivers committed outbox events to their consumers, at least once.

Two steps per round, each its own short transaction, each claiming rows with
`FOR UPDATE SKIP LOCKED` so any number of replicas can run side by side:

1. fan-out: undispatched outbox rows -> one `outbox_delivery` row per reachable consumer;
2. deliver: due, undelivered delivery rows -> transport; success marks the row delivered,
   failure bumps `attempts` and pushes `next_attempt_at` back exponentially.

One consumer failing never holds back or re-delivers to the others: each has its own row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import AsyncIterator, Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.db import SessionFactory, transaction
from shared.events.envelope import Event
from shared.events.outbox import outbox_channel
from shared.events.topology import TOPOLOGY, consumers_of
from shared.events.transport import DeliveryError, Transport
from shared.tables import platform_tables

__all__ = ["Dispatcher", "RetryPolicy"]

logger = logging.getLogger(__name__)

_PURGE_EVERY = timedelta(hours=1)


def _utcnow() -> datetime:
    return datetime.now(UTC)


class RetryPolicy:
    """Exponential backoff with full jitter, capped."""

    def __init__(self, *, base_seconds: float, max_seconds: float, jitter: bool = True) -> None:
        self.base_seconds = base_seconds
        self.max_seconds = max_seconds
        self.jitter = jitter

    def delay(self, attempts: int) -> timedelta:
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** min(attempts - 1, 30))
        seconds = random.uniform(ceiling / 2, ceiling) if self.jitter else ceiling  # noqa: S311
        return timedelta(seconds=seconds)


class Dispatcher:
    def __init__(
        self,
        *,
        service: str,
        sessions: SessionFactory,
        transport: Transport,
        retry: RetryPolicy,
        topology: Mapping[str, frozenset[str]] = TOPOLOGY,
        batch_size: int = 50,
        poll_interval: float = 0.5,
        clock: Callable[[], datetime] = _utcnow,
        notifications: AsyncEngine | None = None,
        retention: timedelta = timedelta(days=7),
    ) -> None:
        """`notifications`: an engine to LISTEN on, so a commit that emitted wakes the
        dispatcher at once; without it (or if LISTEN fails) it only polls."""
        self._service = service
        self._sessions = sessions
        self._transport = transport
        self._retry = retry
        self._topology = topology
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._clock = clock
        self._notifications = notifications
        self._retention = retention
        self._next_purge = clock()
        self._tables = platform_tables(service)
        self._task: asyncio.Task[None] | None = None
        self._warned_unreachable: set[str] = set()

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name=f"outbox-dispatcher-{self._service}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        wake = asyncio.Event()
        async with self._listening(wake):
            while True:
                try:
                    busy = await self.run_once()
                    if self._clock() >= self._next_purge:
                        self._next_purge = self._clock() + _PURGE_EVERY
                        await self.purge(older_than=self._retention)
                except Exception:
                    logger.exception("outbox dispatcher round failed")
                    busy = 0
                if not busy:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), self._poll_interval)
                    wake.clear()

    @contextlib.asynccontextmanager
    async def _listening(self, wake: asyncio.Event) -> AsyncIterator[None]:
        """LISTEN on this subgraph's outbox channel for as long as the dispatcher runs.

        `emit` NOTIFYs inside the emitting transaction, and Postgres delivers a notification
        only when (and if) that transaction commits: no wake-up for rolled-back events.
        """
        channel = outbox_channel(self._service)

        def on_notify(*_: object) -> None:
            wake.set()

        connection: AsyncConnection | None = None
        driver: Any = None
        if self._notifications is not None:
            try:
                connection = await self._notifications.connect()
                driver = (await connection.get_raw_connection()).driver_connection
                await driver.add_listener(channel, on_notify)
            except Exception:
                logger.warning("LISTEN %s failed; polling only", channel, exc_info=True)
        try:
            yield
        finally:
            if driver is not None:
                with contextlib.suppress(Exception):
                    await driver.remove_listener(channel, on_notify)
            if connection is not None:
                await connection.close()

    # -- one round ---------------------------------------------------------------------------

    async def run_once(self) -> int:
        """Fan out new events and attempt due deliveries; return how much work was done."""
        fanned_out = await self._fan_out()
        attempted = await self._deliver_due()
        return fanned_out + attempted

    async def purge(self, *, older_than: timedelta) -> int:
        """Delete events dispatched more than `older_than` ago whose every delivery succeeded
        (their delivery rows go with them); return how many were deleted."""
        outbox, deliveries = self._tables.outbox, self._tables.outbox_delivery
        pending = select(deliveries.c.event_id).where(
            deliveries.c.event_id == outbox.c.id, deliveries.c.delivered_at.is_(None)
        )
        async with transaction(self._sessions) as session:
            deleted = await session.execute(
                delete(outbox)
                .where(
                    outbox.c.dispatched_at < self._clock() - older_than,
                    ~pending.exists(),
                )
                .returning(outbox.c.id)
            )
            return len(deleted.all())

    async def _fan_out(self) -> int:
        outbox, deliveries = self._tables.outbox, self._tables.outbox_delivery
        now = self._clock()
        async with transaction(self._sessions) as session:
            rows = (
                await session.execute(
                    select(outbox.c.id, outbox.c.type)
                    .where(outbox.c.dispatched_at.is_(None))
                    .order_by(outbox.c.occurred_at, outbox.c.id)
                    .limit(self._batch_size)
                    .with_for_update(skip_locked=True)
                )
            ).all()
            if not rows:
                return 0
            targets = [
                {"event_id": row.id, "consumer": consumer, "next_attempt_at": now}
                for row in rows
                for consumer in sorted(self._reachable(row.type))
            ]
            if targets:
                await session.execute(insert(deliveries).values(targets).on_conflict_do_nothing())
            await session.execute(
                update(outbox)
                .where(outbox.c.id.in_([row.id for row in rows]))
                .values(dispatched_at=now)
            )
        return len(rows)

    def _reachable(self, event_type: str) -> frozenset[str]:
        wanted = consumers_of(event_type, self._topology)
        for consumer in wanted - self._transport.consumers - self._warned_unreachable:
            self._warned_unreachable.add(consumer)
            logger.warning(
                "consumer %s of %s is not deployed; its events are not delivered",
                consumer,
                event_type,
                extra={"service": self._service},
            )
        return wanted & self._transport.consumers

    async def _deliver_due(self) -> int:
        outbox, deliveries = self._tables.outbox, self._tables.outbox_delivery
        now = self._clock()
        async with transaction(self._sessions) as session:
            rows = (
                await session.execute(
                    select(
                        deliveries.c.event_id,
                        deliveries.c.consumer,
                        deliveries.c.attempts,
                        outbox.c.type,
                        outbox.c.version,
                        outbox.c.occurred_at,
                        outbox.c.payload,
                    )
                    .join(outbox, outbox.c.id == deliveries.c.event_id)
                    .where(deliveries.c.delivered_at.is_(None), deliveries.c.next_attempt_at <= now)
                    .order_by(deliveries.c.next_attempt_at)
                    .limit(self._batch_size)
                    .with_for_update(of=deliveries, skip_locked=True)
                )
            ).all()
            # Row locks are held while delivering, so no other replica sends the same rows.
            outcomes = await asyncio.gather(*(self._attempt(row) for row in rows))
            for row, error in zip(rows, outcomes, strict=True):
                key = and_(
                    deliveries.c.event_id == row.event_id, deliveries.c.consumer == row.consumer
                )
                values: dict[str, Any]
                if error is None:
                    values = {"delivered_at": self._clock(), "attempts": row.attempts + 1}
                else:
                    values = {
                        "attempts": row.attempts + 1,
                        "next_attempt_at": now + self._retry.delay(row.attempts + 1),
                        "last_error": error[:1000],
                    }
                await session.execute(update(deliveries).where(key).values(**values))
        return len(rows)

    async def _attempt(self, row: Any) -> str | None:
        event = Event(
            id=row.event_id,
            type=row.type,
            version=row.version,
            occurred_at=row.occurred_at,
            source=self._service,
            payload=row.payload,
        )
        try:
            await self._transport.deliver(row.consumer, event)
        except DeliveryError as error:
            logger.warning(
                "delivery of %s %s to %s failed (attempt %d): %s",
                event.type,
                event.id,
                row.consumer,
                row.attempts + 1,
                error,
                extra={"service": self._service},
            )
            return str(error)
        return None
