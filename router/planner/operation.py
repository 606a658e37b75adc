"""Normalisation: a client operation as a tree the planner and the response shaper both walk.

Named fragments are inlined, literal ``@skip``/``@include`` are applied, variable conditions are
kept on each item as ``(variable, expected)`` pairs, and fields with one response key and one set
of conditions are merged. Every field remembers its output type (for null propagation later).
``collect_fields`` is the spec's CollectFields on this tree, per runtime type, for shaping.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from graphql import (
    GraphQLField,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    get_named_type,
    is_composite_type,
    is_interface_type,
    is_object_type,
    parse,
)
from graphql.language import ast

__all__ = [
    "Collected",
    "Condition",
    "Item",
    "NField",
    "NFragment",
    "NormalizedOperation",
    "PlanningError",
    "collect_fields",
    "normalize",
    "parse_field_set",
]

Condition = tuple[str, bool]  # (variable name, value the variable must have for inclusion)

TYPENAME = "__typename"


class PlanningError(Exception):
    """The operation cannot be planned against this supergraph."""


@dataclass(slots=True)
class NField:
    key: str
    name: str
    alias: str | None
    arguments: tuple[ast.ArgumentNode, ...]
    conditions: tuple[Condition, ...]
    type: GraphQLOutputType | None  # None for __typename
    selections: list[Item] | None = None
    # shaping fast path: 1 = nullable scalar leaf, 2 = non-null scalar leaf, 0 = anything else
    plain: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        type_ = self.type
        non_null = isinstance(type_, GraphQLNonNull)
        if non_null:
            type_ = type_.of_type  # type: ignore[union-attr]
        if isinstance(type_, GraphQLScalarType):
            self.plain = 2 if non_null else 1

    @property
    def type_name(self) -> str:
        assert self.type is not None
        return get_named_type(self.type).name


@dataclass(slots=True)
class NFragment:
    type_condition: str | None
    conditions: tuple[Condition, ...]
    selections: list[Item] = field(default_factory=list)


Item = NField | NFragment


@dataclass(slots=True)
class NormalizedOperation:
    kind: str  # "query" | "mutation" | "subscription"
    name: str | None
    root_type: str
    selections: list[Item]
    variable_definitions: dict[str, ast.VariableDefinitionNode]
    # per (id of a selection list, runtime type): ``collect_fields`` of it, filled lazily while
    # shaping responses and cached with the plan
    collected: dict[tuple[int, str | None], tuple[Collected, ...]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Collected:
    """One field occurrence of a selection set as CollectFields sees it for a runtime type: the
    conditions including those of enclosing fragments, and the merged field for its response
    key (the first occurrence, with the sub-selections of every occurrence)."""

    conditions: tuple[Condition, ...]
    field: NField


def collect_fields(
    items: list[Item], runtime: str | None, applies: Callable[[str | None, str | None], bool]
) -> tuple[Collected, ...]:
    """The spec's CollectFields over ``items`` for objects of type ``runtime``, with variable
    conditions kept: fragments that apply are inlined, and fields sharing a response key are
    merged into one field whose sub-selection holds each occurrence's under its conditions.
    Emit an occurrence whose conditions hold and whose key is not yet in the response."""
    occurrences: list[tuple[tuple[Condition, ...], NField]] = []
    _occurrences(items, (), runtime, applies, occurrences)
    by_key: dict[str, list[tuple[tuple[Condition, ...], NField]]] = {}
    for conditions, item in occurrences:
        by_key.setdefault(item.key, []).append((conditions, item))
    merged: dict[str, NField] = {}
    for key, group in by_key.items():
        first = group[0][1]
        if len(group) == 1 or first.selections is None:
            merged[key] = first
            continue
        selections: list[Item] = []
        for conditions, item in group:
            if conditions:
                selections.append(NFragment(None, conditions, item.selections or []))
            else:
                selections.extend(item.selections or ())
        merged[key] = replace(first, conditions=(), selections=selections)
    return tuple(Collected(conditions, merged[item.key]) for conditions, item in occurrences)


def _occurrences(
    items: list[Item],
    conditions: tuple[Condition, ...],
    runtime: str | None,
    applies: Callable[[str | None, str | None], bool],
    into: list[tuple[tuple[Condition, ...], NField]],
) -> None:
    for item in items:
        if isinstance(item, NField):
            into.append((conditions + item.conditions, item))
        elif applies(item.type_condition, runtime):
            _occurrences(item.selections, conditions + item.conditions, runtime, applies, into)


def _conditions(
    directives: Sequence[ast.DirectiveNode] | None,
) -> tuple[Condition, ...] | None:
    """Variable conditions of a selection, or None when a literal condition excludes it."""
    result: list[Condition] = []
    for directive in directives or ():
        name = directive.name.value
        if name not in {"skip", "include"}:
            continue
        value = next((a.value for a in directive.arguments or () if a.name.value == "if"), None)
        expected = name == "include"
        if isinstance(value, ast.BooleanValueNode):
            if value.value != expected:
                return None
        elif isinstance(value, ast.VariableNode):
            result.append((value.name.value, expected))
    return tuple(result)


class _Normalizer:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, ast.FragmentDefinitionNode]):
        self.schema = schema
        self.fragments = fragments

    def selection_set(
        self,
        parent: GraphQLNamedType,
        selection_set: ast.SelectionSetNode,
        visiting: frozenset[str],
    ) -> list[Item]:
        items: list[Item] = []
        by_key: dict[tuple[str, tuple[Condition, ...]], NField] = {}
        for selection in selection_set.selections:
            conditions = _conditions(selection.directives)
            if conditions is None:
                continue
            if isinstance(selection, ast.FieldNode):
                self._field(
                    parent, selection, conditions, items=items, by_key=by_key, visiting=visiting
                )
            elif isinstance(selection, ast.InlineFragmentNode):
                cond = selection.type_condition.name.value if selection.type_condition else None
                target = self.schema.get_type(cond) if cond else parent
                if target is None:
                    raise PlanningError(f"unknown type {cond}")
                sub = self.selection_set(target, selection.selection_set, visiting)
                items.append(NFragment(cond, conditions, sub))
            elif isinstance(selection, ast.FragmentSpreadNode):
                name = selection.name.value
                definition = self.fragments.get(name)
                if definition is None or name in visiting:
                    raise PlanningError(f"unknown or cyclic fragment {name}")
                cond = definition.type_condition.name.value
                target = self.schema.get_type(cond)
                if target is None:
                    raise PlanningError(f"unknown type {cond}")
                sub = self.selection_set(target, definition.selection_set, visiting | {name})
                items.append(NFragment(cond, conditions, sub))
        return items

    def _field(
        self,
        parent: GraphQLNamedType,
        node: ast.FieldNode,
        conditions: tuple[Condition, ...],
        *,
        items: list[Item],
        by_key: dict[tuple[str, tuple[Condition, ...]], NField],
        visiting: frozenset[str],
    ) -> None:
        name = node.name.value
        key = node.alias.value if node.alias else name
        if name == TYPENAME:
            items.append(
                NField(key, name, node.alias.value if node.alias else None, (), conditions, None)
            )
            return
        definition = _field_def(parent, name)
        sub: list[Item] | None = None
        if node.selection_set is not None:
            sub = self.selection_set(get_named_type(definition.type), node.selection_set, visiting)
        existing = by_key.get((key, conditions))
        if existing is not None and existing.name == name:
            if sub is not None:
                assert existing.selections is not None
                existing.selections.extend(sub)
            return
        created = NField(
            key,
            name,
            node.alias.value if node.alias else None,
            tuple(node.arguments or ()),
            conditions,
            definition.type,
            sub,
        )
        by_key[(key, conditions)] = created
        items.append(created)


def _field_def(parent: GraphQLNamedType, name: str) -> GraphQLField:
    if not (is_object_type(parent) or is_interface_type(parent)):
        raise PlanningError(f"cannot select {name} on {parent.name}")
    definition: GraphQLField | None = parent.fields.get(name)
    if definition is None:
        raise PlanningError(f"unknown field {parent.name}.{name}")
    return definition


def normalize(
    schema: GraphQLSchema, document: ast.DocumentNode, operation_name: str | None
) -> NormalizedOperation:
    operations = [d for d in document.definitions if isinstance(d, ast.OperationDefinitionNode)]
    if operation_name is not None:
        operations = [o for o in operations if o.name and o.name.value == operation_name]
    if len(operations) != 1:
        raise PlanningError("operation not found or ambiguous")
    operation = operations[0]
    kind = operation.operation.value
    root = {
        "query": schema.query_type,
        "mutation": schema.mutation_type,
        "subscription": schema.subscription_type,
    }[kind]
    if root is None:
        raise PlanningError(f"schema has no {kind} type")
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, ast.FragmentDefinitionNode)
    }
    items = _Normalizer(schema, fragments).selection_set(root, operation.selection_set, frozenset())
    variables = {v.variable.name.value: v for v in operation.variable_definitions or ()}
    name = operation.name.value if operation.name else None
    return NormalizedOperation(kind, name, root.name, items, variables)


def parse_field_set(schema: GraphQLSchema, type_name: str, field_set: str) -> list[Item]:
    """A ``@key``/``@requires``/``@provides`` field set as normalised items on ``type_name``."""
    parent = schema.get_type(type_name)
    if parent is None or not is_composite_type(parent):
        raise PlanningError(f"field set on unknown type {type_name}")
    document = parse("{" + field_set + "}", no_location=True)
    operation = document.definitions[0]
    assert isinstance(operation, ast.OperationDefinitionNode)
    return _Normalizer(schema, {}).selection_set(parent, operation.selection_set, frozenset())
