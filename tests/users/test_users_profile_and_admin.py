"""Profiles, roles, the admin listing and who may see an email."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from subgraph_support import error_codes, gql, only_error
from users_support import ME, SET_ROLE, UPDATE_PROFILE, USER, USERS, register

from shared.identity import Role

Headers = Callable[..., dict[str, str]]
ADMIN_ID = str(uuid.uuid4())  # the router vouches for the caller; no row needed


async def test_update_profile_changes_only_the_given_fields(
    users_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    account = await register(users_client, display_name="Before")
    me = identity_headers(account.id)

    body = await gql(
        users_client,
        UPDATE_PROFILE,
        {
            "input": {
                "displayName": "  After  ",
                "avatarUrl": "https://cdn.example.com/a.png",
                "homeCityId": "bangkok",
            }
        },
        headers=me,
    )
    cleared = await gql(
        users_client, UPDATE_PROFILE, {"input": {"avatarUrl": None, "locale": "en-US"}}, headers=me
    )

    assert body["data"]["updateProfile"]["user"] == {
        "id": account.id,
        "displayName": "After",
        "avatarUrl": "https://cdn.example.com/a.png",
        "locale": "ru",
        "homeCity": {"id": "bangkok"},
    }
    assert cleared["data"]["updateProfile"]["user"]["avatarUrl"] is None
    assert cleared["data"]["updateProfile"]["user"]["locale"] == "en-US"
    assert cleared["data"]["updateProfile"]["user"]["displayName"] == "After"


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"displayName": ""}, ["displayName"]),
        ({"displayName": "   "}, ["displayName"]),
        ({"displayName": "x" * 10_000}, ["displayName"]),
        ({"displayName": "bad\x00name"}, ["displayName"]),
        ({"displayName": "line\nbreak"}, ["displayName"]),
        ({"displayName": None}, ["displayName"]),
        ({"avatarUrl": "javascript:alert(1)"}, ["avatarUrl"]),
        ({"avatarUrl": "https://" + "a" * 10_000 + ".com"}, ["avatarUrl"]),
        ({"locale": "russian"}, ["locale"]),
        (
            {"displayName": "", "locale": "??", "avatarUrl": "ftp://x"},
            ["avatarUrl", "displayName", "locale"],
        ),
    ],
)
async def test_update_profile_rejects_bad_input_and_writes_nothing(
    users_client: httpx.AsyncClient,
    identity_headers: Headers,
    changes: dict[str, Any],
    fields: list[str],
) -> None:
    account = await register(users_client, display_name="Unchanged")
    me = identity_headers(account.id)

    body = await gql(users_client, UPDATE_PROFILE, {"input": changes}, headers=me)
    after = await gql(users_client, ME, headers=me)

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert sorted(error["extensions"]["fields"]) == fields
    assert after["data"]["me"]["displayName"] == "Unchanged"
    assert after["data"]["me"]["avatarUrl"] is None


async def test_update_profile_needs_an_identity(users_client: httpx.AsyncClient) -> None:
    body = await gql(users_client, UPDATE_PROFILE, {"input": {"displayName": "Nobody"}})
    assert error_codes(body) == ["UNAUTHENTICATED"]


async def test_admin_sets_a_role(
    users_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    account = await register(users_client)
    body = await gql(
        users_client,
        SET_ROLE,
        {"input": {"userId": account.id, "role": "VIP"}},
        headers=identity_headers(ADMIN_ID, Role.ADMIN),
    )
    me = await gql(users_client, ME, headers=identity_headers(account.id))
    assert body["data"]["setUserRole"]["user"] == {"id": account.id, "role": "VIP"}
    assert me["data"]["me"]["role"] == "VIP"


@pytest.mark.parametrize(
    "case",
    [
        ("guest", "other", "ADMIN", "UNAUTHENTICATED"),
        ("user", "other", "ADMIN", "FORBIDDEN"),
        ("partner", "self", "ADMIN", "FORBIDDEN"),
        ("admin", "self", "USER", "FORBIDDEN"),
        ("admin", "missing", "VIP", "NOT_FOUND"),
        ("admin", "not-an-id", "VIP", "BAD_USER_INPUT"),
        ("admin", "other", "SUPERUSER", "BAD_USER_INPUT"),
        ("admin", "other", "GUEST", "BAD_USER_INPUT"),
        ("admin", "other", "", "BAD_USER_INPUT"),
    ],
)
async def test_set_user_role_refusals(
    users_client: httpx.AsyncClient, identity_headers: Headers, case: tuple[str, str, str, str]
) -> None:
    caller, target, role, code = case
    account = await register(users_client)
    caller_id = account.id if target == "self" else ADMIN_ID
    headers = {
        "guest": {},
        "user": identity_headers(caller_id, Role.USER),
        "partner": identity_headers(caller_id, Role.PARTNER),
        "admin": identity_headers(caller_id, Role.ADMIN),
    }[caller]
    user_id = {"other": account.id, "self": account.id, "missing": str(uuid.uuid4())}.get(
        target, target
    )

    body = await gql(
        users_client, SET_ROLE, {"input": {"userId": user_id, "role": role}}, headers=headers
    )
    me = await gql(users_client, ME, headers=identity_headers(account.id))

    assert error_codes(body) == [code]
    assert me["data"]["me"]["role"] == "USER"


async def test_email_is_visible_to_its_owner_and_admins_only(
    users_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    owner = await register(users_client)
    stranger = await register(users_client)
    variables = {"id": owner.id}

    seen_by = {
        "owner": await gql(users_client, USER, variables, identity_headers(owner.id)),
        "admin": await gql(users_client, USER, variables, identity_headers(ADMIN_ID, Role.ADMIN)),
        "stranger": await gql(users_client, USER, variables, identity_headers(stranger.id)),
        "guest": await gql(users_client, USER, variables),
    }

    emails = {who: body["data"]["user"]["email"] for who, body in seen_by.items()}
    assert emails == {"owner": owner.email, "admin": owner.email, "stranger": None, "guest": None}
    assert all("errors" not in body for body in seen_by.values())
    assert seen_by["guest"]["data"]["user"]["displayName"] == "Traveller"


@pytest.mark.parametrize("user_id", [str(uuid.uuid4()), "not-a-uuid", ""])
async def test_unknown_user_is_null(users_client: httpx.AsyncClient, user_id: str) -> None:
    assert await gql(users_client, USER, {"id": user_id}) == {"data": {"user": None}}


async def test_users_pages_through_every_account_oldest_first(
    make_users_app: Callable[..., Any],
    make_database: Callable[..., Any],
    identity_headers: Headers,
) -> None:
    _app, client = await make_users_app(await make_database("users"))
    accounts = [await register(client) for _ in range(7)]
    admin = identity_headers(ADMIN_ID, Role.ADMIN)

    seen: list[str] = []
    pages: list[dict[str, Any]] = []
    after = None
    while True:
        body = await gql(client, USERS, {"first": 3, "after": after}, admin)
        page = body["data"]["users"]
        pages.append(page)
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert seen == [account.id for account in accounts]
    assert [len(page["edges"]) for page in pages] == [3, 3, 1]
    assert {page["totalCount"] for page in pages} == {7}
    assert pages[0]["edges"][0]["node"]["email"] == accounts[0].email
    assert pages[-1]["pageInfo"]["endCursor"] == pages[-1]["edges"][-1]["cursor"]


@pytest.mark.parametrize(
    ("variables", "field"),
    [
        ({"first": 0}, "first"),
        ({"first": 101}, "first"),
        ({"first": -5}, "first"),
        ({"first": 10, "after": "garbage!"}, "after"),
        ({"first": 10, "after": "WyJub3QiLCJhIiwiY3Vyc29yIl0"}, "after"),
    ],
)
async def test_users_rejects_bad_paging_arguments(
    users_client: httpx.AsyncClient,
    identity_headers: Headers,
    variables: dict[str, Any],
    field: str,
) -> None:
    body = await gql(users_client, USERS, variables, identity_headers(ADMIN_ID, Role.ADMIN))
    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert list(error["extensions"]["fields"]) == [field]


@pytest.mark.parametrize(("role", "code"), [(None, "UNAUTHENTICATED"), (Role.PRO, "FORBIDDEN")])
async def test_users_is_admin_only(
    users_client: httpx.AsyncClient, identity_headers: Headers, role: Role | None, code: str
) -> None:
    headers = identity_headers(str(uuid.uuid4()), role) if role else {}
    body = await gql(users_client, USERS, {"first": 5}, headers)
    assert error_codes(body) == [code]
    assert body["data"] is None
