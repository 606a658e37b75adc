"""`uvicorn --factory subgraphs.rf.app:create_app`"""

from __future__ import annotations

from fastapi import FastAPI

from shared.app import create_subgraph_app
from shared.events import Transport
from subgraphs.rf.events import consumers
from subgraphs.rf.loaders import RfLoaders
from subgraphs.rf.schema import Mutation, PartnerType, Place, Query, VoucherType
from subgraphs.rf.settings import RfSettings

__all__ = ["create_app"]


def create_app(
    settings: RfSettings | None = None, *, transport: Transport | None = None
) -> FastAPI:
    settings = settings or RfSettings()
    return create_subgraph_app(
        settings=settings,
        query=Query,
        mutation=Mutation,
        types=[PartnerType, VoucherType, Place],
        build_loaders=RfLoaders.build,
        consumers=consumers,
        transport=transport,
    )
