"""`uvicorn --factory subgraphs.guru.app:create_app`

Guru resolves no entity by reference (it returns references to other subgraphs' entities),
so it has no DataLoaders: `build_loaders` gives every request `None`.
"""

from __future__ import annotations

from fastapi import FastAPI

from shared.app import create_subgraph_app
from shared.db import SessionFactory
from shared.events import Transport
from subgraphs.guru.events import consumers
from subgraphs.guru.schema import TYPES, Mutation, Query
from subgraphs.guru.service import GuruServices
from subgraphs.guru.settings import GuruSettings

__all__ = ["create_app"]


def _no_loaders(_sessions: SessionFactory) -> None:
    return None


def create_app(
    settings: GuruSettings | None = None, *, transport: Transport | None = None
) -> FastAPI:
    settings = settings or GuruSettings()
    return create_subgraph_app(
        settings=settings,
        query=Query,
        mutation=Mutation,
        types=TYPES,
        build_loaders=_no_loaders,
        services=GuruServices(max_radius_meters=settings.nearby_max_radius_meters),
        consumers=consumers,
        transport=transport,
    )
