"""The media domain: writing, editing and publishing articles.

Every function is async and keyword-only after the session; the caller owns the transaction.
Inputs are validated (every field at once) before anything is written, so a failure leaves
the database untouched. Reads live in `queries`, visibility rules in `visibility`.

Rules:
- any signed-in account may write a draft (it becomes its author);
- the author and ADMINs may edit an article; anyone else gets NOT_FOUND for a draft they
  cannot see and FORBIDDEN for a published article;
- PRO and ADMIN publish (`article_published` is emitted in the same transaction); a PRO
  publishes only what they can see, i.e. their own drafts; publishing twice is a CONFLICT.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import BadUserInput, Conflict, Forbidden, NotFound
from shared.identity import Identity, Role, require_authenticated, require_role
from shared.validation import FieldCheck, clean_text
from subgraphs.media.events import emit_article_published
from subgraphs.media.models import Article, ArticlePlace, ArticleStatus, ArticleTag, Rubric, Tag
from subgraphs.media.queries import load_place_ids, load_tags, parse_uuid
from subgraphs.media.text import (
    MAX_PLACES,
    MAX_TAGS,
    MAX_THEMES,
    clean_body,
    clean_lead,
    clean_slug,
    clean_title,
    slugify,
)
from subgraphs.media.visibility import Viewer

__all__ = [
    "ARTICLE_FIELDS",
    "ArticleDraft",
    "SlugTaken",
    "create_article",
    "publish_article",
    "update_article",
]

#: The fields `update_article` accepts (Python names of `ArticleDraft`).
ARTICLE_FIELDS = frozenset(
    {"title", "lead", "body", "rubric_slug", "tag_slugs", "theme_slugs", "place_ids", "city_id"}
)
_clean_key = clean_text(min_length=1, max_length=64)


class SlugTaken(Conflict):
    code = "SLUG_TAKEN"
    default_message = "Another article already has this slug."


@dataclass(frozen=True, slots=True)
class ArticleDraft:
    """What an author writes (GraphQL input, as plain values)."""

    title: str
    lead: str
    body: str
    rubric_slug: str
    tag_slugs: Sequence[str] = ()
    theme_slugs: Sequence[str] = ()
    place_ids: Sequence[str] = ()
    city_id: str | None = None


def _clean_list(
    clean: Callable[[str], str], *, max_items: int, id_kind: str | None = None
) -> Callable[[Sequence[str]], list[str]]:
    """A cleaner for a list: each item cleaned, duplicates dropped (order kept), bounded."""

    def clean_all(values: Sequence[str]) -> list[str]:
        if len(values) > max_items:
            raise ValueError(f"must have at most {max_items} items")
        cleaned: list[str] = []
        for value in values:
            item = clean(value)
            if id_kind is not None:
                parsed = parse_uuid(item)
                if parsed is None:
                    raise ValueError(f"{item!r} is not a valid {id_kind} id")
                item = str(parsed)
            if item not in cleaned:
                cleaned.append(item)
        return cleaned

    return clean_all


def _clean_city_id(value: str) -> str:
    parsed = parse_uuid(value.strip())
    if parsed is None:
        raise ValueError("is not a valid city id")
    return str(parsed)


_CLEANERS: Mapping[str, tuple[str, Any]] = {
    "title": ("title", clean_title),
    "lead": ("lead", clean_lead),
    "body": ("body", clean_body),
    "rubric_slug": ("rubricSlug", _clean_key),
    "tag_slugs": ("tagSlugs", _clean_list(_clean_key, max_items=MAX_TAGS)),
    "theme_slugs": ("themeSlugs", _clean_list(_clean_key, max_items=MAX_THEMES)),
    "place_ids": ("placeIds", _clean_list(_clean_key, max_items=MAX_PLACES, id_kind="place")),
    "city_id": ("cityId", _clean_city_id),
}


async def _validate(session: AsyncSession, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Clean every field in `changes` and check the rubric and tags exist; one BadUserInput
    names every invalid field. Only `city_id` may be None (it is optional)."""
    check = FieldCheck()
    cleaned: dict[str, Any] = {}
    for key, value in changes.items():
        field, clean = _CLEANERS[key]
        if value is not None:
            cleaned[key] = check(field, clean, value)
        elif key == "city_id":
            cleaned[key] = None
        else:
            check.errors[field] = "cannot be null"
    rubric = cleaned.get("rubric_slug")
    rubric_checked = rubric is not None and "rubricSlug" not in check.errors
    if rubric_checked and await session.get(Rubric, rubric) is None:
        check.errors["rubricSlug"] = "no such rubric"
    if cleaned.get("tag_slugs") and "tagSlugs" not in check.errors:
        known = set(
            await session.scalars(select(Tag.slug).where(Tag.slug.in_(cleaned["tag_slugs"])))
        )
        if unknown := [slug for slug in cleaned["tag_slugs"] if slug not in known]:
            check.errors["tagSlugs"] = f"no such tags: {', '.join(unknown)}"
    check.done()
    return cleaned


