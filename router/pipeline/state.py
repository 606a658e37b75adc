"""The per-supergraph state every stage reads: schema, planner and their caches.

One `RouterState` exists per loaded supergraph. A hot reload builds a new one and
swaps it in; requests in flight keep the state they started with, so caches never mix
documents validated or plans built against different supergraphs.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema

from router.pipeline.cache import LruCache
from router.planner import QueryPlanner
from router.supergraph import Supergraph

__all__ = ["CachedDocument", "PlanKey", "RouterState"]

_generations = itertools.count(1)

# (document text, operation name, override-label decisions)
PlanKey = tuple[str, str | None, frozenset[str]]


@dataclass(slots=True)
class CachedDocument:
    """A parsed document and, once checked, its validation errors (empty when valid)."""

    document: DocumentNode
    validation_errors: list[GraphQLError] | None = None


@dataclass(slots=True)
class RouterState:
    supergraph: Supergraph
    planner: QueryPlanner
    sdl: str
    documents: LruCache[str, CachedDocument]
    plans: LruCache[PlanKey, Any]
    generation: int = field(default_factory=lambda: next(_generations))

    @property
    def api_schema(self) -> GraphQLSchema:
        return self.supergraph.api_schema

    @classmethod
    def from_sdl(cls, sdl: str, *, document_cache_size: int, plan_cache_size: int) -> RouterState:
        """Parse the supergraph and prepare a planner; raises `SupergraphError` when invalid."""
        supergraph = Supergraph.parse(sdl)
        return cls(
            supergraph=supergraph,
            planner=QueryPlanner(supergraph),
            sdl=sdl,
            documents=LruCache(document_cache_size),
            plans=LruCache(plan_cache_size),
        )
