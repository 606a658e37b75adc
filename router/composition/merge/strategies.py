"""How differing applications of a non-repeatable spec directive merge (Apollo's strategies).

`@requiresScopes`/`@policy`: the conjunction of the requirements, in disjunctive normal form
(everyone's requirements must hold); `@cost(weight:)`: the maximum; `@listSize`: maximum
assumed size, union of slicing arguments and sized fields, AND of requireOneSlicingArgument.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from graphql import value_from_ast_untyped
from graphql.language import (
    BooleanValueNode,
    IntValueNode,
    ListValueNode,
    StringValueNode,
    ValueNode,
)

from router.composition.model import Directive

Merger = Callable[[list[Any]], Any]


def _dnf_conjunction(values: list[Any]) -> Any:
    cleaned: list[list[list[str]]] = []
    seen: set[str] = set()
    for value in values:
        dnf = [sorted(inner) for inner in value] or [[]]
        dnf.sort(key=json.dumps)
        key = json.dumps(dnf)
        if key not in seen:
            seen.add(key)
            cleaned.append(dnf)
    result = cleaned[0]
    for current in cleaned[1:]:
        accumulated: list[list[str]] = []
        keys: set[str] = set()
        for left in result:
            for right in current:
                candidate = sorted([*left, *(e for e in right if e not in left)])
                key = json.dumps(candidate)
                if key not in keys:
                    keys.add(key)
                    accumulated.append(candidate)
        result = _without_subsumed(accumulated)
    return result


def _without_subsumed(values: list[list[str]]) -> list[list[str]]:
    result: list[list[str]] = []
    for candidate in sorted(values, key=len):
        if not any(set(kept) <= set(candidate) for kept in result):
            result.append(candidate)
    return result


def _nullable(merge: Merger) -> Merger:
    def merged(values: list[Any]) -> Any:
        present = [v for v in values if v is not None]
        return merge(present) if present else None

    return merged


def _union(values: list[Any]) -> Any:
    result: list[Any] = []
    for value in values:
        result += [v for v in value if v not in result]
    return result


STRATEGIES: dict[str, dict[str, Merger]] = {
    "requiresScopes": {"scopes": _dnf_conjunction},
    "policy": {"policies": _dnf_conjunction},
    "cost": {"weight": max},
    "listSize": {
        "assumedSize": _nullable(max),
        "slicingArguments": _nullable(_union),
        "sizedFields": _nullable(_union),
        "requireOneSlicingArgument": _nullable(all),
    },
}
DEFAULTS: dict[str, dict[str, Any]] = {"listSize": {"requireOneSlicingArgument": True}}


def merge_applications(name: str, applications: list[Directive]) -> Directive | None:
    """The merged application, or None when the directive has no strategy."""
    strategy = STRATEGIES.get(name)
    if strategy is None:
        return None
    defaults = DEFAULTS.get(name, {})
    merged: dict[str, ValueNode] = {}
    for arg, merge in strategy.items():
        values = [
            value_from_ast_untyped(a.args[arg]) if arg in a.args else defaults.get(arg)
            for a in applications
        ]
        value = merge(values)
        if value is not None:
            merged[arg] = to_value_node(value)
    return Directive(name, merged)


def to_value_node(value: Any) -> ValueNode:
    if isinstance(value, bool):
        return BooleanValueNode(value=value)
    if isinstance(value, int):
        return IntValueNode(value=str(value))
    if isinstance(value, str):
        return StringValueNode(value=value)
    return ListValueNode(values=tuple(to_value_node(v) for v in value))
