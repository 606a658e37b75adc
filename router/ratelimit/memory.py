"""In-process limiter: exact under asyncio, since a check never awaits between its read
and its write. Per process only; run Redis for limits shared by several routers."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence

from router.ratelimit.limiter import ALLOWED, Bucket, Decision, Spend

__all__ = ["MemoryLimiter"]


class MemoryLimiter:
    """Token buckets and fixed-window budgets in bounded maps (a forgotten key starts full)."""

    def __init__(
        self,
        *,
        max_keys: int = 100_000,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self._max_keys = max_keys
        self._clock = clock
        self._wall_clock = wall_clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, at
        self._windows: OrderedDict[str, tuple[float, float]] = OrderedDict()  # window, used

    def _remember(
        self, store: OrderedDict[str, tuple[float, float]], key: str, value: tuple[float, float]
    ) -> None:
        store[key] = value
        store.move_to_end(key)
        while len(store) > self._max_keys:
            store.popitem(last=False)

    async def check(self, buckets: Sequence[Bucket], spend: Spend | None = None) -> Decision:
        now = self._clock()
        levels: list[float] = []
        wait, refused_by = 0.0, None
        for index, bucket in enumerate(buckets):
            capacity, rate = bucket.config.capacity, bucket.config.refill_per_second
            tokens, at = self._buckets.get(bucket.key, (float(capacity), now))
            tokens = min(float(capacity), tokens + (now - at) * rate)
            levels.append(tokens)
            if tokens < 1 and (1 - tokens) / rate > wait:
                wait, refused_by = (1 - tokens) / rate, index
        if refused_by is not None:
            return Decision(allowed=False, retry_after=wait, refused_by=refused_by)
        used = window = 0.0
        if spend is not None:
            length = spend.budget.window_seconds
            wall = self._wall_clock()
            window = float(math.floor(wall / length))
            current, used = self._windows.get(spend.key, (window, 0.0))
            if current != window:
                used = 0.0
            if used + spend.cost > spend.budget.budget:
                retry = (window + 1) * length - wall
                return Decision(allowed=False, retry_after=retry, refused_by=len(buckets))
            self._remember(self._windows, spend.key, (window, used + spend.cost))
        for bucket, tokens in zip(buckets, levels, strict=True):
            self._remember(self._buckets, bucket.key, (tokens - 1, now))
        return ALLOWED

    async def aclose(self) -> None:
        return None
