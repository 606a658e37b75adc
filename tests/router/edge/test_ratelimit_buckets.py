"""Rate limits through HTTP: token buckets and cost budgets, in memory and in real Redis."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import pytest
from edge_support import REDIS_URL, redis_prefix
from router_fakes import make_token
from router_harness import RouterFactory, RouterHarness

TYPENAME = "{ __typename }"
EXPENSIVE = "{ products(first: 2) { upc name reviews { body author { name } } } }"  # costs 82


def limits(redis_prefix: str | None, **rate_limit: Any) -> dict[str, Any]:
    config: dict[str, Any] = {"rate_limit": {"enabled": True, **rate_limit}}
    if redis_prefix is not None:
        config["redis"] = {"url": REDIS_URL, "key_prefix": redis_prefix}
    return config


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest) -> AsyncIterator[str | None]:
    """None for the in-process limiter, else a fresh Redis key prefix."""
    if request.param == "memory":
        yield None
        return
    async for prefix in redis_prefix():
        yield prefix


async def race(router: RouterHarness, count: int, **kwargs: Any) -> Counter[int]:
    responses = await asyncio.gather(*(router.post(TYPENAME, **kwargs) for _ in range(count)))
    for response in responses:
        if response.status_code == 429:
            error = response.json()["errors"][0]
            assert error["extensions"]["code"] == "RATE_LIMITED"
            assert error["extensions"]["retryAfter"] == int(response.headers["retry-after"]) >= 1
    return Counter(response.status_code for response in responses)


async def test_a_thousand_racing_requests_pass_exactly_the_bucket_capacity(
    make_router: RouterFactory, store: str | None
) -> None:
    bucket = {"capacity": 100, "refill_per_second": 0.001}
    router = await make_router(limits(store, per_ip=bucket))
    assert await race(router, 1000) == {200: 100, 429: 900}


async def test_refusal_says_when_a_token_is_back(
    make_router: RouterFactory, store: str | None
) -> None:
    router = await make_router(limits(store, per_ip={"capacity": 1, "refill_per_second": 0.25}))
    assert (await router.post(TYPENAME)).status_code == 200
    refused = await router.post(TYPENAME)
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "4"
    assert refused.json()["errors"][0]["extensions"]["limit"] == "per_ip"


async def test_users_and_forwarded_ips_have_their_own_buckets(
    make_router: RouterFactory, store: str | None
) -> None:
    bucket = {"capacity": 2, "refill_per_second": 0.001}
    config = limits(store, per_user=bucket, per_ip=bucket, client_ip_header="x-forwarded-for")
    router = await make_router(config)
    ada = {"authorization": f"Bearer {make_token(sub='ada')}", "x-forwarded-for": "10.0.0.1"}
    bob = {"authorization": f"Bearer {make_token(sub='bob')}", "x-forwarded-for": "10.0.0.2"}
    assert await race(router, 3, headers=ada) == {200: 2, 429: 1}
    assert await race(router, 2, headers=bob) == {200: 2}
    again = await router.post(TYPENAME, headers=bob)
    assert again.json()["errors"][0]["extensions"]["limit"] in {"per_user", "per_ip"}
    guest = {"x-forwarded-for": "10.0.0.3"}
    assert await race(router, 3, headers=guest) == {200: 2, 429: 1}


async def test_cost_budget_counts_estimated_cost_per_client(
    make_router: RouterFactory, cost_sdl: str, store: str | None
) -> None:
    config = {
        **limits(store, cost_budget={"budget": 200, "window_seconds": 600}),
        "demand_control": {"enabled": True, "mode": "measure"},
    }
    router = await make_router(config, sdl=cost_sdl)
    web = {"apollographql-client-name": "web"}
    assert (await router.post(EXPENSIVE, headers=web)).status_code == 200
    assert (await router.post(EXPENSIVE, headers=web)).status_code == 200
    refused = await router.post(EXPENSIVE, headers=web)
    assert refused.status_code == 429
    error = refused.json()["errors"][0]
    assert error["extensions"]["limit"] == "cost_budget"
    assert 1 <= error["extensions"]["retryAfter"] <= 600
    cheap = await router.post("{ products(first: 1) { upc } }", headers=web)
    assert cheap.status_code == 200  # 164 + 1 still fits in 200
    other = await router.post(EXPENSIVE, headers={"apollographql-client-name": "mobile"})
    assert other.status_code == 200


async def test_buckets_and_budget_are_checked_together_all_or_nothing(
    make_router: RouterFactory, cost_sdl: str, store: str | None
) -> None:
    config = {
        **limits(
            store,
            per_client={"capacity": 3, "refill_per_second": 0.001},
            cost_budget={"budget": 100, "window_seconds": 600},
        ),
        "demand_control": {"enabled": True, "mode": "measure"},
    }
    router = await make_router(config, sdl=cost_sdl)
    names = [type(stage).__name__ for stage in router.app.pipeline.stages]
    assert names.index("RateLimit") == names.index("DemandControl") + 1
    web = {"apollographql-client-name": "web"}
    cheap = "{ products(first: 1) { upc } }"
    assert (await router.post(EXPENSIVE, headers=web)).status_code == 200  # 82 spent, 2 tokens
    over_budget = await router.post(EXPENSIVE, headers=web)
    assert over_budget.json()["errors"][0]["extensions"]["limit"] == "cost_budget"
    # The refused request took no token: two more fit in the bucket, then it is empty.
    assert (await router.post(cheap, headers=web)).status_code == 200
    assert (await router.post(cheap, headers=web)).status_code == 200
    empty = await router.post(cheap, headers=web)
    assert empty.json()["errors"][0]["extensions"]["limit"] == "per_client"


DOWN = "redis://127.0.0.1:1/0"  # nothing listens on port 1


async def test_an_unreachable_redis_fails_open_or_refuses_as_configured(
    make_router: RouterFactory, caplog: pytest.LogCaptureFixture
) -> None:
    bucket = {"capacity": 1, "refill_per_second": 0.001}
    down = {"redis": {"url": DOWN}}
    open_ = await make_router({**limits(None, per_ip=bucket), **down})
    with caplog.at_level(logging.ERROR, logger="router.pipeline.ratelimit"):
        assert [(await open_.post(TYPENAME)).status_code for _ in range(2)] == [200, 200]
    assert "rate limiter unavailable" in caplog.text
    closed = await make_router({**limits(None, per_ip=bucket, fail_open=False), **down})
    refused = await closed.post(TYPENAME)
    assert refused.status_code == 503
    assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMIT_UNAVAILABLE"
