"""Per-request DataLoaders: each entity type a request touches is fetched in ONE statement.

`city_places` batches `City.places` of every city in the request: keys sharing the same
page arguments (first, after, category, theme) become one windowed statement.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiodataloader import DataLoader

from shared.db import SessionFactory
from shared.keyset import Page
from subgraphs.atlas import service
from subgraphs.atlas.models import City, Country, Guide, Place, PlaceCategory, Theme

__all__ = ["AtlasLoaders", "CityPlacesKey"]


@dataclass(frozen=True, slots=True)
class CityPlacesKey:
    city_id: uuid.UUID
    first: int
    after: str | None
    category: PlaceCategory | None
    theme: str | None


@dataclass(frozen=True, slots=True)
class AtlasLoaders:
    country_by_code: DataLoader[str, Country | None]
    city_by_id: DataLoader[str, City | None]
    place_by_id: DataLoader[str, Place | None]
    guide_by_id: DataLoader[str, Guide | None]
    theme_by_slug: DataLoader[str, Theme | None]
    city_places: DataLoader[CityPlacesKey, Page[Place]]

    @classmethod
    def build(cls, sessions: SessionFactory) -> AtlasLoaders:
        def by_key(load: Any) -> Any:
            async def batch(keys: Sequence[Any]) -> list[Any]:
                async with sessions() as session:
                    return list(await load(session, keys))

            return DataLoader(batch_load_fn=batch)

        async def city_places(keys: Sequence[CityPlacesKey]) -> list[Page[Place]]:
            groups: defaultdict[tuple[Any, ...], list[uuid.UUID]] = defaultdict(list)
            for key in keys:
                groups[key.first, key.after, key.category, key.theme].append(key.city_id)
            pages: dict[tuple[Any, ...], Page[Place]] = {}
            async with sessions() as session:
                for (first, after, category, theme), city_ids in groups.items():
                    found = await service.city_place_pages(
                        session,
                        city_ids=city_ids,
                        category=category,
                        theme=theme,
                        first=first,
                        after=after,
                    )
                    for city_id, page in zip(city_ids, found, strict=True):
                        pages[city_id, first, after, category, theme] = page
            return [pages[k.city_id, k.first, k.after, k.category, k.theme] for k in keys]

        return cls(
            country_by_code=by_key(service.load_countries),
            city_by_id=by_key(service.load_cities),
            place_by_id=by_key(service.load_places),
            guide_by_id=by_key(service.load_guides),
            theme_by_slug=by_key(service.load_themes),
            city_places=DataLoader(batch_load_fn=city_places),
        )
