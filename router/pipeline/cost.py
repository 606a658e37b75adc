"""Stage: demand control (cost spec v0.1), between variable coercion and planning.

Estimates the operation's cost from the supergraph's `@cost`/`@listSize` (the model is
built once per supergraph state), records it in `ctx.extras["cost"]` for the stages after
(the cost budget of rate limiting, telemetry), refuses it with `COST_LIMIT_EXCEEDED` in
`enforce` mode before anything is planned or fetched, then counts the actual cost on the
response. Every response carries `extensions.cost {estimated, actual, max}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import DocumentNode, FragmentDefinitionNode

from router.cost import ActualCostCounter, CostEstimator, CostModel, SlicingArgumentError
from router.cost.config import DemandControlConfig
from router.pipeline.cache import LruCache
from router.pipeline.chain import Handler
from router.pipeline.client import client_name
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import GRAPHQL_VALIDATION_FAILED, graphql_error
from router.pipeline.state import RouterState

__all__ = ["COST_LIMIT_EXCEEDED", "CostReport", "DemandControl", "cost_report"]

COST_LIMIT_EXCEEDED = "COST_LIMIT_EXCEEDED"
_KEPT_MODELS = 4
_PREPARED_OPERATIONS = 512


@dataclass(slots=True)
class CostReport:
    estimated: float
    maximum: float
    actual: float | None = None

    def to_extension(self) -> dict[str, float | None]:
        return {"estimated": self.estimated, "actual": self.actual, "max": self.maximum}


@dataclass(frozen=True, slots=True)
class _Prepared:
    document: DocumentNode
    estimated: float
    counter: ActualCostCounter


def cost_report(ctx: RequestContext) -> CostReport | None:
    """The cost the demand-control stage recorded for this request, if it ran."""
    report = ctx.extras.get("cost")
    return report if isinstance(report, CostReport) else None


class DemandControl:
    def __init__(self, config: DemandControlConfig) -> None:
        self._config = config
        self._enforce = config.mode == "enforce"
        self._list_size = config.strategy.static_estimated.list_size
        self._models: dict[int, CostModel] = {}
        self._prepared: LruCache[tuple[int, int, int], _Prepared] = LruCache(_PREPARED_OPERATIONS)

    def model(self, state: RouterState) -> CostModel:
        """The cost annotations of a supergraph state, read on first use."""
        model = self._models.get(state.generation)
        if model is None:
            model = CostModel.from_supergraph(state.sdl, state.api_schema)
            while len(self._models) >= _KEPT_MODELS:
                del self._models[min(self._models)]
            self._models[state.generation] = model
        return model

    def maximum(self, ctx: RequestContext) -> float:
        client = client_name(ctx)
        if client is not None and client in self._config.max_per_client:
            return self._config.max_per_client[client]
        role = getattr(getattr(ctx.identity, "role", None), "value", None)
        if role is not None and role in self._config.max_per_role:
            return self._config.max_per_role[role]
        return self._config.strategy.static_estimated.max

    def _prepare(self, ctx: RequestContext) -> _Prepared:
        """The estimate and the actual-cost counter of this request's operation.

        Both depend on the document and on the variables; an operation without variables
        is prepared once per supergraph state and document (the entry keeps the document
        alive, so its id cannot be reused while cached).
        """
        assert ctx.document is not None
        assert ctx.operation is not None
        cacheable = not ctx.operation.variable_definitions
        key = (ctx.state.generation, id(ctx.document), id(ctx.operation))
        if cacheable:
            found = self._prepared.get(key)
            if found is not None:
                return found
        model = self.model(ctx.state)
        fragments = {
            definition.name.value: definition
            for definition in ctx.document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        schema, variables = ctx.state.api_schema, ctx.variables
        estimator = CostEstimator(
            schema=schema,
            model=model,
            fragments=fragments,
            variables=variables,
            list_size=self._list_size,
            strict=self._enforce,
        )
        prepared = _Prepared(
            document=ctx.document,
            estimated=estimator.operation(ctx.operation),
            counter=ActualCostCounter(
                schema=schema, model=model, fragments=fragments, variables=variables
            ),
        )
        if cacheable:
            self._prepared.put(key, prepared)
        return prepared

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        assert ctx.operation is not None
        maximum = self.maximum(ctx)
        try:
            prepared = self._prepare(ctx)
        except SlicingArgumentError as error:
            return GraphQLResponse(
                errors=[graphql_error(str(error), code=GRAPHQL_VALIDATION_FAILED)], status=400
            )
        estimated = prepared.estimated
        report = CostReport(estimated=estimated, maximum=maximum)
        ctx.extras["cost"] = report
        if self._enforce and estimated > maximum:
            return GraphQLResponse(
                errors=[
                    graphql_error(
                        f"the estimated cost of the operation ({estimated:g}) exceeds the"
                        f" maximum allowed ({maximum:g})",
                        code=COST_LIMIT_EXCEEDED,
                        extensions={"cost": {"estimated": estimated, "max": maximum}},
                    )
                ],
                extensions={"cost": report.to_extension()},
                status=400,
            )
        response = await call_next(ctx)
        if response.has_data:
            report.actual = prepared.counter.operation(ctx.operation, response.data)
        response.extensions["cost"] = report.to_extension()
        return response
