"""Executor errors and the fetcher protocol."""

from __future__ import annotations

from typing import Any, Protocol

__all__ = ["SubgraphFetchError", "SubgraphFetcher"]


class SubgraphFetchError(Exception):
    """A subgraph request failed below GraphQL: timeout, connection error, HTTP status >= 400
    without a GraphQL body, invalid JSON, or a body that is not a GraphQL response."""


class SubgraphFetcher(Protocol):
    async def __call__(self, subgraph: str, request: dict[str, Any]) -> dict[str, Any]: ...
