"""Stage: answer introspection (`__schema`, `__type`, root `__typename`) from the API schema.

The root selection is split in two: the introspection part runs here with graphql-core
against the API schema (no subgraph involved); the rest continues down the pipeline as
a document of its own (`ctx.planned_document`). When both parts exist their data is
merged back in the order the client asked for. Root-level fragments are split too.
"""

from __future__ import annotations

import inspect
from typing import Any

from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    execute,
)

from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import GRAPHQL_VALIDATION_FAILED, RequestError

__all__ = ["Introspection", "split_root_selection"]

_LOCAL_FIELDS = frozenset({"__schema", "__type", "__typename"})
_SCHEMA_FIELDS = frozenset({"__schema", "__type"})

Fragments = dict[str, FragmentDefinitionNode]


def _fragments(document: DocumentNode) -> Fragments:
    return {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }


def _partition(
    selections: tuple[SelectionNode, ...], fragments: Fragments
) -> tuple[list[SelectionNode], list[SelectionNode]]:
    """(local, remote) selections of a root selection set."""
    local: list[SelectionNode] = []
    remote: list[SelectionNode] = []
    for selection in selections:
        if isinstance(selection, FieldNode):
            (local if selection.name.value in _LOCAL_FIELDS else remote).append(selection)
            continue
        if isinstance(selection, InlineFragmentNode):
            type_condition, directives = selection.type_condition, selection.directives
            inner = selection.selection_set.selections
        else:
            assert isinstance(selection, FragmentSpreadNode)
            fragment = fragments[selection.name.value]
            type_condition, directives = fragment.type_condition, selection.directives
            inner = fragment.selection_set.selections
        inner_local, inner_remote = _partition(tuple(inner), fragments)
        for part, target in ((inner_local, local), (inner_remote, remote)):
            if part:
                target.append(
                    InlineFragmentNode(
                        type_condition=type_condition,
                        directives=directives,
                        selection_set=SelectionSetNode(selections=tuple(part)),
                    )
                )
    return local, remote


def _with_selections(
    operation: OperationDefinitionNode, selections: list[SelectionNode], fragments: Fragments
) -> DocumentNode:
    """The operation with another root selection set, plus every fragment it may use."""
    new_operation = OperationDefinitionNode(
        operation=operation.operation,
        name=operation.name,
        variable_definitions=operation.variable_definitions,
        directives=operation.directives,
        selection_set=SelectionSetNode(selections=tuple(selections)),
    )
    return DocumentNode(definitions=(new_operation, *fragments.values()))


def _has_local(selections: tuple[SelectionNode, ...], fragments: Fragments) -> bool:
    for selection in selections:
        if isinstance(selection, FieldNode):
            if selection.name.value in _LOCAL_FIELDS:
                return True
        elif isinstance(selection, InlineFragmentNode):
            if _has_local(tuple(selection.selection_set.selections), fragments):
                return True
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            if _has_local(tuple(fragment.selection_set.selections), fragments):
                return True
    return False


def _uses_schema_fields(selections: list[SelectionNode]) -> bool:
    for selection in selections:
        if isinstance(selection, FieldNode):
            if selection.name.value in _SCHEMA_FIELDS:
                return True
        elif isinstance(selection, InlineFragmentNode) and _uses_schema_fields(
            list(selection.selection_set.selections)
        ):
            return True
    return False


def split_root_selection(
    document: DocumentNode, operation: OperationDefinitionNode
) -> tuple[DocumentNode | None, DocumentNode | None]:
    """(local document, remote document); `None` for a part that is empty.

    A document without local root fields is returned unchanged as the remote part.
    """
    fragments = _fragments(document)
    selections = tuple(operation.selection_set.selections)
    if not _has_local(selections, fragments):
        return None, document
    local, remote = _partition(selections, fragments)
    if not remote:
        return document, None
    local_document = _with_selections(operation, local, fragments) if local else None
    return local_document, _with_selections(operation, remote, fragments)


def _response_keys(
    selections: tuple[SelectionNode, ...], fragments: Fragments, keys: dict[str, None]
) -> None:
    for selection in selections:
        if isinstance(selection, FieldNode):
            keys.setdefault((selection.alias or selection.name).value, None)
        elif isinstance(selection, InlineFragmentNode):
            _response_keys(tuple(selection.selection_set.selections), fragments, keys)
        elif isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            _response_keys(tuple(fragment.selection_set.selections), fragments, keys)


def _merge(
    document: DocumentNode,
    operation: OperationDefinitionNode,
    local: dict[str, Any],
    remote: GraphQLResponse,
) -> GraphQLResponse:
    if remote.data is None:
        return remote
    order: dict[str, None] = {}
    _response_keys(tuple(operation.selection_set.selections), _fragments(document), order)
    remote_data: dict[str, Any] = remote.data if remote.has_data else {}
    merged = {}
    for key in order:
        if key in local:
            merged[key] = local[key]
        elif key in remote_data:
            merged[key] = remote_data[key]
    remote.data = merged
    return remote


class Introspection:
    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        assert ctx.document is not None
        assert ctx.operation is not None
        assert ctx.request is not None
        local_document, remote_document = split_root_selection(ctx.document, ctx.operation)
        ctx.planned_document = remote_document
        if local_document is None:
            return await call_next(ctx)
        if not self.enabled and _uses_schema_fields(
            _partition(tuple(ctx.operation.selection_set.selections), _fragments(ctx.document))[0]
        ):
            raise RequestError.single("introspection is disabled", code=GRAPHQL_VALIDATION_FAILED)
        result = execute(
            ctx.state.api_schema,
            local_document,
            variable_values=dict(ctx.request.variables),
            operation_name=ctx.request.operation_name,
        )
        assert not inspect.isawaitable(result)
        assert isinstance(result, ExecutionResult)
        local_data = result.data or {}
        local_errors = [dict(error.formatted) for error in result.errors or ()]
        if remote_document is None:
            response = GraphQLResponse(data=result.data, errors=local_errors)
            if ctx.expose_plan:
                response.extensions["apolloQueryPlan"] = {
                    "object": {"kind": "QueryPlan", "node": None},
                    "text": "QueryPlan {\n}",
                }
            return response
        remote = await call_next(ctx)
        merged = _merge(ctx.document, ctx.operation, local_data, remote)
        merged.errors = [*local_errors, *merged.errors]
        return merged
