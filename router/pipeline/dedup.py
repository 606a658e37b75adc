"""Stage: inbound de-duplication of identical in-flight queries (off by default).

Queries with the same document, operation name, coerced variables, caller identity
(and expose-plan mode) that arrive while one of them is executing share its execution.
Mutations are never shared; neither are requests of different identities. The shared
execution runs as its own task so that a client going away does not cancel it for the
others; each caller gets its own copy of the response envelope.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable

import orjson
from graphql import OperationType

from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.headers import SUBGRAPH_HEADERS
from router.pipeline.plan import expose_plan_mode

__all__ = ["DeduplicateInbound"]


def _consume_exception(task: asyncio.Task[GraphQLResponse]) -> None:
    if not task.cancelled():
        task.exception()


async def _run(call_next: Handler, ctx: RequestContext) -> GraphQLResponse:
    return await call_next(ctx)


class DeduplicateInbound:
    def __init__(self, *, identity_header: str) -> None:
        # The signed identity header changes with its expiry and is covered by
        # identity_key; trace headers are per request and must not defeat sharing.
        self._volatile = frozenset({identity_header.lower(), "traceparent", "tracestate"})
        self._inflight: dict[Hashable, asyncio.Task[GraphQLResponse]] = {}
        self.executions = 0  # shared executions started
        self.joins = 0  # requests answered by an execution already in flight

    def _key(self, ctx: RequestContext) -> Hashable:
        assert ctx.request is not None
        # What the subgraphs will see: forwarded header names AND values (an
        # `accept-language` or tenant header changes answers), per subgraph when configured.
        forwarded = self._headers_key(ctx.subgraph_headers)
        by_subgraph = ctx.extras.get(SUBGRAPH_HEADERS)
        if by_subgraph:
            forwarded += tuple(
                (name, self._headers_key(headers)) for name, headers in sorted(by_subgraph.items())
            )
        return (
            ctx.state.generation,
            ctx.query,
            ctx.request.operation_name,
            orjson.dumps(ctx.variables, option=orjson.OPT_SORT_KEYS),
            ctx.identity_key,
            forwarded,
            expose_plan_mode(ctx),
        )

    def _headers_key(self, headers: dict[str, str]) -> tuple[Hashable, ...]:
        return tuple(sorted(item for item in headers.items() if item[0] not in self._volatile))

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        assert ctx.operation is not None
        if ctx.operation.operation is not OperationType.QUERY:
            return await call_next(ctx)
        key = self._key(ctx)
        task = self._inflight.get(key)
        if task is None:
            self.executions += 1
            task = asyncio.create_task(_run(call_next, ctx))
            task.add_done_callback(_consume_exception)
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        else:
            self.joins += 1
        response = await asyncio.shield(task)
        return response.copy()

    def _forget(self, key: Hashable, task: asyncio.Task[GraphQLResponse]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]
