"""GraphQL over HTTP through the whole router: methods, media types, request errors."""

from __future__ import annotations

from typing import Any

import pytest
from router_fakes import FakeSubgraph
from router_harness import RouterFactory

from router.app import negotiate_media_type

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def test_post_query_joins_two_subgraphs(make_router: RouterFactory) -> None:
    router = await make_router()
    response = await router.post("{ users { id name reviews { body product { name } } } }")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json() == {
        "data": {
            "users": [
                {
                    "id": "1",
                    "name": "Ada",
                    "reviews": [
                        {"body": "Great", "product": {"name": "Atlas of Hanoi"}},
                        {"body": "Again!", "product": {"name": "Go2Asia Quest"}},
                    ],
                },
                {
                    "id": "2",
                    "name": "Linus",
                    "reviews": [{"body": "Fun", "product": {"name": "Go2Asia Quest"}}],
                },
            ]
        }
    }


async def test_get_query_with_variables(make_router: RouterFactory) -> None:
    router = await make_router()
    response = await router.client.get(
        "/graphql",
        params={
            "query": "query One($id: ID!) { user(id: $id) { name } }",
            "variables": '{"id": "2"}',
            "operationName": "One",
        },
    )
    assert response.status_code == 200
    assert response.json() == {"data": {"user": {"name": "Linus"}}}


async def test_mutation_over_get_is_refused_with_405_and_reaches_no_subgraph(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    response = await router.client.get(
        "/graphql",
        params={"query": 'mutation { addReview(input: {productUpc: "p1", body: "x"}) { id } }'},
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"
    assert subgraphs["reviews"].requests == []


async def test_mutation_over_post_runs(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    response = await router.post(
        "mutation Add($input: AddReviewInput!) {"
        " addReview(input: $input) { body author { name } } }",
        {"input": {"productUpc": "p1", "body": "Lovely"}},
    )
    assert response.json() == {"data": {"addReview": {"body": "Lovely", "author": {"name": "Ada"}}}}
    assert subgraphs["reviews"].requests[0]["query"].lstrip().startswith("mutation")


async def _error(response: Any) -> dict[str, Any]:
    body = response.json()
    assert "data" not in body
    error: dict[str, Any] = body["errors"][0]
    return error


async def test_parse_error_has_code_and_location_and_calls_no_subgraph(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    response = await router.post("{ users { id ")
    assert response.status_code == 200  # application/json: request errors are 200
    error = await _error(response)
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert error["locations"] == [{"line": 1, "column": 14}]
    assert all(fake.requests == [] for fake in subgraphs.values())


async def test_graphql_response_json_gives_400_for_request_errors(
    make_router: RouterFactory,
) -> None:
    router = await make_router()
    response = await router.post("{ nope }", headers={"accept": GRAPHQL_RESPONSE})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    error = await _error(response)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "nope" in error["message"]


async def test_graphql_response_json_gives_200_for_successful_query(
    make_router: RouterFactory,
) -> None:
    router = await make_router()
    response = await router.post('{ user(id: "1") { name } }', headers={"accept": GRAPHQL_RESPONSE})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert response.json() == {"data": {"user": {"name": "Ada"}}}


async def test_bad_variables_are_bad_user_input_before_any_subgraph_call(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    response = await router.post(
        "query ($c: Category, $n: Int) { products(category: $c, first: $n) { upc } }",
        {"c": "TOYS", "n": "many"},
        headers={"accept": GRAPHQL_RESPONSE},
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {e["extensions"]["code"] for e in errors} == {"BAD_USER_INPUT"}
    assert sorted(name for e in errors for name in e["extensions"]["fields"]) == ["c", "n"]
    assert subgraphs["products"].requests == []


async def test_missing_required_variable_is_bad_user_input(make_router: RouterFactory) -> None:
    router = await make_router()
    response = await router.post("query ($id: ID!) { user(id: $id) { name } }", {})
    error = await _error(response)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "fields": ["id"]}


async def test_enum_variable_is_coerced_and_forwarded(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    response = await router.post(
        "query ($c: Category) { products(category: $c) { name category } }", {"c": "GAMES"}
    )
    assert response.json() == {
        "data": {"products": [{"name": "Go2Asia Quest", "category": "GAMES"}]}
    }


async def test_operation_name_selects_among_several(make_router: RouterFactory) -> None:
    router = await make_router()
    document = 'query A { user(id: "1") { name } } query B { user(id: "2") { name } }'
    chosen = await router.post(document, operation_name="B")
    assert chosen.json() == {"data": {"user": {"name": "Linus"}}}
    ambiguous = await router.post(document)
    assert (await _error(ambiguous))["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    unknown = await router.post(document, operation_name="C")
    assert (await _error(unknown))["extensions"]["code"] == "GRAPHQL_UNKNOWN_OPERATION_NAME"


async def test_malformed_bodies_are_400_under_both_media_types(make_router: RouterFactory) -> None:
    router = await make_router()
    not_json = await router.client.post(
        "/graphql", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert not_json.status_code == 400
    assert (await _error(not_json))["extensions"]["code"] == "BAD_REQUEST"
    no_query = await router.client.post("/graphql", json={"variables": {}})
    assert no_query.status_code == 400
    wrong_type = await router.client.post(
        "/graphql", content=b"{ users { id } }", headers={"content-type": "text/plain"}
    )
    assert wrong_type.status_code == 415
    put = await router.client.put("/graphql", json={"query": "{ users { id } }"})
    assert put.status_code == 405


async def test_health_and_readiness(make_router: RouterFactory) -> None:
    router = await make_router()
    health = await router.client.get("/health")
    assert health.json() == {"status": "UP"}
    ready = await router.client.get("/ready")
    assert ready.json()["status"] == "READY"
    assert (await router.client.get("/nowhere")).status_code == 404


async def test_body_over_the_limit_is_refused_with_413(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router({"limits": {"http_max_request_bytes": 1000}})
    padding = " " * 1000
    response = await router.post("{ users { id } }" + padding)
    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert subgraphs["accounts"].requests == []
    assert (await router.post("{ users { id } }")).status_code == 200


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("", "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        ("application/graphql-response+json", GRAPHQL_RESPONSE),
        ("application/graphql-response+json, application/json;q=0.9", GRAPHQL_RESPONSE),
        ("application/json, application/graphql-response+json;q=0.5", "application/json"),
        ("text/plain", "application/json"),
    ],
)
def test_media_type_negotiation(accept: str, media_type: str) -> None:
    assert negotiate_media_type(accept) == media_type


async def test_browsers_get_graphiql_and_its_assets(make_router: RouterFactory) -> None:
    router = await make_router()
    page = await router.client.get("/graphql", headers={"accept": "text/html,*/*"})
    assert page.headers["content-type"].startswith("text/html")
    assert 'data-endpoint="/graphql"' in page.text
    script = await router.client.get("/__graphiql/graphiql.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    assert "apollo-expose-query-plan" in script.text
    assert (await router.client.get("/__graphiql/graphiql.css")).status_code == 200
    assert (await router.client.get("/__graphiql/../__init__.py")).status_code == 404
    assert (await router.client.get("/__graphiql/build.sh")).status_code == 404
