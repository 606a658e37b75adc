"""Stages: `authorization` in router.yaml.

- `RequireAuthentication` (`authorization.require_authentication`): a request without a
  valid token is refused with `UNAUTHENTICATED` (401) right after authentication.
"""

from __future__ import annotations

from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import UNAUTHENTICATED, RequestError

__all__ = ["RequireAuthentication"]


class RequireAuthentication:
    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        if not getattr(ctx.identity, "is_authenticated", False):
            raise RequestError.single(
                "this router requires an access token",
                code=UNAUTHENTICATED,
                status=401,
                http_level=True,
                headers={"www-authenticate": "Bearer"},
            )
        return await call_next(ctx)
