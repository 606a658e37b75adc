"""Field sets of `@key`, `@requires` and `@provides`: parsing them, walking them over a schema."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from graphql import GraphQLSyntaxError
from graphql.language import FieldNode, InlineFragmentNode, SelectionSetNode, parse

from router.composition.model import Kind, TypeDef, base_type
from router.composition.subgraph import Subgraph


@lru_cache(maxsize=4096)
def parse_field_set(fields: str) -> SelectionSetNode | None:
    """The selection set `{ fields }`, or None when it is not valid GraphQL."""
    try:
        document = parse("{" + fields + "}", no_location=True)
    except GraphQLSyntaxError:
        return None
    operation = document.definitions[0]
    selection: SelectionSetNode | None = getattr(operation, "selection_set", None)
    if selection is None or _has_empty_selection(selection):
        return None  # graphql-core accepts `{ }`, GraphQL (and Apollo) does not
    return selection


def _has_empty_selection(selection: SelectionSetNode) -> bool:
    if not selection.selections:
        return True
    for node in selection.selections:
        nested = getattr(node, "selection_set", None)
        if nested is not None and _has_empty_selection(nested):
            return True
    return False


def top_level_names(selection: SelectionSetNode) -> set[str]:
    return {s.name.value for s in selection.selections if isinstance(s, FieldNode)}


@dataclass(frozen=True)
class Target:
    """One field a field set selects: `parent.field` in the subgraph (definition may be absent)."""

    parent: TypeDef
    name: str
    selection: FieldNode


@dataclass(frozen=True)
class Problem:
    """Why a field set does not fit the schema (the caller picks the error code)."""

    kind: str  # "unknown_field" | "unknown_type" | "bad_fragment" | "has_args" | "no_subselection"
    #           | "leaf_subselection" | "directive"
    message: str


def walk(
    subgraph: Subgraph, parent: TypeDef, selection: SelectionSetNode
) -> Iterator[Target | Problem]:
    """Yield every field selected (depth first), and a Problem wherever the set does not fit."""
    for node in selection.selections:
        if isinstance(node, InlineFragmentNode):
            condition = node.type_condition.name.value if node.type_condition else parent.name
            target = subgraph.type(condition)
            if target is None:
                yield Problem("unknown_type", f'Unknown type "{condition}"')
                continue
            if not _can_apply(subgraph, parent, target):
                yield Problem(
                    "bad_fragment",
                    f'Fragment cannot be spread here as objects of type "{parent.name}" '
                    f'can never be of type "{condition}".',
                )
                continue
            yield from walk(subgraph, target, node.selection_set)
            continue
        if not isinstance(node, FieldNode):
            yield Problem("bad_fragment", "Named fragments are not allowed in field sets")
            continue
        name = node.name.value
        if node.directives:
            yield Problem("directive", f'cannot have directive applications (on "{name}")')
        if name == "__typename":
            continue
        field_def = parent.fields.get(name) if parent.kind != Kind.UNION else None
        if field_def is None:
            yield Problem("unknown_field", f'Cannot query field "{name}" on type "{parent.name}"')
            continue
        if field_def.args:
            yield Problem(
                "has_args",
                f"field {parent.name}.{name} cannot be included because it has arguments",
            )
        yield Target(parent, name, node)
        target_type = subgraph.type(base_type(field_def.type))
        is_composite = target_type is not None and target_type.is_composite
        if node.selection_set is not None:
            if not is_composite or target_type is None:
                yield Problem(
                    "leaf_subselection",
                    f'Field "{name}" must not have a selection since type '
                    f'"{field_def.type}" has no subfields.',
                )
                continue
            yield from walk(subgraph, target_type, node.selection_set)
        elif is_composite:
            yield Problem(
                "no_subselection",
                f'Field "{name}" of type "{field_def.type}" must have a selection of subfields.',
            )


def _can_apply(subgraph: Subgraph, parent: TypeDef, condition: TypeDef) -> bool:
    if parent.name == condition.name:
        return True
    return bool(_possible(subgraph, parent) & _possible(subgraph, condition))


def _possible(subgraph: Subgraph, typedef: TypeDef) -> set[str]:
    if typedef.kind == Kind.OBJECT:
        return {typedef.name}
    if typedef.kind == Kind.UNION:
        return set(typedef.members)
    return {t.name for t in subgraph.types.values() if typedef.name in t.interfaces}


def targets(subgraph: Subgraph, parent: TypeDef, fields: str) -> list[Target]:
    """The fields the set selects, up to the first one that does not exist (as Apollo collects
    them without validating)."""
    selection = parse_field_set(fields)
    if selection is None:
        return []
    found = []
    for item in walk(subgraph, parent, selection):
        if isinstance(item, Target):
            found.append(item)
        elif item.kind in ("unknown_field", "unknown_type", "bad_fragment"):
            break
    return found
