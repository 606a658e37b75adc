"""CORS (`cors` in router.yaml): which browser origins may read the router's answers.

An ASGI wrapper around the router's HTTP handler rather than a pipeline stage, because
it answers preflights (`OPTIONS` + `Access-Control-Request-Method`) on any path and
decorates every response, refusals included: a browser must be able to read a 401 or a
CSRF refusal to show it. Requests without `Origin` pass through untouched; an origin
not allowed gets no CORS headers (its preflight gets 403), so the browser blocks it.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from router.config import CorsPolicyConfig

__all__ = ["Cors"]

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
AsgiHttp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _header(scope: Scope, name: bytes) -> str | None:
    for raw_name, raw_value in scope["headers"]:
        if raw_name.lower() == name:
            value: str = raw_value.decode("latin-1")
            return value
    return None


class Cors:
    """Wraps an ASGI HTTP handler with the configured CORS policy."""

    def __init__(self, config: CorsPolicyConfig, app: AsgiHttp) -> None:
        self._app = app
        self._any = config.allow_any_origin
        self._origins = frozenset(config.origins)
        self._patterns = [re.compile(pattern) for pattern in config.match_origins]
        self._credentials = config.allow_credentials
        self._allow_headers = ", ".join(h.lower() for h in config.allow_headers)
        self._expose = ", ".join(config.expose_headers)
        self._methods = frozenset(m.upper() for m in config.methods)
        self._methods_value = ", ".join(sorted(self._methods))
        self._max_age = None if config.max_age is None else str(int(config.max_age))

    @staticmethod
    def configured(config: CorsPolicyConfig) -> bool:
        return bool(config.allow_any_origin or config.origins or config.match_origins)

    def allows(self, origin: str) -> bool:
        return (
            self._any or origin in self._origins or any(p.fullmatch(origin) for p in self._patterns)
        )

    def _common(self, origin: str) -> list[tuple[bytes, bytes]]:
        if self._any:
            headers = [(b"access-control-allow-origin", b"*")]
        else:
            headers = [(b"access-control-allow-origin", origin.encode("latin-1"))]
            headers.append((b"vary", b"Origin"))
        if self._credentials:
            headers.append((b"access-control-allow-credentials", b"true"))
        return headers

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        origin = _header(scope, b"origin")
        if origin is None:
            await self._app(scope, receive, send)
            return
        requested_method = _header(scope, b"access-control-request-method")
        if scope["method"] == "OPTIONS" and requested_method is not None:
            await self._preflight(scope, send, origin, requested_method)
            return
        if not self.allows(origin):
            # No CORS headers, but caches must still key on the origin.
            extra = [] if self._any else [(b"vary", b"Origin")]
        else:
            extra = self._common(origin)
            if self._expose:
                extra.append((b"access-control-expose-headers", self._expose.encode("latin-1")))

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self._app(scope, receive, send_with_cors)

    async def _preflight(self, scope: Scope, send: Send, origin: str, method: str) -> None:
        if not self.allows(origin) or method.upper() not in self._methods:
            await _empty(send, 403, [(b"vary", b"Origin")])
            return
        headers = self._common(origin)
        headers.append((b"access-control-allow-methods", self._methods_value.encode()))
        allow_headers = self._allow_headers or _header(scope, b"access-control-request-headers")
        if allow_headers:
            headers.append((b"access-control-allow-headers", allow_headers.encode("latin-1")))
        if self._max_age is not None:
            headers.append((b"access-control-max-age", self._max_age.encode()))
        await _empty(send, 204, headers)


async def _empty(send: Send, status: int, headers: list[tuple[bytes, bytes]]) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [*headers, (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})
