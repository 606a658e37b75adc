"""Selection sets of subgraph documents, built up by the walker and printed as GraphQL.

An ``OutSet`` is an ordered map of fields (by response key and conditions) and inline fragments
(by type condition and conditions); adding an existing entry returns it, so fields requested twice
(by the client, as a key, as a requirement) appear once.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import print_ast
from graphql.language import ast

from router.planner.operation import TYPENAME, Condition

__all__ = ["ALIAS_MARK", "KEY_MARK", "OutField", "OutFragment", "OutSet", "conditions_text"]

# Internal aliases look like `<key>__alias_<n>`; the executor merges them back under `<key>`.
ALIAS_MARK = "__alias_"
# Keys and requirements the planner adds under a response key a client alias already uses get
# `<name>__key`: kept apart in the merged data, read back only by representations.
KEY_MARK = "__key"


def conditions_text(conditions: tuple[Condition, ...]) -> str:
    return "".join(
        f" @{'include' if expected else 'skip'}(if: ${name})" for name, expected in conditions
    )


@dataclass(slots=True)
class OutField:
    key: str
    name: str
    alias: str | None
    arguments: tuple[ast.ArgumentNode, ...]
    conditions: tuple[Condition, ...]
    children: OutSet | None = None
    type_sig: str | None = None  # the field's type as the subgraph declares it


@dataclass(slots=True)
class OutFragment:
    type_condition: str
    conditions: tuple[Condition, ...]
    children: OutSet = field(default_factory=lambda: OutSet())  # noqa: PLW0108 - forward ref


@dataclass(slots=True)
class OutSet:
    entries: dict[tuple[str, str, tuple[Condition, ...]], OutField | OutFragment] = field(
        default_factory=dict
    )

    def __bool__(self) -> bool:
        return bool(self.entries)

    def __iter__(self) -> Iterator[OutField | OutFragment]:
        return iter(self.entries.values())

    def add_field(
        self,
        *,
        key: str,
        name: str,
        alias: str | None = None,
        arguments: tuple[ast.ArgumentNode, ...] = (),
        conditions: tuple[Condition, ...] = (),
        composite: bool = False,
        type_sig: str | None = None,
    ) -> OutField:
        ident = ("f", key, conditions)
        existing = self.entries.get(ident)
        if isinstance(existing, OutField):
            return existing
        created = OutField(
            key, name, alias, arguments, conditions, OutSet() if composite else None, type_sig
        )
        self.entries[ident] = created
        return created

    def merge(self, other: OutSet) -> None:
        """Add ``other``'s entries (recursively) to this selection."""
        for ident, entry in other.entries.items():
            mine = self.entries.get(ident)
            if mine is None:
                self.entries[ident] = entry
            elif mine.children is not None and entry.children is not None:
                mine.children.merge(entry.children)

    def add_typename(self) -> None:
        self.add_field(key=TYPENAME, name=TYPENAME)

    def add_fragment(
        self, type_condition: str, conditions: tuple[Condition, ...] = ()
    ) -> OutFragment:
        ident = ("t", type_condition, conditions)
        existing = self.entries.get(ident)
        if isinstance(existing, OutFragment):
            return existing
        created = OutFragment(type_condition, conditions)
        self.entries[ident] = created
        return created

    def prune(self) -> None:
        """Drop fragments left empty (type conditions that selected nothing)."""
        for ident, entry in list(self.entries.items()):
            children = entry.children
            if children is not None:
                children.prune()
                if isinstance(entry, OutFragment) and not children:
                    del self.entries[ident]

    def alias_conflicts(self) -> None:
        """Alias fields whose response key is shared, across sibling fragments, with a field of
        another type in this subgraph (``id: ID`` on one member, ``id: ID!`` on another), which
        the subgraph would reject as a field-merge conflict."""
        self._alias_in({}, [0])

    def _alias_in(self, seen: dict[str, str], counter: list[int]) -> None:
        for entry in self:
            if isinstance(entry, OutFragment):
                entry.children._alias_in(seen, counter)
                continue
            if entry.children is not None:
                entry.children.alias_conflicts()
            if entry.type_sig is None:
                continue
            first = seen.setdefault(entry.key, entry.type_sig)
            if first != entry.type_sig:
                counter[0] += 1
                entry.alias = f"{entry.key}{ALIAS_MARK}{counter[0]}"
                entry.key = entry.alias

    # ------------------------------------------------------------------------------ printing
    def print(self, indent: int = 0, *, pretty: bool = False) -> str:
        if not pretty:
            return "{" + " ".join(_entry_text(e, pretty=False, indent=0) for e in self) + "}"
        pad = "  " * (indent + 1)
        lines = [pad + _entry_text(e, pretty=True, indent=indent + 1) for e in self]
        return "{\n" + "\n".join(lines) + "\n" + "  " * indent + "}"

    def variables(self, into: set[str]) -> None:
        for entry in self:
            for name, _ in entry.conditions:
                into.add(name)
            if isinstance(entry, OutField):
                for argument in entry.arguments:
                    _collect_variables(argument.value, into)
            if entry.children is not None:
                entry.children.variables(into)

    def to_json(self) -> list[dict[str, Any]]:
        """Apollo's ``requires`` shape for fetch inputs."""
        result: list[dict[str, Any]] = []
        for entry in self:
            if isinstance(entry, OutField):
                item: dict[str, Any] = {"kind": "Field", "name": entry.name}
                if entry.alias:
                    item["alias"] = entry.alias
                if entry.children is not None:
                    item["selections"] = entry.children.to_json()
            else:
                item = {
                    "kind": "InlineFragment",
                    "typeCondition": entry.type_condition,
                    "selections": entry.children.to_json(),
                }
            result.append(item)
        return result


def _entry_text(entry: OutField | OutFragment, *, pretty: bool, indent: int) -> str:
    direct, nested = _split_conditions(entry.conditions)
    directives = conditions_text(direct)
    if isinstance(entry, OutFragment):
        text = f"... on {entry.type_condition}{directives} " + entry.children.print(
            indent, pretty=pretty
        )
    else:
        text = f"{entry.alias}: {entry.name}" if entry.alias else entry.name
        if entry.arguments:
            text += "(" + ", ".join(print_ast(a) for a in entry.arguments) + ")"
        text += directives
        if entry.children is not None:
            text += " " + entry.children.print(indent, pretty=pretty)
    for condition in nested:  # a directive may appear once per location: wrap the others
        text = "..." + conditions_text((condition,)) + " { " + text + " }"
    return text


def _split_conditions(
    conditions: tuple[Condition, ...],
) -> tuple[tuple[Condition, ...], tuple[Condition, ...]]:
    """Distinct conditions split into those printable on the selection itself (one
    ``@include`` and one ``@skip``) and the rest, printed as enclosing inline fragments."""
    direct: list[Condition] = []
    nested: list[Condition] = []
    kinds: set[bool] = set()
    for condition in dict.fromkeys(conditions):
        if condition[1] in kinds:
            nested.append(condition)
        else:
            kinds.add(condition[1])
            direct.append(condition)
    return tuple(direct), tuple(nested)


def _collect_variables(value: ast.ValueNode, into: set[str]) -> None:
    if isinstance(value, ast.VariableNode):
        into.add(value.name.value)
    elif isinstance(value, ast.ListValueNode):
        for item in value.values:
            _collect_variables(item, into)
    elif isinstance(value, ast.ObjectValueNode):
        for object_field in value.fields:
            _collect_variables(object_field.value, into)
