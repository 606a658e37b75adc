"""Query planning: client operation → Apollo-shaped plan of subgraph fetches.

Stages, one module each: ``operation`` (normalise) → ``walker`` (fetch groups, with ``graph``
holding per-supergraph metadata) → ``plan`` (Fetch/Flatten/Sequence/Parallel/Condition nodes).
See docs/planner.md.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterable
from typing import Any

from graphql import DocumentNode

from router.planner.graph import SupergraphIndex
from router.planner.operation import NormalizedOperation, PlanningError, normalize
from router.planner.plan import PlanNode, build_nodes
from router.planner.walker import Walker
from router.supergraph import Supergraph

__all__ = ["PlanningError", "QueryPlan", "QueryPlanner"]

_log = logging.getLogger(__name__)


class QueryPlan:
    """A cacheable plan: the node tree plus the normalised operation used to shape responses."""

    __slots__ = ("node", "operation", "override_labels", "supergraph")

    def __init__(
        self,
        *,
        node: PlanNode | None,
        operation: NormalizedOperation,
        supergraph: Supergraph,
        override_labels: frozenset[str],
    ) -> None:
        self.node = node
        self.operation = operation
        self.supergraph = supergraph
        self.override_labels = override_labels

    def to_json(self) -> dict[str, Any]:
        return {"kind": "QueryPlan", "node": self.node.to_json() if self.node else None}

    def __str__(self) -> str:
        if self.node is None:
            return "QueryPlan {\n}"
        return "QueryPlan {\n" + "\n".join(self.node.lines(1)) + "\n}"


class QueryPlanner:
    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.index = SupergraphIndex(supergraph)
        self.override_labels: frozenset[str] = frozenset(
            info.override_label
            for meta in supergraph.types.values()
            for field_meta in meta.fields.values()
            for info in field_meta.graphs.values()
            if info.override_label is not None
        )

    def decide_override_labels(self, rng: random.Random | None = None) -> frozenset[str]:
        """Draw the progressive ``percent(N)`` override labels for one request; the result is
        a planner input and belongs in the plan-cache key."""
        draw = (rng or random).random
        active: set[str] = set()
        for label in self.override_labels:
            if label.startswith("percent(") and label.endswith(")"):
                try:
                    percent = float(label[len("percent(") : -1])
                except ValueError:
                    continue
                if draw() * 100 < percent:
                    active.add(label)
        return frozenset(active)

    def plan(
        self,
        document: DocumentNode,
        operation_name: str | None,
        *,
        override_labels: Iterable[str] = (),
    ) -> QueryPlan:
        labels = frozenset(override_labels)
        try:
            operation = normalize(self.supergraph.schema, document, operation_name)
            walker = Walker(self.index, operation, labels)
            roots = walker.walk()
            node = build_nodes(walker.groups, roots, operation)
        except PlanningError:
            raise
        except RecursionError as exc:
            raise PlanningError("operation too deep to plan") from exc
        except Exception as exc:  # a planner bug fails this request only, never the router
            _log.exception("query planning failed unexpectedly")
            raise PlanningError("internal error while planning the operation") from exc
        return QueryPlan(
            node=node, operation=operation, supergraph=self.supergraph, override_labels=labels
        )
