"""What a limiter decides, and the interface both implementations offer."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from router.ratelimit.config import BucketConfig, CostBudgetConfig

__all__ = ["ALLOWED", "Bucket", "Decision", "Limiter", "Spend"]


@dataclass(frozen=True, slots=True)
class Bucket:
    """One token bucket to take from: its key (already prefixed) and its shape."""

    key: str
    config: BucketConfig


@dataclass(frozen=True, slots=True)
class Spend:
    """Cost to add to the current window of a budget."""

    key: str
    cost: float
    budget: CostBudgetConfig


@dataclass(frozen=True, slots=True)
class Decision:
    allowed: bool
    retry_after: float = 0.0  # seconds until the refusal would not happen again
    refused_by: int | None = None  # index of the refusing bucket; len(buckets): the budget


ALLOWED = Decision(allowed=True)


class Limiter(Protocol):
    async def check(self, buckets: Sequence[Bucket], spend: Spend | None = None) -> Decision:
        """Take one token from every bucket and add `spend` to its budget, all or nothing."""
        ...

    async def aclose(self) -> None: ...
