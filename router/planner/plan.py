"""Plan nodes in Apollo's model (Fetch, Flatten, Sequence, Parallel, Condition) and their
construction from the walker's fetch groups.

Groups form a dependency graph. When every group waits on one parent only, the plan is the
natural tree: ``Sequence(parent, Parallel(children...))``, so independent branches pipeline.
When ``@requires`` makes a group wait on several, the groups are laid out in waves instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from graphql import print_ast

from router.planner.groups import FetchGroup
from router.planner.operation import Condition, NormalizedOperation
from router.planner.selection import OutField, OutFragment, OutSet

__all__ = [
    "ConditionNode",
    "FetchNode",
    "FlattenNode",
    "ParallelNode",
    "PlanNode",
    "SequenceNode",
    "build_nodes",
]


@dataclass(slots=True)
class FetchNode:
    service_name: str
    operation: str
    operation_kind: str
    operation_name: str | None
    variable_usages: tuple[str, ...]
    requires: OutSet | None  # the representation input of an entity fetch
    operation_pretty: str  # the operation as the printed plan shows it
    input_rewrites: dict[str, str] = field(default_factory=dict)
    key_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "kind": "Fetch",
            "serviceName": self.service_name,
            "variableUsages": list(self.variable_usages),
            "operation": self.operation,
            "operationKind": self.operation_kind,
        }
        if self.operation_name is not None:
            result["operationName"] = self.operation_name
        if self.requires is not None:
            result["requires"] = self.requires.to_json()
        if self.input_rewrites:
            result["inputRewrites"] = [
                {
                    "kind": "ValueSetter",
                    "path": [f"... on {source}", "__typename"],
                    "setValueTo": target,
                }
                for source, target in self.input_rewrites.items()
            ]
        return result

    def lines(self, indent: int) -> Iterator[str]:
        pad = "  " * indent
        yield f'{pad}Fetch(service: "{self.service_name}") {{'
        if self.requires is not None:
            yield from _indented(self.requires.print(pretty=True), indent + 1, suffix=" =>")
        yield from _indented(self.operation_pretty, indent + 1)
        yield f"{pad}}},"


@dataclass(slots=True)
class FlattenNode:
    path: tuple[str, ...]
    node: FetchNode

    def to_json(self) -> dict[str, Any]:
        return {"kind": "Flatten", "path": list(self.path), "node": self.node.to_json()}

    def lines(self, indent: int) -> Iterator[str]:
        pad = "  " * indent
        yield f'{pad}Flatten(path: "{".".join(self.path)}") {{'
        yield from self.node.lines(indent + 1)
        yield f"{pad}}},"


@dataclass(slots=True)
class SequenceNode:
    nodes: list[PlanNode]

    def to_json(self) -> dict[str, Any]:
        return {"kind": "Sequence", "nodes": [n.to_json() for n in self.nodes]}

    def lines(self, indent: int) -> Iterator[str]:
        yield "  " * indent + "Sequence {"
        for node in self.nodes:
            yield from node.lines(indent + 1)
        yield "  " * indent + "},"


@dataclass(slots=True)
class ParallelNode:
    nodes: list[PlanNode]

    def to_json(self) -> dict[str, Any]:
        return {"kind": "Parallel", "nodes": [n.to_json() for n in self.nodes]}

    def lines(self, indent: int) -> Iterator[str]:
        yield "  " * indent + "Parallel {"
        for node in self.nodes:
            yield from node.lines(indent + 1)
        yield "  " * indent + "},"


@dataclass(slots=True)
class ConditionNode:
    condition: str
    if_clause: PlanNode | None
    else_clause: PlanNode | None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": "Condition",
            "condition": self.condition,
            "ifClause": self.if_clause.to_json() if self.if_clause else None,
            "elseClause": self.else_clause.to_json() if self.else_clause else None,
        }

    def lines(self, indent: int) -> Iterator[str]:
        pad = "  " * indent
        yield (
            f"{pad}Include(if: ${self.condition}) {{"
            if self.if_clause
            else (f"{pad}Skip(if: ${self.condition}) {{")
        )
        clause = self.if_clause or self.else_clause
        assert clause is not None
        yield from clause.lines(indent + 1)
        yield f"{pad}}},"


PlanNode = FetchNode | FlattenNode | SequenceNode | ParallelNode | ConditionNode


def _indented(text: str, indent: int, suffix: str = "") -> Iterator[str]:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        yield "  " * indent + line + (suffix if i == len(lines) - 1 else "")


# ---------------------------------------------------------------------------------- building
def _operation_name(operation: NormalizedOperation, group: FetchGroup) -> str | None:
    """Apollo's naming, ``<Operation>__<subgraph>__<n>``, so subgraph logs trace back."""
    if operation.name is None:
        return None
    subgraph = "".join(c if c.isalnum() else "_" for c in group.subgraph)
    return f"{operation.name}__{subgraph}__{group.id}"


