"""Helpers for guru tests: the app client, signed event deliveries, error codes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from shared.events import SIGNATURE_HEADER, Event, sign_body

INTERNAL_SECRET = "test-internal-identity-secret"  # the root conftest's identity_headers secret
MAX_RADIUS = 50_000


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


def codes(body: dict[str, Any]) -> list[str | None]:
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]
