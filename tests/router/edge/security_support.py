"""Helpers of the security edge tests: a supergraph with access-control directives, keys.

`with_access_control` annotates the fake supergraph of tests/router/router_fakes.py the way
the composer carries `@authenticated`, `@requiresScopes` and `@policy` (a `@link` per spec,
their directive definitions and scalars), on fields, types, a mutation and an enum.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, RSAAlgorithm

from router.authorization import PolicyRequest

ISSUER = "https://issuer.test"
AUDIENCE = "go2asia"

_LINKS = (
    '  @link(url: "https://specs.apollo.dev/authenticated/v0.1", for: SECURITY)\n'
    '  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY)\n'
    '  @link(url: "https://specs.apollo.dev/policy/v0.1", for: SECURITY) {\n'
)
_DIRECTIVES = """
directive @authenticated on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!)
  on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @policy(policies: [[policy__Policy!]!]!)
  on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
scalar requiresScopes__Scope
scalar policy__Policy
"""
# (before, after) pairs applied once each to the fake supergraph.
_ANNOTATIONS = [
    ("for: EXECUTION) {\n", "for: EXECUTION)\n" + _LINKS),
    ("scalar join__FieldSet\n", _DIRECTIVES + "scalar join__FieldSet\n"),
    # Only admins (scope) list every user; a user's name needs the "profile" scope.
    (
        "  users: [User] @join__field",
        (
            '  users: [User] @requiresScopes(scopes: [["admin"], ["staff", "users:read"]])'
            " @join__field"
        ),
    ),
    (
        "  name: String @join__field(graph: ACCOUNTS)\n  reviews",
        (
            '  name: String @requiresScopes(scopes: [["profile"]]) @join__field(graph: ACCOUNTS)\n'
            "  reviews"
        ),
    ),
    # Reviews of a product are for signed-in callers; writing one too.
    (
        "  reviews: [Review] @join__field(graph: REVIEWS)\n}\n\ntype Review",
        "  reviews: [Review] @authenticated @join__field(graph: REVIEWS)\n}\n\ntype Review",
    ),
    (
        "addReview(input: AddReviewInput!): Review @join__field",
        "addReview(input: AddReviewInput!): Review @authenticated @join__field",
    ),
    # A review's (non-null) id is for moderators: its absence nulls the whole review.
    (
        "  id: ID!\n  body: String\n",
        '  id: ID! @policy(policies: [["moderator"]])\n  body: String\n',
    ),
    # Categories are a catalogue feature: the enum type itself is guarded.
    (
        "enum Category @join__type(graph: PRODUCTS) {",
        'enum Category @join__type(graph: PRODUCTS) @requiresScopes(scopes: [["catalog"]]) {',
    ),
]


def with_access_control(sdl: str) -> str:
    for before, after in _ANNOTATIONS:
        assert sdl.count(before) == 1, before
        sdl = sdl.replace(before, after)
    return sdl


def moderator_policy(request: PolicyRequest) -> bool:
    """Configured by name in the tests: VIPs with the `moderate` scope."""
    return request.identity.role.value == "VIP" and "moderate" in request.identity.scopes


# ---------------------------------------------------------------------------------- keys
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_jwk(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey, kid: str) -> dict[str, Any]:
    if isinstance(key, rsa.RSAPrivateKey):
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
        return {**jwk, "kid": kid, "use": "sig", "alg": "RS256"}
    jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "use": "sig", "alg": "ES256"}


def write_jwks(path: Path, *jwks: dict[str, Any]) -> Path:
    path.write_text(json.dumps({"keys": list(jwks)}), encoding="utf-8")
    return path


def signed_token(
    key: Any,
    *,
    kid: str | None,
    algorithm: str = "RS256",
    sub: str = "u-7",
    role: str = "USER",
    scopes: list[str] | None = None,
    issuer: str = ISSUER,
    audience: str = AUDIENCE,
    expires_in: int = 300,
    **claims: Any,
) -> str:
    now = int(time.time())
    body = {
        "sub": sub,
        "role": role,
        "scopes": scopes or [],
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + expires_in,
        **claims,
    }
    headers = {"kid": kid} if kid is not None else {}
    return jwt.encode(body, key, algorithm=algorithm, headers=headers)


def jwks_config(*sources: dict[str, Any], **jwt_options: Any) -> dict[str, Any]:
    """An `authentication` override: HS256 off unless given, the JWKS sources."""
    return {
        "jwt": {"hs256_secret": "", "issuer": None, "audience": None, "jwks": list(sources)}
        | jwt_options
    }
