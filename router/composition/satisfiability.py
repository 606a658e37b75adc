"""Satisfiability: every field of the API schema can be reached from a root through the subgraphs.

A walk over supergraph paths keeps, for each path, the set of subgraphs that can be "at" it.
Moving to a field first widens the set through key jumps (to a subgraph with a resolvable `@key`
whose fields the current subgraph has), then keeps the subgraphs resolving the field locally.
An empty set is a SATISFIABILITY_ERROR naming an example query, like Apollo's. This is a
simplification of Apollo's validation (no `@requires`/`@provides` path tracking): it is exact for
the common shapes (entities, value types, interfaces, unions, interface objects, overrides).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from router.composition.errors import CompositionError
from router.composition.fieldsets import parse_field_set, top_level_names
from router.composition.metadata import Metadata
from router.composition.model import Kind, TypeDef, base_type
from router.composition.subgraph import Subgraph
from router.composition.supergraph import Supergraph

_MAX_STATES = 100_000


@dataclass(frozen=True)
class _State:
    type: str
    options: frozenset[int]
    path: tuple[str, ...]  # field names, `... on T` for type conditions


class _Graph:
    def __init__(
        self, supergraph: Supergraph, subgraphs: list[Subgraph], metas: list[Metadata]
    ) -> None:
        self.supergraph = supergraph
        self.subgraphs = subgraphs
        self.metas = metas
        self.overridden = self._overridden()

    def _overridden(self) -> set[tuple[int, str, str]]:
        names = [s.name for s in self.subgraphs]
        result: set[tuple[int, str, str]] = set()
        for subgraph in self.subgraphs:
            for typedef in subgraph.types.values():
                for field_def in typedef.fields.values():
                    override = field_def.first("override")
                    source = override.string("from") if override else None
                    if override and source in names and override.string("label") is None:
                        result.add((names.index(source), typedef.name, field_def.name))
        return result

    def _interface_objects(self, index: int, type_name: str) -> list[TypeDef]:
        typedef = self.supergraph.types.get(type_name)
        subgraph = self.subgraphs[index]
        found = []
        for interface in typedef.interfaces if typedef else []:
            candidate = subgraph.types.get(interface)
            if candidate is not None and self.metas[index].is_interface_object(candidate):
                found.append(candidate)
        return found

    def local(self, index: int, type_name: str, field_name: str) -> bool:
        if (index, type_name, field_name) in self.overridden:
            return False
        typedef = self.subgraphs[index].types.get(type_name)
        if typedef is None:
            return any(field_name in i.fields for i in self._interface_objects(index, type_name))
        field_def = typedef.fields.get(field_name)
        return field_def is not None and not self.metas[index].is_external(typedef, field_def)

    def _resolvable_keys(self, index: int, type_name: str) -> list[set[str]]:
        typedef = self.subgraphs[index].types.get(type_name)
        owners = [typedef] if typedef is not None else self._interface_objects(index, type_name)
        keys = []
        for owner in owners:
            for key in owner.applied("key"):
                selection = parse_field_set(key.string("fields") or "")
                if key.boolean("resolvable", default=True) and selection is not None:
                    keys.append(top_level_names(selection))
        return keys

    def closure(self, type_name: str, options: frozenset[int]) -> frozenset[int]:
        reached = set(options)
        queue = deque(options)
        while queue:
            current = queue.popleft()
            for index in range(len(self.subgraphs)):
                if index in reached:
                    continue
                for key in self._resolvable_keys(index, type_name):
                    if all(self.local(current, type_name, name) for name in key):
                        reached.add(index)
                        queue.append(index)
                        break
        return frozenset(reached)

    def knows(self, index: int, type_name: str) -> bool:
        return type_name in self.subgraphs[index].types or bool(
            self._interface_objects(index, type_name)
        )


def check_satisfiability(
    supergraph: Supergraph, subgraphs: list[Subgraph], metas: list[Metadata]
) -> list[CompositionError]:
    graph = _Graph(supergraph, subgraphs, metas)
    errors: list[CompositionError] = []
    seen: set[tuple[str, frozenset[int]]] = set()
    reported: set[tuple[str, str]] = set()
    queue: deque[_State] = deque()
    for kind, root in supergraph.roots.items():
        roots = frozenset(i for i, s in enumerate(subgraphs) if root in s.types)
        queue.append(_State(root, roots, (kind,)))
    while queue and len(seen) < _MAX_STATES:
        state = queue.popleft()
        if (state.type, state.options) in seen:
            continue
        seen.add((state.type, state.options))
        typedef = supergraph.types.get(state.type)
        if typedef is None:
            continue
        is_root = state.type in supergraph.roots.values()
        candidates = state.options if is_root else graph.closure(state.type, state.options)
        for field_def in typedef.fields.values():
            if field_def.has("inaccessible"):
                continue
            resolving = frozenset(
                i for i in candidates if graph.local(i, state.type, field_def.name)
            )
            path = (*state.path, field_def.name)
            if not resolving:
                if (state.type, field_def.name) in reported:
                    continue
                reported.add((state.type, field_def.name))
                errors.append(_error(subgraphs, state, typedef, field_def.name, path))
                continue
            _follow(graph, queue, base_type(field_def.type), resolving, path)
    return errors


def _follow(
    graph: _Graph, queue: deque[_State], target: str, options: frozenset[int], path: tuple[str, ...]
) -> None:
    typedef = graph.supergraph.types.get(target)
    if typedef is None or typedef.kind not in (Kind.OBJECT, Kind.INTERFACE, Kind.UNION):
        return
    if typedef.kind != Kind.UNION:
        queue.append(_State(target, options, path))
    if typedef.kind == Kind.OBJECT:
        return
    runtime = (
        typedef.members
        if typedef.kind == Kind.UNION
        else [t.name for t in graph.supergraph.types.values() if target in t.interfaces]
    )
    for name in runtime:
        knowing = frozenset(i for i in options if graph.knows(i, name))
        if knowing:
            queue.append(_State(name, knowing, (*path, f"... on {name}")))


def _error(
    subgraphs: list[Subgraph], state: _State, typedef: TypeDef, field: str, path: tuple[str, ...]
) -> CompositionError:
    kind, *fields = path
    query = "" if kind == "query" else kind + " "
    lines = ["{"]
    for depth, name in enumerate(fields):
        lines.append("  " * (depth + 1) + name + (" {" if depth < len(fields) - 1 else ""))
    lines += ["  " * depth + "}" for depth in range(len(fields) - 1, 0, -1)]
    lines.append("}")
    origins = ", ".join(f'"{subgraphs[i].name}"' for i in sorted(state.options))
    message = (
        f"The following supergraph API query:\n{query}{chr(10).join(lines)}\ncannot be satisfied "
        f'by the subgraphs because:\n- from subgraph {origins}: cannot find field "{typedef.name}.'
        f'{field}" (no subgraph reachable through a resolvable @key resolves it).'
    )
    return CompositionError("SATISFIABILITY_ERROR", message, type=typedef.name, field=field)
