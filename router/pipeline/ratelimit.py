"""Stage: rate limits. One token from each of the caller's buckets (user, client, IP)
and, with a cost budget, the operation's estimated cost from its client's budget; one
limiter call (one Redis round trip) per request, all or nothing. Refusals are
`RATE_LIMITED` (HTTP 429) with `Retry-After` and `extensions.retryAfter` (seconds).

Without a cost budget the stage sits right after authentication, before any parsing;
with one it sits after demand control, which has estimated the cost by then.
"""

from __future__ import annotations

import logging
import math

from redis.exceptions import RedisError

from router.pipeline.chain import Handler
from router.pipeline.client import client_name
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.cost import cost_report
from router.pipeline.errors import RequestError
from router.ratelimit.config import RateLimitConfig
from router.ratelimit.limiter import Bucket, Decision, Limiter, Spend
from router.ratelimit.memory import MemoryLimiter
from router.ratelimit.redis import RedisLimiter

__all__ = ["RATE_LIMITED", "RATE_LIMIT_UNAVAILABLE", "RateLimit", "make_limiter"]

logger = logging.getLogger(__name__)

RATE_LIMITED = "RATE_LIMITED"
RATE_LIMIT_UNAVAILABLE = "RATE_LIMIT_UNAVAILABLE"


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
    def __init__(
        self,
        config: RateLimitConfig,
        *,
        limiter: Limiter,
        key_prefix: str,
        with_cost_budget: bool = False,
    ) -> None:
        self._config = config
        self._limiter = limiter
        self._prefix = f"{key_prefix}rl:"
        self._ip_header = config.client_ip_header.lower() if config.client_ip_header else None
        self._budget = config.cost_budget if with_cost_budget else None

    async def aclose(self) -> None:
        await self._limiter.aclose()

    async def _store_failed(
        self, ctx: RequestContext, call_next: Handler, error: Exception
    ) -> GraphQLResponse:
        """The limiter's store is unreachable: fail open (logged) or refuse, as configured."""
        logger.error("rate limiter unavailable (%s): %s", type(error).__name__, error)
        if self._config.fail_open:
            return await call_next(ctx)
        raise RequestError.single(
            "rate limiting is unavailable; try again later",
            code=RATE_LIMIT_UNAVAILABLE,
            status=503,
            http_level=True,
            headers={"retry-after": "1"},
        )

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

    def _spend(self, ctx: RequestContext) -> Spend | None:
        if self._budget is None:
            return None
        report, client = cost_report(ctx), client_name(ctx)
        if report is None or client is None or report.estimated <= 0:
            return None
        return Spend(f"{self._prefix}cost:{client}", report.estimated, self._budget)

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        named = self.buckets(ctx)
        spend = self._spend(ctx)
        if named or spend is not None:
            try:
                decision = await self._limiter.check([bucket for _, bucket in named], spend)
            except (RedisError, OSError) as error:
                return await self._store_failed(ctx, call_next, error)
            if not decision.allowed:
                index = decision.refused_by or 0
                raise _refusal(decision, named[index][0] if index < len(named) else "cost_budget")
        return await call_next(ctx)
