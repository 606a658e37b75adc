"""Partner applications and their lifecycle: roles, transitions, events, bad input."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from rf_support import APPLY, PARTNER, PARTNERS, SUSPEND, VERIFY, application, apply, new_id, verify
from sqlalchemy import func, select
from subgraph_support import error_codes, gql, only_error

from shared.db import transaction
from shared.identity import Identity, Role
from shared.tables import platform_tables
from subgraphs.rf.models import Partner, PartnerService, PartnerStatus
from subgraphs.rf.service import verify_partner

OUTBOX = platform_tables("rf").outbox
Headers = Callable[..., dict[str, str]]


async def row_counts(app: FastAPI) -> tuple[int, int]:
    async with app.state.subgraph.sessions() as session:
        partners = await session.scalar(select(func.count()).select_from(Partner))
        services = await session.scalar(select(func.count()).select_from(PartnerService))
    return partners or 0, services or 0


async def verified_events(app: FastAPI, partner_id: str) -> list[dict[str, Any]]:
    async with app.state.subgraph.sessions() as session:
        rows = await session.execute(
            select(OUTBOX.c.type, OUTBOX.c.payload)
            .where(OUTBOX.c.payload["partnerId"].astext == partner_id)
            .order_by(OUTBOX.c.occurred_at)
        )
        return [{"type": type_, **payload} for type_, payload in rows.all()]


async def test_guest_cannot_apply_and_nothing_is_written(
    rf_app: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = rf_app
    before = await row_counts(app)

    body = await gql(client, APPLY, {"input": application()})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert await row_counts(app) == before


async def test_a_users_application_is_pending_and_visible_to_them_and_admins_only(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    owner_id = new_id()
    owner = identity_headers(owner_id, Role.USER)
    partner = await apply(rf_client, owner)
    assert partner["status"] == "PENDING"
    assert partner["owner"] == {"id": owner_id}
    assert partner["services"] == [
        {"title": "Блины", "price": {"amount": 15000, "currency": "THB"}}
    ]

    viewers = {
        "owner": owner,
        "admin": identity_headers(new_id(), Role.ADMIN),
        "other user": identity_headers(new_id(), Role.USER),
        "guest": {},
    }
    seen = {
        name: (await gql(rf_client, PARTNER, {"id": partner["id"]}, headers))["data"]["partner"]
        for name, headers in viewers.items()
    }

    assert {name for name, found in seen.items() if found is not None} == {"owner", "admin"}


async def test_user_cannot_verify_or_suspend_a_partner(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    owner = identity_headers(new_id(), Role.USER)
    partner = await apply(client, owner)

    verified = await gql(client, VERIFY, {"input": {"id": partner["id"]}}, owner)
    suspended = await gql(client, SUSPEND, {"input": {"id": partner["id"], "reason": "no"}}, owner)
    as_guest = await gql(client, VERIFY, {"input": {"id": partner["id"]}})

    assert error_codes(verified) == ["FORBIDDEN"]
    assert error_codes(suspended) == ["FORBIDDEN"]
    assert error_codes(as_guest) == ["UNAUTHENTICATED"]
    assert await verified_events(app, partner["id"]) == []


async def test_admin_verifies_and_partner_verified_carries_the_location(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    owner_id = new_id()
    partner = await apply(client, identity_headers(owner_id, Role.USER))

    body = await gql(
        client, VERIFY, {"input": {"id": partner["id"]}}, identity_headers(new_id(), Role.ADMIN)
    )

    assert body["data"]["verifyPartner"]["partner"]["status"] == "VERIFIED"
    [event] = await verified_events(app, partner["id"])
    assert event == {
        "type": "partner_verified",
        "partnerId": partner["id"],
        "name": "Кафе «Самовар»",
        "category": "CAFE",
        "ownerId": owner_id,
        "placeId": partner["place"]["id"],
        "cityId": partner["city"]["id"],
        "location": {"lat": 12.93, "lng": 100.88},
        "russianSpeakingStaff": True,
        "verifiedAt": body["data"]["verifyPartner"]["partner"]["verifiedAt"],
    }
    public = await gql(client, PARTNER, {"id": partner["id"]})
    assert public["data"]["partner"]["status"] == "VERIFIED"
    assert public["data"]["partner"]["owner"] is None  # owner and admins only


async def test_lifecycle_transitions_and_the_invalid_ones_conflict(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    admin = identity_headers(new_id(), Role.ADMIN)
    partner = await apply(client, identity_headers(new_id(), Role.USER))
    ident = {"id": partner["id"]}

    await verify(client, admin, partner["id"])
    twice = await gql(client, VERIFY, {"input": ident}, admin)
    suspended = await gql(client, SUSPEND, {"input": ident | {"reason": "Жалобы"}}, admin)
    suspended_twice = await gql(client, SUSPEND, {"input": ident | {"reason": "Ещё"}}, admin)
    hidden = await gql(client, PARTNER, {"id": partner["id"]})
    reinstated = await gql(client, VERIFY, {"input": ident}, admin)

    assert error_codes(twice) == ["CONFLICT"]
    assert suspended["data"]["suspendPartner"]["partner"] == {
        "id": partner["id"],
        "status": "SUSPENDED",
        "statusReason": "Жалобы",
    }
    assert error_codes(suspended_twice) == ["CONFLICT"]
    assert hidden["data"]["partner"] is None
    assert reinstated["data"]["verifyPartner"]["partner"]["status"] == "VERIFIED"
    # Each verification is an event (guru re-indexes a reinstated partner).
    assert [event["type"] for event in await verified_events(app, partner["id"])] == [
        "partner_verified",
        "partner_verified",
    ]


async def test_rejecting_a_pending_application_suspends_it(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    owner = identity_headers(new_id(), Role.USER)
    partner = await apply(rf_client, owner)

    body = await gql(
        rf_client,
        SUSPEND,
        {"input": {"id": partner["id"], "reason": "Нет документов"}},
        identity_headers(new_id(), Role.ADMIN),
    )
    seen_by_owner = await gql(rf_client, PARTNER, {"id": partner["id"]}, owner)

    assert body["data"]["suspendPartner"]["partner"]["status"] == "SUSPENDED"
    assert seen_by_owner["data"]["partner"]["statusReason"] == "Нет документов"


async def test_verification_rolled_back_leaves_it_pending_and_no_event(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    partner = await apply(client, identity_headers(new_id(), Role.USER))
    admin = Identity(user_id=new_id(), role=Role.ADMIN)
    written_inside: list[int] = []

    async def verify_then_fail() -> None:
        async with transaction(app.state.subgraph.sessions) as session:
            await verify_partner(session, identity=admin, partner_id=partner["id"])
            rows = await session.execute(
                select(OUTBOX.c.id).where(OUTBOX.c.payload["partnerId"].astext == partner["id"])
            )
            written_inside.append(len(rows.all()))
            raise RuntimeError("after verifying")

    with pytest.raises(RuntimeError, match="after verifying"):
        await verify_then_fail()

    assert written_inside == [1]
    assert await verified_events(app, partner["id"]) == []
    async with app.state.subgraph.sessions() as session:
        stored = await session.get(Partner, uuid.UUID(partner["id"]))
        assert stored is not None
        assert stored.status is PartnerStatus.PENDING


async def test_unknown_partner_is_not_found(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    admin = identity_headers(new_id(), Role.ADMIN)

    unknown = await gql(rf_client, VERIFY, {"input": {"id": new_id()}}, admin)
    malformed = await gql(rf_client, VERIFY, {"input": {"id": "nope"}}, admin)

    assert error_codes(unknown) == ["NOT_FOUND"]
    assert error_codes(malformed) == ["NOT_FOUND"]


async def test_a_place_hosts_one_partner(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    place_id = new_id()
    await apply(client, identity_headers(new_id(), Role.USER), placeId=place_id)
    before = await row_counts(app)

    body = await gql(
        client,
        APPLY,
        {"input": application(placeId=place_id)},
        identity_headers(new_id(), Role.USER),
    )

    assert only_error(body)["extensions"] == {"code": "PLACE_TAKEN"}
    assert await row_counts(app) == before


async def test_every_invalid_field_is_named_and_nothing_is_written(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    before = await row_counts(app)

    body = await gql(
        client,
        APPLY,
        {
            "input": application(
                name="n" * 121,
                description="d" * 2001,
                location={"lat": 91.0, "lng": 0.0},
                placeId="not-a-uuid",
                services=[
                    {"title": "", "priceMinor": -1, "currency": "baht"},
                    {"title": "Ок", "priceMinor": 100, "currency": "THB"},
                ],
            )
        },
        identity_headers(new_id(), Role.USER),
    )

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert set(error["extensions"]["fields"]) == {
        "name",
        "description",
        "location",
        "placeId",
        "services.0.title",
        "services.0.priceMinor",
        "services.0.currency",
    }
    assert error["extensions"]["fields"]["location"] == "lat must be between -90 and 90"
    assert await row_counts(app) == before


async def test_too_many_services_and_a_malformed_coordinate(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    services = [{"title": f"S{i}", "priceMinor": 1, "currency": "THB"} for i in range(21)]
    user = identity_headers(new_id(), Role.USER)

    too_many = await gql(rf_client, APPLY, {"input": application(services=services)}, user)
    not_a_number = await gql(
        rf_client, APPLY, {"input": application(location={"lat": "north", "lng": 1})}, user
    )

    assert only_error(too_many)["extensions"]["fields"] == {
        "services": "must have at most 20 items"
    }
    assert only_error(not_a_number)["extensions"]["code"] == "BAD_USER_INPUT"


async def test_public_list_shows_verified_partners_and_admins_filter_by_status(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    city_id = new_id()
    owner = identity_headers(new_id(), Role.USER)
    admin = identity_headers(new_id(), Role.ADMIN)
    pending = await apply(rf_client, owner, cityId=city_id)
    verified = await apply(rf_client, owner, cityId=city_id)
    await verify(rf_client, admin, verified["id"])

    public = await gql(rf_client, PARTNERS, {"first": 10, "filter": {"cityId": city_id}})
    pending_for_admin = await gql(
        rf_client,
        PARTNERS,
        {"first": 10, "filter": {"cityId": city_id, "status": "PENDING"}},
        admin,
    )

    assert [e["node"]["id"] for e in public["data"]["partners"]["edges"]] == [verified["id"]]
    assert public["data"]["partners"]["totalCount"] == 1
    assert [e["node"]["id"] for e in pending_for_admin["data"]["partners"]["edges"]] == [
        pending["id"]
    ]


async def test_my_partners_lists_the_callers_applications_in_any_status(
    rf_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    query = "{ myPartners { id status } }"
    owner = identity_headers(new_id(), Role.USER)
    older = await apply(rf_client, owner)
    newer = await apply(rf_client, owner)
    await verify(rf_client, identity_headers(new_id(), Role.ADMIN), older["id"])

    mine = await gql(rf_client, query, headers=owner)
    someone_else = await gql(rf_client, query, headers=identity_headers(new_id(), Role.USER))
    guest = await gql(rf_client, query)

    assert mine["data"]["myPartners"] == [
        {"id": newer["id"], "status": "PENDING"},
        {"id": older["id"], "status": "VERIFIED"},
    ]
    assert someone_else["data"]["myPartners"] == []
    assert error_codes(guest) == ["UNAUTHENTICATED"]


async def test_concurrent_verifications_emit_one_event_and_the_other_conflicts(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    partner = await apply(client, identity_headers(new_id(), Role.USER))
    admins = [identity_headers(new_id(), Role.ADMIN) for _ in range(4)]

    results = await asyncio.gather(
        *(gql(client, VERIFY, {"input": {"id": partner["id"]}}, admin) for admin in admins)
    )

    assert sorted(tuple(error_codes(body)) for body in results) == [
        (),
        ("CONFLICT",),
        ("CONFLICT",),
        ("CONFLICT",),
    ]
    assert len(await verified_events(app, partner["id"])) == 1
