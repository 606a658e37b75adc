"""Stage: parse the query text (graphql-core), through the bounded document cache."""

from __future__ import annotations

from graphql import GraphQLError, parse

from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import GRAPHQL_PARSE_FAILED, RequestError
from router.pipeline.state import CachedDocument

__all__ = ["Parse"]


class Parse:
    """Set `ctx.document`; a syntax error is `GRAPHQL_PARSE_FAILED`."""

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        documents = ctx.state.documents
        cached = documents.get(ctx.query)
        if cached is None:
            try:
                document = parse(ctx.query)
            except GraphQLError as error:
                raise RequestError.from_graphql_errors([error], code=GRAPHQL_PARSE_FAILED) from None
            cached = CachedDocument(document)
            documents.put(ctx.query, cached)
        ctx.document = cached.document
        return await call_next(ctx)
