"""Router test harness: the router under test behind an ASGI client, and its config."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from router_fakes import IDENTITY_SECRET

from router.app import RouterApp
from router.config import RouterConfig

JWT_SECRET = "test-jwt-secret-of-at-least-32-bytes"


def router_config(overrides: dict[str, Any] | None = None) -> RouterConfig:
    base: dict[str, Any] = {
        "authentication": {
            "jwt": {"hs256_secret": JWT_SECRET, "issuer": "go2asia-test", "audience": "go2asia"},
            "identity": {"secret": IDENTITY_SECRET},
        },
        "traffic_shaping": {"all": {"timeout": "5s"}},
    }
    for section, values in (overrides or {}).items():
        merged = dict(base.get(section, {}))
        merged.update(values)
        base[section] = merged
    return RouterConfig.model_validate(base)


@dataclass
class RouterHarness:
    app: RouterApp
    client: httpx.AsyncClient
    supergraph_path: Path

    async def post(
        self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:
        body: dict[str, Any] = {"query": query}
        if variables is not None:
            body["variables"] = variables
        if "operation_name" in kwargs:
            body["operationName"] = kwargs.pop("operation_name")
        return await self.client.post("/graphql", json=body, **kwargs)


RouterFactory = Callable[..., Awaitable[RouterHarness]]
