"""Satisfiability: every field of the API schema can be reached from a root through the subgraphs.

A breadth-first walk over supergraph paths keeps, for each path, the options that can be "at"
it: a subgraph plus the fields a `@provides` made local on this path. Moving to a field first
widens the options through key jumps (to a subgraph with a resolvable `@key` whose fields the
current subgraph resolves), then keeps the options resolving the field, checking its `@requires`
can be met. Abstract types continue into each possible runtime type the subgraph knows. A field
no option resolves is a SATISFIABILITY_ERROR with an example query, like Apollo's.

This follows Apollo's validation in spirit and on the common shapes (entities, compound and
chained keys, value types, interfaces and interface objects, `@provides`, `@requires`,
`@override`), without its exhaustive per-path enumeration.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from graphql.language import FieldNode, InlineFragmentNode, SelectionSetNode

from router.composition.errors import CompositionError
from router.composition.fieldsets import parse_field_set, targets
from router.composition.metadata import Metadata
from router.composition.model import Directive, Field, Kind, TypeDef, base_type
from router.composition.subgraph import Subgraph
from router.composition.supergraph import Supergraph

_MAX_STATES = 200_000
Provided = frozenset[tuple[str, str]]
Conditions = frozenset[tuple[str, bool]]
Partition = tuple[str | None, frozenset["Option"]]  # (mutation partition's subgraph, options)
_NOTHING: Provided = frozenset()


@dataclass(frozen=True)
class Option:
    """Being at a path in one subgraph, with the fields `@provides` made local there."""

    index: int
    provided: Provided = _NOTHING


@dataclass(frozen=True)
class _State:
    """A supergraph path and where the subgraphs can be on it. Below a top-level mutation
    field several subgraphs resolve, the options are partitioned by that subgraph."""

    type: str
    partitions: tuple[Partition, ...]
    path: tuple[str, ...]  # operation kind, then field names and `... on T`
    conditions: Conditions = frozenset()  # progressive @override labels decided on this path
    mutation: str | None = None  # the partitioned top-level mutation field


class _Subgraphs:
    """Questions the walk asks about the subgraphs (what is local, where keys lead)."""

    def __init__(
        self, supergraph: Supergraph, subgraphs: list[Subgraph], metas: list[Metadata]
    ) -> None:
        self.supergraph = supergraph
        self.subgraphs = subgraphs
        self.metas = metas
        self.overridden = self._overridden()
        # Progressive overrides: (subgraph, type, field) -> (label, resolves when label is on?)
        self.labels: dict[tuple[int, str, str], tuple[str, bool]] = self._labels()
        self._closures: dict[tuple[str, frozenset[Option]], frozenset[Option]] = {}
        self._local: dict[tuple[int, str, str], bool] = {}
        self._requires: dict[tuple[int, str, str], bool] = {}
        self._follows: dict[tuple[int, str, str], Option] = {}

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

    def _labels(self) -> dict[tuple[int, str, str], tuple[str, bool]]:
        names = [s.name for s in self.subgraphs]
        labels: dict[tuple[int, str, str], tuple[str, bool]] = {}
        for index, subgraph in enumerate(self.subgraphs):
            for typedef in subgraph.types.values():
                for field_def in typedef.fields.values():
                    override = field_def.first("override")
                    source = override.string("from") if override else None
                    label = override.string("label") if override else None
                    if label is not None and source in names:
                        labels[(index, typedef.name, field_def.name)] = (label, True)
                        labels[(names.index(source), typedef.name, field_def.name)] = (label, False)
        return labels

    def field_labels(self, type_name: str, field_name: str) -> set[str]:
        return {
            label
            for (_, t, f), (label, _) in self.labels.items()
            if t == type_name and f == field_name
        }

    def interface_objects(self, index: int, type_name: str) -> list[TypeDef]:
        typedef = self.supergraph.types.get(type_name)
        subgraph = self.subgraphs[index]
        found = []
        for interface in typedef.interfaces if typedef else []:
            candidate = subgraph.types.get(interface)
            if candidate is not None and self.metas[index].is_interface_object(candidate):
                found.append(candidate)
        return found

    def definition(self, index: int, type_name: str, field_name: str) -> Field | None:
        typedef = self.subgraphs[index].types.get(type_name)
        if typedef is not None:
            return typedef.fields.get(field_name)
        for interface in self.interface_objects(index, type_name):
            if field_name in interface.fields:
                return interface.fields[field_name]
        return None

    def local(
        self,
        option: Option,
        type_name: str,
        field_name: str,
        conditions: Conditions = frozenset(),
    ) -> bool:
        if (type_name, field_name) in option.provided:
            return True
        key = (option.index, type_name, field_name)
        gate = self.labels.get(key)
        if gate is not None and (gate[0], not gate[1]) in conditions:
            return False
        cached = self._local.get(key)
        if cached is None:
            cached = self._local[key] = self._owns(option, type_name, field_name)
        return cached

    def condition_local(self, option: Option, type_name: str, field_name: str) -> bool:
        """Local for a key or `@requires` condition: Apollo resolves conditions without override
        labels, so a field under a progressive override is usable on neither side."""
        if (option.index, type_name, field_name) in self.labels:
            return (type_name, field_name) in option.provided
        return self.local(option, type_name, field_name)

    def _owns(self, option: Option, type_name: str, field_name: str) -> bool:
        if (option.index, type_name, field_name) in self.overridden:
            return False
        typedef = self.subgraphs[option.index].types.get(type_name)
        if typedef is None:
            return self.definition(option.index, type_name, field_name) is not None
        field_def = typedef.fields.get(field_name)
        return field_def is not None and not self.metas[option.index].is_external(
            typedef, field_def
        )

    def knows(self, index: int, type_name: str) -> bool:
        return type_name in self.subgraphs[index].types or bool(
            self.interface_objects(index, type_name)
        )

    def resolvable_keys(self, index: int, type_name: str) -> list[SelectionSetNode]:
        typedef = self.subgraphs[index].types.get(type_name)
        owners = [typedef] if typedef is not None else self.interface_objects(index, type_name)
        keys = []
        for owner in owners:
            for key in owner.applied("key"):
                selection = parse_field_set(key.string("fields") or "")
                if key.boolean("resolvable", default=True) and selection is not None:
                    keys.append(selection)
        return keys

    def selection_local(self, option: Option, type_name: str, selection: SelectionSetNode) -> bool:
        """Every field of a key's selection resolved by this one subgraph."""
        for node in selection.selections:
            if isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else type_name
                if not self.selection_local(option, condition, node.selection_set):
                    return False
                continue
            if not isinstance(node, FieldNode) or node.name.value == "__typename":
                continue
            if not self.condition_local(option, type_name, node.name.value):
                return False
            if node.selection_set is not None:
                definition = self.definition(option.index, type_name, node.name.value)
                nested = base_type(definition.type) if definition else ""
                if not self.selection_local(option, nested, node.selection_set):
                    return False
        return True

    def closure(self, type_name: str, options: frozenset[Option]) -> frozenset[Option]:
        """The options plus every subgraph reachable from them through resolvable keys."""
        cache_key = (type_name, options)
        cached = self._closures.get(cache_key)
        if cached is not None:
            return cached
        reached = set(options)
        indexes = {o.index for o in options}
        queue = deque(options)
        while queue:
            current = queue.popleft()
            for index in range(len(self.subgraphs)):
                if index in indexes:
                    continue
                if any(
                    self.selection_local(current, type_name, key)
                    for key in self.resolvable_keys(index, type_name)
                ):
                    jumped = Option(index)
                    indexes.add(index)
                    reached.add(jumped)
                    queue.append(jumped)
        result = frozenset(reached)
        self._closures[cache_key] = result
        return result

    def can_resolve(
        self, type_name: str, options: frozenset[Option], selection: SelectionSetNode
    ) -> bool:
        """A `@requires` selection can be fetched from these options (jumps allowed)."""
        candidates = self.closure(type_name, options)
        for node in selection.selections:
            if isinstance(node, InlineFragmentNode):
                condition = node.type_condition.name.value if node.type_condition else type_name
                if not self.can_resolve(condition, candidates, node.selection_set):
                    return False
                continue
            if not isinstance(node, FieldNode) or node.name.value == "__typename":
                continue
            name = node.name.value
            resolving = frozenset(o for o in candidates if self.condition_local(o, type_name, name))
            if not resolving:
                return False
            if node.selection_set is not None:
                field_def = self.supergraph.types[type_name].fields.get(name)
                nested = base_type(field_def.type) if field_def else ""
                if not self.can_resolve(nested, resolving, node.selection_set):
                    return False
        return True

    def requires_met(self, option: Option, type_name: str, field_name: str) -> bool:
        """Apollo resolves a `@requires` from the subgraph owning the field (jumps allowed)."""
        key = (option.index, type_name, field_name)
        cached = self._requires.get(key)
        if cached is None:
            cached = self._requires[key] = self._requires_met(option, type_name, field_name)
        return cached

    def _requires_met(self, option: Option, type_name: str, field_name: str) -> bool:
        field_def = self.definition(option.index, type_name, field_name)
        requires = field_def.first("requires") if field_def else None
        if requires is None:
            return True
        selection = parse_field_set(requires.string("fields") or "")
        if selection is None:
            return False
        return self.can_resolve(type_name, frozenset({Option(option.index)}), selection)

    def follow(self, option: Option, type_name: str, field_name: str) -> Option:
        """The option after taking the field: `@provides` makes its targets local."""
        if not option.provided:
            key = (option.index, type_name, field_name)
            cached = self._follows.get(key)
            if cached is None:
                cached = self._follows[key] = self._follow(option, type_name, field_name)
            return cached
        return self._follow(option, type_name, field_name)

    def _follow(self, option: Option, type_name: str, field_name: str) -> Option:
        field_def = self.definition(option.index, type_name, field_name)
        provides = field_def.first("provides") if field_def else None
        if provides is not None and field_def is not None:
            subgraph = self.subgraphs[option.index]
            target = subgraph.types.get(base_type(field_def.type))
            if target is not None:
                provided = frozenset(
                    (t.parent.name, t.name)
                    for t in targets(subgraph, target, provides.string("fields") or "")
                )
                return Option(option.index, provided)
        if (type_name, field_name) in option.provided:
            return option
        return Option(option.index)


