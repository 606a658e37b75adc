"""The router's multiplexed Redis connection, against real Redis: concurrent callers get
their own replies, a lost connection fails what was waiting and is reopened, a caller
that goes away does not shift anyone's reply, and the URL's database is selected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from edge_support import REDIS_URL, redis_or_fail, redis_prefix
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError

from router.ratelimit.config import BucketConfig
from router.ratelimit.limiter import Bucket
from router.ratelimit.redis import RedisLimiter
from router.redis_pool import RedisConnection


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    async for value in redis_prefix():
        yield value


@pytest.fixture
async def connection() -> AsyncIterator[RedisConnection]:
    await (await redis_or_fail()).aclose()
    redis = RedisConnection(REDIS_URL)
    yield redis
    await redis.aclose()


async def test_concurrent_commands_share_one_connection_and_get_their_own_replies(
    connection: RedisConnection, prefix: str
) -> None:
    await connection.execute("SET", f"{prefix}counter", 0)
    connection_id = await connection.execute("CLIENT", "ID")
    echoes, increments = await asyncio.gather(
        asyncio.gather(*(connection.execute("ECHO", f"caller {n}") for n in range(300))),
        asyncio.gather(*(connection.execute("INCR", f"{prefix}counter") for _ in range(300))),
    )
    assert echoes == [f"caller {n}".encode() for n in range(300)]
    assert sorted(increments) == list(range(1, 301))
    assert await connection.execute("CLIENT", "ID") == connection_id  # one connection


async def test_error_replies_are_raised_and_the_next_reply_is_unaffected(
    connection: RedisConnection,
) -> None:
    with pytest.raises(NoScriptError):
        await connection.execute("EVALSHA", "0" * 40, 0)
    with pytest.raises(ResponseError, match="unknown command"):
        await connection.execute("NO-SUCH-COMMAND")
    assert await connection.execute("PING") == b"PONG"


async def test_a_lost_connection_fails_the_waiting_commands_and_is_reopened(
    connection: RedisConnection, prefix: str
) -> None:
    first_id = await connection.execute("CLIENT", "ID")
    waiting = asyncio.create_task(connection.execute("BLPOP", f"{prefix}never", 30))
    await asyncio.sleep(0.05)
    killer = await redis_or_fail()
    try:
        assert await killer.execute_command("CLIENT", "KILL", "ID", first_id) == 1
    finally:
        await killer.aclose()
    with pytest.raises(RedisConnectionError):
        await waiting
    second_id = await connection.execute("CLIENT", "ID")
    assert second_id != first_id
    assert await connection.execute("PING") == b"PONG"


async def test_a_cancelled_caller_does_not_shift_the_replies_of_the_next(
    connection: RedisConnection, prefix: str
) -> None:
    waiting = asyncio.create_task(connection.execute("BLPOP", f"{prefix}list", 0.2))
    await asyncio.sleep(0.05)
    waiting.cancel()
    await connection.execute("SET", f"{prefix}k", "v")
    assert await connection.execute("GET", f"{prefix}k") == b"v"


async def test_the_database_of_the_url_is_selected(prefix: str) -> None:
    other = RedisConnection(REDIS_URL.rsplit("/", 1)[0] + "/15")
    check = await redis_or_fail()
    try:
        await other.execute("SET", f"{prefix}db", "15")
        assert await check.get(f"{prefix}db") is None  # not in the test URL's database
        await check.execute_command("SELECT", 15)
        assert await check.get(f"{prefix}db") == b"15"
    finally:
        await other.execute("DEL", f"{prefix}db")
        await other.aclose()
        await check.aclose()


async def test_the_limiter_reloads_its_script_when_redis_has_forgotten_it(prefix: str) -> None:
    limiter = RedisLimiter(REDIS_URL)
    bucket = Bucket(f"{prefix}bucket", BucketConfig(capacity=2, refill_per_second=0.001))
    admin = await redis_or_fail()
    try:
        assert (await limiter.check([bucket])).allowed
        await admin.script_flush()  # as after a Redis restart
        assert (await limiter.check([bucket])).allowed
        refused = await limiter.check([bucket])
        assert not refused.allowed
        assert refused.refused_by == 0
    finally:
        await limiter.aclose()
        await admin.aclose()
