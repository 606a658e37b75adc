"""Helpers for atlas tests: the app client with its SQL statement log, ids, input factories."""

# Russian test data: Cyrillic letters that look Latin are intended.
# ruff: noqa: RUF001

from __future__ import annotations

import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event

INTERNAL_SECRET = "test-internal-identity-secret"  # the root conftest's identity_headers secret
BANGKOK_ID = "acae22ce-cc7c-5ac6-8ff5-702be078ac14"
GRAND_PALACE_ID = "c5640fbc-b244-5c2e-b347-c9e94fd03344"


class AtlasClient:
    """The atlas app over ASGI, with the SQL statements its engine runs."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://atlas.test"
        )
        self.statements: list[str] = []
        event.listen(
            app.state.subgraph.engine.sync_engine,
            "before_cursor_execute",
            lambda _c, _cur, statement, *_rest: self.statements.append(statement),
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

    @contextmanager
    def count_statements(self) -> Iterator[list[str]]:
        start = len(self.statements)
        captured: list[str] = []
        try:
            yield captured
        finally:
            captured.extend(self.statements[start:])


def codes(body: dict[str, Any]) -> list[str | None]:
    return [(error.get("extensions") or {}).get("code") for error in body.get("errors") or []]


def place_input(**overrides: Any) -> dict[str, Any]:
    """A valid CreatePlaceInput in Bangkok with a unique slug; override any field."""
    values: dict[str, Any] = {
        "slug": f"test-place-{secrets.token_hex(4)}",
        "cityId": BANGKOK_ID,
        "category": "CAFE",
        "name": "Кофейня у канала",
        "nameEn": "Canal-side coffee",
        "location": {"lat": 13.7405, "lng": 100.5119},
        "address": "12 Charoen Krung Rd",
        "description": "Тихая кофейня с видом на канал.\nЗавтраки до полудня.",
        "descriptionEn": "A quiet café over the canal.",
        "themes": ["street-food"],
    }
    return values | overrides
