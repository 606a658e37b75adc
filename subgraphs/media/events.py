"""What the media subgraph emits and consumes.

Emits `article_published` (v1) in the publishing transaction; consumes nothing (the
registry is empty, as shared.events.topology routes no events to `media`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import ConsumerRegistry, emit
from subgraphs.media.models import Article

__all__ = ["ARTICLE_PUBLISHED", "consumers", "emit_article_published"]

ARTICLE_PUBLISHED = "article_published"

consumers = ConsumerRegistry()


async def emit_article_published(
    session: AsyncSession, *, article: Article, place_ids: list[str], tag_slugs: list[str]
) -> None:
    """Payload v1: articleId, slug, title, lead, authorId, rubricSlug, tagSlugs, themeSlugs,
    cityId, placeIds, publishedAt — enough for notify to write "new article about X" and
    for analytics to count, without reading the body."""
    assert article.published_at is not None
    payload: dict[str, Any] = {
        "articleId": str(article.id),
        "slug": article.slug,
        "title": article.title,
        "lead": article.lead,
        "authorId": str(article.author_id),
        "rubricSlug": article.rubric_slug,
        "tagSlugs": tag_slugs,
        "themeSlugs": list(article.themes),
        "cityId": article.city_id,
        "placeIds": place_ids,
        "publishedAt": article.published_at.isoformat(),
    }
    await emit(session, ARTICLE_PUBLISHED, payload, version=1)
