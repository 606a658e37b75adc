"""`demand_control` in router.yaml: Apollo Router's section plus per-role and per-client maxima."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["DemandControlConfig", "StaticEstimatedConfig", "StrategyConfig"]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StaticEstimatedConfig(_Section):
    """The static estimate of the cost spec (`https://specs.apollo.dev/cost/v0.1`)."""

    list_size: int = Field(
        default=10,
        ge=0,
        description="assumed length of a list without @listSize information",
    )
    max: float = Field(default=1000.0, gt=0, description="highest estimated cost allowed")


class StrategyConfig(_Section):
    static_estimated: StaticEstimatedConfig = StaticEstimatedConfig()


class DemandControlConfig(_Section):
    """Estimate every operation's cost before it runs; refuse (enforce) or only report (measure).

    The maximum of a request is the one of its client if `max_per_client` names it, else
    the one of the caller's role (`GUEST`, `USER`, ...) if `max_per_role` names it, else
    `strategy.static_estimated.max`.
    """

    enabled: bool = False
    mode: Literal["measure", "enforce"] = "measure"
    strategy: StrategyConfig = StrategyConfig()
    max_per_role: dict[str, float] = Field(
        default_factory=dict, description="role name (GUEST, USER, ADMIN, ...) -> max cost"
    )
    max_per_client: dict[str, float] = Field(
        default_factory=dict, description="client name (apollographql-client-name) -> max cost"
    )
