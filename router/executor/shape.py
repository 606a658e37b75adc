"""Response shaping: the client's operation walked over the merged data tree.

Only requested keys are emitted, in request order; planner-added keys disappear. Fields are
collected as the spec's CollectFields does (fragments applied for the runtime type, one field per
response key with every occurrence's sub-selection merged), once per plan and runtime type. A
null (or missing) value in a non-null position bubbles up to the nearest nullable ancestor,
possibly ``data: null``. Enum values the API schema does not expose become null with an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    get_named_type,
    is_abstract_type,
)

from router.executor.merge import Where, path_of
from router.planner.operation import (
    TYPENAME,
    Collected,
    Item,
    NField,
    NormalizedOperation,
    collect_fields,
)
from router.supergraph import Supergraph

__all__ = ["shape_response"]

_BUBBLE = object()  # a null in a non-null position, on its way up


class _Shaper:
    def __init__(
        self,
        supergraph: Supergraph,
        variables: Mapping[str, Any],
        errors: list[dict[str, Any]],
        collected: dict[tuple[int, str | None], tuple[Collected, ...]],
    ) -> None:
        self.supergraph = supergraph
        self.collected = collected
        self.variables = variables
        self.errors = errors
        self.api_enums = supergraph.api_enum_values
        self.api_types = supergraph.api_schema.type_map

    def passes(self, conditions: tuple[tuple[str, bool], ...]) -> bool:
        return all(bool(self.variables.get(name)) == expected for name, expected in conditions)

    def applies(self, condition: str | None, runtime: str | None) -> bool:
        if condition is None or condition == runtime:
            return True
        return runtime is not None and runtime in self.supergraph.possible_types(condition)

    def object(
        self, items: list[Item], data: dict[str, Any], runtime: str | None, path: Where
    ) -> Any:
        """The object's fields as CollectFields gives them for ``runtime`` (fragments applied,
        one merged field per response key), in request order, or ``_BUBBLE``."""
        collected = self.collected.get((id(items), runtime))
        if collected is None:
            collected = collect_fields(items, runtime, self.applies)
            self.collected[(id(items), runtime)] = collected
        out: dict[str, Any] = {}
        for entry in collected:
            if entry.conditions and not self.passes(entry.conditions):
                continue
            item = entry.field
            key = item.key
            if key in out:
                continue  # merged into the first included occurrence
            plain = item.plain
            if plain:  # scalar leaf: no completion needed
                value = data.get(key)
                if value is None and plain == 2:
                    self._null_in_non_null(runtime, item, (path, key))
                    return _BUBBLE
                out[key] = value
                continue
            if item.name == TYPENAME:
                out[key] = runtime
                continue
            assert item.type is not None
            value = self.complete(runtime, item, item.type, data.get(key), (path, key))
            if value is _BUBBLE:
                return _BUBBLE
            out[key] = value
        return out

    def complete(
        self, parent: str | None, item: NField, type_: GraphQLOutputType, value: Any, path: Where
    ) -> Any:
        if isinstance(type_, GraphQLNonNull):
            result = self.complete(parent, item, type_.of_type, value, path)
            if result is None:
                self._null_in_non_null(parent, item, path)
                return _BUBBLE
            return result
        if value is None:
            return None
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                return None
            items = []
            for i, element in enumerate(value):
                completed = self.complete(parent, item, type_.of_type, element, (path, i))
                if completed is _BUBBLE:
                    return None
                items.append(completed)
            return items
        if item.selections is None:
            if isinstance(type_, GraphQLEnumType):
                allowed = self.api_enums.get(type_.name)
                if allowed is not None and value not in allowed:
                    self.errors.append(
                        {
                            "message": f"Enum value {value!r} is not valid for type {type_.name}",
                            "path": path_of(path),
                            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
                        }
                    )
                    return None
            return value
        if not isinstance(value, dict):
            return None
        if is_abstract_type(type_):
            runtime = value.get(TYPENAME)
            if runtime is not None and runtime not in self.api_types:
                return None  # an @inaccessible implementation is invisible to clients
        else:
            runtime = get_named_type(type_).name
        shaped = self.object(item.selections, value, runtime, path)
        return None if shaped is _BUBBLE else shaped

    def _null_in_non_null(self, parent: str | None, item: NField, path: Where) -> None:
        """A null where the schema forbids one is a field error, unless an error already
        explains it (same path, an ancestor, a descendant, or a failure without a path)."""
        where = path_of(path)
        for error in self.errors:
            known = error.get("path")
            if not isinstance(known, list):
                return
            shared = min(len(known), len(where))
            if known[:shared] == where[:shared]:
                return
        self.errors.append(
            {
                "message": f"Cannot return null for non-nullable field {parent}.{item.name}.",
                "path": where,
                "extensions": {"code": "INTERNAL_SERVER_ERROR"},
            }
        )


def shape_response(
    *,
    operation: NormalizedOperation,
    data: dict[str, Any] | None,
    supergraph: Supergraph,
    variables: Mapping[str, Any],
    errors: list[dict[str, Any]],
) -> dict[str, Any] | None:
    shaper = _Shaper(supergraph, variables, errors, operation.collected)
    shaped = shaper.object(operation.selections, data or {}, operation.root_type, None)
    return None if shaped is _BUBBLE else shaped
