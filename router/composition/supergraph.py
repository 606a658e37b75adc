"""The supergraph being built: merged types plus what the printer needs for the join/link header."""

from __future__ import annotations

from dataclasses import dataclass, field

from router.composition.model import DirectiveDef, TypeDef


@dataclass(frozen=True)
class Graph:
    """One `join__Graph` value: enum name, subgraph name, routing URL."""

    enum: str
    name: str
    url: str


@dataclass
class FeatureLink:
    """A `@link` in the supergraph's schema definition, other than link and join themselves."""

    url: str
    purpose: str | None = None
    imports: list[str] = field(default_factory=list)


@dataclass
class Supergraph:
    graphs: list[Graph]
    join_version: tuple[int, int]
    types: dict[str, TypeDef] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)
    features: list[FeatureLink] = field(default_factory=list)
    # Spec directive definitions, as printed text (they are fixed by their specs).
    directive_definitions: dict[str, str] = field(default_factory=dict)
    # Composed and executable directives merged from the subgraphs.
    directives: dict[str, DirectiveDef] = field(default_factory=dict)
    extra_types: dict[str, str] = field(default_factory=dict)
