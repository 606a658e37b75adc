"""The one place where exceptions become GraphQL errors with a stable `extensions.code`.

- `DomainError` subclasses keep their message and carry their code (+ `fields`).
- Errors graphql-core makes itself: syntax -> GRAPHQL_PARSE_FAILED, bad variable values ->
  BAD_USER_INPUT (with `fields`), other document problems -> GRAPHQL_VALIDATION_FAILED.
- Anything else is a bug: logged with its traceback (and so the request id), and sent as
  INTERNAL_SERVER_ERROR with a generic message — no exception text, no SQL.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import Request
from graphql import GraphQLError
from strawberry.fastapi import GraphQLRouter
from strawberry.http import GraphQLHTTPResponse
from strawberry.types import ExecutionResult

from shared.errors import DomainError

__all__ = ["ErrorMappingRouter", "map_error"]

logger = logging.getLogger(__name__)

INTERNAL_MESSAGE = "Internal server error."
# graphql-core: "Variable '$input' has invalid value at .role: Value 'X' does not exist ...",
# "Variable '$input' of required type 'RegisterInput!' was not provided."
_VARIABLE_ERROR = re.compile(
    r"^Variable '\$(?P<variable>\w+)'"
    r"(?: has invalid value(?: at (?P<path>[^:]+))?: (?P<reason>.+))?",
    re.DOTALL,
)
_NAME = re.compile(r"[A-Za-z_]\w*")
# Reasons naming the offending input field themselves (missing or unknown fields).
_FIELD_IN_REASON = re.compile(r"(?:include required field|^Field) '(?P<field>\w+)'")


def _copy(error: GraphQLError, message: str, extensions: dict[str, object]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        extensions=extensions,
    )


def _variable_fields(message: str) -> dict[str, str] | None:
    match = _VARIABLE_ERROR.match(message)
    if match is None:
        return None
    reason = match.group("reason") or message
    names = _NAME.findall(match.group("path") or "")
    if (named := _FIELD_IN_REASON.search(reason)) is not None:
        names.append(named.group("field"))
    return {names[-1] if names else match.group("variable"): reason}


def map_error(error: GraphQLError) -> GraphQLError:
    original = error.original_error
    if isinstance(original, DomainError):
        return _copy(error, original.message, original.extensions())
    if original is not None and not isinstance(original, GraphQLError):
        logger.error(
            "unexpected error resolving %s",
            ".".join(map(str, error.path or ())) or "operation",
            exc_info=(type(original), original, original.__traceback__),
        )
        return _copy(error, INTERNAL_MESSAGE, {"code": "INTERNAL_SERVER_ERROR"})
    if error.extensions and "code" in error.extensions:
        return error
    if error.path is not None:  # raised by graphql-core while executing: not the client's fault
        logger.error("execution error at %s: %s", error.path, error.message)
        return _copy(error, INTERNAL_MESSAGE, {"code": "INTERNAL_SERVER_ERROR"})
    if error.message.startswith("Syntax Error"):
        return _copy(error, error.message, {"code": "GRAPHQL_PARSE_FAILED"})
    if (fields := _variable_fields(error.message)) is not None:
        return _copy(error, error.message, {"code": "BAD_USER_INPUT", "fields": fields})
    return _copy(error, error.message, {"code": "GRAPHQL_VALIDATION_FAILED"})


class ErrorMappingRouter(GraphQLRouter[Any, None]):
    """The GraphQL endpoint: every error of every result goes through `map_error` here, last,
    so none escapes unmapped (parse errors, for one, never reach schema extensions)."""

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            result.errors = [map_error(error) for error in result.errors]
        return await super().process_result(request, result)
