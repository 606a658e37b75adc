"""The walker: turns a normalised operation into fetch groups (one subgraph request each).

It walks the operation top-down, staying in the current subgraph while fields are local there
(cost 1), and hopping through ``_entities`` (cost ~1000, plus the hop's key and ``@requires``
fields planned at the same path, which may hop again) only for fields that are not. Hops for
sibling fields are grouped so the subgraph covering most of them wins; ties go to the hop whose
sub-selections need fewer further hops, then to keys the current subgraph already has, then to
subgraph order. See docs/planner.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from router.planner.fieldsets import clash, copy_items, provided_for
from router.planner.graph import Hop, Provided, SupergraphIndex, is_abstract_output, list_depth
from router.planner.groups import FetchGroup, GroupRegistry
from router.planner.operation import (
    TYPENAME,
    Condition,
    Item,
    NField,
    NFragment,
    NormalizedOperation,
    PlanningError,
)
from router.planner.reach import Entry, Reach
from router.planner.selection import KEY_MARK, OutSet

__all__ = ["REQUIRES_MARK", "At", "Walker"]

# a pending remote field, the part a hop serves, and the part left for another hop
_Option = tuple[tuple[Entry, frozenset[str]], NField, NField | None]

_MAX_HOP_DEPTH = 16
REQUIRES_MARK = "__req"  # internal alias of a requirement clashing with another argument set


@dataclass(frozen=True, slots=True)
class At:
    """Where the walk is: the fetch group being filled, the type at this position (as that
    subgraph sees it), the selection being written, the response path, what ``@provides``
    makes local here, and the variable conditions of the enclosing selections."""

    group: FetchGroup
    type_name: str
    target: OutSet
    path: tuple[str, ...]
    provided: Provided | None = None
    conds: tuple[Condition, ...] = ()


class Walker:
    def __init__(
        self, index: SupergraphIndex, operation: NormalizedOperation, labels: frozenset[str]
    ) -> None:
        self.index = index
        self.sg = index.supergraph
        self.operation = operation
        self.reach = Reach(index, labels)
        self.registry = GroupRegistry()
        self.roots: list[FetchGroup] = []
        self._depth = 0
        self._requires_aliases = 0
        # abstract selections under a shared field below a shared parent: common members only
        self._restricted: dict[int, frozenset[str]] = {}
        self._shared_sets: dict[int, OutSet] = {}  # selections under fields 2+ subgraphs serve
        # client response keys naming another field (`upc: name`): planner-added fields under
        # such a key get an internal alias, so representations never read the client's value
        self._client_keys: set[str] = set()
        self._aliased_keys: set[str] = set()
        _response_keys(operation.selections, self._client_keys, self._aliased_keys)

    @property
    def groups(self) -> list[FetchGroup]:
        return self.registry.groups

    # ------------------------------------------------------------------------------ root
    def walk(self) -> list[FetchGroup]:
        op = self.operation
        for item, conds in self.reach.flatten(op.root_type, op.selections, ()):
            if not isinstance(item, NField) or item.name == TYPENAME:
                continue
            if op.kind == "mutation":
                self._plan_mutation_field(op.root_type, item, conds)
            else:
                self._plan_query_field(op.root_type, item, conds)
        if op.kind != "mutation":
            self._merge_roots()
        for group in self.groups:
            group.output.prune()
            group.output.alias_conflicts()
        return self.roots

    def _plan_mutation_field(
        self, root_type: str, item: NField, conds: tuple[Condition, ...]
    ) -> None:
        """Mutation fields run in order: consecutive fields of one subgraph share a fetch."""
        graph = self._root_graph(root_type, item, set())
        last = self.roots[-1] if self.roots else None
        group = last if last is not None and last.subgraph == graph else None
        if group is None:
            group = self.registry.new(graph, (), (), entity=False)
            self.roots.append(group)
        self._plan_local_field(At(group, root_type, group.output, ()), item, conds)

    def _plan_query_field(self, root_type: str, item: NField, conds: tuple[Condition, ...]) -> None:
        """Plan a query root field from the preferred subgraph; when the walk from there finds
        no plan, roll it back and try the next candidate."""
        excluded: set[str] = set()
        first_error: PlanningError | None = None
        while True:
            groups_mark, roots_mark = len(self.groups), len(self.roots)
            try:
                parts = self._root_parts(root_type, item, excluded)
            except PlanningError:
                if first_error is not None:
                    raise first_error from None
                raise
            try:
                for graph, part in parts:
                    group = self.registry.new(graph, (), (), entity=False)
                    self.roots.append(group)
                    self._plan_local_field(At(group, root_type, group.output, ()), part, conds)
            except PlanningError as exc:
                first_error = first_error or exc
                del self.groups[groups_mark:]
                del self.roots[roots_mark:]
                excluded.add(parts[0][0])
            else:
                return

    def _merge_roots(self) -> None:
        """One fetch per subgraph for the root fields of a query."""
        by_graph: dict[str, FetchGroup] = {}
        merged: dict[int, int] = {}
        for root in self.roots:
            kept = by_graph.setdefault(root.subgraph, root)
            if kept is not root:
                kept.output.merge(root.output)
                root.output = OutSet()
                kept.children.extend(root.children)
                merged[root.id] = kept.id
        if merged:
            self.roots = list(by_graph.values())
            for group in self.groups:
                group.deps = {merged.get(dep, dep) for dep in group.deps}

    def _root_parts(
        self, root_type: str, item: NField, excluded: set[str]
    ) -> list[tuple[str, NField]]:
        """The subgraph(s) serving a query root field. A field several subgraphs share, whose
        selection no single one can reach (no keys to hop with), is fetched from each of them
        for its part and deep-merged (shared root)."""
        parts: list[tuple[str, NField]] = []
        tried = set(excluded)
        current = item
        while True:
            graph = self._root_graph(root_type, current, tried)
            tried.add(graph)
            local, rest = self.reach.split_stuck(graph, root_type, current, None)
            others = rest is not None and self._root_candidates(root_type, rest, tried)
            if rest is None or not others:
                # served whole here, or nowhere else to go (the walk reports what is missing)
                parts.append((graph, current))
                return parts
            if local is not None:
                parts.append((graph, local))
                current = rest

    def _root_candidates(self, root_type: str, item: NField, tried: set[str]) -> list[str]:
        return [
            g
            for g in self.sg.subgraphs
            if g not in tried
            and self.index.resolvable(g, root_type, item.name, None, self.reach.labels)
        ]

    def _root_graph(self, root_type: str, item: NField, tried: set[str]) -> str:
        candidates = self._root_candidates(root_type, item, tried)
        if not candidates:
            raise PlanningError(f"no subgraph resolves {root_type}.{item.name}")
        if len(candidates) == 1:
            return candidates[0]

        def score(graph: str) -> tuple[int, int]:
            child = self.index.field_type_in(root_type, item, graph)
            provided = self.reach.child_provided(graph, root_type, item, None)
            local = self.reach.local_score(graph, child, item.selections or [], provided, 0)
            return (local, -self.index.order[graph])

        return max(candidates, key=score)

    # ------------------------------------------------------------------------------ positions
    def plan_items(self, at: At, items: list[Item]) -> set[int]:
        """Plan ``items`` at ``at``; returns the groups producing data at this position."""
        if not self.index.is_abstract(at.type_name):
            return self._plan_object(at, self.reach.flatten(at.type_name, items, ()))
        in_graph = self.sg.type_in(at.type_name, at.group.subgraph)
        if in_graph is not None and in_graph.is_interface_object:
            return self._plan_interface_object(at, items)
        return self._plan_abstract(at, items)

    def _plan_object(self, at: At, entries: list[Entry]) -> set[int]:
        produced = {at.group.id}
        remote: list[Entry] = []
        graph = at.group.subgraph
        for item, item_conds in entries:
            assert isinstance(item, NField)
            if item.name == TYPENAME:
                continue  # object types: the shaper knows the name
            if not self.reach.local_or_served(graph, at.type_name, item, at.provided):
                remote.append((item, item_conds))
                continue
            local, elsewhere = self.reach.split_stuck(graph, at.type_name, item, at.provided)
            if elsewhere is not None:
                remote.append((elsewhere, item_conds))
            if local is not None:
                produced |= self._plan_local_field(at, local, item_conds)
        if remote:
            produced |= self._plan_remote(at, remote)
        return produced

    def _plan_local_field(
        self, at: At, item: NField, item_conds: tuple[Condition, ...]
    ) -> set[int]:
        graph = at.group.subgraph
        out = at.target.add_field(
            key=item.key,
            name=item.name,
            alias=item.alias,
            arguments=item.arguments,
            conditions=item_conds,
            composite=item.selections is not None,
            type_sig=self.index.type_sig(at.type_name, item.name, graph),
        )
        if item.selections is None or out.children is None:
            return set()
        child_type = self.index.field_type_in(at.type_name, item, graph)
        shared = self.reach.shared_graphs(at.type_name, item.name)
        if len(shared) > 1:
            self._shared_sets[id(out.children)] = out.children
        if is_abstract_output(item):
            out.children.add_typename()
            if len(shared) > 1 and id(at.target) in self._shared_sets:
                self._restricted[id(out.children)] = self.reach.common_members(shared, child_type)
        below = At(
            at.group,
            child_type,
            out.children,
            (*at.path, item.key, *("@",) * list_depth(item.type)),
            self.reach.child_provided(graph, at.type_name, item, at.provided),
            at.conds + item_conds,
        )
        return self.plan_items(below, item.selections)

    def _plan_abstract(self, at: At, items: list[Item]) -> set[int]:
        at.target.add_typename()
        graph = at.group.subgraph
        produced = {at.group.id}
        restricted = self._restricted.get(id(at.target))
        if restricted is None and self.reach.simple_abstract(
            graph, at.type_name, items, at.provided
        ):
            for item, item_conds in self.reach.flatten(at.type_name, items, ()):
                if isinstance(item, NField) and item.name != TYPENAME:
                    produced |= self._plan_local_field(at, item, item_conds)
            return produced
        possible = self.sg.possible_types(at.type_name, graph)
        if not possible:
            self.reach.check_reachable(graph, at.type_name, items)
        if restricted is not None:
            possible &= restricted
        for concrete in sorted(possible):
            entries = self.reach.flatten(concrete, items, ())
            if not any(isinstance(i, NField) and i.name != TYPENAME for i, _ in entries):
                continue
            fragment = at.target.add_fragment(concrete)
            member = replace(
                at,
                type_name=concrete,
                target=fragment.children,
                provided=provided_for(at.provided, concrete),
            )
            produced |= self._plan_object(member, entries)
        return produced

    def _plan_interface_object(self, at: At, items: list[Item]) -> set[int]:
        """The interface is modelled as an object here: concrete type names and type
        conditions come from the interface's owner; interface fields alone do not need it."""
        produced = {at.group.id}
        owner_entries: list[Entry] = []
        remote: list[Entry] = []
        for item, item_conds in self.reach.flatten(at.type_name, items, ()):
            if isinstance(item, NFragment) or item.name == TYPENAME:
                owner_entries.append((item, item_conds))
            elif self.reach.local_or_served(at.group.subgraph, at.type_name, item, at.provided):
                produced |= self._plan_local_field(at, item, item_conds)
            else:
                remote.append((item, item_conds))
        if remote:
            produced |= self._plan_remote(at, remote)
        if owner_entries:
            owners = self.index.owners(at.type_name)
            if not owners:
                raise PlanningError(f"no subgraph can resolve the concrete type of {at.type_name}")
            key = self.sg.types[at.type_name].graphs[owners[0]].resolvable_keys[0]
            hop = Hop(owners[0], at.type_name, key, rewrite=False)
            by_conds: dict[tuple[Condition, ...], list[Entry]] = {}
            for entry in owner_entries:
                by_conds.setdefault(entry[1], []).append(entry)
            for item_conds, entries in by_conds.items():
                produced |= self._jump(at, hop, entries, item_conds)
        return produced

    # ------------------------------------------------------------------------------ hops
    def _plan_remote(self, at: At, remote: list[Entry]) -> set[int]:
        produced: set[int] = set()
        graph = at.group.subgraph
        # each pending entry remembers the subgraphs that already served part of it
        pending: list[tuple[Entry, frozenset[str]]] = [(e, frozenset()) for e in remote]
        hops = self.index.hops(at.type_name, graph)
        while pending:
            options: dict[tuple[Hop, tuple[Condition, ...]], list[_Option]] = {}
            for pend in pending:
                (item, item_conds), tried = pend
                assert isinstance(item, NField)
                for hop in hops:
                    if hop.subgraph in tried or not self.index.resolvable(
                        hop.subgraph, hop.entity, item.name, None, self.reach.labels
                    ):
                        continue
                    served, rest = self.reach.split_stuck(hop.subgraph, hop.entity, item, None)
                    if served is not None:  # the hop serves at least part of the field
                        options.setdefault((hop, item_conds), []).append((pend, served, rest))
            if not options:
                names = ", ".join(f"{at.type_name}.{_name(p[0][0])}" for p in pending)
                raise PlanningError(f"no subgraph can resolve {names} from {graph}")
            best = max(
                options,
                key=lambda o: (
                    len(options[o]),
                    -sum(rest is not None for _, _, rest in options[o]),
                    self._subtree_score(o[0], [(served, ()) for _, served, _ in options[o]]),
                    self.index.key_local(at.type_name, graph, o[0].key),
                    -self.index.order[o[0].subgraph],
                ),
            )
            hop = best[0]
            chosen_ids = {id(pend) for pend, _, _ in options[best]}
            pending = [p for p in pending if id(p) not in chosen_ids]
            entries: list[Entry] = []
            for ((_, item_conds), tried), served, rest in options[best]:
                entries.append((served, item_conds))
                if rest is not None:
                    # part of this field's selection must come from elsewhere: split it
                    pending.append(((rest, item_conds), tried | {hop.subgraph}))
            for batch in self._compatible_batches(hop, entries):
                produced |= self._jump(at, hop, batch, best[1])
        return produced

    def _subtree_score(self, hop: Hop, entries: list[Entry]) -> int:
        """How much of the hopped fields' sub-selections the target serves without hopping on."""
        score = 0
        for item, _ in entries:
            if isinstance(item, NField) and item.selections:
                child = self.index.field_type_in(hop.entity, item, hop.subgraph)
                score += self.reach.local_score(hop.subgraph, child, item.selections, None, 1)
        return score

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
                    isinstance(r, NField) and clash(seen, r, by_name=True) for r in required
                ):
                    batch.append(entry)
                    copy_items(hop.entity, required, seen)
                    break
            else:
                seen = OutSet()
                copy_items(hop.entity, required, seen)
                batches.append(([entry], seen))
        return [batch for batch, _ in batches]

    def _alias_clashes(self, target: OutSet, required: list[Item]) -> list[Item]:
        """Requirements whose response key is taken by the same field with other arguments are
        fetched under an internal alias (the representation still names the field)."""
        result: list[Item] = []
        for item in required:
            if isinstance(item, NField) and clash(target, item, by_name=False):
                self._requires_aliases += 1
                alias = f"{item.name}{REQUIRES_MARK}{self._requires_aliases}"
                result.append(replace(item, alias=alias, key=alias))
            else:
                result.append(item)
        return result

    def _internal(self, items: list[Item]) -> list[Item]:
        """Planner-added fields (keys, requirements) under an internal alias wherever a client
        alias uses their name as its response key: the client's value and the real key then live
        under distinct keys, and representations read the real one."""
        if not self._aliased_keys:
            return items
        result: list[Item] = []
        for item in items:
            selections = self._internal(item.selections) if item.selections else item.selections
            if isinstance(item, NFragment):
                result.append(replace(item, selections=selections or []))
            elif item.key in self._aliased_keys:
                alias = f"{item.name}{KEY_MARK}"
                while alias in self._client_keys:
                    alias += "_"
                result.append(replace(item, alias=alias, key=alias, selections=selections))
            else:
                result.append(replace(item, selections=selections))
        return result

    def _jump(
        self, at: At, hop: Hop, entries: list[Entry], item_conds: tuple[Condition, ...]
    ) -> set[int]:
        """Fetch ``entries`` through ``_entities`` in ``hop.subgraph``: key and requirements are
        planned here first (they may hop too), then the fields in the child group."""
        self._depth += 1
        if self._depth > _MAX_HOP_DEPTH:
            raise PlanningError(f"no finite plan reaches {at.type_name} fields in {hop.subgraph}")
        try:
            guarded = at.conds + tuple(c for c in item_conds if c not in at.conds)
            key_items = self._internal(list(self.index.field_set(at.type_name, hop.key)))
            deps = self.plan_items(at, key_items)  # planner-added keys are unconditional
            at.target.add_typename()
            required = self._alias_clashes(
                at.target, self._internal(self._requirements(hop, entries))
            )
            if required:
                deps |= self.plan_items(replace(at, conds=guarded), required)
            child = self.registry.child(
                at.group,
                graph=hop.subgraph,
                path=at.path,
                conditions=guarded,
                deps=deps,
                input_type=at.type_name,
                required=required,
            )
            representation = child.inputs.add_fragment(at.type_name).children
            representation.add_typename()
            copy_items(at.type_name, key_items + required, representation)
            child.key_fields[at.type_name] = tuple(
                item.name for item in key_items if isinstance(item, NField)
            )
            in_target = self.sg.type_in(hop.entity, hop.subgraph)
            if hop.rewrite or (in_target is not None and in_target.is_interface_object):
                child.rewrites[at.type_name] = hop.entity
            fragment = child.output.add_fragment(hop.entity)
            items = [replace(item, conditions=()) for item, _ in entries]
            self.reach.served.update((id(item), item) for item in items)
            inside = At(child, hop.entity, fragment.children, at.path, None, guarded)
            return deps | self.plan_items(inside, items)
        finally:
            self._depth -= 1


def _response_keys(items: list[Item], keys: set[str], aliased: set[str]) -> None:
    """Every client response key, and those an alias gives to another field."""
    for item in items:
        if isinstance(item, NField):
            keys.add(item.key)
            if item.key != item.name:
                aliased.add(item.key)
        if item.selections:
            _response_keys(item.selections, keys, aliased)


def _name(item: Item) -> str:
    return item.name if isinstance(item, NField) else f"... on {item.type_condition}"
