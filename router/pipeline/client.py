"""Which client application sent a request: Apollo's client-awareness headers.

The name keys per-client policies (trusted documents, cost maxima, rate limits) and the
metrics. It is a claim of the client; `router.pipeline.persisted` verifies it against
the client's API key when one is configured.
"""

from __future__ import annotations

from router.pipeline.context import RequestContext

__all__ = ["CLIENT_NAME_HEADER", "CLIENT_VERSION_HEADER", "client_name"]

CLIENT_NAME_HEADER = "apollographql-client-name"
CLIENT_VERSION_HEADER = "apollographql-client-version"


def client_name(ctx: RequestContext) -> str | None:
    """The client's name, or None when the request does not say."""
    return ctx.http.headers.get(CLIENT_NAME_HEADER) or None
