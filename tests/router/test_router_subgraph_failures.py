"""A failing subgraph costs only its own fields: partial data, errors at the right paths."""

from __future__ import annotations

from typing import Any

import pytest
from router_fakes import FakeSubgraph, render_supergraph, unused_port
from router_harness import RouterFactory

QUERY = "{ users { name } products { upc name } }"
USERS = [{"name": "Ada"}, {"name": "Linus"}]


def _assert_products_failed(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] == {"users": USERS, "products": None}
    [error] = body["errors"]
    # The error sits at the client field the failed root fetch should have filled.
    assert error["path"] == ["products"]
    assert error["extensions"]["code"] == "SUBGRAPH_ERROR"
    assert error["extensions"]["serviceName"] == "products"
    assert "Traceback" not in error["message"]
    return error


@pytest.mark.parametrize("mode", ["http500", "garbage", "array"])
async def test_broken_subgraph_answer_gives_partial_data(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph], mode: str
) -> None:
    router = await make_router()
    subgraphs["products"].mode = mode
    response = await router.post(QUERY, headers={"accept": "application/graphql-response+json"})
    assert response.status_code == 200
    _assert_products_failed(response.json())


async def test_slow_subgraph_times_out_per_subgraph(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router(
        {"traffic_shaping": {"subgraphs": {"products": {"timeout": "200ms"}}}}
    )
    subgraphs["products"].mode = "hang"
    response = await router.post(QUERY)
    error = _assert_products_failed(response.json())
    assert "did not answer within 0.2s" in error["message"]


async def test_subgraph_down_gives_partial_data(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    urls = {name: fake.url for name, fake in subgraphs.items()}
    urls["products"] = f"http://127.0.0.1:{unused_port()}/graphql"
    router = await make_router(sdl=render_supergraph(urls))
    response = await router.post(QUERY)
    error = _assert_products_failed(response.json())
    assert "unreachable" in error["message"]


async def test_entity_fetch_failure_nulls_only_the_entity_fields(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    subgraphs["reviews"].mode = "http500"
    response = await router.post("{ users { name reviews { body } } }")
    body = response.json()
    assert body["data"] == {
        "users": [{"name": "Ada", "reviews": None}, {"name": "Linus", "reviews": None}]
    }
    assert body["errors"]
    # One error per entity whose fields the failed `_entities` fetch should have filled.
    assert sorted(tuple(error["path"]) for error in body["errors"]) == [
        ("users", 0, "reviews"),
        ("users", 1, "reviews"),
    ]
    assert {error["extensions"]["serviceName"] for error in body["errors"]} == {"reviews"}
