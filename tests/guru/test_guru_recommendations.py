"""Views feed recommendations: themes of what a user opened rank what they have not."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

from guru_support import GuruClient, codes

from shared.identity import Role
from subgraphs.atlas.demo import load_places

VIEW = """
mutation View($input: RecordPlaceViewInput!) {
  recordPlaceView(input: $input) { place { id } views }
}
"""
RECOMMENDATIONS = """
query Recommendations($first: Int, $after: String) {
  recommendations(first: $first, after: $after) {
    edges { cursor node { score place { id } matchedThemes { slug } } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
PLACES = load_places()
THEMES = {str(place.id): set(place.themes) for place in PLACES}
TEMPLES = [str(p.id) for p in PLACES if set(p.themes) == {"temples"}]
BEACH = next(str(p.id) for p in PLACES if set(p.themes) == {"beaches"})


async def view(guru: GuruClient, headers: dict[str, str], place_id: str) -> dict[str, Any]:
    return await guru.gql(VIEW, {"input": {"placeId": place_id}}, headers)


async def test_views_are_counted_per_user_and_place(
    guru: GuruClient, identity_headers: Any
) -> None:
    user = identity_headers(str(uuid.uuid4()), Role.USER)
    other = identity_headers(str(uuid.uuid4()), Role.USER)

    first = await view(guru, user, BEACH)
    second = await view(guru, user, BEACH)
    others = await view(guru, other, BEACH)

    assert first["data"]["recordPlaceView"] == {"place": {"id": BEACH}, "views": 1}
    assert second["data"]["recordPlaceView"]["views"] == 2
    assert others["data"]["recordPlaceView"]["views"] == 1


async def test_guests_and_unknown_places_cannot_be_viewed(
    guru: GuruClient, identity_headers: Any
) -> None:
    user = identity_headers(str(uuid.uuid4()), Role.USER)

    assert codes(await view(guru, {}, BEACH)) == ["UNAUTHENTICATED"]
    assert codes(await view(guru, user, str(uuid.uuid4()))) == ["NOT_FOUND"]
    assert codes(await view(guru, user, "nope")) == ["NOT_FOUND"]
    assert codes(await guru.gql(RECOMMENDATIONS)) == ["UNAUTHENTICATED"]


async def test_recommendations_rank_by_the_themes_of_viewed_places(
    guru: GuruClient, identity_headers: Any
) -> None:
    user = identity_headers(str(uuid.uuid4()), Role.USER)
    viewed = [TEMPLES[0], TEMPLES[0], TEMPLES[1], BEACH]
    for place_id in viewed:
        await view(guru, user, place_id)

    body = await guru.gql(RECOMMENDATIONS, {"first": 100}, user)

    nodes = [edge["node"] for edge in body["data"]["recommendations"]["edges"]]
    taste = Counter[str]()
    for place_id in viewed:
        taste.update(THEMES[place_id])
    expected = sorted(
        (
            (-sum(taste[t] for t in themes), place_id)
            for place_id, themes in THEMES.items()
            if place_id not in viewed and themes & set(taste)
        ),
    )
    assert [node["place"]["id"] for node in nodes] == [pid for _, pid in expected][:100]
    for node in nodes:
        matched = {theme["slug"] for theme in node["matchedThemes"]}
        assert matched == THEMES[node["place"]["id"]] & set(taste)
        assert node["score"] == sum(taste[t] for t in matched)
    assert not set(viewed) & {node["place"]["id"] for node in nodes}


async def test_recommendation_pages_cover_the_list_once(
    guru: GuruClient, identity_headers: Any
) -> None:
    user = identity_headers(str(uuid.uuid4()), Role.USER)
    await view(guru, user, BEACH)
    whole = await guru.gql(RECOMMENDATIONS, {"first": 100}, user)
    expected = [e["node"]["place"]["id"] for e in whole["data"]["recommendations"]["edges"]]

    ids: list[str] = []
    after = None
    while True:
        body = await guru.gql(RECOMMENDATIONS, {"first": 6, "after": after}, user)
        connection = body["data"]["recommendations"]
        ids += [edge["node"]["place"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert ids == expected
    assert len(ids) > 6


async def test_no_history_means_no_recommendations(guru: GuruClient, identity_headers: Any) -> None:
    user = identity_headers(str(uuid.uuid4()), Role.USER)
    body = await guru.gql(RECOMMENDATIONS, {}, user)
    assert body["data"]["recommendations"] == {
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }
