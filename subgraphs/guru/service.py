"""The guru domain: the geo index (written by events), `nearby`, views and recommendations.

Every function is async and keyword-only after the session; the caller owns the transaction.

`nearby` is one statement over the GiST index of `geo_items.position` (each item as a point
on the unit sphere): a KNN scan nearest-first inside the cube around the circle stops after
one page, then the rows within that page's reach are sorted with their tie-breakers (see
`nearby_statement`). The chord through the sphere orders exactly like the great-circle
distance, which is `2R·asin(chord/2)` (equal to `shared.geo.haversine_meters`). Pages are
keyset on (chord, kind, id), so a cursor is stable while the index changes.
"""

from __future__ import annotations

import functools
import math
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Double,
    Integer,
    Select,
    String,
    Uuid,
    and_,
    bindparam,
    cast,
    func,
    literal,
    select,
    tuple_,
)
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import BadUserInput, NotFound
from shared.geo import EARTH_RADIUS_METERS, GeoPointInput, LatLng, clean_geo_point
from shared.identity import Identity, require_authenticated
from shared.pagination import MAX_PAGE_SIZE, decode_cursor, encode_cursor, page_size
from shared.validation import FieldCheck
from subgraphs.guru.models import Cube, GeoItem, ItemKind, PlaceView

__all__ = [
    "EXPOSED_KINDS",
    "GuruServices",
    "NearbyHit",
    "NearbyPage",
    "Recommendation",
    "RecommendationPage",
    "chord_of",
    "index_item",
    "nearby",
    "nearby_statement",
    "recommendations",
    "record_place_view",
    "unit_vector",
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
    #: The straight-line distance through the unit sphere: the exact sort key.
    chord: float

    @property
    def cursor(self) -> str:
        # repr() round-trips a float exactly, so the next page resumes at the same row.
        return encode_cursor(repr(self.chord), self.kind.value, str(self.entity_id))


@dataclass(frozen=True, slots=True)
class NearbyPage:
    hits: Sequence[NearbyHit]
    has_next_page: bool


@dataclass(frozen=True, slots=True)
class NearbyPosition:
    """A decoded `nearby` cursor: the last row a client saw, in sort order."""

    chord: float
    kind: str
    entity_id: uuid.UUID


def _decode_nearby_cursor(cursor: str) -> NearbyPosition:
    values = decode_cursor(cursor)
    try:
        chord, kind, entity_id = values
        position = NearbyPosition(
            chord=float(str(chord)),
            kind=ItemKind(str(kind)).value,
            entity_id=uuid.UUID(str(entity_id)),
        )
    except ValueError as error:
        raise BadUserInput({"after": "not a valid cursor"}) from error
    if not (math.isfinite(position.chord) and 0.0 <= position.chord <= 2.0):
        raise BadUserInput({"after": "not a valid cursor"})
    return position


def unit_vector(point: LatLng) -> tuple[float, float, float]:
    """The point on the unit sphere (the same formula as `models.UNIT_VECTOR`)."""
    lat, lng = math.radians(point.lat), math.radians(point.lng)
    return (math.cos(lat) * math.cos(lng), math.cos(lat) * math.sin(lng), math.sin(lat))


def chord_of(meters: float) -> float:
    """The unit-sphere chord spanning a great-circle distance."""
    return 2.0 * math.sin(min(meters / EARTH_RADIUS_METERS, math.pi) / 2.0)


def _cube_text(point: tuple[float, float, float]) -> str:
    """A zero-volume cube at `point` in `cube`'s text form (repr round-trips floats)."""
    x, y, z = point
    return f"({x!r}, {y!r}, {z!r})"


@functools.cache
def _nearby_statement(*, paged: bool) -> Select[tuple[str, uuid.UUID, float, float]]:
    """Built once per shape (building SQLAlchemy constructs costs more than running them);
    every value is a bound parameter, see `nearby_statement`."""
    origin = cast(bindparam("origin", type_=String), Cube())
    reach = bindparam("reach", type_=Double)
    limit = bindparam("limit", type_=Integer)
    chord = GeoItem.position.op("<->", return_type=Double)(origin)
    conditions: list[ColumnElement[bool]] = [
        GeoItem.kind.in_(bindparam("kinds", expanding=True)),
        chord <= reach,
    ]
    if paged:
        conditions.append(
            tuple_(chord, GeoItem.kind, GeoItem.entity_id)
            > tuple_(
                bindparam("after_chord", type_=Double),
                bindparam("after_kind", type_=String),
                bindparam("after_id", type_=Uuid),
            )
        )
    within = GeoItem.position.op("<@", return_type=Boolean)
    nearest = (
        select(chord.label("chord"))
        .where(within(func.cube_enlarge(origin, reach, 3, type_=Cube())), *conditions)
        .order_by(chord)
        .limit(limit)
        .subquery("nearest")
    )
    page_reach = (
        select(func.max(nearest.c.chord).label("reach"))
        .having(func.count() > 0)  # no row at all when nothing is in reach
        .cte("page_reach")
    )
    page_box = func.cube_enlarge(origin, page_reach.c.reach, 3, type_=Cube())
    meters = 2 * EARTH_RADIUS_METERS * func.asin(func.least(1.0, chord * 0.5))
    return (
        select(GeoItem.kind, GeoItem.entity_id, meters.label("distance"), chord.label("chord"))
        .select_from(page_reach)
        .join(GeoItem, within(page_box))
        .where(*conditions)
        .order_by(chord, GeoItem.kind, GeoItem.entity_id)
        .limit(limit)
    )


def nearby_statement(
    center: LatLng,
    radius_meters: float,
    kinds: Sequence[ItemKind],
    *,
    limit: int,
    after: NearbyPosition | None = None,
) -> tuple[Select[tuple[str, uuid.UUID, float, float]], dict[str, Any]]:
    """The one statement behind `nearby` and its parameters (public for EXPLAIN in
    benchmarks/nearby.py): up to `limit + 1` rows, nearest first.

    Two GiST-indexed steps. `page_reach`: a KNN scan (`ORDER BY position <-> origin`) walks
    the index nearest-first inside the cube around the circle and stops after `limit + 1`
    rows; the farthest of them bounds the page. The page itself is then every row within
    that (small) reach, sorted by (chord, kind, id), so equal distances (a partner at a
    place) still page deterministically. Both steps read about one page of rows.
    """
    values: dict[str, Any] = {
        "origin": _cube_text(unit_vector(center)),
        "reach": chord_of(radius_meters),
        "limit": limit + 1,
        "kinds": [kind.value for kind in kinds],
    }
    if after is not None:
        values |= {
            "after_chord": after.chord,
            "after_kind": after.kind,
            "after_id": after.entity_id,
        }
    return _nearby_statement(paged=after is not None), values


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
    statement, values = nearby_statement(center, radius, wanted, limit=limit, after=position)
    rows = (await session.execute(statement, values)).all()
    hits = [
        NearbyHit(
            kind=ItemKind(row.kind),
            entity_id=row.entity_id,
            distance_meters=row.distance,
            chord=row.chord,
        )
        for row in rows[:limit]
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
