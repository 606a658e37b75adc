"""Demo data, loaded once per subgraph: `python -m shared.seed <service> [...]`.

A subgraph opts in with `subgraphs/<name>/seed.py` defining `async def seed(session) -> None`
(and optionally `SEED_VERSION: int`, bumped to load a new set). The seed runs in one
transaction together with a row in that schema's `seed_history`, under an advisory lock, so
calling this at every start, from several processes at once, loads the data exactly once.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from importlib import import_module
from typing import cast

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from shared.db import SessionFactory, create_engine, create_session_factory, transaction
from shared.locks import advisory_xact_lock
from shared.logging import configure_logging
from shared.settings import DatabaseSettings
from shared.tables import platform_tables

__all__ = ["run_seeds"]

logger = logging.getLogger("shared.seed")

SeedFunction = Callable[[AsyncSession], Awaitable[None]]


async def run_seeds(services: Sequence[str], *, database_url: str) -> dict[str, bool]:
    """Seed each service that has a seed module; return service -> whether it ran now."""
    ran: dict[str, bool] = {}
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    try:
        for service in services:
            module_name = f"subgraphs.{service}.seed"
            try:
                module = import_module(module_name)
            except ModuleNotFoundError as error:
                if error.name not in {module_name, f"subgraphs.{service}"}:
                    raise
                continue  # no demo data for this subgraph
            seed = cast("SeedFunction", module.seed)
            name = f"{module_name}:v{getattr(module, 'SEED_VERSION', 1)}"
            ran[service] = await _seed_once(
                create_session_factory(engine, service=service), service, name, seed
            )
    finally:
        await engine.dispose()
    return ran


async def _seed_once(sessions: SessionFactory, service: str, name: str, seed: SeedFunction) -> bool:
    history = platform_tables(service).seed_history
    async with transaction(sessions) as session:
        statement, params = advisory_xact_lock(f"g2a:seed:{service}")
        await session.execute(statement, params)
        done = await session.scalar(select(history.c.name).where(history.c.name == name))
        if done is not None:
            return False
        await seed(session)
        await session.execute(insert(history).values(name=name, applied_at=datetime.now(UTC)))
    return True


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.seed")
    parser.add_argument("services", nargs="+", help="subgraph names, e.g. users")
    args = parser.parse_args(argv)
    configure_logging(level="INFO", service="seed")
    ran = asyncio.run(run_seeds(args.services, database_url=DatabaseSettings().database_url))
    for service in args.services:
        outcome = (
            "no seed" if service not in ran else "loaded" if ran[service] else "already loaded"
        )
        logger.info("demo data %s", outcome, extra={"subgraph": service})


if __name__ == "__main__":
    main()
