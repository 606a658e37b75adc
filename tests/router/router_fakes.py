"""Small federated subgraphs (graphql-core) served over real HTTP, for router tests.

Each `FakeSubgraph` executes real GraphQL (including `_entities`) over in-memory data,
records every request it receives, and can misbehave on demand: answer HTTP 500,
invalid JSON, a JSON array, or hang until released (`gate`). The supergraph in
`SUPERGRAPH_TEMPLATE` joins three of them: accounts, products, reviews.
"""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jwt
import orjson
import uvicorn
from graphql import (
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    build_schema,
    graphql,
)

from shared.identity import verify_identity

IDENTITY_SECRET = "test-internal-identity-secret-32-bytes"

_FEDERATION_SDL = """
scalar _Any
type _Service { sdl: String }
"""

ACCOUNTS_SDL = """
type Query {
  me: User
  user(id: ID!): User
  users: [User]
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}
union _Entity = User
type User { id: ID! name: String }
"""

PRODUCTS_SDL = """
enum Category { BOOKS GAMES }
type Query {
  products(first: Int = 5, category: Category): [Product]
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}
union _Entity = Product
type Product { upc: String! name: String category: Category }
"""

REVIEWS_SDL = """
input AddReviewInput { productUpc: String! body: String! }
type Query {
  _entities(representations: [_Any!]!): [_Entity]!
  _service: _Service!
}
type Mutation { addReview(input: AddReviewInput!): Review }
union _Entity = User | Product
type User { id: ID! reviews: [Review] }
type Product { upc: String! reviews: [Review] }
type Review { id: ID! body: String author: User product: Product }
"""

USERS = [{"id": "1", "name": "Ada"}, {"id": "2", "name": "Linus"}]
PRODUCTS = [
    {"upc": "p1", "name": "Atlas of Hanoi", "category": "BOOKS"},
    {"upc": "p2", "name": "Go2Asia Quest", "category": "GAMES"},
]
REVIEWS = [
    {"id": "r1", "body": "Great", "author": "1", "product": "p1"},
    {"id": "r2", "body": "Fun", "author": "2", "product": "p2"},
    {"id": "r3", "body": "Again!", "author": "1", "product": "p2"},
]


def _review(row: dict[str, str]) -> dict[str, Any]:
    return {
        "__typename": "Review",
        "id": row["id"],
        "body": row["body"],
        "author": {"__typename": "User", "id": row["author"]},
        "product": {"__typename": "Product", "upc": row["product"]},
    }


def _accounts_resolvers() -> dict[str, Callable[..., Any]]:
    def me(_: Any, info: GraphQLResolveInfo) -> dict[str, Any] | None:
        identity = verify_identity(
            info.context["headers"].get("x-g2a-identity"), secret=IDENTITY_SECRET
        )
        if identity.user_id is None:
            return None
        return {"__typename": "User", "id": identity.user_id, "name": f"{identity.role} user"}

    def user(_: Any, __: GraphQLResolveInfo, id: str) -> dict[str, Any] | None:  # noqa: A002
        return next(({"__typename": "User", **u} for u in USERS if u["id"] == id), None)

    def users(_: Any, __: GraphQLResolveInfo) -> list[dict[str, Any]]:
        return [{"__typename": "User", **u} for u in USERS]

    return {"me": me, "user": user, "users": users}


def _products_resolvers() -> dict[str, Callable[..., Any]]:
    def products(
        _: Any, __: GraphQLResolveInfo, first: int = 5, category: str | None = None
    ) -> list[dict[str, Any]]:
        rows = [p for p in PRODUCTS if category is None or p["category"] == category]
        return [{"__typename": "Product", **p} for p in rows[:first]]

    return {"products": products}


