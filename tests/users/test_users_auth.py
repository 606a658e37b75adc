"""Registration, sign-in, token rotation and sign-out over HTTP, on real Postgres."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import FastAPI
from sqlalchemy import select, update
from subgraph_support import error_codes, gql
from users_support import LOGIN, LOGOUT, ME, PASSWORD, REFRESH, REGISTER, register, unique_email

from shared.events import Event, InProcessTransport
from shared.identity import Role
from shared.tables import platform_tables
from subgraphs.users.models import RefreshToken, User

AppFactory = Callable[..., Any]


async def test_register_returns_the_user_and_a_verifiable_access_token(
    users_client: httpx.AsyncClient,
) -> None:
    client = users_client
    email = unique_email()
    body = await gql(
        client,
        REGISTER,
        {"input": {"email": f"  {email.upper()} ", "password": PASSWORD, "displayName": " Ann "}},
    )

    payload = body["data"]["register"]
    assert payload["user"]["email"] == email
    assert payload["user"]["displayName"] == "Ann"
    assert payload["user"]["role"] == "USER"
    assert payload["user"]["locale"] == "ru"
    assert payload["tokens"]["tokenType"] == "Bearer"
    claims = jwt.decode(
        payload["tokens"]["accessToken"],
        "test-jwt-secret-with-at-least-32-bytes!",
        algorithms=["HS256"],
        audience="go2asia",
        issuer="https://go2asia.local/users",
    )
    assert claims["sub"] == payload["user"]["id"]
    assert claims["role"] == "USER"
    assert claims["scopes"] == ["profile"]
    assert claims["exp"] - claims["iat"] == 900
    assert len(claims["jti"]) == 32


async def test_register_emits_user_registered_in_the_same_transaction(
    users_app: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = users_app
    account = await register(client)
    outbox = platform_tables("users").outbox
    async with app.state.subgraph.sessions() as session:
        rows = (
            await session.execute(
                select(outbox).where(outbox.c.payload["userId"].astext == account.id)
            )
        ).all()
    assert len(rows) == 1
    assert rows[0].type == "user_registered"
    assert rows[0].version == 1
    assert rows[0].payload["displayName"] == "Traveller"
    assert "email" not in rows[0].payload


async def test_login_with_the_right_password_issues_new_tokens(
    users_client: httpx.AsyncClient,
) -> None:
    account = await register(users_client)
    body = await gql(users_client, LOGIN, {"input": {"email": account.email, "password": PASSWORD}})
    assert body["data"]["login"]["user"]["id"] == account.id
    assert body["data"]["login"]["tokens"]["refreshToken"] != account.refresh_token


@pytest.mark.parametrize("who", ["wrong password", "unknown email"])
async def test_login_failures_are_indistinguishable(
    users_client: httpx.AsyncClient, who: str
) -> None:
    account = await register(users_client)
    email = account.email if who == "wrong password" else unique_email("nobody")
    body = await gql(users_client, LOGIN, {"input": {"email": email, "password": "not it at all"}})
    assert error_codes(body) == ["INVALID_CREDENTIALS"]
    assert body["errors"][0]["message"] == "Wrong email or password."


async def test_refresh_rotates_the_token(users_client: httpx.AsyncClient) -> None:
    account = await register(users_client)
    first = await gql(users_client, REFRESH, {"input": {"refreshToken": account.refresh_token}})
    rotated = first["data"]["refreshToken"]["tokens"]["refreshToken"]
    second = await gql(users_client, REFRESH, {"input": {"refreshToken": rotated}})

    assert rotated != account.refresh_token
    assert second["data"]["refreshToken"]["user"]["id"] == account.id


async def test_reusing_a_rotated_refresh_token_revokes_the_whole_family(
    users_app: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = users_app
    account = await register(client)
    first = await gql(client, REFRESH, {"input": {"refreshToken": account.refresh_token}})
    current = first["data"]["refreshToken"]["tokens"]["refreshToken"]
    other_session = await gql(
        client, LOGIN, {"input": {"email": account.email, "password": PASSWORD}}
    )

    reuse = await gql(client, REFRESH, {"input": {"refreshToken": account.refresh_token}})
    after_reuse = await gql(client, REFRESH, {"input": {"refreshToken": current}})
    unrelated = await gql(
        client,
        REFRESH,
        {"input": {"refreshToken": other_session["data"]["login"]["tokens"]["refreshToken"]}},
    )

    assert error_codes(reuse) == ["UNAUTHENTICATED"]
    assert error_codes(after_reuse) == ["UNAUTHENTICATED"]
    assert "errors" not in unrelated  # another sign-in is another family
    async with app.state.subgraph.sessions() as session:
        tokens = (
            await session.scalars(
                select(RefreshToken).where(RefreshToken.user_id == uuid.UUID(account.id))
            )
        ).all()
    families: dict[uuid.UUID, set[bool]] = {}
    for token in tokens:
        families.setdefault(token.family_id, set()).add(token.revoked_at is not None)
    # The reused family: every token revoked. The other sign-in's family: none revoked.
    assert sorted(map(sorted, families.values())) == [[False], [True]]


async def test_logout_revokes_the_family(users_client: httpx.AsyncClient) -> None:
    account = await register(users_client)
    rotated = await gql(users_client, REFRESH, {"input": {"refreshToken": account.refresh_token}})
    current = rotated["data"]["refreshToken"]["tokens"]["refreshToken"]

    logout = await gql(users_client, LOGOUT, {"input": {"refreshToken": account.refresh_token}})
    after = await gql(users_client, REFRESH, {"input": {"refreshToken": current}})

    assert logout["data"]["logout"] == {"revoked": True}
    assert error_codes(after) == ["UNAUTHENTICATED"]


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 10_000])
async def test_unknown_refresh_tokens_are_unauthenticated(
    users_client: httpx.AsyncClient, token: str
) -> None:
    refresh = await gql(users_client, REFRESH, {"input": {"refreshToken": token}})
    logout = await gql(users_client, LOGOUT, {"input": {"refreshToken": token}})
    assert error_codes(refresh) == ["UNAUTHENTICATED"]
    assert error_codes(logout) == ["UNAUTHENTICATED"]


async def test_expired_refresh_token_is_unauthenticated_and_not_rotated(
    users_app: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = users_app
    account = await register(client)
    async with app.state.subgraph.sessions() as session:
        user_id = await session.scalar(select(User.id).where(User.email == account.email))
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.user_id == user_id)
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        await session.commit()

    body = await gql(client, REFRESH, {"input": {"refreshToken": account.refresh_token}})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    async with app.state.subgraph.sessions() as session:
        rotated = await session.scalar(
            select(RefreshToken.rotated_at).where(RefreshToken.user_id == user_id)
        )
    assert rotated is None


async def test_me_needs_a_valid_identity_from_the_router(
    users_client: httpx.AsyncClient, identity_headers: Callable[..., dict[str, str]]
) -> None:
    account = await register(users_client)

    signed = await gql(users_client, ME, headers=identity_headers(account.id, Role.USER))
    guest = await gql(users_client, ME)
    forged = await gql(
        users_client, ME, headers=identity_headers(account.id, secret="not-the-router")
    )
    expired = await gql(
        users_client, ME, headers=identity_headers(account.id, now=0.0, ttl_seconds=60)
    )

    assert signed["data"]["me"]["id"] == account.id
    assert signed["data"]["me"]["email"] == account.email
    for body in (guest, forged, expired):
        assert error_codes(body) == ["UNAUTHENTICATED"]


def _write_key(path: Path, key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> Path:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return path


@pytest.mark.parametrize(
    ("algorithm", "make_key"),
    [
        ("RS256", lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)),
        ("ES256", lambda: ec.generate_private_key(ec.SECP256R1())),
    ],
)
async def test_asymmetric_keys_sign_tokens_the_router_can_verify_from_jwks(
    make_users_app: AppFactory,
    database_url: str,
    tmp_path: Path,
    algorithm: str,
    make_key: Callable[[], Any],
) -> None:
    key_file = _write_key(tmp_path / "jwt.pem", make_key())
    _app, client = await make_users_app(database_url, jwt_private_key_file=key_file)

    account = await register(client)
    jwks = (await client.get("/.well-known/jwks.json")).json()

    assert [key["alg"] for key in jwks["keys"]] == [algorithm]
    header = jwt.get_unverified_header(account.access_token)
    assert header == {"alg": algorithm, "kid": "users-1", "typ": "JWT"}
    public_key = jwt.PyJWK(jwks["keys"][0])
    claims = jwt.decode(
        account.access_token, public_key, algorithms=[algorithm], audience="go2asia"
    )
    assert claims["sub"] == account.id


async def test_hs256_publishes_no_keys(users_client: httpx.AsyncClient) -> None:
    assert (await users_client.get("/.well-known/jwks.json")).json() == {"keys": []}


async def test_user_registered_reaches_consumers_through_the_running_dispatcher(
    make_users_app: AppFactory, make_database: Callable[..., Any]
) -> None:
    received: asyncio.Queue[Event] = asyncio.Queue()
    transport = InProcessTransport({"points": received.put, "connect": received.put})
    _app, client = await make_users_app(
        await make_database("users"),
        transport=transport,
        outbox_dispatcher_enabled=True,
        outbox_poll_interval_seconds=0.05,
    )

    account = await register(client, display_name="Evented")
    events = [await asyncio.wait_for(received.get(), timeout=30) for _ in range(2)]

    assert {event.type for event in events} == {"user_registered"}
    assert len({event.id for event in events}) == 1
    assert events[0].payload["userId"] == account.id
    assert events[0].payload["displayName"] == "Evented"
    assert events[0].source == "users"


async def test_a_committed_registration_wakes_an_idle_dispatcher_without_polling(
    make_users_app: AppFactory, make_database: Callable[..., Any]
) -> None:
    received: asyncio.Queue[Event] = asyncio.Queue()
    _app, client = await make_users_app(
        await make_database("users"),
        transport=InProcessTransport({"points": received.put}),
        outbox_dispatcher_enabled=True,
        outbox_poll_interval_seconds=3600,  # only LISTEN/NOTIFY can wake it within the test
    )
    first = await register(client)  # delivered by the dispatcher's first rounds, or a wake-up
    assert (await asyncio.wait_for(received.get(), timeout=30)).payload["userId"] == first.id

    second = await register(client)  # the dispatcher now idles for an hour unless woken
    event = await asyncio.wait_for(received.get(), timeout=30)

    assert event.payload["userId"] == second.id


async def test_the_app_migrates_an_empty_database_when_it_starts(
    make_users_app: AppFactory, make_database: Callable[..., Any]
) -> None:
    _app, client = await make_users_app(await make_database(), migrate_on_start=True)
    account = await register(client)
    assert (await client.get("/ready")).status_code == 200
    assert account.email.endswith("@example.com")


async def test_two_concurrent_refreshes_of_one_token_count_as_reuse(
    users_client: httpx.AsyncClient,
) -> None:
    account = await register(users_client)
    variables = {"input": {"refreshToken": account.refresh_token}}

    bodies = await asyncio.gather(*(gql(users_client, REFRESH, variables) for _ in range(2)))

    winners = [body for body in bodies if "errors" not in body]
    assert len(winners) == 1
    assert sorted(code for body in bodies for code in error_codes(body)) == ["UNAUTHENTICATED"]
    successor = winners[0]["data"]["refreshToken"]["tokens"]["refreshToken"]
    after = await gql(users_client, REFRESH, {"input": {"refreshToken": successor}})
    assert error_codes(after) == ["UNAUTHENTICATED"]  # the loser's reuse revoked the family