def _fetch(group: FetchGroup, operation: NormalizedOperation) -> FlattenNode | FetchNode:
    used: set[str] = set()
    group.output.variables(used)
    ordered = [name for name in operation.variable_definitions if name in used]
    definitions = [print_ast(operation.variable_definitions[name]) for name in ordered]
    if group.entity:
        definitions.insert(0, "$representations: [_Any!]!")
        body = "{_entities(representations: $representations) " + group.output.print() + "}"
        pretty = (
            "{\n  _entities(representations: $representations) "
            + group.output.print(1, pretty=True)
            + "\n}"
        )
        kind = "query"
    else:
        body = group.output.print()
        pretty = group.output.print(pretty=True)
        kind = operation.kind
    name = _operation_name(operation, group)
    head = (
        kind
        + (f" {name}" if name else "")
        + ("(" + ", ".join(definitions) + ")" if definitions else "")
    )
    if kind == "query" and not definitions and not name:
        text, shown = body, pretty
    else:
        text, shown = f"{head} {body}", f"{head} {pretty}"
    node = FetchNode(
        service_name=group.subgraph,
        operation=text,
        operation_kind=kind,
        operation_name=name,
        variable_usages=tuple(ordered),
        requires=group.inputs if group.entity else None,
        operation_pretty=shown,
        input_rewrites=dict(group.rewrites),
        key_fields=dict(group.key_fields),
    )
    if group.entity:
        return FlattenNode(group.path, node)
    return node


def _guards(group: FetchGroup) -> tuple[Condition, ...]:
    """The group's own conditions plus those every top-level selection of its fetch shares:
    hoisted into Condition nodes, so a skipped selection costs no request."""
    entries: list[OutField | OutFragment] = list(group.output)
    if group.entity:
        entries = [e for fragment in entries if fragment.children for e in fragment.children]
    if not entries:
        return group.conditions
    shared = [c for c in entries[0].conditions if all(c in e.conditions for e in entries[1:])]
    return group.conditions + tuple(c for c in shared if c not in group.conditions)


def _guard(node: PlanNode, conditions: tuple[Condition, ...]) -> PlanNode:
    for name, expected in reversed(conditions):
        node = ConditionNode(name, node, None) if expected else ConditionNode(name, None, node)
    return node


def _combine(
    kind: type[SequenceNode] | type[ParallelNode], nodes: list[PlanNode]
) -> PlanNode | None:
    flat: list[PlanNode] = []
    for node in nodes:
        if isinstance(node, kind):
            flat.extend(node.nodes)
        else:
            flat.append(node)
    if not flat:
        return None
    if len(flat) == 1:
        return flat[0]
    return kind(flat)


def build_nodes(
    groups: list[FetchGroup], roots: list[FetchGroup], operation: NormalizedOperation
) -> PlanNode | None:
    live = [g for g in groups if g.output]
    live_ids = {g.id for g in live}
    by_id = {g.id: g for g in groups}
    if operation.kind == "mutation":
        parts = []
        for root in roots:
            members = _descendants(root, by_id) & live_ids
            part = _layout([by_id[i] for i in sorted(members)], by_id, operation)
            if part is not None:
                parts.append(part)
        return _combine(SequenceNode, parts)
    return _layout(live, by_id, operation)


def _descendants(root: FetchGroup, by_id: dict[int, FetchGroup]) -> set[int]:
    seen = {root.id}
    stack = [root]
    while stack:
        for child_id in stack.pop().children:
            if child_id not in seen:
                seen.add(child_id)
                stack.append(by_id[child_id])
    # groups reached only through other dependencies still belong to this root's part
    changed = True
    while changed:
        changed = False
        for group in by_id.values():
            if group.id not in seen and group.deps and group.deps <= seen:
                seen.add(group.id)
                changed = True
    return seen


def _layout(
    members: list[FetchGroup],
    by_id: dict[int, FetchGroup],
    operation: NormalizedOperation,
) -> PlanNode | None:
    member_ids = {g.id for g in members}

    def effective_deps(group: FetchGroup) -> set[int]:
        """Dependencies on live members, looking through empty groups."""
        result: set[int] = set()
        stack = list(group.deps)
        seen: set[int] = set()
        while stack:
            dep = stack.pop()
            if dep in seen:
                continue
            seen.add(dep)
            if dep in member_ids:
                result.add(dep)
            else:
                stack.extend(by_id[dep].deps)
        return result

    deps = {g.id: effective_deps(g) for g in members}
    if all(len(d) <= 1 for d in deps.values()):
        children: dict[int | None, list[FetchGroup]] = {}
        for group in members:
            parent = next(iter(deps[group.id]), None)
            children.setdefault(parent, []).append(group)

        def subtree(group: FetchGroup, inherited: tuple[Condition, ...]) -> PlanNode:
            guards = _guards(group)
            below = [subtree(c, inherited + guards) for c in children.get(group.id, [])]
            node = _combine(
                SequenceNode, [_fetch(group, operation), *_opt(_combine(ParallelNode, below))]
            )
            assert node is not None
            return _guard(node, tuple(c for c in guards if c not in inherited))

        return _combine(ParallelNode, [subtree(g, ()) for g in children.get(None, [])])
    waves: list[list[FetchGroup]] = []
    placed: dict[int, int] = {}
    for group in _topological(members, deps):
        wave = max((placed[d] + 1 for d in deps[group.id]), default=0)
        placed[group.id] = wave
        if wave == len(waves):
            waves.append([])
        waves[wave].append(group)
    return _combine(
        SequenceNode,
        [
            node
            for wave in waves
            for node in _opt(
                _combine(ParallelNode, [_guard(_fetch(g, operation), _guards(g)) for g in wave])
            )
        ],
    )


def _opt(node: PlanNode | None) -> list[PlanNode]:
    return [] if node is None else [node]


def _topological(members: list[FetchGroup], deps: dict[int, set[int]]) -> list[FetchGroup]:
    ordered: list[FetchGroup] = []
    done: set[int] = set()
    remaining = list(members)
    while remaining:
        ready = [g for g in remaining if deps[g.id] <= done]
        if not ready:
            raise RuntimeError("cyclic fetch dependencies")
        for group in ready:
            ordered.append(group)
            done.add(group.id)
        remaining = [g for g in remaining if g.id not in done]
    return ordered
