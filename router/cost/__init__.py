"""Demand control: the cost of an operation, estimated before it runs and counted after.

`CostModel` (schema) reads `@cost`/`@listSize` from a supergraph once; `CostEstimator`
(estimate) gives the static estimate of an operation; `ActualCostCounter` (actual)
counts the cost of its response. The pipeline stage is `router.pipeline.cost`.
"""

from router.cost.actual import ActualCostCounter
from router.cost.config import DemandControlConfig
from router.cost.estimate import CostEstimator, SlicingArgumentError
from router.cost.schema import CostModel, ListSize

__all__ = [
    "ActualCostCounter",
    "CostEstimator",
    "CostModel",
    "DemandControlConfig",
    "ListSize",
    "SlicingArgumentError",
]
