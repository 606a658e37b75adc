"""The walker: turns a normalised operation into fetch groups (one subgraph request each).

It walks the operation top-down, staying in the current subgraph while fields are local there
(cost 1), and hopping through ``_entities`` (cost ~1000, plus the hop's key and ``@requires``
fields planned at the same path, which may hop again) only for fields that are not. Hops for
sibling fields are grouped so the subgraph covering most of them wins; ties stay on keys the
current subgraph already has, then on subgraph order. Groups of one parent that hop into the same
subgraph at the same path and under the same conditions are merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from graphql import print_ast
from graphql.language import ast

from router.planner.graph import (
    Hop,
    Provided,
    SupergraphIndex,
    is_abstract_output,
    list_depth,
    merge_provided,
)
from router.planner.operation import (
    TYPENAME,
    Condition,
    Item,
    NField,
    NFragment,
    NormalizedOperation,
    PlanningError,
)
from router.planner.selection import OutField, OutFragment, OutSet

__all__ = ["FetchGroup", "Walker"]

_MAX_HOP_DEPTH = 16
REQUIRES_MARK = "__req"  # internal alias of a requirement clashing with another argument set

Entry = tuple[Item, tuple[Condition, ...]]


@dataclass(eq=False, slots=True)
class FetchGroup:
    id: int
    subgraph: str
    path: tuple[str, ...]
    conditions: tuple[Condition, ...]
    entity: bool
    output: OutSet = field(default_factory=OutSet)
    inputs: OutSet = field(default_factory=OutSet)
    rewrites: dict[str, str] = field(default_factory=dict)
    key_fields: dict[str, tuple[str, ...]] = field(default_factory=dict)
    deps: set[int] = field(default_factory=set)
    children: list[int] = field(default_factory=list)


class Walker:
    def __init__(
        self, index: SupergraphIndex, operation: NormalizedOperation, labels: frozenset[str]
    ) -> None:
        self.index = index
        self.sg = index.supergraph
        self.operation = operation
        self.labels = labels
        self.groups: list[FetchGroup] = []
        self.roots: list[FetchGroup] = []
        self._depth = 0
        self._req_aliases = 0
        # abstract selections under a field several subgraphs share: only their common members
        self._restricted: dict[int, frozenset[str]] = {}
        self._shared_sets: dict[int, OutSet] = {}  # selections under fields 2+ subgraphs serve
        # fields delivered by an `_entities` hop with their requirements: local in that fetch
        self._served: dict[int, Item] = {}

    # ------------------------------------------------------------------------------ root
    def walk(self) -> list[FetchGroup]:
        op = self.operation
        by_graph: dict[str, FetchGroup] = {}
        for item, conds in self._flatten(op.root_type, op.selections, ()):
            if not isinstance(item, NField) or item.name == TYPENAME:
                continue
            for graph, part in self._root_parts(op.root_type, item, shareable=op.kind == "query"):
                if op.kind == "mutation":
                    last = self.roots[-1] if self.roots else None
                    group = last if last is not None and last.subgraph == graph else None
                else:
                    group = by_graph.get(graph)
                if group is None:
                    group = self._new_group(graph, (), (), entity=False)
                    self.roots.append(group)
                    by_graph[graph] = group
                self._plan_local_field(group, op.root_type, group.output, (), part, conds, None, ())
        for group in self.groups:
            group.output.prune()
            group.output.alias_conflicts()
        return self.roots

    def _root_parts(
        self, root_type: str, item: NField, *, shareable: bool
    ) -> list[tuple[str, NField]]:
        """The subgraph(s) serving a root field. A query field several subgraphs share, whose
        selection no single one can reach (no keys to hop with), is fetched from each of them
        for its part and deep-merged (shared root)."""
        parts: list[tuple[str, NField]] = []
        tried: set[str] = set()
        current = item
        while True:
            graph = self._root_graph(root_type, current, tried)
            if not shareable:
                return [(graph, current)]
            tried.add(graph)
            local, rest = self._split_stuck(graph, root_type, current, None)
            others = rest is not None and self._root_candidates(root_type, rest, tried)
            if rest is None or not others:
                # served whole here, or nowhere else to go (the walker reports what is missing)
                parts.append((graph, current))
                return parts
            if local is not None:
                parts.append((graph, local))
                current = rest

    def _root_candidates(self, root_type: str, item: NField, tried: set[str]) -> list[str]:
        return [
            g
            for g in self.sg.subgraphs
            if g not in tried and self.index.resolvable(g, root_type, item.name, None, self.labels)
        ]

    def _root_graph(self, root_type: str, item: NField, tried: set[str] | None = None) -> str:
        candidates = self._root_candidates(root_type, item, tried or set())
        if not candidates:
            raise PlanningError(f"no subgraph resolves {root_type}.{item.name}")
        if len(candidates) == 1:
            return candidates[0]

        def score(graph: str) -> tuple[int, int]:
            child = self.index.field_type_in(root_type, item, graph)
            local = self._local_score(graph, child, item.selections or [], None, 0)
            return (local, -self.index.order[graph])

        return max(candidates, key=score)

    def _local_score(
        self, graph: str, type_name: str, items: list[Item], provided: Provided | None, depth: int
    ) -> int:
        """How much of a selection ``graph`` can serve without hopping (root-field choice)."""
        if depth > 8:
            return 0
        score = 0
        for item in items:
            if isinstance(item, NFragment):
                cond = item.type_condition or type_name
                if self.sg.type_in(cond, graph) is None:
                    score -= 1
                    continue
                score += self._local_score(graph, cond, item.selections, provided, depth + 1)
                continue
            if item.name == TYPENAME:
                continue
            if not self.index.resolvable(graph, type_name, item.name, provided, self.labels):
                score -= 1
                continue
            score += 1
            if item.selections:
                child = self.index.field_type_in(type_name, item, graph)
                score += self._local_score(
                    graph,
                    child,
                    item.selections,
                    self._child_provided(graph, type_name, item, provided),
                    depth + 1,
                )
        return score

    # ------------------------------------------------------------------------------ groups
    def _new_group(
        self,
        graph: str,
        path: tuple[str, ...],
        conditions: tuple[Condition, ...],
        *,
        entity: bool,
    ) -> FetchGroup:
        group = FetchGroup(len(self.groups), graph, path, conditions, entity)
        self.groups.append(group)
        return group

    def _child_group(
        self,
        parent: FetchGroup,
        graph: str,
        path: tuple[str, ...],
        conditions: tuple[Condition, ...],
        deps: set[int],
        required: tuple[str, list[Item]],
    ) -> FetchGroup:
        type_name, items = required
        for child_id in parent.children:
            child = self.groups[child_id]
            if (
                child.subgraph == graph
                and child.path == path
                and child.conditions == conditions
                and not self._reaches(child.id, deps)
                and not self._input_clash(child, type_name, items)
            ):
                child.deps |= deps
                return child
        child = self._new_group(graph, path, conditions, entity=True)
        child.deps = {parent.id, *deps}
        parent.children.append(child.id)
        return child

    def _input_clash(self, child: FetchGroup, type_name: str, items: list[Item]) -> bool:
        for entry in child.inputs:
            if isinstance(entry, OutFragment) and entry.type_condition == type_name:
                return any(
                    isinstance(i, NField) and _clash(entry.children, i, by_name=True) for i in items
                )
        return False

    def _alias_clashes(self, target: OutSet, required: list[Item]) -> list[Item]:
        """Requirements whose response key is taken by the same field with other arguments are
        fetched under an internal alias (the representation still names the field)."""
        result: list[Item] = []
        for item in required:
            if isinstance(item, NField) and _clash(target, item, by_name=False):
                self._req_aliases += 1
                alias = f"{item.name}{REQUIRES_MARK}{self._req_aliases}"
                item = replace(item, alias=alias, key=alias)  # noqa: PLW2901
            result.append(item)
        return result

    def _reaches(self, ancestor: int, deps: set[int]) -> bool:
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

    # ------------------------------------------------------------------------------ walking
    def _flatten(
        self, type_name: str, items: list[Item], conds: tuple[Condition, ...]
    ) -> list[Entry]:
        """Inline the fragments that apply to ``type_name``; others are kept for abstract types."""
        result: list[Entry] = []
        for item in items:
            if isinstance(item, NField):
                result.append((item, conds + item.conditions))
            elif self._applies(item.type_condition, type_name):
                result.extend(self._flatten(type_name, item.selections, conds + item.conditions))
            elif self.index.is_abstract(type_name):
                result.append((item, conds))
        return result

    def _applies(self, condition: str | None, type_name: str) -> bool:
        if condition is None or condition == type_name:
            return True
        if self.index.is_abstract(type_name) and not self.index.is_abstract(condition):
            return False
        mine = self.sg.possible_types(type_name)
        return bool(mine) and mine <= self.sg.possible_types(condition)

    def plan_items(
        self,
        group: FetchGroup,
        type_name: str,
        target: OutSet,
        path: tuple[str, ...],
        items: list[Item],
        provided: Provided | None,
        conds: tuple[Condition, ...],
    ) -> set[int]:
        if not self.index.is_abstract(type_name):
            entries = self._flatten(type_name, items, ())
            return self._plan_object(group, type_name, target, path, entries, provided, conds)
        in_graph = self.sg.type_in(type_name, group.subgraph)
        if in_graph is not None and in_graph.is_interface_object:
            return self._plan_interface_object(
                group, type_name, target, path, items, provided, conds
            )
        return self._plan_abstract(group, type_name, target, path, items, provided, conds)

    def _plan_object(
        self,
        group: FetchGroup,
        type_name: str,
        target: OutSet,
        path: tuple[str, ...],
        entries: list[Entry],
        provided: Provided | None,
        conds: tuple[Condition, ...],
    ) -> set[int]:
        produced = {group.id}
        remote: list[Entry] = []
        for item, item_conds in entries:
            assert isinstance(item, NField)
            if item.name == TYPENAME:
                continue
            if id(item) in self._served or self._local(
                group.subgraph, type_name, item.name, provided
            ):
                local_part, remote_part = self._split_stuck(
                    group.subgraph, type_name, item, provided
                )
                if remote_part is not None:
                    remote.append((remote_part, item_conds))
                if local_part is not None:
                    produced |= self._plan_local_field(
                        group, type_name, target, path, local_part, item_conds, provided, conds
                    )
            else:
                remote.append((item, item_conds))
        if remote:
            produced |= self._plan_remote(group, type_name, target, path, remote, provided, conds)
        return produced

    def _key_obtainable(self, type_name: str, graph: str, key: str, depth: int) -> bool:
        """Can ``graph`` get these key fields, locally or through hops it can make itself?"""
        if self.index.key_local(type_name, graph, key):
            return True
        if depth == 0:
            return False
        hops = self.index.hops(type_name, graph)
        return all(
            isinstance(item, NField)
            and (
                self._local(graph, type_name, item.name, None)
                or any(
                    h.subgraph != graph
                    and self.index.resolvable(h.subgraph, h.entity, item.name, None, self.labels)
                    and self._key_obtainable(type_name, graph, h.key, depth - 1)
                    for h in hops
                )
            )
            for item in self.index.field_set(type_name, key)
        )

    def _split_stuck(
        self, graph: str, type_name: str, item: NField, provided: Provided | None
    ) -> tuple[NField | None, NField | None]:
        """Split off sub-fields that no hop can reach from ``graph`` below this field: they must
        be fetched together with the field itself from another subgraph (parent entity call)."""
        if not item.selections:
            return item, None
        child_type = self.index.field_type_in(type_name, item, graph)
        if self.index.is_abstract(child_type):
            return item, None
        below = self._child_provided(graph, type_name, item, provided)
        hops = self.index.hops(child_type, graph)
        stuck = [
            sub
            for sub in item.selections
            if isinstance(sub, NField)
            and sub.name != TYPENAME
            and not self._local(graph, child_type, sub.name, below)
            and not any(
                self.index.resolvable(h.subgraph, h.entity, sub.name, None, self.labels)
                and self._key_obtainable(child_type, graph, h.key, 2)
                for h in hops
            )
        ]
        if not stuck:
            return item, None
        stuck_ids = {id(sub) for sub in stuck}
        rest = [sub for sub in item.selections if id(sub) not in stuck_ids]
        remote = replace(item, selections=stuck)
        if not rest:
            return None, remote
        local = replace(item, selections=rest)
        if id(item) in self._served:
            self._served[id(local)] = local
        return local, remote

    def _local(self, graph: str, type_name: str, name: str, provided: Provided | None) -> bool:
        """Served by ``graph`` in the same fetch: resolvable there and not needing ``@requires``
        (a requiring field is always reached through ``_entities``, even from its own subgraph)."""
        return self.index.resolvable(
            graph, type_name, name, provided, self.labels
        ) and not self.index.has_requires(type_name, name, graph)

    def _child_provided(
        self, graph: str, type_name: str, item: NField, provided: Provided | None
    ) -> Provided | None:
        below = provided.get(item.name) if provided else None
        info = self.index.field_info(type_name, item.name, graph)
        if info is not None and info.provides:
            returned = self.index.return_type(type_name, item.name) or item.type_name
            below = merge_provided(below, self.index.provided(returned, info.provides))
        return below

    def _plan_local_field(
        self,
        group: FetchGroup,
        type_name: str,
        target: OutSet,
        path: tuple[str, ...],
        item: NField,
        item_conds: tuple[Condition, ...],
        provided: Provided | None,
        conds: tuple[Condition, ...],
    ) -> set[int]:
        out = target.add_field(
            key=item.key,
            name=item.name,
            alias=item.alias,
            arguments=item.arguments,
            conditions=item_conds,
            composite=item.selections is not None,
            type_sig=self.index.type_sig(type_name, item.name, group.subgraph),
        )
        if item.selections is None or out.children is None:
            return set()
        child_type = self.index.field_type_in(type_name, item, group.subgraph)
        shared = self._shared_graphs(type_name, item.name)
        if len(shared) > 1:
            self._shared_sets[id(out.children)] = out.children
        if is_abstract_output(item):
            out.children.add_typename()
            if len(shared) > 1 and id(target) in self._shared_sets:
                self._restricted[id(out.children)] = self._common_members(shared, child_type)
        child_path = (*path, item.key, *("@",) * list_depth(item.type))
        return self.plan_items(
            group,
            child_type,
            out.children,
            child_path,
            item.selections,
            self._child_provided(group.subgraph, type_name, item, provided),
            conds + item_conds,
        )

    def _plan_abstract(
        self,
        group: FetchGroup,
        type_name: str,
        target: OutSet,
        path: tuple[str, ...],
        items: list[Item],
        provided: Provided | None,
        conds: tuple[Condition, ...],
    ) -> set[int]:
        target.add_typename()
        graph = group.subgraph
        produced = {group.id}
        if id(target) not in self._restricted and self._simple_abstract(
            graph, type_name, items, provided
        ):
            for item, item_conds in self._flatten(type_name, items, ()):
                if isinstance(item, NField) and item.name != TYPENAME:
                    produced |= self._plan_local_field(
                        group, type_name, target, path, item, item_conds, provided, conds
                    )
            return produced
        possible = self.sg.possible_types(type_name, graph)
        if not possible:
            self._check_reachable(graph, type_name, items)
        possible = self._restricted.get(id(target), possible) & possible
        for concrete in sorted(possible):
            entries = self._flatten(concrete, items, ())
            if not any(isinstance(i, NField) and i.name != TYPENAME for i, _ in entries):
                continue
            fragment = target.add_fragment(concrete)
            produced |= self._plan_object(
                group,
                concrete,
                fragment.children,
                path,
                entries,
                _provided_for(provided, concrete),
                conds,
            )
        return produced

    def _shared_graphs(self, parent: str, field_name: str) -> list[str]:
        meta = self.sg.types[parent].fields.get(field_name)
        return [
            g
            for g in (meta.graphs if meta else ())
            if self.index.resolvable(g, parent, field_name, None, self.labels)
        ]

    def _common_members(self, graphs: list[str], child_type: str) -> frozenset[str]:
        """Members every subgraph resolving a shared field knows: below a shared parent, the
        value must not depend on which subgraph served it."""
        common = self.sg.possible_types(child_type, graphs[0])
        for graph in graphs[1:]:
            common &= self.sg.possible_types(child_type, graph)
        return common

    def _check_reachable(self, graph: str, type_name: str, items: list[Item]) -> None:
        """With no implementation known here, interface fields must be local or reachable."""
        hops = self.index.hops(type_name, graph)
        for item, _ in self._flatten(type_name, items, ()):
            if not isinstance(item, NField) or item.name == TYPENAME:
                continue
            if self._local(graph, type_name, item.name, None):
                continue
            if not any(
                self.index.resolvable(h.subgraph, h.entity, item.name, None, self.labels)
                for h in hops
            ):
                raise PlanningError(f"no subgraph can resolve {type_name}.{item.name} from {graph}")

    def _simple_abstract(
        self, graph: str, type_name: str, items: list[Item], provided: Provided | None
    ) -> bool:
        """Can ``graph`` serve these items on the interface itself, for all its implementations?"""
        possible = self.sg.possible_types(type_name, graph)
        for item in items:
            if isinstance(item, NFragment):
                if item.type_condition not in (None, type_name):
                    return False
                if not self._simple_abstract(graph, type_name, item.selections, provided):
                    return False
                continue
            if item.name == TYPENAME:
                continue
            if not self._local(graph, type_name, item.name, provided):
                return False
            for concrete in possible:
                if not self._local(graph, concrete, item.name, _provided_for(provided, concrete)):
                    return False
            if item.selections and not self._fully_local(
                graph,
                self.index.field_type_in(type_name, item, graph),
                item.selections,
                self._child_provided(graph, type_name, item, provided),
            ):
                return False
        return True

    def _fully_local(
        self, graph: str, type_name: str, items: list[Item], provided: Provided | None
    ) -> bool:
        if self.index.is_abstract(type_name):
            in_graph = self.sg.type_in(type_name, graph)
            if in_graph is not None and in_graph.is_interface_object:
                return False
            return self._simple_abstract(graph, type_name, items, provided)
        for item, _ in self._flatten(type_name, items, ()):
            assert isinstance(item, NField)
            if item.name == TYPENAME:
                continue
            if not self._local(graph, type_name, item.name, provided):
                return False
            if item.selections and not self._fully_local(
                graph,
                self.index.field_type_in(type_name, item, graph),
                item.selections,
                self._child_provided(graph, type_name, item, provided),
            ):
                return False
        return True

    def _plan_interface_object(
        self,
        group: FetchGroup,
        type_name: str,
        target: OutSet,
        path: tuple[str, ...],
        items: list[Item],
        provided: Provided | None,
        conds: tuple[Condition, ...],
    ) -> set[int]:
        """``type_name`` is an interface modelled as an object here: concrete type names and
        type conditions come from the interface's owner."""
        produced = {group.id}
        owner_entries: list[Entry] = []
        remote: list[Entry] = []
        for item, item_conds in self._flatten(type_name, items, ()):
            if isinstance(item, NFragment) or item.name == TYPENAME:
                owner_entries.append((item, item_conds))
            elif id(item) in self._served or self._local(
                group.subgraph, type_name, item.name, provided
            ):
                produced |= self._plan_local_field(
                    group, type_name, target, path, item, item_conds, provided, conds
                )
            else:
                remote.append((item, item_conds))
        if remote:
            produced |= self._plan_remote(group, type_name, target, path, remote, provided, conds)
        if owner_entries:
            owners = self.index.owners(type_name)
            if not owners:
                raise PlanningError(f"no subgraph can resolve the concrete type of {type_name}")
            key = self.sg.types[type_name].graphs[owners[0]].resolvable_keys[0]
            hop = Hop(owners[0], type_name, key, rewrite=False)
            by_conds: dict[tuple[Condition, ...], list[Entry]] = {}
            for entry in owner_entries:
                by_conds.setdefault(entry[1], []).append(entry)
            for item_conds, entries in by_conds.items():
                produced |= self._jump(
                    group, type_name, target, path, hop, entries, item_conds, provided, conds
                )
        return produced

    def _plan_remote(
        self,
        group: FetchGroup,
        type_name: str,
        target: OutSet,
        path: tuple[str, ...],
        remote: list[Entry],
        provided: Provided | None,
        conds: tuple[Condition, ...],
    ) -> set[int]:
        produced: set[int] = set()
        # each pending entry remembers the subgraphs that already served part of it
        pending: list[tuple[Entry, frozenset[str]]] = [(e, frozenset()) for e in remote]
        hops = self.index.hops(type_name, group.subgraph)
        while pending:
            options: dict[
                tuple[Hop, tuple[Condition, ...]], list[tuple[Entry, frozenset[str]]]
            ] = {}
            for pend in pending:
                (item, item_conds), tried = pend
                assert isinstance(item, NField)
                for hop in hops:
                    if hop.subgraph not in tried and self.index.resolvable(
                        hop.subgraph, hop.entity, item.name, None, self.labels
                    ):
                        options.setdefault((hop, item_conds), []).append(pend)
            if not options:
                names = ", ".join(f"{type_name}.{p[0][0].name}" for p in pending)  # type: ignore[union-attr]
                raise PlanningError(f"no subgraph can resolve {names} from {group.subgraph}")
            best = max(
                options,
                key=lambda o: (
                    len(options[o]),
                    self._subtree_score(o[0], [p[0] for p in options[o]]),
                    self.index.key_local(type_name, group.subgraph, o[0].key),
                    -self.index.order[o[0].subgraph],
                ),
            )
            hop = best[0]
            chosen = options[best]
            chosen_ids = {id(p) for p in chosen}
            pending = [p for p in pending if id(p) not in chosen_ids]
            entries: list[Entry] = []
            for (item, item_conds), tried in chosen:
                assert isinstance(item, NField)
                served, rest = self._split_stuck(hop.subgraph, hop.entity, item, None)
                if rest is not None and served is not None:
                    # part of this field's selection must come from elsewhere: split it
                    pending.append(((rest, item_conds), tried | {hop.subgraph}))
                    entries.append((served, item_conds))
                else:
                    entries.append((item, item_conds))
            for batch in self._compatible_batches(hop, entries):
                produced |= self._jump(
                    group, type_name, target, path, hop, batch, best[1], provided, conds
                )
        return produced

    def _requirements(self, hop: Hop, entries: list[Entry]) -> list[Item]:
        required: list[Item] = []
        for item, _ in entries:
            if isinstance(item, NField):
                info = self.index.field_info(hop.entity, item.name, hop.subgraph)
                if info is not None and info.requires:
                    required.extend(self.index.field_set(hop.entity, info.requires))
        return required

    def _compatible_batches(self, hop: Hop, entries: list[Entry]) -> list[list[Entry]]:
        """Fields whose requirements need one field with different arguments cannot share a
        representation: they go to separate ``_entities`` calls."""
        batches: list[tuple[list[Entry], OutSet]] = []
        for entry in entries:
            required = self._requirements(hop, [entry])
            for batch, seen in batches:
                if not any(
                    isinstance(r, NField) and _clash(seen, r, by_name=True) for r in required
                ):
                    break
            else:
                batch, seen = [], OutSet()
                batches.append((batch, seen))
            batch.append(entry)
            _copy_items(self, hop.entity, required, seen)
        return [batch for batch, _ in batches]

    def _subtree_score(self, hop: Hop, entries: list[Entry]) -> int:
        """How much of the hopped fields' sub-selections the target serves without hopping on."""
        score = 0
        for item, _ in entries:
            if isinstance(item, NField) and item.selections:
                child = self.index.field_type_in(hop.entity, item, hop.subgraph)
                score += self._local_score(hop.subgraph, child, item.selections, None, 1)
        return score

    def _jump(
        self,
        group: FetchGroup,
        type_name: str,
        target: OutSet,
        path: tuple[str, ...],
        hop: Hop,
        entries: list[Entry],
        item_conds: tuple[Condition, ...],
        provided: Provided | None,
        conds: tuple[Condition, ...],
    ) -> set[int]:
        self._depth += 1
        if self._depth > _MAX_HOP_DEPTH:
            raise PlanningError(f"no finite plan reaches {type_name} fields in {hop.subgraph}")
        try:
            group_conds = conds + tuple(c for c in item_conds if c not in conds)
            key_items = list(self.index.field_set(type_name, hop.key))
            deps = self.plan_items(group, type_name, target, path, key_items, provided, conds)
            target.add_typename()
            required = self._alias_clashes(target, self._requirements(hop, entries))
            if required:
                deps |= self.plan_items(
                    group, type_name, target, path, required, provided, group_conds
                )
            child = self._child_group(
                group, hop.subgraph, path, group_conds, deps, (type_name, required)
            )
            representation = child.inputs.add_fragment(type_name).children
            representation.add_typename()
            _copy_items(self, type_name, key_items + required, representation)
            child.key_fields[type_name] = tuple(
                item.key for item in key_items if isinstance(item, NField)
            )
            in_target = self.sg.type_in(hop.entity, hop.subgraph)
            if hop.rewrite or (in_target is not None and in_target.is_interface_object):
                child.rewrites[type_name] = hop.entity
            fragment = child.output.add_fragment(hop.entity)
            items = [replace(item, conditions=()) for item, _ in entries]
            self._served.update((id(item), item) for item in items)
            produced = self.plan_items(
                child, hop.entity, fragment.children, path, items, None, group_conds
            )
            return deps | produced
        finally:
            self._depth -= 1


