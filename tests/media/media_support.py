"""GraphQL documents and helpers for the media subgraph tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from subgraphs.users.seed import demo_user_id

EDITOR_ID = str(demo_user_id("editor@go2asia.dev"))

ARTICLE_FIELDS = """
id slug title lead status publishedAt
rubric { slug title }
tags { slug }
themes { slug }
author { id }
places { id }
city { id }
"""
CREATE = f"""
mutation Create($input: CreateArticleInput!) {{
  createArticle(input: $input) {{ article {{ {ARTICLE_FIELDS} }} }}
}}
"""
UPDATE = f"""
mutation Update($input: UpdateArticleInput!) {{
  updateArticle(input: $input) {{ article {{ {ARTICLE_FIELDS} }} }}
}}
"""
PUBLISH = """
mutation Publish($input: PublishArticleInput!) {
  publishArticle(input: $input) { article { id status publishedAt } }
}
"""
ARTICLE = f"query Article($id: ID!) {{ article(id: $id) {{ {ARTICLE_FIELDS} }} }}"
ARTICLES = """
query Articles($first: Int!, $after: String, $filter: ArticleFilter) {
  articles(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id slug status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
SEARCH = """
query Search($query: String!, $first: Int!, $after: String) {
  searchArticles(query: $query, first: $first, after: $after) {
    totalCount
    edges { cursor node { id slug title } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
PLACE_ENTITIES = """
query Places($representations: [_Any!]!, $first: Int!) {
  _entities(representations: $representations) {
    ... on Place {
      id
      articleCount
      articles(first: $first) {
        totalCount
        edges { node { id slug status } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}
"""
CITY_ENTITIES = """
query Cities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on City { id articleCount articles(first: 2) { totalCount edges { node { id } } } }
  }
}
"""


async def gql(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def error_codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors", [])]


def only_error(body: dict[str, Any]) -> dict[str, Any]:
    errors = body.get("errors") or []
    assert len(errors) == 1, body
    error: dict[str, Any] = errors[0]
    return error


@contextmanager
def counting_statements(engine: AsyncEngine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs."""
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", record)


def article_input(**overrides: Any) -> dict[str, Any]:
    """A valid CreateArticleInput (demo rubric and tag), with `overrides` applied."""
    values: dict[str, Any] = {
        "title": "Вечерняя прогулка по набережной",
        "lead": "Куда пойти после заката.",
        "body": "\n\n".join(["Первый абзац.", "Второй абзац."]),
        "rubricSlug": "cities",
        "tagSlugs": ["street-food"],
        "themeSlugs": ["street-food"],
        "placeIds": [],
    }
    return values | overrides


async def create_article(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    body = await gql(client, CREATE, {"input": article_input(**overrides)}, headers)
    assert "errors" not in body, body
    article: dict[str, Any] = body["data"]["createArticle"]["article"]
    return article


async def publish(client: httpx.AsyncClient, headers: dict[str, str], article_id: str) -> None:
    body = await gql(client, PUBLISH, {"input": {"id": article_id}}, headers)
    assert "errors" not in body, body
