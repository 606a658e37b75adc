"""Full-text search over places, in Russian and in English."""

from __future__ import annotations

from atlas_support import AtlasClient, codes

SEARCH = """
query Search($text: String!, $first: Int, $after: String) {
  search(text: $text, first: $first, after: $after) {
    totalCount
    edges { cursor node { id name nameEn } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
WAT_ARUN = "Wat Arun"


async def search(atlas: AtlasClient, text: str, first: int = 20) -> dict:
    body = await atlas.gql(SEARCH, {"text": text, "first": first})
    assert "errors" not in body, body
    return body["data"]["search"]


async def test_russian_and_english_queries_find_the_same_temple(atlas: AtlasClient) -> None:
    russian = await search(atlas, "храм рассвета")
    english = await search(atlas, "temple of dawn")

    assert russian["edges"][0]["node"]["nameEn"] == WAT_ARUN
    assert english["edges"][0]["node"]["nameEn"] == WAT_ARUN


async def test_russian_words_match_their_other_forms(atlas: AtlasClient) -> None:
    singular = await search(atlas, "храм", first=100)
    plural = await search(atlas, "храмы", first=100)

    assert singular["totalCount"] > 10
    assert {e["node"]["id"] for e in singular["edges"]} == {
        e["node"]["id"] for e in plural["edges"]
    }


async def test_names_outrank_descriptions(atlas: AtlasClient) -> None:
    found = await search(atlas, "храм", first=5)
    assert all("храм" in edge["node"]["name"].lower() for edge in found["edges"])


async def test_search_pages_cover_every_match_once(atlas: AtlasClient) -> None:
    first_page = await search(atlas, "пляж", first=100)
    ids: list[str] = []
    after = None
    while True:
        body = await atlas.gql(SEARCH, {"text": "пляж", "first": 4, "after": after})
        connection = body["data"]["search"]
        ids += [edge["node"]["id"] for edge in connection["edges"]]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]

    assert len(ids) == len(set(ids)) == first_page["totalCount"]
    assert set(ids) == {edge["node"]["id"] for edge in first_page["edges"]}


async def test_nothing_matches_is_an_empty_connection(atlas: AtlasClient) -> None:
    found = await search(atlas, "zxqvbnmzxqv")
    assert found == {
        "totalCount": 0,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


async def test_oversized_empty_or_control_character_text_is_bad_user_input(
    atlas: AtlasClient,
) -> None:
    for text in ("x" * 10_000, "   ", "храм\x00"):
        body = await atlas.gql(SEARCH, {"text": text})
        assert codes(body) == ["BAD_USER_INPUT"], body
        assert set(body["errors"][0]["extensions"]["fields"]) == {"text"}


async def test_a_keyset_cursor_is_not_a_search_cursor(atlas: AtlasClient) -> None:
    places = await atlas.gql("{ places(first: 1) { pageInfo { endCursor } } }")
    cursor = places["data"]["places"]["pageInfo"]["endCursor"]

    body = await atlas.gql(SEARCH, {"text": "храм", "after": cursor})

    assert codes(body) == ["BAD_USER_INPUT"]


async def test_every_bad_argument_is_named_at_once(atlas: AtlasClient) -> None:
    body = await atlas.gql(SEARCH, {"text": "x" * 10_000, "first": 500})
    assert codes(body) == ["BAD_USER_INPUT"]
    assert set(body["errors"][0]["extensions"]["fields"]) == {"text", "first"}
