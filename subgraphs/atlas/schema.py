"""GraphQL surface of the atlas subgraph. Resolvers only translate: validation, rules and
persistence live in `service`; every entity a request touches goes through `loaders`.

Names: `name`/`title`/`description` are the Russian texts (the platform's language),
`nameEn`/`titleEn`/`descriptionEn` the English ones.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Annotated, TypeAlias

import strawberry
from strawberry.federation.schema_directives import Authenticated, Cost, Key
from strawberry.federation.types import FieldSet

from shared.context import SubgraphContext
from shared.geo import GeoPoint, GeoPointInput
from shared.keyset import Page, connection
from shared.pagination import CONNECTION_LIST_SIZE, Connection, Edge, PageInfo, page_size
from subgraphs.atlas import models, service
from subgraphs.atlas.loaders import AtlasLoaders, CityPlacesKey

__all__ = ["TYPES", "City", "Country", "Guide", "Mutation", "Place", "Query", "Theme", "User"]

AtlasContext: TypeAlias = SubgraphContext[AtlasLoaders, None]
Info: TypeAlias = strawberry.Info[AtlasContext, None]

PlaceCategory = strawberry.enum(
    models.PlaceCategory, name="PlaceCategory", description="What kind of place it is."
)

_FIRST_DOC = "1..100"


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class User:
    """An account of the users subgraph; referenced here by id only."""

    id: strawberry.ID


@strawberry.federation.type(keys=["slug"])
class Theme:
    slug: str
    title: str
    title_en: str

    @classmethod
    def from_model(cls, theme: models.Theme) -> Theme:
        return cls(slug=theme.slug, title=theme.title_ru, title_en=theme.title_en)

    @classmethod
    async def resolve_reference(cls, info: Info, slug: str) -> Theme | None:
        theme = await info.context.loaders.theme_by_slug.load(slug)
        return None if theme is None else cls.from_model(theme)


async def _themes(info: Info, slugs: Sequence[str]) -> list[Theme]:
    themes = await info.context.loaders.theme_by_slug.load_many(list(slugs))
    return [Theme.from_model(theme) for theme in themes if theme is not None]


@strawberry.federation.type(keys=["code"])
class Country:
    code: str = strawberry.field(description="ISO 3166-1 alpha-2, e.g. `TH`.")
    name: str
    name_en: str
    currency: str = strawberry.field(description="ISO 4217, e.g. `THB`.")
    timezone: str = strawberry.field(description="IANA zone of the capital.")

    @classmethod
    def from_model(cls, country: models.Country) -> Country:
        return cls(
            code=country.code,
            name=country.name_ru,
            name_en=country.name_en,
            currency=country.currency,
            timezone=country.timezone,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, code: str) -> Country | None:
        country = await info.context.loaders.country_by_code.load(code)
        return None if country is None else cls.from_model(country)


async def resolve_city_places(
    root: City,
    info: Info,
    *,
    first: int = 20,
    after: str | None = None,
    category: PlaceCategory | None = None,  # type: ignore[valid-type]
    theme: str | None = None,
) -> Connection[Place]:
    service.PLACE_ORDER.after(after)  # a bad cursor fails this field, not the whole batch
    key = CityPlacesKey(
        city_id=root.model_id,
        first=page_size(first),
        after=after,
        category=category,
        theme=theme,
    )
    return place_connection(await info.context.loaders.city_places.load(key))


@strawberry.federation.type(keys=["id"])
class City:
    id: strawberry.ID
    slug: str
    name: str
    name_en: str
    location: GeoPoint
    timezone: str = strawberry.field(description="IANA zone, e.g. `Asia/Bangkok`.")
    model_id: strawberry.Private[uuid.UUID]
    country_code: strawberry.Private[str]

    @strawberry.field
    async def country(self, info: Info) -> Country:
        country = await info.context.loaders.country_by_code.load(self.country_code)
        assert country is not None  # a foreign key
        return Country.from_model(country)

    places: Connection[Place] = strawberry.field(
        resolver=resolve_city_places,
        directives=[CONNECTION_LIST_SIZE],
        description=f"The city's places by name; `first` is {_FIRST_DOC}.",
    )

    @classmethod
    def from_model(cls, city: models.City) -> City:
        return cls(
            id=strawberry.ID(str(city.id)),
            slug=city.slug,
            name=city.name_ru,
            name_en=city.name_en,
            location=GeoPoint(lat=city.lat, lng=city.lng),
            timezone=city.timezone,
            model_id=city.id,
            country_code=city.country_code,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> City | None:  # noqa: A002 - the key field is `id`
        city = await info.context.loaders.city_by_id.load(str(id))
        return None if city is None else cls.from_model(city)


async def _city(info: Info, city_id: str) -> City:
    city = await info.context.loaders.city_by_id.load(city_id)
    assert city is not None  # a foreign key
    return City.from_model(city)


@strawberry.federation.type(keys=["id"])
class Place:
    id: strawberry.ID
    slug: str
    name: str
    name_en: str
    category: PlaceCategory  # type: ignore[valid-type]
    location: GeoPoint
    address: str
    description: str
    description_en: str
    city_id: strawberry.Private[str]
    theme_slugs: strawberry.Private[list[str]]

    @strawberry.field
    async def city(self, info: Info) -> City:
        return await _city(info, self.city_id)

    @strawberry.field
    async def themes(self, info: Info) -> list[Theme]:
        return await _themes(info, self.theme_slugs)

    @classmethod
    def from_model(cls, place: models.Place) -> Place:
        return cls(
            id=strawberry.ID(str(place.id)),
            slug=place.slug,
            name=place.name_ru,
            name_en=place.name_en,
            category=models.PlaceCategory(place.category),
            location=GeoPoint(lat=place.lat, lng=place.lng),
            address=place.address,
            description=place.description_ru,
            description_en=place.description_en,
            city_id=str(place.city_id),
            theme_slugs=list(place.themes),
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Place | None:  # noqa: A002 - the key field is `id`
        place = await info.context.loaders.place_by_id.load(str(id))
        return None if place is None else cls.from_model(place)


async def resolve_guide_places(root: Guide, info: Info) -> list[Place]:
    places = await info.context.loaders.place_by_id.load_many(root.place_ids)
    return [Place.from_model(place) for place in places if place is not None]


@strawberry.federation.type(keys=["id"])
class Guide:
    """An ordered walk or route through places of one city."""

    id: strawberry.ID
    slug: str
    title: str
    title_en: str
    description: str
    description_en: str
    city_id: strawberry.Private[str]
    author_id: strawberry.Private[str | None]
    place_ids: strawberry.Private[list[str]]
    theme_slugs: strawberry.Private[list[str]]

    @strawberry.field
    async def city(self, info: Info) -> City:
        return await _city(info, self.city_id)

    author: User | None = strawberry.field(
        resolver=lambda root: None if root.author_id is None else User(id=root.author_id),
        description="Who wrote it; null for the editorial demo guides.",
    )
    places: list[Place] = strawberry.field(
        resolver=resolve_guide_places, description="In the order of the walk."
    )

    @strawberry.field
    async def themes(self, info: Info) -> list[Theme]:
        return await _themes(info, self.theme_slugs)

    @classmethod
    def from_model(cls, guide: models.Guide) -> Guide:
        return cls(
            id=strawberry.ID(str(guide.id)),
            slug=guide.slug,
            title=guide.title_ru,
            title_en=guide.title_en,
            description=guide.description_ru,
            description_en=guide.description_en,
            city_id=str(guide.city_id),
            author_id=None if guide.author_id is None else str(guide.author_id),
            place_ids=[str(place_id) for place_id in guide.place_ids],
            theme_slugs=list(guide.themes),
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Guide | None:  # noqa: A002 - the key field is `id`
        guide = await info.context.loaders.guide_by_id.load(str(id))
        return None if guide is None else cls.from_model(guide)


# -- connections --------------------------------------------------------------------------


def place_connection(page: Page[models.Place]) -> Connection[Place]:
    return connection(page, Place.from_model)


# -- queries ------------------------------------------------------------------------------


@strawberry.input
class PlaceFilter:
    city_id: strawberry.ID | None = None
    category: PlaceCategory | None = None  # type: ignore[valid-type]
    theme: str | None = strawberry.field(default=None, description="A theme slug.")


async def resolve_countries(info: Info) -> list[Country]:
    async with info.context.sessions() as session:
        return [Country.from_model(row) for row in await service.list_countries(session)]


async def resolve_country(info: Info, code: str) -> Country | None:
    country = await info.context.loaders.country_by_code.load(code.upper()[:2])
    return None if country is None else Country.from_model(country)


async def resolve_cities(
    info: Info, country_code: str | None = None, first: int = 20, after: str | None = None
) -> Connection[City]:
    async with info.context.sessions() as session:
        page = await service.list_cities(
            session, country_code=country_code, first=first, after=after
        )
    return connection(page, City.from_model)


async def resolve_city(info: Info, id: strawberry.ID) -> City | None:  # noqa: A002 - GraphQL argument
    city = await info.context.loaders.city_by_id.load(str(id))
    return None if city is None else City.from_model(city)


async def resolve_city_by_slug(info: Info, slug: str) -> City | None:
    async with info.context.sessions() as session:
        city = await service.city_by_slug(session, slug=slug)
    return None if city is None else City.from_model(city)


async def resolve_places(
    info: Info,
    filter_: Annotated[PlaceFilter | None, strawberry.argument(name="filter")] = None,
    first: int = 20,
    after: str | None = None,
) -> Connection[Place]:
    given = filter_ or PlaceFilter()
    async with info.context.sessions() as session:
        page = await service.list_places(
            session,
            city_id=None if given.city_id is None else str(given.city_id),
            category=given.category,
            theme=given.theme,
            first=first,
            after=after,
        )
    return place_connection(page)


async def resolve_place(info: Info, id: strawberry.ID) -> Place | None:  # noqa: A002 - GraphQL argument
    place = await info.context.loaders.place_by_id.load(str(id))
    return None if place is None else Place.from_model(place)


async def resolve_place_by_slug(info: Info, slug: str) -> Place | None:
    async with info.context.sessions() as session:
        place = await service.place_by_slug(session, slug=slug)
    return None if place is None else Place.from_model(place)


async def resolve_search(
    info: Info, text: str, first: int = 20, after: str | None = None
) -> Connection[Place]:
    async with info.context.sessions() as session:
        found = await service.search_places(session, text=text, first=first, after=after)
    edges = [
        Edge(cursor=service.search_cursor(found.offset + index), node=Place.from_model(place))
        for index, place in enumerate(found.places)
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=found.has_next_page, end_cursor=edges[-1].cursor if edges else None
        ),
        total_count=found.total_count,
    )


async def resolve_guides(
    info: Info,
    city_id: strawberry.ID | None = None,
    theme: str | None = None,
    first: int = 20,
    after: str | None = None,
) -> Connection[Guide]:
    async with info.context.sessions() as session:
        page = await service.list_guides(
            session,
            city_id=None if city_id is None else str(city_id),
            theme=theme,
            first=first,
            after=after,
        )
    return connection(page, Guide.from_model)


async def resolve_guide(info: Info, id: strawberry.ID) -> Guide | None:  # noqa: A002 - GraphQL argument
    guide = await info.context.loaders.guide_by_id.load(str(id))
    return None if guide is None else Guide.from_model(guide)


async def resolve_themes(info: Info) -> list[Theme]:
    async with info.context.sessions() as session:
        return [Theme.from_model(row) for row in await service.list_themes(session)]


async def resolve_theme(info: Info, slug: str) -> Theme | None:
    theme = await info.context.loaders.theme_by_slug.load(slug)
    return None if theme is None else Theme.from_model(theme)


@strawberry.type
class Query:
    countries: list[Country] = strawberry.field(resolver=resolve_countries)
    country: Country | None = strawberry.field(resolver=resolve_country)
    cities: Connection[City] = strawberry.field(
        resolver=resolve_cities,
        directives=[CONNECTION_LIST_SIZE],
        description=f"Cities by name, optionally of one country; `first` is {_FIRST_DOC}.",
    )
    city: City | None = strawberry.field(resolver=resolve_city)
    city_by_slug: City | None = strawberry.field(resolver=resolve_city_by_slug)
    places: Connection[Place] = strawberry.field(
        resolver=resolve_places,
        directives=[CONNECTION_LIST_SIZE],
        description=f"Places by name, filtered; `first` is {_FIRST_DOC}.",
    )
    place: Place | None = strawberry.field(resolver=resolve_place)
    place_by_slug: Place | None = strawberry.field(resolver=resolve_place_by_slug)
    search: Connection[Place] = strawberry.field(
        resolver=resolve_search,
        directives=[Cost(weight=10), CONNECTION_LIST_SIZE],
        description=(
            "Full-text search over places in Russian and English, best match first. "
            f"`text` is 1..{service.SEARCH_MAX_LENGTH} characters (web-search syntax: "
            f'"phrases", -exclusions, or); `first` is {_FIRST_DOC}.'
        ),
    )
    guides: Connection[Guide] = strawberry.field(
        resolver=resolve_guides,
        directives=[CONNECTION_LIST_SIZE],
        description=f"Guides by title, optionally of one city or theme; `first` is {_FIRST_DOC}.",
    )
    guide: Guide | None = strawberry.field(resolver=resolve_guide)
    themes: list[Theme] = strawberry.field(resolver=resolve_themes)
    theme: Theme | None = strawberry.field(resolver=resolve_theme)


# -- mutations ----------------------------------------------------------------------------

InputArg = strawberry.argument(name="input")
_TEXT_LIMITS = (
    f"name/nameEn 1..{service.NAME_MAX_LENGTH}, address ..{service.ADDRESS_MAX_LENGTH}, "
    f"description/descriptionEn ..{service.DESCRIPTION_MAX_LENGTH} characters"
)


@strawberry.input(description=f"A new place (ADMIN or PRO). Limits: {_TEXT_LIMITS}.")
class CreatePlaceInput:
    slug: str = strawberry.field(description="Lower-case letters, digits and '-'; unique.")
    city_id: strawberry.ID
    category: PlaceCategory  # type: ignore[valid-type]
    name: str
    location: GeoPointInput
    name_en: str | None = strawberry.field(default=None, description="Defaults to `name`.")
    address: str | None = None
    description: str | None = None
    description_en: str | None = None
    themes: list[str] | None = strawberry.field(default=None, description="Theme slugs, <= 10.")


@strawberry.input(
    description=f"Changes to a place; omitted or null fields stay as they are. {_TEXT_LIMITS}."
)
class UpdatePlaceInput:
    id: strawberry.ID
    slug: str | None = None
    city_id: strawberry.ID | None = None
    category: PlaceCategory | None = None  # type: ignore[valid-type]
    name: str | None = None
    name_en: str | None = None
    location: GeoPointInput | None = None
    address: str | None = None
    description: str | None = None
    description_en: str | None = None
    themes: list[str] | None = None


@strawberry.type
class CreatePlacePayload:
    place: Place


@strawberry.type
class UpdatePlacePayload:
    place: Place


_GUIDE_LIMITS = (
    f"title/titleEn 1..{service.TITLE_MAX_LENGTH}, description/descriptionEn "
    f"..{service.DESCRIPTION_MAX_LENGTH} characters, 1..{service.GUIDE_MAX_PLACES} places"
)


@strawberry.input(
    description=f"A new guide (ADMIN or PRO): places of its city, in order. {_GUIDE_LIMITS}."
)
class CreateGuideInput:
    slug: str
    city_id: strawberry.ID
    title: str
    place_ids: list[strawberry.ID]
    title_en: str | None = None
    description: str | None = None
    description_en: str | None = None
    themes: list[str] | None = None


@strawberry.input(
    description=f"Changes to a guide; omitted or null fields stay as they are. {_GUIDE_LIMITS}."
)
class UpdateGuideInput:
    id: strawberry.ID
    slug: str | None = None
    city_id: strawberry.ID | None = None
    title: str | None = None
    title_en: str | None = None
    description: str | None = None
    description_en: str | None = None
    place_ids: list[strawberry.ID] | None = None
    themes: list[str] | None = None


@strawberry.type
class CreateGuidePayload:
    guide: Guide


@strawberry.type
class UpdateGuidePayload:
    guide: Guide


def _place_changes(given: CreatePlaceInput | UpdatePlaceInput) -> service.PlaceChanges:
    return service.PlaceChanges(
        slug=given.slug,
        city_id=None if given.city_id is None else str(given.city_id),
        category=given.category,
        name=given.name,
        name_en=given.name_en,
        location=given.location,
        address=given.address,
        description=given.description,
        description_en=given.description_en,
        themes=given.themes,
    )


def _guide_changes(given: CreateGuideInput | UpdateGuideInput) -> service.GuideChanges:
    return service.GuideChanges(
        slug=given.slug,
        city_id=None if given.city_id is None else str(given.city_id),
        title=given.title,
        title_en=given.title_en,
        description=given.description,
        description_en=given.description_en,
        place_ids=None if given.place_ids is None else [str(i) for i in given.place_ids],
        themes=given.themes,
    )


async def resolve_create_place(
    info: Info, input_: Annotated[CreatePlaceInput, InputArg]
) -> CreatePlacePayload:
    async with info.context.transaction() as session:
        place = await service.create_place(
            session, identity=info.context.identity, changes=_place_changes(input_)
        )
    return CreatePlacePayload(place=Place.from_model(place))


async def resolve_update_place(
    info: Info, input_: Annotated[UpdatePlaceInput, InputArg]
) -> UpdatePlacePayload:
    async with info.context.transaction() as session:
        place = await service.update_place(
            session,
            identity=info.context.identity,
            place_id=str(input_.id),
            changes=_place_changes(input_),
        )
    return UpdatePlacePayload(place=Place.from_model(place))


async def resolve_create_guide(
    info: Info, input_: Annotated[CreateGuideInput, InputArg]
) -> CreateGuidePayload:
    async with info.context.transaction() as session:
        guide = await service.create_guide(
            session, identity=info.context.identity, changes=_guide_changes(input_)
        )
    return CreateGuidePayload(guide=Guide.from_model(guide))


async def resolve_update_guide(
    info: Info, input_: Annotated[UpdateGuideInput, InputArg]
) -> UpdateGuidePayload:
    async with info.context.transaction() as session:
        guide = await service.update_guide(
            session,
            identity=info.context.identity,
            guide_id=str(input_.id),
            changes=_guide_changes(input_),
        )
    return UpdateGuidePayload(guide=Guide.from_model(guide))


@strawberry.type
class Mutation:
    create_place: CreatePlacePayload = strawberry.mutation(
        resolver=resolve_create_place, directives=[Authenticated()], description="ADMIN or PRO."
    )
    update_place: UpdatePlacePayload = strawberry.mutation(
        resolver=resolve_update_place,
        directives=[Authenticated()],
        description="ADMIN, or the PRO who created the place.",
    )
    create_guide: CreateGuidePayload = strawberry.mutation(
        resolver=resolve_create_guide, directives=[Authenticated()], description="ADMIN or PRO."
    )
    update_guide: UpdateGuidePayload = strawberry.mutation(
        resolver=resolve_update_guide,
        directives=[Authenticated()],
        description="ADMIN, or the PRO who wrote the guide.",
    )


#: Types reachable only through `_entities` (or stubs), for schema builders.
TYPES: tuple[type, ...] = (Country, City, Place, Guide, Theme, User)
