"""Types: which exist in the supergraph, their kind, description, `@join__type`, `implements`."""

from __future__ import annotations

from collections.abc import Sequence

from graphql.language import ValueNode

from router.composition.merge.state import MergeState, PendingDirectives
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
    """Keep the description; when they differ, the most common non-empty one (like Apollo)."""
    descriptions: list[str] = []
    counts: list[int] = []
    for source in sources:
        if source is None or source.description is None:
            continue
        if source.description in descriptions:
            counts[descriptions.index(source.description)] += 1
        else:
            descriptions.append(source.description)
            counts.append(-(10**9) if source.description == "" else 1)
    if not descriptions:
        return
    non_empty = [d for d in descriptions if d]
    if len(descriptions) == 1:
        dest.description = descriptions[0]
    elif len(non_empty) == 1:
        dest.description = non_empty[0]
    else:
        dest.description = descriptions[counts.index(max(counts))]


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


def record_directives(
    state: MergeState,
    sources: Sequence[Directed | None],
    dest: Directed,
    owner: str,
    *,
    access_control_first: bool,
) -> None:
    """Apply `@inaccessible` now (Apollo does) and queue the other carried directives."""
    names: list[str] = []
    for source in sources:
        if source is None:
            continue
        for directive in source.directives:
            if state.is_carried(directive.name) and directive.name not in names:
                names.append(directive.name)
    if "inaccessible" in names:
        names.remove("inaccessible")
        if any(s is not None and s.has("inaccessible") for s in sources):
            dest.directives.append(Directive("inaccessible"))
    if access_control_first:
        first = [n for n in ("authenticated", "requiresScopes", "policy") if n in names]
        names = first + [n for n in names if n not in first]
    state.pending.append(PendingDirectives(names, list(sources), dest, owner))
