"""Demo atlas: the curated countries, cities, themes, places and guides of `demo/`.

Run once per database by `python -m shared.seed atlas`. Ids are the demo's deterministic
uuids, so other subgraphs' demo data (articles, partners) can reference them.
"""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.atlas.demo import (
    load_cities,
    load_countries,
    load_guides,
    load_places,
    load_themes,
)
from subgraphs.atlas.models import City, Country, Guide, Place, Theme

SEED_VERSION = 1


async def seed(session: AsyncSession) -> None:
    countries = load_countries()
    cities = load_cities()
    places = load_places()
    city_ids = {city.slug: city.id for city in cities}
    place_ids = {place.slug: place.id for place in places}
    await session.execute(
        insert(Country),
        [
            {
                "code": row.code,
                "name_ru": row.name_ru,
                "name_en": row.name_en,
                "currency": row.currency,
                "timezone": row.timezone,
            }
            for row in countries
        ],
    )
    await session.execute(
        insert(Theme),
        [{"slug": t.slug, "title_ru": t.title_ru, "title_en": t.title_en} for t in load_themes()],
    )
    await session.execute(
        insert(City),
        [
            {
                "id": row.id,
                "slug": row.slug,
                "country_code": row.country_code,
                "name_ru": row.name_ru,
                "name_en": row.name_en,
                "lat": row.lat,
                "lng": row.lng,
                "timezone": row.timezone,
            }
            for row in cities
        ],
    )
    await session.execute(
        insert(Place),
        [
            {
                "id": row.id,
                "slug": row.slug,
                "city_id": city_ids[row.city_slug],
                "category": row.category,
                "name_ru": row.name_ru,
                "name_en": row.name_en,
                "lat": row.lat,
                "lng": row.lng,
                "address": row.address,
                "description_ru": row.description_ru,
                "description_en": row.description_en,
                "themes": list(row.themes),
            }
            for row in places
        ],
    )
    await session.execute(
        insert(Guide),
        [
            {
                "id": row.id,
                "slug": row.slug,
                "city_id": city_ids[row.city_slug],
                "title_ru": row.title_ru,
                "title_en": row.title_en,
                "description_ru": row.description_ru,
                "description_en": row.description_en,
                "place_ids": [place_ids[slug] for slug in row.place_slugs],
                "themes": list(row.themes),
            }
            for row in load_guides()
        ],
    )
