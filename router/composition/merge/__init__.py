"""Merge: validated subgraphs → one supergraph, kind by kind (one module per kind).

Order follows Apollo: features → types shallow (`types`) → implements → unions → scalars,
inputs, interfaces, objects (`fields`, `override`, `arguments`, `typeref`, `join_directives`)
→ enums (once their usage is known) → executable directives → carried directives
(`directives`, `strategies`) → interface-object fields on implementations.
"""

from __future__ import annotations

from dataclasses import dataclass

from router.composition.errors import CompositionError
from router.composition.merge.directives import merge_pending, record_directives
from router.composition.merge.enums import merge_enum
from router.composition.merge.features import add_features, merge_executable_definitions
from router.composition.merge.fields import merge_fields
from router.composition.merge.inputs import merge_input
from router.composition.merge.interfaces import validate_interface
from router.composition.merge.join_directives import add_join_directives
from router.composition.merge.state import MergeState, graph_enum_names
from router.composition.merge.types import (
    add_join_type,
    add_types_shallow,
    merge_description,
    merge_implements,
)
from router.composition.merge.unions import merge_union
from router.composition.metadata import Metadata
from router.composition.model import Directive, Field, Kind, TypeDef
from router.composition.subgraph import Subgraph
from router.composition.supergraph import Supergraph


@dataclass
class MergeOutcome:
    supergraph: Supergraph
    errors: list[CompositionError]
    hints: list[str]


def join_version(subgraphs: list[Subgraph]) -> tuple[int, int]:
    """join v0.5 from federation 2.8, v0.4 from 2.7, v0.3 before (as Apollo picks it)."""
    latest = max((s.version for s in subgraphs), default=(2, 0))
    if latest >= (2, 8):
        return (0, 5)
    if latest >= (2, 7):
        return (0, 4)
    return (0, 3)


def merge_subgraphs(subgraphs: list[Subgraph], metas: list[Metadata]) -> MergeOutcome:
    supergraph = Supergraph(
        graphs=graph_enum_names(subgraphs), join_version=join_version(subgraphs)
    )
    state = MergeState(subgraphs, metas, supergraph)
    add_features(state)
    add_types_shallow(state)
    if state.errors:
        return MergeOutcome(supergraph, state.errors, state.hints)
    by_kind: dict[Kind, list[TypeDef]] = {}
    for typedef in supergraph.types.values():
        by_kind.setdefault(typedef.kind, []).append(typedef)
    for kind in (Kind.OBJECT, Kind.INTERFACE):
        for typedef in by_kind.get(kind, []):
            merge_implements(state, typedef)
    for typedef in by_kind.get(Kind.UNION, []):
        _merge_type(state, typedef)
    for kind in (Kind.SCALAR, Kind.INPUT, Kind.INTERFACE, Kind.OBJECT):
        for typedef in by_kind.get(kind, []):
            _merge_type(state, typedef)
    for typedef in by_kind.get(Kind.ENUM, []):
        _merge_type(state, typedef)
    for root_kind, name in list(supergraph.roots.items()):
        if name not in supergraph.types:
            del supergraph.roots[root_kind]
    if "query" not in supergraph.roots:
        state.error(
            "NO_QUERIES",
            "No queries found in any subgraph: a supergraph must have a query root type.",
        )
    merge_executable_definitions(state)
    merge_pending(state)
    _add_interface_object_fields(state)
    return MergeOutcome(supergraph, state.errors, state.hints)


def _merge_type(state: MergeState, dest: TypeDef) -> None:
    sources = state.type_sources(dest.name)
    merge_description(sources, dest)
    add_join_type(state, dest)
    record_directives(
        state, sources, dest, dest.name, access_control_first=dest.kind == Kind.INTERFACE
    )
    add_join_directives(state, enumerate(sources), dest)
    if dest.kind == Kind.INTERFACE:
        validate_interface(state, dest)
    if dest.kind in (Kind.OBJECT, Kind.INTERFACE):
        merge_fields(state, dest)
        if dest.kind == Kind.OBJECT and not dest.fields:
            del state.supergraph.types[dest.name]
    elif dest.kind == Kind.UNION:
        merge_union(state, dest)
    elif dest.kind == Kind.ENUM:
        merge_enum(state, dest)
    elif dest.kind == Kind.INPUT:
        merge_input(state, dest)


def _add_interface_object_fields(state: MergeState) -> None:
    """Fields an interface object adds to an interface appear on every implementation."""
    types = state.supergraph.types
    for interface in [t for t in types.values() if t.kind == Kind.INTERFACE]:
        abstracted = any(
            (t := s.types.get(interface.name)) is not None and state.metas[i].is_interface_object(t)
            for i, s in enumerate(state.subgraphs)
        )
        if not abstracted:
            continue
        for implementation in [t for t in types.values() if interface.name in t.interfaces]:
            for name, field_def in interface.fields.items():
                if name in implementation.fields:
                    continue
                copy = Field(
                    name=name,
                    parent=implementation.name,
                    description=field_def.description,
                    type=field_def.type,
                    args=dict(field_def.args),
                    directives=[
                        Directive(d.name, dict(d.args))
                        for d in field_def.directives
                        if not d.name.startswith("join__")
                    ],
                )
                copy.directives.append(Directive("join__field"))
                implementation.fields[name] = copy
