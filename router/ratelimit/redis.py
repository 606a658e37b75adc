"""Redis limiter: each check is one Lua script, so concurrent routers never race.

The scripts read the clock with `TIME` inside Redis (one clock for every router), take
from every bucket or from none, and set an expiry so idle keys disappear.
"""

from __future__ import annotations

from collections.abc import Sequence

from redis.asyncio import Redis

from router.ratelimit.config import CostBudgetConfig
from router.ratelimit.limiter import ALLOWED, Bucket, Decision
from router.redis_pool import redis_client

__all__ = ["RedisLimiter"]

# KEYS: buckets; ARGV: capacity and tokens-per-millisecond of each bucket, in order.
# Returns {1} or {0, milliseconds to wait, 1-based index of the emptiest bucket}.
TAKE_TOKENS = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) * 1000 + tonumber(now_parts[2]) / 1000
local levels = {}
local wait, refused_by = 0, 0
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[2 * i - 1])
  local rate = tonumber(ARGV[2 * i])
  local state = redis.call('HMGET', key, 'tokens', 'at')
  local tokens = tonumber(state[1]) or capacity
  local at = tonumber(state[2]) or now
  tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
  levels[i] = tokens
  if tokens < 1 and (1 - tokens) / rate > wait then
    wait, refused_by = (1 - tokens) / rate, i
  end
end
if refused_by > 0 then
  return {0, math.ceil(wait), refused_by}
end
for i, key in ipairs(KEYS) do
  local capacity = tonumber(ARGV[2 * i - 1])
  local rate = tonumber(ARGV[2 * i])
  redis.call('HSET', key, 'tokens', tostring(levels[i] - 1), 'at', tostring(now))
  redis.call('PEXPIRE', key, math.ceil(capacity / rate) + 1000)
end
return {1}
"""

# KEYS[1]: the budget; ARGV: cost, budget, window seconds.
# Returns {1} or {0, milliseconds until the next window}.
SPEND_BUDGET = """
local now_parts = redis.call('TIME')
local now = tonumber(now_parts[1]) + tonumber(now_parts[2]) / 1000000
local cost, budget, length = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local window = math.floor(now / length)
local state = redis.call('HMGET', KEYS[1], 'window', 'used')
local used = 0
if tonumber(state[1]) == window then used = tonumber(state[2]) end
if used + cost > budget then
  return {0, math.ceil(((window + 1) * length - now) * 1000)}
end
redis.call('HSET', KEYS[1], 'window', window, 'used', tostring(used + cost))
redis.call('EXPIRE', KEYS[1], length + 1)
return {1}
"""


class RedisLimiter:
    def __init__(self, url: str) -> None:
        self._redis: Redis = redis_client(url)
        self._take = self._redis.register_script(TAKE_TOKENS)
        self._spend = self._redis.register_script(SPEND_BUDGET)

    async def take(self, buckets: Sequence[Bucket]) -> Decision:
        arguments: list[float] = []
        for bucket in buckets:
            arguments += [bucket.config.capacity, bucket.config.refill_per_second / 1000]
        result = await self._take(keys=[bucket.key for bucket in buckets], args=arguments)
        if int(result[0]) == 1:
            return ALLOWED
        return Decision(
            allowed=False, retry_after=int(result[1]) / 1000, refused_by=int(result[2]) - 1
        )

    async def spend(self, key: str, cost: float, budget: CostBudgetConfig) -> Decision:
        result = await self._spend(keys=[key], args=[cost, budget.budget, budget.window_seconds])
        if int(result[0]) == 1:
            return ALLOWED
        return Decision(allowed=False, retry_after=int(result[1]) / 1000, refused_by=0)

    async def aclose(self) -> None:
        await self._redis.aclose()
