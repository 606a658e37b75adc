"""Async SQLAlchemy plumbing: one engine per process, one Postgres schema per subgraph.

Each subgraph declares its tables on `make_metadata("<schema>")`, so every table carries its
schema explicitly (no search_path games, and cross-schema reads are visible in code).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TypeAlias

from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from shared.settings import normalise_database_url

__all__ = [
    "NAMING_CONVENTION",
    "SessionFactory",
    "create_engine",
    "create_session_factory",
    "make_metadata",
    "ping",
    "service_of",
    "transaction",
]

SessionFactory: TypeAlias = async_sessionmaker[AsyncSession]

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_N_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def make_metadata(schema: str) -> MetaData:
    """Metadata whose tables all live in `schema`, with deterministic constraint names."""
    return MetaData(schema=schema, naming_convention=NAMING_CONVENTION)


def create_engine(database_url: str, *, pool_size: int = 10, max_overflow: int = 10) -> AsyncEngine:
    return create_async_engine(
        normalise_database_url(database_url),
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_pre_ping=True,
    )


def create_session_factory(engine: AsyncEngine, *, service: str) -> SessionFactory:
    """Sessions that know which subgraph (and so which schema) they work for.

    expire_on_commit=False: resolvers read attributes after the transaction has committed.
    """
    return async_sessionmaker(engine, expire_on_commit=False, info={"service": service})


def service_of(session: AsyncSession) -> str:
    """The subgraph a session was made for (see `create_session_factory`)."""
    service = session.info.get("service")
    if not isinstance(service, str) or not service:
        raise RuntimeError("session was not made by shared.db.create_session_factory")
    return service


@asynccontextmanager
async def transaction(sessions: SessionFactory) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit when the block succeeds, roll back when it raises.

    A service may call `await session.commit()` itself before raising when a write must
    survive the failure it reports (e.g. revoking a refresh-token family on reuse).
    """
    async with sessions() as session:
        yield session
        await session.commit()


async def ping(engine: AsyncEngine) -> None:
    """Raise unless the database answers `SELECT 1`."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
