"""Per-supergraph planning metadata: who resolves a field, which hops exist, parsed field sets.

Built once per supergraph (``QueryPlanner.__init__``) and consulted on every plan; results that
depend only on the supergraph are memoised here so planning a document stays linear in its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLOutputType,
    get_named_type,
    is_abstract_type,
)

from router.planner.operation import NField, NFragment, parse_field_set
from router.supergraph import FieldInGraph, Supergraph

__all__ = ["Hop", "Provided", "SupergraphIndex"]

# Provided fields on a path: field name -> provided below it; "...T" -> provided under `... on T`.
Provided = dict[str, "Provided"]


@dataclass(frozen=True, slots=True)
class Hop:
    """An ``_entities`` jump: into ``subgraph`` as ``entity`` (an object, entity interface, or an
    ``@interfaceObject`` then representations are sent with ``__typename`` rewritten to it)."""

    subgraph: str
    entity: str
    key: str
    rewrite: bool


class SupergraphIndex:
    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.order = {name: i for i, name in enumerate(supergraph.subgraphs)}
        self.field_set = cache(self._field_set)
        self.key_names = cache(self._key_names)
        self.owners = cache(self._owners)
        self.hops = cache(self._hops)
        self.return_type = cache(self._return_type)
        self.type_sig = cache(self._type_sig)
        self.abstract_names = frozenset(
            name for name, meta in supergraph.types.items() if meta.kind in {"interface", "union"}
        )

    # --------------------------------------------------------------------------- field sets
    def _field_set(self, type_name: str, field_set: str) -> tuple[NField | NFragment, ...]:
        return tuple(parse_field_set(self.supergraph.schema, type_name, field_set))

    def _key_names(self, type_name: str, graph: str) -> frozenset[str]:
        in_graph = self.supergraph.type_in(type_name, graph)
        names: set[str] = set()
        for key in in_graph.keys if in_graph else ():
            names.update(
                item.name
                for item in self.field_set(type_name, key.fields)
                if isinstance(item, NField)
            )
        return frozenset(names)

    def provided(self, type_name: str, field_set: str) -> Provided:
        return _to_provided(self.field_set(type_name, field_set))

    # --------------------------------------------------------------------------- resolution
    def field_info(self, type_name: str, field_name: str, graph: str) -> FieldInGraph | None:
        meta = self.supergraph.types.get(type_name)
        if meta is None:
            return None
        field_meta = meta.fields.get(field_name)
        return None if field_meta is None else field_meta.graphs.get(graph)

    def resolvable(
        self,
        graph: str,
        type_name: str,
        field_name: str,
        provided: Provided | None,
        labels: frozenset[str],
    ) -> bool:
        info = self.field_info(type_name, field_name, graph)
        if info is None:
            return False
        if info.external:
            return provided is not None and field_name in provided
        if info.override is not None and info.override_label is not None:
            if info.override_label not in labels:
                return False  # progressive override, label off: the old owner still serves it
        elif self._overridden_now(type_name, field_name, graph, labels) or (
            info.used_overridden and info.override_label is None
        ):
            # taken over by another subgraph: a source that still uses the field (in a key or a
            # requirement) holds it like an external one
            return info.used_overridden and provided is not None and field_name in provided
        return True

    def _overridden_now(
        self, type_name: str, field_name: str, graph: str, labels: frozenset[str]
    ) -> bool:
        """Does another subgraph override this field in ``graph`` for this request: always, or
        through a progressive ``overrideLabel`` that is active? (Apollo's join v0.4+ form puts
        the label on both sides; the source's own copy does not decide anything by itself.)"""
        graphs = self.supergraph.types[type_name].fields[field_name].graphs
        return any(
            other.override == graph
            and (other.override_label is None or other.override_label in labels)
            for name, other in graphs.items()
            if name != graph
        )

    def _owners(self, type_name: str) -> tuple[str, ...]:
        """Subgraphs defining ``type_name`` as a real interface with a resolvable key and
        implementations, so they can tell an object's concrete type."""
        meta = self.supergraph.types.get(type_name)
        if meta is None or meta.kind != "interface":
            return ()
        return tuple(
            g
            for g, t in meta.graphs.items()
            if not t.is_interface_object
            and t.resolvable_keys
            and self.supergraph.possible_types(type_name, g)
        )

    def _hops(self, type_name: str, graph: str) -> tuple[Hop, ...]:
        """Every entity jump leaving ``type_name`` in ``graph``, best key first."""
        sg = self.supergraph
        hops: list[Hop] = []
        for target in sg.subgraphs:
            in_target = sg.type_in(type_name, target)
            if in_target is not None:
                hops.extend(
                    Hop(target, type_name, key, rewrite=False)
                    for key in self._keys_by_preference(type_name, graph, in_target.resolvable_keys)
                )
        for interface in sg.interfaces_of(type_name):
            meta = sg.types.get(interface)
            for target, in_target in meta.graphs.items() if meta else ():
                if target != graph and in_target.is_interface_object:
                    hops.extend(
                        Hop(target, interface, key, rewrite=True)
                        for key in self._keys_by_preference(
                            interface, graph, in_target.resolvable_keys
                        )
                    )
        return tuple(hops)

    def _keys_by_preference(self, type_name: str, graph: str, keys: list[str]) -> list[str]:
        local = [k for k in keys if self.key_local(type_name, graph, k)]
        return local + [k for k in keys if k not in local]

    def key_local(self, type_name: str, graph: str, key: str) -> bool:
        return all(
            isinstance(item, NField)
            and (
                item.name == "__typename"
                or self.resolvable(graph, type_name, item.name, None, frozenset())
            )
            for item in self.field_set(type_name, key)
        )

    # --------------------------------------------------------------------------- types
    def field_type_in(self, type_name: str, field: NField, graph: str) -> str:
        """The named return type of ``field`` as ``graph`` declares it (join__field ``type:``)."""
        info = self.field_info(type_name, field.name, graph)
        if info is not None and info.type:
            return info.type.strip("[]!")
        return self.return_type(type_name, field.name) or field.type_name

    def _return_type(self, type_name: str, field_name: str) -> str | None:
        parent = self.supergraph.schema.get_type(type_name)
        definition = getattr(parent, "fields", {}).get(field_name)
        return None if definition is None else get_named_type(definition.type).name

    def _type_sig(self, type_name: str, field_name: str, graph: str) -> str | None:
        info = self.field_info(type_name, field_name, graph)
        if info is not None and info.type:
            return info.type
        parent = self.supergraph.schema.get_type(type_name)
        definition = getattr(parent, "fields", {}).get(field_name)
        return None if definition is None else str(definition.type)

    def has_requires(self, type_name: str, field_name: str, graph: str) -> bool:
        info = self.field_info(type_name, field_name, graph)
        return info is not None and info.requires is not None

    def is_abstract(self, type_name: str) -> bool:
        return type_name in self.abstract_names


def list_depth(type_: GraphQLOutputType | None) -> int:
    """How many list levels wrap a field's type (each is an ``@`` in a merge path)."""
    depth = 0
    while True:
        if isinstance(type_, GraphQLNonNull):
            type_ = type_.of_type
        elif isinstance(type_, GraphQLList):
            depth += 1
            type_ = type_.of_type
        else:
            return depth


def is_abstract_output(field: NField) -> bool:
    return field.type is not None and is_abstract_type(get_named_type(field.type))


def _to_provided(items: tuple[NField | NFragment, ...] | list[NField | NFragment]) -> Provided:
    result: Provided = {}
    for item in items:
        if isinstance(item, NField):
            sub = _to_provided(item.selections) if item.selections else {}
            result[item.name] = merge_provided(result.get(item.name), sub)
        else:
            key = "..." + (item.type_condition or "")
            result[key] = merge_provided(result.get(key), _to_provided(item.selections))
    return result


def merge_provided(a: Provided | None, b: Provided | None) -> Provided:
    if not a:
        return dict(b or {})
    if not b:
        return dict(a)
    merged = dict(a)
    for key, value in b.items():
        merged[key] = merge_provided(merged.get(key), value)
    return merged
