"""The router's Redis clients (APQ store, rate limits): a bounded, blocking pool.

Bursts wait for a free connection (up to `timeout` seconds) instead of failing with
"too many connections" or opening one connection per concurrent request.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis

__all__ = ["redis_client"]


def redis_client(url: str, *, max_connections: int = 64, timeout: float = 10.0) -> Redis:
    pool = BlockingConnectionPool.from_url(url, max_connections=max_connections, timeout=timeout)
    return Redis.from_pool(pool)
