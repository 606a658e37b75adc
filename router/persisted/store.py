"""Where APQ documents live: Redis when configured (shared by router instances), else an
in-process LRU. Keys are the documents' SHA-256 hashes, verified before anything is stored."""

from __future__ import annotations

import logging
from typing import Protocol

from redis.asyncio import Redis
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
    def __init__(self, url: str, *, key_prefix: str, ttl_seconds: int) -> None:
        self._redis: Redis = redis_client(url)
        self._prefix = f"{key_prefix}apq:"
        self._ttl = ttl_seconds

    async def get(self, sha256: str) -> str | None:
        """The document, or None when unknown or when Redis fails (a miss: the client resends)."""
        try:
            found = await self._redis.get(self._prefix + sha256)
        except (RedisError, OSError) as error:
            logger.error("APQ store unavailable: %s", error)  # noqa: TRY400 - no traceback wanted
            return None
        if isinstance(found, bytes):
            return found.decode("utf-8")
        return found

    async def put(self, sha256: str, document: str) -> None:
        try:
            await self._redis.set(self._prefix + sha256, document.encode("utf-8"), ex=self._ttl)
        except (RedisError, OSError) as error:
            logger.error("APQ store unavailable: %s", error)  # noqa: TRY400 - no traceback wanted

    async def aclose(self) -> None:
        await self._redis.aclose()
