"""Helpers on field sets (keys, requirements, provides) and the selections they become."""

from __future__ import annotations

from graphql import print_ast
from graphql.language import ast

from router.planner.graph import Provided, is_abstract_output, merge_provided
from router.planner.operation import Item, NField, NFragment
from router.planner.selection import OutField, OutSet

__all__ = ["clash", "copy_items", "provided_for"]


def provided_for(provided: Provided | None, concrete: str) -> Provided | None:
    """What ``@provides`` makes local once an abstract position is known to be ``concrete``."""
    if not provided:
        return None
    base = {k: v for k, v in provided.items() if not k.startswith("...")}
    return merge_provided(base, provided.get("..." + concrete))


def copy_items(type_name: str, items: list[Item] | tuple[Item, ...], target: OutSet) -> None:
    """Write a key/requires field set into a representation selection (abstract positions get
    ``__typename``, so type conditions can be checked when projecting)."""
    for item in items:
        if isinstance(item, NFragment):
            condition = item.type_condition or type_name
            fragment = target.add_fragment(condition)
            fragment.children.add_typename()
            copy_items(condition, item.selections, fragment.children)
            continue
        out = target.add_field(
            key=item.key,
            name=item.name,
            alias=item.alias,
            arguments=item.arguments,
            composite=item.selections is not None,
        )
        if item.selections and out.children is not None:
            if is_abstract_output(item):
                out.children.add_typename()
            copy_items(item.type_name, item.selections, out.children)


def _arguments(arguments: tuple[ast.ArgumentNode, ...]) -> tuple[str, ...]:
    return tuple(print_ast(a) for a in arguments)


def clash(selection: OutSet, item: NField, *, by_name: bool) -> bool:
    """Would adding ``item`` to ``selection`` merge it with the same field under other arguments
    (compared by response key, or by field name inside representations)?"""
    wanted = item.name if by_name else item.key
    for entry in selection:
        if not isinstance(entry, OutField) or (entry.name if by_name else entry.key) != wanted:
            continue
        if entry.name != item.name or _arguments(entry.arguments) != _arguments(item.arguments):
            return True
        if entry.children is not None and item.selections:
            for sub in item.selections:
                if isinstance(sub, NField) and clash(entry.children, sub, by_name=by_name):
                    return True
    return False
