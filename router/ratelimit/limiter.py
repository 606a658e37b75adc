"""What a limiter decides, and the interface both implementations offer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from router.ratelimit.config import BucketConfig, CostBudgetConfig

__all__ = ["Bucket", "Decision", "Limiter"]


@dataclass(frozen=True, slots=True)
class Bucket:
    """One token bucket to take from: its key (already prefixed) and its shape."""

    key: str
    config: BucketConfig


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0  # seconds until the refusal would not happen again
    refused_by: int | None = None  # index of the bucket that refused


ALLOWED = Decision(allowed=True)


class Limiter(Protocol):
    async def take(self, buckets: Sequence[Bucket]) -> Decision:
        """Take one token from every bucket, or from none when any of them is empty."""
        ...

    async def spend(self, key: str, cost: float, budget: CostBudgetConfig) -> Decision:
        """Add `cost` to the current window of `key`, or refuse when it would pass `budget`."""
        ...

    async def aclose(self) -> None: ...
