"""Stage: authentication context.

`Authorization: Bearer <jwt>` is verified by `router.auth.TokenVerifier` (HS256 with the
configured secret, or RS256/ES256/... keys from JWKS sources; issuer, audience, expiry);
its claims `sub`, `role` and `scopes` become a `shared.identity.Identity`, forwarded to
subgraphs as the HMAC-signed `x-g2a-identity` header they verify. No token means a guest
(no header: subgraphs read its absence as GUEST). A present but invalid
token is refused with `UNAUTHENTICATED` (HTTP 401) before anything else runs.
Authorization (`@authenticated`, ...) is a later stage.
"""

from __future__ import annotations

from typing import Any

from router.auth import ExpiredTokenError, TokenVerifier
from router.auth import InvalidTokenError as TokenRejectedError
from router.config import AuthenticationConfig
from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import UNAUTHENTICATED, RequestError
from shared.identity import GUEST, Identity, Role, sign_identity

__all__ = ["Authenticate", "identity_from_claims"]


class InvalidTokenError(Exception):
    """The token verified but its claims do not describe a caller."""


def identity_from_claims(claims: dict[str, Any]) -> Identity:
    """Map verified JWT claims to an identity (`scopes`: a list or a space-separated string)."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise InvalidTokenError("the token has no subject")
    role_name = claims.get("role", Role.USER.value)
    if not isinstance(role_name, str) or role_name not in Role.__members__:
        raise InvalidTokenError("the token's role is unknown")
    role = Role(role_name)
    if role is Role.GUEST:
        raise InvalidTokenError("a token cannot carry the GUEST role")
    raw_scopes = claims.get("scopes", claims.get("scope", []))
    if isinstance(raw_scopes, str):
        scopes = frozenset(raw_scopes.split())
    elif isinstance(raw_scopes, list) and all(isinstance(s, str) for s in raw_scopes):
        scopes = frozenset(raw_scopes)
    else:
        raise InvalidTokenError("the token's scopes are malformed")
    return Identity(user_id=sub, role=role, scopes=scopes)


def identity_key(identity: Identity) -> str:
    """A stable key naming who is calling (de-duplication never crosses it)."""
    if not identity.is_authenticated:
        return "guest"
    return f"{identity.role.value}:{identity.user_id}:{' '.join(sorted(identity.scopes))}"


def _unauthenticated(message: str) -> RequestError:
    return RequestError.single(
        message,
        code=UNAUTHENTICATED,
        status=401,
        http_level=True,
        headers={"www-authenticate": 'Bearer error="invalid_token"'},
    )


class Authenticate:
    def __init__(self, config: AuthenticationConfig) -> None:
        self._jwt = config.jwt
        self._identity = config.identity
        self._prefix = config.jwt.header_value_prefix.lower() + " "
        self.verifier = TokenVerifier(config.jwt)

    async def verify(self, header_value: str) -> Identity:
        """The identity of a raw `Authorization` value; raises `RequestError` when invalid."""
        if not header_value.lower().startswith(self._prefix):
            raise _unauthenticated(f"the authorization header must be '{self._prefix}<token>'")
        token = header_value[len(self._prefix) :].strip()
        try:
            return identity_from_claims(await self.verifier.verify(token))
        except ExpiredTokenError:
            raise _unauthenticated("the access token has expired") from None
        except (TokenRejectedError, InvalidTokenError):
            raise _unauthenticated("the access token is invalid") from None

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        header = ctx.http.headers.get(self._jwt.header_name.lower())
        identity = GUEST if not header else await self.verify(header)
        ctx.identity = identity
        ctx.identity_key = identity_key(identity)
        if identity.is_authenticated:
            ctx.subgraph_headers[self._identity.header_name] = sign_identity(
                identity,
                secret=self._identity.secret,
                ttl_seconds=self._identity.ttl_seconds,
            )
        return await call_next(ctx)