async def _replace_links(
    session: AsyncSession,
    article_id: uuid.UUID,
    *,
    tags: list[str] | None,
    places: list[str] | None,
) -> None:
    if tags is not None:
        await session.execute(delete(ArticleTag).where(ArticleTag.article_id == article_id))
        if tags:
            await session.execute(
                insert(ArticleTag),
                [
                    {"article_id": article_id, "tag_slug": s, "position": i}
                    for i, s in enumerate(tags)
                ],
            )
    if places is not None:
        await session.execute(delete(ArticlePlace).where(ArticlePlace.article_id == article_id))
        if places:
            await session.execute(
                insert(ArticlePlace),
                [
                    {"article_id": article_id, "place_id": p, "position": i}
                    for i, p in enumerate(places)
                ],
            )


async def create_article(
    session: AsyncSession,
    *,
    identity: Identity,
    draft: ArticleDraft,
    slug: str | None = None,
    article_id: uuid.UUID | None = None,
    status: ArticleStatus = ArticleStatus.DRAFT,
    published_at: datetime | None = None,
) -> Article:
    """A new DRAFT by the caller. Without `slug`, one is made from the title (suffixed when
    taken). `article_id`, `status` and `published_at` exist for the demo seed only."""
    author_id = require_authenticated(identity)
    fields = {name: getattr(draft, name) for name in ARTICLE_FIELDS}
    check = FieldCheck()
    wanted_slug = None if slug is None else check("slug", clean_slug, slug)
    try:
        cleaned = await _validate(session, fields)
    except BadUserInput as error:
        raise BadUserInput(check.errors | error.fields) from None
    check.done()
    article_id = article_id or uuid.uuid4()
    now = datetime.now(UTC)
    values = {
        "id": article_id,
        "title": cleaned["title"],
        "lead": cleaned["lead"],
        "body": cleaned["body"],
        "rubric_slug": cleaned["rubric_slug"],
        "author_id": uuid.UUID(author_id),
        "city_id": cleaned["city_id"],
        "themes": cleaned["theme_slugs"],
        "status": status,
        "published_at": published_at,
        "listed_at": published_at or now,
        "created_at": published_at or now,
        "updated_at": published_at or now,
    }
    candidates = [wanted_slug] if wanted_slug else _slug_candidates(cleaned["title"], article_id)
    article: Article | None = None
    for candidate in candidates:
        article = await session.scalar(
            pg_insert(Article)
            .values(slug=candidate, **values)
            .on_conflict_do_nothing(index_elements=[Article.slug])
            .returning(Article)
        )
        if article is not None:
            break
    if article is None:
        raise SlugTaken
    await _replace_links(
        session, article_id, tags=cleaned["tag_slugs"], places=cleaned["place_ids"]
    )
    return article


def _slug_candidates(title: str, article_id: uuid.UUID) -> list[str]:
    base = slugify(title)[:100].rstrip("-")
    return [base, f"{base}-{article_id.hex[:8]}"]


async def _editable(session: AsyncSession, *, identity: Identity, article_id: str) -> Article:
    require_authenticated(identity)
    viewer = Viewer.of(identity)
    parsed = parse_uuid(article_id)
    article = None if parsed is None else await session.get(Article, parsed, with_for_update=True)
    if article is None or not viewer.can_read(article):
        raise NotFound("No such article.")
    if not viewer.can_edit(article):
        raise Forbidden("Only the author or an admin may change this article.")
    return article


async def update_article(
    session: AsyncSession, *, identity: Identity, article_id: str, changes: Mapping[str, Any]
) -> Article:
    """Apply `changes` (keys from ARTICLE_FIELDS; None clears `city_id`, and is invalid for
    the required fields)."""
    unknown = set(changes) - ARTICLE_FIELDS
    if unknown:
        raise ValueError(f"unknown article fields {sorted(unknown)}")
    article = await _editable(session, identity=identity, article_id=article_id)
    cleaned = await _validate(session, changes)
    for key in ("title", "lead", "body", "rubric_slug", "city_id"):
        if key in cleaned:
            setattr(article, key, cleaned[key])
    if "theme_slugs" in cleaned:
        article.themes = cleaned["theme_slugs"]
    article.updated_at = datetime.now(UTC)
    await _replace_links(
        session, article.id, tags=cleaned.get("tag_slugs"), places=cleaned.get("place_ids")
    )
    await session.flush()
    return article


async def publish_article(session: AsyncSession, *, identity: Identity, article_id: str) -> Article:
    """DRAFT -> PUBLISHED now, emitting `article_published` in the same transaction."""
    require_role(identity, Role.PRO, Role.ADMIN)
    article = await _editable(session, identity=identity, article_id=article_id)
    if article.status is ArticleStatus.PUBLISHED:
        raise Conflict("The article is already published.")
    now = datetime.now(UTC)
    article.status = ArticleStatus.PUBLISHED
    article.published_at = now
    article.listed_at = now
    article.updated_at = now
    await session.flush()
    [tags] = await load_tags(session, [article.id])
    [places] = await load_place_ids(session, [article.id])
    await emit_article_published(
        session, article=article, place_ids=places, tag_slugs=[tag.slug for tag in tags]
    )
    return article
