"""Migrations and demo data: idempotent, safe when several processes start at once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Awaitable, Callable

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, text
from sqlalchemy.ext.asyncio import create_async_engine

from shared.migrations import has_migrations, upgrade
from shared.seed import run_seeds
from shared.settings import REPO_ROOT
from shared.tables import platform_tables
from subgraphs.users import models
from subgraphs.users.seed import DEMO_ACCOUNTS

MakeDatabase = Callable[..., Awaitable[str]]


async def fetch(url: str, sql: str) -> list[tuple[object, ...]]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(sql))]
    finally:
        await engine.dispose()


async def test_upgrade_twice_is_a_no_op_and_keeps_everything_in_the_service_schema(
    make_database: MakeDatabase,
) -> None:
    url = await make_database()
    await asyncio.to_thread(upgrade, "users", url)
    await asyncio.to_thread(upgrade, "users", url)

    tables = await fetch(
        url,
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 2",
    )
    assert tables == [
        ("users", name)
        for name in sorted(
            [
                "alembic_version",
                "outbox",
                "outbox_delivery",
                "processed_events",
                "refresh_tokens",
                "seed_history",
                "users",
            ]
        )
    ]
    assert await fetch(url, "SELECT version_num FROM users.alembic_version") == [("0001",)]


async def test_concurrent_upgrades_in_threads_all_succeed(make_database: MakeDatabase) -> None:
    url = await make_database()
    await asyncio.gather(*(asyncio.to_thread(upgrade, "users", url) for _ in range(4)))
    assert await fetch(url, "SELECT version_num FROM users.alembic_version") == [("0001",)]


@pytest.mark.slow
async def test_concurrent_migration_commands_in_separate_processes_all_succeed(
    make_database: MakeDatabase,
) -> None:
    url = await make_database()
    env = os.environ | {"DATABASE_URL": url.replace("postgresql+asyncpg://", "postgresql://")}

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "shared.migrations", "users"],
            cwd=REPO_ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    results = await asyncio.gather(*(asyncio.to_thread(run) for _ in range(3)))

    assert [result.returncode for result in results] == [0, 0, 0], [r.stderr for r in results]
    assert await fetch(url, "SELECT version_num FROM users.alembic_version") == [("0001",)]


def _diff(connection: Connection) -> list[object]:
    context = MigrationContext.configure(
        connection,
        opts={
            "include_schemas": True,
            "include_name": lambda name, type_, _parent: (
                name == "users" if type_ == "schema" else name != "alembic_version"
            ),
            "compare_type": True,
        },
    )
    return list(compare_metadata(context, [models.metadata, platform_tables("users").metadata]))


async def test_models_match_the_migrated_schema(database_url: str) -> None:
    engine = create_async_engine(database_url)
    try:
        async with engine.connect() as connection:
            differences = await connection.run_sync(_diff)
    finally:
        await engine.dispose()
    assert differences == []


async def test_seed_runs_once_even_when_started_concurrently(make_database: MakeDatabase) -> None:
    url = await make_database("users")

    outcomes = await asyncio.gather(*(run_seeds(["users"], database_url=url) for _ in range(3)))
    again = await run_seeds(["users", "atlas_without_seed"], database_url=url)

    assert sorted(outcome["users"] for outcome in outcomes) == [False, False, True]
    assert again == {"users": False}
    rows = await fetch(url, "SELECT email, role FROM users.users ORDER BY email")
    assert rows == sorted((email, role.value) for email, _name, role, _locale in DEMO_ACCOUNTS)


def test_stateless_subgraphs_have_nothing_to_migrate_and_typos_fail() -> None:
    assert has_migrations("users") is True
    with pytest.raises(ValueError, match="subgraph"):
        upgrade("no_such_subgraph", "postgresql://unused")
    with pytest.raises(ValueError, match="not a subgraph name"):
        upgrade("users; DROP SCHEMA users", "postgresql://unused")
