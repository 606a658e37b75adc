"""Stages and their composition into one handler."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from router.pipeline.context import GraphQLResponse, RequestContext

__all__ = ["Handler", "Pipeline", "Stage"]

Handler = Callable[[RequestContext], Awaitable[GraphQLResponse]]


class Stage(Protocol):
    """One step of the pipeline; calls `call_next` to run the rest (or doesn't)."""

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse: ...


def _link(stage: Stage, call_next: Handler) -> Handler:
    async def run(ctx: RequestContext) -> GraphQLResponse:
        return await stage(ctx, call_next)

    return run


class Pipeline:
    """The stages, outermost first, ending in a terminal handler."""

    def __init__(self, stages: Sequence[Stage], terminal: Handler) -> None:
        self.stages = tuple(stages)
        handler = terminal
        for stage in reversed(self.stages):
            handler = _link(stage, handler)
        self._handler = handler

    async def __call__(self, ctx: RequestContext) -> GraphQLResponse:
        return await self._handler(ctx)
