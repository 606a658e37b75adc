"""Settings every subgraph shares; each service subclasses `ServiceSettings` once.

This is the only code that reads the environment (pydantic-settings does it). Every
variable is documented in docs/configuration.md.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = [
    "DEV_INTERNAL_IDENTITY_SECRET",
    "REPO_ROOT",
    "DatabaseSettings",
    "ServiceSettings",
    "normalise_database_url",
]

REPO_ROOT = Path(__file__).resolve().parent.parent
DEV_INTERNAL_IDENTITY_SECRET = "dev-only-internal-identity-secret"  # noqa: S105 - dev default, warned about


def normalise_database_url(url: str) -> str:
    """Accept postgres://, postgresql:// or postgresql+asyncpg://; return the asyncpg form."""
    for prefix in ("postgresql+asyncpg://", "postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url.removeprefix(prefix)
    raise ValueError("DATABASE_URL must be a postgresql:// or postgresql+asyncpg:// URL")


class DatabaseSettings(BaseSettings):
    """Just the database: what the migration and seed commands need."""

    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:5432/go2asia"

    @field_validator("database_url")
    @classmethod
    def _asyncpg_url(cls, value: str) -> str:
        return normalise_database_url(value)


class ServiceSettings(DatabaseSettings):
    """What every subgraph process needs. Subclass once per service (`UsersSettings`, ...)."""

    #: The subgraph's name as in supergraph.yaml; also its Postgres schema. Set by the subclass.
    service_name: ClassVar[str] = ""

    db_pool_size: int = Field(default=10, ge=1)
    db_max_overflow: int = Field(default=10, ge=0)
    redis_url: str | None = None
    migrate_on_start: bool = True

    internal_identity_secret: SecretStr = SecretStr(DEV_INTERNAL_IDENTITY_SECRET)
    internal_identity_ttl_seconds: int = Field(default=60, ge=1)

    log_level: str = "INFO"
    graphql_ide: bool = True
    graphql_document_cache_size: int = Field(default=1024, ge=1)

    supergraph_config: Path = REPO_ROOT / "supergraph.yaml"
    event_consumer_urls: dict[str, str] = Field(default_factory=dict)
    outbox_dispatcher_enabled: bool = True
    outbox_poll_interval_seconds: float = Field(default=0.5, gt=0)
    outbox_batch_size: int = Field(default=50, ge=1)
    outbox_retry_base_seconds: float = Field(default=1.0, ge=0)
    outbox_retry_max_seconds: float = Field(default=300.0, ge=0)
    outbox_delivery_timeout_seconds: float = Field(default=5.0, gt=0)
    outbox_retention_hours: float = Field(default=168.0, gt=0)

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        level = value.upper()
        if level not in logging.getLevelNamesMapping():
            raise ValueError(f"unknown log level {value!r}")
        return level

    def insecure_defaults(self) -> list[str]:
        """Variables still at their development defaults (the app logs a warning for each).
        Subclasses extend the list with their own secrets."""
        if self.internal_identity_secret.get_secret_value() == DEV_INTERNAL_IDENTITY_SECRET:
            return ["INTERNAL_IDENTITY_SECRET"]
        return []

    @property
    def schema_name(self) -> str:
        """The Postgres schema this subgraph owns."""
        return self.service_name
