"""`rate_limit` in router.yaml: token buckets per user, client and IP; a cost budget per client."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["BucketConfig", "CostBudgetConfig", "RateLimitConfig"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BucketConfig(_Section):
    """A token bucket: `capacity` requests at once, refilled at `refill_per_second`."""

    capacity: int = Field(ge=1)
    refill_per_second: float = Field(gt=0)


class CostBudgetConfig(_Section):
    """At most `budget` of estimated cost per client in each window of `window_seconds`."""

    budget: float = Field(gt=0)
    window_seconds: int = Field(default=60, ge=1)


class RateLimitConfig(_Section):
    enabled: bool = False
    per_user: BucketConfig | None = Field(default=None, description="authenticated users")
    per_client: BucketConfig | None = Field(default=None, description="named clients")
    per_ip: BucketConfig | None = None
    cost_budget: CostBudgetConfig | None = Field(
        default=None, description="per named client; needs demand_control.enabled"
    )
    client_ip_header: str | None = Field(
        default=None,
        description="take the caller's IP from this header's first address (behind a proxy)",
    )
    fail_open: bool = Field(
        default=True,
        description="when the limiter's store (Redis) fails: let requests through (logged), "
        "else refuse them with RATE_LIMIT_UNAVAILABLE (503)",
    )
