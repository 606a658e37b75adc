"""What the estimate and the actual count share: field collection and the cost of arguments.

`collect` groups a selection set's fields by (type selected on, response key), honours
`@skip`/`@include`, and expands fragments: all of them when the runtime type is unknown
(the estimate takes the sum over type conditions, an upper bound, as Apollo does), only
the matching ones when the response names the type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    InlineFragmentNode,
    SelectionSetNode,
    get_named_type,
    is_composite_type,
    value_from_ast_untyped,
)

from router.cost.schema import CostModel

__all__ = ["CollectedField", "CostWalker", "merged_selection_set"]


@dataclass(slots=True)
class CollectedField:
    parent: GraphQLObjectType | GraphQLInterfaceType
    name: str
    definition: GraphQLField
    nodes: list[FieldNode]


def merged_selection_set(nodes: list[FieldNode]) -> SelectionSetNode | None:
    sets = [node.selection_set for node in nodes if node.selection_set is not None]
    if not sets:
        return None
    if len(sets) == 1:
        return sets[0]
    return SelectionSetNode(selections=tuple(s for each in sets for s in each.selections))


class CostWalker:
    """Shared by the estimator and the actual counter: one operation's context."""

    def __init__(
        self,
        *,
        schema: GraphQLSchema,
        model: CostModel,
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.model = model
        self.fragments = fragments
        self.variables = variables

    def included(self, node: FieldNode | FragmentSpreadNode | InlineFragmentNode) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in {"skip", "include"}:
                continue
            condition = next(
                (a.value for a in directive.arguments or () if a.name.value == "if"), None
            )
            value = value_from_ast_untyped(condition, self.variables) if condition else False
            if (name == "skip") is bool(value):
                return False
        return True

    def _applies(self, condition: str | None, typename: str | None) -> bool:
        if condition is None or typename is None or condition == typename:
            return True
        condition_type = self.schema.get_type(condition)
        runtime = self.schema.get_type(typename)
        if not isinstance(runtime, GraphQLObjectType):
            return False
        if isinstance(condition_type, GraphQLInterfaceType | GraphQLUnionType):
            return self.schema.is_sub_type(condition_type, runtime)
        return False

    def collect(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLCompositeType,
        typename: str | None,
        into: dict[tuple[str, str], CollectedField] | None = None,
        visited: frozenset[str] = frozenset(),
    ) -> dict[tuple[str, str], CollectedField]:
        fields = {} if into is None else into
        for selection in selection_set.selections:
            if not self.included(selection):  # type: ignore[arg-type]
                continue
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__") or not isinstance(
                    parent, GraphQLObjectType | GraphQLInterfaceType
                ):
                    continue
                definition = parent.fields.get(name)
                if definition is None:
                    continue
                key = (parent.name, selection.alias.value if selection.alias else name)
                if key in fields:
                    fields[key].nodes.append(selection)
                else:
                    fields[key] = CollectedField(parent, name, definition, [selection])
            elif isinstance(selection, InlineFragmentNode):
                condition = (
                    selection.type_condition.name.value if selection.type_condition else None
                )
                if self._applies(condition, typename):
                    target = self._type(condition) or parent
                    self.collect(selection.selection_set, target, typename, fields, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in visited:
                    continue
                condition = fragment.type_condition.name.value
                if self._applies(condition, typename):
                    target = self._type(condition) or parent
                    self.collect(fragment.selection_set, target, typename, fields, visited | {name})
        return fields

    def _type(self, name: str | None) -> GraphQLCompositeType | None:
        if name is None:
            return None
        found = self.schema.get_type(name)
        return found if is_composite_type(found) else None

    def field_weight(self, collected: CollectedField) -> int:
        """`@cost` of the field, else of its type, else 1 for composite types and 0 for leaves."""
        weight = self.model.field_weights.get((collected.parent.name, collected.name))
        if weight is not None:
            return weight
        named = get_named_type(collected.definition.type)
        type_weight = self.model.type_weights.get(named.name)
        if type_weight is not None:
            return type_weight
        return 1 if is_composite_type(named) else 0

    def arguments_cost(self, collected: CollectedField) -> float:
        """`@cost` of each argument given, plus that of the input values it carries."""
        node = collected.nodes[0]
        total = 0.0
        for argument in node.arguments or ():
            name = argument.name.value
            definition = collected.definition.args.get(name)
            if definition is None:
                continue
            weight = self.model.argument_weights.get(
                (collected.parent.name, collected.name, name), 0
            )
            value = value_from_ast_untyped(argument.value, self.variables)
            total += weight + self.input_cost(definition.type, value)
        return total

    def input_cost(self, type_: GraphQLInputType, value: Any) -> float:
        if value is None:
            return 0.0
        if isinstance(type_, GraphQLNonNull):
            return self.input_cost(type_.of_type, value)
        if isinstance(type_, GraphQLList):
            items = value if isinstance(value, list) else [value]
            return sum(self.input_cost(type_.of_type, item) for item in items)
        total = float(self.model.type_weights.get(type_.name, 0))
        if isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
            for name, item in value.items():
                input_field = type_.fields.get(name)
                if input_field is not None:
                    total += self.model.input_field_weights.get((type_.name, name), 0)
                    total += self.input_cost(input_field.type, item)
        return total
