"""What flows through the pipeline: the HTTP request, the per-request context, the response."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from graphql import DocumentNode, OperationDefinitionNode

    from router.pipeline.state import RouterState

__all__ = ["GraphQLRequest", "GraphQLResponse", "HttpRequest", "RequestContext"]


@dataclass(slots=True, frozen=True)
class HttpRequest:
    """The parts of the inbound HTTP request the stages read; header names are lower-case."""

    method: str
    path: str
    query_string: bytes
    headers: Mapping[str, str]
    body: bytes
    client_ip: str | None = None  # the peer address (rate limiting by IP)


@dataclass(slots=True, frozen=True)
class GraphQLRequest:
    """A GraphQL-over-HTTP request, from a POST body or GET parameters."""

    query: str | None
    operation_name: str | None = None
    variables: Mapping[str, Any] = field(default_factory=dict)
    extensions: Mapping[str, Any] = field(default_factory=dict)
    # A persisted document's id instead of `query` (GraphQL-over-HTTP `documentId`).
    document_id: str | None = None


_ABSENT: Any = object()


@dataclass(slots=True)
class GraphQLResponse:
    """A GraphQL response plus the HTTP status it gets under `graphql-response+json`.

    `data` is left out of the body when absent (request errors); `http_status` applies
    to `application/json` responses too only for HTTP-level refusals (bad body,
    method not allowed, unauthenticated).
    """

    data: Any = _ABSENT
    errors: list[dict[str, Any]] = field(default_factory=list)
    extensions: dict[str, Any] = field(default_factory=dict)
    status: int = 200
    http_level: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return self.data is not _ABSENT

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if self.errors:
            body["errors"] = self.errors
        if self.data is not _ABSENT:
            body["data"] = self.data
        if self.extensions:
            body["extensions"] = self.extensions
        return body

    def encode(self) -> bytes:
        return orjson.dumps(self.to_dict())

    def copy(self) -> GraphQLResponse:
        """A response sharing data and errors, with its own extensions and headers."""
        return GraphQLResponse(
            data=self.data,
            errors=self.errors,
            extensions=dict(self.extensions),
            status=self.status,
            http_level=self.http_level,
            headers=dict(self.headers),
        )


@dataclass(slots=True)
class RequestContext:
    """Everything one request accumulates on its way through the stages.

    `state` is the supergraph state the request started with: a hot reload swaps the
    router's current state but never the one of a request in flight.
    """

    http: HttpRequest
    state: RouterState
    request: GraphQLRequest | None = None
    # Auth: who is calling, as a stable key (for de-duplication) and as headers to forward.
    identity: Any = None
    identity_key: str = "guest"
    subgraph_headers: dict[str, str] = field(default_factory=dict)
    # Parse / validate / operation selection / variables.
    document: DocumentNode | None = None
    operation: OperationDefinitionNode | None = None
    variables: dict[str, Any] = field(default_factory=dict)
    # Planning: the document actually planned (introspection may strip fields from it).
    planned_document: DocumentNode | None = None
    expose_plan: bool = False
    plan: Any = None
    # Free-form per-request data for stages added later (limits, cost, ...).
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def query(self) -> str:
        assert self.request is not None
        assert self.request.query is not None
        return self.request.query
