"""Federation surface: the SDL the composer reads, and batched entity resolution."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
from fastapi import FastAPI
from subgraph_support import counting_statements, gql
from users_support import register

from shared.identity import Role

ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on User { id displayName email }
  }
}
"""


async def test_sdl_declares_federation_2_11_and_the_user_key(
    users_client: httpx.AsyncClient,
) -> None:
    sdl = (await gql(users_client, "{ _service { sdl } }"))["data"]["_service"]["sdl"]
    assert 'url: "https://specs.apollo.dev/federation/v2.11"' in sdl
    assert 'type User @key(fields: "id")' in sdl
    assert 'type City @key(fields: "id", resolvable: false)' in sdl
    assert "type PageInfo @shareable" in sdl


async def test_hundred_user_references_resolve_in_one_sql_statement(
    users_app: tuple[FastAPI, httpx.AsyncClient],
    identity_headers: Callable[..., dict[str, str]],
) -> None:
    app, client = users_app
    accounts = [await register(client, display_name=f"U{i}") for i in range(95)]
    missing = [str(uuid.uuid4()) for _ in range(4)] + ["not-a-uuid"]
    ids = [account.id for account in accounts] + missing
    representations = [{"__typename": "User", "id": user_id} for user_id in ids]

    with counting_statements(app.state.subgraph.engine) as statements:
        body = await gql(
            client,
            ENTITIES,
            {"representations": representations},
            identity_headers(accounts[0].id, Role.USER),
        )

    assert len(statements) == 1, statements
    assert "errors" not in body
    entities = body["data"]["_entities"]
    assert len(entities) == 100
    assert [entity["displayName"] for entity in entities[:95]] == [f"U{i}" for i in range(95)]
    assert entities[95:] == [None] * 5
    # The caller sees their own email only.
    assert entities[0]["email"] == accounts[0].email
    assert {entity["email"] for entity in entities[1:95]} == {None}
