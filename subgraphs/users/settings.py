"""Everything the users subgraph reads from the environment (docs/configuration.md)."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from pydantic import Field, SecretStr

from shared.settings import ServiceSettings

__all__ = ["DEV_JWT_SECRET", "UsersSettings"]

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

    def insecure_defaults(self) -> list[str]:
        dev_secret = self.jwt_secret.get_secret_value() == DEV_JWT_SECRET
        jwt = ["JWT_SECRET"] if self.jwt_private_key_file is None and dev_secret else []
        return super().insecure_defaults() + jwt
