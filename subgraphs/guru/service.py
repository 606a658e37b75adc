"""The guru domain: the geo index (written by events), `nearby`, views and recommendations.

Every function is async and keyword-only after the session; the caller owns the transaction.

`nearby` is one statement: a bounding box around the circle selects candidates through the
B-tree on (lat, lng); the exact great-circle distance (haversine, the same formula as
`shared.geo.haversine_meters`) keeps those inside the radius and orders them. Pages are
keyset on (distance, kind, id), so a cursor is stable while the index changes.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, func, literal, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import BadUserInput, NotFound
from shared.geo import EARTH_RADIUS_METERS, GeoPointInput, LatLng, clean_geo_point
from shared.identity import Identity, require_authenticated
from shared.pagination import MAX_PAGE_SIZE, decode_cursor, encode_cursor, page_size
from shared.validation import FieldCheck
from subgraphs.guru.models import GeoItem, ItemKind, PlaceView

__all__ = [
    "EXPOSED_KINDS",
    "GuruServices",
    "NearbyHit",
    "NearbyPage",
    "Recommendation",
    "RecommendationPage",
    "index_item",
    "nearby",
    "recommendations",
    "record_place_view",
]

#: Kinds `nearby` can return today: their owners are in the supergraph. EVENT and PROPERTY
#: rows are indexed already and join the union when pulse and rielt exist.
EXPOSED_KINDS: tuple[ItemKind, ...] = (ItemKind.PLACE, ItemKind.PARTNER)


@dataclass(frozen=True, slots=True)
class GuruServices:
    """Long-lived configuration the service functions need (one per process)."""

    max_radius_meters: int


# -- the index (event handlers and the seed write it) -------------------------------------


async def index_item(
    session: AsyncSession,
    *,
    kind: ItemKind,
    entity_id: uuid.UUID,
    location: LatLng,
    themes: Sequence[str] = (),
    source_at: datetime,
) -> bool:
    """Insert or move one item; a state older than the indexed one changes nothing.

    Returns whether the row was written. Redelivered or reordered events are harmless:
    the inbox drops exact duplicates, and `source_at` drops stale states.
    """
    statement = insert(GeoItem).values(
        kind=kind.value,
        entity_id=entity_id,
        lat=location.lat,
        lng=location.lng,
        themes=list(themes),
        source_at=source_at,
    )
    upsert = statement.on_conflict_do_update(
        index_elements=[GeoItem.kind, GeoItem.entity_id],
        set_={
            "lat": statement.excluded.lat,
            "lng": statement.excluded.lng,
            "themes": statement.excluded.themes,
            "source_at": statement.excluded.source_at,
        },
        where=GeoItem.source_at < statement.excluded.source_at,
    ).returning(GeoItem.entity_id)
    return (await session.execute(upsert)).first() is not None


# -- nearby -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NearbyHit:
    kind: ItemKind
    entity_id: uuid.UUID
    distance_meters: float

    @property
    def cursor(self) -> str:
        # repr() round-trips a float exactly, so the next page resumes at the same row.
        return encode_cursor(repr(self.distance_meters), self.kind.value, str(self.entity_id))


@dataclass(frozen=True, slots=True)
class NearbyPage:
    hits: Sequence[NearbyHit]
    has_next_page: bool


def _decode_nearby_cursor(cursor: str) -> tuple[float, str, uuid.UUID]:
    values = decode_cursor(cursor)
    try:
        distance, kind, entity_id = values
        position = float(str(distance)), ItemKind(str(kind)).value, uuid.UUID(str(entity_id))
    except ValueError as error:
        raise BadUserInput({"after": "not a valid cursor"}) from error
    if not math.isfinite(position[0]):
        raise BadUserInput({"after": "not a valid cursor"})
    return position


def _bounding_box(center: LatLng, radius_meters: float) -> ColumnElement[bool]:
    """Rows within the box around the circle (never misses a point inside the circle)."""
    d_lat = math.degrees(radius_meters / EARTH_RADIUS_METERS)
    south, north = center.lat - d_lat, center.lat + d_lat
    in_lat = GeoItem.lat.between(max(south, -90.0), min(north, 90.0))
    widest = max(abs(south), abs(north))
    if widest >= 90.0:  # the circle reaches a pole: every longitude
        return in_lat
    d_lng = math.degrees(radius_meters / (EARTH_RADIUS_METERS * math.cos(math.radians(widest))))
    if d_lng >= 180.0:
        return in_lat
    west, east = center.lng - d_lng, center.lng + d_lng
    if west < -180.0:  # the box crosses the antimeridian: two longitude ranges
        in_lng = or_(GeoItem.lng >= west + 360.0, GeoItem.lng <= east)
    elif east > 180.0:
        in_lng = or_(GeoItem.lng >= west, GeoItem.lng <= east - 360.0)
    else:
        in_lng = GeoItem.lng.between(west, east)
    return and_(in_lat, in_lng)


def _distance_meters(center: LatLng) -> ColumnElement[float]:
    """Haversine distance from `center` to each row, in SQL."""
    lat0 = math.radians(center.lat)
    half_d_lat = (func.radians(GeoItem.lat) - lat0) / 2
    half_d_lng = (func.radians(GeoItem.lng) - math.radians(center.lng)) / 2
    h = func.power(func.sin(half_d_lat), 2) + math.cos(lat0) * func.cos(
        func.radians(GeoItem.lat)
    ) * func.power(func.sin(half_d_lng), 2)
    distance: ColumnElement[float] = (
        2 * EARTH_RADIUS_METERS * func.asin(func.least(1.0, func.sqrt(h)))
    )
    return distance


def _clean_first(value: int) -> int:
    """`first` for FieldCheck (shared.pagination.page_size raises BadUserInput itself)."""
    if not 1 <= value <= MAX_PAGE_SIZE:
        raise ValueError(f"must be between 1 and {MAX_PAGE_SIZE}")
    return value


async def nearby(
    session: AsyncSession,
    *,
    services: GuruServices,
    location: GeoPointInput,
    radius_meters: int,
    kinds: Sequence[ItemKind] | None,
    first: int,
    after: str | None,
) -> NearbyPage:
    """Indexed items within `radius_meters` of `location`, nearest first."""
    check = FieldCheck()
    center: LatLng = check("location", clean_geo_point, location)
    max_radius = services.max_radius_meters

    def clean_radius(value: int) -> int:
        if not 1 <= value <= max_radius:
            raise ValueError(f"must be between 1 and {max_radius}")
        return value

    radius = check("radiusMeters", clean_radius, radius_meters)
    limit = check("first", _clean_first, first)
    wanted = EXPOSED_KINDS if kinds is None else tuple(dict.fromkeys(kinds))
    if not wanted:
        check.errors["kinds"] = "must name at least one kind (or be omitted)"
    check.done()
    position = _decode_nearby_cursor(after) if after is not None else None

    distance = _distance_meters(center).label("distance")
    candidates = (
        select(GeoItem.kind, GeoItem.entity_id, distance)
        .where(_bounding_box(center, radius), GeoItem.kind.in_([kind.value for kind in wanted]))
        .subquery()
    )
    conditions: list[ColumnElement[bool]] = [candidates.c.distance <= radius]
    if position is not None:
        conditions.append(
            tuple_(candidates.c.distance, candidates.c.kind, candidates.c.entity_id)
            > tuple_(literal(position[0]), literal(position[1]), literal(position[2]))
        )
    statement = (
        select(candidates.c.kind, candidates.c.entity_id, candidates.c.distance)
        .where(*conditions)
        .order_by(candidates.c.distance, candidates.c.kind, candidates.c.entity_id)
        .limit(limit + 1)
    )
    rows = (await session.execute(statement)).all()
    hits = [
        NearbyHit(kind=ItemKind(kind), entity_id=entity_id, distance_meters=distance_meters)
        for kind, entity_id, distance_meters in rows[:limit]
    ]
    return NearbyPage(hits=hits, has_next_page=len(rows) > limit)


# -- views and recommendations ------------------------------------------------------------


async def record_place_view(session: AsyncSession, *, identity: Identity, place_id: str) -> int:
    """Count one view of an indexed place by the caller; returns their views of it."""
    user_id = uuid.UUID(require_authenticated(identity))
    try:
        place = uuid.UUID(place_id)
    except ValueError:
        raise NotFound("No such place.") from None
    known = await session.scalar(
        select(GeoItem.entity_id).where(
            GeoItem.kind == ItemKind.PLACE.value, GeoItem.entity_id == place
        )
    )
    if known is None:
        raise NotFound("No such place.")
    now = datetime.now(UTC)
    statement = insert(PlaceView).values(
        user_id=user_id, place_id=place, views=1, last_viewed_at=now
    )
    upsert = statement.on_conflict_do_update(
        index_elements=[PlaceView.user_id, PlaceView.place_id],
        set_={"views": PlaceView.views + 1, "last_viewed_at": now},
    ).returning(PlaceView.views)
    views: int = (await session.execute(upsert)).scalar_one()
    return views


@dataclass(frozen=True, slots=True)
class Recommendation:
    place_id: uuid.UUID
    score: float
    themes: Sequence[str]


@dataclass(frozen=True, slots=True)
class RecommendationPage:
    items: Sequence[Recommendation]
    offset: int
    has_next_page: bool


def recommendation_cursor(offset: int) -> str:
    return encode_cursor("recommendations", offset)


def _recommendation_offset(after: str | None) -> int:
    if after is None:
        return 0
    values = decode_cursor(after)
    if len(values) != 2 or values[0] != "recommendations" or not isinstance(values[1], int):
        raise BadUserInput({"after": "not a valid cursor"})
    if values[1] < 0:
        raise BadUserInput({"after": "not a valid cursor"})
    return values[1] + 1


async def recommendations(
    session: AsyncSession, *, identity: Identity, first: int, after: str | None
) -> RecommendationPage:
    """Places the caller has not opened, ranked by the themes of the places they have.

    A theme's weight is the caller's view count over places carrying it; a place scores the
    sum of its themes' weights (ties: id). No history, no recommendations. One statement.
    """
    user_id = uuid.UUID(require_authenticated(identity))
    limit = page_size(first)
    offset = _recommendation_offset(after)
    place = ItemKind.PLACE.value
    viewed = select(PlaceView.place_id, PlaceView.views).where(PlaceView.user_id == user_id).cte()
    viewed_theme = (
        func.unnest(GeoItem.themes).table_valued("theme").render_derived(name="viewed_theme")
    )
    taste = (
        select(viewed_theme.c.theme, func.sum(viewed.c.views).label("weight"))
        .select_from(GeoItem)
        .join(viewed, and_(GeoItem.kind == place, GeoItem.entity_id == viewed.c.place_id))
        .join(viewed_theme, literal(True))
        .group_by(viewed_theme.c.theme)
        .cte()
    )
    item_theme = func.unnest(GeoItem.themes).table_valued("theme").render_derived(name="item_theme")
    score = func.sum(taste.c.weight).label("score")
    statement = (
        select(GeoItem.entity_id, score, func.array_agg(taste.c.theme).label("themes"))
        .select_from(GeoItem)
        .join(item_theme, literal(True))
        .join(taste, taste.c.theme == item_theme.c.theme)
        .where(
            GeoItem.kind == place,
            GeoItem.entity_id.not_in(select(viewed.c.place_id)),
        )
        .group_by(GeoItem.entity_id)
        .order_by(score.desc(), GeoItem.entity_id)
        .offset(offset)
        .limit(limit + 1)
    )
    rows = (await session.execute(statement)).all()
    items = [
        Recommendation(place_id=entity_id, score=float(total), themes=sorted(themes))
        for entity_id, total, themes in rows[:limit]
    ]
    return RecommendationPage(items=items, offset=offset, has_next_page=len(rows) > limit)