def check_satisfiability(
    supergraph: Supergraph, subgraphs: list[Subgraph], metas: list[Metadata]
) -> list[CompositionError]:
    return _Walk(_Subgraphs(supergraph, subgraphs, metas)).run()


class _Walk:
    """Depth first like Apollo (last edge first), skipping a state when the same type was
    already visited with a subset of its subgraphs (and of its override conditions); each
    failing field of a visited state is one error, so counts match Apollo's. A field under a
    progressive `@override` label is checked with the label both on and off. A top-level
    mutation field several subgraphs resolve is checked per subgraph (it is called once): it
    fails only when it fails from every one of them."""

    def __init__(self, graph: _Subgraphs) -> None:
        self.graph = graph
        self.errors: list[CompositionError] = []
        self.visits: dict[str, list[tuple[frozenset[int], Conditions]]] = {}
        self.stack: list[_State] = []
        # Top-level mutation field -> subgraph -> errors found below it from that subgraph.
        self.mutations: dict[str, dict[str, list[CompositionError]]] = {}

    def run(self) -> list[CompositionError]:
        supergraph, subgraphs = self.graph.supergraph, self.graph.subgraphs
        for kind, root in supergraph.roots.items():
            roots = frozenset(Option(i) for i, s in enumerate(subgraphs) if root in s.types)
            self.stack.append(_State(root, ((None, roots),), (kind,)))
        handled = 0
        while self.stack and handled < _MAX_STATES:
            state = self.stack.pop()
            if self._visited(state):
                continue
            handled += 1
            typedef = supergraph.types.get(state.type)
            if typedef is not None:
                self._visit(state, typedef)
        return self.errors + self._mutation_errors()

    def _visited(self, state: _State) -> bool:
        """Skip when every partition was seen with a subset of its subgraphs (recording the
        ones that were not)."""
        previous = self.visits.setdefault(state.type, [])
        skips = []
        for _, options in state.partitions:
            indexes = frozenset(o.index for o in options)
            seen = any(indexes >= i and state.conditions >= c for i, c in previous)
            if not seen:
                previous.append((indexes, state.conditions))
            skips.append(seen)
        return all(skips)

    def _report(self, state: _State, partition: str | None, error: CompositionError) -> None:
        if state.mutation is None or partition is None:
            self.errors.append(error)
        else:
            self.mutations[state.mutation][partition].append(error)

    def _visit(self, state: _State, typedef: TypeDef) -> None:
        for field_def in typedef.fields.values():
            if not field_def.has("inaccessible"):
                self._take_field(state, typedef, field_def)
        for runtime in _runtime_types(self.graph.supergraph, typedef):
            partitions = tuple(
                (name, _downcast(self.graph, typedef.name, options, runtime))
                for name, options in state.partitions
            )
            if all(options for _, options in partitions):
                path = (*state.path, f"... on {runtime}")
                self.stack.append(
                    _State(runtime, partitions, path, state.conditions, state.mutation)
                )

    def _take_field(self, state: _State, typedef: TypeDef, field_def: Field) -> None:
        """One supergraph edge per override-label assignment (Apollo's graph has an edge per
        condition): each is checked, and reported, on its own."""
        for conditions in _branches(self.graph, state, typedef.name, field_def.name):
            self._take_edge(state, typedef, field_def, conditions)

    def _take_edge(
        self, state: _State, typedef: TypeDef, field_def: Field, conditions: Conditions
    ) -> None:
        graph = self.graph
        path = (*state.path, _witness_field(graph.supergraph, field_def))
        is_root = state.type in graph.supergraph.roots.values()
        alive: list[Partition] = []
        for name, options in state.partitions:
            candidates = options if is_root else graph.closure(state.type, options)
            resolving = _resolving(
                graph, options, candidates, typedef, field_def.name, conditions=conditions
            )
            if resolving:
                alive.append((name, resolving))
            else:
                error = _error(graph, options, typedef, field_def.name, path)
                self._report(state, name, error)
        if not alive:
            return
        union = frozenset().union(*(options for _, options in alive))
        mismatch = _runtime_mismatch(graph, typedef, field_def, union)
        if mismatch is not None:
            self.errors.append(_mismatch_error(typedef, field_def, path, mismatch))
            return
        target = graph.supergraph.types.get(base_type(field_def.type))
        if target is None or not target.is_composite:
            return
        partitions = tuple(alive)
        split = self._split_mutation(state, field_def, partitions)
        if split is not None:
            self.stack.append(_State(target.name, split, path, conditions, field_def.coordinate))
        else:
            self.stack.append(_State(target.name, partitions, path, conditions, state.mutation))

    def _split_mutation(
        self, state: _State, field_def: Field, partitions: tuple[Partition, ...]
    ) -> tuple[Partition, ...] | None:
        """Options per subgraph below a top-level mutation field several subgraphs resolve."""
        if state.path != ("mutation",) or len(partitions) != 1:
            return None
        options = partitions[0][1]
        indexes = sorted({o.index for o in options})
        if len(indexes) < 2:
            return None
        by_subgraph = self.mutations.setdefault(field_def.coordinate, {})
        split = []
        for index in indexes:
            name = self.graph.subgraphs[index].name
            by_subgraph.setdefault(name, [])
            split.append((name, frozenset(o for o in options if o.index == index)))
        return tuple(split)

    def _mutation_errors(self) -> list[CompositionError]:
        errors = []
        for coordinate, by_subgraph in self.mutations.items():
            if any(not found for found in by_subgraph.values()):
                continue
            parts = [
                (
                    f'Supergraph API queries using the mutation field "{coordinate}" at '
                    "top-level must be satisfiable without needing to call that field from "
                    "multiple subgraphs, but every subgraph with that field encounters "
                    "satisfiability errors. Please fix these satisfiability errors for (at "
                    "least) one of the following subgraphs with the mutation field:"
                )
            ]
            for subgraph, found in by_subgraph.items():
                parts.append(
                    f'- When calling "{coordinate}" at top-level from subgraph "{subgraph}":'
                )
                parts += ["  " + line for error in found for line in error.message.split("\n")]
            type_name, field_name = coordinate.split(".")
            errors.append(
                CompositionError(
                    "SATISFIABILITY_ERROR", "\n".join(parts), type=type_name, field=field_name
                )
            )
        return errors


