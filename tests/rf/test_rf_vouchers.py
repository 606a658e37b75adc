"""Vouchers: managed by the partner's owner or an admin, listed cheapest first per partner."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import httpx
from fastapi import FastAPI
from rf_support import (
    CREATE_VOUCHER,
    PARTNER_VOUCHERS,
    SUSPEND,
    UPDATE_VOUCHER,
    apply,
    create_voucher,
    new_id,
    verify,
    voucher_input,
)
from sqlalchemy import func, select
from subgraph_support import error_codes, gql, only_error

from shared.identity import Role
from subgraphs.rf.models import Voucher

Headers = Callable[..., dict[str, str]]


async def count_vouchers(app: FastAPI) -> int:
    async with app.state.subgraph.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Voucher)) or 0)


async def verified_partner(
    client: httpx.AsyncClient, identity_headers: Headers
) -> tuple[dict[str, str], str]:
    owner = identity_headers(new_id(), Role.USER)
    partner = await apply(client, owner)
    await verify(client, identity_headers(new_id(), Role.ADMIN), partner["id"])
    return owner, partner["id"]


async def test_owner_creates_a_voucher_and_strangers_cannot(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    owner, partner_id = await verified_partner(client, identity_headers)
    voucher = await create_voucher(client, owner, partner_id, pricePoints=150, stock=5)
    before = await count_vouchers(app)

    stranger = await gql(
        client,
        CREATE_VOUCHER,
        {"input": voucher_input(partner_id)},
        identity_headers(new_id(), Role.PARTNER),
    )
    guest = await gql(client, CREATE_VOUCHER, {"input": voucher_input(partner_id)})

    assert voucher["partner"] == {"id": partner_id}
    assert (voucher["pricePoints"], voucher["stock"], voucher["validUntil"]) == (150, 5, None)
    assert error_codes(stranger) == ["FORBIDDEN"]
    assert error_codes(guest) == ["UNAUTHENTICATED"]
    assert await count_vouchers(app) == before


async def test_strangers_do_not_learn_of_a_pending_partner(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    owner = identity_headers(new_id(), Role.USER)
    partner = await apply(rf_client, owner)

    body = await gql(
        rf_client,
        CREATE_VOUCHER,
        {"input": voucher_input(partner["id"])},
        identity_headers(new_id(), Role.USER),
    )
    # The owner prepares vouchers before verification.
    await create_voucher(rf_client, owner, partner["id"])

    assert error_codes(body) == ["NOT_FOUND"]


async def test_admin_updates_a_voucher_and_clears_its_end(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    owner, partner_id = await verified_partner(rf_client, identity_headers)
    until = (datetime.now(UTC) + timedelta(days=30)).isoformat()
    voucher = await create_voucher(rf_client, owner, partner_id, validUntil=until)

    body = await gql(
        rf_client,
        UPDATE_VOUCHER,
        {"input": {"id": voucher["id"], "stock": 0, "title": "Новое", "validUntil": None}},
        identity_headers(new_id(), Role.ADMIN),
    )
    refused = await gql(
        rf_client,
        UPDATE_VOUCHER,
        {"input": {"id": voucher["id"], "stock": 3}},
        identity_headers(new_id(), Role.USER),
    )

    updated = body["data"]["updateVoucher"]["voucher"]
    assert (updated["stock"], updated["title"], updated["validUntil"]) == (0, "Новое", None)
    assert updated["pricePoints"] == voucher["pricePoints"]
    assert error_codes(refused) == ["FORBIDDEN"]


async def test_invalid_voucher_fields_are_named_and_nothing_is_written(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    owner, partner_id = await verified_partner(client, identity_headers)
    before = await count_vouchers(app)

    body = await gql(
        client,
        CREATE_VOUCHER,
        {"input": voucher_input(partner_id, title="", pricePoints=0, stock=-1, usableDays=400)},
        owner,
    )
    backwards = await gql(
        client,
        CREATE_VOUCHER,
        {
            "input": voucher_input(
                partner_id,
                validFrom="2027-02-01T00:00:00+00:00",
                validUntil="2027-01-01T00:00:00+00:00",
            )
        },
        owner,
    )

    assert set(only_error(body)["extensions"]["fields"]) == {
        "title",
        "pricePoints",
        "stock",
        "usableDays",
    }
    assert only_error(backwards)["extensions"]["fields"] == {
        "validUntil": "must be after validFrom"
    }
    assert await count_vouchers(app) == before


async def test_a_suspended_partner_cannot_add_vouchers(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    owner, partner_id = await verified_partner(rf_client, identity_headers)
    await gql(
        rf_client,
        SUSPEND,
        {"input": {"id": partner_id, "reason": "Проверка"}},
        identity_headers(new_id(), Role.ADMIN),
    )

    body = await gql(rf_client, CREATE_VOUCHER, {"input": voucher_input(partner_id)}, owner)

    assert error_codes(body) == ["CONFLICT"]


async def test_vouchers_page_cheapest_first_and_expired_ones_are_left_out(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    owner, partner_id = await verified_partner(rf_client, identity_headers)
    now = datetime.now(UTC)
    for points in (300, 100, 200, 100):
        await create_voucher(rf_client, owner, partner_id, pricePoints=points)
    await create_voucher(
        rf_client,
        owner,
        partner_id,
        pricePoints=50,
        validFrom=(now - timedelta(days=10)).isoformat(),
        validUntil=(now - timedelta(days=1)).isoformat(),
    )

    prices: list[int] = []
    after = None
    while True:
        page = (
            await gql(rf_client, PARTNER_VOUCHERS, {"id": partner_id, "first": 3, "after": after})
        )["data"]["partner"]["vouchers"]
        assert page["totalCount"] == 4
        prices += [edge["node"]["pricePoints"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert prices == [100, 100, 200, 300]


async def test_vouchers_first_above_the_maximum_is_bad_input(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    _, partner_id = await verified_partner(rf_client, identity_headers)

    body = await gql(rf_client, PARTNER_VOUCHERS, {"id": partner_id, "first": 1000})

    assert only_error(body)["extensions"] == {
        "code": "BAD_USER_INPUT",
        "fields": {"first": "must be between 1 and 100"},
    }


async def test_vouchers_of_verified_partners_in_a_city_cheapest_first(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    query = """
    query Vouchers($first: Int!, $after: String, $filter: VoucherFilter) {
      vouchers(first: $first, after: $after, filter: $filter) {
        totalCount edges { node { id pricePoints } } pageInfo { hasNextPage endCursor }
      }
    }
    """
    city_id = new_id()
    owner = identity_headers(new_id(), Role.USER)
    admin = identity_headers(new_id(), Role.ADMIN)
    verified = await apply(rf_client, owner, cityId=city_id)
    pending = await apply(rf_client, owner, cityId=city_id)
    await verify(rf_client, admin, verified["id"])
    for points in (250, 50, 900, 120):
        await create_voucher(rf_client, owner, verified["id"], pricePoints=points)
    await create_voucher(rf_client, owner, pending["id"], pricePoints=10)

    def variables(after: str | None = None, **filters: object) -> dict[str, object]:
        return {"first": 2, "after": after, "filter": {"cityId": city_id, **filters}}

    first = (await gql(rf_client, query, variables()))["data"]["vouchers"]
    second = (await gql(rf_client, query, variables(first["pageInfo"]["endCursor"])))["data"][
        "vouchers"
    ]
    cheap = (await gql(rf_client, query, variables(maxPricePoints=200)))["data"]["vouchers"]

    assert first["totalCount"] == 4  # the pending partner's voucher is not on sale
    assert [e["node"]["pricePoints"] for e in first["edges"] + second["edges"]] == [
        50,
        120,
        250,
        900,
    ]
    assert second["pageInfo"]["hasNextPage"] is False
    assert [e["node"]["pricePoints"] for e in cheap["edges"]] == [50, 120]
