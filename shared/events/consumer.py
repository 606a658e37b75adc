"""Consumer side: register handlers, receive signed deliveries, apply each event once.

    registry = ConsumerRegistry()

    @registry.consumer("user_registered")
    async def open_account(session: AsyncSession, event: Event) -> None: ...

`apply_event` runs the handler inside the consumer's own transaction together with an insert
into its `processed_events` table; a redelivered event finds its id there and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import SessionFactory, service_of, transaction
from shared.events.envelope import SIGNATURE_HEADER, Event, verify_body
from shared.tables import platform_tables

__all__ = ["ConsumerRegistry", "Handler", "apply_event", "events_router"]

logger = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, Event], Awaitable[None]]


class ConsumerRegistry:
    """The event handlers of one subgraph (its `events.py` builds one)."""

    def __init__(self) -> None:
        self._handlers: dict[str, Handler] = {}

    def consumer(self, event_type: str) -> Callable[[Handler], Handler]:
        def register(handler: Handler) -> Handler:
            if event_type in self._handlers:
                raise ValueError(f"two handlers for {event_type!r}")
            self._handlers[event_type] = handler
            return handler

        return register

    def handler_for(self, event_type: str) -> Handler | None:
        return self._handlers.get(event_type)

    @property
    def event_types(self) -> frozenset[str]:
        return frozenset(self._handlers)


async def apply_event(sessions: SessionFactory, event: Event, handler: Handler) -> bool:
    """Apply `event` exactly once in this subgraph; return False if it was already applied."""
    async with transaction(sessions) as session:
        inbox = platform_tables(service_of(session)).processed_events
        inserted = await session.execute(
            insert(inbox)
            .values(
                event_id=event.id,
                type=event.type,
                source=event.source,
                processed_at=datetime.now(UTC),
            )
            .on_conflict_do_nothing()
            .returning(inbox.c.event_id)
        )
        if inserted.first() is None:
            return False
        await handler(session, event)
    return True


def events_router(
    *, registry: ConsumerRegistry, sessions: SessionFactory, secret: str
) -> APIRouter:
    """`POST /events`: verify the producer's signature, then apply the event once.

    200 = applied or already applied; 401 = bad signature; 400 = malformed envelope;
    404 = no handler here (the producer keeps retrying until one is deployed); 500 = the
    handler failed and nothing was recorded (the producer retries).
    """
    router = APIRouter()

    @router.post("/events", include_in_schema=False)
    async def receive(request: Request) -> Response:
        body = await request.body()
        if not verify_body(body, request.headers.get(SIGNATURE_HEADER), secret=secret):
            return JSONResponse({"error": "bad signature"}, status_code=401)
        try:
            event = Event.from_json(body)
        except ValueError:
            return JSONResponse({"error": "malformed event"}, status_code=400)
        handler = registry.handler_for(event.type)
        if handler is None:
            logger.error("no handler for event type %s", event.type)
            return JSONResponse({"error": "no handler"}, status_code=404)
        try:
            applied = await apply_event(sessions, event, handler)
        except Exception:
            logger.exception("handler for %s %s failed", event.type, event.id)
            return JSONResponse({"error": "handler failed"}, status_code=500)
        return JSONResponse({"status": "applied" if applied else "duplicate"})

    return router