def _is_shared(supergraph: Supergraph, typedef: TypeDef, field_def: Field) -> bool:
    """Apollo's "shareable" for this check: resolved by several subgraphs."""
    if typedef.kind != Kind.OBJECT:
        return False
    joins = field_def.applied("join__field")
    if not joins:
        return len(typedef.applied("join__type")) > 1
    resolving = [
        j
        for j in joins
        if not j.boolean("external", False) and not j.boolean("usedOverridden", False)
    ]
    return len(resolving) > 1


def _subgraph_runtime_types(graph: _Subgraphs, index: int, type_ref: str) -> list[str] | None:
    """Possible runtime types of a field's type in one subgraph (None when not abstract)."""
    typedef = graph.subgraphs[index].types.get(base_type(type_ref))
    if typedef is None or typedef.kind == Kind.OBJECT:
        return None
    if typedef.kind == Kind.UNION:
        return sorted(typedef.members)
    return sorted(
        t.name
        for t in graph.subgraphs[index].types.values()
        if t.kind == Kind.OBJECT and typedef.name in t.interfaces
    )


def _runtime_mismatch(
    graph: _Subgraphs, typedef: TypeDef, field_def: Field, options: frozenset[Option]
) -> dict[str, list[str]] | None:
    """A shared field whose subgraphs have no runtime type in common (Apollo's
    SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES); the runtime types per subgraph, or None."""
    target = graph.supergraph.types.get(base_type(field_def.type))
    if target is None or target.kind == Kind.OBJECT or len(options) < 2:
        return None
    if not _is_shared(graph.supergraph, typedef, field_def):
        return None
    supergraph_types = sorted(_runtime_types(graph.supergraph, target))
    per_subgraph: dict[str, list[str]] = {}
    abstract = 0
    for option in sorted(options, key=lambda o: o.index):
        definition = graph.definition(option.index, typedef.name, field_def.name)
        names = (
            _subgraph_runtime_types(graph, option.index, definition.type) if definition else None
        )
        if names is None:
            concrete = base_type(definition.type) if definition else ""
            if concrete not in supergraph_types:
                continue
            names = [concrete]
        else:
            abstract += 1
        per_subgraph[graph.subgraphs[option.index].name] = names
    if abstract < 2 or all(not names for names in per_subgraph.values()):
        return None
    common = set(supergraph_types)
    for names in per_subgraph.values():
        common &= set(names)
    return per_subgraph if not common else None


