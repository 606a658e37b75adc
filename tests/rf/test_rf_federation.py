"""Federation surface: the SDL, Place.rfPartner and Partner references batched."""

from __future__ import annotations

from collections.abc import Callable

import httpx
from fastapi import FastAPI
from rf_support import PLACE_ENTITIES, SUSPEND, apply, create_voucher, new_id, verify
from subgraph_support import counting_statements, gql

from shared.identity import Role
from subgraphs.rf.demo import load_partners

Headers = Callable[..., dict[str, str]]

PARTNER_ENTITIES = """
query Partners($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Partner { id name status location { lat lng } place { id } }
  }
}
"""


async def test_sdl_declares_partner_voucher_and_place_rf_partner(
    rf_client: httpx.AsyncClient,
) -> None:
    sdl = (await gql(rf_client, "{ _service { sdl } }"))["data"]["_service"]["sdl"]

    for declaration in (
        'type Partner @key(fields: "id")',
        'type Voucher @key(fields: "id")',
        'type Place @key(fields: "id")',
        "rfPartner: Partner",
        "type GeoPoint @shareable",
        "type Money @shareable",
        'sizedFields: ["edges"], requireOneSlicingArgument: false)',
    ):
        assert declaration in sdl


async def test_fifty_places_partners_services_and_vouchers_cost_one_statement_each(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    admin = identity_headers(new_id(), Role.ADMIN)
    owner = identity_headers(new_id(), Role.USER)
    places = [new_id() for _ in range(50)]
    partners = [await apply(client, owner, placeId=places[i]) for i in range(4)]
    for partner in partners[:3]:
        await verify(client, admin, partner["id"])
    await gql(client, SUSPEND, {"input": {"id": partners[2]["id"], "reason": "Закрыто"}}, admin)
    for points in (300, 100, 200):
        await create_voucher(client, owner, partners[0]["id"], pricePoints=points)
    representations = [{"__typename": "Place", "id": place_id} for place_id in places]

    with counting_statements(app.state.subgraph.engine) as statements:
        body = await gql(client, PLACE_ENTITIES, {"representations": representations})

    # partners by place, their services, their vouchers: one statement each.
    assert len(statements) == 3, statements
    entities = body["data"]["_entities"]
    assert [entity["id"] for entity in entities] == places
    first = entities[0]["rfPartner"]
    assert first["id"] == partners[0]["id"]
    assert first["services"] == [{"title": "Блины"}]
    assert first["vouchers"]["totalCount"] == 3
    assert [e["node"]["pricePoints"] for e in first["vouchers"]["edges"]] == [100, 200]
    assert entities[1]["rfPartner"]["vouchers"] == {"totalCount": 0, "edges": []}
    # Suspended and pending partners are not a place's public badge.
    assert entities[2]["rfPartner"] is None
    assert entities[3]["rfPartner"] is None
    assert all(entity["rfPartner"] is None for entity in entities[4:])


async def test_demo_places_show_their_verified_partner(rf_client: httpx.AsyncClient) -> None:
    demo = [row for row in load_partners() if row.place_id is not None]
    representations = [{"__typename": "Place", "id": str(row.place_id)} for row in demo]

    body = await gql(rf_client, PLACE_ENTITIES, {"representations": representations})

    names = [
        entity["rfPartner"]["name"] if entity["rfPartner"] else None
        for entity in body["data"]["_entities"]
    ]
    assert names == [row.name if row.status == "VERIFIED" else None for row in demo]


async def test_partner_references_hide_what_the_caller_may_not_see(
    rf_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = rf_app
    owner_id = new_id()
    owner = identity_headers(owner_id, Role.USER)
    verified = await apply(client, owner)
    await verify(client, identity_headers(new_id(), Role.ADMIN), verified["id"])
    pending = await apply(client, owner)
    ids = [verified["id"], pending["id"], new_id(), "not-a-uuid"]
    representations = [{"__typename": "Partner", "id": partner_id} for partner_id in ids]

    with counting_statements(app.state.subgraph.engine) as statements:
        guest = await gql(client, PARTNER_ENTITIES, {"representations": representations})
    as_owner = await gql(client, PARTNER_ENTITIES, {"representations": representations}, owner)

    assert len(statements) == 1, statements
    assert [e["id"] if e else None for e in guest["data"]["_entities"]] == [
        verified["id"],
        None,
        None,
        None,
    ]
    assert [e["id"] if e else None for e in as_owner["data"]["_entities"]] == [
        verified["id"],
        pending["id"],
        None,
        None,
    ]
    assert guest["data"]["_entities"][0]["location"] == {"lat": 12.93, "lng": 100.88}
