"""Stage: validate the document against the API schema (results cached with the document)."""

from __future__ import annotations

from graphql import validate

from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import GRAPHQL_VALIDATION_FAILED, RequestError

__all__ = ["Validate"]


class Validate:
    """Refuse invalid documents with `GRAPHQL_VALIDATION_FAILED`, before any planning."""

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        assert ctx.document is not None
        cached = ctx.state.documents.get(ctx.query)
        if cached is not None and cached.validation_errors is not None:
            errors = cached.validation_errors
        else:
            errors = validate(ctx.state.api_schema, ctx.document)
            if cached is not None:
                cached.validation_errors = errors
        if errors:
            raise RequestError.from_graphql_errors(errors, code=GRAPHQL_VALIDATION_FAILED)
        return await call_next(ctx)
