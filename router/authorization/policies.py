"""`@policy` names and the Python callables that decide them.

A policy is a synchronous callable `(PolicyRequest) -> bool` registered under the name
the supergraph uses in `@policy(policies: [["name"]])`. Three ways to provide one:

- built in: `role:<ROLE>` grants access when the caller's role is ROLE, or ADMIN (an
  admin may do whatever any role may), e.g. `role:PRO`, `role:PARTNER`, `role:ADMIN`;
- in code: `@register_policy("partner:verified")` on a function of a module the router
  imports;
- in router.yaml: `authorization.policies: {"name": "package.module:function"}`.

A name the supergraph uses that nobody provides always denies (fail closed) and is
logged once when the supergraph is loaded. A policy that raises denies too.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from shared.identity import Identity, Role

__all__ = [
    "Policy",
    "PolicyRegistry",
    "PolicyRequest",
    "register_policy",
    "registered_policies",
]

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PolicyRequest:
    """What a policy can look at: who is calling and the request's headers (lower-case)."""

    identity: Identity
    headers: Mapping[str, str]


Policy = Callable[[PolicyRequest], bool]

_REGISTERED: dict[str, Policy] = {}


def register_policy(name: str) -> Callable[[Policy], Policy]:
    """Decorator: make `name` usable in `@policy` (process-wide)."""

    def register(policy: Policy) -> Policy:
        _REGISTERED[name] = policy
        return policy

    return register


def registered_policies() -> dict[str, Policy]:
    return dict(_REGISTERED)


def _role_policy(role: Role) -> Policy:
    def has_role(request: PolicyRequest) -> bool:
        return request.identity.is_authenticated and request.identity.role in {role, Role.ADMIN}

    return has_role


def _import(target: str) -> Policy:
    module_name, _, attribute = target.partition(":")
    if not module_name or not attribute:
        raise ValueError(f"policy {target!r} must be 'module:callable'")
    policy = getattr(importlib.import_module(module_name), attribute)
    if not callable(policy):
        raise TypeError(f"policy {target!r} is not callable")
    return policy  # type: ignore[no-any-return]


class PolicyRegistry:
    """Built-in, registered and configured policies, by name."""

    def __init__(self, configured: Mapping[str, str] | None = None) -> None:
        self._policies: dict[str, Policy] = {
            f"role:{role.value}": _role_policy(role) for role in Role if role is not Role.GUEST
        }
        self._policies.update(_REGISTERED)
        for name, target in (configured or {}).items():
            self._policies[name] = _import(target)
        self._warned: set[str] = set()

    def __contains__(self, name: object) -> bool:
        return name in self._policies

    def warn_unknown(self, names: frozenset[str]) -> None:
        for name in sorted(names - self._policies.keys() - self._warned):
            logger.warning("@policy %r is used by the supergraph but not registered: denied", name)
            self._warned.add(name)

    def decide(self, name: str, request: PolicyRequest) -> bool:
        policy = self._policies.get(name)
        if policy is None:
            return False
        try:
            return bool(policy(request))
        except Exception:
            logger.exception("policy %r failed: denied", name)
            return False
