"""GraphQL surface of the users subgraph. Resolvers only translate: validation, rules and
persistence live in `service`."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, TypeAlias

import strawberry
from strawberry.federation.schema_directives import Authenticated, Key, RequiresScopes
from strawberry.federation.types import FieldSet

from shared.context import SubgraphContext
from shared.errors import NotFound
from shared.identity import Identity, Role, require_authenticated
from shared.pagination import CONNECTION_LIST_SIZE, Connection, Edge, PageInfo
from subgraphs.users import models, service
from subgraphs.users.loaders import UsersLoaders
from subgraphs.users.service import IssuedTokens, UsersServices

__all__ = ["City", "Mutation", "Query", "UserType"]

UsersContext: TypeAlias = SubgraphContext[UsersLoaders, UsersServices]
Info: TypeAlias = strawberry.Info[UsersContext, None]


@strawberry.enum(name="Role", description="An account's role (guests have no account).")
class RoleType(Enum):
    USER = "USER"
    VIP = "VIP"
    PRO = "PRO"
    PARTNER = "PARTNER"
    ADMIN = "ADMIN"


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class City:
    """A city of the atlas subgraph; referenced here by id only."""

    id: strawberry.ID


@strawberry.federation.type(keys=["id"], name="User")
class UserType:
    id: strawberry.ID
    display_name: str
    avatar_url: str | None
    role: RoleType
    locale: str
    created_at: datetime
    email: str | None = strawberry.field(
        description="Visible to the user themself and to admins; null for everyone else."
    )
    home_city_id: strawberry.Private[str | None]

    @strawberry.field
    def home_city(self) -> City | None:
        return City(id=strawberry.ID(self.home_city_id)) if self.home_city_id else None

    @classmethod
    def from_model(cls, user: models.User, *, viewer: Identity | None = None) -> UserType:
        """`viewer=None` means the caller is this user (e.g. right after signing in)."""
        email_visible = (
            viewer is None or viewer.role is Role.ADMIN or viewer.user_id == str(user.id)
        )
        return cls(
            id=strawberry.ID(str(user.id)),
            display_name=user.display_name,
            avatar_url=user.avatar_url,
            role=RoleType(user.role.value),
            locale=user.locale,
            created_at=user.created_at,
            email=user.email if email_visible else None,
            home_city_id=user.home_city_id,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> UserType | None:  # noqa: A002 - the key field is `id`
        user = await info.context.loaders.user_by_id.load(str(id))
        return None if user is None else cls.from_model(user, viewer=info.context.identity)


@strawberry.type
class AuthTokens:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime
    token_type: str = "Bearer"  # noqa: S105 - the OAuth token type, not a secret

    @classmethod
    def from_issued(cls, issued: IssuedTokens) -> AuthTokens:
        return cls(
            access_token=issued.access.token,
            access_token_expires_at=issued.access.expires_at,
            refresh_token=issued.refresh_token,
            refresh_token_expires_at=issued.refresh_expires_at,
        )


# -- inputs and payloads ------------------------------------------------------------------


@strawberry.input
class RegisterInput:
    email: str = strawberry.field(description="At most 254 characters; stored lower-cased.")
    password: str = strawberry.field(description="8 to 128 characters.")
    display_name: str = strawberry.field(description="1 to 64 characters, trimmed.")
    locale: str | None = strawberry.field(default=None, description="e.g. `ru`, `en-US`.")
    referral_code: str | None = None


@strawberry.type
class RegisterPayload:
    user: UserType
    tokens: AuthTokens


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.type
class LoginPayload:
    user: UserType
    tokens: AuthTokens


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.type
class RefreshTokenPayload:
    user: UserType
    tokens: AuthTokens


@strawberry.input
class LogoutInput:
    refresh_token: str


@strawberry.type
class LogoutPayload:
    revoked: bool


@strawberry.input(description="Omitted fields stay as they are; null clears an optional one.")
class UpdateProfileInput:
    display_name: str | None = strawberry.UNSET
    avatar_url: str | None = strawberry.UNSET
    locale: str | None = strawberry.UNSET
    home_city_id: strawberry.ID | None = strawberry.UNSET


@strawberry.type
class UpdateProfilePayload:
    user: UserType


@strawberry.input
class SetUserRoleInput:
    user_id: strawberry.ID
    role: RoleType


@strawberry.type
class SetUserRolePayload:
    user: UserType


# -- entry points -------------------------------------------------------------------------
# Resolvers are plain functions attached with `strawberry.field(resolver=...)`: that form keeps
# their types under mypy --strict when the field also carries directives or a description.

InputArg = strawberry.argument(name="input")


async def resolve_me(info: Info) -> UserType:
    user_id = require_authenticated(info.context.identity)
    user = await info.context.loaders.user_by_id.load(user_id)
    if user is None:
        raise NotFound("Your account no longer exists.")
    return UserType.from_model(user, viewer=info.context.identity)


async def resolve_user(info: Info, id: strawberry.ID) -> UserType | None:  # noqa: A002 - GraphQL argument
    user = await info.context.loaders.user_by_id.load(str(id))
    return None if user is None else UserType.from_model(user, viewer=info.context.identity)


async def resolve_users(
    info: Info, first: int = 20, after: str | None = None
) -> Connection[UserType]:
    async with info.context.transaction() as session:
        page = await service.list_users(
            session, identity=info.context.identity, first=first, after=after
        )
    edges = [
        Edge(
            cursor=service.cursor_of(user),
            node=UserType.from_model(user, viewer=info.context.identity),
        )
        for user in page.users
    ]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next_page, end_cursor=edges[-1].cursor if edges else None
        ),
        total_count=page.total_count,
    )


@strawberry.type
class Query:
    me: UserType = strawberry.field(
        resolver=resolve_me, directives=[Authenticated()], description="The signed-in caller."
    )
    user: UserType | None = strawberry.field(resolver=resolve_user)
    users: Connection[UserType] = strawberry.field(
        resolver=resolve_users,
        directives=[
            Authenticated(),
            RequiresScopes(scopes=[["admin"]]),  # the router refuses non-admins up front
            CONNECTION_LIST_SIZE,
        ],
        description="Every account, oldest first (ADMIN only). `first` is 1..100.",
    )


async def resolve_register(
    info: Info, input_: Annotated[RegisterInput, InputArg]
) -> RegisterPayload:
    async with info.context.transaction() as session:
        user, tokens = await service.register(
            session,
            services=info.context.services,
            email=input_.email,
            password=input_.password,
            display_name=input_.display_name,
            locale=input_.locale,
            referral_code=input_.referral_code,
        )
    return RegisterPayload(user=UserType.from_model(user), tokens=AuthTokens.from_issued(tokens))


async def resolve_login(info: Info, input_: Annotated[LoginInput, InputArg]) -> LoginPayload:
    async with info.context.transaction() as session:
        user, tokens = await service.login(
            session, services=info.context.services, email=input_.email, password=input_.password
        )
    return LoginPayload(user=UserType.from_model(user), tokens=AuthTokens.from_issued(tokens))


async def resolve_refresh_token(
    info: Info, input_: Annotated[RefreshTokenInput, InputArg]
) -> RefreshTokenPayload:
    async with info.context.transaction() as session:
        user, tokens = await service.refresh(
            session, services=info.context.services, refresh_token=input_.refresh_token
        )
    return RefreshTokenPayload(
        user=UserType.from_model(user), tokens=AuthTokens.from_issued(tokens)
    )


async def resolve_logout(info: Info, input_: Annotated[LogoutInput, InputArg]) -> LogoutPayload:
    async with info.context.transaction() as session:
        await service.logout(session, refresh_token=input_.refresh_token)
    return LogoutPayload(revoked=True)


async def resolve_update_profile(
    info: Info, input_: Annotated[UpdateProfileInput, InputArg]
) -> UpdateProfilePayload:
    changes = {
        key: value
        for key, value in (
            ("display_name", input_.display_name),
            ("avatar_url", input_.avatar_url),
            ("locale", input_.locale),
            ("home_city_id", input_.home_city_id),
        )
        if value is not strawberry.UNSET
    }
    async with info.context.transaction() as session:
        user = await service.update_profile(
            session, identity=info.context.identity, changes=changes
        )
    return UpdateProfilePayload(user=UserType.from_model(user, viewer=info.context.identity))


async def resolve_set_user_role(
    info: Info, input_: Annotated[SetUserRoleInput, InputArg]
) -> SetUserRolePayload:
    async with info.context.transaction() as session:
        user = await service.set_user_role(
            session,
            identity=info.context.identity,
            user_id=str(input_.user_id),
            role=Role(input_.role.value),
        )
    return SetUserRolePayload(user=UserType.from_model(user, viewer=info.context.identity))


@strawberry.type
class Mutation:
    register: RegisterPayload = strawberry.mutation(resolver=resolve_register)
    login: LoginPayload = strawberry.mutation(resolver=resolve_login)
    refresh_token: RefreshTokenPayload = strawberry.mutation(resolver=resolve_refresh_token)
    logout: LogoutPayload = strawberry.mutation(resolver=resolve_logout)
    update_profile: UpdateProfilePayload = strawberry.mutation(
        resolver=resolve_update_profile, directives=[Authenticated()]
    )
    set_user_role: SetUserRolePayload = strawberry.mutation(
        resolver=resolve_set_user_role,
        directives=[Authenticated(), RequiresScopes(scopes=[["admin"]])],
        description="ADMIN only.",
    )
