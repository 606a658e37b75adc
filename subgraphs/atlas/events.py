"""What the atlas subgraph emits and consumes.

Emits `place_created` and `place_updated` (v1), in the transaction that writes the place;
guru builds its geo index from them. Consumes nothing (the topology routes no event here).

Payload v1 (both types): placeId, slug, cityId, category, name, nameEn,
location {lat, lng}, themes (slugs), updatedAt. It carries the whole current state, so a
consumer never needs the previous event, and `updatedAt` lets it ignore a stale redelivery.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import ConsumerRegistry, emit
from subgraphs.atlas.models import Place

__all__ = ["PLACE_CREATED", "PLACE_UPDATED", "consumers", "emit_place_changed"]

PLACE_CREATED = "place_created"
PLACE_UPDATED = "place_updated"

consumers = ConsumerRegistry()


def place_payload(place: Place) -> dict[str, Any]:
    return {
        "placeId": str(place.id),
        "slug": place.slug,
        "cityId": str(place.city_id),
        "category": place.category,
        "name": place.name_ru,
        "nameEn": place.name_en,
        "location": {"lat": place.lat, "lng": place.lng},
        "themes": list(place.themes),
        "updatedAt": place.updated_at.isoformat(),
    }


async def emit_place_changed(session: AsyncSession, *, place: Place, created: bool) -> None:
    await emit(
        session, PLACE_CREATED if created else PLACE_UPDATED, place_payload(place), version=1
    )