def _mismatch_error(
    typedef: TypeDef, field_def: Field, path: tuple[str, ...], per_subgraph: dict[str, list[str]]
) -> CompositionError:
    lines = []
    for subgraph, names in per_subgraph.items():
        listed = ", ".join(f'"{n}"' for n in names) or "no runtime type is defined"
        lines.append(f' - in subgraph "{subgraph}", types {listed}')
    message = (
        f"For the following supergraph API query:\n{_query(path)}\nShared field "
        f'"{field_def.coordinate}" return type "{field_def.type}" has a non-intersecting set of '
        "possible runtime types across subgraphs. Runtime types in subgraphs are:\n"
        + ";\n".join(lines)
        + ".\nThis is not allowed as shared fields must resolve the same way in all subgraphs, "
        "and that implies at least some common runtime types between the subgraphs."
    )
    return CompositionError(
        "SHAREABLE_HAS_MISMATCHED_RUNTIME_TYPES", message, type=typedef.name, field=field_def.name
    )


def _branches(graph: _Subgraphs, state: _State, type_name: str, field: str) -> list[Conditions]:
    """The override-label assignments to check this field under."""
    decided = {label for label, _ in state.conditions}
    branches = [state.conditions]
    for label in sorted(graph.field_labels(type_name, field) - decided):
        branches = [b | {(label, value)} for b in branches for value in (True, False)]
    return branches


