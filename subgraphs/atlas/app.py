"""`uvicorn --factory subgraphs.atlas.app:create_app`"""

from __future__ import annotations

from fastapi import FastAPI

from shared.app import create_subgraph_app
from shared.events import Transport
from subgraphs.atlas.events import consumers
from subgraphs.atlas.loaders import AtlasLoaders
from subgraphs.atlas.schema import TYPES, Mutation, Query
from subgraphs.atlas.settings import AtlasSettings

__all__ = ["create_app"]


def create_app(
    settings: AtlasSettings | None = None, *, transport: Transport | None = None
) -> FastAPI:
    return create_subgraph_app(
        settings=settings or AtlasSettings(),
        query=Query,
        mutation=Mutation,
        types=TYPES,
        build_loaders=AtlasLoaders.build,
        consumers=consumers,
        transport=transport,
    )
