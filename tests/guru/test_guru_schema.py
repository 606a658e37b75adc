"""guru's migrations build exactly what its models declare; its consumers match the topology."""

from __future__ import annotations

import warnings

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from shared.events import consumed_by
from shared.tables import platform_tables
from subgraphs.guru import models
from subgraphs.guru.events import consumers


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection,
        opts={
            "include_schemas": True,
            "include_name": lambda name, type_, _parent: (
                name == "guru" if type_ == "schema" else name != "alembic_version"
            ),
            "compare_type": True,
        },
    )
    with warnings.catch_warnings():
        # Reflection does not know the extension type `cube`; the model declares it.
        warnings.filterwarnings("ignore", message="Did not recognize type 'cube'")
        return list(compare_metadata(context, [models.metadata, platform_tables("guru").metadata]))


async def test_models_match_the_migrated_schema(guru_database: str) -> None:
    engine = create_async_engine(guru_database)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_diff)
    finally:
        await engine.dispose()
    assert differences == []


def test_guru_handles_exactly_the_events_routed_to_it() -> None:
    assert consumers.event_types == consumed_by("guru")
    assert {"place_created", "place_updated", "partner_verified"} <= consumers.event_types


def test_the_nearby_kinds_are_exactly_the_kinds_the_union_can_return() -> None:
    from subgraphs.guru.schema import _ITEM_TYPES, NearbyKind
    from subgraphs.guru.service import EXPOSED_KINDS

    assert {kind.value for kind in NearbyKind} == {kind.value for kind in EXPOSED_KINDS}
    assert set(_ITEM_TYPES) == set(EXPOSED_KINDS)