def _runtime_types(supergraph: Supergraph, typedef: TypeDef) -> list[str]:
    if typedef.kind == Kind.UNION:
        return list(typedef.members)
    if typedef.kind == Kind.INTERFACE:
        return [
            t.name
            for t in supergraph.types.values()
            if t.kind == Kind.OBJECT and typedef.name in t.interfaces
        ]
    return []


def _downcast(
    graph: _Subgraphs, abstract: str, options: frozenset[Option], runtime: str
) -> frozenset[Option]:
    """Options that can take `... on Runtime`: directly, else after a key jump."""
    result: set[Option] = set()
    for option in options:
        if graph.knows(option.index, runtime):
            result.add(option)
            continue
        jumped = graph.closure(abstract, frozenset({option}))
        result |= {o for o in jumped if graph.knows(o.index, runtime)}
    return frozenset(result)


def _resolving(
    graph: _Subgraphs,
    options: frozenset[Option],
    candidates: frozenset[Option],
    typedef: TypeDef,
    field: str,
    *,
    conditions: Conditions,
) -> frozenset[Option]:
    resolving = frozenset(
        graph.follow(o, typedef.name, field)
        for o in candidates
        if graph.local(o, typedef.name, field, conditions)
        and graph.requires_met(o, typedef.name, field)
    )
    if resolving or typedef.kind != Kind.INTERFACE:
        return resolving
    # An interface field a subgraph lacks can still be asked of each implementation it knows.
    exploded = []
    for option in options:
        subgraph = graph.subgraphs[option.index]
        implementations = [t.name for t in subgraph.types.values() if typedef.name in t.interfaces]
        if implementations and all(
            any(graph.local(o, name, field) for o in graph.closure(name, frozenset({option})))
            for name in implementations
        ):
            exploded.append(option)
    return frozenset(exploded)


