"""The cost annotations of a supergraph, read once into lookup tables.

The supergraph links the cost spec (`@link(url: "https://specs.apollo.dev/cost/v0.1",
import: [...])`) and carries `@cost(weight:)` and `@listSize(...)` on the API schema's
elements (the composer copies them from the subgraphs). The link decides the names:
`@cost` and `@listSize` when imported (possibly renamed with `as`), `@<spec>__listSize`
otherwise. `CostModel.from_supergraph` resolves those names from the raw SDL, then walks
the API schema's definitions once; estimation never touches the AST of the schema again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DirectiveNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    parse,
    value_from_ast_untyped,
)
from graphql.language import ast

__all__ = ["COST_SPEC", "CostModel", "ListSize"]

COST_SPEC = "https://specs.apollo.dev/cost/"


@dataclass(frozen=True, slots=True)
class ListSize:
    """`@listSize` of one field."""

    assumed_size: int | None = None
    slicing_arguments: tuple[str, ...] = ()
    sized_fields: tuple[str, ...] = ()
    require_one_slicing_argument: bool = True


@dataclass(slots=True)
class CostModel:
    """Weights and list sizes by schema coordinate (`Type`, `Type.field`, `Type.field(arg:)`)."""

    type_weights: dict[str, int] = field(default_factory=dict)
    field_weights: dict[tuple[str, str], int] = field(default_factory=dict)
    argument_weights: dict[tuple[str, str, str], int] = field(default_factory=dict)
    input_field_weights: dict[tuple[str, str], int] = field(default_factory=dict)
    list_sizes: dict[tuple[str, str], ListSize] = field(default_factory=dict)

    @classmethod
    def from_supergraph(cls, sdl: str, api_schema: GraphQLSchema) -> CostModel:
        cost_name, list_size_name = _directive_names(sdl)
        model = cls()
        for type_name, named in api_schema.type_map.items():
            if type_name.startswith("__"):
                continue
            weight = _weight(_nodes(named), cost_name)
            if weight is not None:
                model.type_weights[type_name] = weight
            if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
                model._read_fields(named, cost_name, list_size_name)
            elif isinstance(named, GraphQLInputObjectType):
                for input_name, input_field in named.fields.items():
                    weight = _weight([input_field.ast_node], cost_name)
                    if weight is not None:
                        model.input_field_weights[type_name, input_name] = weight
        return model

    def _read_fields(
        self, named: GraphQLObjectType | GraphQLInterfaceType, cost_name: str, list_size_name: str
    ) -> None:
        for field_name, definition in named.fields.items():
            node = definition.ast_node
            weight = _weight([node], cost_name)
            if weight is not None:
                self.field_weights[named.name, field_name] = weight
            for argument_name, argument in definition.args.items():
                weight = _weight([argument.ast_node], cost_name)
                if weight is not None:
                    self.argument_weights[named.name, field_name, argument_name] = weight
            sizes = _arguments(node, list_size_name)
            if sizes is not None:
                self.list_sizes[named.name, field_name] = ListSize(
                    assumed_size=sizes.get("assumedSize"),
                    slicing_arguments=tuple(sizes.get("slicingArguments") or ()),
                    sized_fields=tuple(sizes.get("sizedFields") or ()),
                    require_one_slicing_argument=sizes.get("requireOneSlicingArgument", True)
                    is not False,
                )

    @property
    def is_empty(self) -> bool:
        return not (
            self.type_weights
            or self.field_weights
            or self.argument_weights
            or self.input_field_weights
            or self.list_sizes
        )


def _nodes(named: Any) -> list[Any]:
    if not isinstance(
        named,
        GraphQLObjectType
        | GraphQLInterfaceType
        | GraphQLEnumType
        | GraphQLScalarType
        | GraphQLInputObjectType,
    ):
        return []
    return [named.ast_node, *named.extension_ast_nodes]


def _arguments(node: Any, directive_name: str) -> dict[str, Any] | None:
    directives: tuple[DirectiveNode, ...] = getattr(node, "directives", None) or ()
    for directive in directives:
        if directive.name.value == directive_name:
            return {
                argument.name.value: value_from_ast_untyped(argument.value)
                for argument in directive.arguments or ()
            }
    return None


def _weight(nodes: list[Any], cost_name: str) -> int | None:
    for node in nodes:
        arguments = _arguments(node, cost_name)
        if arguments is not None and isinstance(arguments.get("weight"), int):
            weight: int = arguments["weight"]
            return weight
    return None


def _directive_names(sdl: str) -> tuple[str, str]:
    """The names `@cost` and `@listSize` have in this supergraph (see the module docstring)."""
    cost_name, list_size_name = "cost", "cost__listSize"
    document = parse(sdl, no_location=True)
    for definition in document.definitions:
        if not isinstance(definition, ast.SchemaDefinitionNode | ast.SchemaExtensionNode):
            continue
        for directive in definition.directives or ():
            if directive.name.value != "link":
                continue
            link = {
                a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()
            }
            url = link.get("url")
            if not isinstance(url, str) or not url.startswith(COST_SPEC):
                continue
            prefix = link.get("as") or "cost"
            cost_name, list_size_name = prefix, f"{prefix}__listSize"
            for item in link.get("import") or ():
                imported, alias = (
                    (item, item) if isinstance(item, str) else (item["name"], item.get("as"))
                )
                alias = (alias or imported).lstrip("@")
                if imported == "@cost":
                    cost_name = alias
                elif imported == "@listSize":
                    list_size_name = alias
    return cost_name, list_size_name
