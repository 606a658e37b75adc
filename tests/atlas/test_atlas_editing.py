"""Creating and updating places and guides: roles, validation, events, nothing half-written."""

# Russian test data: Cyrillic letters that look Latin are intended.
# ruff: noqa: RUF001

from __future__ import annotations

import uuid
from typing import Any

from atlas_support import BANGKOK_ID, GRAND_PALACE_ID, AtlasClient, codes, place_input
from sqlalchemy import func, select

from shared.identity import Role
from shared.tables import platform_tables
from subgraphs.atlas.demo import load_places
from subgraphs.atlas.models import Guide, Place

CREATE_PLACE = """
mutation Create($input: CreatePlaceInput!) {
  createPlace(input: $input) {
    place {
      id slug name nameEn category location { lat lng } address description
      themes { slug } city { id }
    }
  }
}
"""
UPDATE_PLACE = """
mutation Update($input: UpdatePlaceInput!) {
  updatePlace(input: $input) { place { id name location { lat lng } themes { slug } } }
}
"""
CREATE_GUIDE = """
mutation Create($input: CreateGuideInput!) {
  createGuide(input: $input) { guide { id title author { id } places { id } city { id } } }
}
"""
UPDATE_GUIDE = """
mutation Update($input: UpdateGuideInput!) { updateGuide(input: $input) { guide { id title } } }
"""
OUTBOX = platform_tables("atlas").outbox
CHIANG_MAI_PLACE = next(str(p.id) for p in load_places() if p.city_slug == "chiang-mai")
BANGKOK_PLACES = [str(p.id) for p in load_places() if p.city_slug == "bangkok"][:3]


async def counts(atlas: AtlasClient) -> tuple[int, int, int]:
    """(places, guides, outbox events) now."""
    async with atlas.sessions() as session:
        return (
            await session.scalar(select(func.count()).select_from(Place)) or 0,
            await session.scalar(select(func.count()).select_from(Guide)) or 0,
            await session.scalar(select(func.count()).select_from(OUTBOX)) or 0,
        )


async def events_about(atlas: AtlasClient, place_id: str) -> list[tuple[str, dict[str, Any]]]:
    async with atlas.sessions() as session:
        rows = await session.execute(
            select(OUTBOX.c.type, OUTBOX.c.payload)
            .where(OUTBOX.c.payload["placeId"].astext == place_id)
            .order_by(OUTBOX.c.occurred_at)
        )
        return [(row.type, row.payload) for row in rows]


async def test_admin_creates_a_place_that_is_emitted_and_searchable(
    atlas: AtlasClient, identity_headers: Any
) -> None:
    given = place_input(name="Кофейня Аистёнок", nameEn="Stork coffee")
    body = await atlas.gql(
        CREATE_PLACE, {"input": given}, identity_headers(str(uuid.uuid4()), Role.ADMIN)
    )

    place = body["data"]["createPlace"]["place"]
    assert place["slug"] == given["slug"]
    assert place["location"] == given["location"]
    assert place["description"] == given["description"]
    assert place["city"] == {"id": BANGKOK_ID}
    assert place["themes"] == [{"slug": "street-food"}]
    [(event_type, payload)] = await events_about(atlas, place["id"])
    assert event_type == "place_created"
    assert payload["location"] == given["location"]
    assert payload["themes"] == ["street-food"]
    assert payload["cityId"] == BANGKOK_ID
    found = await atlas.gql('{ search(text: "аистёнок") { edges { node { id } } } }')
    assert found["data"]["search"]["edges"] == [{"node": {"id": place["id"]}}]


async def test_guest_and_user_cannot_create_places_and_nothing_is_written(
    atlas: AtlasClient, identity_headers: Any
) -> None:
    before = await counts(atlas)

    guest = await atlas.gql(CREATE_PLACE, {"input": place_input()})
    user = await atlas.gql(
        CREATE_PLACE, {"input": place_input()}, identity_headers(str(uuid.uuid4()), Role.USER)
    )
    vip = await atlas.gql(
        CREATE_GUIDE,
        {"input": {"slug": "g", "cityId": BANGKOK_ID, "title": "T", "placeIds": BANGKOK_PLACES}},
        identity_headers(str(uuid.uuid4()), Role.VIP),
    )

    assert codes(guest) == ["UNAUTHENTICATED"]
    assert codes(user) == ["FORBIDDEN"]
    assert codes(vip) == ["FORBIDDEN"]
    assert await counts(atlas) == before


async def test_invalid_place_input_names_every_bad_field_and_writes_nothing(
    atlas: AtlasClient, identity_headers: Any
) -> None:
    before = await counts(atlas)
    given = place_input(
        slug="Not A Slug",
        name="x" * 10_000,
        location={"lat": 91, "lng": 100},
        description="y" * 4001,
        themes=["beaches"] * 11,
    )
    body = await atlas.gql(
        CREATE_PLACE, {"input": given}, identity_headers(str(uuid.uuid4()), Role.PRO)
    )

    assert codes(body) == ["BAD_USER_INPUT"]
    assert set(body["errors"][0]["extensions"]["fields"]) == {
        "slug",
        "name",
        "location",
        "description",
        "themes",
    }
    assert await counts(atlas) == before


