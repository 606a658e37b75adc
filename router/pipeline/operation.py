"""Stage: select the operation to run (GraphQL spec `GetOperation`) and check the method.

Only queries may be sent with GET (GraphQL-over-HTTP): a mutation over GET is refused
with 405 before anything runs.
"""

from __future__ import annotations

from graphql import OperationDefinitionNode, OperationType

from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import (
    GRAPHQL_UNKNOWN_OPERATION_NAME,
    GRAPHQL_VALIDATION_FAILED,
    METHOD_NOT_ALLOWED,
    RequestError,
)

__all__ = ["SelectOperation"]


def _select(ctx: RequestContext) -> OperationDefinitionNode:
    assert ctx.document is not None
    assert ctx.request is not None
    operations = [
        definition
        for definition in ctx.document.definitions
        if isinstance(definition, OperationDefinitionNode)
    ]
    name = ctx.request.operation_name
    if name is None:
        if len(operations) != 1:
            raise RequestError.single(
                "Must provide operation name if query contains multiple operations.",
                code=GRAPHQL_VALIDATION_FAILED,
            )
        return operations[0]
    for operation in operations:
        if operation.name is not None and operation.name.value == name:
            return operation
    raise RequestError.single(
        f"Unknown operation named '{name}'.", code=GRAPHQL_UNKNOWN_OPERATION_NAME
    )


class SelectOperation:
    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        operation = _select(ctx)
        if ctx.http.method == "GET" and operation.operation is not OperationType.QUERY:
            raise RequestError.single(
                f"{operation.operation.value} operations are not allowed over GET; use POST",
                code=METHOD_NOT_ALLOWED,
                status=405,
                http_level=True,
                headers={"allow": "POST"},
            )
        if operation.operation is OperationType.SUBSCRIPTION:
            raise RequestError.single(
                "subscriptions are not supported by this router",
                code=GRAPHQL_VALIDATION_FAILED,
            )
        ctx.operation = operation
        return await call_next(ctx)
