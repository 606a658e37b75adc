"""What composition takes in and gives back."""

from __future__ import annotations

from dataclasses import dataclass, field

from router.composition.errors import CompositionError


@dataclass(frozen=True)
class SubgraphSource:
    """One subgraph: its name, the URL the router calls, and its SDL."""

    name: str
    url: str
    sdl: str


@dataclass(frozen=True)
class CompositionResult:
    """Either the supergraph SDL or every error found (never both)."""

    supergraph_sdl: str | None = None
    errors: list[CompositionError] = field(default_factory=list)
    hints: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.supergraph_sdl is not None
