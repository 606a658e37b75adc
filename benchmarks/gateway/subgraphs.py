"""The benchmark's four subgraphs (accounts, inventory, products, reviews) in one process.

Each is served at `/<name>` and executes real GraphQL (graphql-core, `_entities`
included) over the workload's `subgraphs/data.json`, with the original workload's behaviours:
every review's author is user 1 with the first two reviews, a user resolved by
reference has the first two reviews, and `shippingEstimate` reads the inventory's own
(empty) price and weight, so it is always null.

The data never changes, so answers are memoised by request body: the first request of
each distinct body is executed, later ones are served from memory. That keeps the
subgraphs far from being the bottleneck, as the original's Rust subgraphs are.

    python -m benchmarks.gateway.subgraphs --port 4200 [--workload DIR]

(the workload folder as in `benchmarks.gateway.workload`: ../shared/bench-workload by default).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import uvicorn
from graphql import GraphQLResolveInfo, GraphQLSchema, build_schema, graphql

from benchmarks.gateway.workload import Workload, load_workload

__all__ = ["SubgraphsApp", "build_subgraphs", "main"]

_FEDERATION = """
scalar _Any
scalar FieldSet
scalar link__Import
directive @link(url: String, import: [link__Import]) repeatable on SCHEMA
directive @key(fields: FieldSet!, resolvable: Boolean = true) repeatable on OBJECT | INTERFACE
directive @external on FIELD_DEFINITION | OBJECT
directive @requires(fields: FieldSet!) on FIELD_DEFINITION
directive @provides(fields: FieldSet!) on FIELD_DEFINITION
directive @shareable repeatable on OBJECT | FIELD_DEFINITION
type _Service { sdl: String }
"""

Row = dict[str, Any]
EntityResolver = Callable[[Row], Row | None]


def _schema(sdl: str) -> GraphQLSchema:
    """A subgraph SDL plus the federation machinery graphql-core needs to execute it."""
    entities = re.findall(r"type (\w+) @key", sdl)
    root = "extend type Query" if re.search(r"^type Query\b", sdl, re.MULTILINE) else "type Query"
    service = f"""
