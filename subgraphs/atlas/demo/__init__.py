"""Curated South-East Asian geography for the atlas subgraph's demo seed.

The JSON files next to this module are hand-curated data: real countries, cities and
places (with their real coordinates), themes and guides, with every description written
for Go2Asia. Each file is a JSON array holding one object per line. ``build.py`` assigns
the deterministic ids and rewrites the files in canonical form, so reloading the demo
data is idempotent: the same slug always gets the same id.

References inside the atlas data are slugs (``PlaceRow.city_slug``, ``GuideRow.place_slugs``);
a seed resolves them with the rows it has just loaded. Loading validates every row
against the types below (unknown or missing keys are errors).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from importlib.resources import files
from typing import ClassVar, Final, Literal, TypeVar, get_args

from pydantic import ConfigDict, TypeAdapter

__all__ = [
    "NAMESPACE",
    "PLACE_CATEGORIES",
    "CityRow",
    "CountryRow",
    "GuideRow",
    "PlaceCategory",
    "PlaceRow",
    "ThemeRow",
    "demo_id",
    "load_cities",
    "load_countries",
    "load_guides",
    "load_places",
    "load_themes",
]

NAMESPACE: Final = uuid.UUID("6f1c1c9e-2f4b-5d0a-9b7e-0a5e1a7a0001")
"""uuid5 namespace of every atlas demo id."""

PlaceCategory = Literal[
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
PLACE_CATEGORIES: Final[tuple[str, ...]] = get_args(PlaceCategory)

_STRICT: Final = ConfigDict(extra="forbid", strict=True)
_Row = TypeVar("_Row")


def demo_id(kind: str, slug: str) -> uuid.UUID:
    """The stable id of the demo row of ``kind`` (``city``, ``place``, ``guide``) named ``slug``."""
    return uuid.uuid5(NAMESPACE, f"{kind}:{slug}")


@dataclass(frozen=True, slots=True, kw_only=True)
class CountryRow:
    """A country; ``south``/``west``/``north``/``east`` bound its territory (degrees)."""

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    code: str
    name_en: str
    name_ru: str
    currency: str
    timezone: str
    south: float
    west: float
    north: float
    east: float


@dataclass(frozen=True, slots=True, kw_only=True)
class CityRow:
    """A city; ``lat``/``lng`` is its centre."""

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    id: uuid.UUID
    slug: str
    country_code: str
    name_en: str
    name_ru: str
    lat: float
    lng: float
    timezone: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ThemeRow:
    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    slug: str
    title_en: str
    title_ru: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceRow:
    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    id: uuid.UUID
    slug: str
    city_slug: str
    category: PlaceCategory
    name_en: str
    name_ru: str
    lat: float
    lng: float
    address: str
    description_en: str
    description_ru: str
    themes: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class GuideRow:
    """A guide: an ordered walk or route through places of one city."""

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    id: uuid.UUID
    slug: str
    city_slug: str
    title_en: str
    title_ru: str
    description_en: str
    description_ru: str
    place_slugs: tuple[str, ...]
    themes: tuple[str, ...]


def _read(name: str, adapter: TypeAdapter[tuple[_Row, ...]]) -> list[_Row]:
    return list(adapter.validate_json(files(__name__).joinpath(name).read_bytes()))


def load_countries() -> list[CountryRow]:
    return _read("countries.json", TypeAdapter(tuple[CountryRow, ...]))


def load_cities() -> list[CityRow]:
    return _read("cities.json", TypeAdapter(tuple[CityRow, ...]))


def load_themes() -> list[ThemeRow]:
    return _read("themes.json", TypeAdapter(tuple[ThemeRow, ...]))


def load_places() -> list[PlaceRow]:
    return _read("places.json", TypeAdapter(tuple[PlaceRow, ...]))


def load_guides() -> list[GuideRow]:
    return _read("guides.json", TypeAdapter(tuple[GuideRow, ...]))
