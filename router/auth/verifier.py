"""Bearer-token verification: which key checks a token, and which claims it must carry.

The token's header `alg` decides the path, from an allow-list:

- `HS256`: the shared secret (`authentication.jwt.hs256_secret`, development and the
  users subgraph's default), with `issuer` / `audience` as configured;
- an asymmetric algorithm (RS*/PS*/ES*/EdDSA): the JWKS sources that list that
  algorithm and the token's (unverified) `iss`, keys picked by `kid`; the signature,
  then the source's issuers and audiences are verified;
- anything else, `none` included: refused.

Every token needs `exp` and `sub`; `nbf` and `iat` are honoured; `leeway_seconds`
absorbs clock skew. Failures are `InvalidTokenError` (or `ExpiredTokenError`), with a
message safe to show the caller.
"""

from __future__ import annotations

from typing import Any

import jwt
from jwt.types import Options

from router.auth.jwks import JwksSource
from router.config import JwtConfig

__all__ = ["ExpiredTokenError", "InvalidTokenError", "TokenVerifier"]


class InvalidTokenError(Exception):
    """The token does not prove who the caller is."""


class ExpiredTokenError(InvalidTokenError):
    """The token was valid but has expired."""


class TokenVerifier:
    def __init__(self, config: JwtConfig) -> None:
        self._config = config
        self._secret = config.hs256_secret or None
        self.sources = [
            JwksSource(source, unknown_kid_refresh_interval=config.unknown_kid_refresh_interval)
            for source in config.jwks
        ]

    async def verify(self, token: str) -> dict[str, Any]:
        """The token's verified claims."""
        try:
            header = jwt.get_unverified_header(token)
            algorithm = header.get("alg")
            if algorithm == "HS256" and self._secret is not None:
                return self._hs256(token, self._secret)
            if isinstance(algorithm, str) and algorithm != "HS256":
                return await self._jwks(token, algorithm, header.get("kid"))
        except jwt.ExpiredSignatureError:
            raise ExpiredTokenError("the access token has expired") from None
        except jwt.InvalidTokenError:
            pass
        raise InvalidTokenError("the access token is invalid")

    def _options(self, *, issuer: bool, audience: bool) -> Options:
        required = ["exp", "sub"]
        if issuer:
            required.append("iss")
        if audience:
            required.append("aud")
        return {"require": required, "verify_aud": audience}

    def _hs256(self, token: str, secret: str) -> dict[str, Any]:
        issuer, audience = self._config.issuer, self._config.audience
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=issuer,
            audience=audience,
            leeway=self._config.leeway_seconds,
            options=self._options(issuer=issuer is not None, audience=audience is not None),
        )
        return claims

    async def _jwks(self, token: str, algorithm: str, kid: object) -> dict[str, Any]:
        unverified = jwt.decode(token, options={"verify_signature": False})
        issuer = unverified.get("iss")
        key_id = kid if isinstance(kid, str) else None
        for source in self.sources:
            if not source.accepts(algorithm=algorithm, issuer=issuer):
                continue
            for key in await source.keys_for(key_id, algorithm):
                try:
                    claims: dict[str, Any] = jwt.decode(
                        token,
                        key,
                        algorithms=[algorithm],
                        issuer=list(source.issuers) or None,
                        audience=source.audiences or None,
                        leeway=self._config.leeway_seconds,
                        options=self._options(
                            issuer=bool(source.issuers), audience=bool(source.audiences)
                        ),
                    )
                except jwt.InvalidSignatureError:
                    continue
                return claims
        raise jwt.InvalidTokenError("no key verifies the token")
