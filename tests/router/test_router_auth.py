"""Auth context: the caller's JWT becomes the signed identity header subgraphs verify."""

from __future__ import annotations

import jwt
import pytest
from router_fakes import IDENTITY_SECRET, FakeSubgraph, make_token
from router_harness import RouterFactory

from shared.identity import Role, verify_identity


async def test_valid_token_is_forwarded_as_signed_identity(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    token = make_token(sub="u-42", role="PARTNER", scopes=["vouchers:write", "places:read"])
    response = await router.post("{ me { id name } }", headers={"authorization": f"Bearer {token}"})
    assert response.json() == {"data": {"me": {"id": "u-42", "name": "PARTNER user"}}}
    header = subgraphs["accounts"].headers_seen[0]["x-g2a-identity"]
    identity = verify_identity(header, secret=IDENTITY_SECRET)
    assert identity.user_id == "u-42"
    assert identity.role is Role.PARTNER
    assert identity.scopes == frozenset({"vouchers:write", "places:read"})


async def test_no_token_is_a_guest_without_identity_header(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    response = await router.post("{ me { id } }")
    assert response.json() == {"data": {"me": None}}
    assert "x-g2a-identity" not in subgraphs["accounts"].headers_seen[0]


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (f"Bearer {make_token(sub='u-1', expires_in=-60)}", "expired"),
        (
            f"Bearer {make_token(sub='u-1', secret='another-secret-of-at-least-32-bytes!')}",
            "invalid",
        ),
        (f"Bearer {make_token(sub='u-1', audience='partners')}", "invalid"),
        (f"Bearer {make_token(sub='u-1', issuer='someone-else')}", "invalid"),
        (f"Bearer {make_token(sub='u-1', role='GOD')}", "invalid"),
        (f"Bearer {make_token(sub='u-1', role='GUEST')}", "invalid"),
        (
            "Bearer "
            + jwt.encode(
                {"sub": "u-1", "iss": "go2asia-test", "aud": "go2asia", "exp": 4102444800},
                key=None,
                algorithm="none",
            ),
            "invalid",
        ),
        ("Bearer not.a.jwt", "invalid"),
        ("Basic dXNlcjpwYXNz", "must be"),
    ],
)
async def test_invalid_token_is_unauthenticated_and_calls_no_subgraph(
    make_router: RouterFactory,
    subgraphs: dict[str, FakeSubgraph],
    authorization: str,
    message: str,
) -> None:
    router = await make_router()
    response = await router.post("{ me { id } }", headers={"authorization": authorization})
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert message in body["errors"][0]["message"]
    assert subgraphs["accounts"].requests == []
