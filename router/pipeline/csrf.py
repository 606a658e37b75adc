"""Stage: CSRF prevention, as Apollo Router does it (`csrf` in router.yaml).

A browser sends some requests cross-site without asking the server first ("simple"
requests: GET, or POST with `Content-Type` text/plain, multipart/form-data or
application/x-www-form-urlencoded). Such a request could ride on a victim's session, so
it is refused unless it proves it was preflighted: a `Content-Type` that is not one of
those three, or a non-empty header from `csrf.required_headers`
(`x-apollo-operation-name`, `apollo-require-preflight` by default) that only a script
can add, and only after a CORS preflight.

`browser_requests_only` (default true) limits the check to requests that can carry a
browser's ambient authority (an `Origin`, `Cookie` or `Sec-Fetch-*` header): server-side
clients and curl are not CSRF vectors, and this router's own authentication is a bearer
header a browser never attaches by itself. Set it false for Apollo's exact behaviour.
"""

from __future__ import annotations

from collections.abc import Mapping

from router.config import CsrfConfig
from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import RequestError

__all__ = ["CSRF_ERROR", "CsrfPrevention", "is_preflighted"]

CSRF_ERROR = "CSRF_ERROR"

_SIMPLE_CONTENT_TYPES = frozenset(
    {"application/x-www-form-urlencoded", "multipart/form-data", "text/plain"}
)
_SIMPLE_METHODS = frozenset({"GET", "HEAD", "POST"})
_BROWSER_MARKERS = ("origin", "cookie", "sec-fetch-mode", "sec-fetch-site")


def is_preflighted(headers: Mapping[str, str], required_headers: tuple[str, ...]) -> bool:
    """True when a browser could only have sent this request after a CORS preflight."""
    content_type = headers.get("content-type")
    if content_type is not None:
        media_types = {part.split(";", 1)[0].strip().lower() for part in content_type.split(",")}
        if media_types - _SIMPLE_CONTENT_TYPES:
            return True
    return any(headers.get(name, "").strip() for name in required_headers)


class CsrfPrevention:
    def __init__(self, config: CsrfConfig) -> None:
        self._required = tuple(name.lower() for name in config.required_headers)
        self._browser_only = config.browser_requests_only
        names = ", ".join(self._required)
        self._message = (
            "This operation has been blocked as a potential Cross-Site Request Forgery "
            "(CSRF). Please either specify a 'content-type' header (with a media type that "
            "is not one of application/x-www-form-urlencoded, multipart/form-data, "
            f"text/plain) or provide one of the following headers: {names}"
        )

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        headers = ctx.http.headers
        if (
            ctx.http.method in _SIMPLE_METHODS
            and (not self._browser_only or any(marker in headers for marker in _BROWSER_MARKERS))
            and not is_preflighted(headers, self._required)
        ):
            raise RequestError.single(self._message, code=CSRF_ERROR, status=400, http_level=True)
        return await call_next(ctx)
