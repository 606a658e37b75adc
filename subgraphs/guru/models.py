"""Tables of the guru subgraph, all in Postgres schema `guru`.

`geo_items` is a read model: one row per indexed entity of another subgraph (a place, a
verified partner, ...), written only by event handlers and the demo seed, never by reading
another schema. `position` is the point on the unit sphere (x, y, z) as a Postgres `cube`,
generated from (lat, lng); its GiST index answers "nearest first within a box" directly
(docs/guru-index.md explains the choice and its measured cost).
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Computed,
    DateTime,
    Double,
    Index,
    Integer,
    String,
    Text,
    Uuid,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import UserDefinedType

from shared.db import make_metadata

__all__ = ["SCHEMA", "UNIT_VECTOR", "Base", "Cube", "GeoItem", "ItemKind", "PlaceView", "metadata"]

SCHEMA = "guru"
metadata = make_metadata(SCHEMA)


class ItemKind(StrEnum):
    """What an indexed row stands for (the owning subgraph's entity type)."""

    PLACE = "PLACE"
    PARTNER = "PARTNER"
    EVENT = "EVENT"
    PROPERTY = "PROPERTY"


_KIND_CHECK = "kind IN ({})".format(", ".join(f"'{kind.value}'" for kind in ItemKind))


#: (lat, lng) in degrees -> the point on the unit sphere. Euclidean distance between two such
#: points (the chord) grows with the great-circle distance, so ordering by it is exact.
UNIT_VECTOR = (
    "cube(ARRAY[cos(radians(lat)) * cos(radians(lng)), "
    "cos(radians(lat)) * sin(radians(lng)), sin(radians(lat))])"
)


class Cube(UserDefinedType[Any]):
    """The `cube` type of Postgres' trusted `cube` extension (only used in SQL expressions)."""

    cache_ok = True

    def get_col_spec(self, **_kw: Any) -> str:
        return "cube"


class Base(DeclarativeBase):
    metadata = metadata


class GeoItem(Base):
    __tablename__ = "geo_items"
    __table_args__ = (
        Index("ix_geo_items_position", "position", postgresql_using="gist"),
        Index("ix_geo_items_themes", "themes", postgresql_using="gin"),
        CheckConstraint(_KIND_CHECK, name="kind"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180", name="location"),
    )

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    entity_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    lat: Mapped[float] = mapped_column(Double)
    lng: Mapped[float] = mapped_column(Double)
    #: Theme slugs (places only), for recommendations.
    themes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    #: Generated from (lat, lng); never loaded by the ORM (no Python codec for `cube`).
    position: Mapped[Any] = mapped_column(
        Cube(), Computed(UNIT_VECTOR, persisted=True), deferred=True
    )
    #: When the source state was true (the event's occurredAt): older events never win.
    source_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class PlaceView(Base):
    """How often a signed-in user opened a place: the input of recommendations."""

    __tablename__ = "place_views"

    user_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    place_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    views: Mapped[int] = mapped_column(Integer)
    last_viewed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
