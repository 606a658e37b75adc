"""The outbox end to end on real Postgres: emit in a transaction, dispatch, apply once."""

from __future__ import annotations

import asyncio
import functools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Column, MetaData, Table, Uuid, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from shared.db import SessionFactory, create_engine, create_session_factory, transaction
from shared.events import (
    SIGNATURE_HEADER,
    ConsumerRegistry,
    DeliveryError,
    Dispatcher,
    Event,
    HttpTransport,
    InProcessTransport,
    RetryPolicy,
    apply_event,
    emit,
    events_router,
    sign_body,
)
from shared.tables import platform_tables

SECRET = "outbox-test-secret"
TOPOLOGY = {"user_registered": frozenset({"probe_a", "probe_b"})}
OUTBOX = platform_tables("users").outbox
DELIVERY = platform_tables("users").outbox_delivery


@dataclass
class Clock:
    now: datetime = field(default_factory=lambda: datetime(2030, 1, 1, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Stack:
    engine: AsyncEngine
    producer: SessionFactory
    consumers: dict[str, SessionFactory]


@pytest.fixture
async def stack(make_database: Callable[..., Awaitable[str]]) -> AsyncIterator[Stack]:
    """A fresh database: the users schema as producer, two probe schemas as consumers."""
    engine = create_engine(await make_database("users"))
    consumers = {}
    for name in ("probe_a", "probe_b"):
        async with engine.begin() as connection:
            await connection.execute(text(f'CREATE SCHEMA "{name}"'))
            await connection.run_sync(platform_tables(name).metadata.create_all)
            await connection.run_sync(effects_table(name).create)
        consumers[name] = create_session_factory(engine, service=name)
    yield Stack(engine, create_session_factory(engine, service="users"), consumers)
    await engine.dispose()


@functools.cache
def effects_table(schema: str) -> Table:
    """A consumer's business table; no unique key, so a double application would show."""
    return Table("effects", MetaData(schema=schema), Column("event_id", Uuid))


async def record_effect(session: AsyncSession, event: Event) -> None:
    await session.execute(insert(effects_table(session.info["service"])).values(event_id=event.id))


async def effects(stack: Stack, consumer: str) -> list[uuid.UUID]:
    async with stack.engine.connect() as connection:
        return list(await connection.scalars(select(effects_table(consumer).c.event_id)))


def applying_transport(
    stack: Stack, **overrides: Callable[[Event], Awaitable[None]]
) -> InProcessTransport:
    def handler(consumer: str) -> Callable[[Event], Awaitable[None]]:
        async def deliver(event: Event) -> None:
            await apply_event(stack.consumers[consumer], event, record_effect)

        return deliver

    return InProcessTransport(
        {name: overrides.get(name, handler(name)) for name in stack.consumers}
    )


def dispatcher(
    stack: Stack, transport: InProcessTransport | HttpTransport, clock: Clock
) -> Dispatcher:
    return Dispatcher(
        service="users",
        sessions=stack.producer,
        transport=transport,
        retry=RetryPolicy(base_seconds=10, max_seconds=60, jitter=False),
        topology=TOPOLOGY,
        clock=clock,
    )


async def emit_one(stack: Stack) -> Event:
    async with transaction(stack.producer) as session:
        return await emit(session, "user_registered", {"userId": "u-1", "at": datetime.now(UTC)})


async def test_committed_event_is_delivered_once_to_every_consumer(stack: Stack) -> None:
    event = await emit_one(stack)
    outbox = dispatcher(stack, applying_transport(stack), Clock())

    await outbox.run_once()
    await outbox.run_once()

    assert await effects(stack, "probe_a") == [event.id]
    assert await effects(stack, "probe_b") == [event.id]
    async with stack.engine.connect() as connection:
        rows = (await connection.execute(select(DELIVERY))).all()
    assert {(row.consumer, row.attempts) for row in rows} == {("probe_a", 1), ("probe_b", 1)}
    assert all(row.delivered_at is not None for row in rows)


async def test_payload_is_normalised_to_json_at_emit(stack: Stack) -> None:
    event = await emit_one(stack)
    assert isinstance(event.payload["at"], str)
    async with stack.engine.connect() as connection:
        stored = await connection.scalar(select(OUTBOX.c.payload))
    assert stored == event.payload


async def test_rolled_back_transaction_leaves_no_event(stack: Stack) -> None:
    async def emit_then_fail() -> None:
        async with transaction(stack.producer) as session:
            await emit(session, "user_registered", {"userId": "u-2"})
            raise RuntimeError("business rule failed after emit")

    with pytest.raises(RuntimeError, match="business rule"):
        await emit_then_fail()

    assert await dispatcher(stack, applying_transport(stack), Clock()).run_once() == 0
    async with stack.engine.connect() as connection:
        assert await connection.scalar(select(func.count()).select_from(OUTBOX)) == 0
    assert await effects(stack, "probe_a") == []


async def test_redelivered_event_changes_nothing(stack: Stack) -> None:
    event = await emit_one(stack)
    sessions = stack.consumers["probe_a"]

    assert await apply_event(sessions, event, record_effect) is True
    assert await apply_event(sessions, event, record_effect) is False
    assert await effects(stack, "probe_a") == [event.id]


async def test_concurrent_redeliveries_apply_once(stack: Stack) -> None:
    event = await emit_one(stack)
    sessions = stack.consumers["probe_a"]

    outcomes = await asyncio.gather(
        *(apply_event(sessions, event, record_effect) for _ in range(8))
    )

    assert sorted(outcomes) == [False] * 7 + [True]
    assert await effects(stack, "probe_a") == [event.id]


async def test_failing_handler_records_nothing_so_the_retry_applies_it(stack: Stack) -> None:
    event = await emit_one(stack)

    async def explode(session: AsyncSession, event: Event) -> None:
        await record_effect(session, event)
        raise RuntimeError("consumer bug")

    with pytest.raises(RuntimeError, match="consumer bug"):
        await apply_event(stack.consumers["probe_a"], event, explode)
    assert await effects(stack, "probe_a") == []
    assert await apply_event(stack.consumers["probe_a"], event, record_effect) is True


async def test_down_consumer_is_retried_with_backoff_and_others_are_not_redelivered(
    stack: Stack,
) -> None:
    event = await emit_one(stack)
    attempts_on_b = 0

    async def flaky_b(delivered: Event) -> None:
        nonlocal attempts_on_b
        attempts_on_b += 1
        if attempts_on_b < 3:
            raise DeliveryError("connection refused")
        await apply_event(stack.consumers["probe_b"], delivered, record_effect)

    clock = Clock()
    outbox = dispatcher(stack, applying_transport(stack, probe_b=flaky_b), clock)

    await outbox.run_once()  # a delivered, b fails (attempt 1) -> retry in 10 s
    await outbox.run_once()  # nothing is due
    assert attempts_on_b == 1
    clock.now += timedelta(seconds=10)
    await outbox.run_once()  # b fails again (attempt 2) -> retry in 20 s
    clock.now += timedelta(seconds=19)
    await outbox.run_once()
    assert attempts_on_b == 2
    clock.now += timedelta(seconds=1)
    await outbox.run_once()  # b succeeds

    assert attempts_on_b == 3
    assert await effects(stack, "probe_a") == [event.id]
    assert await effects(stack, "probe_b") == [event.id]
    async with stack.engine.connect() as connection:
        rows = {row.consumer: row for row in (await connection.execute(select(DELIVERY))).all()}
    assert rows["probe_a"].attempts == 1
    assert rows["probe_b"].attempts == 3
    assert rows["probe_b"].last_error == "connection refused"


async def test_parallel_dispatchers_deliver_each_event_once(stack: Stack) -> None:
    events = [await emit_one(stack) for _ in range(20)]
    delivered: list[tuple[str, uuid.UUID]] = []

    def recorder(consumer: str) -> Callable[[Event], Awaitable[None]]:
        async def deliver(event: Event) -> None:
            delivered.append((consumer, event.id))
            await asyncio.sleep(0)

        return deliver

    transport = InProcessTransport({name: recorder(name) for name in stack.consumers})
    clock = Clock()
    replicas = [dispatcher(stack, transport, clock) for _ in range(3)]
    for _ in range(3):
        await asyncio.gather(*(replica.run_once() for replica in replicas))

    assert sorted(delivered) == sorted((c, e.id) for c in stack.consumers for e in events)


async def test_events_are_posted_signed_and_applied_over_http(stack: Stack) -> None:
    registry = ConsumerRegistry()
    registry.consumer("user_registered")(record_effect)
    consumer_app = FastAPI()
    consumer_app.include_router(
        events_router(registry=registry, sessions=stack.consumers["probe_a"], secret=SECRET)
    )
    seen_request_ids: list[str] = []

    async def note_request_id(request: httpx.Request) -> None:
        seen_request_ids.append(request.headers.get("x-request-id", ""))

    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=consumer_app),
        base_url="http://probe-a",
        event_hooks={"request": [note_request_id]},
    ) as client:
        transport = HttpTransport(
            client=client, urls={"probe_a": "http://probe-a/events"}, secret=SECRET
        )
        event = await emit_one(stack)
        await dispatcher(stack, transport, Clock()).run_once()

        body = event.to_json()
        redelivery = await client.post(
            "/events", content=body, headers={SIGNATURE_HEADER: sign_body(body, secret=SECRET)}
        )
        forged = await client.post(
            "/events", content=body, headers={SIGNATURE_HEADER: sign_body(body, secret="guess")}
        )
        malformed = await client.post(
            "/events", content=b"{}", headers={SIGNATURE_HEADER: sign_body(b"{}", secret=SECRET)}
        )

    assert await effects(stack, "probe_a") == [event.id]
    assert redelivery.json() == {"status": "duplicate"}
    assert seen_request_ids[0] == f"event-{event.id.hex}"  # the dispatcher's delivery
    assert forged.status_code == 401
    assert malformed.status_code == 400


