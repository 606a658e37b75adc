"""rubrics, tags, articles (+ full-text index), their tags and places; platform tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR

from shared.migrations.ops import create_platform_tables_v1, drop_platform_tables_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "media"
# Frozen copy of models.SEARCH_DOCUMENT as of this revision.
SEARCH_DOCUMENT = (
    "setweight(to_tsvector('russian'::regconfig, title), 'A')"
    " || setweight(to_tsvector('english'::regconfig, title), 'A')"
    " || setweight(to_tsvector('russian'::regconfig, lead), 'B')"
    " || setweight(to_tsvector('english'::regconfig, lead), 'B')"
    " || setweight(to_tsvector('russian'::regconfig, body), 'C')"
    " || setweight(to_tsvector('english'::regconfig, body), 'C')"
)


def upgrade() -> None:
    op.create_table(
        "rubrics",
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("title_ru", sa.Text, nullable=False),
        sa.Column("title_en", sa.Text, nullable=False),
        sa.Column("description_ru", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("slug", name="pk_rubrics"),
        schema=SCHEMA,
    )
    op.create_table(
        "tags",
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("title_ru", sa.Text, nullable=False),
        sa.Column("title_en", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("slug", name="pk_tags"),
        schema=SCHEMA,
    )
    op.create_table(
        "articles",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("slug", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("lead", sa.Text, nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("rubric_slug", sa.Text, nullable=False),
        sa.Column("author_id", sa.Uuid, nullable=False),
        sa.Column("city_id", sa.Text),
        sa.Column("themes", ARRAY(sa.Text), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.Column("listed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("search", TSVECTOR, sa.Computed(SEARCH_DOCUMENT, persisted=True)),
        sa.PrimaryKeyConstraint("id", name="pk_articles"),
        sa.UniqueConstraint("slug", name="uq_articles_slug"),
        sa.ForeignKeyConstraint(
            ["rubric_slug"], [f"{SCHEMA}.rubrics.slug"], name="fk_articles_rubric_slug_rubrics"
        ),
        sa.CheckConstraint("status IN ('DRAFT', 'PUBLISHED')", name="ck_articles_article_status"),
        sa.CheckConstraint(
            "(status = 'PUBLISHED') = (published_at IS NOT NULL)",
            name="ck_articles_published_at_iff_published",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_articles_listed_at_id", "articles", ["listed_at", "id"], schema=SCHEMA)
    op.create_index("ix_articles_author_id", "articles", ["author_id"], schema=SCHEMA)
    op.create_index(
        "ix_articles_city_id_listed_at", "articles", ["city_id", "listed_at"], schema=SCHEMA
    )
    op.create_index("ix_articles_rubric_slug", "articles", ["rubric_slug"], schema=SCHEMA)
    op.create_index(
        "ix_articles_search", "articles", ["search"], schema=SCHEMA, postgresql_using="gin"
    )
    op.create_table(
        "article_tags",
        sa.Column("article_id", sa.Uuid, nullable=False),
        sa.Column("tag_slug", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "tag_slug", name="pk_article_tags"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            [f"{SCHEMA}.articles.id"],
            name="fk_article_tags_article_id_articles",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_slug"], [f"{SCHEMA}.tags.slug"], name="fk_article_tags_tag_slug_tags"
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_article_tags_tag_slug", "article_tags", ["tag_slug"], schema=SCHEMA)
    op.create_table(
        "article_places",
        sa.Column("article_id", sa.Uuid, nullable=False),
        sa.Column("place_id", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("article_id", "place_id", name="pk_article_places"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            [f"{SCHEMA}.articles.id"],
            name="fk_article_places_article_id_articles",
            ondelete="CASCADE",
        ),
        schema=SCHEMA,
    )
    op.create_index("ix_article_places_place_id", "article_places", ["place_id"], schema=SCHEMA)
    create_platform_tables_v1(SCHEMA)


def downgrade() -> None:
    drop_platform_tables_v1(SCHEMA)
    for table in ("article_places", "article_tags", "articles", "tags", "rubrics"):
        op.drop_table(table, schema=SCHEMA)
