"""Test data shared by the e2e tests: demo ids and factories for inputs."""

from __future__ import annotations

import secrets
from typing import Any

from subgraphs.atlas.demo import load_cities, load_places
from subgraphs.rf.demo import load_partners

__all__ = ["BANGKOK", "BANGKOK_ID", "DEMO_PARTNERS", "DEMO_PLACES", "place_input"]

DEMO_PLACES = {str(place.id): place for place in load_places()}
DEMO_PARTNERS = {str(partner.id): partner for partner in load_partners()}
BANGKOK_ID = next(str(city.id) for city in load_cities() if city.slug == "bangkok")
BANGKOK = {"lat": 13.7563, "lng": 100.5018}


def place_input(**overrides: Any) -> dict[str, Any]:
    """A valid CreatePlaceInput in Bangkok with a unique slug."""
    values: dict[str, Any] = {
        "slug": f"e2e-place-{secrets.token_hex(4)}",
        "cityId": BANGKOK_ID,
        "category": "CAFE",
        "name": "Кафе на крыше",
        "nameEn": "Rooftop cafe",
        "location": {"lat": 13.7301, "lng": 100.5232},
        "themes": ["views"],
    }
    return values | overrides
