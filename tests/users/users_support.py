"""Helpers for the users subgraph tests: GraphQL calls and account factories."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import httpx
from subgraph_support import gql

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
