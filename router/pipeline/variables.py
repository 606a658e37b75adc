"""Stage: coerce the request's variables against the operation's definitions.

Runs before planning, so a bad input never reaches a subgraph. Coerced values (defaults
applied, enums and input objects checked) replace the raw ones for execution.
"""

from __future__ import annotations

from graphql.execution.values import get_variable_values

from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import BAD_USER_INPUT, RequestError, graphql_error

__all__ = ["CoerceVariables"]


class CoerceVariables:
    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        assert ctx.operation is not None
        assert ctx.request is not None
        definitions = ctx.operation.variable_definitions or ()
        if not definitions:
            ctx.variables = {}
            return await call_next(ctx)
        result = get_variable_values(ctx.state.api_schema, definitions, dict(ctx.request.variables))
        if isinstance(result, list):
            errors = []
            for error in result:
                names = sorted(
                    {
                        definition.variable.name.value
                        for definition in definitions
                        if f"${definition.variable.name.value}" in error.message
                    }
                )
                locations = [
                    {"line": location.line, "column": location.column}
                    for location in error.locations or ()
                ]
                errors.append(
                    graphql_error(
                        error.message,
                        code=BAD_USER_INPUT,
                        locations=locations,
                        extensions={"fields": names},
                    )
                )
            raise RequestError(errors)
        ctx.variables = result.coerced
        return await call_next(ctx)
