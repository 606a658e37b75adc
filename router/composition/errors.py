"""Composition errors: one class, a stable Apollo code, and where it happened.

CompositionError          one problem (code, message, subgraph, type, field)
CompositionFailed         raised by `compose_from_config` with every error at once
ConfigError               supergraph.yaml is unreadable, malformed, or a schema cannot be fetched
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CompositionError:
    """One composition problem, coded like Apollo's (`INVALID_FIELD_SHARING`, ...)."""

    code: str
    message: str
    subgraph: str | None = None
    type: str | None = None
    field: str | None = None

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class CompositionFailed(Exception):  # noqa: N818 - the name says what happened, like Apollo's
    """Composition produced errors; `errors` holds all of them."""

    def __init__(self, errors: list[CompositionError]) -> None:
        self.errors = errors
        super().__init__("\n".join(str(error) for error in errors))


class ConfigError(Exception):
    """supergraph.yaml could not be turned into subgraph sources."""
