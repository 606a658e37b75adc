"""GraphQL surface of the media subgraph. Resolvers only translate: validation, rules and
persistence live in `service`, reads in `queries` (batched through `loaders`)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, TypeAlias

import strawberry
from strawberry.federation.schema_directives import Authenticated, Cost, Key
from strawberry.federation.types import FieldSet

from shared.context import SubgraphContext
from shared.keyset import connection
from shared.pagination import CONNECTION_LIST_SIZE, Connection
from subgraphs.media import models, queries, service
from subgraphs.media.loaders import MediaLoaders
from subgraphs.media.queries import ArticlePage, PageArgs
from subgraphs.media.text import (
    BODY_MAX_LENGTH,
    LEAD_MAX_LENGTH,
    MAX_PLACES,
    MAX_TAGS,
    MAX_THEMES,
    SEARCH_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)
from subgraphs.media.visibility import Viewer

__all__ = ["ArticleType", "City", "Mutation", "Place", "Query", "RubricType", "Theme", "User"]

MediaContext: TypeAlias = SubgraphContext[MediaLoaders, None]
Info: TypeAlias = strawberry.Info[MediaContext, None]

PAGE_DIRECTIVES = [CONNECTION_LIST_SIZE]


def _viewer(info: Info) -> Viewer:
    return Viewer.of(info.context.identity)


# -- references to other subgraphs' entities ----------------------------------------------


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class User:
    """An account of the users subgraph (the author); referenced here by id only."""

    id: strawberry.ID


@strawberry.federation.type(keys=[Key(fields=FieldSet("slug"), resolvable=False)])
class Theme:
    """An atlas theme; referenced here by slug only."""

    slug: str


# -- own types ----------------------------------------------------------------------------


@strawberry.enum(name="ArticleStatus")
class ArticleStatusType(Enum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"


@strawberry.federation.type(keys=["slug"], name="Rubric", description="A section of the blog.")
class RubricType:
    slug: str
    title: str = strawberry.field(description="In Russian.")
    title_en: str
    description: str

    @classmethod
    def from_model(cls, rubric: models.Rubric) -> RubricType:
        return cls(
            slug=rubric.slug,
            title=rubric.title_ru,
            title_en=rubric.title_en,
            description=rubric.description_ru,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, slug: str) -> RubricType | None:
        rubric = await info.context.loaders.rubric_by_slug.load(slug)
        return None if rubric is None else cls.from_model(rubric)


@strawberry.type(name="Tag")
class TagType:
    slug: str
    title: str = strawberry.field(description="In Russian.")
    title_en: str

    @classmethod
    def from_model(cls, tag: models.Tag) -> TagType:
        return cls(slug=tag.slug, title=tag.title_ru, title_en=tag.title_en)


@strawberry.federation.type(
    keys=["id"],
    name="Article",
    description="A blog article. Drafts are visible to their author and to admins only.",
)
class ArticleType:
    id: strawberry.ID
    slug: str
    title: str
    lead: str
    body: str = strawberry.field(description="Plain text; paragraphs separated by a blank line.")
    status: ArticleStatusType
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    model: strawberry.Private[models.Article]

    @strawberry.field
    async def rubric(self, info: Info) -> RubricType:
        rubric = await info.context.loaders.rubric_by_slug.load(self.model.rubric_slug)
        assert rubric is not None  # a foreign key
        return RubricType.from_model(rubric)

    @strawberry.field
    async def tags(self, info: Info) -> list[TagType]:
        tags = await info.context.loaders.tags_by_article.load(self.model.id)
        return [TagType.from_model(tag) for tag in tags]

    @strawberry.field
    def themes(self) -> list[Theme]:
        return [Theme(slug=slug) for slug in self.model.themes]

    @strawberry.field
    def author(self) -> User:
        return User(id=strawberry.ID(str(self.model.author_id)))

    @strawberry.field
    async def places(self, info: Info) -> list[Place]:
        """The atlas places the article is about, in its order."""
        place_ids = await info.context.loaders.place_ids_by_article.load(self.model.id)
        return [Place(id=strawberry.ID(place_id)) for place_id in place_ids]

    @strawberry.field
    def city(self) -> City | None:
        return City(id=strawberry.ID(self.model.city_id)) if self.model.city_id else None

    @classmethod
    def from_model(cls, article: models.Article) -> ArticleType:
        return cls(
            id=strawberry.ID(str(article.id)),
            slug=article.slug,
            title=article.title,
            lead=article.lead,
            body=article.body,
            status=ArticleStatusType(article.status.value),
            published_at=article.published_at,
            created_at=article.created_at,
            updated_at=article.updated_at,
            model=article,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> ArticleType | None:  # noqa: A002 - the key field is `id`
        article = await info.context.loaders.article_by_id.load(str(id))
        if article is None or not _viewer(info).can_read(article):
            return None
        return cls.from_model(article)


def _connection(page: ArticlePage) -> Connection[ArticleType]:
    return connection(page, ArticleType.from_model)


# -- fields contributed to atlas entities -------------------------------------------------


async def resolve_place_articles(
    root: Place, info: Info, first: int = 20, after: str | None = None
) -> Connection[ArticleType]:
    args = PageArgs(first=first, after=after, viewer=_viewer(info))
    return _connection(await info.context.loaders.articles_by_place.load((str(root.id), args)))


async def resolve_place_article_count(root: Place, info: Info) -> int:
    return await info.context.loaders.article_count_by_place.load((str(root.id), _viewer(info)))


@strawberry.federation.type(keys=["id"])
class Place:
    """An atlas place; media adds the articles that mention it."""

    id: strawberry.ID
    articles: Connection[ArticleType] = strawberry.field(
        resolver=resolve_place_articles,
        directives=PAGE_DIRECTIVES,
        description="Articles mentioning this place, newest first. `first` is 1..100.",
    )
    article_count: int = strawberry.field(
        resolver=resolve_place_article_count,
        description="How many articles mention this place (that the caller may read).",
    )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Place:  # noqa: A002 - the key field is `id`
        return cls(id=id)


async def resolve_city_articles(
    root: City, info: Info, first: int = 20, after: str | None = None
) -> Connection[ArticleType]:
    args = PageArgs(first=first, after=after, viewer=_viewer(info))
    return _connection(await info.context.loaders.articles_by_city.load((str(root.id), args)))


async def resolve_city_article_count(root: City, info: Info) -> int:
    return await info.context.loaders.article_count_by_city.load((str(root.id), _viewer(info)))


@strawberry.federation.type(keys=["id"])
class City:
    """An atlas city; media adds the articles about it."""

    id: strawberry.ID
    articles: Connection[ArticleType] = strawberry.field(
        resolver=resolve_city_articles,
        directives=PAGE_DIRECTIVES,
        description="Articles about this city, newest first. `first` is 1..100.",
    )
    article_count: int = strawberry.field(
        resolver=resolve_city_article_count,
        description="How many articles are about this city (that the caller may read).",
    )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> City:  # noqa: A002 - the key field is `id`
        return cls(id=id)


# -- queries ------------------------------------------------------------------------------


@strawberry.input
class ArticleFilter:
    rubric_slug: str | None = None
    tag_slug: str | None = None
    theme_slug: str | None = None
    city_id: strawberry.ID | None = None
    place_id: strawberry.ID | None = None
    author_id: strawberry.ID | None = None
    status: ArticleStatusType | None = strawberry.field(
        default=None, description="DRAFT lists the caller's own drafts (all drafts for admins)."
    )

    def to_query(self) -> queries.ArticleFilter:
        return queries.ArticleFilter(
            rubric_slug=self.rubric_slug,
            tag_slug=self.tag_slug,
            theme_slug=self.theme_slug,
            city_id=None if self.city_id is None else str(self.city_id),
            place_id=None if self.place_id is None else str(self.place_id),
            author_id=None if self.author_id is None else str(self.author_id),
            status=None if self.status is None else models.ArticleStatus(self.status.value),
        )


async def resolve_article(info: Info, id: strawberry.ID) -> ArticleType | None:  # noqa: A002 - GraphQL argument
    return await ArticleType.resolve_reference(info, id)


async def resolve_article_by_slug(info: Info, slug: str) -> ArticleType | None:
    async with info.context.transaction() as session:
        article = await queries.article_by_slug(session, slug=slug, viewer=_viewer(info))
    return None if article is None else ArticleType.from_model(article)


async def resolve_articles(
    info: Info,
    first: int = 20,
    after: str | None = None,
    filter_: Annotated[ArticleFilter | None, strawberry.argument(name="filter")] = None,
) -> Connection[ArticleType]:
    where = filter_.to_query() if filter_ is not None else queries.ArticleFilter()
    async with info.context.transaction() as session:
        page = await queries.list_articles(
            session, viewer=_viewer(info), where=where, first=first, after=after
        )
    return _connection(page)


async def resolve_search_articles(
    info: Info, query: str, first: int = 20, after: str | None = None
) -> Connection[ArticleType]:
    async with info.context.transaction() as session:
        page = await queries.search_articles(
            session, viewer=_viewer(info), query=query, first=first, after=after
        )
    return _connection(page)


async def resolve_rubrics(info: Info) -> list[RubricType]:
    async with info.context.transaction() as session:
        return [RubricType.from_model(rubric) for rubric in await queries.list_rubrics(session)]


async def resolve_rubric(info: Info, slug: str) -> RubricType | None:
    return await RubricType.resolve_reference(info, slug)


async def resolve_tags(info: Info) -> list[TagType]:
    async with info.context.transaction() as session:
        return [TagType.from_model(tag) for tag in await queries.list_tags(session)]


@strawberry.type
class Query:
    article: ArticleType | None = strawberry.field(
        resolver=resolve_article, description="Null when absent or a draft the caller cannot see."
    )
    article_by_slug: ArticleType | None = strawberry.field(resolver=resolve_article_by_slug)
    articles: Connection[ArticleType] = strawberry.field(
        resolver=resolve_articles,
        directives=PAGE_DIRECTIVES,
        description="Readable articles, newest first. `first` is 1..100.",
    )
    search_articles: Connection[ArticleType] = strawberry.field(
        resolver=resolve_search_articles,
        directives=[Cost(weight=10), *PAGE_DIRECTIVES],
        description=(
            f"Full-text search (Russian and English) over title, lead and body, best match "
            f"first. `query` is 1..{SEARCH_MAX_LENGTH} characters; `first` is 1..100."
        ),
    )
    rubrics: list[RubricType] = strawberry.field(
        resolver=resolve_rubrics, description="Every rubric (a small, curated set)."
    )
    rubric: RubricType | None = strawberry.field(resolver=resolve_rubric)
    tags: list[TagType] = strawberry.field(
        resolver=resolve_tags, description="Every tag (a small, curated set)."
    )


# -- mutations ----------------------------------------------------------------------------

InputArg = strawberry.argument(name="input")


@strawberry.input
class CreateArticleInput:
    title: str = strawberry.field(description=f"1 to {TITLE_MAX_LENGTH} characters.")
    lead: str = strawberry.field(description=f"At most {LEAD_MAX_LENGTH} characters.")
    body: str = strawberry.field(description=f"1 to {BODY_MAX_LENGTH} characters.")
    rubric_slug: str
    tag_slugs: list[str] = strawberry.field(
        default_factory=list, description=f"At most {MAX_TAGS} existing tags."
    )
    theme_slugs: list[str] = strawberry.field(
        default_factory=list, description=f"At most {MAX_THEMES} atlas theme slugs."
    )
    place_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list, description=f"At most {MAX_PLACES} atlas place ids."
    )
    city_id: strawberry.ID | None = None
    slug: str | None = strawberry.field(
        default=None, description="Latin slug; made from the title when omitted."
    )


@strawberry.type
class CreateArticlePayload:
    article: ArticleType


@strawberry.input(description="Omitted fields stay as they are; null clears `cityId`.")
class UpdateArticleInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    lead: str | None = strawberry.UNSET
    body: str | None = strawberry.UNSET
    rubric_slug: str | None = strawberry.UNSET
    tag_slugs: list[str] | None = strawberry.UNSET
    theme_slugs: list[str] | None = strawberry.UNSET
    place_ids: list[strawberry.ID] | None = strawberry.UNSET
    city_id: strawberry.ID | None = strawberry.UNSET


@strawberry.type
class UpdateArticlePayload:
    article: ArticleType


@strawberry.input
class PublishArticleInput:
    id: strawberry.ID


@strawberry.type
class PublishArticlePayload:
    article: ArticleType


async def resolve_create_article(
    info: Info, input_: Annotated[CreateArticleInput, InputArg]
) -> CreateArticlePayload:
    draft = service.ArticleDraft(
        title=input_.title,
        lead=input_.lead,
        body=input_.body,
        rubric_slug=input_.rubric_slug,
        tag_slugs=input_.tag_slugs,
        theme_slugs=input_.theme_slugs,
        place_ids=[str(place_id) for place_id in input_.place_ids],
        city_id=None if input_.city_id is None else str(input_.city_id),
    )
    async with info.context.transaction() as session:
        article = await service.create_article(
            session, identity=info.context.identity, draft=draft, slug=input_.slug
        )
    return CreateArticlePayload(article=ArticleType.from_model(article))


async def resolve_update_article(
    info: Info, input_: Annotated[UpdateArticleInput, InputArg]
) -> UpdateArticlePayload:
    changes = {
        name: value
        for name in service.ARTICLE_FIELDS
        if (value := getattr(input_, name)) is not strawberry.UNSET
    }
    if isinstance(changes.get("place_ids"), list):
        changes["place_ids"] = [str(place_id) for place_id in changes["place_ids"]]
    async with info.context.transaction() as session:
        article = await service.update_article(
            session, identity=info.context.identity, article_id=str(input_.id), changes=changes
        )
    return UpdateArticlePayload(article=ArticleType.from_model(article))


async def resolve_publish_article(
    info: Info, input_: Annotated[PublishArticleInput, InputArg]
) -> PublishArticlePayload:
    async with info.context.transaction() as session:
        article = await service.publish_article(
            session, identity=info.context.identity, article_id=str(input_.id)
        )
    return PublishArticlePayload(article=ArticleType.from_model(article))


@strawberry.type
class Mutation:
    create_article: CreateArticlePayload = strawberry.mutation(
        resolver=resolve_create_article,
        directives=[Authenticated()],
        description="A new DRAFT written by the caller (any signed-in account).",
    )
    update_article: UpdateArticlePayload = strawberry.mutation(
        resolver=resolve_update_article,
        directives=[Authenticated()],
        description="The author or an admin edits an article.",
    )
    publish_article: PublishArticlePayload = strawberry.mutation(
        resolver=resolve_publish_article,
        directives=[Authenticated()],
        description="PRO (own drafts) or ADMIN (any draft); emits article_published.",
    )
