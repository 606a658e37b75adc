"""Where APQ documents live: Redis when configured (shared by router instances), else an
in-process LRU. Keys are the documents' SHA-256 hashes, verified before anything is stored."""

from __future__ import annotations

import logging
from typing import Protocol

from redis.exceptions import RedisError

from router.pipeline.cache import LruCache
from router.redis_pool import redis_client

__all__ = ["DocumentStore", "MemoryDocumentStore", "RedisDocumentStore"]

logger = logging.getLogger(__name__)


class DocumentStore(Protocol):
    async def get(self, sha256: str) -> str | None: ...

    async def put(self, sha256: str, document: str) -> None: ...

    async def aclose(self) -> None: ...


class MemoryDocumentStore:
    def __init__(self, capacity: int) -> None:
        self._documents: LruCache[str, str] = LruCache(capacity)

    async def get(self, sha256: str) -> str | None:
        return self._documents.get(sha256)

    async def put(self, sha256: str, document: str) -> None:
        self._documents.put(sha256, document)

    async def aclose(self) -> None:
        return None


class RedisDocumentStore:
    """Shared by every router through Redis, with the documents this router has already
    seen kept in an in-process LRU in front: a hash names one text forever (it is
    verified before it is stored), so a remembered document can never be stale, and a
    client repeating its hash costs no round trip. Misses always ask Redis, so a document
    registered through another router is found; only documents Redis has stored or
    returned are remembered, so with Redis down every router answers a miss alike."""

    def __init__(self, url: str, *, key_prefix: str, ttl_seconds: int, seen: int) -> None:
        self._redis = redis_client(url)
        self._prefix = f"{key_prefix}apq:"
        self._ttl = ttl_seconds
        self._seen: LruCache[str, str] = LruCache(seen)

    async def get(self, sha256: str) -> str | None:
        """The document, or None when unknown or when Redis fails (a miss: the client resends)."""
        document = self._seen.get(sha256)
        if document is not None:
            return document
        try:
            found = await self._redis.execute("GET", self._prefix + sha256)
        except (RedisError, OSError) as error:
            logger.error("APQ store unavailable: %s", error)  # noqa: TRY400 - no traceback wanted
            return None
        if not isinstance(found, bytes):
            return None  # unknown (or expired)
        document = found.decode("utf-8")
        self._seen.put(sha256, document)
        return document

    async def put(self, sha256: str, document: str) -> None:
        try:
            await self._redis.execute("SET", self._prefix + sha256, document, "EX", self._ttl)
        except (RedisError, OSError) as error:
            logger.error("APQ store unavailable: %s", error)  # noqa: TRY400 - no traceback wanted
            return
        self._seen.put(sha256, document)  # only what the shared store holds

    async def aclose(self) -> None:
        await self._redis.aclose()
