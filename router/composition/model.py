"""The schema model that every composition stage reads and writes.

One model serves both sides: a subgraph schema after parsing (federation directives under their
canonical names) and the supergraph being merged. Applied directives keep their arguments as
GraphQL literals (graphql-core value nodes), so printing them back is exact.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import StrEnum

from graphql.language import (
    BooleanValueNode,
    EnumValueNode,
    ListValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
    VariableNode,
    print_ast,
)


class Kind(StrEnum):
    SCALAR = "scalar"
    OBJECT = "type"
    INTERFACE = "interface"
    UNION = "union"
    ENUM = "enum"
    INPUT = "input"


BUILT_IN_SCALARS = frozenset({"String", "Int", "Float", "Boolean", "ID"})
ROOT_KINDS = ("query", "mutation", "subscription")
DEFAULT_ROOT_NAMES = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}


@dataclass
class Directive:
    """An applied directive: `@name(arg: value, ...)`, arguments in source order."""

    name: str
    args: dict[str, ValueNode] = field(default_factory=dict)
    in_extension: bool = False

    def string(self, arg: str) -> str | None:
        value = self.args.get(arg)
        return value.value if isinstance(value, StringValueNode | EnumValueNode) else None

    def boolean(self, arg: str, default: bool) -> bool:
        value = self.args.get(arg)
        return value.value if isinstance(value, BooleanValueNode) else default

    def strings(self, arg: str) -> list[str]:
        value = self.args.get(arg)
        if isinstance(value, ListValueNode):
            return [v.value for v in value.values if isinstance(v, StringValueNode)]
        if isinstance(value, StringValueNode):
            return [value.value]
        return []

    def printed_args(self) -> str:
        return ", ".join(f"{name}: {print_value(value)}" for name, value in self.args.items())

    def __str__(self) -> str:
        return f"@{self.name}({self.printed_args()})" if self.args else f"@{self.name}"


def print_value(value: ValueNode) -> str:
    """A GraphQL literal printed as Apollo prints it (`{a: 1, b: [X, Y]}`, JSON-quoted strings)."""
    if isinstance(value, StringValueNode):
        return json.dumps(value.value, ensure_ascii=False)
    if isinstance(value, ListValueNode):
        return "[" + ", ".join(print_value(v) for v in value.values) + "]"
    if isinstance(value, ObjectValueNode):
        fields = ", ".join(f"{f.name.value}: {print_value(f.value)}" for f in value.fields)
        return "{" + fields + "}"
    if isinstance(value, VariableNode):
        return "$" + value.name.value
    return print_ast(value)


def string_value(value: str) -> StringValueNode:
    return StringValueNode(value=value)


def enum_value(value: str) -> EnumValueNode:
    return EnumValueNode(value=value)


def boolean_value(value: bool) -> BooleanValueNode:
    return BooleanValueNode(value=value)


@dataclass
class Directed:
    """Anything that carries a description and applied directives."""

    name: str
    description: str | None = None
    directives: list[Directive] = field(default_factory=list)

    def applied(self, name: str) -> list[Directive]:
        return [d for d in self.directives if d.name == name]

    def has(self, name: str) -> bool:
        return any(d.name == name for d in self.directives)

    def first(self, name: str) -> Directive | None:
        return next((d for d in self.directives if d.name == name), None)

    def remove(self, name: str) -> None:
        self.directives = [d for d in self.directives if d.name != name]


@dataclass
class InputValue(Directed):
    """An argument or an input field."""

    type: str = "String"
    default: ValueNode | None = None

    @property
    def is_required(self) -> bool:
        return self.type.endswith("!") and self.default is None


@dataclass
class Field(Directed):
    type: str = "String"
    args: dict[str, InputValue] = field(default_factory=dict)
    parent: str = ""
    in_extension: bool = False

    @property
    def coordinate(self) -> str:
        return f"{self.parent}.{self.name}"


@dataclass
class EnumValue(Directed):
    pass


@dataclass
class TypeDef(Directed):
    kind: Kind = Kind.OBJECT
    fields: dict[str, Field] = field(default_factory=dict)
    interfaces: list[str] = field(default_factory=list)
    members: list[str] = field(default_factory=list)
    values: dict[str, EnumValue] = field(default_factory=dict)
    input_fields: dict[str, InputValue] = field(default_factory=dict)
    # Defined only through `extend type` (no plain definition in this schema).
    extension_only: bool = False

    @property
    def is_composite(self) -> bool:
        return self.kind in (Kind.OBJECT, Kind.INTERFACE, Kind.UNION)


@dataclass
class DirectiveDef:
    name: str
    args: dict[str, InputValue] = field(default_factory=dict)
    locations: list[str] = field(default_factory=list)
    repeatable: bool = False
    description: str | None = None


def base_type(type_ref: str) -> str:
    return type_ref.strip("[]!")


def is_list(type_ref: str) -> bool:
    return type_ref.rstrip("!").startswith("[")
