"""Helpers for the users subgraph tests: GraphQL calls and account factories."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) {
    user { id email displayName role locale createdAt }
    tokens { accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt tokenType }
  }
}
"""
LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { user { id email role } tokens { accessToken refreshToken } }
}
"""
REFRESH = """
mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { user { id } tokens { accessToken refreshToken } }
}
"""
LOGOUT = "mutation Logout($input: LogoutInput!) { logout(input: $input) { revoked } }"
ME = "{ me { id email displayName avatarUrl role locale homeCity { id } } }"
UPDATE_PROFILE = """
mutation Update($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { id displayName avatarUrl locale homeCity { id } } }
}
"""
SET_ROLE = """
mutation SetRole($input: SetUserRoleInput!) { setUserRole(input: $input) { user { id role } } }
"""
USER = "query User($id: ID!) { user(id: $id) { id email displayName } }"
USERS = """
query Users($first: Int!, $after: String) {
  users(first: $first, after: $after) {
    totalCount
    edges { cursor node { id email } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
PASSWORD = "correct horse battery"


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    errors = body.get("errors") or []
    assert len(errors) == 1, body
    error: dict[str, Any] = errors[0]
    return error


@dataclass(frozen=True)
class Account:
    id: str
    email: str
    access_token: str
    refresh_token: str


def unique_email(tag: str = "user") -> str:
    return f"{tag}-{secrets.token_hex(4)}@example.com"


async def register(
    client: httpx.AsyncClient, *, email: str | None = None, display_name: str = "Traveller"
) -> Account:
    email = email or unique_email()
    body = await gql(
        client,
        REGISTER,
        {"input": {"email": email, "password": PASSWORD, "displayName": display_name}},
    )
    assert "errors" not in body, body
    payload = body["data"]["register"]
    return Account(
        id=payload["user"]["id"],
        email=payload["user"]["email"],
        access_token=payload["tokens"]["accessToken"],
        refresh_token=payload["tokens"]["refreshToken"],
    )
