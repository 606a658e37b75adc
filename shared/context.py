"""The per-request GraphQL context every resolver receives as `info.context`."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Generic, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.fastapi import BaseContext

from shared.db import SessionFactory, transaction
from shared.identity import Identity

__all__ = ["SubgraphContext"]

LoadersT = TypeVar("LoadersT")
ServicesT = TypeVar("ServicesT")


class SubgraphContext(BaseContext, Generic[LoadersT, ServicesT]):
    """Caller identity, request id, this request's DataLoaders, the subgraph's long-lived
    services (e.g. a password hasher), and a way to open transactions.

    Resolvers stay thin: `async with info.context.transaction() as session:` then call the
    service. Loaders are built fresh for each request, so their caches never leak between
    callers.
    """

    def __init__(
        self,
        *,
        identity: Identity,
        request_id: str,
        sessions: SessionFactory,
        loaders: LoadersT,
        services: ServicesT,
    ) -> None:
        super().__init__()
        self.identity = identity
        self.request_id = request_id
        self.sessions = sessions
        self.loaders = loaders
        self.services = services

    def transaction(self) -> AbstractAsyncContextManager[AsyncSession]:
        return transaction(self.sessions)
