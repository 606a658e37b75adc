"""A subgraph as composition sees it: its types plus what its `@link`s mean."""

from __future__ import annotations

from dataclasses import dataclass, field

from router.composition.model import DirectiveDef, TypeDef

# Federation directives, in the order Apollo's federation spec defines them (this order decides
# the order of the feature `@link`s in the supergraph).
FEDERATION_DIRECTIVES = (
    "key",
    "requires",
    "provides",
    "external",
    "tag",
    "extends",
    "shareable",
    "inaccessible",
    "override",
    "composeDirective",
    "interfaceObject",
    "authenticated",
    "requiresScopes",
    "policy",
    "context",
    "fromContext",
    "cost",
    "listSize",
    "cacheTag",
)
# The federation version that introduced each directive (others: 2.0).
DIRECTIVE_VERSIONS = {
    "composeDirective": (2, 1),
    "interfaceObject": (2, 3),
    "authenticated": (2, 5),
    "requiresScopes": (2, 5),
    "policy": (2, 6),
    "context": (2, 8),
    "fromContext": (2, 8),
    "cost": (2, 9),
    "listSize": (2, 9),
    "cacheTag": (2, 12),
}
FEDERATION1_DIRECTIVES = (
    "key",
    "requires",
    "provides",
    "external",
    "extends",
    "tag",
    "inaccessible",
)
FEDERATION_SPEC = "https://specs.apollo.dev/federation"


@dataclass
class Link:
    """A non-federation `@link`: its URL and how its directives are named locally."""

    url: str
    identity: str
    name: str
    version: str
    imports: dict[str, str] = field(default_factory=dict)  # local name -> name in the feature


@dataclass
class Subgraph:
    name: str
    url: str
    types: dict[str, TypeDef] = field(default_factory=dict)
    directive_defs: dict[str, DirectiveDef] = field(default_factory=dict)
    roots: dict[str, str] = field(default_factory=dict)  # "query" -> "Query" (after renaming)
    fed2: bool = True
    version: tuple[int, int] = (2, 0)
    links: list[Link] = field(default_factory=list)
    composed: list[str] = field(default_factory=list)  # names given to @composeDirective
    # Which local directive names are federation directives (canonical name in values).
    federation_names: dict[str, str] = field(default_factory=dict)

    def type(self, name: str) -> TypeDef | None:
        return self.types.get(name)

    def is_root(self, type_name: str) -> bool:
        return type_name in self.roots.values()
