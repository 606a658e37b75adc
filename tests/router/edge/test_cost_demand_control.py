"""Demand control through HTTP: estimated and actual cost, measure and enforce, maxima."""

from __future__ import annotations

from typing import Any

from router_fakes import FakeSubgraph, make_token
from router_harness import RouterFactory

PRODUCTS_WITH_REVIEWS = "{ products(first: 2) { upc name reviews { body author { name } } } }"


def demand_control(mode: str, **extra: Any) -> dict[str, Any]:
    return {"demand_control": {"enabled": True, "mode": mode, **extra}}


async def test_response_carries_estimated_and_actual_cost(
    make_router: RouterFactory, cost_sdl: str
) -> None:
    router = await make_router(demand_control("measure"), sdl=cost_sdl)
    response = await router.post(PRODUCTS_WITH_REVIEWS)
    body = response.json()
    assert "errors" not in body
    # Estimate: 2 products x (Product 1 + 10 assumed reviews x (Review 1 + body 2 + User 1)).
    # Actual: p1 has one review, p2 two: (1 + 4) + (1 + 2 x 4).
    assert body["extensions"]["cost"] == {"estimated": 82.0, "actual": 14.0, "max": 1000.0}


async def test_arguments_and_input_fields_add_their_cost(
    make_router: RouterFactory, cost_sdl: str
) -> None:
    router = await make_router(demand_control("measure"), sdl=cost_sdl)
    filtered = (await router.post("{ products(category: BOOKS) { upc } }")).json()
    # 5 products (the default of `first`) x Product 1, plus 4 for the `category` argument.
    assert filtered["extensions"]["cost"]["estimated"] == 9.0
    assert filtered["extensions"]["cost"]["actual"] == 1.0 + 4.0
    mutation = 'mutation { addReview(input: {productUpc: "p1", body: "Nice"}) { id } }'
    added = (await router.post(mutation)).json()
    # A mutation costs 10, the Review 1, the input field `body` 7.
    assert added["extensions"]["cost"] == {"estimated": 18.0, "actual": 18.0, "max": 1000.0}


async def test_measure_mode_runs_operations_over_the_maximum(
    make_router: RouterFactory, cost_sdl: str, subgraphs: dict[str, FakeSubgraph]
) -> None:
    config = demand_control("measure", strategy={"static_estimated": {"max": 5}})
    router = await make_router(config, sdl=cost_sdl)
    body = (await router.post(PRODUCTS_WITH_REVIEWS)).json()
    assert body["data"]["products"][0]["upc"] == "p1"
    assert body["extensions"]["cost"]["estimated"] > body["extensions"]["cost"]["max"] == 5.0
    assert subgraphs["products"].requests


async def test_enforce_refuses_a_million_items_before_any_subgraph_call(
    make_router: RouterFactory, cost_sdl: str, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router(demand_control("enforce"), sdl=cost_sdl)
    response = await router.post(
        "query Big($n: Int) { products(first: $n) { upc } }", {"n": 1_000_000}
    )
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert "data" not in body
    assert body["extensions"]["cost"] == {"estimated": 1_000_000.0, "actual": None, "max": 1000.0}
    assert all(not fake.requests for fake in subgraphs.values())
    small = await router.post("query Big($n: Int) { products(first: $n) { upc } }", {"n": 2})
    assert small.json()["data"]["products"] == [{"upc": "p1"}, {"upc": "p2"}]


async def test_assumed_size_applies_without_slicing_arguments(
    make_router: RouterFactory, cost_sdl: str
) -> None:
    router = await make_router(demand_control("measure"), sdl=cost_sdl)
    body = (await router.post("{ users { id } }")).json()
    assert body["extensions"]["cost"]["estimated"] == 3.0  # @listSize(assumedSize: 3)
    assert body["extensions"]["cost"]["actual"] == 2.0  # two users came back


async def test_client_maximum_overrides_role_and_global_maximum(
    make_router: RouterFactory, cost_sdl: str
) -> None:
    config = demand_control("enforce", max_per_client={"partner": 20}, max_per_role={"USER": 50})
    router = await make_router(config, sdl=cost_sdl)
    as_partner = await router.post(
        PRODUCTS_WITH_REVIEWS, headers={"apollographql-client-name": "partner"}
    )
    assert as_partner.json()["errors"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert as_partner.json()["extensions"]["cost"]["max"] == 20.0
    token = make_token(sub="7")
    as_user = await router.post(PRODUCTS_WITH_REVIEWS, headers={"authorization": f"Bearer {token}"})
    assert as_user.json()["errors"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert as_user.json()["extensions"]["cost"]["max"] == 50.0
    as_guest = (await router.post(PRODUCTS_WITH_REVIEWS)).json()
    assert as_guest["extensions"]["cost"]["max"] == 1000.0
    assert len(as_guest["data"]["products"]) == 2


async def test_disabled_demand_control_adds_nothing(
    make_router: RouterFactory, cost_sdl: str
) -> None:
    router = await make_router(sdl=cost_sdl)
    body = (await router.post(PRODUCTS_WITH_REVIEWS)).json()
    assert "extensions" not in body
    assert not any(type(stage).__name__ == "DemandControl" for stage in router.app.pipeline.stages)
