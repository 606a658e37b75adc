"""geo_items (the nearby index), place_views and the platform tables.

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

SCHEMA = "guru"


def upgrade() -> None:
    op.create_table(
        "geo_items",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("entity_id", sa.Uuid(), nullable=False),
        sa.Column("lat", sa.Double(), nullable=False),
        sa.Column("lng", sa.Double(), nullable=False),
        sa.Column("themes", postgresql.ARRAY(sa.Text()), nullable=False),
        sa.Column("source_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('PLACE', 'PARTNER', 'EVENT', 'PROPERTY')", name="ck_geo_items_kind"
        ),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180", name="ck_geo_items_location"
        ),
        sa.PrimaryKeyConstraint("kind", "entity_id", name="pk_geo_items"),
        schema=SCHEMA,
    )
    op.create_index("ix_geo_items_lat_lng", "geo_items", ["lat", "lng"], schema=SCHEMA)
    op.create_index(
        "ix_geo_items_themes", "geo_items", ["themes"], schema=SCHEMA, postgresql_using="gin"
    )
    op.create_table(
        "place_views",
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("place_id", sa.Uuid(), nullable=False),
        sa.Column("views", sa.Integer(), nullable=False),
        sa.Column("last_viewed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "place_id", name="pk_place_views"),
        schema=SCHEMA,
    )
    create_platform_tables_v1(SCHEMA)


def downgrade() -> None:
    drop_platform_tables_v1(SCHEMA)
    op.drop_table("place_views", schema=SCHEMA)
    op.drop_index("ix_geo_items_themes", table_name="geo_items", schema=SCHEMA)
    op.drop_index("ix_geo_items_lat_lng", table_name="geo_items", schema=SCHEMA)
    op.drop_table("geo_items", schema=SCHEMA)
