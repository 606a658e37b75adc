"""Stage: persisted documents (APQ and trusted documents), before parsing.

Turns a request that names its document by id into one that carries the text, and
enforces what each client may run:

- the client is named by `apollographql-client-name`; when its config has an API key,
  the key header must match (else `UNAUTHENTICATED`);
- an id (`extensions.persistedQuery.sha256Hash` or `documentId`) is looked up in the
  client's manifests, then (unless the client is safelisted) in the APQ store; unknown:
  `PERSISTED_QUERY_NOT_FOUND`;
- a text with `extensions.persistedQuery` registers it under its hash (APQ), after the
  hash is checked (`PERSISTED_QUERY_HASH_MISMATCH`);
- `safelist` clients run only their manifests' documents (`PERSISTED_QUERY_NOT_IN_LIST`);
  `log_unknown` clients run anything, and documents outside their manifests are logged
  and marked for the metrics (`ctx.extras["persisted_unknown"]`);
- a GET found by id gets `Cache-Control` (`public` for guests, else `private`).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from typing import Any

from router.persisted.config import PersistedQueriesConfig, Policy
from router.persisted.manifest import ClientDocuments, load_clients
from router.persisted.store import DocumentStore, MemoryDocumentStore, RedisDocumentStore
from router.pipeline.chain import Handler
from router.pipeline.client import client_name
from router.pipeline.context import GraphQLRequest, GraphQLResponse, RequestContext
from router.pipeline.errors import BAD_REQUEST, UNAUTHENTICATED, RequestError

__all__ = [
    "PERSISTED_QUERY_HASH_MISMATCH",
    "PERSISTED_QUERY_NOT_FOUND",
    "PERSISTED_QUERY_NOT_IN_LIST",
    "PersistedDocuments",
    "sha256_hex",
]

logger = logging.getLogger(__name__)

PERSISTED_QUERY_NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
PERSISTED_QUERY_HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
PERSISTED_QUERY_NOT_IN_LIST = "PERSISTED_QUERY_NOT_IN_LIST"
_NO_STORE = {"cache-control": "private, no-cache, must-revalidate"}


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _persisted_query(request: GraphQLRequest) -> dict[str, Any] | None:
    value = request.extensions.get("persistedQuery")
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("sha256Hash"), str):
        raise RequestError.single(
            "extensions.persistedQuery must be {version: 1, sha256Hash: string}",
            code=BAD_REQUEST,
            http_level=True,
        )
    if value.get("version", 1) != 1:
        raise RequestError.single(
            "only version 1 of persisted queries is supported", code=BAD_REQUEST, http_level=True
        )
    return value


class PersistedDocuments:
    def __init__(
        self, config: PersistedQueriesConfig, *, redis_url: str | None, key_prefix: str
    ) -> None:
        self._config = config
        self._clients: dict[str, ClientDocuments] = load_clients(config.clients)
        self._default = ClientDocuments(policy=config.default_policy)
        self._apq = config.apq.enabled
        self._store: DocumentStore = (
            RedisDocumentStore(
                redis_url,
                key_prefix=key_prefix,
                ttl_seconds=config.apq.ttl_seconds,
                seen=config.apq.cache_size,
            )
            if redis_url
            else MemoryDocumentStore(config.apq.cache_size)
        )

    async def aclose(self) -> None:
        await self._store.aclose()

    def _client(self, ctx: RequestContext) -> tuple[str | None, ClientDocuments]:
        name = client_name(ctx)
        documents = self._clients.get(name) if name is not None else None
        if documents is None:
            return name, self._default
        if not documents.accepts_key(ctx.http.headers.get(self._config.api_key_header.lower())):
            raise RequestError.single(
                f"client '{name}' must present its API key",
                code=UNAUTHENTICATED,
                status=401,
                http_level=True,
            )
        return name, documents

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        request = ctx.request
        assert request is not None
        name, client = self._client(ctx)
        persisted = _persisted_query(request)
        document_id = request.document_id or (persisted["sha256Hash"] if persisted else None)
        by_id = not request.query
        if by_id:
            assert document_id is not None  # ReadRequest lets no other request through
            query, known = await self._lookup(name, client, document_id, apq=persisted is not None)
            ctx.request = replace(request, query=query)
        else:
            query = request.query or ""
            if persisted is not None:
                await self._register(client, query, persisted["sha256Hash"])
            known = self._check_text(name, client, query)
        if not known:
            ctx.extras["persisted_unknown"] = True  # counted per client by telemetry
        response = await call_next(ctx)
        if by_id and ctx.http.method == "GET" and not response.errors:
            max_age = self._config.apq.get_max_age_seconds
            scope = "public" if getattr(ctx.identity, "user_id", None) is None else "private"
            response.headers.setdefault("cache-control", f"{scope}, max-age={max_age}")
        return response

    async def _lookup(
        self, name: str | None, client: ClientDocuments, document_id: str, *, apq: bool
    ) -> tuple[str, bool]:
        trusted = client.by_id.get(document_id)
        if trusted is not None:
            return trusted.body, True
        found = None
        if apq and self._apq and client.policy is not Policy.SAFELIST:
            found = await self._store.get(document_id.lower())
        if found is None:
            raise RequestError.single(
                "PersistedQueryNotFound",
                code=PERSISTED_QUERY_NOT_FOUND,
                status=200,
                headers=_NO_STORE,
            )
        return found, self._check_text(name, client, found)

    async def _register(self, client: ClientDocuments, query: str, sha256: str) -> None:
        if sha256_hex(query) != sha256.lower():
            raise RequestError.single(
                "the query does not match extensions.persistedQuery.sha256Hash",
                code=PERSISTED_QUERY_HASH_MISMATCH,
            )
        if self._apq and client.policy is not Policy.SAFELIST:
            await self._store.put(sha256.lower(), query)

    def _check_text(self, name: str | None, client: ClientDocuments, query: str) -> bool:
        """False for a document a `log_unknown` client may run but has not registered."""
        if client.policy is Policy.ALLOW or query in client.bodies:
            return True
        if client.policy is Policy.SAFELIST:
            raise RequestError.single(
                f"client '{name}' may only run its registered documents",
                code=PERSISTED_QUERY_NOT_IN_LIST,
                status=403,
            )
        logger.warning(
            "client %s ran a document outside its manifests (sha256 %s)", name, sha256_hex(query)
        )
        return False
