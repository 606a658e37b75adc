"""Warm a new supergraph state's caches with every trusted document: parsed, validated and
planned before the first request asks (at start and after each hot reload)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from graphql import GraphQLError, OperationDefinitionNode, parse, validate

from router.persisted.config import PersistedQueriesConfig
from router.persisted.manifest import TrustedDocument, load_clients
from router.pipeline.state import CachedDocument, PlanKey, RouterState
from router.planner import PlanningError

__all__ = ["warm_plans", "warm_plans_from_manifests"]

logger = logging.getLogger(__name__)


def warm_plans(state: RouterState, documents: Iterable[TrustedDocument]) -> int:
    """Plan each document's operations into `state`; returns how many plans were cached.

    A document that no longer parses, validates or plans against this supergraph is
    logged and skipped: it will be refused when a client sends it, not at load time.
    """
    planner = state.planner
    labels = planner.decide_override_labels() if planner.override_labels else frozenset()
    warmed = 0
    for trusted in {document.body: document for document in documents}.values():
        try:
            document = parse(trusted.body)
        except GraphQLError as error:
            logger.warning("trusted document %s does not parse: %s", trusted.id, error.message)
            continue
        errors = validate(state.api_schema, document)
        state.documents.put(trusted.body, CachedDocument(document, validation_errors=errors))
        if errors:
            logger.warning("trusted document %s is invalid: %s", trusted.id, errors[0].message)
            continue
        operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
        names: list[str | None] = [o.name.value for o in operations if o.name is not None]
        if len(operations) == 1:
            names.append(None)
        for name in names:
            try:
                plan = planner.plan(document, name, override_labels=labels)
            except PlanningError as error:
                logger.warning("trusted document %s does not plan: %s", trusted.id, error)
                break
            key: PlanKey = (trusted.body, name, labels)
            state.plans.put(key, plan)
            warmed += 1
    return warmed


def warm_plans_from_manifests(state: RouterState, config: PersistedQueriesConfig) -> int:
    """Warm `state` with the documents of every configured client's manifests."""
    clients = load_clients(config.clients)
    warmed = warm_plans(
        state, [doc for client in clients.values() for doc in client.by_id.values()]
    )
    logger.info("warmed %d query plans from persisted-query manifests", warmed)
    return warmed