union _Entity = {" | ".join(entities)}
{root} {{
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}}
"""
    schema = build_schema(_FEDERATION + sdl + service)
    entity_union = schema.type_map["_Entity"]
    entity_union.resolve_type = lambda value, *_: value["__typename"]  # type: ignore[attr-defined]
    return schema


def _attach(
    schema: GraphQLSchema,
    *,
    entities: dict[str, EntityResolver],
    fields: dict[tuple[str, str], Callable[..., Any]],
    sdl: str,
) -> None:
    def resolve_entities(
        _: Any, __: GraphQLResolveInfo[Any], representations: list[Row]
    ) -> list[Any]:
        return [entities[rep["__typename"]](rep) for rep in representations]

    query = schema.query_type
    assert query is not None
    query.fields["_entities"].resolve = resolve_entities
    query.fields["_service"].resolve = lambda *_: {"sdl": sdl}
    for (type_name, field_name), resolver in fields.items():
        schema.type_map[type_name].fields[field_name].resolve = resolver  # type: ignore[attr-defined]


def _typed(typename: str, row: Row | None) -> Row | None:
    return None if row is None else {"__typename": typename, **row}


def build_subgraphs(workload: Workload) -> dict[str, GraphQLSchema]:
    data = orjson.loads((workload.subgraphs_dir / "data.json").read_bytes())
    users, inventory = data["USERS"], data["INVENTORY"]
    products, reviews = data["PRODUCTS"], data["REVIEWS"]
    by_id = {user["id"]: user for user in users}
    stock = {row["upc"]: row for row in inventory}
    catalogue = {row["upc"]: row for row in products}
    review_rows = {row["id"]: row for row in reviews}
    first_two = [_typed("Review", row) for row in reviews[:2]]

    def shipping_estimate(row: Row, _: GraphQLResolveInfo[Any]) -> int | None:
        price, weight = row.get("price"), row.get("weight")
        if price is None:
            return None
        if price > 1000:
            return 0
        return None if weight is None else int(weight) // 2

    def review_author(_: Row, __: GraphQLResolveInfo[Any]) -> Row:
        return {"__typename": "User", "id": "1", "username": "urigo", "reviews": first_two}

    def product_reviews(row: Row, _: GraphQLResolveInfo[Any]) -> list[Row | None]:
        return [_typed("Review", r) for r in reviews if r["product"]["upc"] == row["upc"]]

    specs: dict[str, tuple[dict[str, EntityResolver], dict[tuple[str, str], Callable[..., Any]]]]
    specs = {
        "accounts": (
            {"User": lambda rep: _typed("User", by_id.get(rep["id"]))},
            {
                ("Query", "me"): lambda *_: _typed("User", users[0]),
                ("Query", "user"): lambda _, __, id: _typed("User", by_id.get(id)),  # noqa: A006
                ("Query", "users"): lambda *_: [_typed("User", user) for user in users],
            },
        ),
        "inventory": (
            {"Product": lambda rep: _typed("Product", stock.get(rep["upc"]))},
            {("Product", "shippingEstimate"): shipping_estimate},
        ),
        "products": (
            {"Product": lambda rep: _typed("Product", catalogue.get(rep["upc"]))},
            {
                ("Query", "topProducts"): lambda _, __, first=5: [
                    _typed("Product", row) for row in products[:first]
                ]
            },
        ),
        "reviews": (
            {
                "User": lambda rep: {
                    "__typename": "User",
                    "id": rep["id"],
                    "username": "user",
                    "reviews": first_two,
                },
                "Product": lambda rep: {"__typename": "Product", "upc": rep["upc"]},
                "Review": lambda rep: _typed("Review", review_rows.get(rep["id"])),
            },
            {("Review", "author"): review_author, ("Product", "reviews"): product_reviews},
        ),
    }
    schemas = {}
    for name, (entities, fields) in specs.items():
        sdl = (workload.subgraphs_dir / f"{name}.graphql").read_text(encoding="utf-8")
        schema = _schema(sdl)
        _attach(schema, entities=entities, fields=fields, sdl=sdl)
        schemas[name] = schema
    return schemas


class SubgraphsApp:
    """ASGI app: `POST /<subgraph>` executes GraphQL, memoised by body; `GET /health`."""

    def __init__(self, schemas: dict[str, GraphQLSchema], *, memo_size: int = 10_000) -> None:
        self._schemas = {f"/{name}": schema for name, schema in schemas.items()}
        self._memo: dict[tuple[str, bytes], bytes] = {}
        self._memo_size = memo_size

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path = scope["path"]
        if path == "/health":
            await _reply(send, 200, b'{"status":"UP"}')
            return
        schema = self._schemas.get(path)
        if schema is None or scope["method"] != "POST":
            await _reply(send, 404, b'{"errors":[{"message":"not found"}]}')
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = b"".join(chunks)
        answer = self._memo.get((path, body))
        if answer is None:
            answer = await self._execute(schema, body)
            if len(self._memo) < self._memo_size:
                self._memo[(path, body)] = answer
        await _reply(send, 200, answer)

    @staticmethod
    async def _execute(schema: GraphQLSchema, body: bytes) -> bytes:
        request = orjson.loads(body)
        result = await graphql(
            schema,
            request["query"],
            variable_values=request.get("variables"),
            operation_name=request.get("operationName"),
        )
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [error.formatted for error in result.errors]
        return orjson.dumps(payload)


async def _reply(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.gateway.subgraphs")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=4200)
    parser.add_argument("--workload", type=Path, default=None, help="workload folder")
    args = parser.parse_args(argv)
    app = SubgraphsApp(build_subgraphs(load_workload(args.workload)))
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        loop="uvloop",
        http="httptools",
        lifespan="off",
        access_log=False,
        log_level="warning",
        backlog=4096,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
