"""Access JWTs (HS256 in dev; RS256/ES256 from a PEM key) and opaque refresh tokens."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from shared.identity import Role

__all__ = [
    "ROLE_SCOPES",
    "AccessToken",
    "TokenSigner",
    "hash_refresh_token",
    "new_refresh_token",
]

#: Scopes an access token carries for each role (the router's @requiresScopes reads them).
ROLE_SCOPES: dict[Role, frozenset[str]] = {
    Role.USER: frozenset({"profile"}),
    Role.VIP: frozenset({"profile", "vip"}),
    Role.PRO: frozenset({"profile", "pro"}),
    Role.PARTNER: frozenset({"profile", "partner"}),
    Role.ADMIN: frozenset({"profile", "admin"}),
}


@dataclass(frozen=True, slots=True)
class AccessToken:
    token: str
    expires_at: datetime


class TokenSigner:
    """Signs access tokens; publishes the verification key as a JWKS when asymmetric."""

    def __init__(
        self,
        *,
        secret: str,
        private_key_file: Path | None,
        key_id: str,
        issuer: str,
        audience: str,
        ttl_seconds: int,
    ) -> None:
        self.issuer = issuer
        self.audience = audience
        self.key_id = key_id
        self.ttl = timedelta(seconds=ttl_seconds)
        self._public_jwk: dict[str, Any] | None = None
        self._signing_key: Any
        self._verify_key: Any
        if private_key_file is None:
            self.algorithm, self._signing_key, self._verify_key = "HS256", secret, secret
            return
        key = load_pem_private_key(private_key_file.read_bytes(), password=None)
        if isinstance(key, rsa.RSAPrivateKey):
            self.algorithm = "RS256"
            self._public_jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        elif isinstance(key, ec.EllipticCurvePrivateKey) and isinstance(key.curve, ec.SECP256R1):
            self.algorithm = "ES256"
            self._public_jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
        else:
            raise TypeError("JWT_PRIVATE_KEY_FILE must hold an RSA or P-256 EC private key")
        self._public_jwk |= {"kid": key_id, "alg": self.algorithm, "use": "sig"}
        self._signing_key, self._verify_key = key, key.public_key()

    def issue(self, *, user_id: uuid.UUID, role: Role, now: datetime) -> AccessToken:
        expires_at = now + self.ttl
        claims = {
            "sub": str(user_id),
            "role": role.value,
            "scopes": sorted(ROLE_SCOPES.get(role, frozenset())),
            "iss": self.issuer,
            "aud": self.audience,
            "iat": int(now.timestamp()),
            "exp": int(expires_at.timestamp()),
            "jti": uuid.uuid4().hex,
        }
        headers = {"kid": self.key_id}
        token = jwt.encode(claims, self._signing_key, algorithm=self.algorithm, headers=headers)
        return AccessToken(token=token, expires_at=expires_at)

    def decode(self, token: str) -> dict[str, Any]:
        """Verify signature, issuer, audience and expiry (what the router does)."""
        claims: dict[str, Any] = jwt.decode(
            token,
            self._verify_key,
            algorithms=[self.algorithm],
            issuer=self.issuer,
            audience=self.audience,
            options={"require": ["sub", "role", "iss", "aud", "exp", "iat", "jti"]},
        )
        return claims

    def jwks(self) -> dict[str, list[dict[str, Any]]]:
        """The public keys as a JWK Set (empty with HS256: a shared secret is never published)."""
        return {"keys": [self._public_jwk] if self._public_jwk is not None else []}


def new_refresh_token() -> tuple[str, str]:
    """A fresh opaque refresh token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    # A 256-bit random token needs no slow hash: SHA-256 is preimage-resistant enough.
    return hashlib.sha256(token.encode()).hexdigest()
