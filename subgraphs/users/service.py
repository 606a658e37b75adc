"""The users domain: registration, sign-in, token rotation, profiles and roles.

Every function is async and keyword-only after the session; the caller owns the transaction
(`async with context.transaction() as session`). Inputs are validated here, before anything
is written, so every failure leaves the database untouched — except refresh-token reuse,
which commits the family's revocation before reporting the error.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import BadUserInput, Conflict, Forbidden, NotFound, Unauthenticated
from shared.identity import Identity, Role, require_authenticated, require_role
from shared.pagination import decode_cursor, encode_cursor, page_size
from shared.validation import (
    PASSWORD_MAX_LENGTH,
    FieldCheck,
    clean_email,
    clean_locale,
    clean_password,
    clean_text,
    clean_url,
)
from subgraphs.users.events import emit_user_registered
from subgraphs.users.models import RefreshToken, User
from subgraphs.users.passwords import PasswordHasher
from subgraphs.users.tokens import AccessToken, TokenSigner, hash_refresh_token, new_refresh_token

__all__ = [
    "DEFAULT_LOCALE",
    "EmailTaken",
    "InvalidCredentials",
    "IssuedTokens",
    "UserPage",
    "UsersServices",
    "create_user",
    "list_users",
    "load_users",
    "login",
    "logout",
    "refresh",
    "register",
    "set_user_role",
    "update_profile",
]

logger = logging.getLogger(__name__)

DEFAULT_LOCALE = "ru"
DISPLAY_NAME_MAX_LENGTH = 64
REFRESH_TOKEN_MAX_LENGTH = 256
PROFILE_FIELDS = frozenset({"display_name", "avatar_url", "locale", "home_city_id"})
_REFERRAL_CODE = re.compile(r"^[A-Za-z0-9_-]{4,32}$")
_clean_display_name = clean_text(min_length=1, max_length=DISPLAY_NAME_MAX_LENGTH)
_clean_city_id = clean_text(min_length=1, max_length=64)


class EmailTaken(Conflict):
    code = "EMAIL_TAKEN"
    default_message = "This email is already registered."


class InvalidCredentials(Unauthenticated):
    code = "INVALID_CREDENTIALS"
    default_message = "Wrong email or password."


@dataclass(frozen=True, slots=True)
class UsersServices:
    """Long-lived collaborators of the service functions (one per process)."""

    hasher: PasswordHasher
    tokens: TokenSigner
    refresh_ttl: timedelta


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    access: AccessToken
    refresh_token: str
    refresh_expires_at: datetime


@dataclass(frozen=True, slots=True)
class UserPage:
    users: Sequence[User]
    has_next_page: bool
    total_count: int


def cursor_of(user: User) -> str:
    return encode_cursor(user.created_at.isoformat(), str(user.id))


def _clean_referral_code(value: str) -> str:
    if not _REFERRAL_CODE.fullmatch(value):
        raise ValueError("must be 4 to 32 letters, digits, '-' or '_'")
    return value


def _clean_login_password(value: str) -> str:
    # Only bounds: the rules for new passwords may have changed since this one was set.
    if not value:
        raise ValueError("is required")
    if len(value) > PASSWORD_MAX_LENGTH:
        raise ValueError(f"must be at most {PASSWORD_MAX_LENGTH} characters")
    return value


def _parse_uuid(value: str, *, field: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as error:
        raise BadUserInput({field: "is not a valid id"}) from error


# -- registration and sign-in -------------------------------------------------------------


async def create_user(
    session: AsyncSession,
    *,
    email: str,
    password_hash: str,
    display_name: str,
    locale: str = DEFAULT_LOCALE,
    role: Role = Role.USER,
    user_id: uuid.UUID | None = None,
) -> User:
    """Insert an already-validated user; EmailTaken if the email exists (race-free).
    `user_id` is for deterministic demo accounts; a random id otherwise."""
    user: User | None = await session.scalar(
        insert(User)
        .values(
            id=user_id or uuid.uuid4(),
            email=email,
            password_hash=password_hash,
            display_name=display_name,
            locale=locale,
            role=role,
        )
        .on_conflict_do_nothing(index_elements=[User.email])
        .returning(User)
    )
    if user is None:
        raise EmailTaken
    return user


async def register(
    session: AsyncSession,
    *,
    services: UsersServices,
    email: str,
    password: str,
    display_name: str,
    locale: str | None = None,
    referral_code: str | None = None,
) -> tuple[User, IssuedTokens]:
    check = FieldCheck()
    email = check("email", clean_email, email)
    password = check("password", clean_password, password)
    display_name = check("displayName", _clean_display_name, display_name)
    locale = DEFAULT_LOCALE if locale is None else check("locale", clean_locale, locale)
    if referral_code is not None:
        referral_code = check("referralCode", _clean_referral_code, referral_code)
    check.done()

    user = await create_user(
        session,
        email=email,
        password_hash=await services.hasher.hash(password),
        display_name=display_name,
        locale=locale,
    )
    await emit_user_registered(session, user=user, referral_code=referral_code)
    return user, await _issue(session, services=services, user=user, family_id=uuid.uuid4())


async def login(
    session: AsyncSession, *, services: UsersServices, email: str, password: str
) -> tuple[User, IssuedTokens]:
    check = FieldCheck()
    email = check("email", clean_email, email)
    password = check("password", _clean_login_password, password)
    check.done()

    user = await session.scalar(select(User).where(User.email == email))
    if not await services.hasher.verify(user.password_hash if user else None, password):
        raise InvalidCredentials
    assert user is not None
    if services.hasher.needs_rehash(user.password_hash):
        user.password_hash = await services.hasher.hash(password)
    return user, await _issue(session, services=services, user=user, family_id=uuid.uuid4())


# -- refresh tokens -----------------------------------------------------------------------


async def _issue(
    session: AsyncSession, *, services: UsersServices, user: User, family_id: uuid.UUID
) -> IssuedTokens:
    now = datetime.now(UTC)
    token, token_hash = new_refresh_token()
    expires_at = now + services.refresh_ttl
    session.add(
        RefreshToken(
            user_id=user.id,
            family_id=family_id,
            token_hash=token_hash,
            issued_at=now,
            expires_at=expires_at,
        )
    )
    await session.flush()
    return IssuedTokens(
        access=services.tokens.issue(user_id=user.id, role=user.role, now=now),
        refresh_token=token,
        refresh_expires_at=expires_at,
    )


async def _find_refresh_token(session: AsyncSession, token: str) -> RefreshToken:
    if not token or len(token) > REFRESH_TOKEN_MAX_LENGTH:
        raise Unauthenticated("Invalid refresh token.")
    row = await session.scalar(
        select(RefreshToken)
        .where(RefreshToken.token_hash == hash_refresh_token(token))
        .with_for_update()
    )
    if row is None:
        raise Unauthenticated("Invalid refresh token.")
    return row


async def _revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
    await session.execute(
        update(RefreshToken)
        .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )


async def refresh(
    session: AsyncSession, *, services: UsersServices, refresh_token: str
) -> tuple[User, IssuedTokens]:
    """Rotate: the presented token is spent and a new one of the same family is issued.

    Presenting a spent token again means it leaked (or a client raced itself): the whole
    family is revoked, committed, and the caller must sign in again.
    """
    now = datetime.now(UTC)
    row = await _find_refresh_token(session, refresh_token)
    if row.revoked_at is not None:
        raise Unauthenticated("Refresh token revoked.")
    if row.rotated_at is not None:
        await _revoke_family(session, row.family_id, now)
        await session.commit()
        logger.warning(
            "refresh token reused; family revoked",
            extra={"user_id": str(row.user_id), "family_id": str(row.family_id)},
        )
        raise Unauthenticated("Refresh token reuse detected; sign in again.")
    if row.expires_at <= now:
        raise Unauthenticated("Refresh token expired.")
    row.rotated_at = now
    user = await session.get_one(User, row.user_id)
    return user, await _issue(session, services=services, user=user, family_id=row.family_id)


async def logout(session: AsyncSession, *, refresh_token: str) -> None:
    """Revoke the token's whole family (idempotent for a known token)."""
    row = await _find_refresh_token(session, refresh_token)
    await _revoke_family(session, row.family_id, datetime.now(UTC))


