"""Stage: parse the query text (graphql-core), through the bounded document cache."""

from __future__ import annotations

from graphql import GraphQLError, parse

from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import GRAPHQL_PARSE_FAILED, RequestError
from router.pipeline.limits import MAX_TOKENS_LIMIT
from router.pipeline.state import CachedDocument

__all__ = ["Parse"]

# graphql-core's message when `max_tokens` stops the lexer (it has no dedicated error type).
_TOO_MANY_TOKENS = "Syntax Error: Document contains more than"


class Parse:
    """Set `ctx.document`; a syntax error is `GRAPHQL_PARSE_FAILED`.

    `max_tokens` (`limits.parser_max_tokens`) stops the lexer early on huge documents:
    refused with `MAX_TOKENS_LIMIT`.
    """

    def __init__(self, *, max_tokens: int | None = None) -> None:
        self._max_tokens = max_tokens

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        documents = ctx.state.documents
        cached = documents.get(ctx.query)
        if cached is None:
            try:
                document = parse(ctx.query, max_tokens=self._max_tokens)
            except GraphQLError as error:
                code = GRAPHQL_PARSE_FAILED
                if error.message.startswith(_TOO_MANY_TOKENS):
                    code = MAX_TOKENS_LIMIT
                raise RequestError.from_graphql_errors([error], code=code) from None
            cached = CachedDocument(document)
            documents.put(ctx.query, cached)
        ctx.document = cached.document
        return await call_next(ctx)
