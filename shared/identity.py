"""The caller's identity as the router vouches for it: header `x-g2a-identity`.

The router verifies the client's access token, then forwards who the caller is to every
subgraph in a compact header signed with INTERNAL_IDENTITY_SECRET (HMAC-SHA256):

    x-g2a-identity: v1.<base64url(JSON claims)>.<base64url(HMAC-SHA256(secret, "v1." + claims))>

claims = {"sub": user id or null, "role": "USER", "scopes": [...], "exp": unix seconds}.
Anything missing, forged, expired or malformed is read as GUEST: a subgraph called
directly, without the router's proof, refuses everything that needs an identity.

Dependency-light on purpose (standard library + shared.errors): the router imports it.
See docs/identity.md.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from enum import StrEnum

from shared.errors import Forbidden, Unauthenticated

__all__ = [
    "GUEST",
    "IDENTITY_HEADER",
    "Identity",
    "Role",
    "require_authenticated",
    "require_role",
    "sign_identity",
    "verify_identity",
]

IDENTITY_HEADER = "x-g2a-identity"
_VERSION = "v1"
_MAX_HEADER_LENGTH = 4096


class Role(StrEnum):
    GUEST = "GUEST"
    USER = "USER"
    VIP = "VIP"
    PRO = "PRO"
    PARTNER = "PARTNER"
    ADMIN = "ADMIN"


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is calling. `user_id` is None exactly when the caller is a guest."""

    user_id: str | None
    role: Role
    scopes: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None and self.role is not Role.GUEST


GUEST = Identity(user_id=None, role=Role.GUEST, scopes=frozenset())


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _mac(secret: str, signed_part: str) -> bytes:
    return hmac.new(secret.encode(), signed_part.encode("ascii"), hashlib.sha256).digest()


def sign_identity(
    identity: Identity, *, secret: str, ttl_seconds: int, now: float | None = None
) -> str:
    """Return the header value vouching for `identity` until now + ttl_seconds."""
    issued_at = time.time() if now is None else now
    claims = {
        "sub": identity.user_id,
        "role": identity.role.value,
        "scopes": sorted(identity.scopes),
        "exp": int(issued_at) + ttl_seconds,
    }
    body = _b64encode(json.dumps(claims, separators=(",", ":"), sort_keys=True).encode())
    signed_part = f"{_VERSION}.{body}"
    return f"{signed_part}.{_b64encode(_mac(secret, signed_part))}"


def verify_identity(header_value: str | None, *, secret: str, now: float | None = None) -> Identity:
    """Return the identity the header vouches for, or GUEST when it proves nothing."""
    if not header_value or len(header_value) > _MAX_HEADER_LENGTH:
        return GUEST
    parts = header_value.split(".")
    if len(parts) != 3 or parts[0] != _VERSION:
        return GUEST
    signed_part = f"{parts[0]}.{parts[1]}"
    try:
        signature = _b64decode(parts[2])
        if not hmac.compare_digest(signature, _mac(secret, signed_part)):
            return GUEST
        claims = json.loads(_b64decode(parts[1]))
    except (binascii.Error, ValueError, UnicodeError):
        return GUEST
    return _identity_from_claims(claims, now=time.time() if now is None else now)


def _identity_from_claims(claims: object, *, now: float) -> Identity:
    if not isinstance(claims, dict):
        return GUEST
    expires, sub, role, scopes = (claims.get(k) for k in ("exp", "sub", "role", "scopes"))
    if not isinstance(expires, int) or isinstance(expires, bool) or expires <= now:
        return GUEST
    if role not in Role.__members__ or role == Role.GUEST or not isinstance(sub, str) or not sub:
        return GUEST
    if not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        return GUEST
    return Identity(user_id=sub, role=Role(str(role)), scopes=frozenset(scopes))


def require_authenticated(identity: Identity) -> str:
    """Return the caller's user id, or raise Unauthenticated for a guest."""
    if identity.user_id is None or not identity.is_authenticated:
        raise Unauthenticated
    return identity.user_id


def require_role(identity: Identity, *roles: Role) -> str:
    """Return the caller's user id if their role is one of `roles`; else raise."""
    user_id = require_authenticated(identity)
    if identity.role not in roles:
        raise Forbidden
    return user_id
