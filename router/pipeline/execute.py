"""Terminal stage: run the plan against the subgraphs through the shared transport."""

from __future__ import annotations

from collections.abc import Callable

from router.executor import SubgraphFetcher, execute
from router.executor.transport import SubgraphTransport
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.headers import SUBGRAPH_HEADERS

__all__ = ["Execute"]


class Execute:
    def __init__(
        self,
        transport: SubgraphTransport,
        *,
        wrap_fetcher: Callable[[SubgraphFetcher], SubgraphFetcher] | None = None,
    ) -> None:
        self._transport = transport
        self._wrap_fetcher = wrap_fetcher  # telemetry: times and traces each fetch

    async def __call__(self, ctx: RequestContext) -> GraphQLResponse:
        fetcher = self._transport.fetcher(
            urls=ctx.state.supergraph.subgraph_urls,
            headers=ctx.subgraph_headers,
            identity_key=ctx.identity_key,
            by_subgraph=ctx.extras.get(SUBGRAPH_HEADERS),
        )
        observed = fetcher if self._wrap_fetcher is None else self._wrap_fetcher(fetcher)
        result = await execute(ctx.plan, variables=ctx.variables, fetcher=observed)
        response = GraphQLResponse(data=result.get("data"), errors=list(result.get("errors", [])))
        if result.get("extensions"):
            response.extensions.update(result["extensions"])
        return response
