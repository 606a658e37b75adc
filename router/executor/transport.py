"""Subgraph transport: pooled keep-alive HTTP/1.1, timeouts, in-flight de-duplication.

`SubgraphTransport` owns one connection pool per subgraph origin for the life of the
process. For each client request the pipeline binds a `SubgraphFetcher` to the caller's
forwarded headers (`transport.fetcher(...)`); the executor calls it with a subgraph name
and a GraphQL request body.

The HTTP client is deliberately small: asyncio protocols with the `httptools` parser
(the one uvicorn uses), one request at a time per keep-alive connection, a bounded
pool per origin, TLS for `https` URLs. Measured on the gateway benchmark it costs a
fraction of what a general-purpose client does per request (see docs/router.md).

Failures become `SubgraphFetchError` (the executor turns them into errors at the affected
paths, with partial data): timeouts, connection errors, non-2xx answers without a GraphQL
body, invalid JSON, JSON that is not a GraphQL response object.

De-duplication (on by default, per subgraph): identical queries in flight at the same
time — same subgraph, same body, same caller identity and forwarded headers — share one
HTTP exchange. The exchange runs as its own task, so a caller that goes away never
cancels it for the others, and each caller decodes its own copy of the answer (the
executor may mutate what it gets). Mutations are never shared.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
from collections import deque
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import urlsplit

import httptools
import orjson

from router.config import TrafficShapingConfig
from router.executor import SubgraphFetchError

__all__ = ["BoundFetcher", "SubgraphTransport"]

logger = logging.getLogger(__name__)

_ACCEPT = b"application/graphql-response+json, application/json"

# (subgraph, url, body, identity key, other forwarded headers)
_DedupKey = tuple[str, str, bytes, str, tuple[tuple[str, str], ...]]


class _ConnectionClosedError(Exception):
    """The peer closed the connection; `answered` tells whether any response byte came."""

    def __init__(self, *, answered: bool) -> None:
        super().__init__("connection closed by the subgraph")
        self.answered = answered


class _Connection(asyncio.Protocol):
    """One keep-alive HTTP/1.1 connection carrying one exchange at a time."""

    def __init__(self) -> None:
        self._transport: asyncio.Transport | None = None
        self._parser = httptools.HttpResponseParser(self)
        self._body: list[bytes] = []
        self._done: asyncio.Future[tuple[int, bytes]] | None = None
        self._answered = False
        self.reusable = True
        self.completed = 0  # exchanges finished on this connection

    # asyncio.Protocol
    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports implement asyncio.Transport without subclassing it.
        self._transport = cast("asyncio.Transport", transport)

    def data_received(self, data: bytes) -> None:
        self._answered = True
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as exc:
            self.reusable = False
            self._fail(exc)

    def connection_lost(self, exc: Exception | None) -> None:
        self.reusable = False
        self._fail(_ConnectionClosedError(answered=self._answered))

    # httptools callbacks
    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self.completed += 1
        if not self._parser.should_keep_alive():
            self.reusable = False
        if self._done is not None and not self._done.done():
            self._done.set_result((self._parser.get_status_code(), b"".join(self._body)))

    def _fail(self, exc: Exception) -> None:
        if self._done is not None and not self._done.done():
            self._done.set_exception(exc)

    async def exchange(self, raw_request: bytes) -> tuple[int, bytes]:
        """Send one request; return (status, body)."""
        assert self._transport is not None
        if self._transport.is_closing():
            raise _ConnectionClosedError(answered=False)
        self._body = []
        self._answered = False
        self._parser = httptools.HttpResponseParser(self)
        self._done = asyncio.get_running_loop().create_future()
        self._transport.write(raw_request)
        try:
            return await self._done
        finally:
            self._done = None

    def close(self) -> None:
        self.reusable = False
        if self._transport is not None:
            self._transport.close()


class _Pool:
    """At most `size` connections to one origin; idle ones are reused most-recent first."""

    def __init__(self, url: str, size: int) -> None:
        parts = urlsplit(url)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise SubgraphFetchError(f"unsupported subgraph URL {url!r}")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        self.ssl = ssl.create_default_context() if parts.scheme == "https" else None
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        default_port = (parts.scheme == "https" and self.port == 443) or self.port == 80
        self.host_header = self.host if default_port else f"{self.host}:{self.port}"
        self._idle: deque[_Connection] = deque()
        self._slots = asyncio.Semaphore(size)

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(
            _Connection, self.host, self.port, ssl=self.ssl
        )
        return connection

    def _idle_connection(self) -> _Connection | None:
        while self._idle:
            connection = self._idle.pop()
            if connection.reusable:
                return connection
            connection.close()
        return None

    async def request(self, raw_request: bytes, *, retry_stale: bool) -> tuple[int, bytes]:
        async with self._slots:
            connection = self._idle_connection() or await self._connect()
            try:
                try:
                    status, body = await connection.exchange(raw_request)
                except _ConnectionClosedError as closed:
                    # A kept-alive connection the server closed meanwhile: retry once, fresh.
                    if not (retry_stale and connection.completed and not closed.answered):
                        raise
                    connection.close()
                    connection = await self._connect()
                    status, body = await connection.exchange(raw_request)
            except BaseException:
                connection.close()
                raise
            if connection.reusable:
                self._idle.append(connection)
            else:
                connection.close()
            return status, body

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()


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
        self._pools: dict[str, _Pool] = {}
        self._inflight: dict[_DedupKey, asyncio.Task[bytes]] = {}
        # Observable in tests and benchmarks: HTTP exchanges made, and callers that joined
        # an identical exchange already in flight instead of making their own.
        self.exchanges = 0
        self.joins = 0

    def fetcher(
        self,
        *,
        urls: Mapping[str, str],
        headers: Mapping[str, str],
        identity_key: str,
        by_subgraph: Mapping[str, Mapping[str, str]] | None = None,
    ) -> BoundFetcher:
        """A `SubgraphFetcher` for one client request.

        `by_subgraph` replaces `headers` for the subgraphs it names (per-subgraph header
        rules, see router/pipeline/headers.py).
        """
        return BoundFetcher(
            self, urls=urls, headers=headers, identity_key=identity_key, by_subgraph=by_subgraph
        )

    def _pool(self, url: str) -> _Pool:
        pool = self._pools.get(url)
        if pool is None:
            pool = _Pool(url, self._shaping.max_connections_per_subgraph)
            self._pools[url] = pool
        return pool

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
        mutation = _is_mutation(request)
        if not deduplicate or mutation:
            raw = await self._exchange(
                subgraph, url, body, headers, time_limit, retry_stale=not mutation
            )
            return _decode(subgraph, raw)
        forwarded = tuple(
            sorted((k, v) for k, v in headers.items() if k.lower() != self._identity_header)
        )
        key: _DedupKey = (subgraph, url, body, identity_key, forwarded)
        task = self._inflight.get(key)
        if task is None:
            task = asyncio.create_task(
                self._exchange(subgraph, url, body, headers, time_limit, retry_stale=True)
            )
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
        self,
        subgraph: str,
        url: str,
        body: bytes,
        headers: Mapping[str, str],
        time_limit: float,
        *,
        retry_stale: bool,
    ) -> bytes:
        self.exchanges += 1
        pool = self._pool(url)
        head = [
            b"POST %s HTTP/1.1\r\nHost: %s\r\n" % (pool.path.encode(), pool.host_header.encode()),
            b"Content-Type: application/json\r\nAccept: %s\r\n" % _ACCEPT,
            b"Content-Length: %d\r\n" % len(body),
        ]
        for name, value in headers.items():
            if "\r" in value or "\n" in value or "\r" in name or "\n" in name:
                raise SubgraphFetchError(f"refusing a header with a line break for '{subgraph}'")
            head.append(f"{name}: {value}\r\n".encode("latin-1"))
        raw_request = b"".join([*head, b"\r\n", body])
        try:
            async with asyncio.timeout(time_limit):
                status, raw = await pool.request(raw_request, retry_stale=retry_stale)
        except TimeoutError:
            raise SubgraphFetchError(
                f"subgraph '{subgraph}' did not answer within {time_limit:g}s"
            ) from None
        except (OSError, _ConnectionClosedError, httptools.HttpParserError) as exc:
            logger.warning("subgraph %s unreachable: %r", subgraph, exc)
            raise SubgraphFetchError(f"subgraph '{subgraph}' is unreachable") from None
        if 200 <= status < 300 or _has_graphql_body(raw):
            return raw
        raise SubgraphFetchError(f"subgraph '{subgraph}' answered HTTP {status}")

    async def aclose(self) -> None:
        pools, self._pools = self._pools, {}
        for pool in pools.values():
            pool.close()


class BoundFetcher:
    """The fetcher one client request gives the executor (implements `SubgraphFetcher`)."""

    __slots__ = ("_by_subgraph", "_headers", "_identity_key", "_transport", "_urls")

    def __init__(
        self,
        transport: SubgraphTransport,
        *,
        urls: Mapping[str, str],
        headers: Mapping[str, str],
        identity_key: str,
        by_subgraph: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self._transport = transport
        self._urls = urls
        self._headers = headers
        self._identity_key = identity_key
        self._by_subgraph = by_subgraph

    async def __call__(self, subgraph: str, request: dict[str, Any]) -> dict[str, Any]:
        url = self._urls.get(subgraph)
        if url is None:
            raise SubgraphFetchError(f"subgraph '{subgraph}' has no routing URL")
        return await self._transport.fetch(
            subgraph,
            url=url,
            request=request,
            headers=self._headers
            if self._by_subgraph is None
            else self._by_subgraph.get(subgraph, self._headers),
            identity_key=self._identity_key,
        )
