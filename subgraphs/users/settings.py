"""Everything the users subgraph reads from the environment (docs/configuration.md)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr, model_validator

from shared.settings import ServiceSettings

__all__ = ["DEV_JWT_SECRET", "UsersSettings"]

logger = logging.getLogger(__name__)

DEV_JWT_SECRET = "dev-only-jwt-secret-change-me-in-production"  # noqa: S105 - warned about


class UsersSettings(ServiceSettings):
    service_name: ClassVar[str] = "users"

    jwt_secret: SecretStr = SecretStr(DEV_JWT_SECRET)
    jwt_private_key_file: Path | None = None
    jwt_key_id: str = "users-1"
    jwt_issuer: str = "https://go2asia.local/users"
    jwt_audience: str = "go2asia"
    access_token_ttl_seconds: int = Field(default=900, ge=30)
    refresh_token_ttl_seconds: int = Field(default=30 * 24 * 3600, ge=60)

    # argon2id cost; RFC 9106's second recommended option by default. Tests lower it.
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_cost_kib: int = Field(default=65536, ge=8)
    argon2_parallelism: int = Field(default=4, ge=1)

    @model_validator(mode="after")
    def _warn_on_dev_jwt_secret(self) -> UsersSettings:
        dev_secret = self.jwt_secret.get_secret_value() == DEV_JWT_SECRET
        if self.jwt_private_key_file is None and dev_secret:
            logger.warning("JWT_SECRET is the development default; set it in production")
        return self
