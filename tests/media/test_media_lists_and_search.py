"""Article lists, full-text search and bad input: connections, visibility, codes."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import httpx
from fastapi import FastAPI
from media_support import ARTICLES, CREATE, SEARCH, article_input, create_article, publish
from sqlalchemy import func, select
from subgraph_support import gql, only_error

from shared.identity import Role
from subgraphs.media.demo import load_articles, load_rubrics, load_tags
from subgraphs.media.models import Article, ArticlePlace, ArticleTag

Headers = Callable[..., dict[str, str]]


def new_id() -> str:
    return str(uuid.uuid4())


async def row_counts(app: FastAPI) -> tuple[int, int, int]:
    async with app.state.subgraph.sessions() as session:
        counts = [
            await session.scalar(select(func.count()).select_from(table))
            for table in (Article, ArticleTag, ArticlePlace)
        ]
    return counts[0] or 0, counts[1] or 0, counts[2] or 0


async def test_paging_through_an_authors_articles_visits_each_once_newest_first(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    author_id = new_id()
    author = identity_headers(author_id, Role.PRO)
    created = [await create_article(media_client, author, title=f"Заметка {i}") for i in range(7)]
    for article in created[:5]:
        await publish(media_client, author, article["id"])

    seen: list[str] = []
    after = None
    while True:
        page = (
            await gql(
                media_client,
                ARTICLES,
                {"first": 2, "after": after, "filter": {"authorId": author_id}},
            )
        )["data"]["articles"]
        assert page["totalCount"] == 5  # a guest sees the published ones only
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    # Published one after another: newest (last published) first.
    assert seen == [article["id"] for article in reversed(created[:5])]


async def test_drafts_filter_lists_the_callers_own_drafts_only(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    author_id = new_id()
    author = identity_headers(author_id, Role.USER)
    mine = await create_article(media_client, author)
    await create_article(media_client, identity_headers(new_id(), Role.USER))

    body = await gql(media_client, ARTICLES, {"first": 100, "filter": {"status": "DRAFT"}}, author)

    nodes = [edge["node"] for edge in body["data"]["articles"]["edges"]]
    assert nodes == [{"id": mine["id"], "slug": mine["slug"], "status": "DRAFT"}]


async def test_admin_sees_every_demo_draft(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    demo_drafts = {str(row.id) for row in load_articles() if row.status == "DRAFT"}

    body = await gql(
        media_client,
        ARTICLES,
        {"first": 100, "filter": {"status": "DRAFT"}},
        identity_headers(new_id(), Role.ADMIN),
    )

    listed = {edge["node"]["id"] for edge in body["data"]["articles"]["edges"]}
    assert demo_drafts <= listed
    assert len(demo_drafts) == 5


async def test_first_out_of_range_and_bad_cursors_are_bad_input(
    media_client: httpx.AsyncClient,
) -> None:
    too_many = await gql(media_client, ARTICLES, {"first": 101})
    zero = await gql(media_client, ARTICLES, {"first": 0})
    bad_cursor = await gql(media_client, ARTICLES, {"first": 5, "after": "bm90IGEgY3Vyc29y"})

    assert only_error(too_many)["extensions"] == {
        "code": "BAD_USER_INPUT",
        "fields": {"first": "must be between 1 and 100"},
    }
    assert only_error(zero)["extensions"]["fields"] == {"first": "must be between 1 and 100"}
    assert only_error(bad_cursor)["extensions"]["fields"] == {"after": "not a valid cursor"}


async def test_search_matches_russian_word_forms(media_client: httpx.AsyncClient) -> None:
    # "Бангкок" (nominative) matches titles saying "в Бангкоке".
    body = await gql(media_client, SEARCH, {"query": "Бангкок", "first": 20})

    titles = [edge["node"]["title"] for edge in body["data"]["searchArticles"]["edges"]]
    assert "Первый вечер в Бангкоке: как есть на улице и не бояться" in titles
    assert body["data"]["searchArticles"]["totalCount"] == len(titles)


async def test_search_stems_english_and_ranks_the_title_match_first(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    author = identity_headers(new_id(), Role.PRO)
    marker = uuid.uuid4().hex[:10]
    in_title = await create_article(
        media_client, author, title=f"Running the beaches of Phuket {marker}", body="Текст."
    )
    in_body = await create_article(
        media_client, author, title="Пляжи", body=f"Notes about a beach run {marker}."
    )
    draft = await create_article(media_client, author, title=f"Beach run draft {marker}")
    for article in (in_title, in_body):
        await publish(media_client, author, article["id"])

    body = await gql(media_client, SEARCH, {"query": f"run beach {marker}", "first": 10})

    ids = [edge["node"]["id"] for edge in body["data"]["searchArticles"]["edges"]]
    assert ids == [in_title["id"], in_body["id"]]  # the guest never finds the draft
    assert draft["id"] not in ids


async def test_search_pages_by_offset_cursor(media_client: httpx.AsyncClient) -> None:
    everything = await gql(media_client, SEARCH, {"query": "Бангкок OR Паттайя", "first": 100})
    first = await gql(media_client, SEARCH, {"query": "Бангкок OR Паттайя", "first": 2})
    cursor = first["data"]["searchArticles"]["pageInfo"]["endCursor"]
    second = await gql(
        media_client, SEARCH, {"query": "Бангкок OR Паттайя", "first": 2, "after": cursor}
    )

    all_ids = [edge["node"]["id"] for edge in everything["data"]["searchArticles"]["edges"]]
    paged = [
        edge["node"]["id"]
        for body in (first, second)
        for edge in body["data"]["searchArticles"]["edges"]
    ]
    assert len(all_ids) >= 4
    assert paged == all_ids[:4]


async def test_search_string_of_ten_thousand_characters_is_bad_input(
    media_client: httpx.AsyncClient,
) -> None:
    body = await gql(media_client, SEARCH, {"query": "пляж " * 2_000, "first": 5})

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["fields"] == {"query": "must be between 1 and 200 characters"}
    assert body["data"] is None


async def test_search_names_every_invalid_argument(media_client: httpx.AsyncClient) -> None:
    body = await gql(media_client, SEARCH, {"query": "   ", "first": 101})

    assert only_error(body)["extensions"]["fields"] == {
        "query": "must be between 1 and 200 characters",
        "first": "must be between 1 and 100",
    }


async def test_every_invalid_field_is_named_and_nothing_is_written(
    media_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = media_app
    before = await row_counts(app)

    body = await gql(
        client,
        CREATE,
        {
            "input": article_input(
                title="x" * 201,
                lead="l" * 501,
                body="   ",
                rubricSlug="no-such-rubric",
                tagSlugs=["street-food", "no-such-tag"],
                themeSlugs=[f"theme-{i}" for i in range(11)],
                placeIds=["not-a-uuid"],
                cityId="также-не-uuid",
                slug="Not A Slug!",
            )
        },
        identity_headers(new_id(), Role.USER),
    )

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert set(error["extensions"]["fields"]) == {
        "slug",
        "title",
        "lead",
        "body",
        "rubricSlug",
        "tagSlugs",
        "themeSlugs",
        "placeIds",
        "cityId",
    }
    assert await row_counts(app) == before


async def test_unknown_tags_are_named(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    body = await gql(
        media_client,
        CREATE,
        {"input": article_input(tagSlugs=["street-food", "no-such-tag"])},
        identity_headers(new_id(), Role.USER),
    )

    assert only_error(body)["extensions"]["fields"] == {"tagSlugs": "no such tags: no-such-tag"}


async def test_slug_is_transliterated_from_the_title_and_an_explicit_duplicate_conflicts(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    author = identity_headers(new_id(), Role.USER)
    title = f"Ёлка и щи {uuid.uuid4().hex[:6]}"
    first = await create_article(media_client, author, title=title)
    second = await create_article(media_client, author, title=title)
    taken = await gql(media_client, CREATE, {"input": article_input(slug=first["slug"])}, author)

    assert first["slug"].startswith("yolka-i-shchi-")
    assert second["slug"].startswith(first["slug"] + "-")
    assert only_error(taken)["extensions"] == {"code": "SLUG_TAKEN"}


async def test_rubrics_tags_and_lookup_by_slug_serve_the_demo_blog(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    rubrics = load_rubrics()
    published = next(row for row in load_articles() if row.status == "PUBLISHED")
    draft = next(row for row in load_articles() if row.status == "DRAFT")
    by_slug = "query BySlug($slug: String!) { articleBySlug(slug: $slug) { id } }"

    listed = await gql(media_client, "{ rubrics { slug title titleEn } tags { slug } }")
    found = await gql(media_client, by_slug, {"slug": published.slug})
    hidden = await gql(media_client, by_slug, {"slug": draft.slug})
    for_admin = await gql(
        media_client, by_slug, {"slug": draft.slug}, identity_headers(new_id(), Role.ADMIN)
    )
    rubric_entity = await gql(
        media_client,
        "query R($r: [_Any!]!) { _entities(representations: $r) { ... on Rubric { title } } }",
        {
            "r": [
                {"__typename": "Rubric", "slug": rubrics[0].slug},
                {"__typename": "Rubric", "slug": "nope"},
            ]
        },
    )

    assert listed["data"]["rubrics"] == [
        {"slug": row.slug, "title": row.title_ru, "titleEn": row.title_en} for row in rubrics
    ]
    assert {tag["slug"] for tag in listed["data"]["tags"]} == {row.slug for row in load_tags()}
    assert found["data"]["articleBySlug"] == {"id": str(published.id)}
    assert hidden["data"]["articleBySlug"] is None
    assert for_admin["data"]["articleBySlug"] == {"id": str(draft.id)}
    assert rubric_entity["data"]["_entities"] == [{"title": rubrics[0].title_ru}, None]
