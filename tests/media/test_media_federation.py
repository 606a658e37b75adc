"""Federation surface: the SDL, and entity fields batched into one statement per kind."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
from fastapi import FastAPI
from media_support import CITY_ENTITIES, PLACE_ENTITIES, create_article, publish
from subgraph_support import counting_statements, gql

from shared.identity import Role

Headers = Callable[..., dict[str, str]]

ARTICLE_ENTITIES = """
query Articles($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Article { id title rubric { slug } tags { slug } places { id } author { id } }
  }
}
"""


def new_id() -> str:
    return str(uuid.uuid4())


async def test_sdl_declares_the_entities_media_owns_and_extends(
    media_client: httpx.AsyncClient,
) -> None:
    sdl = (await gql(media_client, "{ _service { sdl } }"))["data"]["_service"]["sdl"]

    for declaration in (
        'type Article @key(fields: "id")',
        'type Rubric @key(fields: "slug")',
        'type Place @key(fields: "id")',
        'type City @key(fields: "id")',
        'type Theme @key(fields: "slug", resolvable: false)',
        'type User @key(fields: "id", resolvable: false)',
    ):
        assert declaration in sdl
    # `first` has a default, so the router must not demand it.
    assert (
        "articles(first: Int! = 20, after: String = null): ArticleConnection! @listSize("
        'assumedSize: null, slicingArguments: ["first"], sizedFields: ["edges"], '
        "requireOneSlicingArgument: false)"
    ) in sdl
    assert "searchArticles(" in sdl
    assert "@cost(weight: 10)" in sdl


async def test_fifty_places_articles_and_counts_cost_one_statement_each(
    media_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = media_app
    places = [new_id() for _ in range(50)]
    author_id = new_id()
    author = identity_headers(author_id, Role.PRO)
    both = await create_article(client, author, placeIds=[places[0], places[1]])
    first_only = await create_article(client, author, placeIds=[places[0]])
    older = await create_article(client, author, placeIds=[places[0]])
    draft = await create_article(client, author, placeIds=[places[0], places[49]])
    for article in (older, first_only, both):
        await publish(client, author, article["id"])
    representations = [{"__typename": "Place", "id": place_id} for place_id in places]

    with counting_statements(app.state.subgraph.engine) as statements:
        guest = await gql(client, PLACE_ENTITIES, {"representations": representations, "first": 2})

    assert len(statements) == 2, statements  # the pages, and the counts
    assert "errors" not in guest, guest
    entities = guest["data"]["_entities"]
    assert [entity["id"] for entity in entities] == places
    assert entities[0]["articleCount"] == 3
    assert entities[0]["articles"]["totalCount"] == 3
    assert [edge["node"]["id"] for edge in entities[0]["articles"]["edges"]] == [
        both["id"],
        first_only["id"],
    ]
    assert entities[0]["articles"]["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["id"] for edge in entities[1]["articles"]["edges"]] == [both["id"]]
    assert entities[49]["articleCount"] == 0  # the draft is private
    assert all(entity["articles"]["totalCount"] == 0 for entity in entities[2:])

    # The author sees their draft in the same fields.
    mine = await gql(
        client, PLACE_ENTITIES, {"representations": representations, "first": 4}, author
    )
    assert mine["data"]["_entities"][49]["articleCount"] == 1
    # A draft is listed by its creation time, the others by their (later) publication.
    assert [e["node"]["id"] for e in mine["data"]["_entities"][0]["articles"]["edges"]] == [
        both["id"],
        first_only["id"],
        older["id"],
        draft["id"],
    ]


async def test_next_page_of_a_places_articles_keeps_the_total(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    place = new_id()
    author = identity_headers(new_id(), Role.PRO)
    articles = [await create_article(media_client, author, placeIds=[place]) for _ in range(3)]
    for article in articles:
        await publish(media_client, author, article["id"])
    query = """
    query Page($representations: [_Any!]!, $after: String) {
      _entities(representations: $representations) {
        ... on Place { articles(first: 2, after: $after) {
          totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }
      }
    }
    """
    representations = [{"__typename": "Place", "id": place}]
    first = (await gql(media_client, query, {"representations": representations}))["data"]
    cursor = first["_entities"][0]["articles"]["pageInfo"]["endCursor"]
    last = (await gql(media_client, query, {"representations": representations, "after": cursor}))[
        "data"
    ]["_entities"][0]["articles"]
    cursor = last["pageInfo"]["endCursor"]
    past_end = (
        await gql(media_client, query, {"representations": representations, "after": cursor})
    )["data"]["_entities"][0]["articles"]

    assert [edge["node"]["id"] for edge in last["edges"]] == [articles[0]["id"]]
    assert last["pageInfo"]["hasNextPage"] is False
    assert last["totalCount"] == 3
    assert past_end == {
        "totalCount": 3,
        "edges": [],
        "pageInfo": {"hasNextPage": False, "endCursor": None},
    }


async def test_city_articles_are_batched_too(
    media_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = media_app
    cities = [new_id() for _ in range(10)]
    author = identity_headers(new_id(), Role.PRO)
    article = await create_article(client, author, cityId=cities[3])
    await publish(client, author, article["id"])
    representations = [{"__typename": "City", "id": city_id} for city_id in cities]

    with counting_statements(app.state.subgraph.engine) as statements:
        body = await gql(client, CITY_ENTITIES, {"representations": representations})

    assert len(statements) == 2, statements
    entities = body["data"]["_entities"]
    assert entities[3] == {
        "id": cities[3],
        "articleCount": 1,
        "articles": {"totalCount": 1, "edges": [{"node": {"id": article["id"]}}]},
    }
    assert sum(entity["articleCount"] for entity in entities) == 1


async def test_article_references_resolve_in_one_statement_per_kind_and_hide_drafts(
    media_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = media_app
    author = identity_headers(new_id(), Role.PRO)
    articles = [
        await create_article(client, author, placeIds=[new_id()], tagSlugs=["coffee", "budget"])
        for _ in range(6)
    ]
    for article in articles[:5]:
        await publish(client, author, article["id"])
    ids = [article["id"] for article in articles] + [new_id(), "not-a-uuid"]

    with counting_statements(app.state.subgraph.engine) as statements:
        body = await gql(
            client,
            ARTICLE_ENTITIES,
            {"representations": [{"__typename": "Article", "id": i} for i in ids]},
        )

    # articles, rubrics, tags, places: one statement each, however many references.
    assert len(statements) == 4, statements
    entities = body["data"]["_entities"]
    assert [entity["id"] if entity else None for entity in entities] == [
        *ids[:5],
        None,  # the draft, for a guest
        None,
        None,
    ]
    assert entities[0]["tags"] == [{"slug": "coffee"}, {"slug": "budget"}]
    assert entities[0]["rubric"] == {"slug": "cities"}
