"""Fetch groups: one subgraph request each, and the registry that creates and merges them.

A group has a subgraph, a merge path (response keys, ``@`` for list items), the selection sent,
for entity groups the representation input (``... on T { __typename <key> <requires> }``), the
groups it waits for, and the variable conditions guarding it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from router.planner.fieldsets import clash
from router.planner.operation import Condition, Item, NField
from router.planner.selection import OutFragment, OutSet

__all__ = ["FetchGroup", "GroupRegistry"]


@dataclass(eq=False, slots=True)
class FetchGroup:
    id: int
    subgraph: str
    path: tuple[str, ...]
    conditions: tuple[Condition, ...]
    entity: bool
    output: OutSet = field(default_factory=OutSet)
    inputs: OutSet = field(default_factory=OutSet)
    rewrites: dict[str, str] = field(default_factory=dict)  # input type -> __typename sent
    key_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)  # null key: no request
    deps: set[int] = field(default_factory=set)
    children: list[int] = field(default_factory=list)


class GroupRegistry:
    def __init__(self) -> None:
        self.groups: list[FetchGroup] = []

    def new(
        self, graph: str, path: tuple[str, ...], conditions: tuple[Condition, ...], *, entity: bool
    ) -> FetchGroup:
        group = FetchGroup(len(self.groups), graph, path, conditions, entity)
        self.groups.append(group)
        return group

    def child(
        self,
        parent: FetchGroup,
        *,
        graph: str,
        path: tuple[str, ...],
        conditions: tuple[Condition, ...],
        deps: set[int],
        input_type: str,
        required: list[Item],
    ) -> FetchGroup:
        """The entity group under ``parent`` for this hop: an existing one when it goes to the
        same subgraph, path and conditions without creating a cycle or a representation clash."""
        for child_id in parent.children:
            existing = self.groups[child_id]
            if (
                existing.subgraph == graph
                and existing.path == path
                and existing.conditions == conditions
                and not self.reaches(existing.id, deps)
                and not _input_clash(existing, input_type, required)
            ):
                existing.deps |= deps
                return existing
        created = self.new(graph, path, conditions, entity=True)
        created.deps = {parent.id, *deps}
        parent.children.append(created.id)
        return created

    def reaches(self, ancestor: int, deps: set[int]) -> bool:
        """Does any group in ``deps`` (transitively) depend on ``ancestor``?"""
        stack = list(deps)
        seen: set[int] = set()
        while stack:
            current = stack.pop()
            if current == ancestor:
                return True
            if current in seen:
                continue
            seen.add(current)
            stack.extend(self.groups[current].deps)
        return False


def _input_clash(group: FetchGroup, input_type: str, items: list[Item]) -> bool:
    for entry in group.inputs:
        if isinstance(entry, OutFragment) and entry.type_condition == input_type:
            return any(
                isinstance(i, NField) and clash(entry.children, i, by_name=True) for i in items
            )
    return False
