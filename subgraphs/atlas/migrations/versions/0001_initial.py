"""countries, cities, themes, places (search vector), guides and the platform tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from shared.migrations.ops import create_platform_tables_v1, drop_platform_tables_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "atlas"
SEARCH_VECTOR = (
    "setweight(to_tsvector('russian'::regconfig, name_ru), 'A') || "
    "setweight(to_tsvector('english'::regconfig, name_en), 'A') || "
    "setweight(to_tsvector('russian'::regconfig, description_ru), 'B') || "
    "setweight(to_tsvector('english'::regconfig, description_en), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, address), 'C')"
)
CATEGORIES = [
    "SIGHT",
    "TEMPLE",
    "MUSEUM",
    "MARKET",
    "BEACH",
    "PARK",
    "NATURE",
    "VIEWPOINT",
    "RESTAURANT",
    "CAFE",
    "NIGHTLIFE",
    "SHOPPING",
    "COWORKING",
    "HOSPITAL",
    "OTHER",
]
CATEGORY_CHECK = "category IN ({})".format(", ".join(f"'{c}'" for c in CATEGORIES))


def upgrade() -> None:
    op.create_table(
        "countries",
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("name_ru", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_countries")),
        schema=SCHEMA,
    )
    op.create_table(
        "themes",
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("title_ru", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("slug", name=op.f("pk_themes")),
        schema=SCHEMA,
    )
    op.create_table(
        "cities",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("country_code", sa.String(length=2), nullable=False),
        sa.Column("name_ru", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lng", sa.Double(), nullable=False),
        sa.Column("timezone", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["country_code"],
            [f"{SCHEMA}.countries.code"],
            name=op.f("fk_cities_country_code_countries"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cities")),
        sa.UniqueConstraint("slug", name=op.f("uq_cities_slug")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_cities_country_code_name_ru_id",
        "cities",
        ["country_code", "name_ru", "id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_table(
        "guides",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("city_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=True),
        sa.Column("title_ru", sa.Text(), nullable=False),
        sa.Column("title_en", sa.Text(), nullable=False),
        sa.Column("description_ru", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("place_ids", sa.ARRAY(sa.Uuid()), nullable=False),
        sa.Column("themes", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], [f"{SCHEMA}.cities.id"], name=op.f("fk_guides_city_id_cities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guides")),
        sa.UniqueConstraint("slug", name=op.f("uq_guides_slug")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_guides_city_id_title_ru_id",
        "guides",
        ["city_id", "title_ru", "id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_index(
        "ix_guides_themes",
        "guides",
        ["themes"],
        unique=False,
        schema=SCHEMA,
        postgresql_using="gin",
    )
    op.create_table(
        "places",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.Text(), nullable=False),
        sa.Column("city_id", sa.Uuid(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("name_ru", sa.Text(), nullable=False),
        sa.Column("name_en", sa.Text(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lng", sa.Double(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("description_ru", sa.Text(), nullable=False),
        sa.Column("description_en", sa.Text(), nullable=False),
        sa.Column("themes", sa.ARRAY(sa.Text()), nullable=False),
        sa.Column("created_by", sa.Uuid(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "search",
            postgresql.TSVECTOR(),
            sa.Computed(
                SEARCH_VECTOR,
                persisted=True,
            ),
            nullable=False,
        ),
        sa.CheckConstraint(
            CATEGORY_CHECK,
            name=op.f("ck_places_category"),
        ),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180", name=op.f("ck_places_location")
        ),
        sa.ForeignKeyConstraint(
            ["city_id"], [f"{SCHEMA}.cities.id"], name=op.f("fk_places_city_id_cities")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_places")),
        sa.UniqueConstraint("slug", name=op.f("uq_places_slug")),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_places_city_id_name_ru_id",
        "places",
        ["city_id", "name_ru", "id"],
        unique=False,
        schema=SCHEMA,
    )
    op.create_index(
        "ix_places_name_ru_id", "places", ["name_ru", "id"], unique=False, schema=SCHEMA
    )
    op.create_index(
        "ix_places_search",
        "places",
        ["search"],
        unique=False,
        schema=SCHEMA,
        postgresql_using="gin",
    )
    op.create_index(
        "ix_places_themes",
        "places",
        ["themes"],
        unique=False,
        schema=SCHEMA,
        postgresql_using="gin",
    )
    create_platform_tables_v1(SCHEMA)


def downgrade() -> None:
    drop_platform_tables_v1(SCHEMA)
    op.drop_index("ix_places_themes", table_name="places", schema=SCHEMA, postgresql_using="gin")
    op.drop_index("ix_places_search", table_name="places", schema=SCHEMA, postgresql_using="gin")
    op.drop_index("ix_places_name_ru_id", table_name="places", schema=SCHEMA)
    op.drop_index("ix_places_city_id_name_ru_id", table_name="places", schema=SCHEMA)
    op.drop_table("places", schema=SCHEMA)
    op.drop_index("ix_guides_themes", table_name="guides", schema=SCHEMA, postgresql_using="gin")
    op.drop_index("ix_guides_city_id_title_ru_id", table_name="guides", schema=SCHEMA)
    op.drop_table("guides", schema=SCHEMA)
    op.drop_index("ix_cities_country_code_name_ru_id", table_name="cities", schema=SCHEMA)
    op.drop_table("cities", schema=SCHEMA)
    op.drop_table("themes", schema=SCHEMA)
    op.drop_table("countries", schema=SCHEMA)
