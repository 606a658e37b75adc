"""Helpers of the edge tests: a cost-annotated fake supergraph, manifests, real Redis."""

from __future__ import annotations

import hashlib
import importlib
import os
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
import yaml
from redis.asyncio import Redis

REPO = Path(__file__).resolve().parents[3]
REDIS_URL = "redis://127.0.0.1:6379/0"

_COST_LINK = (
    '  @link(url: "https://specs.apollo.dev/cost/v0.1", import: ["@cost", "@listSize"]) {\n'
)
_COST_DIRECTIVES = """
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION
  | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!],
  requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION
"""
# (before, after) pairs applied to the fake supergraph of tests/router/router_fakes.py.
_ANNOTATIONS = [
    ("for: EXECUTION) {\n", "for: EXECUTION)\n" + _COST_LINK),
    ("scalar join__FieldSet\n", _COST_DIRECTIVES + "scalar join__FieldSet\n"),
    (
        "products(first: Int = 5, category: Category): [Product]",
        (
            "products(first: Int = 5, category: Category @cost(weight: 4)): [Product]"
            ' @listSize(slicingArguments: ["first"], requireOneSlicingArgument: false)'
        ),
    ),
    ("  users: [User] @join__field", "  users: [User] @listSize(assumedSize: 3) @join__field"),
    ("  body: String!\n}", "  body: String! @cost(weight: 7)\n}"),
    ("  body: String\n  author: User", "  body: String @cost(weight: 2)\n  author: User"),
]


def with_cost_annotations(sdl: str) -> str:
    """The fake supergraph with @cost and @listSize as the composer carries them."""
    for before, after in _ANNOTATIONS:
        assert before in sdl, before
        sdl = sdl.replace(before, after, 1)
    return sdl


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def write_manifest(path: Path, documents: dict[str, str]) -> Path:
    """An Apollo persisted-query manifest of `{name: body}` (ids are the bodies' hashes)."""
    operations: list[dict[str, Any]] = [
        {"id": sha256(body), "name": name, "type": "query", "body": body}
        for name, body in documents.items()
    ]
    manifest = {"format": "apollo-persisted-query-manifest", "version": 1, "operations": operations}
    path.write_bytes(orjson.dumps(manifest))
    return path


async def redis_or_fail() -> Redis:
    """Real Redis on 127.0.0.1:6379; a skip locally when it is down, a failure in CI."""
    client = Redis.from_url(REDIS_URL)
    try:
        await client.ping()
    except Exception as error:  # noqa: BLE001 - any failure means Redis is unavailable
        await client.aclose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"Redis is required in CI: {error}")
        pytest.skip(f"Redis is not running on 127.0.0.1:6379: {error}")
    return client


async def redis_prefix() -> AsyncIterator[str]:
    """A random key prefix; every key under it is deleted afterwards."""
    client = await redis_or_fail()
    prefix = f"g2a:test:{secrets.token_hex(6)}:"
    try:
        yield prefix
    finally:
        keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
        if keys:
            await client.delete(*keys)
        await client.aclose()


async def project_supergraph() -> str:
    """The project's own supergraph: each subgraph's served SDL, composed by our composer."""
    from router.composition import SubgraphSource, compose

    config = yaml.safe_load((REPO / "supergraph.yaml").read_text())
    sources = []
    for name in config["subgraphs"]:
        app = importlib.import_module(f"subgraphs.{name}.app").create_app()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://subgraph") as client:
            response = await client.post("/graphql", json={"query": "{ _service { sdl } }"})
        await app.state.subgraph.engine.dispose()
        sdl = response.json()["data"]["_service"]["sdl"]
        sources.append(SubgraphSource(name, f"http://127.0.0.1:1/{name}", sdl))
    result = compose(sources)
    assert result.errors == [], [str(error) for error in result.errors]
    assert result.supergraph_sdl is not None
    return result.supergraph_sdl
