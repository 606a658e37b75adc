"""Subgraph transport: pooled keep-alive HTTP with timeouts and in-flight de-duplication.

`SubgraphTransport` owns one connection pool per subgraph URL for the life of the
process. For each client request the pipeline binds a `SubgraphFetcher` to the caller's
forwarded headers (`transport.fetcher(...)`); the executor calls it with a subgraph
name and a GraphQL request body.

Failures become `SubgraphFetchError` (the executor turns them into errors at the
affected paths, with partial data): timeouts, connection errors, non-2xx answers that
carry no GraphQL body, invalid JSON, JSON that is not an object.

De-duplication (on by default, per subgraph): identical queries in flight at the same
time — same subgraph, same body, same caller identity and forwarded headers — share
one HTTP exchange. The exchange runs as its own task, so a caller that goes away never
cancels it for the others, and each caller decodes its own copy of the answer (the
executor may mutate what it gets). Mutations are never shared.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any

import httpx
import orjson

from router.config import TrafficShapingConfig
from router.executor import SubgraphFetchError

__all__ = ["BoundFetcher", "SubgraphTransport"]

logger = logging.getLogger(__name__)

_REQUEST_HEADERS = {
    "content-type": "application/json",
    "accept": "application/graphql-response+json, application/json",
}

# (subgraph, url, body, identity key, other forwarded headers)
_DedupKey = tuple[str, str, bytes, str, tuple[tuple[str, str], ...]]


def _is_mutation(body: Mapping[str, Any]) -> bool:
    query = body.get("query")
    return isinstance(query, str) and query.lstrip().startswith("mutation")


def _decode(subgraph: str, raw: bytes) -> dict[str, Any]:
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise SubgraphFetchError(f"subgraph '{subgraph}' answered invalid JSON") from None
    if not isinstance(decoded, dict):
        raise SubgraphFetchError(f"subgraph '{subgraph}' answered JSON that is not an object")
    if "data" not in decoded and "errors" not in decoded:
        raise SubgraphFetchError(f"subgraph '{subgraph}' answered no GraphQL response")
    return decoded


def _has_graphql_body(raw: bytes) -> bool:
    try:
        decoded = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return False
    return isinstance(decoded, dict) and ("data" in decoded or "errors" in decoded)


def _consume_exception(task: asyncio.Task[bytes]) -> None:
    if not task.cancelled():
        task.exception()


class SubgraphTransport:
    """Connection pools and in-flight exchanges, shared by every request of the process."""

    def __init__(self, shaping: TrafficShapingConfig, *, identity_header: str) -> None:
        self._shaping = shaping
        self._identity_header = identity_header.lower()
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._inflight: dict[_DedupKey, asyncio.Task[bytes]] = {}
        # Observable in tests and benchmarks: HTTP exchanges made, and callers that joined
        # an identical exchange already in flight instead of making their own.
        self.exchanges = 0
        self.joins = 0

    def fetcher(
        self, *, urls: Mapping[str, str], headers: Mapping[str, str], identity_key: str
    ) -> BoundFetcher:
        """A `SubgraphFetcher` for one client request."""
        return BoundFetcher(self, urls=urls, headers=headers, identity_key=identity_key)

    def _client(self, url: str, time_limit: float) -> httpx.AsyncClient:
        client = self._clients.get(url)
        if client is None:
            size = self._shaping.max_connections_per_subgraph
            client = httpx.AsyncClient(
                limits=httpx.Limits(max_connections=size, max_keepalive_connections=size),
                timeout=httpx.Timeout(time_limit),
                headers=_REQUEST_HEADERS,
            )
            self._clients[url] = client
        return client

    async def fetch(
        self,
        subgraph: str,
        *,
        url: str,
        request: Mapping[str, Any],
        headers: Mapping[str, str],
        identity_key: str,
    ) -> dict[str, Any]:
        deduplicate, time_limit = self._shaping.for_subgraph(subgraph)
        body = orjson.dumps(request)
        if not deduplicate or _is_mutation(request):
            return _decode(subgraph, await self._exchange(subgraph, url, body, headers, time_limit))
        forwarded = tuple(
            sorted((k, v) for k, v in headers.items() if k.lower() != self._identity_header)
        )
        key: _DedupKey = (subgraph, url, body, identity_key, forwarded)
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(self._exchange(subgraph, url, body, headers, time_limit))
            task.add_done_callback(_consume_exception)
            self._inflight[key] = task
            task.add_done_callback(lambda done: self._forget(key, done))
        else:
            self.joins += 1
        return _decode(subgraph, await asyncio.shield(task))

    def _forget(self, key: _DedupKey, task: asyncio.Task[bytes]) -> None:
        if self._inflight.get(key) is task:
            del self._inflight[key]

    async def _exchange(
        self, subgraph: str, url: str, body: bytes, headers: Mapping[str, str], time_limit: float
    ) -> bytes:
        self.exchanges += 1
        client = self._client(url, time_limit)
        try:
            async with asyncio.timeout(time_limit):
                response = await client.post(url, content=body, headers=headers)
        except TimeoutError:
            raise SubgraphFetchError(
                f"subgraph '{subgraph}' did not answer within {time_limit:g}s"
            ) from None
        except httpx.HTTPError as exc:
            logger.warning("subgraph %s unreachable: %r", subgraph, exc)
            raise SubgraphFetchError(f"subgraph '{subgraph}' is unreachable") from None
        raw = response.content
        if response.is_success or _has_graphql_body(raw):
            return raw
        raise SubgraphFetchError(f"subgraph '{subgraph}' answered HTTP {response.status_code}")

    async def aclose(self) -> None:
        clients, self._clients = self._clients, {}
        for client in clients.values():
            await client.aclose()


class BoundFetcher:
    """The fetcher one client request gives the executor (implements `SubgraphFetcher`)."""

    __slots__ = ("_headers", "_identity_key", "_transport", "_urls")

    def __init__(
        self,
        transport: SubgraphTransport,
        *,
        urls: Mapping[str, str],
        headers: Mapping[str, str],
        identity_key: str,
    ) -> None:
        self._transport = transport
        self._urls = urls
        self._headers = headers
        self._identity_key = identity_key

    async def __call__(self, subgraph: str, request: dict[str, Any]) -> dict[str, Any]:
        url = self._urls.get(subgraph)
        if url is None:
            raise SubgraphFetchError(f"subgraph '{subgraph}' has no routing URL")
        return await self._transport.fetch(
            subgraph,
            url=url,
            request=request,
            headers=self._headers,
            identity_key=self._identity_key,
        )
