"""The geo index follows events: created, moved, stale, duplicated, unusable, forged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from guru_support import GuruClient, make_event
from sqlalchemy import func, select

from shared.tables import platform_tables
from subgraphs.guru.models import GeoItem

NEARBY_IDS = """
query Nearby($at: GeoPointInput!, $radius: Int!) {
  nearby(location: $at, radiusMeters: $radius, first: 100) {
    edges { node { distanceMeters kind item { ... on Place { id } ... on Partner { id } } } }
  }
}
"""
# Open sea in the Gulf of Thailand: nothing of the demo data within 20 km.
SEA = {"lat": 11.0, "lng": 101.5}


async def ids_near(guru: GuruClient, at: dict[str, float], radius: int = 20_000) -> list[str]:
    body = await guru.gql(NEARBY_IDS, {"at": at, "radius": radius})
    return [edge["node"]["item"]["id"] for edge in body["data"]["nearby"]["edges"]]


async def indexed(guru: GuruClient, entity_id: str) -> GeoItem | None:
    async with guru.sessions() as session:
        row: GeoItem | None = await session.scalar(
            select(GeoItem).where(GeoItem.entity_id == uuid.UUID(entity_id))
        )
        return row


def place_payload(place_id: str, lat: float, lng: float, **extra: object) -> dict[str, object]:
    return {"placeId": place_id, "location": {"lat": lat, "lng": lng}, "themes": []} | extra


async def test_a_created_place_is_found_nearby_and_a_redelivery_changes_nothing(
    guru: GuruClient,
) -> None:
    place_id = str(uuid.uuid4())
    event = make_event(
        "place_created", place_payload(place_id, 11.001, 101.5, themes=["guru-test-theme"])
    )

    first = await guru.deliver(event)
    again = await guru.deliver(event)

    assert first.json() == {"status": "applied"}
    assert again.json() == {"status": "duplicate"}
    assert await ids_near(guru, SEA) == [place_id]
    row = await indexed(guru, place_id)
    assert row is not None
    assert row.themes == ["guru-test-theme"]
    async with guru.sessions() as session:
        inbox = platform_tables("guru").processed_events
        count = await session.scalar(
            select(func.count()).select_from(inbox).where(inbox.c.event_id == event.id)
        )
    assert count == 1


async def test_an_update_moves_the_place_and_a_stale_one_is_ignored(guru: GuruClient) -> None:
    place_id = str(uuid.uuid4())
    created_at = datetime.now(UTC)
    far_away = {"lat": 11.0, "lng": 102.5}
    created = make_event(
        "place_created", place_payload(place_id, 11.0, 101.501), occurred_at=created_at
    )
    moved = make_event(
        "place_updated",
        place_payload(place_id, far_away["lat"], far_away["lng"]),
        occurred_at=created_at + timedelta(seconds=2),
    )
    stale = make_event(
        "place_updated",
        place_payload(place_id, 11.0, 101.502),
        occurred_at=created_at + timedelta(seconds=1),
    )

    for event in (created, moved, stale):  # the stale state arrives last
        assert (await guru.deliver(event)).status_code == 200

    assert place_id not in await ids_near(guru, SEA, radius=5_000)
    assert place_id in await ids_near(guru, far_away, radius=1_000)


async def test_a_verified_partner_is_indexed_as_a_partner(guru: GuruClient) -> None:
    partner_id = str(uuid.uuid4())
    event = make_event(
        "partner_verified",
        {"partnerId": partner_id, "name": "Борщ и точка", "location": {"lat": 11.0, "lng": 101.49}},
        source="rf",
    )

    assert (await guru.deliver(event)).json() == {"status": "applied"}

    body = await guru.gql(NEARBY_IDS, {"at": SEA, "radius": 5_000})
    kinds = {
        edge["node"]["item"]["id"]: edge["node"]["kind"] for edge in body["data"]["nearby"]["edges"]
    }
    assert kinds[partner_id] == "PARTNER"


async def test_events_and_properties_are_indexed_but_not_yet_returned(guru: GuruClient) -> None:
    event_id, property_id = str(uuid.uuid4()), str(uuid.uuid4())
    for event in (
        make_event("event_created", {"eventId": event_id, "location": {"lat": 11.0, "lng": 101.5}}),
        make_event(
            "property_published",
            {"propertyId": property_id, "location": {"lat": 11.0, "lng": 101.5}},
        ),
    ):
        assert (await guru.deliver(event)).json() == {"status": "applied"}

    assert await indexed(guru, event_id) is not None
    assert await indexed(guru, property_id) is not None
    found = await ids_near(guru, SEA, radius=1_000)
    assert event_id not in found
    assert property_id not in found


async def test_an_event_without_a_usable_location_is_consumed_and_indexes_nothing(
    guru: GuruClient,
) -> None:
    online_id = str(uuid.uuid4())
    for payload in (
        {"eventId": online_id},
        {"eventId": online_id, "location": {"lat": 123, "lng": 0}},
        {"eventId": "not-an-id", "location": {"lat": 1, "lng": 1}},
    ):
        response = await guru.deliver(make_event("event_created", payload, source="pulse"))
        assert response.json() == {"status": "applied"}
    assert await indexed(guru, online_id) is None


async def test_a_forged_delivery_is_refused(guru: GuruClient) -> None:
    place_id = str(uuid.uuid4())
    event = make_event("place_created", place_payload(place_id, 11.0, 101.5))

    response = await guru.deliver(event, secret="not-the-secret")

    assert response.status_code == 401
    assert await indexed(guru, place_id) is None


async def test_the_box_around_the_circle_wraps_the_antimeridian(guru: GuruClient) -> None:
    east, west = str(uuid.uuid4()), str(uuid.uuid4())
    for place_id, lng in ((east, 179.95), (west, -179.95)):
        await guru.deliver(make_event("place_created", place_payload(place_id, -16.5, lng)))

    from_east = await ids_near(guru, {"lat": -16.5, "lng": 179.99}, radius=20_000)
    from_west = await ids_near(guru, {"lat": -16.5, "lng": -179.99}, radius=20_000)

    assert set(from_east) == set(from_west) == {east, west}


async def test_a_circle_around_the_pole_covers_every_longitude(guru: GuruClient) -> None:
    ids = [str(uuid.uuid4()) for _ in range(3)]
    for place_id, lng in zip(ids, (-170.0, 0.0, 170.0), strict=True):
        await guru.deliver(make_event("place_created", place_payload(place_id, 89.9, lng)))

    assert set(await ids_near(guru, {"lat": 89.95, "lng": 90.0}, radius=30_000)) == set(ids)


async def test_items_at_one_spot_page_in_kind_then_id_order_without_gaps(
    guru: GuruClient,
) -> None:
    spot = {"lat": 11.5, "lng": 101.9}  # open sea: only what this test indexes
    places = [str(uuid.uuid4()) for _ in range(4)]
    partners = [str(uuid.uuid4()) for _ in range(3)]
    for place_id in places:
        await guru.deliver(make_event("place_created", place_payload(place_id, **spot)))
    for partner_id in partners:
        payload = {"partnerId": partner_id, "location": spot}
        await guru.deliver(make_event("partner_verified", payload, source="rf"))
    query = """
    query Page($at: GeoPointInput!, $after: String) {
      nearby(location: $at, radiusMeters: 100, first: 2, after: $after) {
        edges { node { kind item { ... on Place { id } ... on Partner { id } } } }
        pageInfo { hasNextPage endCursor }
      }
    }"""
    seen: list[tuple[str, str]] = []
    after = None
    while True:
        body = await guru.gql(query, {"at": spot, "after": after})
        connection = body["data"]["nearby"]
        seen += [(e["node"]["kind"], e["node"]["item"]["id"]) for e in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    expected = sorted(
        [("PARTNER", partner_id) for partner_id in partners]
        + [("PLACE", place_id) for place_id in places]
    )
    assert seen == expected
