"""`uvicorn --factory subgraphs.users.app:create_app`"""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, FastAPI

from shared.app import create_subgraph_app
from shared.events import Transport
from subgraphs.users.events import consumers
from subgraphs.users.loaders import UsersLoaders
from subgraphs.users.passwords import PasswordHasher
from subgraphs.users.schema import City, Mutation, Query, UserType
from subgraphs.users.service import UsersServices
from subgraphs.users.settings import UsersSettings
from subgraphs.users.tokens import TokenSigner

__all__ = ["build_services", "create_app"]


def build_services(settings: UsersSettings) -> UsersServices:
    return UsersServices(
        hasher=PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost_kib=settings.argon2_memory_cost_kib,
            parallelism=settings.argon2_parallelism,
        ),
        tokens=TokenSigner(
            secret=settings.jwt_secret.get_secret_value(),
            private_key_file=settings.jwt_private_key_file,
            key_id=settings.jwt_key_id,
            issuer=settings.jwt_issuer,
            audience=settings.jwt_audience,
            ttl_seconds=settings.access_token_ttl_seconds,
        ),
        refresh_ttl=timedelta(seconds=settings.refresh_token_ttl_seconds),
    )


def _jwks_router(tokens: TokenSigner) -> APIRouter:
    router = APIRouter()

    @router.get("/.well-known/jwks.json", include_in_schema=False)
    async def jwks() -> dict[str, object]:
        """The access-token verification keys (empty with HS256), for the router."""
        return dict(tokens.jwks())

    return router


def create_app(
    settings: UsersSettings | None = None, *, transport: Transport | None = None
) -> FastAPI:
    settings = settings or UsersSettings()
    services = build_services(settings)
    return create_subgraph_app(
        settings=settings,
        query=Query,
        mutation=Mutation,
        types=[UserType, City],
        build_loaders=UsersLoaders.build,
        services=services,
        consumers=consumers,
        routers=[_jwks_router(services.tokens)],
        transport=transport,
    )
