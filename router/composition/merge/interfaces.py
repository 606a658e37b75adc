"""Interface-specific merge checks: entity interfaces and `@interfaceObject` usage."""

from __future__ import annotations

from router.composition.merge.state import MergeState
from router.composition.model import Kind, TypeDef


def _types(names: list[str]) -> str:
    quoted = [f'"{n}"' for n in names]
    label = "type " if len(names) == 1 else "types "
    return label + (
        quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]
    )


def validate_interface(state: MergeState, dest: TypeDef) -> None:
    """A resolvable `@key` on an interface needs every implementation in that subgraph; a
    subgraph using `@interfaceObject` must not define implementations."""
    implementations = [
        t.name
        for t in state.supergraph.types.values()
        if t.kind == Kind.OBJECT and dest.name in t.interfaces
    ]
    for index, source in enumerate(state.type_sources(dest.name)):
        if source is None:
            continue
        name = state.names[index]
        subgraph = state.subgraphs[index]
        if state.metas[index].is_interface_object(source):
            defined = [i for i in implementations if i in subgraph.types]
            if defined:
                state.error(
                    "INTERFACE_OBJECT_USAGE_ERROR",
                    f'[{name}] Interface type "{dest.name}" is defined as an @interfaceObject in '
                    f'subgraph "{name}" so that subgraph should not define any of the '
                    f'implementation types of "{dest.name}", but it defines {_types(defined)}',
                    subgraph=name,
                    type_name=dest.name,
                )
            continue
        key = next(
            (k for k in source.applied("key") if k.boolean("resolvable", default=True)), None
        )
        if source.kind != Kind.INTERFACE or key is None:
            continue
        own = {t.name for t in subgraph.types.values() if dest.name in t.interfaces}
        missing = [i for i in implementations if i not in own]
        if missing:
            pronoun = "them" if len(missing) > 1 else "it"
            state.error(
                "INTERFACE_KEY_MISSING_IMPLEMENTATION_TYPE",
                f'[{name}] Interface type "{dest.name}" has a resolvable key ({key}) in subgraph '
                f'"{name}" but that subgraph is missing some of the supergraph implementation '
                f'types of "{dest.name}". Subgraph "{name}" should define {_types(missing)} (and '
                f'have {pronoun} implement "{dest.name}").',
                subgraph=name,
                type_name=dest.name,
            )