def _reviews_resolvers() -> dict[str, Callable[..., Any]]:
    def add_review(_: Any, __: GraphQLResolveInfo, input: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
        row = {
            "id": f"r{len(REVIEWS) + 1}",
            "body": input["body"],
            "author": "1",
            "product": input["productUpc"],
        }
        return _review(row)

    return {"addReview": add_review}


def _accounts_entity(rep: dict[str, Any]) -> dict[str, Any] | None:
    return next(({"__typename": "User", **u} for u in USERS if u["id"] == rep.get("id")), None)


def _products_entity(rep: dict[str, Any]) -> dict[str, Any] | None:
    return next(
        ({"__typename": "Product", **p} for p in PRODUCTS if p["upc"] == rep.get("upc")), None
    )


def _reviews_entity(rep: dict[str, Any]) -> dict[str, Any] | None:
    if rep.get("__typename") == "User":
        mine = [_review(r) for r in REVIEWS if r["author"] == rep.get("id")]
        return {"__typename": "User", "id": rep["id"], "reviews": mine}
    if rep.get("__typename") == "Product":
        mine = [_review(r) for r in REVIEWS if r["product"] == rep.get("upc")]
        return {"__typename": "Product", "upc": rep["upc"], "reviews": mine}
    return None


def _attach(
    schema: GraphQLSchema,
    root: dict[str, Callable[..., Any]],
    entity: Callable[[dict[str, Any]], dict[str, Any] | None],
) -> None:
    query = schema.query_type
    assert query is not None
    for name, resolver in root.items():
        target = query if name in query.fields else schema.mutation_type
        assert target is not None
        target.fields[name].resolve = resolver

    def entities(
        _: Any, __: GraphQLResolveInfo, representations: list[dict[str, Any]]
    ) -> list[Any]:
        return [entity(rep) for rep in representations]

    query.fields["_entities"].resolve = entities
    union = schema.type_map["_Entity"]
    union.resolve_type = lambda value, *_: value["__typename"]  # type: ignore[attr-defined]


@dataclass
class FakeSubgraph:
    """One subgraph: schema + behaviour switches + a log of what it received."""

    name: str
    schema: GraphQLSchema
    mode: str = "ok"  # ok | http500 | garbage | array | hang
    gate: asyncio.Event | None = None
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers_seen: list[dict[str, str]] = field(default_factory=list)
    url: str = ""
    server: uvicorn.Server | None = None
    task: asyncio.Task[None] | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        chunks = []
        while True:
            message = await receive()
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        body = orjson.loads(b"".join(chunks))
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        self.requests.append(body)
        self.headers_seen.append(headers)
        if self.gate is not None:
            await self.gate.wait()
        if self.mode == "hang":
            await self.release.wait()
        if self.mode == "http500":
            await _send(send, 500, b"Internal Server Error", b"text/plain")
            return
        if self.mode == "garbage":
            await _send(send, 200, b"{not json", b"application/json")
            return
        if self.mode == "array":
            await _send(send, 200, b"[1, 2, 3]", b"application/json")
            return
        result = await graphql(
            self.schema,
            body["query"],
            variable_values=body.get("variables"),
            operation_name=body.get("operationName"),
            context_value={"headers": headers},
        )
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [_format(error) for error in result.errors]
        await _send(send, 200, orjson.dumps(payload), b"application/json")

    def reset(self) -> None:
        self.release.set()
        self.release = asyncio.Event()
        if self.gate is not None:
            self.gate.set()
        self.mode = "ok"
        self.gate = None
        self.requests.clear()
        self.headers_seen.clear()


def _format(error: GraphQLError) -> dict[str, Any]:
    return dict(error.formatted)


async def _send(send: Any, status: int, body: bytes, content_type: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", content_type)],
        }
    )
    await send({"type": "http.response.body", "body": body})


def make_subgraphs() -> dict[str, FakeSubgraph]:
    specs = {
        "accounts": (ACCOUNTS_SDL, _accounts_resolvers(), _accounts_entity),
        "products": (PRODUCTS_SDL, _products_resolvers(), _products_entity),
        "reviews": (REVIEWS_SDL, _reviews_resolvers(), _reviews_entity),
    }
    subgraphs = {}
    for name, (sdl, resolvers, entity) in specs.items():
        schema = build_schema(_FEDERATION_SDL + sdl)
        _attach(schema, resolvers, entity)
        subgraphs[name] = FakeSubgraph(name=name, schema=schema)
    return subgraphs


