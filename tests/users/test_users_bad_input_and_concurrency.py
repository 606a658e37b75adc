"""Bad input gets a stable code and writes nothing; concurrent registration is race-free."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import func, select
from subgraph_support import error_codes, gql, only_error
from users_support import LOGIN, PASSWORD, REGISTER, unique_email

from shared.tables import platform_tables
from subgraphs.users.models import RefreshToken, User

VALID = {"email": "valid@example.com", "password": PASSWORD, "displayName": "Valid"}
TEN_K = "x" * 10_000


async def row_counts(app: FastAPI) -> tuple[int, int, int]:
    async with app.state.subgraph.sessions() as session:
        users = await session.scalar(select(func.count()).select_from(User))
        tokens = await session.scalar(select(func.count()).select_from(RefreshToken))
        events = await session.scalar(
            select(func.count()).select_from(platform_tables("users").outbox)
        )
    return users or 0, tokens or 0, events or 0


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"email": ""}, ["email"]),
        ({"email": "   "}, ["email"]),
        ({"email": TEN_K + "@example.com"}, ["email"]),
        ({"email": "a" * 64 + "@" + "b" * 63 + "." + "c" * 63 + "." + "d" * 63}, ["email"]),
        ({"email": "no-at-sign.example.com"}, ["email"]),
        ({"email": "two@@example.com"}, ["email"]),
        ({"email": "user@localhost"}, ["email"]),
        ({"email": "user@exa mple.com"}, ["email"]),
        ({"email": "user\x00@example.com"}, ["email"]),
        ({"password": ""}, ["password"]),
        ({"password": "short"}, ["password"]),
        ({"password": "p" * 129}, ["password"]),
        ({"password": TEN_K}, ["password"]),
        ({"displayName": ""}, ["displayName"]),
        ({"displayName": " \t "}, ["displayName"]),
        ({"displayName": TEN_K}, ["displayName"]),
        ({"displayName": "evil\x1b[31m"}, ["displayName"]),
        ({"displayName": "zero\u200bwidth"}, ["displayName"]),
        ({"locale": "klingon"}, ["locale"]),
        ({"referralCode": "no spaces allowed"}, ["referralCode"]),
        ({"email": "", "password": "", "displayName": ""}, ["displayName", "email", "password"]),
    ],
)
async def test_register_rejects_bad_input_and_writes_nothing(
    users_app: tuple[FastAPI, httpx.AsyncClient], overrides: dict[str, Any], fields: list[str]
) -> None:
    app, client = users_app
    before = await row_counts(app)

    body = await gql(client, REGISTER, {"input": VALID | overrides})

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert sorted(error["extensions"]["fields"]) == fields
    assert body["data"] is None
    assert await row_counts(app) == before


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"input": {"email": "a@example.com", "password": PASSWORD}}, "displayName"),
        ({"input": {**VALID, "email": None}}, "email"),
        ({"input": {**VALID, "password": 12345678}}, "password"),
        ({"input": None}, "input"),
        ({}, "input"),
    ],
)
async def test_register_with_ill_typed_variables_is_bad_user_input(
    users_app: tuple[FastAPI, httpx.AsyncClient], variables: dict[str, Any], field: str
) -> None:
    app, client = users_app
    before = await row_counts(app)
    response = await client.post("/graphql", json={"query": REGISTER, "variables": variables})
    error = only_error(response.json())
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert list(error["extensions"]["fields"]) == [field]
    assert await row_counts(app) == before


@pytest.mark.parametrize(
    ("credentials", "fields"),
    [
        ({"email": "", "password": PASSWORD}, ["email"]),
        ({"email": "nope", "password": PASSWORD}, ["email"]),
        ({"email": TEN_K, "password": PASSWORD}, ["email"]),
        ({"email": "a@example.com", "password": ""}, ["password"]),
        ({"email": "a@example.com", "password": TEN_K}, ["password"]),
    ],
)
async def test_login_rejects_bad_input_before_touching_the_database(
    users_app: tuple[FastAPI, httpx.AsyncClient], credentials: dict[str, str], fields: list[str]
) -> None:
    app, client = users_app
    before = await row_counts(app)
    body = await gql(client, LOGIN, {"input": credentials})
    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert sorted(error["extensions"]["fields"]) == fields
    assert await row_counts(app) == before


async def test_duplicate_email_is_email_taken_whatever_its_case(
    users_app: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = users_app
    email = unique_email()
    await gql(client, REGISTER, {"input": VALID | {"email": email}})
    before = await row_counts(app)

    body = await gql(client, REGISTER, {"input": VALID | {"email": email.upper()}})

    assert error_codes(body) == ["EMAIL_TAKEN"]
    assert await row_counts(app) == before


async def test_twenty_concurrent_registrations_of_one_email_create_one_user(
    users_app: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = users_app
    email = unique_email("race")
    before = await row_counts(app)

    bodies = await asyncio.gather(
        *(
            gql(client, REGISTER, {"input": VALID | {"email": email, "displayName": f"R{i}"}})
            for i in range(20)
        )
    )

    winners = [body for body in bodies if "errors" not in body]
    assert len(winners) == 1
    assert sorted(code for body in bodies for code in error_codes(body)) == ["EMAIL_TAKEN"] * 19
    users, tokens, events = await row_counts(app)
    assert (users, tokens, events) == (before[0] + 1, before[1] + 1, before[2] + 1)
    async with app.state.subgraph.sessions() as session:
        stored = (await session.scalars(select(User).where(User.email == email))).all()
    assert [user.display_name for user in stored] == [
        winners[0]["data"]["register"]["user"]["displayName"]
    ]
