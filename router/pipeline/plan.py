"""Stage: query planning through the bounded plan cache; optionally expose the plan.

The cache key is the document text, the operation name and the override-label
decisions of this request (progressive `@override`): the same text always splits and
plans the same way for a given supergraph state. `Apollo-Expose-Query-Plan: true` adds
`extensions.apolloQueryPlan = {object, text}` to the response (Apollo's shape);
`dry-run` returns the plan without executing it.
"""

from __future__ import annotations

import logging

from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import QUERY_PLANNING_FAILED, graphql_error
from router.pipeline.state import PlanKey
from router.planner import PlanningError

__all__ = ["EXPOSE_PLAN_HEADER", "Plan", "expose_plan_mode"]

logger = logging.getLogger(__name__)

EXPOSE_PLAN_HEADER = "apollo-expose-query-plan"


def expose_plan_mode(ctx: RequestContext) -> str | None:
    """'true', 'dry-run' or None, from the request header."""
    value = ctx.http.headers.get(EXPOSE_PLAN_HEADER, "").strip().lower()
    return value if value in {"true", "dry-run"} else None


class Plan:
    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        assert ctx.request is not None
        assert ctx.planned_document is not None
        planner = ctx.state.planner
        labels = planner.decide_override_labels() if planner.override_labels else frozenset()
        key: PlanKey = (ctx.query, ctx.request.operation_name, labels)
        plans = ctx.state.plans
        plan = plans.get(key)
        if plan is None:
            try:
                plan = planner.plan(
                    ctx.planned_document, ctx.request.operation_name, override_labels=labels
                )
            except PlanningError as error:
                logger.info("planning failed: %s", error)
                return GraphQLResponse(
                    data=None, errors=[graphql_error(str(error), code=QUERY_PLANNING_FAILED)]
                )
            plans.put(key, plan)
        ctx.plan = plan
        mode = expose_plan_mode(ctx)
        if mode == "dry-run":
            response = GraphQLResponse(data=None)
        else:
            response = await call_next(ctx)
        if mode is not None:
            response.extensions["apolloQueryPlan"] = {"object": plan.to_json(), "text": str(plan)}
        return response
