"""GraphQL documents and helpers for the media subgraph tests."""

from __future__ import annotations

from typing import Any

import httpx
from subgraph_support import gql

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
