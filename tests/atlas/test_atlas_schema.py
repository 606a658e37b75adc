"""atlas's migrations build exactly what its models declare."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shared.tables import platform_tables
from subgraphs.atlas import models


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection,
        opts={
            "include_schemas": True,
            "include_name": lambda name, type_, _parent: (
                name == "atlas" if type_ == "schema" else name != "alembic_version"
            ),
            "compare_type": True,
        },
    )
    return list(compare_metadata(context, [models.metadata, platform_tables("atlas").metadata]))


async def test_models_match_the_migrated_schema(atlas_database: str) -> None:
    engine = create_async_engine(atlas_database)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_diff)
    finally:
        await engine.dispose()
    assert differences == []