async def serve_asgi(app: Any) -> tuple[str, uvicorn.Server, asyncio.Task[None]]:
    """Serve an ASGI app on 127.0.0.1:<ephemeral>; returns (base URL, server, task)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    return f"http://127.0.0.1:{port}", server, task


def unused_port() -> int:
    """A port nothing listens on (bound then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


SUPERGRAPH_TEMPLATE = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION) {
  query: Query
  mutation: Mutation
}

directive @join__enumValue(graph: join__Graph!) repeatable on ENUM_VALUE
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet,
  type: String, external: Boolean, override: String, usedOverridden: Boolean
) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!
) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false
) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]
) repeatable on SCHEMA

scalar join__FieldSet
scalar link__Import
enum link__Purpose { SECURITY EXECUTION }

enum join__Graph {
  ACCOUNTS @join__graph(name: "accounts", url: "{accounts}")
  PRODUCTS @join__graph(name: "products", url: "{products}")
  REVIEWS @join__graph(name: "reviews", url: "{reviews}")
}

enum Category @join__type(graph: PRODUCTS) {
  BOOKS @join__enumValue(graph: PRODUCTS)
  GAMES @join__enumValue(graph: PRODUCTS)
}

input AddReviewInput @join__type(graph: REVIEWS) {
  productUpc: String!
  body: String!
}

type Query
  @join__type(graph: ACCOUNTS)
  @join__type(graph: PRODUCTS)
  @join__type(graph: REVIEWS) {
  me: User @join__field(graph: ACCOUNTS)
  user(id: ID!): User @join__field(graph: ACCOUNTS)
  users: [User] @join__field(graph: ACCOUNTS)
  products(first: Int = 5, category: Category): [Product] @join__field(graph: PRODUCTS)
}

type Mutation @join__type(graph: REVIEWS) {
  addReview(input: AddReviewInput!): Review @join__field(graph: REVIEWS)
}

type User
  @join__type(graph: ACCOUNTS, key: "id")
  @join__type(graph: REVIEWS, key: "id") {
  id: ID!
  name: String @join__field(graph: ACCOUNTS)
  reviews: [Review] @join__field(graph: REVIEWS)
}

type Product
  @join__type(graph: PRODUCTS, key: "upc")
  @join__type(graph: REVIEWS, key: "upc") {
  upc: String!
  name: String @join__field(graph: PRODUCTS)
  category: Category @join__field(graph: PRODUCTS)
  reviews: [Review] @join__field(graph: REVIEWS)
}

type Review @join__type(graph: REVIEWS, key: "id") {
  id: ID!
  body: String
  author: User
  product: Product
}
"""


def render_supergraph(urls: dict[str, str]) -> str:
    sdl = SUPERGRAPH_TEMPLATE
    for name, url in urls.items():
        sdl = sdl.replace("{" + name + "}", url)
    return sdl


async def wait_until(predicate: Callable[[], bool], *, limit: float = 10.0) -> None:
    """Poll a condition (no timing assertion: the limit only bounds a broken test)."""
    async with asyncio.timeout(limit):
        while not predicate():  # noqa: ASYNC110 - polls state owned by the code under test
            await asyncio.sleep(0.005)


def make_token(
    *,
    sub: str,
    role: str = "USER",
    scopes: list[str] | None = None,
    secret: str = "test-jwt-secret-of-at-least-32-bytes",  # noqa: S107 - test key
    issuer: str = "go2asia-test",
    audience: str = "go2asia",
    expires_in: int = 300,
) -> str:
    """An access token as the users subgraph issues them (HS256)."""
    now = int(time.time())
    claims = {
        "sub": sub,
        "role": role,
        "scopes": scopes or [],
        "iss": issuer,
        "aud": audience,
        "iat": now,
        "exp": now + expires_in,
    }
    return jwt.encode(claims, secret, algorithm="HS256")
