"""The initial geo index, built from the demo data of atlas (places) and rf (verified
partners), so `nearby` answers before any event has flowed. Run once per database by
`python -m shared.seed guru`.

It reads the demo files, never another subgraph's tables; `source_at` is the epoch, so the
first real event about any of these items replaces the seeded state.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from subgraphs.atlas.demo import load_places
from subgraphs.guru.models import GeoItem, ItemKind
from subgraphs.rf.demo import load_partners

SEED_VERSION = 1
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


async def seed(session: AsyncSession) -> None:
    places = [
        {
            "kind": ItemKind.PLACE.value,
            "entity_id": place.id,
            "lat": place.lat,
            "lng": place.lng,
            "themes": list(place.themes),
            "source_at": _EPOCH,
        }
        for place in load_places()
    ]
    partners = [
        {
            "kind": ItemKind.PARTNER.value,
            "entity_id": partner.id,
            "lat": partner.lat,
            "lng": partner.lng,
            "themes": [],
            "source_at": _EPOCH,
        }
        for partner in load_partners()
        if partner.status == "VERIFIED"
    ]
    await session.execute(insert(GeoItem), places + partners)
