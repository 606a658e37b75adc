"""The body of every subgraph's `migrations/env.py` (which calls `run_migrations()`)."""

from __future__ import annotations

import asyncio
from importlib import import_module

from alembic import context
from sqlalchemy import MetaData, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from shared.locks import advisory_xact_lock
from shared.settings import normalise_database_url
from shared.tables import platform_tables

__all__ = ["run_migrations"]


def run_migrations() -> None:
    config = context.config
    service: str = config.attributes["service"]
    database_url: str = config.attributes["database_url"]
    if context.is_offline_mode():
        raise RuntimeError("offline (SQL script) migrations are not supported")
    domain_metadata: MetaData = import_module(f"subgraphs.{service}.models").metadata
    asyncio.run(_run(service, database_url, [domain_metadata, platform_tables(service).metadata]))


async def _run(service: str, database_url: str, metadata: list[MetaData]) -> None:
    engine = create_async_engine(normalise_database_url(database_url), poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_migrate, service, metadata)
            await connection.commit()
    finally:
        await engine.dispose()


def _migrate(connection: Connection, service: str, metadata: list[MetaData]) -> None:
    # One transaction: lock, create the schema, compare versions, migrate, commit.
    # Concurrent starters queue on the lock and then find the schema up to date.
    statement, params = advisory_xact_lock(f"g2a:migrate:{service}")
    connection.execute(statement, params)
    connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{service}"'))
    context.configure(
        connection=connection,
        target_metadata=metadata,
        version_table_schema=service,
        include_schemas=True,
        include_name=lambda name, type_, _parent: type_ != "schema" or name == service,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
