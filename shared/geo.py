"""`GeoPoint` / `GeoPointInput`: the graph's one coordinate type (WGS 84 degrees).

Several subgraphs return it, so the output type is `@shareable` (a federation value type);
`clean_geo_point` validates an input's ranges for `FieldCheck`. `haversine_meters` is the
great-circle distance on the mean Earth sphere (6 371 008.8 m), the formula geo-indexed SQL
uses too, so Python and SQL agree on distances.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import strawberry

__all__ = [
    "EARTH_RADIUS_METERS",
    "GeoPoint",
    "GeoPointInput",
    "LatLng",
    "clean_geo_point",
    "haversine_meters",
]

EARTH_RADIUS_METERS = 6_371_008.8


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


def haversine_meters(a: LatLng, b: LatLng) -> float:
    """Great-circle distance in metres between two points."""
    phi1, phi2 = math.radians(a.lat), math.radians(b.lat)
    d_phi = phi2 - phi1
    d_lambda = math.radians(b.lng - a.lng)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METERS * math.asin(min(1.0, math.sqrt(h)))
