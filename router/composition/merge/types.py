"""Types: which exist in the supergraph, their kind, description, `@join__type`, `implements`."""

from __future__ import annotations

from collections.abc import Sequence

from graphql.language import ValueNode

from router.composition.merge.state import MergeState
from router.composition.model import (
    DEFAULT_ROOT_NAMES,
    Directed,
    Directive,
    Kind,
    TypeDef,
    boolean_value,
    enum_value,
)
from router.composition.model import string_value as string

KIND_LABELS = {
    Kind.SCALAR: "ScalarType",
    Kind.OBJECT: "ObjectType",
    Kind.INTERFACE: "InterfaceType",
    Kind.UNION: "UnionType",
    Kind.ENUM: "EnumType",
    Kind.INPUT: "InputObjectType",
}


def add_types_shallow(state: MergeState) -> None:
    """Create every supergraph type; a type defined with different kinds is TYPE_KIND_MISMATCH."""
    names = sorted({name for s in state.subgraphs for name in s.types})
    for name in names:
        sources = state.type_sources(name)
        kinds: dict[Kind, list[str]] = {}
        for index, source in enumerate(sources):
            if source is not None:
                kind = source.kind
                if state.metas[index].is_interface_object(source):
                    kind = Kind.INTERFACE
                kinds.setdefault(kind, []).append(state.names[index])
        first = next(s for s in sources if s is not None)
        if len(kinds) > 1:
            detail = " and ".join(
                f"{KIND_LABELS[kind]} in {_quoted(subs)}" for kind, subs in kinds.items()
            )
            state.error(
                "TYPE_KIND_MISMATCH",
                f'Type "{name}" has mismatched kind: it is defined as {detail}',
                type_name=name,
            )
            continue
        kind = first.kind
        if kind == Kind.OBJECT and any(
            s is not None and state.metas[i].is_interface_object(s) for i, s in enumerate(sources)
        ):
            kind = Kind.INTERFACE
        state.supergraph.types[name] = TypeDef(name=name, kind=kind)
    for root_kind, default in DEFAULT_ROOT_NAMES.items():
        if (
            any(s.roots.get(root_kind) for s in state.subgraphs)
            and default in state.supergraph.types
        ):
            state.supergraph.roots[root_kind] = default


def _quoted(names: Sequence[str]) -> str:
    label = "subgraph" if len(names) == 1 else "subgraphs"
    return f"{label} " + ", ".join(f'"{n}"' for n in names)


def merge_implements(state: MergeState, dest: TypeDef) -> None:
    implemented: list[str] = []
    for index, source in enumerate(state.type_sources(dest.name)):
        if source is None:
            continue
        for interface in source.interfaces:
            if interface not in implemented:
                implemented.append(interface)
            dest.directives.append(
                Directive(
                    "join__implements",
                    {"graph": enum_value(state.graph(index)), "interface": string(interface)},
                )
            )
    dest.interfaces = implemented


def merge_description(sources: Sequence[Directed | None], dest: Directed) -> None:
    merged = pick_description([s.description for s in sources if s is not None])
    if merged is not None:
        dest.description = merged


def pick_description(candidates: Sequence[str | None]) -> str | None:
    """The only description; when they differ, the most common non-empty one (like Apollo)."""
    descriptions: list[str] = []
    counts: list[int] = []
    for description in candidates:
        if description is None:
            continue
        if description in descriptions:
            counts[descriptions.index(description)] += 1
        else:
            descriptions.append(description)
            counts.append(-(10**9) if description == "" else 1)
    if not descriptions:
        return None
    non_empty = [d for d in descriptions if d]
    if len(descriptions) == 1:
        return descriptions[0]
    if len(non_empty) == 1:
        return non_empty[0]
    return descriptions[counts.index(max(counts))]


def add_join_type(state: MergeState, dest: TypeDef) -> None:
    for index, source in enumerate(state.type_sources(dest.name)):
        if source is None:
            continue
        graph = enum_value(state.graph(index))
        interface_object = state.metas[index].is_interface_object(source)
        keys = source.applied("key")
        if not keys:
            args: dict[str, ValueNode] = {"graph": graph}
            if interface_object:
                args["isInterfaceObject"] = boolean_value(True)
            dest.directives.append(Directive("join__type", args))
            continue
        for key in keys:
            args = {"graph": graph, "key": key.args["fields"]}
            if key.in_extension or source.has("extends"):
                args["extension"] = boolean_value(True)
            if "resolvable" in key.args:
                args["resolvable"] = key.args["resolvable"]
            if interface_object:
                args["isInterfaceObject"] = boolean_value(True)
            dest.directives.append(Directive("join__type", args))
