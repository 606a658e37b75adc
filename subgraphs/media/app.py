"""`uvicorn --factory subgraphs.media.app:create_app`"""

from __future__ import annotations

from fastapi import FastAPI

from shared.app import create_subgraph_app
from shared.events import Transport
from subgraphs.media.events import consumers
from subgraphs.media.loaders import MediaLoaders
from subgraphs.media.schema import ArticleType, City, Mutation, Place, Query, RubricType
from subgraphs.media.settings import MediaSettings

__all__ = ["create_app"]


def create_app(
    settings: MediaSettings | None = None, *, transport: Transport | None = None
) -> FastAPI:
    settings = settings or MediaSettings()
    return create_subgraph_app(
        settings=settings,
        query=Query,
        mutation=Mutation,
        types=[ArticleType, RubricType, Place, City],
        build_loaders=MediaLoaders.build,
        consumers=consumers,
        transport=transport,
    )
