"""Shared state of one merge: the subgraphs, the supergraph being built, errors and pending work."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from router.composition.errors import CompositionError
from router.composition.metadata import Metadata
from router.composition.model import Directed, TypeDef
from router.composition.subgraph import Subgraph
from router.composition.supergraph import Graph, Supergraph

Position = Literal["Input", "Output", "Both"]
# Directives the supergraph carries (besides `@composeDirective`-d ones): Apollo's composition
# specs and GraphQL's built-in type-system directives; access control merges first on fields.
CARRIED = (
    "tag",
    "inaccessible",
    "authenticated",
    "requiresScopes",
    "policy",
    "cost",
    "listSize",
    "deprecated",
    "specifiedBy",
    "context",
)


@dataclass
class PendingDirectives:
    names: list[str]
    sources: Sequence[Directed | None]
    dest: Directed
    owner: str  # the supergraph type owning dest (to skip removed elements)


@dataclass
class MergeState:
    subgraphs: list[Subgraph]
    metas: list[Metadata]
    supergraph: Supergraph
    errors: list[CompositionError] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)
    enum_usage: dict[str, Position] = field(default_factory=dict)
    enum_examples: dict[str, dict[str, str]] = field(default_factory=dict)
    pending: list[PendingDirectives] = field(default_factory=list)
    composed: set[str] = field(default_factory=set)

    @property
    def names(self) -> list[str]:
        return [s.name for s in self.subgraphs]

    def graph(self, index: int) -> str:
        return self.supergraph.graphs[index].enum

    def error(
        self,
        code: str,
        message: str,
        *,
        subgraph: str | None = None,
        type_name: str | None = None,
        field_name: str | None = None,
    ) -> None:
        self.errors.append(CompositionError(code, message, subgraph, type_name, field_name))

    def type_sources(self, name: str) -> list[TypeDef | None]:
        return [s.types.get(name) for s in self.subgraphs]

    def is_carried(self, name: str) -> bool:
        return name in CARRIED or name in self.composed


def sanitize_graph_name(name: str) -> str:
    """A subgraph name as a `join__Graph` value, the way Apollo spells it."""
    sanitized = re.sub(r"[^A-Za-z0-9_]", "_", name)
    if sanitized[:1].isdigit():
        sanitized = "_" + sanitized
    if re.search(r"_\d+$", sanitized):
        sanitized += "_"
    return sanitized.upper()


def graph_enum_names(subgraphs: Sequence[Subgraph]) -> list[Graph]:
    """`join__Graph` values; names that collide once sanitized all get `_1`, `_2`, ..."""
    by_name: dict[str, list[Subgraph]] = {}
    for subgraph in subgraphs:
        by_name.setdefault(sanitize_graph_name(subgraph.name), []).append(subgraph)
    enum_names: dict[str, str] = {}
    for sanitized, group in by_name.items():
        for index, subgraph in enumerate(group, start=1):
            enum_names[subgraph.name] = sanitized if len(group) == 1 else f"{sanitized}_{index}"
    return [Graph(enum_names[s.name], s.name, s.url) for s in subgraphs]


def subgraph_list(names: Sequence[str]) -> str:
    """Apollo's way of listing subgraphs in messages: `"a", "b" and "c"`."""
    quoted = [f'"{n}"' for n in names]
    prefix = "subgraph " if len(quoted) == 1 else "subgraphs "
    if len(quoted) <= 1:
        return prefix + "".join(quoted)
    return prefix + ", ".join(quoted[:-1]) + " and " + quoted[-1]
