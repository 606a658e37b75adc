"""Actual cost of an operation, counted on its response.

The same weights as the estimate, applied to what came back: every list counts its real
length, a null costs nothing beyond its arguments, and fragments apply only to the type
the response names (`__typename`, or the field's type when it is an object type).

A response repeats the same selection for every object of a list, so the fields of each
(selection set, runtime type) pair are collected and weighed once per operation and the
walk over the data is a plain loop over them.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from router.cost.walk import CostWalker, merged_selection_set

__all__ = ["ActualCostCounter"]


@dataclass(slots=True)
class _Weighed:
    """One field of a selection set for one runtime type, with its costs worked out."""

    key: str
    depth: int  # list wrappers around the named type
    weight: int
    by_type: bool  # no @cost of its own: an object weighs what its __typename says
    arguments: float
    selection_set: SelectionSetNode | None
    child_type: GraphQLCompositeType | None
    # The child fields when the field's type is an object type (filled on first use).
    children: list[_Weighed] | None = None


class ActualCostCounter(CostWalker):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._weighed: dict[tuple[int, str, str | None], list[_Weighed]] = {}

    def operation(self, operation: OperationDefinitionNode, data: Any) -> float:
        root = self.schema.get_root_type(operation.operation)
        if root is None or not isinstance(data, dict):
            return 0.0
        base = MUTATION_BASE_COST if operation.operation is OperationType.MUTATION else 0
        return base + self.selection_set(operation.selection_set, root, data)

    def _fields(
        self, selection_set: SelectionSetNode, parent: GraphQLCompositeType, typename: str | None
    ) -> list[_Weighed]:
        memo = (id(selection_set), parent.name, typename)
        weighed = self._weighed.get(memo)
        if weighed is not None:
            return weighed
        weighed = []
        for (_, key), collected in self.collect(selection_set, parent, typename).items():
            named = get_named_type(collected.definition.type)
            field = _Weighed(
                key=key,
                depth=_list_depth(collected.definition.type),
                weight=self.field_weight(collected),
                by_type=(collected.parent.name, collected.name) not in self.model.field_weights,
                arguments=self.arguments_cost(collected),
                selection_set=merged_selection_set(collected.nodes),
                child_type=named if is_composite_type(named) else None,
            )
            if field.child_type is not None or field.weight or field.arguments:
                weighed.append(field)  # free leaves (most scalars) are not walked at all
        # Keyed by id: the merged sets are kept alive in `weighed`, so their ids stay unique.
        self._weighed[memo] = weighed
        return weighed

    def selection_set(
        self, selection_set: SelectionSetNode, parent: GraphQLCompositeType, data: dict[str, Any]
    ) -> float:
        typename = data.get("__typename")
        if not isinstance(typename, str):
            typename = parent.name if isinstance(parent, GraphQLObjectType) else None
        return self._sum(self._fields(selection_set, parent, typename), data)

    def _sum(self, fields: list[_Weighed], data: dict[str, Any]) -> float:
        total = 0.0
        for field in fields:
            value = data.get(field.key)
            if value is None:
                continue
            total += field.arguments
            if field.depth > 1 or (field.depth == 1 and type(value) is not list):
                total += self._nested(field, value, field.depth)
                continue
            items = value if field.depth else (value,)
            children = field.children
            if children is None and field.child_type is not None:
                children = self._object_children(field)
            if children is None:
                total += sum(self._one(field, item) for item in items if item is not None)
                continue
            weight = field.weight
            for item in items:
                if type(item) is dict:
                    total += weight + self._sum(children, item)
        return total

    def _object_children(self, field: _Weighed) -> list[_Weighed] | None:
        """The child fields of a field of object type (abstract types vary per object)."""
        child_type, selection_set = field.child_type, field.selection_set
        if not isinstance(child_type, GraphQLObjectType) or selection_set is None:
            return None
        field.children = self._fields(selection_set, child_type, child_type.name)
        return field.children

    def _nested(self, field: _Weighed, value: Any, depth: int) -> float:
        if not depth:
            return self._one(field, value)
        if not isinstance(value, list):
            return 0.0
        return sum(self._nested(field, item, depth - 1) for item in value if item is not None)

    def _one(self, field: _Weighed, value: Any) -> float:
        child_type, selection_set = field.child_type, field.selection_set
        if child_type is None or selection_set is None or not isinstance(value, dict):
            return float(field.weight)
        children = field.children or self._object_children(field)
        if children is not None:
            return field.weight + self._sum(children, value)
        weight = field.weight
        typename = value.get("__typename")
        if field.by_type and isinstance(typename, str):
            weight = self.model.type_weights.get(typename, weight)
        return weight + self.selection_set(selection_set, child_type, value)


def _list_depth(type_: GraphQLOutputType) -> int:
    depth = 0
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        depth += isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return depth
