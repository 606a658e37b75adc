"""GraphQL surface of the guru subgraph. Resolvers only translate; `service` does the work.

Guru owns no entity: `nearby` and `recommendations` return references (`Place`, `Partner`,
`Theme` stubs holding only their key) that the router completes from their owners.
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, TypeAlias

import strawberry
from strawberry.federation.schema_directives import Authenticated, Cost, Key
from strawberry.federation.types import FieldSet

from shared.context import SubgraphContext
from shared.geo import GeoPointInput
from shared.pagination import CONNECTION_LIST_SIZE, PageInfo
from subgraphs.guru import service
from subgraphs.guru.models import ItemKind
from subgraphs.guru.service import GuruServices

__all__ = ["TYPES", "Mutation", "Partner", "Place", "Query", "Theme"]

GuruContext: TypeAlias = SubgraphContext[None, GuruServices]
Info: TypeAlias = strawberry.Info[GuruContext, None]


def _reference() -> list[Key]:
    return [Key(fields=FieldSet("id"), resolvable=False)]


@strawberry.federation.type(keys=_reference())
class Place:
    """A place of the atlas subgraph; referenced here by id only."""

    id: strawberry.ID


@strawberry.federation.type(keys=_reference())
class Partner:
    """A Russian-Friendly partner of the rf subgraph; referenced here by id only."""

    id: strawberry.ID


@strawberry.federation.type(keys=[Key(fields=FieldSet("slug"), resolvable=False)])
class Theme:
    """A theme of the atlas subgraph; referenced here by slug only."""

    slug: str


@strawberry.enum(description="What `nearby` can find.")
class NearbyKind(Enum):
    PLACE = "PLACE"
    PARTNER = "PARTNER"


NearbyItem = Annotated[Place | Partner, strawberry.union("NearbyItem")]


_ITEM_TYPES: dict[ItemKind, type[Place] | type[Partner]] = {
    ItemKind.PLACE: Place,
    ItemKind.PARTNER: Partner,
}


def _item(kind: ItemKind, entity_id: str) -> Place | Partner:
    """The reference the router completes from the owner (only exposed kinds are queried)."""
    return _ITEM_TYPES[kind](id=strawberry.ID(entity_id))


@strawberry.type
class NearbyResult:
    distance_meters: float = strawberry.field(description="Great-circle distance, metres.")
    kind: NearbyKind
    item: NearbyItem | None = strawberry.field(
        description="Completed by its owning subgraph; null if the owner no longer has it."
    )


@strawberry.type
class NearbyEdge:
    cursor: str
    node: NearbyResult


@strawberry.type
class NearbyConnection:
    edges: list[NearbyEdge]
    page_info: PageInfo


@strawberry.type
class Recommendation:
    score: float = strawberry.field(description="Higher is better; comparable within a list.")
    place: Place
    matched_themes: list[Theme] = strawberry.field(
        description="The caller's themes this place shares."
    )


@strawberry.type
class RecommendationEdge:
    cursor: str
    node: Recommendation


@strawberry.type
class RecommendationConnection:
    edges: list[RecommendationEdge]
    page_info: PageInfo


async def resolve_nearby(
    info: Info,
    *,
    location: GeoPointInput,
    radius_meters: int,
    kinds: list[NearbyKind] | None = None,
    first: int = 20,
    after: str | None = None,
) -> NearbyConnection:
    async with info.context.sessions() as session:
        page = await service.nearby(
            session,
            services=info.context.services,
            location=location,
            radius_meters=radius_meters,
            kinds=None if kinds is None else [ItemKind(kind.value) for kind in kinds],
            first=first,
            after=after,
        )
    edges = [
        NearbyEdge(
            cursor=hit.cursor,
            node=NearbyResult(
                distance_meters=hit.distance_meters,
                kind=NearbyKind(hit.kind.value),
                item=_item(hit.kind, str(hit.entity_id)),
            ),
        )
        for hit in page.hits
    ]
    return NearbyConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page, end_cursor=edges[-1].cursor if edges else None
        ),
    )


async def resolve_recommendations(
    info: Info, first: int = 20, after: str | None = None
) -> RecommendationConnection:
    async with info.context.sessions() as session:
        page = await service.recommendations(
            session, identity=info.context.identity, first=first, after=after
        )
    edges = [
        RecommendationEdge(
            cursor=service.recommendation_cursor(page.offset + index),
            node=Recommendation(
                score=item.score,
                place=Place(id=strawberry.ID(str(item.place_id))),
                matched_themes=[Theme(slug=slug) for slug in item.themes],
            ),
        )
        for index, item in enumerate(page.items)
    ]
    return RecommendationConnection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page, end_cursor=edges[-1].cursor if edges else None
        ),
    )


@strawberry.type
class Query:
    nearby: NearbyConnection = strawberry.field(
        resolver=resolve_nearby,
        directives=[Cost(weight=5), CONNECTION_LIST_SIZE],
        description=(
            "Places and partners within `radiusMeters` (1..50000 by default) of `location`, "
            "nearest first; `kinds` defaults to all; `first` is 1..100."
        ),
    )
    recommendations: RecommendationConnection = strawberry.field(
        resolver=resolve_recommendations,
        directives=[Authenticated(), CONNECTION_LIST_SIZE],
        description=(
            "Places for the signed-in user, ranked by the themes of the places they viewed "
            "(see `recordPlaceView`); empty until they have viewed one. `first` is 1..100."
        ),
    )


@strawberry.input
class RecordPlaceViewInput:
    place_id: strawberry.ID


@strawberry.type
class RecordPlaceViewPayload:
    place: Place
    views: int = strawberry.field(description="How often the caller has viewed this place.")


InputArg = strawberry.argument(name="input")


async def resolve_record_place_view(
    info: Info, input_: Annotated[RecordPlaceViewInput, InputArg]
) -> RecordPlaceViewPayload:
    async with info.context.transaction() as session:
        views = await service.record_place_view(
            session, identity=info.context.identity, place_id=str(input_.place_id)
        )
    return RecordPlaceViewPayload(place=Place(id=input_.place_id), views=views)


@strawberry.type
class Mutation:
    record_place_view: RecordPlaceViewPayload = strawberry.mutation(
        resolver=resolve_record_place_view,
        directives=[Authenticated()],
        description="Note that the caller opened a place (feeds `recommendations`).",
    )


TYPES: tuple[type, ...] = (Place, Partner, Theme)
