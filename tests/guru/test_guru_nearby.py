"""`nearby` over the seeded index: exact against brute force, pages, kinds, bad input."""

from __future__ import annotations

from typing import Any

import pytest
from guru_support import MAX_RADIUS, GuruClient, codes

from shared.geo import LatLng, haversine_meters
from subgraphs.atlas.demo import load_places
from subgraphs.rf.demo import load_partners

NEARBY = """
query Nearby(
  $at: GeoPointInput!, $radius: Int!, $kinds: [NearbyKind!], $first: Int, $after: String
) {
  nearby(location: $at, radiusMeters: $radius, kinds: $kinds, first: $first, after: $after) {
    edges {
      cursor
      node { distanceMeters kind item { __typename ... on Place { id } ... on Partner { id } } }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""
BANGKOK = {"lat": 13.7563, "lng": 100.5018}
DEMO_ITEMS: list[tuple[str, str, LatLng]] = [
    ("PLACE", str(p.id), LatLng(lat=p.lat, lng=p.lng)) for p in load_places()
] + [
    ("PARTNER", str(p.id), LatLng(lat=p.lat, lng=p.lng))
    for p in load_partners()
    if p.status == "VERIFIED"
]


async def walk(guru: GuruClient, **variables: Any) -> list[dict[str, Any]]:
    """Every node `nearby` returns, following endCursor to the end."""
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        body = await guru.gql(NEARBY, {**variables, "after": after})
        assert "errors" not in body, body
        connection = body["data"]["nearby"]
        nodes += [edge["node"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            return nodes
        after = connection["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    ("center", "radius"),
    [
        (BANGKOK, 2_000),
        (BANGKOK, 25_000),
        ({"lat": -8.65, "lng": 115.2167}, 50_000),  # Bali
        ({"lat": 10.7769, "lng": 106.7009}, 5_000),  # Ho Chi Minh City
        ({"lat": 0.0, "lng": -150.0}, 50_000),  # the Pacific: nothing
    ],
)
async def test_nearby_returns_exactly_the_demo_items_inside_the_circle_nearest_first(
    guru: GuruClient, center: dict[str, float], radius: int
) -> None:
    origin = LatLng(**center)
    expected = sorted(
        (haversine_meters(origin, point), kind, item_id)
        for kind, item_id, point in DEMO_ITEMS
        if haversine_meters(origin, point) <= radius
    )

    nodes = await walk(guru, at=center, radius=radius, first=7)

    got = [(node["kind"], node["item"]["id"]) for node in nodes]
    assert got == [(kind, item_id) for _, kind, item_id in expected]
    distances = [node["distanceMeters"] for node in nodes]
    assert distances == sorted(distances)
    for node, (distance, _, _) in zip(nodes, expected, strict=True):
        assert node["distanceMeters"] == pytest.approx(distance, abs=0.01)
        assert node["item"]["__typename"] == node["kind"].title()


async def test_kinds_limit_what_is_returned(guru: GuruClient) -> None:
    both = await walk(guru, at=BANGKOK, radius=20_000, first=100)
    partners = await walk(guru, at=BANGKOK, radius=20_000, kinds=["PARTNER"], first=100)

    assert {node["kind"] for node in both} == {"PLACE", "PARTNER"}
    assert partners == [node for node in both if node["kind"] == "PARTNER"]


@pytest.mark.parametrize(
    ("variables", "fields"),
    [
        ({"radius": -1}, {"radiusMeters"}),
        ({"radius": 0}, {"radiusMeters"}),
        ({"radius": MAX_RADIUS + 1}, {"radiusMeters"}),
        ({"at": {"lat": 91, "lng": 0}}, {"location"}),
        ({"at": {"lat": 0, "lng": -180.5}}, {"location"}),
        ({"first": 101}, {"first"}),
        ({"first": 0}, {"first"}),
        ({"kinds": []}, {"kinds"}),
        ({"after": "bm90IGEgY3Vyc29y"}, {"after"}),
        (
            {"at": {"lat": 95, "lng": 0}, "radius": -5, "first": 500},
            {"location", "radiusMeters", "first"},
        ),
    ],
)
async def test_bad_input_is_bad_user_input_naming_the_fields(
    guru: GuruClient, variables: dict[str, Any], fields: set[str]
) -> None:
    body = await guru.gql(NEARBY, {"at": BANGKOK, "radius": 1_000, **variables})

    assert codes(body) == ["BAD_USER_INPUT"]
    assert set(body["errors"][0]["extensions"]["fields"]) == fields


async def test_malformed_coordinates_are_rejected_before_resolving(guru: GuruClient) -> None:
    body = await guru.gql(NEARBY, {"at": {"lat": "north", "lng": 100}, "radius": 1_000})
    assert codes(body) == ["BAD_USER_INPUT"]