async def test_consumer_without_a_handler_answers_404_so_the_producer_retries(
    stack: Stack,
) -> None:
    consumer_app = FastAPI()
    consumer_app.include_router(
        events_router(
            registry=ConsumerRegistry(), sessions=stack.consumers["probe_a"], secret=SECRET
        )
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=consumer_app), base_url="http://probe-a"
    ) as client:
        transport = HttpTransport(
            client=client, urls={"probe_a": "http://probe-a/events"}, secret=SECRET
        )
        await emit_one(stack)
        await dispatcher(stack, transport, Clock()).run_once()

    async with stack.engine.connect() as connection:
        row = (await connection.execute(select(DELIVERY))).one()
    assert row.delivered_at is None
    assert row.last_error == "HTTP 404"


async def test_emit_rejects_event_types_missing_from_the_topology(stack: Stack) -> None:
    async with transaction(stack.producer) as session:
        with pytest.raises(ValueError, match="unknown event type"):
            await emit(session, "user_registred", {})


async def test_purge_drops_old_fully_delivered_events_and_keeps_the_rest(stack: Stack) -> None:
    clock = Clock()
    delivered, undelivered = await emit_one(stack), await emit_one(stack)

    async def refuse_second(event: Event) -> None:
        if event.id == undelivered.id:
            raise DeliveryError("not yet")

    transport = InProcessTransport({"probe_a": refuse_second})
    outbox = dispatcher(stack, transport, clock)
    await outbox.run_once()

    assert await outbox.purge(older_than=timedelta(hours=1)) == 0  # too recent
    clock.now += timedelta(hours=2)
    assert await outbox.purge(older_than=timedelta(hours=1)) == 1

    async with stack.engine.connect() as connection:
        remaining = list(await connection.scalars(select(OUTBOX.c.id)))
        deliveries = list(await connection.scalars(select(DELIVERY.c.event_id)))
    assert remaining == [undelivered.id]
    assert deliveries == [undelivered.id]
    assert delivered.id not in remaining
