"""The dev runner's own settings, read from the environment (and overridable from the CLI).

The variables the services themselves read (DATABASE_URL, JWT_*, ...) are documented in
docs/configuration.md; these are the runner's, documented in docs/dev-runner.md.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DevSettings"]


class DevSettings(BaseSettings):
    """Where the runner keeps its state and which ports it binds."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    #: An external PostgreSQL to use; unset means "start the embedded one".
    database_url: str | None = None
    #: The router's port (before DEV_PORT_OFFSET).
    router_port: int = Field(default=4000, ge=1, le=65535)
    #: Added to every port the runner binds (subgraphs and router); lets a second stack,
    #: or the end-to-end test, run beside the default one.
    dev_port_offset: int = Field(default=0, ge=0, le=60000)
    #: The embedded PostgreSQL's data directory (git-ignored).
    dev_pgdata: Path = Path(".pgdata")
    #: The embedded PostgreSQL's TCP port on 127.0.0.1; 0 picks a free one at each start.
    dev_pg_port: int = Field(default=0, ge=0, le=65535)
    #: Generated files (resolved supergraph.yaml, supergraph.graphql); git-ignored.
    dev_run_dir: Path = Path(".run")
    #: The subgraph list, in rover's format.
    dev_supergraph_config: Path = Path("supergraph.yaml")
    #: How long a process may take to become healthy.
    dev_startup_timeout_seconds: float = Field(default=90.0, gt=0)
    #: How long a process gets to exit after its stop signal before it is killed.
    dev_stop_grace_seconds: float = Field(default=10.0, ge=0)