# -- profiles and roles -------------------------------------------------------------------


async def update_profile(
    session: AsyncSession, *, identity: Identity, changes: Mapping[str, str | None]
) -> User:
    """Apply `changes` (keys from PROFILE_FIELDS; None clears an optional field)."""
    user_id = require_authenticated(identity)
    unknown = set(changes) - PROFILE_FIELDS
    if unknown:
        raise ValueError(f"unknown profile fields {sorted(unknown)}")
    check = FieldCheck()
    cleaned: dict[str, str | None] = {}
    for key, field, clean in (
        ("display_name", "displayName", _clean_display_name),
        ("avatar_url", "avatarUrl", clean_url),
        ("locale", "locale", clean_locale),
        ("home_city_id", "homeCityId", _clean_city_id),
    ):
        if key not in changes:
            continue
        value = changes[key]
        if value is None:
            if key in {"display_name", "locale"}:
                check.errors[field] = "cannot be null"
            cleaned[key] = None
        else:
            cleaned[key] = check(field, clean, value)
    check.done()

    user = await session.get(User, _parse_uuid(user_id, field="id"), with_for_update=True)
    if user is None:
        raise NotFound("Your account no longer exists.")
    for key, value in cleaned.items():
        setattr(user, key, value)
    user.updated_at = datetime.now(UTC)
    return user


