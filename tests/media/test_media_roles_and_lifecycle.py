"""Who may write, read, edit and publish articles, and what publishing emits."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable

import httpx
import pytest
from fastapi import FastAPI
from media_support import ARTICLE, CREATE, PUBLISH, UPDATE, article_input, create_article, publish
from sqlalchemy import func, select
from subgraph_support import error_codes, gql, only_error

from shared.db import transaction
from shared.identity import Identity, Role
from shared.tables import platform_tables
from subgraphs.media.models import Article, ArticleStatus
from subgraphs.media.service import publish_article

OUTBOX = platform_tables("media").outbox
Headers = Callable[..., dict[str, str]]


def new_id() -> str:
    return str(uuid.uuid4())


async def count_articles(app: FastAPI) -> int:
    async with app.state.subgraph.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Article)) or 0)


async def published_events(app: FastAPI, article_id: str) -> list[dict[str, object]]:
    async with app.state.subgraph.sessions() as session:
        rows = await session.execute(
            select(OUTBOX.c.type, OUTBOX.c.payload).where(
                OUTBOX.c.payload["articleId"].astext == article_id
            )
        )
        return [{"type": type_, **payload} for type_, payload in rows.all()]


async def test_guest_cannot_create_an_article_and_nothing_is_written(
    media_app: tuple[FastAPI, httpx.AsyncClient],
) -> None:
    app, client = media_app
    before = await count_articles(app)

    body = await gql(client, CREATE, {"input": article_input()})

    assert error_codes(body) == ["UNAUTHENTICATED"]
    assert await count_articles(app) == before


async def test_a_users_draft_is_visible_to_them_and_admins_only(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    author = identity_headers(new_id(), Role.USER)
    article = await create_article(media_client, author)
    assert article["status"] == "DRAFT"
    assert article["publishedAt"] is None

    viewers = {
        "author": author,
        "admin": identity_headers(new_id(), Role.ADMIN),
        "other user": identity_headers(new_id(), Role.USER),
        "pro": identity_headers(new_id(), Role.PRO),
        "guest": {},
    }
    seen = {
        name: (await gql(media_client, ARTICLE, {"id": article["id"]}, headers))["data"]["article"]
        for name, headers in viewers.items()
    }

    assert {name for name, found in seen.items() if found is not None} == {"author", "admin"}


async def test_user_cannot_publish_even_their_own_draft(
    media_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = media_app
    author = identity_headers(new_id(), Role.USER)
    article = await create_article(client, author)

    body = await gql(client, PUBLISH, {"input": {"id": article["id"]}}, author)

    assert error_codes(body) == ["FORBIDDEN"]
    assert await published_events(app, article["id"]) == []


async def test_pro_publishes_own_draft_and_article_published_is_in_the_outbox(
    media_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = media_app
    pro_id, place_id, city_id = new_id(), new_id(), new_id()
    pro = identity_headers(pro_id, Role.PRO)
    article = await create_article(client, pro, placeIds=[place_id], cityId=city_id)

    body = await gql(client, PUBLISH, {"input": {"id": article["id"]}}, pro)

    published = body["data"]["publishArticle"]["article"]
    assert published["status"] == "PUBLISHED"
    assert published["publishedAt"] is not None
    [event] = await published_events(app, article["id"])
    assert event == {
        "type": "article_published",
        "articleId": article["id"],
        "slug": article["slug"],
        "title": article["title"],
        "lead": article["lead"],
        "authorId": pro_id,
        "rubricSlug": "cities",
        "tagSlugs": ["street-food"],
        "themeSlugs": ["street-food"],
        "cityId": city_id,
        "placeIds": [place_id],
        "publishedAt": event["publishedAt"],
    }
    # Now public.
    assert (await gql(client, ARTICLE, {"id": article["id"]}))["data"]["article"]["id"]


async def test_pro_cannot_publish_someone_elses_draft(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    article = await create_article(media_client, identity_headers(new_id(), Role.USER))

    body = await gql(
        media_client,
        PUBLISH,
        {"input": {"id": article["id"]}},
        identity_headers(new_id(), Role.PRO),
    )

    assert error_codes(body) == ["NOT_FOUND"]


async def test_admin_publishes_a_users_draft_once_then_conflict(
    media_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = media_app
    article = await create_article(client, identity_headers(new_id(), Role.USER))
    admin = identity_headers(new_id(), Role.ADMIN)
    await publish(client, admin, article["id"])

    again = await gql(client, PUBLISH, {"input": {"id": article["id"]}}, admin)

    assert error_codes(again) == ["CONFLICT"]
    assert len(await published_events(app, article["id"])) == 1


async def test_publish_rolled_back_leaves_a_draft_and_no_event(
    media_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = media_app
    pro_id = new_id()
    article = await create_article(client, identity_headers(pro_id, Role.PRO))
    seen_inside: list[int] = []

    async def publish_then_fail() -> None:
        async with transaction(app.state.subgraph.sessions) as session:
            identity = Identity(user_id=pro_id, role=Role.PRO)
            await publish_article(session, identity=identity, article_id=article["id"])
            rows = await session.execute(
                select(OUTBOX.c.id).where(OUTBOX.c.payload["articleId"].astext == article["id"])
            )
            seen_inside.append(len(rows.all()))
            raise RuntimeError("after publishing")

    with pytest.raises(RuntimeError, match="after publishing"):
        await publish_then_fail()

    assert seen_inside == [1]  # the event was written in the transaction...
    assert await published_events(app, article["id"]) == []  # ...and rolled back with it
    async with app.state.subgraph.sessions() as session:
        stored = await session.get(Article, uuid.UUID(article["id"]))
        assert stored is not None
        assert stored.status is ArticleStatus.DRAFT


async def test_only_the_author_or_an_admin_edits(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    author_id = new_id()
    author = identity_headers(author_id, Role.PRO)
    draft = await create_article(media_client, author)
    published = await create_article(media_client, author)
    await publish(media_client, author, published["id"])
    stranger = identity_headers(new_id(), Role.PRO)

    hidden = await gql(media_client, UPDATE, {"input": {"id": draft["id"], "title": "X"}}, stranger)
    refused = await gql(
        media_client, UPDATE, {"input": {"id": published["id"], "title": "X"}}, stranger
    )
    by_admin = await gql(
        media_client,
        UPDATE,
        {"input": {"id": published["id"], "title": "Новое название", "cityId": None}},
        identity_headers(new_id(), Role.ADMIN),
    )

    assert error_codes(hidden) == ["NOT_FOUND"]
    assert error_codes(refused) == ["FORBIDDEN"]
    assert by_admin["data"]["updateArticle"]["article"]["title"] == "Новое название"
    assert by_admin["data"]["updateArticle"]["article"]["author"] == {"id": author_id}


async def test_author_replaces_tags_and_places_and_clears_the_city(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    author = identity_headers(new_id(), Role.USER)
    first_place, second_place = new_id(), new_id()
    article = await create_article(
        media_client, author, placeIds=[first_place], cityId=new_id(), tagSlugs=["markets"]
    )

    body = await gql(
        media_client,
        UPDATE,
        {
            "input": {
                "id": article["id"],
                "placeIds": [second_place, first_place, second_place],
                "tagSlugs": ["coffee", "budget"],
                "cityId": None,
            }
        },
        author,
    )

    updated = body["data"]["updateArticle"]["article"]
    assert updated["places"] == [{"id": second_place}, {"id": first_place}]
    assert updated["tags"] == [{"slug": "coffee"}, {"slug": "budget"}]
    assert updated["city"] is None
    assert updated["title"] == article["title"]


async def test_required_field_set_to_null_is_bad_input(
    media_client: httpx.AsyncClient, identity_headers: Headers
) -> None:
    author = identity_headers(new_id(), Role.USER)
    article = await create_article(media_client, author)

    body = await gql(
        media_client, UPDATE, {"input": {"id": article["id"], "title": None, "body": ""}}, author
    )

    error = only_error(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert set(error["extensions"]["fields"]) == {"title", "body"}


async def test_concurrent_publishes_emit_one_event_and_the_others_conflict(
    media_app: tuple[FastAPI, httpx.AsyncClient], identity_headers: Headers
) -> None:
    app, client = media_app
    pro = identity_headers(new_id(), Role.PRO)
    article = await create_article(client, pro)
    admin = identity_headers(new_id(), Role.ADMIN)

    results = await asyncio.gather(
        *(gql(client, PUBLISH, {"input": {"id": article["id"]}}, who) for who in (pro, admin) * 2)
    )

    assert sorted(tuple(error_codes(body)) for body in results) == [
        (),
        ("CONFLICT",),
        ("CONFLICT",),
        ("CONFLICT",),
    ]
    assert len(await published_events(app, article["id"])) == 1
