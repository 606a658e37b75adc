"""geo_items.position: the unit-sphere point as a `cube`, GiST-indexed for nearest-first scans.

Replaces the (lat, lng) B-tree: a bounding box on it still had to compute and sort every
candidate, while a GiST KNN scan reads about as many rows as the page returns
(docs/guru-index.md has the measurements). `cube` is a trusted contrib extension: the
database owner may create it, no superuser needed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.types import UserDefinedType

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "guru"
UNIT_VECTOR = (
    "cube(ARRAY[cos(radians(lat)) * cos(radians(lng)), "
    "cos(radians(lat)) * sin(radians(lng)), sin(radians(lat))])"
)


class _Cube(UserDefinedType[object]):
    cache_ok = True

    def get_col_spec(self, **_kw: object) -> str:
        return "cube"


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS cube")
    op.add_column(
        "geo_items",
        sa.Column("position", _Cube(), sa.Computed(UNIT_VECTOR, persisted=True), nullable=False),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_geo_items_position", "geo_items", ["position"], schema=SCHEMA, postgresql_using="gist"
    )
    op.drop_index("ix_geo_items_lat_lng", table_name="geo_items", schema=SCHEMA)


def downgrade() -> None:
    op.create_index("ix_geo_items_lat_lng", "geo_items", ["lat", "lng"], schema=SCHEMA)
    op.drop_index("ix_geo_items_position", table_name="geo_items", schema=SCHEMA)
    op.drop_column("geo_items", "position", schema=SCHEMA)
