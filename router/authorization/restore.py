"""Put the removed fields back into the response: `null`, an error, null propagation.

Walks only the response positions under which something was removed (the `Node` tree
from `filter.py`), so its cost follows the removals, not the response. At each position
a removed field applies to (its type conditions met by the object's runtime type, its
`@skip`/`@include` letting it through) the key gets `null` and an error
`UNAUTHORIZED_FIELD_OR_TYPE` with that response path. A removed non-null field nulls
its parent, and so on up to the nearest nullable position (GraphQL's rules; the whole
`data` when nothing on the way is nullable). Keys come back in the order asked.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    BooleanValueNode,
    DirectiveNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLSchema,
    VariableNode,
    is_abstract_type,
    is_object_type,
)

from router.authorization.filter import TYPENAME_KEY, Node

__all__ = ["UNAUTHORIZED_FIELD_OR_TYPE", "restore"]

UNAUTHORIZED_FIELD_OR_TYPE = "UNAUTHORIZED_FIELD_OR_TYPE"
_MESSAGE = "Unauthorized field or type"

_BUBBLE: Any = object()
Path = tuple[Any, str | int] | None


def _path_list(path: Path) -> list[str | int]:
    keys: list[str | int] = []
    while path is not None:
        path, key = path
        keys.append(key)
    keys.reverse()
    return keys


class _Restorer:
    def __init__(self, schema: GraphQLSchema, variables: Mapping[str, Any]) -> None:
        self.schema = schema
        self.variables = variables
        self.errors: list[dict[str, Any]] = []
        self._reported: set[tuple[str | int, ...]] = set()

    def included(self, directives: tuple[DirectiveNode, ...]) -> bool:
        for directive in directives:
            name = directive.name.value
            if name not in {"skip", "include"}:
                continue
            value: Any = None
            for argument in directive.arguments or ():
                if argument.name.value == "if":
                    node = argument.value
                    if isinstance(node, BooleanValueNode):
                        value = node.value
                    elif isinstance(node, VariableNode):
                        value = self.variables.get(node.name.value)
            if bool(value) == (name == "skip"):
                return False
        return True

    def report(self, path: list[str | int]) -> None:
        """One error per response position (a key selected twice is reported once)."""
        marker = tuple(path)
        if marker not in self._reported:
            self._reported.add(marker)
            self.errors.append(
                {
                    "message": _MESSAGE,
                    "path": path,
                    "extensions": {"code": UNAUTHORIZED_FIELD_OR_TYPE},
                }
            )

    def applies(self, conditions: tuple[str, ...], runtime: str | None) -> bool:
        for condition in conditions:
            if condition == runtime:
                continue
            if runtime is None:
                return False
            abstract = self.schema.get_type(condition)
            concrete = self.schema.get_type(runtime)
            if not (
                is_abstract_type(abstract)
                and is_object_type(concrete)
                and self.schema.is_sub_type(abstract, concrete)
            ):
                return False
        return True

    def object(self, value: dict[str, Any], node: Node, path: Path) -> Any:
        runtime = value.pop(TYPENAME_KEY, None) if node.typename else None
        if runtime is None:
            runtime = node.static_type
        bubble = inserted = False
        for entry in node.entries:
            if not self.included(entry.directives) or not self.applies(entry.conditions, runtime):
                continue
            key = entry.key
            if entry.node is None:
                inserted = inserted or key not in value
                value[key] = None
                self.report(_path_list((path, key)))
                bubble = bubble or isinstance(entry.type, GraphQLNonNull)
            elif key in value:
                completed = self.complete(value[key], entry.type, entry.node, (path, key))
                if completed is _BUBBLE:
                    bubble = True
                else:
                    value[key] = completed
        if bubble:
            return _BUBBLE
        if inserted:
            ordered = {key: value[key] for key in node.order if key in value}
            ordered.update(value)
            return ordered
        return value

    def complete(self, value: Any, type_: GraphQLOutputType, node: Node, path: Path) -> Any:
        if isinstance(type_, GraphQLNonNull):
            completed = self.complete(value, type_.of_type, node, path)
            return _BUBBLE if completed is None or completed is _BUBBLE else completed
        if value is None:
            return None
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                return value
            for index, element in enumerate(value):
                completed = self.complete(element, type_.of_type, node, (path, index))
                if completed is _BUBBLE:
                    return None
                value[index] = completed
            return value
        if not isinstance(value, dict):
            return value
        shaped = self.object(value, node, path)
        return None if shaped is _BUBBLE else shaped


def restore(
    data: dict[str, Any],
    *,
    root: Node,
    schema: GraphQLSchema,
    variables: Mapping[str, Any],
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """(data with the removed fields back as null, their errors)."""
    restorer = _Restorer(schema, variables)
    shaped = restorer.object(data, root, None)
    return (None if shaped is _BUBBLE else shaped), restorer.errors
