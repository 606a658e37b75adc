"""Demo blog: the rubrics, tags and articles of `subgraphs/media/demo` (run once by
`python -m shared.seed media`). Every article is written by the demo editor (PRO), so
its drafts show up for that account only (and for admins)."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.identity import Identity, Role
from subgraphs.media.demo import load_articles, load_rubrics, load_tags
from subgraphs.media.models import ArticleStatus, Rubric, Tag
from subgraphs.media.service import ArticleDraft, create_article
from subgraphs.users.seed import demo_user_id

SEED_VERSION = 1

DEMO_AUTHOR_EMAIL = "editor@go2asia.dev"


async def seed(session: AsyncSession) -> None:
    rubrics = load_rubrics()
    await session.execute(
        insert(Rubric),
        [
            {
                "slug": rubric.slug,
                "title_ru": rubric.title_ru,
                "title_en": rubric.title_en,
                "description_ru": rubric.description_ru,
                "position": position,
            }
            for position, rubric in enumerate(rubrics)
        ],
    )
    await session.execute(
        insert(Tag),
        [
            {"slug": tag.slug, "title_ru": tag.title_ru, "title_en": tag.title_en}
            for tag in load_tags()
        ],
    )
    author = Identity(user_id=str(demo_user_id(DEMO_AUTHOR_EMAIL)), role=Role.PRO)
    for row in load_articles():
        # Through the service, so demo articles obey the same rules as written ones.
        await create_article(
            session,
            identity=author,
            draft=ArticleDraft(
                title=row.title,
                lead=row.lead,
                body=row.body,
                rubric_slug=row.rubric_slug,
                tag_slugs=row.tags,
                theme_slugs=row.themes,
                place_ids=[str(place_id) for place_id in row.place_ids],
                city_id=str(row.city_id),
            ),
            slug=row.slug,
            article_id=row.id,
            status=ArticleStatus(row.status),
            published_at=row.published_at,
        )
