"""`GeoPoint` / `GeoPointInput`: the graph's one coordinate type (WGS 84 degrees).

Several subgraphs return it, so the output type is `@shareable` (a federation value type);
`clean_geo_point` validates an input's ranges for `FieldCheck`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import strawberry

__all__ = ["GeoPoint", "GeoPointInput", "LatLng", "clean_geo_point"]


@dataclass(frozen=True, slots=True)
class LatLng:
    """A validated coordinate pair, as services handle it."""

    lat: float
    lng: float


@strawberry.federation.type(shareable=True, description="A WGS 84 coordinate in degrees.")
class GeoPoint:
    lat: float
    lng: float


@strawberry.input(description="lat in -90..90, lng in -180..180 (degrees, WGS 84).")
class GeoPointInput:
    lat: float
    lng: float


def clean_geo_point(value: GeoPointInput) -> LatLng:
    """The point as a `LatLng`; ValueError naming the bound it breaks."""
    if not (math.isfinite(value.lat) and -90.0 <= value.lat <= 90.0):
        raise ValueError("lat must be between -90 and 90")
    if not (math.isfinite(value.lng) and -180.0 <= value.lng <= 180.0):
        raise ValueError("lng must be between -180 and 180")
    return LatLng(lat=value.lat, lng=value.lng)
