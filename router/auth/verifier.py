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

Verified tokens are remembered (bounded LRU keyed by the token text), so a client
repeating its token costs a lookup, not a signature check: an entry serves until the
token expires and, for JWKS keys, only while its source's key set is the one that
verified it and for at most one `poll_interval` (so a rotated-out key stops working at
the next reload, as without the cache). Refused tokens are never remembered.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass
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


_REMEMBERED = 10_000


@dataclass(frozen=True, slots=True)
class _Verified:
    claims: dict[str, Any]
    expires: float  # `exp` + leeway, wall clock
    source: JwksSource | None  # None: HS256
    generation: int  # the source's key-set generation that verified it
    recheck_at: float  # monotonic; JWKS tokens are verified again from here

    def still_good(self) -> bool:
        if time.time() >= self.expires:
            return False
        source = self.source
        return source is None or (
            source.generation == self.generation and time.monotonic() < self.recheck_at
        )


class TokenVerifier:
    def __init__(self, config: JwtConfig) -> None:
        self._config = config
        self._secret = config.hs256_secret or None
        self.sources = [
            JwksSource(source, unknown_kid_refresh_interval=config.unknown_kid_refresh_interval)
            for source in config.jwks
        ]
        self._verified: OrderedDict[str, _Verified] = OrderedDict()

    async def verify(self, token: str) -> dict[str, Any]:
        """The token's verified claims."""
        remembered = self._verified.get(token)
        if remembered is not None:
            if remembered.still_good():
                self._verified.move_to_end(token)
                return remembered.claims
            del self._verified[token]
        try:
            header = jwt.get_unverified_header(token)
            algorithm = header.get("alg")
            if algorithm == "HS256" and self._secret is not None:
                claims, source = self._hs256(token, self._secret), None
            elif isinstance(algorithm, str) and algorithm != "HS256":
                claims, source = await self._jwks(token, algorithm, header.get("kid"))
            else:
                raise InvalidTokenError("the access token is invalid")
        except jwt.ExpiredSignatureError:
            raise ExpiredTokenError("the access token has expired") from None
        except jwt.InvalidTokenError:
            raise InvalidTokenError("the access token is invalid") from None
        self._remember(token, claims, source)
        return claims

    def _remember(self, token: str, claims: dict[str, Any], source: JwksSource | None) -> None:
        expires = float(claims["exp"]) + self._config.leeway_seconds
        recheck_at = time.monotonic() + (source.config.poll_interval if source else 0.0)
        generation = source.generation if source else 0
        self._verified[token] = _Verified(claims, expires, source, generation, recheck_at)
        if len(self._verified) > _REMEMBERED:
            self._verified.popitem(last=False)

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

    async def _jwks(
        self, token: str, algorithm: str, kid: object
    ) -> tuple[dict[str, Any], JwksSource]:
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
                return claims, source
        raise jwt.InvalidTokenError("no key verifies the token")
