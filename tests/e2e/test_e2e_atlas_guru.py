"""atlas and guru through the router: joins across subgraphs, nearby's mixed union, events
from atlas reaching guru's index, role rules and bad input (nothing written)."""

from __future__ import annotations

import secrets
import uuid
from collections import Counter
from typing import Any

import asyncpg
import pytest
from e2e_data import BANGKOK, BANGKOK_ID, DEMO_PARTNERS, DEMO_PLACES, place_input
from e2e_stack import Stack

from shared.identity import Role

GRAND_PALACE = "c5640fbc-b244-5c2e-b347-c9e94fd03344"
PLACE = """
query Place($id: ID!) {
  place(id: $id) { name city { name country { name code } } themes { title } }
}
"""
NEARBY = """
query Nearby($at: GeoPointInput!, $radius: Int!, $first: Int, $kinds: [NearbyKind!]) {
  nearby(location: $at, radiusMeters: $radius, first: $first, kinds: $kinds) {
    edges { node {
      distanceMeters kind
      item {
        __typename
        ... on Place { id name city { name } }
        ... on Partner { id name category location { lat lng } }
      }
    } }
    pageInfo { hasNextPage }
  }
}
"""
CREATE_PLACE = """
mutation Create($input: CreatePlaceInput!) { createPlace(input: $input) { place { id name } } }
"""
UPDATE_PLACE = """
mutation Update($input: UpdatePlaceInput!) { updatePlace(input: $input) { place { id } } }
"""


async def domain_rows(stack: Stack) -> dict[str, int]:
    """Row counts of what atlas and guru write (to prove a refused request wrote nothing)."""
    dsn = stack.database_url.replace("postgresql+asyncpg://", "postgresql://")
    connection = await asyncpg.connect(dsn)
    try:
        return {
            table: await connection.fetchval(f"SELECT count(*) FROM {table}")  # noqa: S608 - fixed names
            for table in (
                "atlas.places",
                "atlas.guides",
                "atlas.outbox",
                "guru.geo_items",
                "guru.place_views",
            )
        }
    finally:
        await connection.close()


async def test_a_place_gathers_its_city_and_country_through_the_router(e2e: Stack) -> None:
    place = (await e2e.gql(PLACE, {"id": GRAND_PALACE})).ok()["place"]
    assert place == {
        "name": "Большой королевский дворец",
        "city": {"name": "Бангкок", "country": {"name": "Таиланд", "code": "TH"}},
        "themes": [{"title": "История"}, {"title": "Архитектура"}],
    }


async def test_nearby_returns_places_and_partners_completed_by_their_owners(e2e: Stack) -> None:
    data = (await e2e.gql(NEARBY, {"at": BANGKOK, "radius": 10_000, "first": 100})).ok()

    nodes = [edge["node"] for edge in data["nearby"]["edges"]]
    kinds = Counter(node["item"]["__typename"] for node in nodes)
    assert kinds["Place"] > 0
    assert kinds["Partner"] > 0
    assert [node["distanceMeters"] for node in nodes] == sorted(
        node["distanceMeters"] for node in nodes
    )
    for node in nodes:
        item = node["item"]
        assert node["kind"] == item["__typename"].upper()
        if item["__typename"] == "Place" and item["id"] in DEMO_PLACES:
            assert item["name"] == DEMO_PLACES[item["id"]].name_ru  # from atlas
            assert item["city"] == {"name": "Бангкок"}
        elif item["__typename"] == "Partner":
            partner = DEMO_PARTNERS[item["id"]]  # from rf
            assert (item["name"], partner.status) == (partner.name, "VERIFIED")
            assert item["location"] == {"lat": partner.lat, "lng": partner.lng}


async def test_a_place_created_in_atlas_reaches_guru_and_moves_when_updated(
    e2e: Stack, eventually: Any
) -> None:
    admin = e2e.token(Role.ADMIN)
    spot = {"lat": 13.8003, "lng": 100.5555}
    created = await e2e.gql(CREATE_PLACE, {"input": place_input(location=spot)}, token=admin)
    place_id = created.ok()["createPlace"]["place"]["id"]

    async def nearest_to(at: dict[str, float]) -> dict[str, Any]:
        data = (await e2e.gql(NEARBY, {"at": at, "radius": 50, "kinds": ["PLACE"]})).ok()
        edges = data["nearby"]["edges"]
        assert edges, "not indexed yet"
        return dict(edges[0]["node"])

    node = await eventually(lambda: nearest_to(spot))
    assert node["item"] == {
        "__typename": "Place",
        "id": place_id,
        "name": "Кафе на крыше",
        "city": {"name": "Бангкок"},
    }

    moved = {"lat": 13.6, "lng": 100.7}
    (await e2e.gql(UPDATE_PLACE, {"input": {"id": place_id, "location": moved}}, token=admin)).ok()

    async def moved_there() -> None:
        assert (await nearest_to(moved))["item"]["id"] == place_id

    await eventually(moved_there)
    empty = (await e2e.gql(NEARBY, {"at": spot, "radius": 50, "kinds": ["PLACE"]})).ok()
    assert empty["nearby"]["edges"] == []


