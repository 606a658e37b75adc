"""Blog content written for Go2Asia, for the media subgraph's demo seed.

The JSON files next to this module hold rubrics, tags and articles written in Russian for
this project (original text). Articles refer to atlas rows: ``city_slug``/``place_slugs``
for people, and ``city_id``/``place_ids`` (the atlas demo ids of those rows) for a seed,
which must not read atlas data. ``build.py`` assigns every id and rewrites the files in
canonical form, so reloading is idempotent.

``body`` is plain text whose paragraphs are separated by one blank line. A ``DRAFT``
article has no ``published_at``; a ``PUBLISHED`` one always has it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from importlib.resources import files
from typing import ClassVar, Final, Literal, TypeVar

from pydantic import ConfigDict, TypeAdapter

__all__ = [
    "NAMESPACE",
    "ArticleRow",
    "ArticleStatus",
    "RubricRow",
    "TagRow",
    "demo_id",
    "load_articles",
    "load_rubrics",
    "load_tags",
]

NAMESPACE: Final = uuid.UUID("6f1c1c9e-2f4b-5d0a-9b7e-0a5e1a7a0002")
"""uuid5 namespace of every media demo id."""

ArticleStatus = Literal["DRAFT", "PUBLISHED"]

_STRICT: Final = ConfigDict(extra="forbid", strict=True)
_Row = TypeVar("_Row")


def demo_id(kind: str, slug: str) -> uuid.UUID:
    """The stable id of the demo row of ``kind`` (``article``) named ``slug``."""
    return uuid.uuid5(NAMESPACE, f"{kind}:{slug}")


@dataclass(frozen=True, slots=True, kw_only=True)
class RubricRow:
    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    slug: str
    title_en: str
    title_ru: str
    description_ru: str


@dataclass(frozen=True, slots=True, kw_only=True)
class TagRow:
    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    slug: str
    title_en: str
    title_ru: str


@dataclass(frozen=True, slots=True, kw_only=True)
class ArticleRow:
    """An article in Russian; ``themes`` are atlas theme slugs."""

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    id: uuid.UUID
    slug: str
    status: ArticleStatus
    rubric_slug: str
    city_slug: str
    city_id: uuid.UUID
    title: str
    lead: str
    body: str
    tags: tuple[str, ...]
    themes: tuple[str, ...]
    place_slugs: tuple[str, ...]
    place_ids: tuple[uuid.UUID, ...]
    published_at: datetime | None


def _read(name: str, adapter: TypeAdapter[tuple[_Row, ...]]) -> list[_Row]:
    return list(adapter.validate_json(files(__name__).joinpath(name).read_bytes()))


def load_rubrics() -> list[RubricRow]:
    return _read("rubrics.json", TypeAdapter(tuple[RubricRow, ...]))


def load_tags() -> list[TagRow]:
    return _read("tags.json", TypeAdapter(tuple[TagRow, ...]))


def load_articles() -> list[ArticleRow]:
    return _read("articles.json", TypeAdapter(tuple[ArticleRow, ...]))
