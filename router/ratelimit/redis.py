"""Redis limiter: each check is one Lua script, so concurrent routers never race.

The script reads the clock with `TIME` inside Redis (one clock for every router), takes
from every bucket and spends from the budget or does neither, and sets expiries so idle
keys disappear. One round trip per request, whatever the number of limits.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from redis.exceptions import NoScriptError

from router.ratelimit.limiter import ALLOWED, Bucket, Decision, Spend
from router.redis_pool import redis_client

__all__ = ["CHECK", "RedisLimiter"]

# KEYS: the buckets, then the budget when ARGV[1] is 1.
# ARGV: spend?, then capacity and tokens-per-millisecond of each bucket, then (when
# spending) cost, budget and window seconds.
# Returns {1}, or {0, milliseconds to wait, 1-based index of the refusing key}.
CHECK = """
local now_parts = redis.call('TIME')
local now_ms = tonumber(now_parts[1]) * 1000 + tonumber(now_parts[2]) / 1000
local spending = ARGV[1] == '1'
local buckets = #KEYS
if spending then buckets = buckets - 1 end
local levels = {}
local wait, refused_by = 0, 0
for i = 1, buckets do
  local capacity = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  local state = redis.call('HMGET', KEYS[i], 'tokens', 'at')
  local tokens = tonumber(state[1]) or capacity
  local at = tonumber(state[2]) or now_ms
  tokens = math.min(capacity, tokens + math.max(0, now_ms - at) * rate)
  levels[i] = tokens
  if tokens < 1 and (1 - tokens) / rate > wait then
    wait, refused_by = (1 - tokens) / rate, i
  end
end
if refused_by > 0 then
  return {0, math.ceil(wait), refused_by}
end
local budget_key, window, used, cost, length
if spending then
  local base = 2 * buckets + 2
  cost, length = tonumber(ARGV[base]), tonumber(ARGV[base + 2])
  local budget = tonumber(ARGV[base + 1])
  local now = now_ms / 1000
  window = math.floor(now / length)
  budget_key = KEYS[#KEYS]
  local state = redis.call('HMGET', budget_key, 'window', 'used')
  used = 0
  if tonumber(state[1]) == window then used = tonumber(state[2]) end
  if used + cost > budget then
    return {0, math.ceil(((window + 1) * length - now) * 1000), #KEYS}
  end
end
for i = 1, buckets do
  local capacity = tonumber(ARGV[2 * i])
  local rate = tonumber(ARGV[2 * i + 1])
  redis.call('HSET', KEYS[i], 'tokens', tostring(levels[i] - 1), 'at', tostring(now_ms))
  redis.call('PEXPIRE', KEYS[i], math.ceil(capacity / rate) + 1000)
end
if spending then
  redis.call('HSET', budget_key, 'window', window, 'used', tostring(used + cost))
  redis.call('EXPIRE', budget_key, length + 1)
end
return {1}
"""


_SHA = hashlib.sha1(CHECK.encode("utf-8")).hexdigest()  # noqa: S324 - Redis names scripts so


class RedisLimiter:
    def __init__(self, url: str) -> None:
        self._redis = redis_client(url)

    async def check(self, buckets: Sequence[Bucket], spend: Spend | None = None) -> Decision:
        keys = [bucket.key for bucket in buckets]
        arguments: list[str | float] = ["1" if spend is not None else "0"]
        for bucket in buckets:
            arguments += [bucket.config.capacity, bucket.config.refill_per_second / 1000]
        if spend is not None:
            keys.append(spend.key)
            arguments += [spend.cost, spend.budget.budget, spend.budget.window_seconds]
        try:
            result = await self._redis.execute("EVALSHA", _SHA, len(keys), *keys, *arguments)
        except NoScriptError:  # first call, or Redis restarted: load it, once per connection
            await self._redis.execute("SCRIPT", "LOAD", CHECK)
            result = await self._redis.execute("EVALSHA", _SHA, len(keys), *keys, *arguments)
        if result[0] == 1:
            return ALLOWED
        return Decision(allowed=False, retry_after=result[1] / 1000, refused_by=result[2] - 1)

    async def aclose(self) -> None:
        await self._redis.aclose()
