"""JWT authentication with JWKS keys through HTTP: RS256/ES256, issuers, audiences, refusals.

A JWK Set is served over real HTTP (counting its requests) or read from a file; the
users subgraph's own token signer issues RS256 tokens for the end-to-end case.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from router_fakes import IDENTITY_SECRET, FakeSubgraph, make_token, serve_asgi
from router_harness import JWT_SECRET, RouterFactory, RouterHarness
from security_support import (
    AUDIENCE,
    ISSUER,
    ec_key,
    jwks_config,
    public_jwk,
    rsa_key,
    signed_token,
    write_jwks,
)

from shared.identity import Identity, Role, verify_identity
from subgraphs.users.tokens import TokenSigner

ME = "{ me { id name } }"


@dataclass
class JwksServer:
    """A JWK Set over HTTP that counts how often it is fetched."""

    keys: list[dict[str, Any]] = field(default_factory=list)
    fetches: int = 0
    url: str = ""
    down: bool = False  # answer 503 instead of the keys

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        self.fetches += 1
        status = 503 if self.down else 200
        body = b"down" if self.down else json.dumps({"keys": self.keys}).encode()
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


@pytest.fixture
async def jwks_server() -> AsyncIterator[JwksServer]:
    server = JwksServer()
    base, uvicorn_server, task = await serve_asgi(server)
    server.url = f"{base}/.well-known/jwks.json"
    yield server
    uvicorn_server.should_exit = True
    await task


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def forwarded_identity(fake: FakeSubgraph) -> Identity:
    return verify_identity(fake.headers_seen[-1].get("x-g2a-identity"), secret=IDENTITY_SECRET)


async def assert_unauthenticated(
    router: RouterHarness, token: str, subgraphs: dict[str, FakeSubgraph], message: str
) -> None:
    response = await router.post(ME, headers=bearer(token))
    assert response.status_code == 401
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert message in error["message"]
    assert subgraphs["accounts"].requests == []


async def test_rs256_token_from_the_users_subgraph_signer_end_to_end(
    make_router: RouterFactory,
    subgraphs: dict[str, FakeSubgraph],
    jwks_server: JwksServer,
    tmp_path: Path,
) -> None:
    pem = tmp_path / "users.pem"
    pem.write_bytes(
        rsa_key().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    signer = TokenSigner(
        secret="unused-with-a-private-key",
        private_key_file=pem,
        key_id="users-2026",
        issuer=ISSUER,
        audience=AUDIENCE,
        ttl_seconds=300,
    )
    jwks_server.keys = signer.jwks()["keys"]
    source = {"url": jwks_server.url, "issuers": [ISSUER], "audiences": [AUDIENCE]}
    router = await make_router({"authentication": jwks_config(source)})
    user_id = uuid.uuid4()
    token = signer.issue(user_id=user_id, role=Role.PRO, now=datetime.now(UTC)).token
    assert jwt.get_unverified_header(token)["alg"] == "RS256"
    body = (await router.post(ME, headers=bearer(token))).json()
    assert body == {"data": {"me": {"id": str(user_id), "name": "PRO user"}}}
    identity = forwarded_identity(subgraphs["accounts"])
    assert identity.role is Role.PRO
    assert identity.scopes == frozenset({"profile", "pro"})


async def test_es256_key_from_a_file_and_several_issuers(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph], tmp_path: Path
) -> None:
    users_key, partners_key = rsa_key(), ec_key()
    users = write_jwks(tmp_path / "users.json", public_jwk(users_key, "u1"))
    partners = write_jwks(tmp_path / "partners.json", public_jwk(partners_key, "p1"))
    router = await make_router(
        {
            "authentication": jwks_config(
                {"file": str(users), "issuers": [ISSUER]},
                {"file": str(partners), "issuers": ["https://partners.test"]},
            )
        }
    )
    from_users = signed_token(users_key, kid="u1", sub="u-1")
    from_partners = signed_token(
        partners_key,
        kid="p1",
        algorithm="ES256",
        sub="p-9",
        role="PARTNER",
        issuer="https://partners.test",
    )
    assert (await router.post(ME, headers=bearer(from_users))).json()["data"]["me"]["id"] == "u-1"
    partner = (await router.post(ME, headers=bearer(from_partners))).json()
    assert partner["data"]["me"] == {"id": "p-9", "name": "PARTNER user"}
    # A partners' key cannot vouch for the users' issuer.
    crossed = signed_token(partners_key, kid="p1", algorithm="ES256", issuer=ISSUER)
    subgraphs["accounts"].reset()
    await assert_unauthenticated(router, crossed, subgraphs, "invalid")


@pytest.fixture
async def keyed_router(
    make_router: RouterFactory, jwks_server: JwksServer
) -> tuple[RouterHarness, Any]:
    key = rsa_key()
    jwks_server.keys = [public_jwk(key, "k1")]
    source = {"url": jwks_server.url, "issuers": [ISSUER], "audiences": [AUDIENCE]}
    router = await make_router(
        {"authentication": jwks_config(source, unknown_kid_refresh_interval="60s")}
    )
    return router, key


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"expires_in": -60}, "expired"),
        ({"audience": "someone-else"}, "invalid"),
        ({"issuer": "https://evil.test"}, "invalid"),
        ({"nbf": 4102444800}, "invalid"),  # not valid before 2100
        ({"role": "GUEST"}, "invalid"),
    ],
)
async def test_refused_claims(
    keyed_router: tuple[RouterHarness, Any],
    subgraphs: dict[str, FakeSubgraph],
    claims: dict[str, Any],
    message: str,
) -> None:
    router, key = keyed_router
    await assert_unauthenticated(router, signed_token(key, kid="k1", **claims), subgraphs, message)


async def test_alg_none_is_refused(
    keyed_router: tuple[RouterHarness, Any], subgraphs: dict[str, FakeSubgraph]
) -> None:
    router, _ = keyed_router
    claims = {"sub": "u-1", "iss": ISSUER, "aud": AUDIENCE, "exp": 4102444800}
    token = jwt.encode(claims, key=None, algorithm="none", headers={"kid": "k1"})
    await assert_unauthenticated(router, token, subgraphs, "invalid")


async def test_hs256_token_keyed_with_the_rsa_public_key_is_refused(
    keyed_router: tuple[RouterHarness, Any], subgraphs: dict[str, FakeSubgraph]
) -> None:
    """Algorithm confusion: the public key (known to anyone) used as an HMAC secret."""
    router, key = keyed_router
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    claims = {"sub": "u-1", "iss": ISSUER, "aud": AUDIENCE, "exp": 4102444800}
    header = {"alg": "HS256", "typ": "JWT", "kid": "k1"}

    # PyJWT refuses to sign with a PEM as HMAC secret, so forge the token by hand.
    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(claims).encode())}"
    signature = hmac.new(public_pem, signing_input.encode(), hashlib.sha256).digest()
    await assert_unauthenticated(router, f"{signing_input}.{b64(signature)}", subgraphs, "invalid")


async def test_forged_kids_refresh_the_jwks_at_most_once_per_interval(
    keyed_router: tuple[RouterHarness, Any],
    subgraphs: dict[str, FakeSubgraph],
    jwks_server: JwksServer,
) -> None:
    router, _ = keyed_router
    attacker = rsa_key()
    for attempt in range(20):
        forged = signed_token(attacker, kid=f"forged-{attempt}")
        await assert_unauthenticated(router, forged, subgraphs, "invalid")
    # The first load, then one refresh for an unknown kid; the other 19 wait for the interval.
    assert jwks_server.fetches == 2


async def test_rotation_new_key_is_picked_up_and_the_rotated_out_key_refused(
    keyed_router: tuple[RouterHarness, Any],
    subgraphs: dict[str, FakeSubgraph],
    jwks_server: JwksServer,
) -> None:
    router, old_key = keyed_router
    old_token = signed_token(old_key, kid="k1", sub="u-old")
    assert (await router.post(ME, headers=bearer(old_token))).json()["data"]["me"]["id"] == "u-old"
    new_key = rsa_key()
    jwks_server.keys = [public_jwk(new_key, "k2")]  # k1 rotated out
    new_token = signed_token(new_key, kid="k2", sub="u-new")
    assert (await router.post(ME, headers=bearer(new_token))).json()["data"]["me"]["id"] == "u-new"
    subgraphs["accounts"].reset()
    await assert_unauthenticated(router, old_token, subgraphs, "invalid")


async def test_leeway_absorbs_clock_skew(make_router: RouterFactory, tmp_path: Path) -> None:
    key = rsa_key()
    keys = write_jwks(tmp_path / "jwks.json", public_jwk(key, "k1"))
    router = await make_router(
        {"authentication": jwks_config({"file": str(keys)}, leeway_seconds=120)}
    )
    token = signed_token(key, kid="k1", sub="u-skew", expires_in=-30)
    assert (await router.post(ME, headers=bearer(token))).json()["data"]["me"]["id"] == "u-skew"


async def test_hs256_still_works_next_to_jwks(make_router: RouterFactory, tmp_path: Path) -> None:
    key = rsa_key()
    keys = write_jwks(tmp_path / "jwks.json", public_jwk(key, "k1"))
    router = await make_router(
        {
            "authentication": jwks_config(
                {"file": str(keys)},
                hs256_secret=JWT_SECRET,
                issuer="go2asia-test",
                audience="go2asia",
            )
        }
    )
    hs = make_token(sub="u-hs")
    rs = signed_token(key, kid="k1", sub="u-rs")
    assert (await router.post(ME, headers=bearer(hs))).json()["data"]["me"]["id"] == "u-hs"
    assert (await router.post(ME, headers=bearer(rs))).json()["data"]["me"]["id"] == "u-rs"


async def test_jwks_outage_keeps_the_keys_already_known(
    make_router: RouterFactory, jwks_server: JwksServer
) -> None:
    key = rsa_key()
    jwks_server.keys = [public_jwk(key, "k1")]
    # A poll interval so short that every request tries to reload the set.
    source = {"url": jwks_server.url, "issuers": [ISSUER], "poll_interval": "1ms"}
    router = await make_router({"authentication": jwks_config(source)})
    token = signed_token(key, kid="k1", sub="u-steady")
    assert (await router.post(ME, headers=bearer(token))).json()["data"]["me"]["id"] == "u-steady"
    jwks_server.down = True
    fetches = jwks_server.fetches
    second = await router.post(ME, headers=bearer(token))
    assert jwks_server.fetches > fetches  # it did try, and failed
    assert second.json()["data"]["me"]["id"] == "u-steady"
