"""Token refill and budget windows of the in-process limiter, on an injected clock."""

from __future__ import annotations

from router.ratelimit.config import BucketConfig, CostBudgetConfig
from router.ratelimit.limiter import Bucket, Spend
from router.ratelimit.memory import MemoryLimiter


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def test_tokens_come_back_at_the_refill_rate() -> None:
    clock = Clock(100.0)
    limiter = MemoryLimiter(clock=clock)
    bucket = [Bucket("ip:1", BucketConfig(capacity=2, refill_per_second=4))]
    assert (await limiter.check(bucket)).allowed
    assert (await limiter.check(bucket)).allowed
    refused = await limiter.check(bucket)
    assert not refused.allowed
    assert refused.retry_after == 0.25
    clock.now += 0.125
    assert (await limiter.check(bucket)).retry_after == 0.125
    clock.now += 0.125
    assert (await limiter.check(bucket)).allowed
    clock.now += 60  # never more than the capacity
    assert [(await limiter.check(bucket)).allowed for _ in range(3)] == [True, True, False]


async def test_budget_resets_with_each_window_and_refusals_take_nothing() -> None:
    wall = Clock(1_000.0)
    limiter = MemoryLimiter(clock=Clock(0.0), wall_clock=wall)
    budget = CostBudgetConfig(budget=100, window_seconds=60)
    bucket = [Bucket("client:web", BucketConfig(capacity=10, refill_per_second=0.001))]
    assert (await limiter.check(bucket, Spend("cost:web", 70, budget))).allowed
    refused = await limiter.check(bucket, Spend("cost:web", 40, budget))
    assert not refused.allowed
    assert refused.refused_by == 1  # the budget, after the one bucket
    assert refused.retry_after == 1_020.0 - 1_000.0  # the window [960, 1020) ends
    assert (await limiter.check(bucket, Spend("cost:web", 30, budget))).allowed
    wall.now = 1_020.0
    assert (await limiter.check(bucket, Spend("cost:web", 100, budget))).allowed
    # 3 tokens were taken: the refused check took none.
    tokens = [(await limiter.check(bucket)).allowed for _ in range(8)]
    assert tokens == [True] * 7 + [False]