def _query(path: tuple[str, ...], *, composite_end: bool = False) -> str:
    """The example operation Apollo prints for a path (`{ ... }` ends a composite leaf)."""
    kind, *fields = path
    operation = "" if kind == "query" else kind + " "
    steps = [*fields, "..."] if composite_end else fields
    lines = ["{"]
    for depth, step in enumerate(steps):
        lines.append("  " * (depth + 1) + step + (" {" if depth < len(steps) - 1 else ""))
    lines += ["  " * depth + "}" for depth in range(len(steps) - 1, 0, -1)]
    lines.append("}")
    return operation + "\n".join(lines)


def _witness_field(supergraph: Supergraph, field_def: Field) -> str:
    """A field with an example value for each argument, as Apollo's witness operations."""
    if not field_def.args:
        return field_def.name
    values = ", ".join(
        f"{arg.name}: {_witness_value(supergraph, arg.type)}" for arg in field_def.args.values()
    )
    return f"{field_def.name}({values})"


def _witness_value(supergraph: Supergraph, type_ref: str) -> str:
    type_ref = type_ref.removesuffix("!")
    if type_ref.startswith("["):
        return "[]"
    scalars = {"Int": "0", "Float": "3.14", "Boolean": "true"}
    scalars |= {"String": '"A string value"', "ID": '"<any id>"'}
    if type_ref in scalars:
        return scalars[type_ref]
    typedef = supergraph.types.get(type_ref)
    if typedef is not None and typedef.kind == Kind.ENUM and typedef.values:
        return next(iter(typedef.values))
    if typedef is not None and typedef.kind == Kind.INPUT:
        fields = [
            f"{f.name}: {_witness_value(supergraph, f.type)}"
            for f in typedef.input_fields.values()
            if f.type.endswith("!") and f.default is None
        ]
        return "{" + ", ".join(fields) + "}"
    return '"<some value>"'