async def test_unknown_city_and_themes_are_bad_user_input(
    atlas: AtlasClient, identity_headers: Any
) -> None:
    before = await counts(atlas)
    given = place_input(cityId=str(uuid.uuid4()), themes=["beaches", "no-such-theme"])
    body = await atlas.gql(
        CREATE_PLACE, {"input": given}, identity_headers(str(uuid.uuid4()), Role.ADMIN)
    )

    assert codes(body) == ["BAD_USER_INPUT"]
    fields = body["errors"][0]["extensions"]["fields"]
    assert set(fields) == {"cityId", "themes"}
    assert "no-such-theme" in fields["themes"]
    assert await counts(atlas) == before


async def test_a_taken_slug_is_a_conflict(atlas: AtlasClient, identity_headers: Any) -> None:
    admin = identity_headers(str(uuid.uuid4()), Role.ADMIN)
    body = await atlas.gql(CREATE_PLACE, {"input": place_input(slug="grand-palace")}, admin)
    assert codes(body) == ["SLUG_TAKEN"]


async def test_pro_updates_own_place_but_not_others(
    atlas: AtlasClient, identity_headers: Any
) -> None:
    pro = identity_headers(str(uuid.uuid4()), Role.PRO)
    other_pro = identity_headers(str(uuid.uuid4()), Role.PRO)
    created = await atlas.gql(CREATE_PLACE, {"input": place_input()}, pro)
    place_id = created["data"]["createPlace"]["place"]["id"]
    moved = {"id": place_id, "location": {"lat": 13.7, "lng": 100.5}, "themes": ["nightlife"]}

    updated = await atlas.gql(UPDATE_PLACE, {"input": moved}, pro)
    by_other = await atlas.gql(UPDATE_PLACE, {"input": {**moved, "name": "Чужое"}}, other_pro)
    demo = await atlas.gql(UPDATE_PLACE, {"input": {"id": GRAND_PALACE_ID, "name": "X"}}, pro)

    assert updated["data"]["updatePlace"]["place"]["location"] == moved["location"]
    assert updated["data"]["updatePlace"]["place"]["themes"] == [{"slug": "nightlife"}]
    assert codes(by_other) == ["FORBIDDEN"]
    assert codes(demo) == ["FORBIDDEN"]
    events = await events_about(atlas, place_id)
    assert [event_type for event_type, _ in events] == ["place_created", "place_updated"]
    assert events[1][1]["location"] == moved["location"]
    assert events[1][1]["name"] == "Кофейня у канала"


async def test_updating_an_unknown_place_is_not_found(
    atlas: AtlasClient, identity_headers: Any
) -> None:
    admin = identity_headers(str(uuid.uuid4()), Role.ADMIN)
    for place_id in (str(uuid.uuid4()), "not-an-id"):
        body = await atlas.gql(UPDATE_PLACE, {"input": {"id": place_id, "name": "X"}}, admin)
        assert codes(body) == ["NOT_FOUND"]


async def test_guides_keep_their_places_in_order_and_in_their_city(
    atlas: AtlasClient, identity_headers: Any
) -> None:
    author = str(uuid.uuid4())
    pro = identity_headers(author, Role.PRO)
    ordered = list(reversed(BANGKOK_PLACES))
    given = {
        "slug": f"test-guide-{uuid.uuid4().hex[:8]}",
        "cityId": BANGKOK_ID,
        "title": "Три места",
        "placeIds": ordered,
        "themes": ["history"],
    }
    body = await atlas.gql(CREATE_GUIDE, {"input": given}, pro)
    guide = body["data"]["createGuide"]["guide"]
    assert guide["author"] == {"id": author}
    assert [place["id"] for place in guide["places"]] == ordered

    before = await counts(atlas)
    foreign = await atlas.gql(
        UPDATE_GUIDE, {"input": {"id": guide["id"], "placeIds": [CHIANG_MAI_PLACE]}}, pro
    )
    stranger = await atlas.gql(
        UPDATE_GUIDE,
        {"input": {"id": guide["id"], "title": "Моё"}},
        identity_headers(str(uuid.uuid4()), Role.PRO),
    )
    admin = await atlas.gql(
        UPDATE_GUIDE,
        {"input": {"id": guide["id"], "title": "Четыре места"}},
        identity_headers(str(uuid.uuid4()), Role.ADMIN),
    )

    assert codes(foreign) == ["BAD_USER_INPUT"]
    assert set(foreign["errors"][0]["extensions"]["fields"]) == {"placeIds"}
    assert codes(stranger) == ["FORBIDDEN"]
    assert admin["data"]["updateGuide"]["guide"]["title"] == "Четыре места"
    assert await counts(atlas) == before


async def test_a_guide_needs_existing_distinct_places(
    atlas: AtlasClient, identity_headers: Any
) -> None:
    admin = identity_headers(str(uuid.uuid4()), Role.ADMIN)
    base = {"slug": "test-guide-bad", "cityId": BANGKOK_ID, "title": "Плохой"}
    for place_ids in ([], [BANGKOK_PLACES[0]] * 2, [str(uuid.uuid4())], ["nope"]):
        body = await atlas.gql(CREATE_GUIDE, {"input": {**base, "placeIds": place_ids}}, admin)
        assert codes(body) == ["BAD_USER_INPUT"], place_ids
        assert set(body["errors"][0]["extensions"]["fields"]) == {"placeIds"}
