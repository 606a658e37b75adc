"""Request errors and their GraphQL shape: the one place codes meet the wire.

```
RequestError                 a refusal before execution (one or more GraphQL errors)
  raised by any stage; `Pipeline` callers turn it into a response with `to_response`
```
Failures during execution (a subgraph down, garbage answers) are not request errors:
the executor reports them inside a normal response, with partial data.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from graphql import GraphQLError

from router.pipeline.context import GraphQLResponse

__all__ = [
    "BAD_REQUEST",
    "BAD_USER_INPUT",
    "GRAPHQL_PARSE_FAILED",
    "GRAPHQL_UNKNOWN_OPERATION_NAME",
    "GRAPHQL_VALIDATION_FAILED",
    "INTERNAL_SERVER_ERROR",
    "METHOD_NOT_ALLOWED",
    "PAYLOAD_TOO_LARGE",
    "QUERY_PLANNING_FAILED",
    "UNAUTHENTICATED",
    "RequestError",
    "graphql_error",
    "internal_error_response",
]

BAD_REQUEST = "BAD_REQUEST"
BAD_USER_INPUT = "BAD_USER_INPUT"
GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
GRAPHQL_UNKNOWN_OPERATION_NAME = "GRAPHQL_UNKNOWN_OPERATION_NAME"
METHOD_NOT_ALLOWED = "METHOD_NOT_ALLOWED"
PAYLOAD_TOO_LARGE = "PAYLOAD_TOO_LARGE"
QUERY_PLANNING_FAILED = "QUERY_PLANNING_FAILED"
UNAUTHENTICATED = "UNAUTHENTICATED"
INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


def graphql_error(
    message: str,
    *,
    code: str,
    locations: Iterable[Mapping[str, int]] | None = None,
    extensions: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """One GraphQL error object with its stable `extensions.code`."""
    error: dict[str, Any] = {"message": message}
    if locations:
        error["locations"] = [dict(location) for location in locations]
    error["extensions"] = {**(extensions or {}), "code": code}
    return error


def _from_graphql_error(error: GraphQLError, code: str) -> dict[str, Any]:
    locations = [{"line": loc.line, "column": loc.column} for loc in error.locations or ()]
    extensions = dict(error.extensions or {})
    return graphql_error(error.message, code=code, locations=locations, extensions=extensions)


class RequestError(Exception):
    """A request refused before execution, carrying one or more GraphQL errors.

    `status` is the HTTP status under `application/graphql-response+json`; when
    `http_level` is true it also applies under `application/json` (malformed requests,
    method not allowed, failed authentication).
    """

    def __init__(
        self,
        errors: list[dict[str, Any]],
        *,
        status: int = 400,
        http_level: bool = False,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(errors[0]["message"] if errors else "request error")
        self.errors = errors
        self.status = status
        self.http_level = http_level
        self.headers = dict(headers or {})

    @classmethod
    def single(
        cls,
        message: str,
        *,
        code: str,
        status: int = 400,
        http_level: bool = False,
        extensions: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> RequestError:
        return cls(
            [graphql_error(message, code=code, extensions=extensions)],
            status=status,
            http_level=http_level,
            headers=headers,
        )

    @classmethod
    def from_graphql_errors(
        cls, errors: Iterable[GraphQLError], *, code: str, status: int = 400
    ) -> RequestError:
        return cls([_from_graphql_error(error, code) for error in errors], status=status)

    def to_response(self) -> GraphQLResponse:
        return GraphQLResponse(
            errors=self.errors,
            status=self.status,
            http_level=self.http_level,
            headers=dict(self.headers),
        )


def internal_error_response() -> GraphQLResponse:
    """What the client sees of an unexpected failure: no details, no stack trace."""
    return GraphQLResponse(
        errors=[graphql_error("Internal server error", code=INTERNAL_SERVER_ERROR)],
        status=500,
    )
