"""Browsing the atlas: entities, keyset connections, filters, and batched loading."""

from __future__ import annotations

from collections import Counter

from atlas_support import BANGKOK_ID, GRAND_PALACE_ID, AtlasClient, codes

from subgraphs.atlas.demo import load_cities, load_places

PLACE = """
query Place($id: ID!) {
  place(id: $id) {
    id slug name nameEn category location { lat lng } address
    city { id name timezone country { code name nameEn currency } }
    themes { slug title titleEn }
  }
}
"""
CITY_PLACES = """
query CityPlaces($id: ID!, $first: Int!, $after: String) {
  city(id: $id) {
    places(first: $first, after: $after) {
      totalCount
      edges { cursor node { id name } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""


def demo_places_in(city_slug: str) -> list[str]:
    return [str(place.id) for place in load_places() if place.city_slug == city_slug]


async def test_place_resolves_its_city_country_and_themes(atlas: AtlasClient) -> None:
    body = await atlas.gql(PLACE, {"id": GRAND_PALACE_ID})

    place = body["data"]["place"]
    assert place["nameEn"] == "Grand Palace"
    assert place["category"] == "SIGHT"
    assert place["location"] == {"lat": 13.75, "lng": 100.4913}
    assert place["city"]["name"] == "Бангкок"
    assert place["city"]["country"] == {
        "code": "TH",
        "name": "Таиланд",
        "nameEn": "Thailand",
        "currency": "THB",
    }
    assert [theme["slug"] for theme in place["themes"]] == ["history", "architecture"]


async def test_unknown_and_malformed_ids_are_null_without_errors(atlas: AtlasClient) -> None:
    body = await atlas.gql(
        """{
          a: place(id: "00000000-0000-0000-0000-000000000000") { id }
          b: place(id: "not-a-uuid") { id }
          c: city(id: "42") { id }
          d: guide(id: "00000000-0000-0000-0000-000000000001") { id }
          e: country(code: "XX") { code }
          f: theme(slug: "no-such-theme") { slug }
          g: placeBySlug(slug: "no-such-place") { id }
        }"""
    )
    assert "errors" not in body
    assert set(body["data"].values()) == {None}


async def test_city_places_walk_every_place_of_the_city_once_in_name_order(
    atlas: AtlasClient,
) -> None:
    seen: list[dict[str, str]] = []
    after = None
    pages = 0
    while True:
        body = await atlas.gql(CITY_PLACES, {"id": BANGKOK_ID, "first": 7, "after": after})
        connection = body["data"]["city"]["places"]
        seen += [edge["node"] for edge in connection["edges"]]
        pages += 1
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
        assert after == connection["edges"][-1]["cursor"]

    demo = set(demo_places_in("bangkok"))
    ids = [node["id"] for node in seen]
    assert len(ids) == len(set(ids))
    assert demo <= set(ids)
    assert connection["totalCount"] == len(ids)
    assert pages == -(-len(ids) // 7)


async def test_a_cursor_past_the_end_gives_an_empty_page_with_the_total(
    atlas: AtlasClient,
) -> None:
    first = await atlas.gql(CITY_PLACES, {"id": BANGKOK_ID, "first": 100})
    connection = first["data"]["city"]["places"]
    end = connection["pageInfo"]["endCursor"]

    body = await atlas.gql(CITY_PLACES, {"id": BANGKOK_ID, "first": 5, "after": end})

    after_end = body["data"]["city"]["places"]
    assert after_end["edges"] == []
    assert after_end["pageInfo"] == {"hasNextPage": False, "endCursor": None}
    assert after_end["totalCount"] == connection["totalCount"]


async def test_places_of_many_cities_with_their_relations_cost_one_statement_per_type(
    atlas: AtlasClient,
) -> None:
    query = """{
      cities(countryCode: "TH", first: 10) {
        edges { node {
          name country { name }
          places(first: 3) { totalCount edges { node { name city { name } themes { slug } } } }
        } }
      }
    }"""
    with atlas.count_statements() as statements:
        body = await atlas.gql(query)

    cities = body["data"]["cities"]["edges"]
    assert len(cities) == sum(1 for city in load_cities() if city.country_code == "TH")
    for edge in cities:
        places = edge["node"]["places"]
        assert 1 <= len(places["edges"]) <= 3
        assert {place["node"]["city"]["name"] for place in places["edges"]} == {
            edge["node"]["name"]
        }
    # cities page, countries, places of every city, cities by id, themes: one each.
    assert len(statements) == 5, statements


async def test_places_filtered_by_category_and_theme(atlas: AtlasClient) -> None:
    query = """{
      places(filter: {category: BEACH, theme: "beaches"}, first: 100) {
        totalCount edges { node { category themes { slug } } }
      }
    }"""
    body = await atlas.gql(query)

    connection = body["data"]["places"]
    expected = [p for p in load_places() if p.category == "BEACH" and "beaches" in p.themes]
    assert connection["totalCount"] >= len(expected) > 0
    for edge in connection["edges"]:
        assert edge["node"]["category"] == "BEACH"
        assert "beaches" in {theme["slug"] for theme in edge["node"]["themes"]}


async def test_places_of_an_unknown_city_are_an_empty_page(atlas: AtlasClient) -> None:
    body = await atlas.gql('{ places(filter: {cityId: "nope"}) { totalCount edges { cursor } } }')
    assert body["data"]["places"] == {"totalCount": 0, "edges": []}


async def test_first_out_of_range_and_foreign_cursors_are_bad_user_input(
    atlas: AtlasClient,
) -> None:
    for query in (
        "{ places(first: 101) { totalCount } }",
        "{ places(first: 0) { totalCount } }",
        '{ places(after: "garbage!") { totalCount } }',
        '{ cities(after: "WyJzZWFyY2giLDBd") { totalCount } }',
        f'{{ city(id: "{BANGKOK_ID}") {{ places(first: 500) {{ totalCount }} }} }}',
    ):
        body = await atlas.gql(query)
        assert codes(body) == ["BAD_USER_INPUT"], (query, body)


async def test_entities_of_every_type_resolve_in_one_statement_per_type(
    atlas: AtlasClient,
) -> None:
    places = demo_places_in("bangkok")[:3]
    representations = [
        *({"__typename": "Place", "id": place_id} for place_id in places),
        {"__typename": "Place", "id": "00000000-0000-0000-0000-000000000000"},
        {"__typename": "City", "id": BANGKOK_ID},
        {"__typename": "Country", "code": "VN"},
        {"__typename": "Theme", "slug": "temples"},
    ]
    query = """
    query Entities($representations: [_Any!]!) {
      _entities(representations: $representations) {
        __typename
        ... on Place { id }
        ... on City { id }
        ... on Country { code }
        ... on Theme { slug }
      }
    }"""
    with atlas.count_statements() as statements:
        body = await atlas.gql(query, {"representations": representations})

    entities = body["data"]["_entities"]
    assert [entity and entity["__typename"] for entity in entities] == [
        "Place",
        "Place",
        "Place",
        None,
        "City",
        "Country",
        "Theme",
    ]
    assert [entity["id"] for entity in entities[:3]] == places
    tables = Counter(statement.split("\nFROM ")[1].split()[0] for statement in statements)
    assert tables == {"atlas.places": 1, "atlas.cities": 1, "atlas.countries": 1, "atlas.themes": 1}
