"""`--config-supergraph`: the router composes supergraph.yaml itself, and reloads it."""

from __future__ import annotations

from pathlib import Path

import httpx
from router_fakes import FakeSubgraph
from router_harness import router_config

from router.app import RouterApp
from router.reload import ComposedSupergraphSource, StateHolder, build_state

ACCOUNTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
type Query { users: [User] user(id: ID!): User }
type User @key(fields: "id") { id: ID! name: String }
"""

PRODUCTS = """
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
enum Category { BOOKS GAMES }
type Query { products(first: Int = 5, category: Category): [Product] }
type Product @key(fields: "upc") { upc: String! name: String category: Category }
"""


def _write_config(directory: Path, subgraphs: dict[str, FakeSubgraph], names: list[str]) -> Path:
    lines = ["federation_version: =2.3.0", "subgraphs:"]
    for name in names:
        lines += [
            f"  {name}:",
            f"    routing_url: {subgraphs[name].url}",
            "    schema:",
            f"      file: ./{name}.graphql",
        ]
    path = directory / "supergraph.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def test_composed_supergraph_serves_and_reloads(
    tmp_path: Path, subgraphs: dict[str, FakeSubgraph]
) -> None:
    (tmp_path / "accounts.graphql").write_text(ACCOUNTS, encoding="utf-8")
    (tmp_path / "products.graphql").write_text(PRODUCTS, encoding="utf-8")
    source = ComposedSupergraphSource(_write_config(tmp_path, subgraphs, ["accounts"]))
    config = router_config()
    app = RouterApp(config=config, holder=StateHolder(build_state(source, config)), source=source)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://router.test") as client:
        query = {"query": "{ users { name } products { upc } }"}
        before = (await client.post("/graphql", json=query)).json()
        assert before["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

        _write_config(tmp_path, subgraphs, ["accounts", "products"])
        assert app.watcher is not None
        assert await app.watcher.reload() is True
        after = (await client.post("/graphql", json=query)).json()
        assert after == {
            "data": {
                "users": [{"name": "Ada"}, {"name": "Linus"}],
                "products": [{"upc": "p1"}, {"upc": "p2"}],
            }
        }
    await app.shutdown()
