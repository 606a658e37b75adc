"""Introspection answered by the router itself, and the exposed query plan."""

from __future__ import annotations

from graphql import build_client_schema, get_introspection_query, print_schema
from router_fakes import FakeSubgraph
from router_harness import RouterFactory


async def test_full_introspection_describes_the_api_schema_without_subgraphs(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    response = await router.post(get_introspection_query(), operation_name="IntrospectionQuery")
    body = response.json()
    assert "errors" not in body
    printed = print_schema(build_client_schema(body["data"]))
    assert "type Review {" in printed
    assert "addReview(input: AddReviewInput!): Review" in printed
    assert "join__" not in printed
    assert "link__" not in printed
    assert all(fake.requests == [] for fake in subgraphs.values())


async def test_root_typename_needs_no_fetch(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    response = await router.post("{ __typename t: __typename }")
    assert response.json() == {"data": {"__typename": "Query", "t": "Query"}}
    assert all(fake.requests == [] for fake in subgraphs.values())


async def test_introspection_mixed_with_subgraph_fields_keeps_request_order(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    response = await router.post(
        """
        query Mixed($name: String!) {
          first: user(id: "1") { name }
          kind: __type(name: $name) { name kind }
          ... on Query { __typename products(first: 1) { upc } }
          ...Root
        }
        fragment Root on Query { schema: __schema { queryType { name } } users { id } }
        """,
        {"name": "Product"},
    )
    body = response.json()
    assert "errors" not in body
    assert list(body["data"]) == ["first", "kind", "__typename", "products", "schema", "users"]
    assert body["data"] == {
        "first": {"name": "Ada"},
        "kind": {"name": "Product", "kind": "OBJECT"},
        "__typename": "Query",
        "products": [{"upc": "p1"}],
        "schema": {"queryType": {"name": "Query"}},
        "users": [{"id": "1"}, {"id": "2"}],
    }
    sent = [request["query"] for fake in subgraphs.values() for request in fake.requests]
    assert sent
    assert not any("__schema" in query or "__type(" in query for query in sent)


async def test_introspection_can_be_disabled_but_typename_still_works(
    make_router: RouterFactory,
) -> None:
    router = await make_router({"supergraph": {"introspection": False}})
    refused = await router.post("{ __schema { types { name } } }")
    assert refused.json()["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    allowed = await router.post("{ __typename }")
    assert allowed.json() == {"data": {"__typename": "Query"}}


async def test_expose_query_plan_header_returns_apollo_shaped_plan(
    make_router: RouterFactory,
) -> None:
    router = await make_router()
    response = await router.post(
        "{ users { name reviews { body } } }", headers={"apollo-expose-query-plan": "true"}
    )
    body = response.json()
    assert body["data"]["users"][0]["reviews"][0]["body"] == "Great"
    plan = body["extensions"]["apolloQueryPlan"]
    assert plan["object"]["kind"] == "QueryPlan"
    assert plan["object"]["node"]["kind"] == "Sequence"
    services = {node.get("serviceName") for node in _fetches(plan["object"]["node"])}
    assert services == {"accounts", "reviews"}
    assert plan["text"].startswith("QueryPlan {")
    assert 'Fetch(service: "accounts")' in plan["text"]


async def test_no_plan_without_the_header(make_router: RouterFactory) -> None:
    router = await make_router()
    response = await router.post("{ users { name } }")
    assert "extensions" not in response.json()


async def test_expose_plan_dry_run_calls_no_subgraph(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    response = await router.post(
        "{ users { name } }", headers={"apollo-expose-query-plan": "dry-run"}
    )
    body = response.json()
    assert body["data"] is None
    assert 'Fetch(service: "accounts")' in body["extensions"]["apolloQueryPlan"]["text"]
    assert subgraphs["accounts"].requests == []


def _fetches(node: dict[str, object]) -> list[dict[str, object]]:
    found = [node] if node.get("kind") == "Fetch" else []
    children = node.get("nodes") or ([node["node"]] if "node" in node else [])
    for child in children:  # type: ignore[union-attr]
        found += _fetches(child)
    return found
