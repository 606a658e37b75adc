"""Tables of the atlas subgraph, all in Postgres schema `atlas`.

Places and guides keep their theme slugs (and a guide its ordered place ids) in arrays: they
are read together with their row, in the same statement, and filtered with GIN indexes.
`places.search` is a generated tsvector (Russian and English names, descriptions, address)
with a GIN index, so full-text search never computes vectors at query time.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Computed,
    DateTime,
    Double,
    ForeignKey,
    Index,
    String,
    Text,
    Uuid,
    func,
)
from sqlalchemy.dialects.postgresql import ARRAY, TSVECTOR
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import make_metadata

__all__ = [
    "SCHEMA",
    "Base",
    "City",
    "Country",
    "Guide",
    "Place",
    "PlaceCategory",
    "Theme",
    "metadata",
]

SCHEMA = "atlas"
metadata = make_metadata(SCHEMA)

#: The generated search vector; names weigh most, then descriptions, then the address.
PLACE_SEARCH_VECTOR = (
    "setweight(to_tsvector('russian'::regconfig, name_ru), 'A') || "
    "setweight(to_tsvector('english'::regconfig, name_en), 'A') || "
    "setweight(to_tsvector('russian'::regconfig, description_ru), 'B') || "
    "setweight(to_tsvector('english'::regconfig, description_en), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, address), 'C')"
)


class PlaceCategory(StrEnum):
    SIGHT = "SIGHT"
    TEMPLE = "TEMPLE"
    MUSEUM = "MUSEUM"
    MARKET = "MARKET"
    BEACH = "BEACH"
    PARK = "PARK"
    NATURE = "NATURE"
    VIEWPOINT = "VIEWPOINT"
    RESTAURANT = "RESTAURANT"
    CAFE = "CAFE"
    NIGHTLIFE = "NIGHTLIFE"
    SHOPPING = "SHOPPING"
    COWORKING = "COWORKING"
    HOSPITAL = "HOSPITAL"
    OTHER = "OTHER"


_CATEGORY_CHECK = "category IN ({})".format(", ".join(f"'{c.value}'" for c in PlaceCategory))


class Base(DeclarativeBase):
    metadata = metadata


class Country(Base):
    __tablename__ = "countries"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_ru: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    currency: Mapped[str] = mapped_column(String(3))
    timezone: Mapped[str] = mapped_column(Text)


class City(Base):
    __tablename__ = "cities"
    __table_args__ = (Index("ix_cities_country_code_name_ru_id", "country_code", "name_ru", "id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(Text, unique=True)
    country_code: Mapped[str] = mapped_column(ForeignKey(Country.code))
    name_ru: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    lat: Mapped[float] = mapped_column(Double)
    lng: Mapped[float] = mapped_column(Double)
    timezone: Mapped[str] = mapped_column(Text)


class Theme(Base):
    __tablename__ = "themes"

    slug: Mapped[str] = mapped_column(Text, primary_key=True)
    title_ru: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)


class Place(Base):
    __tablename__ = "places"
    __table_args__ = (
        Index("ix_places_city_id_name_ru_id", "city_id", "name_ru", "id"),
        Index("ix_places_name_ru_id", "name_ru", "id"),
        Index("ix_places_themes", "themes", postgresql_using="gin"),
        Index("ix_places_search", "search", postgresql_using="gin"),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180", name="location"),
        CheckConstraint(_CATEGORY_CHECK, name="category"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(Text, unique=True)
    city_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(City.id))
    category: Mapped[str] = mapped_column(String(16))
    name_ru: Mapped[str] = mapped_column(Text)
    name_en: Mapped[str] = mapped_column(Text)
    lat: Mapped[float] = mapped_column(Double)
    lng: Mapped[float] = mapped_column(Double)
    address: Mapped[str] = mapped_column(Text)
    description_ru: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    themes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    created_by: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    search: Mapped[str] = mapped_column(TSVECTOR, Computed(PLACE_SEARCH_VECTOR, persisted=True))


class Guide(Base):
    __tablename__ = "guides"
    __table_args__ = (
        Index("ix_guides_city_id_title_ru_id", "city_id", "title_ru", "id"),
        Index("ix_guides_themes", "themes", postgresql_using="gin"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    slug: Mapped[str] = mapped_column(Text, unique=True)
    city_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(City.id))
    author_id: Mapped[uuid.UUID | None] = mapped_column(Uuid)
    title_ru: Mapped[str] = mapped_column(Text)
    title_en: Mapped[str] = mapped_column(Text)
    description_ru: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    place_ids: Mapped[list[uuid.UUID]] = mapped_column(ARRAY(Uuid))
    themes: Mapped[list[str]] = mapped_column(ARRAY(Text))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