def _provided_for(provided: Provided | None, concrete: str) -> Provided | None:
    if not provided:
        return None
    base = {k: v for k, v in provided.items() if not k.startswith("...")}
    return merge_provided(base, provided.get("..." + concrete))


def _copy_items(walker: Walker, type_name: str, items: list[Item], target: OutSet) -> None:
    """Write a key/requires field set into a representation selection."""
    for item in items:
        if isinstance(item, NFragment):
            fragment = target.add_fragment(item.type_condition or type_name)
            fragment.children.add_typename()
            _copy_items(
                walker, item.type_condition or type_name, item.selections, fragment.children
            )
            continue
        out = target.add_field(
            key=item.key,
            name=item.name,
            alias=item.alias,
            arguments=item.arguments,
            composite=item.selections is not None,
        )
        if item.selections and out.children is not None:
            if is_abstract_output(item):
                out.children.add_typename()
            _copy_items(walker, item.type_name, item.selections, out.children)


def _args(arguments: tuple[ast.ArgumentNode, ...]) -> tuple[str, ...]:
    return tuple(print_ast(a) for a in arguments)


def _clash(selection: OutSet, item: NField, *, by_name: bool) -> bool:
    """Would adding ``item`` to ``selection`` merge it with the same field under other arguments
    (compared by response key, or by field name inside representations)?"""
    wanted = item.name if by_name else item.key
    for entry in selection:
        if not isinstance(entry, OutField) or (entry.name if by_name else entry.key) != wanted:
            continue
        if entry.name != item.name or _args(entry.arguments) != _args(item.arguments):
            return True
        if entry.children is not None and item.selections:
            for sub in item.selections:
                if isinstance(sub, NField) and _clash(entry.children, sub, by_name=by_name):
                    return True
    return False
