"""The atlas domain: browsing, search, and editing places and guides.

Every function is async and keyword-only after the session; the caller owns the transaction.
Writes check the caller's role first, then validate every input field (one BAD_USER_INPUT
naming all of them) before anything is written, and emit their event in the same
transaction. Reads by id take raw strings: a malformed id is simply unknown (None).
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TypeVar

from sqlalchemy import ColumnElement, func, literal_column, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import BadUserInput, Conflict, Forbidden, NotFound
from shared.geo import GeoPointInput, LatLng, clean_geo_point
from shared.identity import Identity, Role, require_role
from shared.keyset import Keyset, Page, grouped_keyset_pages, keyset_page, parse_uuid
from shared.pagination import MAX_PAGE_SIZE, decode_cursor, encode_cursor, page_size
from shared.validation import FieldCheck, clean_text
from subgraphs.atlas.events import emit_place_changed
from subgraphs.atlas.models import City, Country, Guide, Place, PlaceCategory, Theme

__all__ = [
    "ADDRESS_MAX_LENGTH",
    "DESCRIPTION_MAX_LENGTH",
    "GUIDE_MAX_PLACES",
    "NAME_MAX_LENGTH",
    "SEARCH_MAX_LENGTH",
    "TITLE_MAX_LENGTH",
    "GuideChanges",
    "PlaceChanges",
    "SlugTaken",
    "city_place_pages",
    "create_guide",
    "create_place",
    "list_cities",
    "list_countries",
    "list_guides",
    "list_places",
    "list_themes",
    "load_cities",
    "load_countries",
    "load_guides",
    "load_places",
    "load_themes",
    "search_places",
    "update_guide",
    "update_place",
]

NAME_MAX_LENGTH = 120
TITLE_MAX_LENGTH = 160
ADDRESS_MAX_LENGTH = 300
DESCRIPTION_MAX_LENGTH = 4000
SLUG_MAX_LENGTH = 80
SEARCH_MAX_LENGTH = 200
THEMES_MAX = 10
GUIDE_MAX_PLACES = 50
EDITORS = (Role.ADMIN, Role.PRO)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_clean_name = clean_text(min_length=1, max_length=NAME_MAX_LENGTH)
_clean_title = clean_text(min_length=1, max_length=TITLE_MAX_LENGTH)
_clean_address = clean_text(min_length=0, max_length=ADDRESS_MAX_LENGTH)
_clean_search = clean_text(min_length=1, max_length=SEARCH_MAX_LENGTH)


class SlugTaken(Conflict):
    code = "SLUG_TAKEN"
    default_message = "This slug is already used."


# -- input cleaning -----------------------------------------------------------------------


def _clean_slug(value: str) -> str:
    slug = value.strip()
    if not 1 <= len(slug) <= SLUG_MAX_LENGTH or not _SLUG.fullmatch(slug):
        raise ValueError(
            f"must be 1 to {SLUG_MAX_LENGTH} lower-case letters and digits joined by '-'"
        )
    return slug


def _clean_description(value: str) -> str:
    """Paragraphs: trimmed, NFC, newlines allowed but no other control characters."""
    text = unicodedata.normalize("NFC", value.strip()).replace("\r\n", "\n")
    if any(unicodedata.category(c) in {"Cc", "Cf"} and c != "\n" for c in text):
        raise ValueError("must not contain control characters")
    if len(text) > DESCRIPTION_MAX_LENGTH:
        raise ValueError(f"must be at most {DESCRIPTION_MAX_LENGTH} characters")
    return text


def _clean_theme_slugs(values: Sequence[str]) -> list[str]:
    if len(values) > THEMES_MAX:
        raise ValueError(f"at most {THEMES_MAX} themes")
    return list(dict.fromkeys(_clean_slug(value) for value in values))


def _clean_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as error:
        raise ValueError("is not a valid id") from error


def _clean_ids(values: Sequence[str]) -> list[uuid.UUID]:
    if not 1 <= len(values) <= GUIDE_MAX_PLACES:
        raise ValueError(f"must list 1 to {GUIDE_MAX_PLACES} places")
    ids = [_clean_id(value) for value in values]
    if len(set(ids)) != len(ids):
        raise ValueError("must not list a place twice")
    return ids


def _uuid_or_none(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


# -- loading by key (DataLoader batch functions: ONE statement each) ----------------------


async def load_countries(session: AsyncSession, codes: Sequence[str]) -> list[Country | None]:
    rows = await session.scalars(select(Country).where(Country.code.in_(set(codes))))
    found = {row.code: row for row in rows}
    return [found.get(code) for code in codes]


_ByUuid = TypeVar("_ByUuid", City, Place, Guide)


async def _load_by_uuid(
    session: AsyncSession, entity: type[_ByUuid], ids: Sequence[str]
) -> list[_ByUuid | None]:
    wanted = {parsed for raw in ids if (parsed := _uuid_or_none(raw)) is not None}
    found: dict[uuid.UUID, _ByUuid] = {}
    if wanted:
        rows = await session.scalars(select(entity).where(entity.id.in_(wanted)))
        found = {row.id: row for row in rows}
    return [found.get(parsed) if (parsed := _uuid_or_none(raw)) else None for raw in ids]


async def load_cities(session: AsyncSession, ids: Sequence[str]) -> list[City | None]:
    return await _load_by_uuid(session, City, ids)


async def load_places(session: AsyncSession, ids: Sequence[str]) -> list[Place | None]:
    return await _load_by_uuid(session, Place, ids)


async def load_guides(session: AsyncSession, ids: Sequence[str]) -> list[Guide | None]:
    return await _load_by_uuid(session, Guide, ids)


async def load_themes(session: AsyncSession, slugs: Sequence[str]) -> list[Theme | None]:
    rows = await session.scalars(select(Theme).where(Theme.slug.in_(set(slugs))))
    found = {row.slug: row for row in rows}
    return [found.get(slug) for slug in slugs]


async def place_by_slug(session: AsyncSession, *, slug: str) -> Place | None:
    if len(slug) > SLUG_MAX_LENGTH:
        return None
    place: Place | None = await session.scalar(select(Place).where(Place.slug == slug))
    return place


async def city_by_slug(session: AsyncSession, *, slug: str) -> City | None:
    if len(slug) > SLUG_MAX_LENGTH:
        return None
    city: City | None = await session.scalar(select(City).where(City.slug == slug))
    return city


# -- browsing -----------------------------------------------------------------------------


async def list_countries(session: AsyncSession) -> list[Country]:
    return list(await session.scalars(select(Country).order_by(Country.name_ru)))


async def list_themes(session: AsyncSession) -> list[Theme]:
    return list(await session.scalars(select(Theme).order_by(Theme.title_ru)))


#: Lists are ordered by their Russian name (then id): keyset cursors over these columns.
CITY_ORDER = Keyset(columns=(City.name_ru, City.id), parsers=(str, parse_uuid))
PLACE_ORDER = Keyset(columns=(Place.name_ru, Place.id), parsers=(str, parse_uuid))
GUIDE_ORDER = Keyset(columns=(Guide.title_ru, Guide.id), parsers=(str, parse_uuid))


async def list_cities(
    session: AsyncSession, *, country_code: str | None, first: int, after: str | None
) -> Page[City]:
    where = [] if country_code is None else [City.country_code == country_code.upper()]
    return await keyset_page(
        session, entity=City, keyset=CITY_ORDER, where=where, first=first, after=after
    )


def _place_filters(
    *, category: PlaceCategory | None, theme: str | None
) -> list[ColumnElement[bool]]:
    filters: list[ColumnElement[bool]] = []
    if category is not None:
        filters.append(Place.category == category.value)
    if theme is not None:
        filters.append(Place.themes.contains([theme]))
    return filters


async def list_places(
    session: AsyncSession,
    *,
    city_id: str | None,
    category: PlaceCategory | None,
    theme: str | None,
    first: int,
    after: str | None,
) -> Page[Place]:
    """Places by name (then id), optionally of one city / category / theme."""
    where = _place_filters(category=category, theme=theme)
    if city_id is not None:
        city = _uuid_or_none(city_id)
        if city is None:
            page_size(first)
            PLACE_ORDER.after(after)
            return Page()
        where.append(Place.city_id == city)
    return await keyset_page(
        session, entity=Place, keyset=PLACE_ORDER, where=where, first=first, after=after
    )


async def city_place_pages(
    session: AsyncSession,
    *,
    city_ids: Sequence[uuid.UUID],
    category: PlaceCategory | None,
    theme: str | None,
    first: int,
    after: str | None,
) -> list[Page[Place]]:
    """`City.places` for many cities at once, in the order of `city_ids` (one statement)."""
    return await grouped_keyset_pages(
        session,
        entity=Place,
        keyset=PLACE_ORDER,
        group=Place.city_id,
        keys=city_ids,
        where=_place_filters(category=category, theme=theme),
        first=first,
        after=after,
    )


async def list_guides(
    session: AsyncSession,
    *,
    city_id: str | None,
    theme: str | None,
    first: int,
    after: str | None,
) -> Page[Guide]:
    where: list[ColumnElement[bool]] = []
    if theme is not None:
        where.append(Guide.themes.contains([theme]))
    if city_id is not None:
        city = _uuid_or_none(city_id)
        if city is None:
            page_size(first)
            GUIDE_ORDER.after(after)
            return Page()
        where.append(Guide.city_id == city)
    return await keyset_page(
        session, entity=Guide, keyset=GUIDE_ORDER, where=where, first=first, after=after
    )


@dataclass(frozen=True, slots=True)
class SearchPage:
    places: Sequence[Place]
    offset: int
    has_next_page: bool
    total_count: int


def search_cursor(offset: int) -> str:
    return encode_cursor("search", offset)


def _search_offset(after: str | None) -> int:
    if after is None:
        return 0
    values = decode_cursor(after)
    if len(values) != 2 or values[0] != "search" or not isinstance(values[1], int):
        raise BadUserInput({"after": "not a valid cursor"})
    if values[1] < 0:
        raise BadUserInput({"after": "not a valid cursor"})
    return values[1] + 1


def _clean_first(value: int) -> int:
    """`first` for FieldCheck (shared.pagination.page_size raises BadUserInput itself)."""
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise ValueError(f"must be between 1 and {MAX_PAGE_SIZE}")
    return value


async def search_places(
    session: AsyncSession, *, text: str, first: int, after: str | None
) -> SearchPage:
    """Full-text search in Russian and English (names weigh most), best match first.

    The query is read as web-search syntax ("quoted phrases", -excluded, or) in both
    languages and the two are OR-ed, so a Russian or an English query finds either.
    """
    check = FieldCheck()
    query_text = check("text", _clean_search, text)
    limit = check("first", _clean_first, first)
    check.done()
    offset = _search_offset(after)
    tsquery = func.websearch_to_tsquery(literal_column("'russian'::regconfig"), query_text).op(
        "||"
    )(func.websearch_to_tsquery(literal_column("'english'::regconfig"), query_text))
    rank = func.ts_rank_cd(Place.search, tsquery)
    statement = (
        select(Place, func.count().over())
        .where(Place.search.op("@@")(tsquery))
        .order_by(rank.desc(), Place.id)
        .offset(offset)
        .limit(limit + 1)
    )
    rows = list(await session.execute(statement))
    total = rows[0][1] if rows else 0
    return SearchPage(
        places=[place for place, _ in rows[:limit]],
        offset=offset,
        has_next_page=len(rows) > limit,
        total_count=total,
    )


# -- editing ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceChanges:
    """Fields of a place as given by a client; None = not given (kept on update)."""

    slug: str | None = None
    city_id: str | None = None
    category: PlaceCategory | None = None
    name: str | None = None
    name_en: str | None = None
    location: GeoPointInput | None = None
    address: str | None = None
    description: str | None = None
    description_en: str | None = None
    themes: Sequence[str] | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class GuideChanges:
    """Fields of a guide as given by a client; None = not given (kept on update)."""

    slug: str | None = None
    city_id: str | None = None
    title: str | None = None
    title_en: str | None = None
    description: str | None = None
    description_en: str | None = None
    place_ids: Sequence[str] | None = None
    themes: Sequence[str] | None = None


@dataclass(frozen=True, slots=True)
class _CleanPlace:
    values: dict[str, object]
    city_id: uuid.UUID | None
    themes: list[str] | None


def _clean_place_changes(changes: PlaceChanges, *, creating: bool) -> _CleanPlace:
    check = FieldCheck()
    if creating:
        check.require(
            slug=changes.slug,
            cityId=changes.city_id,
            category=changes.category,
            name=changes.name,
            location=changes.location,
        )
    values: dict[str, object] = {}
    if changes.slug is not None:
        values["slug"] = check("slug", _clean_slug, changes.slug)
    if changes.category is not None:
        values["category"] = changes.category.value
    if changes.name is not None:
        values["name_ru"] = check("name", _clean_name, changes.name)
    if changes.name_en is not None:
        values["name_en"] = check("nameEn", _clean_name, changes.name_en)
    if changes.location is not None:
        point: LatLng = check("location", clean_geo_point, changes.location)
        if point is not None:
            values |= {"lat": point.lat, "lng": point.lng}
    if changes.address is not None:
        values["address"] = check("address", _clean_address, changes.address)
    if changes.description is not None:
        values["description_ru"] = check("description", _clean_description, changes.description)
    if changes.description_en is not None:
        values["description_en"] = check(
            "descriptionEn", _clean_description, changes.description_en
        )
    city_id = check("cityId", _clean_id, changes.city_id) if changes.city_id is not None else None
    themes = (
        check("themes", _clean_theme_slugs, changes.themes) if changes.themes is not None else None
    )
    check.done()
    return _CleanPlace(values=values, city_id=city_id, themes=themes)


async def _reference_errors(
    session: AsyncSession, *, city_id: uuid.UUID | None, themes: Sequence[str] | None
) -> dict[str, str]:
    """What is wrong with the city and themes an input names (nothing when unnamed)."""
    errors: dict[str, str] = {}
    if city_id is not None and await session.get(City, city_id) is None:
        errors["cityId"] = "no such city"
    if themes:
        known = set(await session.scalars(select(Theme.slug).where(Theme.slug.in_(themes))))
        unknown = [slug for slug in themes if slug not in known]
        if unknown:
            errors["themes"] = f"unknown themes: {', '.join(unknown)}"
    return errors


async def _guide_place_errors(
    session: AsyncSession, *, city_id: uuid.UUID, place_ids: Sequence[uuid.UUID]
) -> dict[str, str]:
    """A guide's places must exist and lie in the guide's city."""
    rows = await session.execute(select(Place.id, Place.city_id).where(Place.id.in_(place_ids)))
    cities = {row.id: row.city_id for row in rows}
    missing = [str(place_id) for place_id in place_ids if place_id not in cities]
    if missing:
        return {"placeIds": f"no such place: {', '.join(missing)}"}
    if set(cities.values()) != {city_id}:
        return {"placeIds": "every place must be in the guide's city"}
    return {}


def _may_edit(identity: Identity, *, owner: uuid.UUID | None) -> None:
    user_id = require_role(identity, *EDITORS)
    if identity.role is not Role.ADMIN and (owner is None or str(owner) != user_id):
        raise Forbidden("PRO editors may change only what they created.")


async def create_place(
    session: AsyncSession, *, identity: Identity, changes: PlaceChanges
) -> Place:
    user_id = require_role(identity, *EDITORS)
    clean = _clean_place_changes(changes, creating=True)
    if errors := await _reference_errors(session, city_id=clean.city_id, themes=clean.themes):
        raise BadUserInput(errors)
    now = datetime.now(UTC)
    values = {
        "address": "",
        "description_ru": "",
        "description_en": "",
        "name_en": clean.values["name_ru"],
        **clean.values,
        "id": uuid.uuid4(),
        "city_id": clean.city_id,
        "themes": clean.themes or [],
        "created_by": uuid.UUID(user_id),
        "created_at": now,
        "updated_at": now,
    }
    place: Place | None = await session.scalar(
        insert(Place)
        .values(**values)
        .on_conflict_do_nothing(index_elements=[Place.slug])
        .returning(Place)
    )
    if place is None:
        raise SlugTaken
    await emit_place_changed(session, place=place, created=True)
    return place


async def update_place(
    session: AsyncSession, *, identity: Identity, place_id: str, changes: PlaceChanges
) -> Place:
    require_role(identity, *EDITORS)
    clean = _clean_place_changes(changes, creating=False)
    parsed = _uuid_or_none(place_id)
    place = None if parsed is None else await session.get(Place, parsed, with_for_update=True)
    if place is None:
        raise NotFound("No such place.")
    _may_edit(identity, owner=place.created_by)
    if errors := await _reference_errors(session, city_id=clean.city_id, themes=clean.themes):
        raise BadUserInput(errors)
    slug = clean.values.get("slug")
    if slug is not None and slug != place.slug:
        taken = await session.scalar(select(Place.id).where(Place.slug == slug))
        if taken is not None:
            raise SlugTaken
    for key, value in clean.values.items():
        setattr(place, key, value)
    if clean.city_id is not None:
        place.city_id = clean.city_id
    if clean.themes is not None:
        place.themes = clean.themes
    place.updated_at = datetime.now(UTC)
    await session.flush()
    await emit_place_changed(session, place=place, created=False)
    return place


def _clean_guide_changes(
    changes: GuideChanges, *, creating: bool
) -> tuple[dict[str, object], uuid.UUID | None, list[uuid.UUID] | None, list[str] | None]:
    check = FieldCheck()
    if creating:
        check.require(
            slug=changes.slug,
            cityId=changes.city_id,
            title=changes.title,
            placeIds=changes.place_ids,
        )
    values: dict[str, object] = {}
    if changes.slug is not None:
        values["slug"] = check("slug", _clean_slug, changes.slug)
    if changes.title is not None:
        values["title_ru"] = check("title", _clean_title, changes.title)
    if changes.title_en is not None:
        values["title_en"] = check("titleEn", _clean_title, changes.title_en)
    if changes.description is not None:
        values["description_ru"] = check("description", _clean_description, changes.description)
    if changes.description_en is not None:
        values["description_en"] = check(
            "descriptionEn", _clean_description, changes.description_en
        )
    city_id = check("cityId", _clean_id, changes.city_id) if changes.city_id is not None else None
    place_ids = (
        check("placeIds", _clean_ids, changes.place_ids) if changes.place_ids is not None else None
    )
    themes = (
        check("themes", _clean_theme_slugs, changes.themes) if changes.themes is not None else None
    )
    check.done()
    return values, city_id, place_ids, themes


async def create_guide(
    session: AsyncSession, *, identity: Identity, changes: GuideChanges
) -> Guide:
    user_id = require_role(identity, *EDITORS)
    values, city_id, place_ids, themes = _clean_guide_changes(changes, creating=True)
    assert city_id is not None
    assert place_ids is not None
    errors = await _reference_errors(session, city_id=city_id, themes=themes)
    if not errors:
        errors = await _guide_place_errors(session, city_id=city_id, place_ids=place_ids)
    if errors:
        raise BadUserInput(errors)
    now = datetime.now(UTC)
    row = {
        "description_ru": "",
        "description_en": "",
        "title_en": values["title_ru"],
        **values,
        "id": uuid.uuid4(),
        "city_id": city_id,
        "author_id": uuid.UUID(user_id),
        "place_ids": place_ids,
        "themes": themes or [],
        "created_at": now,
        "updated_at": now,
    }
    guide: Guide | None = await session.scalar(
        insert(Guide)
        .values(**row)
        .on_conflict_do_nothing(index_elements=[Guide.slug])
        .returning(Guide)
    )
    if guide is None:
        raise SlugTaken
    return guide


async def update_guide(
    session: AsyncSession, *, identity: Identity, guide_id: str, changes: GuideChanges
) -> Guide:
    require_role(identity, *EDITORS)
    values, city_id, place_ids, themes = _clean_guide_changes(changes, creating=False)
    parsed = _uuid_or_none(guide_id)
    guide = None if parsed is None else await session.get(Guide, parsed, with_for_update=True)
    if guide is None:
        raise NotFound("No such guide.")
    _may_edit(identity, owner=guide.author_id)
    errors = await _reference_errors(session, city_id=city_id, themes=themes)
    if not errors and (city_id is not None or place_ids is not None):
        errors = await _guide_place_errors(
            session,
            city_id=city_id or guide.city_id,
            place_ids=place_ids if place_ids is not None else guide.place_ids,
        )
    if errors:
        raise BadUserInput(errors)
    slug = values.get("slug")
    if slug is not None and slug != guide.slug:
        taken = await session.scalar(select(Guide.id).where(Guide.slug == slug))
        if taken is not None:
            raise SlugTaken
    for key, value in values.items():
        setattr(guide, key, value)
    if city_id is not None:
        guide.city_id = city_id
    if place_ids is not None:
        guide.place_ids = place_ids
    if themes is not None:
        guide.themes = themes
    guide.updated_at = datetime.now(UTC)
    await session.flush()
    return guide
