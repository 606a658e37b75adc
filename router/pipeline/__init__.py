"""The request pipeline: one stage per module, wired in order by `router.app`.

A stage is an async callable `(ctx, call_next) -> GraphQLResponse` (see `chain`): it can
act before the rest of the pipeline (refuse, enrich the context), after it (decorate the
response) or instead of it (answer locally). Edge features (limits, cost, persisted
documents, rate limits) are added as further stages without touching the others.
"""

from router.pipeline.chain import Handler, Pipeline, Stage
from router.pipeline.context import GraphQLRequest, GraphQLResponse, HttpRequest, RequestContext
from router.pipeline.errors import RequestError

__all__ = [
    "GraphQLRequest",
    "GraphQLResponse",
    "Handler",
    "HttpRequest",
    "Pipeline",
    "RequestContext",
    "RequestError",
    "Stage",
]
