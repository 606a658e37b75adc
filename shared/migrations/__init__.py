"""Per-subgraph Alembic migrations, applied idempotently and safely in parallel.

Each subgraph keeps `subgraphs/<name>/migrations/` (env.py delegating to `shared.migrations.env`,
and `versions/`); its tables and its `alembic_version` table live in its own schema. A
transaction-scoped advisory lock per subgraph serialises concurrent starters: the first
applies what is missing, the others then find nothing to do.

    python -m shared.migrations users [more ...]      # reads DATABASE_URL
    shared.migrations.upgrade("users", database_url)   # synchronous
"""

from __future__ import annotations

import re
import threading
from importlib.resources import files

from alembic import command
from alembic.config import Config

__all__ = ["alembic_config", "has_migrations", "upgrade"]

_ALEMBIC_IS_PROCESS_GLOBAL = threading.Lock()
_SERVICE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


def alembic_config(service: str, database_url: str) -> Config:
    """The Alembic config for one subgraph (for `command.*`, e.g. to autogenerate a revision)."""
    if not _SERVICE_NAME.fullmatch(service):
        raise ValueError(f"not a subgraph name: {service!r}")
    config = Config()
    config.set_main_option("script_location", f"subgraphs.{service}:migrations")
    config.attributes["service"] = service
    config.attributes["database_url"] = database_url
    return config


def has_migrations(service: str) -> bool:
    """Whether subgraph `service` keeps tables (a stateless subgraph has no migrations/)."""
    config = alembic_config(service, "")  # validates the name
    package = config.get_main_option("script_location", "").split(":")[0]
    try:
        return (files(package) / "migrations" / "env.py").is_file()
    except ModuleNotFoundError as error:
        raise ValueError(f"no subgraph package {package!r}") from error


def upgrade(service: str, database_url: str, revision: str = "head") -> bool:
    """Bring `service`'s schema to `revision`; False if the subgraph has no migrations.

    Blocking: call it outside an event loop (or via `asyncio.to_thread`). Alembic's `context`
    is process-global, so calls within one process take turns; across processes, the advisory
    lock in env.py does the same job.
    """
    if not has_migrations(service):
        return False
    with _ALEMBIC_IS_PROCESS_GLOBAL:
        command.upgrade(alembic_config(service, database_url), revision)
    return True
