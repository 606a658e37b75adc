"""Actual cost of an operation, counted on its response.

The same weights as the estimate, applied to what came back: every list counts its real
length, a null costs nothing beyond its arguments, and fragments apply only to the type
the response names (`__typename`, or the field's type when it is an object type).
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLCompositeType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    is_composite_type,
)

from router.cost.estimate import MUTATION_BASE_COST
from router.cost.walk import CollectedField, CostWalker, merged_selection_set

__all__ = ["ActualCostCounter"]


class ActualCostCounter(CostWalker):
    def operation(self, operation: OperationDefinitionNode, data: Any) -> float:
        root = self.schema.get_root_type(operation.operation)
        if root is None or not isinstance(data, dict):
            return 0.0
        base = MUTATION_BASE_COST if operation.operation is OperationType.MUTATION else 0
        return base + self.selection_set(operation.selection_set, root, data)

    def selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLCompositeType, data: dict[str, Any]
    ) -> float:
        typename = data.get("__typename")
        if not isinstance(typename, str):
            typename = parent.name if isinstance(parent, GraphQLObjectType) else None
        total = 0.0
        for (_, key), collected in self.collect(selection_set, parent, typename).items():
            if key in data:
                total += self.field(collected, data[key])
        return total

    def field(self, collected: CollectedField, value: Any) -> float:
        selection_set = merged_selection_set(collected.nodes)
        weight = self.field_weight(collected)
        # Without a weight of its own, an abstract field weighs what the response returned.
        by_type = (collected.parent.name, collected.name) not in self.model.field_weights
        return self.arguments_cost(collected) + self._value(
            collected.definition.type, value, weight, selection_set, by_type=by_type
        )

    def _value(
        self,
        type_: GraphQLOutputType,
        value: Any,
        weight: int,
        selection_set: SelectionSetNode | None,
        *,
        by_type: bool,
    ) -> float:
        if value is None:
            return 0.0
        if isinstance(type_, GraphQLNonNull):
            return self._value(type_.of_type, value, weight, selection_set, by_type=by_type)
        if isinstance(type_, GraphQLList):
            if not isinstance(value, list):
                return 0.0
            return sum(
                self._value(type_.of_type, item, weight, selection_set, by_type=by_type)
                for item in value
            )
        named = get_named_type(type_)
        if selection_set is not None and is_composite_type(named) and isinstance(value, dict):
            typename = value.get("__typename")
            if by_type and isinstance(typename, str):
                weight = self.model.type_weights.get(typename, weight)
            return weight + self.selection_set(selection_set, named, value)
        return float(weight)