def _error(
    graph: _Subgraphs,
    options: frozenset[Option],
    typedef: TypeDef,
    field: str,
    path: tuple[str, ...],
) -> CompositionError:
    target = graph.supergraph.types.get(base_type(typedef.fields[field].type))
    query = _query(path, composite_end=target is not None and target.is_composite)
    # Like Apollo: from each subgraph the path can be in (reached by keys included).
    reached = graph.closure(typedef.name, options) if typedef.kind != Kind.UNION else options
    starts = sorted(options, key=lambda o: o.index)
    others = sorted(reached - options, key=lambda o: o.index)
    indexes = {o.index for o in reached}
    reasons = []
    for option in [*starts, *others]:
        lines = _explain(graph, option, typedef.name, field, reachable=indexes)
        name = graph.subgraphs[option.index].name
        if len(lines) == 1:
            reasons.append(f'- from subgraph "{name}": {lines[0]}')
        else:
            details = "".join(f"\n  - {line}" for line in lines)
            reasons.append(f'- from subgraph "{name}":{details}')
    message = (
        f"The following supergraph API query:\n{query}\ncannot be satisfied by the subgraphs "
        "because:\n" + "\n".join(reasons)
    )
    return CompositionError("SATISFIABILITY_ERROR", message, type=typedef.name, field=field)


def _explain(
    graph: _Subgraphs, option: Option, type_name: str, field: str, *, reachable: set[int]
) -> list[str]:
    """Why a subgraph cannot resolve the field, in Apollo's words."""
    coordinate = f"{type_name}.{field}"
    own = graph.subgraphs[option.index]
    definition = graph.definition(option.index, type_name, field)
    if definition is not None and graph.local(option, type_name, field):
        return [f'cannot satisfy @require conditions on field "{coordinate}".']
    owner = own.types.get(type_name)
    if definition is not None and owner is not None and definition.has("external"):
        return [f'field "{coordinate}" is not resolvable because marked @external.']
    lines = [f'cannot find field "{coordinate}".']
    for index, subgraph in enumerate(graph.subgraphs):
        if index in reachable or not graph.local(Option(index), type_name, field):
            continue
        keys = _keys(graph, index, type_name)
        if not keys:
            lines.append(
                f'cannot move to subgraph "{subgraph.name}", which has field "{coordinate}", '
                f'because type "{type_name}" has no @key defined in subgraph "{subgraph.name}".'
            )
        elif not any(k.boolean("resolvable", default=True) for k in keys):
            lines.append(
                f'cannot move to subgraph "{subgraph.name}", which has field "{coordinate}", '
                f'because none of the @key defined on type "{type_name}" in subgraph '
                f'"{subgraph.name}" are resolvable (they are all declared with their '
                '"resolvable" argument set to false).'
            )
        else:
            lines += [
                f'cannot move to subgraph "{subgraph.name}" using @key(fields: '
                f'"{k.string("fields")}") of "{type_name}", the key field(s) cannot be resolved '
                f'from subgraph "{own.name}".'
                for k in keys
                if k.boolean("resolvable", default=True)
            ]
    return lines


def _keys(graph: _Subgraphs, index: int, type_name: str) -> list[Directive]:
    typedef = graph.subgraphs[index].types.get(type_name)
    owners = [typedef] if typedef is not None else graph.interface_objects(index, type_name)
    return [key for owner in owners for key in owner.applied("key")]
