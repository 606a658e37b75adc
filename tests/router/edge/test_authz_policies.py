"""The @policy registry: built-in role policies, registered and configured callables."""

from __future__ import annotations

import logging

import pytest

from router.authorization import PolicyRegistry, PolicyRequest, policies, register_policy
from shared.identity import GUEST, Identity, Role


@pytest.fixture(autouse=True)
def _own_registry(monkeypatch: pytest.MonkeyPatch) -> None:
    """Policies registered here stay here (the registry is process-wide)."""
    monkeypatch.setattr(policies, "_REGISTERED", {})


def request(role: Role, *scopes: str) -> PolicyRequest:
    identity = GUEST if role is Role.GUEST else Identity("u-1", role, frozenset(scopes))
    return PolicyRequest(identity=identity, headers={"x-tenant": "hanoi"})


@pytest.mark.parametrize(
    ("role", "granted"),
    [
        (Role.GUEST, False),
        (Role.USER, False),
        (Role.VIP, False),
        (Role.PRO, True),
        (Role.PARTNER, False),
        (Role.ADMIN, True),  # an admin may do what any role may
    ],
)
def test_built_in_role_policy(role: Role, granted: bool) -> None:
    assert PolicyRegistry().decide("role:PRO", request(role)) is granted


def test_registered_and_configured_policies() -> None:
    @register_policy("tenant:hanoi")
    def hanoi_only(req: PolicyRequest) -> bool:
        return req.headers.get("x-tenant") == "hanoi"

    registry = PolicyRegistry({"moderator": "security_support:moderator_policy"})
    assert registry.decide("tenant:hanoi", request(Role.USER))
    assert registry.decide("moderator", request(Role.VIP, "moderate"))
    assert not registry.decide("moderator", request(Role.VIP))


def test_unknown_or_failing_policies_deny(caplog: pytest.LogCaptureFixture) -> None:
    @register_policy("broken")
    def broken(req: PolicyRequest) -> bool:
        raise RuntimeError("database down")

    registry = PolicyRegistry()
    with caplog.at_level(logging.WARNING, logger="router.authorization.policies"):
        registry.warn_unknown(frozenset({"nobody-registered-me", "role:ADMIN"}))
        assert not registry.decide("nobody-registered-me", request(Role.ADMIN))
        assert not registry.decide("broken", request(Role.ADMIN))
    messages = [record.getMessage() for record in caplog.records]
    assert any("nobody-registered-me" in message for message in messages)
    assert not any("role:ADMIN" in message for message in messages)
    assert any("policy 'broken' failed" in message for message in messages)


def test_configured_policy_must_exist() -> None:
    with pytest.raises(AttributeError):
        PolicyRegistry({"missing": "security_support:no_such_policy"})
