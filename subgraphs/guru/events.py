"""What the guru subgraph emits and consumes.

Emits nothing. Consumes the events that place things on the map and keeps its geo index
(`geo_items`) in step: `place_created` / `place_updated` (atlas), `partner_verified` (rf),
`event_created` (pulse) and `property_published` (rielt). Each handler runs inside
`shared.events.apply_event` (the inbox makes a redelivery a no-op) and upserts with the
event's `occurredAt`, so an older state arriving late never overwrites a newer one.

Payload fields read (v1): `<kind>Id` (placeId, partnerId, eventId, propertyId) and
`location {lat, lng}`; places also `themes`. An event without a usable id or location
(e.g. an online event) is recorded as processed and indexes nothing.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import ConsumerRegistry, Event
from shared.geo import GeoPointInput, LatLng, clean_geo_point
from subgraphs.guru import service
from subgraphs.guru.models import ItemKind

__all__ = ["consumers"]

logger = logging.getLogger(__name__)

consumers = ConsumerRegistry()


def _location(payload: Mapping[str, Any]) -> LatLng | None:
    raw = payload.get("location")
    if not isinstance(raw, Mapping):
        return None
    lat, lng = raw.get("lat"), raw.get("lng")
    if not isinstance(lat, int | float) or not isinstance(lng, int | float):
        return None
    try:
        return clean_geo_point(GeoPointInput(lat=float(lat), lng=float(lng)))
    except ValueError:
        return None


def _themes(payload: Mapping[str, Any]) -> list[str]:
    raw = payload.get("themes")
    if not isinstance(raw, list):
        return []
    return [theme for theme in raw if isinstance(theme, str)]


async def _index(session: AsyncSession, event: Event, *, kind: ItemKind, id_field: str) -> None:
    location = _location(event.payload)
    try:
        entity_id = uuid.UUID(str(event.payload.get(id_field)))
    except ValueError:
        entity_id = None
    if entity_id is None or location is None:
        logger.warning(
            "%s %s has no usable %s/location; not indexed", event.type, event.id, id_field
        )
        return
    await service.index_item(
        session,
        kind=kind,
        entity_id=entity_id,
        location=location,
        themes=_themes(event.payload) if kind is ItemKind.PLACE else (),
        source_at=event.occurred_at,
    )


@consumers.consumer("place_created")
async def index_created_place(session: AsyncSession, event: Event) -> None:
    await _index(session, event, kind=ItemKind.PLACE, id_field="placeId")


@consumers.consumer("place_updated")
async def index_updated_place(session: AsyncSession, event: Event) -> None:
    await _index(session, event, kind=ItemKind.PLACE, id_field="placeId")


@consumers.consumer("partner_verified")
async def index_verified_partner(session: AsyncSession, event: Event) -> None:
    await _index(session, event, kind=ItemKind.PARTNER, id_field="partnerId")


@consumers.consumer("event_created")
async def index_created_event(session: AsyncSession, event: Event) -> None:
    await _index(session, event, kind=ItemKind.EVENT, id_field="eventId")


@consumers.consumer("property_published")
async def index_published_property(session: AsyncSession, event: Event) -> None:
    await _index(session, event, kind=ItemKind.PROPERTY, id_field="propertyId")
