"""What a subgraph can serve from a position, without or with hops: the walker's questions.

Everything here is read-only over the supergraph index, the active override labels and the
fields an ``_entities`` hop delivers (``served``): local resolution, fragment application,
coverage scores used to choose subgraphs, and the split of selections no hop can reach.
"""

from __future__ import annotations

from dataclasses import replace

from router.planner.fieldsets import provided_for
from router.planner.graph import Provided, SupergraphIndex, merge_provided
from router.planner.operation import TYPENAME, Condition, Item, NField, NFragment, PlanningError

__all__ = ["Entry", "Reach"]

Entry = tuple[Item, tuple[Condition, ...]]  # a selection item and the conditions it carries

_SCORE_DEPTH = 8  # how deep coverage scores look: enough to separate candidates, bounded cost
_KEY_HOPS = 2  # hops allowed to assemble a key before a sub-field counts as unreachable


class Reach:
    def __init__(self, index: SupergraphIndex, labels: frozenset[str]) -> None:
        self.index = index
        self.sg = index.supergraph
        self.labels = labels
        # fields delivered by an `_entities` hop with their requirements: local in that fetch
        self.served: dict[int, Item] = {}

    # ----------------------------------------------------------------------- fragments
    def flatten(
        self, type_name: str, items: list[Item], conds: tuple[Condition, ...]
    ) -> list[Entry]:
        """Inline the fragments that apply to ``type_name``; others are kept for abstract types."""
        result: list[Entry] = []
        for item in items:
            if isinstance(item, NField):
                result.append((item, conds + item.conditions))
            elif self.applies(item.type_condition, type_name):
                result.extend(self.flatten(type_name, item.selections, conds + item.conditions))
            elif self.index.is_abstract(type_name):
                result.append((item, conds + item.conditions))
        return result

    def applies(self, condition: str | None, type_name: str) -> bool:
        if condition is None or condition == type_name:
            return True
        if self.index.is_abstract(type_name) and not self.index.is_abstract(condition):
            return False
        mine = self.sg.possible_types(type_name)
        return bool(mine) and mine <= self.sg.possible_types(condition)

    # ----------------------------------------------------------------------- local
    def local(self, graph: str, type_name: str, name: str, provided: Provided | None) -> bool:
        """Served by ``graph`` in the same fetch: resolvable there and not needing ``@requires``
        (a requiring field is always reached through ``_entities``, even from its own subgraph)."""
        return self.index.resolvable(
            graph, type_name, name, provided, self.labels
        ) and not self.index.has_requires(type_name, name, graph)

    def local_or_served(
        self, graph: str, type_name: str, item: NField, provided: Provided | None
    ) -> bool:
        return id(item) in self.served or self.local(graph, type_name, item.name, provided)

    def child_provided(
        self, graph: str, type_name: str, item: NField, provided: Provided | None
    ) -> Provided | None:
        below = provided.get(item.name) if provided else None
        info = self.index.field_info(type_name, item.name, graph)
        if info is not None and info.provides:
            returned = self.index.return_type(type_name, item.name) or item.type_name
            below = merge_provided(below, self.index.provided(returned, info.provides))
        return below

    def local_score(
        self, graph: str, type_name: str, items: list[Item], provided: Provided | None, depth: int
    ) -> int:
        """How much of a selection ``graph`` serves without hopping (minus what it cannot)."""
        if depth > _SCORE_DEPTH:
            return 0
        score = 0
        for item in items:
            if isinstance(item, NFragment):
                condition = item.type_condition or type_name
                if self.sg.type_in(condition, graph) is None:
                    score -= 1
                else:
                    below = provided_for(provided, condition)
                    score += self.local_score(graph, condition, item.selections, below, depth + 1)
                continue
            if item.name == TYPENAME:
                continue
            if not self.index.resolvable(graph, type_name, item.name, provided, self.labels):
                score -= 1
                continue
            score += 1
            if item.selections:
                child = self.index.field_type_in(type_name, item, graph)
                below = self.child_provided(graph, type_name, item, provided)
                score += self.local_score(graph, child, item.selections, below, depth + 1)
        return score

    # ----------------------------------------------------------------------- abstract types
    def simple_abstract(
        self, graph: str, type_name: str, items: list[Item], provided: Provided | None
    ) -> bool:
        """Can ``graph`` serve these items on the interface itself, for all its implementations?"""
        possible = self.sg.possible_types(type_name, graph)
        for item in items:
            if isinstance(item, NFragment):
                if item.type_condition not in (None, type_name) or not self.simple_abstract(
                    graph, type_name, item.selections, provided
                ):
                    return False
                continue
            if item.name == TYPENAME:
                continue
            if not self.local(graph, type_name, item.name, provided):
                return False
            if not all(
                self.local(graph, concrete, item.name, provided_for(provided, concrete))
                for concrete in possible
            ):
                return False
            if item.selections and not self.fully_local(
                graph,
                self.index.field_type_in(type_name, item, graph),
                item.selections,
                self.child_provided(graph, type_name, item, provided),
            ):
                return False
        return True

    def fully_local(
        self, graph: str, type_name: str, items: list[Item], provided: Provided | None
    ) -> bool:
        if self.index.is_abstract(type_name):
            in_graph = self.sg.type_in(type_name, graph)
            if in_graph is not None and in_graph.is_interface_object:
                return False
            return self.simple_abstract(graph, type_name, items, provided)
        for item, _ in self.flatten(type_name, items, ()):
            assert isinstance(item, NField)
            if item.name == TYPENAME:
                continue
            if not self.local(graph, type_name, item.name, provided):
                return False
            if item.selections and not self.fully_local(
                graph,
                self.index.field_type_in(type_name, item, graph),
                item.selections,
                self.child_provided(graph, type_name, item, provided),
            ):
                return False
        return True

    def shared_graphs(self, parent: str, field_name: str) -> list[str]:
        meta = self.sg.types[parent].fields.get(field_name)
        return [
            g
            for g in (meta.graphs if meta else ())
            if self.index.resolvable(g, parent, field_name, None, self.labels)
        ]

    def common_members(self, graphs: list[str], child_type: str) -> frozenset[str]:
        """Members every subgraph resolving a shared field knows: below a shared parent, the
        value must not depend on which subgraph served it."""
        common = self.sg.possible_types(child_type, graphs[0])
        for graph in graphs[1:]:
            common &= self.sg.possible_types(child_type, graph)
        return common

    def check_reachable(self, graph: str, type_name: str, items: list[Item]) -> None:
        """With no implementation known here, interface fields must be local or reachable."""
        hops = self.index.hops(type_name, graph)
        for item, _ in self.flatten(type_name, items, ()):
            if not isinstance(item, NField) or item.name == TYPENAME:
                continue
            if self.local(graph, type_name, item.name, None):
                continue
            if not any(
                self.index.resolvable(h.subgraph, h.entity, item.name, None, self.labels)
                for h in hops
            ):
                raise PlanningError(f"no subgraph can resolve {type_name}.{item.name} from {graph}")

    # ----------------------------------------------------------------------- unreachable parts
    def key_obtainable(self, type_name: str, graph: str, key: str, depth: int) -> bool:
        """Can ``graph`` get these key fields, locally or through hops it can make itself?"""
        if self.index.key_local(type_name, graph, key):
            return True
        if depth == 0:
            return False
        hops = self.index.hops(type_name, graph)
        return all(
            isinstance(item, NField)
            and (
                self.local(graph, type_name, item.name, None)
                or any(
                    h.subgraph != graph
                    and self.index.resolvable(h.subgraph, h.entity, item.name, None, self.labels)
                    and self.key_obtainable(type_name, graph, h.key, depth - 1)
                    for h in hops
                )
            )
            for item in self.index.field_set(type_name, key)
        )

    def _stuck_fields(
        self, graph: str, type_name: str, entries: list[Entry], provided: Provided | None
    ) -> list[Item]:
        """Fields of ``type_name`` that ``graph`` neither serves nor reaches by a hop."""
        hops = self.index.hops(type_name, graph)
        return [
            sub
            for sub, _ in entries
            if isinstance(sub, NField)
            and sub.name != TYPENAME
            and not self.local(graph, type_name, sub.name, provided_for(provided, type_name))
            and not any(
                self.index.resolvable(h.subgraph, h.entity, sub.name, None, self.labels)
                and self.key_obtainable(type_name, graph, h.key, _KEY_HOPS)
                for h in hops
            )
        ]

    def split_stuck(
        self, graph: str, type_name: str, item: NField, provided: Provided | None
    ) -> tuple[NField | None, NField | None]:
        """Split off sub-fields that no hop can reach from ``graph`` below this field: they must
        be fetched together with the field itself from another subgraph (parent entity call,
        shared root). Returns (part served here, part to fetch elsewhere)."""
        if not item.selections:
            return item, None
        child_type = self.index.field_type_in(type_name, item, graph)
        below = self.child_provided(graph, type_name, item, provided)
        if self.index.is_abstract(child_type):
            in_graph = self.sg.type_in(child_type, graph)
            if in_graph is None or in_graph.is_interface_object:
                return item, None
            # an implementation whose selected fields this subgraph cannot reach: the whole
            # field must come from elsewhere
            stuck_member = any(
                self._stuck_fields(graph, member, self.flatten(member, item.selections, ()), below)
                for member in self.sg.possible_types(child_type, graph)
            )
            return (None, item) if stuck_member else (item, None)
        stuck = self._stuck_fields(graph, child_type, [(s, ()) for s in item.selections], below)
        if not stuck:
            return item, None
        stuck_ids = {id(sub) for sub in stuck}
        rest = [sub for sub in item.selections if id(sub) not in stuck_ids]
        remote = replace(item, selections=list[Item](stuck))
        if not rest:
            return None, remote
        local = replace(item, selections=rest)
        if id(item) in self.served:
            self.served[id(local)] = local
        return local, remote