async def test_a_pro_writes_a_guide_whose_author_comes_from_users(e2e: Stack) -> None:
    email = f"pro-{secrets.token_hex(4)}@example.com"
    register = """
    mutation R($input: RegisterInput!) { register(input: $input) { user { id } } }
    """
    variables = {"input": {"email": email, "password": "pro password!", "displayName": "Гид Олег"}}
    user_id = (await e2e.gql(register, variables)).ok()["register"]["user"]["id"]
    places = [pid for pid, place in DEMO_PLACES.items() if place.city_slug == "bangkok"][:2]
    create = """
    mutation G($input: CreateGuideInput!) {
      createGuide(input: $input) { guide { title author { id displayName } places { name } } }
    }
    """
    guide_input = {
        "slug": f"e2e-guide-{secrets.token_hex(4)}",
        "cityId": BANGKOK_ID,
        "title": "Два храма",
        "placeIds": places,
    }
    guide = (
        await e2e.gql(create, {"input": guide_input}, token=e2e.token(Role.PRO, user_id=user_id))
    ).ok()["createGuide"]["guide"]

    assert guide["author"] == {"id": user_id, "displayName": "Гид Олег"}
    assert [place["name"] for place in guide["places"]] == [
        DEMO_PLACES[pid].name_ru for pid in places
    ]


async def test_guests_and_users_cannot_create_places_and_nothing_is_written(e2e: Stack) -> None:
    before = await domain_rows(e2e)

    guest = await e2e.gql(CREATE_PLACE, {"input": place_input()})
    user = await e2e.gql(CREATE_PLACE, {"input": place_input()}, token=e2e.token(Role.USER))
    guest_view = await e2e.gql(
        "mutation V($id: ID!) { recordPlaceView(input: {placeId: $id}) { views } }",
        {"id": GRAND_PALACE},
    )

    # The router refuses @authenticated fields to guests before planning (Apollo's code);
    # the subgraphs would answer UNAUTHENTICATED themselves (tests/atlas, tests/guru).
    assert guest.codes == ["UNAUTHORIZED_FIELD_OR_TYPE"]
    assert guest_view.codes == ["UNAUTHORIZED_FIELD_OR_TYPE"]
    assert user.codes == ["FORBIDDEN"]
    assert await domain_rows(e2e) == before


@pytest.mark.parametrize(
    ("query", "variables", "code"),
    [
        (NEARBY, {"at": BANGKOK, "radius": -1}, "BAD_USER_INPUT"),
        (NEARBY, {"at": BANGKOK, "radius": 50_001}, "BAD_USER_INPUT"),
        (NEARBY, {"at": BANGKOK, "radius": 1_000, "first": 101}, "BAD_USER_INPUT"),
        (NEARBY, {"at": {"lat": 91, "lng": 100}, "radius": 1_000}, "BAD_USER_INPUT"),
        (NEARBY, {"at": {"lat": "north", "lng": 100}, "radius": 1_000}, "BAD_USER_INPUT"),
        (NEARBY, {"at": {"lat": 13.7}, "radius": 1_000}, "BAD_USER_INPUT"),
        (
            "query S($t: String!) { search(text: $t) { totalCount } }",
            {"t": "я" * 10_000},
            "BAD_USER_INPUT",
        ),
        ("{ places(first: 101) { totalCount } }", None, "BAD_USER_INPUT"),
        ('{ places(after: "not a cursor") { totalCount } }', None, "BAD_USER_INPUT"),
    ],
)
async def test_bad_input_is_refused_with_its_code(
    e2e: Stack, query: str, variables: dict[str, Any] | None, code: str
) -> None:
    result = await e2e.gql(query, variables)
    assert result.codes == [code], result.body
    assert not result.data or all(value is None for value in result.data.values())


async def test_unknown_ids_are_null_or_not_found_and_write_nothing(e2e: Stack) -> None:
    before = await domain_rows(e2e)
    unknown = str(uuid.uuid4())

    lookups = await e2e.gql(
        """query Q($id: ID!) {
          place(id: $id) { name } city(id: $id) { name } guide(id: $id) { title }
        }""",
        {"id": unknown},
    )
    update = await e2e.gql(
        UPDATE_PLACE, {"input": {"id": unknown, "name": "X"}}, token=e2e.token(Role.ADMIN)
    )
    view = await e2e.gql(
        "mutation V($id: ID!) { recordPlaceView(input: {placeId: $id}) { views } }",
        {"id": unknown},
        token=e2e.token(Role.USER),
    )

    assert lookups.ok() == {"place": None, "city": None, "guide": None}
    assert update.codes == ["NOT_FOUND"]
    assert view.codes == ["NOT_FOUND"]
    assert await domain_rows(e2e) == before


async def test_recommendations_follow_the_places_a_user_viewed(e2e: Stack) -> None:
    token = e2e.token(Role.USER)
    temples = [pid for pid, p in DEMO_PLACES.items() if set(p.themes) == {"temples"}][:2]
    for place_id in temples:
        view = "mutation V($id: ID!) { recordPlaceView(input: {placeId: $id}) { views } }"
        assert (await e2e.gql(view, {"id": place_id}, token=token)).ok()["recordPlaceView"] == {
            "views": 1
        }

    query = """{
      recommendations(first: 5) {
        edges { node { score place { name themes { slug } } matchedThemes { title } } }
      }
    }"""
    edges = (await e2e.gql(query, token=token)).ok()["recommendations"]["edges"]

    assert len(edges) == 5
    for edge in edges:
        assert "temples" in {theme["slug"] for theme in edge["node"]["place"]["themes"]}
        assert edge["node"]["matchedThemes"] == [{"title": "Храмы"}]
        assert edge["node"]["score"] == 2
