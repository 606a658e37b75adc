"""Static cost estimate of an operation (cost spec v0.1, `static_estimated` strategy).

For each field: its weight (`@cost` on the field, else on its type, else 1 for objects,
interfaces and unions and 0 for scalars and enums), plus the cost of its selection set,
both multiplied by the list size when the field returns a list, plus the cost of its
arguments and input values. A mutation adds 10. The list size comes from `@listSize`:

- `slicingArguments`: the value of the slicing argument given (or its default); with
  several given, the largest; `requireOneSlicingArgument` demands exactly one;
- `sizedFields`: the size applies to those child fields (a connection's `edges`), not to
  the field itself;
- `assumedSize` when no slicing argument has a value; else the configured `list_size`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import (
    GraphQLCompositeType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_composite_type,
    value_from_ast_untyped,
)
from graphql.utilities.coerce_input_value import coerce_default_value

from router.cost.walk import CollectedField, CostWalker, merged_selection_set

__all__ = ["MUTATION_BASE_COST", "CostEstimator", "SlicingArgumentError"]

MUTATION_BASE_COST = 10


class SlicingArgumentError(Exception):
    """A field with `requireOneSlicingArgument` got none or several slicing arguments."""


def _list_depth(type_: GraphQLOutputType) -> int:
    depth = 0
    while True:
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        elif isinstance(type_, GraphQLList):
            depth += 1
            type_ = type_.of_type
        else:
            return depth


class CostEstimator(CostWalker):
    """Estimate one operation; `list_size` is the size assumed for lists without @listSize.

    `strict` raises `SlicingArgumentError` where `requireOneSlicingArgument` is broken;
    otherwise such a field falls back to its assumed size.
    """

    def __init__(self, *, list_size: int, strict: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.list_size = list_size
        self.strict = strict

    def operation(self, operation: OperationDefinitionNode) -> float:
        root = self.schema.get_root_type(operation.operation)
        if root is None:
            return 0.0
        base = MUTATION_BASE_COST if operation.operation is OperationType.MUTATION else 0
        return base + self.selection_set(operation.selection_set, root, {})

    def selection_set(
        self,
        selection_set: SelectionSetNode,
        parent: GraphQLCompositeType,
        sized: Mapping[str, int],
    ) -> float:
        total = 0.0
        for collected in self.collect(selection_set, parent, None).values():
            total += self.field(collected, sized.get(collected.name))
        return total

    def field(self, collected: CollectedField, size_override: int | None) -> float:
        definition = collected.definition
        weight = self.field_weight(collected)
        size, child_sizes = self._sizes(collected)
        if size_override is not None:
            size = size_override
        children = 0.0
        selection_set = merged_selection_set(collected.nodes)
        named = get_named_type(definition.type)
        if selection_set is not None and is_composite_type(named):
            children = self.selection_set(selection_set, named, child_sizes)
        cost = weight + children
        for _ in range(_list_depth(definition.type)):
            cost *= size
        return cost + self.arguments_cost(collected)

    def _sizes(self, collected: CollectedField) -> tuple[int, dict[str, int]]:
        """(size of this field if it is a list, sizes for its sized child fields)."""
        list_size = self.model.list_sizes.get((collected.parent.name, collected.name))
        if list_size is None:
            return self.list_size, {}
        given: list[int] = []
        arguments = {a.name.value: a.value for a in collected.nodes[0].arguments or ()}
        for name in list_size.slicing_arguments:
            value: Any = None
            if name in arguments:
                value = value_from_ast_untyped(arguments[name], self.variables)
            else:
                definition = collected.definition.args.get(name)
                if definition is not None:
                    value = coerce_default_value(definition)
            if isinstance(value, int) and not isinstance(value, bool):
                given.append(value)
        required = list_size.slicing_arguments and list_size.require_one_slicing_argument
        if self.strict and required and len(given) != 1:
            names = ", ".join(list_size.slicing_arguments)
            raise SlicingArgumentError(
                f"{collected.parent.name}.{collected.name} requires exactly one of its"
                f" slicing arguments ({names}), got {len(given)}"
            )
        if given:
            size = max(given)
        elif list_size.assumed_size is not None:
            size = list_size.assumed_size
        else:
            size = self.list_size
        if list_size.sized_fields:
            return self.list_size, dict.fromkeys(list_size.sized_fields, size)
        return size, {}