async def set_user_role(
    session: AsyncSession, *, identity: Identity, user_id: str, role: Role
) -> User:
    admin_id = require_role(identity, Role.ADMIN)
    target_id = _parse_uuid(user_id, field="userId")
    if role is Role.GUEST:
        raise BadUserInput({"role": "GUEST is not an account role"})
    if str(target_id) == admin_id:
        raise Forbidden("Admins cannot change their own role.")
    user = await session.get(User, target_id, with_for_update=True)
    if user is None:
        raise NotFound("No such user.")
    user.role = role
    user.updated_at = datetime.now(UTC)
    return user


# -- reads --------------------------------------------------------------------------------


async def load_users(session: AsyncSession, ids: Sequence[str]) -> list[User | None]:
    """Users for `ids`, in order (None where absent or malformed), in ONE query."""
    wanted: set[uuid.UUID] = set()
    for raw in ids:
        try:
            wanted.add(uuid.UUID(raw))
        except ValueError:
            continue
    found: dict[str, User] = {}
    if wanted:
        rows = await session.scalars(select(User).where(User.id.in_(wanted)))
        found = {str(user.id): user for user in rows}
    return [found.get(_canonical(raw)) for raw in ids]


def _canonical(raw: str) -> str:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return ""


async def list_users(
    session: AsyncSession, *, identity: Identity, first: int, after: str | None
) -> UserPage:
    """All users, oldest first (ADMIN only); keyset-paginated by (createdAt, id)."""
    require_role(identity, Role.ADMIN)
    limit = page_size(first)
    query = select(User).order_by(User.created_at, User.id).limit(limit + 1)
    if after is not None:
        query = query.where(tuple_(User.created_at, User.id) > _decode_user_cursor(after))
    rows = list(await session.scalars(query))
    total = await session.scalar(select(func.count()).select_from(User))
    return UserPage(users=rows[:limit], has_next_page=len(rows) > limit, total_count=total or 0)


def _decode_user_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    values = decode_cursor(cursor)
    try:
        created_at, user_id = values
        position = datetime.fromisoformat(str(created_at)), uuid.UUID(str(user_id))
        if position[0].tzinfo is None:
            raise ValueError("naive timestamp")  # noqa: TRY301 - one handler for every bad cursor
    except ValueError as error:
        raise BadUserInput({"after": "not a valid cursor"}) from error
    return position
