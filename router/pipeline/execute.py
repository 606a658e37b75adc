"""Terminal stage: run the plan against the subgraphs through the shared transport."""

from __future__ import annotations

from router.executor import execute
from router.executor.transport import SubgraphTransport
from router.pipeline.context import GraphQLResponse, RequestContext

__all__ = ["Execute"]


class Execute:
    def __init__(self, transport: SubgraphTransport) -> None:
        self._transport = transport

    async def __call__(self, ctx: RequestContext) -> GraphQLResponse:
        fetcher = self._transport.fetcher(
            urls=ctx.state.supergraph.subgraph_urls,
            headers=ctx.subgraph_headers,
            identity_key=ctx.identity_key,
        )
        result = await execute(ctx.plan, variables=ctx.variables, fetcher=fetcher)
        response = GraphQLResponse(data=result.get("data"), errors=list(result.get("errors", [])))
        if result.get("extensions"):
            response.extensions.update(result["extensions"])
        return response
