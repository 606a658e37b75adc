"""The signed identity header: round-trips, and anything unproven reads as GUEST."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from shared.errors import Forbidden, Unauthenticated
from shared.identity import (
    GUEST,
    Identity,
    Role,
    require_authenticated,
    require_role,
    sign_identity,
    verify_identity,
)

SECRET = "unit-test-secret"
NOW = 1_800_000_000.0

account_roles = st.sampled_from([role for role in Role if role is not Role.GUEST])
identities = st.builds(
    Identity,
    user_id=st.text(min_size=1, max_size=64),
    role=account_roles,
    scopes=st.frozensets(st.text(max_size=20), max_size=5),
)


@given(identity=identities, ttl=st.integers(min_value=1, max_value=86_400))
def test_signed_identity_round_trips(identity: Identity, ttl: int) -> None:
    header = sign_identity(identity, secret=SECRET, ttl_seconds=ttl, now=NOW)
    assert verify_identity(header, secret=SECRET, now=NOW) == identity


@given(identity=identities)
def test_header_signed_with_another_secret_is_guest(identity: Identity) -> None:
    header = sign_identity(identity, secret="someone-else", ttl_seconds=60, now=NOW)
    assert verify_identity(header, secret=SECRET, now=NOW) is GUEST


@given(identity=identities, position=st.integers(min_value=0), char=st.characters())
def test_any_tampered_character_yields_guest(identity: Identity, position: int, char: str) -> None:
    header = sign_identity(identity, secret=SECRET, ttl_seconds=60, now=NOW)
    index = position % len(header)
    tampered = header[:index] + char + header[index + 1 :]
    if tampered != header:
        assert verify_identity(tampered, secret=SECRET, now=NOW) is GUEST


def test_expired_header_is_guest() -> None:
    identity = Identity(user_id="u1", role=Role.ADMIN, scopes=frozenset({"admin"}))
    header = sign_identity(identity, secret=SECRET, ttl_seconds=30, now=NOW)
    assert verify_identity(header, secret=SECRET, now=NOW + 29) == identity
    assert verify_identity(header, secret=SECRET, now=NOW + 30) is GUEST


def test_forged_claims_with_the_original_signature_are_guest() -> None:
    header = sign_identity(Identity("u1", Role.USER), secret=SECRET, ttl_seconds=60, now=NOW)
    version, _claims, signature = header.split(".")
    forged_claims = {"sub": "u1", "role": "ADMIN", "scopes": [], "exp": int(NOW) + 60}
    forged_body = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).decode().rstrip("=")
    assert verify_identity(f"{version}.{forged_body}.{signature}", secret=SECRET, now=NOW) is GUEST


@pytest.mark.parametrize(
    "header",
    [None, "", "garbage", "v1..", "v1.e30.", "v2.e30.AAAA", "a.b.c.d", "v1.!!!.???", "x" * 10_000],
)
def test_missing_or_malformed_header_is_guest(header: str | None) -> None:
    assert verify_identity(header, secret=SECRET) is GUEST


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "u1", "role": "GUEST", "scopes": [], "exp": int(NOW) + 60},
        {"sub": "u1", "role": "ROOT", "scopes": [], "exp": int(NOW) + 60},
        {"sub": None, "role": "USER", "scopes": [], "exp": int(NOW) + 60},
        {"sub": "u1", "role": "USER", "scopes": "admin", "exp": int(NOW) + 60},
        {"sub": "u1", "role": "USER", "scopes": [], "exp": "later"},
        {"sub": "u1", "role": "USER", "scopes": []},
        ["not", "an", "object"],
    ],
)
def test_correctly_signed_but_invalid_claims_are_guest(claims: object) -> None:
    # Sign arbitrary claims the way the real signer does, to reach the claim checks.
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).decode().rstrip("=")
    signed = f"v1.{body}"
    mac = hmac.new(SECRET.encode(), signed.encode(), hashlib.sha256).digest()
    header = f"{signed}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"
    assert verify_identity(header, secret=SECRET, now=NOW) is GUEST


def test_guest_identity_signs_to_guest() -> None:
    header = sign_identity(GUEST, secret=SECRET, ttl_seconds=60)
    assert verify_identity(header, secret=SECRET, now=time.time()) is GUEST


def test_require_helpers_enforce_authentication_then_role() -> None:
    with pytest.raises(Unauthenticated):
        require_authenticated(GUEST)
    with pytest.raises(Unauthenticated):
        require_role(GUEST, Role.ADMIN)
    user = Identity("u1", Role.USER)
    assert require_authenticated(user) == "u1"
    with pytest.raises(Forbidden):
        require_role(user, Role.ADMIN, Role.PARTNER)
    assert require_role(Identity("a1", Role.ADMIN), Role.ADMIN) == "a1"
