"""Stages: rate limits. `RateLimit` takes one token from the caller's buckets (user,
client, IP) right after authentication; `CostBudget` spends the operation's estimated
cost from its client's budget right after demand control. Refusals are `RATE_LIMITED`
(HTTP 429) with `Retry-After` and `extensions.retryAfter` (seconds)."""

from __future__ import annotations

import math

from router.pipeline.chain import Handler
from router.pipeline.client import client_name
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.cost import cost_report
from router.pipeline.errors import RequestError
from router.ratelimit.config import RateLimitConfig
from router.ratelimit.limiter import Bucket, Decision, Limiter
from router.ratelimit.memory import MemoryLimiter
from router.ratelimit.redis import RedisLimiter

__all__ = ["RATE_LIMITED", "CostBudget", "RateLimit", "make_limiter"]

RATE_LIMITED = "RATE_LIMITED"


def make_limiter(redis_url: str | None) -> Limiter:
    return RedisLimiter(redis_url) if redis_url else MemoryLimiter()


def _refusal(decision: Decision, limit: str) -> RequestError:
    seconds = max(1, math.ceil(decision.retry_after))
    return RequestError.single(
        f"rate limit exceeded ({limit}); retry after {seconds}s",
        code=RATE_LIMITED,
        status=429,
        http_level=True,
        extensions={"retryAfter": seconds, "limit": limit},
        headers={"retry-after": str(seconds)},
    )


class RateLimit:
    def __init__(self, config: RateLimitConfig, *, limiter: Limiter, key_prefix: str) -> None:
        self._config = config
        self._limiter = limiter
        self._prefix = f"{key_prefix}rl:"
        self._ip_header = config.client_ip_header.lower() if config.client_ip_header else None

    async def aclose(self) -> None:
        await self._limiter.aclose()

    def _client_ip(self, ctx: RequestContext) -> str | None:
        if self._ip_header is not None:
            forwarded = ctx.http.headers.get(self._ip_header, "").split(",", 1)[0].strip()
            if forwarded:
                return forwarded
        return ctx.http.client_ip

    def buckets(self, ctx: RequestContext) -> list[tuple[str, Bucket]]:
        config, prefix = self._config, self._prefix
        found: list[tuple[str, Bucket]] = []
        user = getattr(ctx.identity, "user_id", None)
        if config.per_user is not None and user is not None:
            found.append(("per_user", Bucket(f"{prefix}user:{user}", config.per_user)))
        client = client_name(ctx)
        if config.per_client is not None and client is not None:
            found.append(("per_client", Bucket(f"{prefix}client:{client}", config.per_client)))
        ip = self._client_ip(ctx)
        if config.per_ip is not None and ip is not None:
            found.append(("per_ip", Bucket(f"{prefix}ip:{ip}", config.per_ip)))
        return found

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        named = self.buckets(ctx)
        if named:
            decision = await self._limiter.take([bucket for _, bucket in named])
            if not decision.allowed:
                raise _refusal(decision, named[decision.refused_by or 0][0])
        return await call_next(ctx)


class CostBudget:
    def __init__(self, config: RateLimitConfig, *, limiter: Limiter, key_prefix: str) -> None:
        assert config.cost_budget is not None
        self._budget = config.cost_budget
        self._limiter = limiter
        self._prefix = f"{key_prefix}rl:cost:"

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        report = cost_report(ctx)
        client = client_name(ctx)
        if report is not None and client is not None and report.estimated > 0:
            key = f"{self._prefix}{client}"
            decision = await self._limiter.spend(key, report.estimated, self._budget)
            if not decision.allowed:
                raise _refusal(decision, "cost_budget")
        return await call_next(ctx)
