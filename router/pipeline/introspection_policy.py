"""Stage: who may introspect when `supergraph.introspection` is false.

Production turns introspection off (`introspection: ${env.ROUTER_INTROSPECTION:-false}`);
callers whose role is in `supergraph.introspection_exceptions.roles` (ADMIN by default)
or whose `apollographql-client-name` is in `.clients` may still ask for `__schema` /
`__type`. Everyone else gets the refusal the introspection stage gives when it is off.
Root `__typename` is never introspection. A client name is self-declared: pair a client
exception with a gateway that sets the header, or with trusted documents.
"""

from __future__ import annotations

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)

from router.config import IntrospectionExceptionsConfig
from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import GRAPHQL_VALIDATION_FAILED, RequestError

__all__ = ["CLIENT_NAME_HEADER", "IntrospectionPolicy", "asks_for_schema"]

CLIENT_NAME_HEADER = "apollographql-client-name"
_SCHEMA_FIELDS = frozenset({"__schema", "__type"})


def asks_for_schema(document: DocumentNode, selection_set: SelectionSetNode) -> bool:
    """Whether a root selection set selects `__schema` or `__type` (through fragments)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    pending = [selection_set]
    seen: set[str] = set()
    while pending:
        for selection in pending.pop().selections:
            if isinstance(selection, FieldNode):
                if selection.name.value in _SCHEMA_FIELDS:
                    return True
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
                seen.add(selection.name.value)
                fragment = fragments.get(selection.name.value)
                if fragment is not None:
                    pending.append(fragment.selection_set)
    return False


class IntrospectionPolicy:
    def __init__(self, exceptions: IntrospectionExceptionsConfig) -> None:
        self._roles = frozenset(role.upper() for role in exceptions.roles)
        self._clients = frozenset(exceptions.clients)

    def allowed(self, ctx: RequestContext) -> bool:
        role = getattr(ctx.identity, "role", None)
        if role is not None and str(role) in self._roles:
            return True
        return ctx.http.headers.get(CLIENT_NAME_HEADER, "") in self._clients

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        assert ctx.document is not None
        assert ctx.operation is not None
        if not self.allowed(ctx) and asks_for_schema(ctx.document, ctx.operation.selection_set):
            raise RequestError.single("introspection is disabled", code=GRAPHQL_VALIDATION_FAILED)
        return await call_next(ctx)
