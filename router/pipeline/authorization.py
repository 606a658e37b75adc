"""Stages: `authorization` in router.yaml.

- `RequireAuthentication` (`authorization.require_authentication`): a request without a
  valid token is refused with `UNAUTHENTICATED` (401) right after authentication.
- `Authorize` (`authorization.directives`): runs just before planning. When the
  operation touches fields or types guarded by `@authenticated` / `@requiresScopes` /
  `@policy` that the caller fails, it plans a rewritten operation without them, then
  answers them `null` with an `UNAUTHORIZED_FIELD_OR_TYPE` error at their response path;
  the rest of the operation runs. Nothing left: no subgraph is called.

Cost on the hot path: nothing when the supergraph has no such directive; one dictionary
lookup (the requirements an operation touches, cached by document text) when the
operation touches none; evaluating each distinct requirement it touches otherwise. The
rewrite itself is cached by (document, operation, denied requirements), and the plan
cache sees the rewritten text, so each variant is planned once.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from router.authorization import (
    AuthorizationIndex,
    Filtered,
    PolicyRegistry,
    PolicyRequest,
    Requirement,
    filter_operation,
    requirements_of,
    restore,
)
from router.config import AuthorizationConfig
from router.pipeline.cache import LruCache
from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import UNAUTHENTICATED, RequestError
from router.pipeline.state import RouterState
from shared.identity import GUEST, Identity

__all__ = ["Authorize", "RequireAuthentication"]

_CACHE_SIZE = 1024

OperationKey = tuple[str, str | None]


class RequireAuthentication:
    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        if not getattr(ctx.identity, "is_authenticated", False):
            raise RequestError.single(
                "this router requires an access token",
                code=UNAUTHENTICATED,
                status=401,
                http_level=True,
                headers={"www-authenticate": "Bearer"},
            )
        return await call_next(ctx)


@dataclass(slots=True)
class _Prepared:
    """Per supergraph: its requirements and the caches keyed by its documents."""

    generation: int
    index: AuthorizationIndex
    touched: LruCache[OperationKey, frozenset[Requirement]]
    filtered: LruCache[tuple[OperationKey, frozenset[Requirement]], Filtered]


class Authorize:
    def __init__(self, config: AuthorizationConfig) -> None:
        self.policies = PolicyRegistry(config.policies)
        self._prepared: _Prepared | None = None
        self._previous: _Prepared | None = None

    def prepared(self, state: RouterState) -> _Prepared:
        for prepared in (self._prepared, self._previous):
            if prepared is not None and prepared.generation == state.generation:
                return prepared
        index = AuthorizationIndex.from_supergraph(state.supergraph)
        requirements = (*index.fields.values(), *index.types.values())
        used = frozenset().union(*(r.policy_names() for r in requirements))
        self.policies.warn_unknown(used)
        prepared = _Prepared(
            generation=state.generation,
            index=index,
            touched=LruCache(_CACHE_SIZE),
            filtered=LruCache(_CACHE_SIZE),
        )
        self._previous, self._prepared = self._prepared, prepared
        return prepared

    def denied(
        self, touched: frozenset[Requirement], ctx: RequestContext
    ) -> frozenset[Requirement]:
        identity: Identity = ctx.identity if isinstance(ctx.identity, Identity) else GUEST
        request = PolicyRequest(identity=identity, headers=ctx.http.headers)
        decisions: dict[str, bool] = {}

        def policy(name: str) -> bool:
            decision = decisions.get(name)
            if decision is None:
                decision = decisions[name] = self.policies.decide(name, request)
            return decision

        return frozenset(r for r in touched if not r.satisfied_by(identity, policy))

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        document = ctx.planned_document
        prepared = self.prepared(ctx.state)
        if prepared.index.empty or document is None:
            return await call_next(ctx)
        request = ctx.request
        assert request is not None
        schema = ctx.state.api_schema
        key: OperationKey = (ctx.query, request.operation_name)
        touched = prepared.touched.get(key)
        if touched is None:
            touched = requirements_of(schema, prepared.index, document, request.operation_name)
            prepared.touched.put(key, touched)
        if not touched:
            return await call_next(ctx)
        denied = self.denied(touched, ctx)
        if not denied:
            return await call_next(ctx)
        filtered = prepared.filtered.get((key, denied))
        if filtered is None:
            filtered = filter_operation(
                schema, prepared.index, document, request.operation_name, denied
            )
            prepared.filtered.put((key, denied), filtered)
        if filtered.document is None:
            response = GraphQLResponse(data={})
        else:
            ctx.planned_document = filtered.document
            ctx.request = dataclasses.replace(request, query=filtered.query)
            try:
                response = await call_next(ctx)
            finally:
                ctx.request = request
        if isinstance(response.data, dict):
            response.data, errors = restore(
                response.data, root=filtered.root, schema=schema, variables=ctx.variables
            )
            response.errors = [*errors, *response.errors]
        return response
