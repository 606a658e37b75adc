"""Tables of the media subgraph, all in Postgres schema `media`.

Places, cities, themes and authors belong to other subgraphs: they are stored here as the
ids (or slugs) of their entities, never as foreign keys.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    Computed,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import make_metadata

__all__ = [
    "SCHEMA",
    "SEARCH_DOCUMENT",
    "Article",
    "ArticlePlace",
    "ArticleStatus",
    "ArticleTag",
    "Base",
    "Rubric",
    "Tag",
    "metadata",
]

SCHEMA = "media"
metadata = make_metadata(SCHEMA)

#: The full-text document: Russian and English stemming of title (A), lead (B), body (C).
SEARCH_DOCUMENT = (
    "setweight(to_tsvector('russian'::regconfig, title), 'A')"
    " || setweight(to_tsvector('english'::regconfig, title), 'A')"
    " || setweight(to_tsvector('russian'::regconfig, lead), 'B')"
    " || setweight(to_tsvector('english'::regconfig, lead), 'B')"
    " || setweight(to_tsvector('russian'::regconfig, body), 'C')"
    " || setweight(to_tsvector('english'::regconfig, body), 'C')"
)


class ArticleStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    PUBLISHED = "PUBLISHED"


_STATUS = Enum(
    ArticleStatus,
    name="article_status",
    native_enum=False,
    create_constraint=True,
    length=16,
    values_callable=lambda statuses: [status.value for status in statuses],
    validate_strings=True,
)


class Base(DeclarativeBase):
    metadata = metadata


class Rubric(Base):
    __tablename__ = "rubrics"

    slug: Mapped[str] = mapped_column(Text, primary_key=True)
    title_ru: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    description_ru: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Tag(Base):
    __tablename__ = "tags"

    slug: Mapped[str] = mapped_column(Text, primary_key=True)
    title_ru: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)


class Article(Base):
    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_listed_at_id", "listed_at", "id"),
        Index("ix_articles_author_id", "author_id"),
        Index("ix_articles_city_id_listed_at", "city_id", "listed_at"),
        Index("ix_articles_search", "search", postgresql_using="gin"),
        CheckConstraint(
            "(status = 'PUBLISHED') = (published_at IS NOT NULL)",
            name="published_at_iff_published",
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(Text, unique=True)
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    rubric_slug: Mapped[str] = mapped_column(ForeignKey(Rubric.slug), index=True)
    #: A users-subgraph `User` id.
    author_id: Mapped[uuid.UUID] = mapped_column(Uuid)
    #: An atlas `City` id (optional: an article may be about a whole country or topic).
    city_id: Mapped[str | None] = mapped_column(Text)
    #: Atlas `Theme` slugs.
    themes: Mapped[list[str]] = mapped_column(ARRAY(Text), default=list)
    status: Mapped[ArticleStatus] = mapped_column(_STATUS, default=ArticleStatus.DRAFT)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Sort key of every article list: publishedAt once published, creation time before.
    listed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    #: Maintained by Postgres; only ever read inside SQL, so never loaded into rows.
    search: Mapped[str] = mapped_column(
        TSVECTOR, Computed(SEARCH_DOCUMENT, persisted=True), deferred=True
    )


class ArticleTag(Base):
    __tablename__ = "article_tags"

    article_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(Article.id, ondelete="CASCADE"), primary_key=True
    )
    tag_slug: Mapped[str] = mapped_column(ForeignKey(Tag.slug), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)


class ArticlePlace(Base):
    """An article mentions an atlas `Place`; `Place.articles` reads this table by place id."""

    __tablename__ = "article_places"

    article_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(Article.id, ondelete="CASCADE"), primary_key=True
    )
    place_id: Mapped[str] = mapped_column(Text, primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer)
