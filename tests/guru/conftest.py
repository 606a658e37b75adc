"""Fixtures for guru tests: a migrated, demo-seeded index and the guru app over ASGI, plus a
way to deliver signed events to it exactly as a producer's dispatcher does."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from shared.events import SIGNATURE_HEADER, Event, sign_body
from shared.seed import run_seeds
from subgraphs.guru.app import create_app
from subgraphs.guru.settings import GuruSettings

INTERNAL_SECRET = "test-internal-identity-secret"  # the root conftest's identity_headers secret
MAX_RADIUS = 50_000


@pytest.fixture(scope="session")
async def guru_database(make_database: Callable[..., Awaitable[str]]) -> str:
    url = await make_database("guru")
    await run_seeds(["guru"], database_url=url)
    return url


class GuruClient:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://guru.test"
        )

    @property
    def sessions(self) -> Any:
        return self.app.state.subgraph.sessions

    async def gql(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        response = await self.http.post(
            "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def deliver(self, event: Event, *, secret: str = INTERNAL_SECRET) -> httpx.Response:
        body = event.to_json()
        return await self.http.post(
            "/events",
            content=body,
            headers={
                "content-type": "application/json",
                SIGNATURE_HEADER: sign_body(body, secret=secret),
            },
        )


def make_event(
    event_type: str,
    payload: dict[str, Any],
    *,
    occurred_at: datetime | None = None,
    source: str = "atlas",
) -> Event:
    return Event(
        id=uuid.uuid4(),
        type=event_type,
        version=1,
        occurred_at=occurred_at or datetime.now(UTC),
        source=source,
        payload=payload,
    )


@pytest.fixture
async def guru(guru_database: str) -> AsyncIterator[GuruClient]:
    settings = GuruSettings(
        database_url=guru_database,
        internal_identity_secret=INTERNAL_SECRET,
        outbox_dispatcher_enabled=False,
        graphql_ide=False,
        log_level="WARNING",
        nearby_max_radius_meters=MAX_RADIUS,
    )
    app = create_app(settings)
    lifespan = app.router.lifespan_context(app)
    await lifespan.__aenter__()
    client = GuruClient(app)
    yield client
    await client.http.aclose()
    await lifespan.__aexit__(None, None, None)


def codes(body: dict[str, Any]) -> list[str | None]:
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]
