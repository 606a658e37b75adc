"""Geographic points in the API: `GeoPoint { lat lng }` (output) and `GeoPointInput` (input).

Every subgraph that exposes a location uses these two types, so the graph has one
`GeoPoint`: it is `@shareable` (a value type defined identically by several subgraphs).
Inputs are validated with `clean_geo_point`, which raises ValueError with a client-safe
reason, so it plugs into `shared.validation.FieldCheck` like every other cleaner:

    check = FieldCheck()
    lat, lng = check("location", clean_geo_point, (data.location.lat, data.location.lng))
    check.done()

`haversine_meters` is the great-circle distance on the mean Earth sphere (IUGG, 6 371 008.8 m),
the same formula the geo-indexed SQL uses, so Python and SQL agree on distances.
"""

from __future__ import annotations

import math

import strawberry

__all__ = [
    "EARTH_RADIUS_METERS",
    "GeoPoint",
    "GeoPointInput",
    "clean_geo_point",
    "haversine_meters",
]

EARTH_RADIUS_METERS = 6_371_008.8


@strawberry.federation.type(shareable=True, description="A WGS-84 position in degrees.")
class GeoPoint:
    lat: float = strawberry.field(description="Latitude, -90..90.")
    lng: float = strawberry.field(description="Longitude, -180..180.")


@strawberry.input(description="A WGS-84 position in degrees (lat -90..90, lng -180..180).")
class GeoPointInput:
    lat: float
    lng: float


def clean_geo_point(value: tuple[float, float]) -> tuple[float, float]:
    """`(lat, lng)` when both are finite and in range; ValueError otherwise."""
    lat, lng = value
    if not (math.isfinite(lat) and math.isfinite(lng)):
        raise ValueError("lat and lng must be finite numbers")
    if not -90.0 <= lat <= 90.0:
        raise ValueError("lat must be between -90 and 90")
    if not -180.0 <= lng <= 180.0:
        raise ValueError("lng must be between -180 and 180")
    return lat, lng


def haversine_meters(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres between two points given in degrees."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lng2 - lng1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_METERS * math.asin(min(1.0, math.sqrt(a)))
