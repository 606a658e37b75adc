"""Unions: every member of every subgraph, each with its `@join__unionMember`."""

from __future__ import annotations

from router.composition.merge.state import MergeState
from router.composition.model import Directive, TypeDef, enum_value
from router.composition.model import string_value as string


def merge_union(state: MergeState, dest: TypeDef) -> None:
    sources = state.type_sources(dest.name)
    for source in sources:
        if source is not None:
            dest.members += [m for m in source.members if m not in dest.members]
    for member in dest.members:
        for index, source in enumerate(sources):
            if source is not None and member in source.members:
                dest.directives.append(
                    Directive(
                        "join__unionMember",
                        {"graph": enum_value(state.graph(index)), "member": string(member)},
                    )
                )
