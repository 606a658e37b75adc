"""Automatic persisted queries through HTTP: miss, registration, hash checks, GET, Redis."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import httpx
from edge_support import REDIS_URL, redis_or_fail, sha256
from router_fakes import make_token
from router_harness import RouterFactory, RouterHarness

QUERY = "{ products(first: 1) { upc name } }"
APQ_ON = {"persisted_queries": {"enabled": True}}


def apq(sha: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": sha}}


async def post(router: RouterHarness, body: dict[str, Any], **kwargs: Any) -> httpx.Response:
    return await router.client.post("/graphql", json=body, **kwargs)


async def test_unknown_hash_is_not_found_and_not_cached(make_router: RouterFactory) -> None:
    router = await make_router(APQ_ON)
    response = await post(router, {"extensions": apq(sha256(QUERY))})
    assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    assert response.headers["cache-control"] == "private, no-cache, must-revalidate"


async def test_query_with_its_hash_registers_it_for_hash_only_requests(
    make_router: RouterFactory,
) -> None:
    router = await make_router(APQ_ON)
    registered = await post(router, {"query": QUERY, "extensions": apq(sha256(QUERY))})
    assert registered.json()["data"] == {"products": [{"upc": "p1", "name": "Atlas of Hanoi"}]}
    by_hash = await post(router, {"extensions": apq(sha256(QUERY))})
    assert by_hash.json()["data"] == registered.json()["data"]


async def test_a_hash_that_does_not_match_the_query_is_refused(make_router: RouterFactory) -> None:
    router = await make_router(APQ_ON)
    wrong = await post(router, {"query": QUERY, "extensions": apq(sha256("{ users { id } }"))})
    assert wrong.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    still_unknown = await post(router, {"extensions": apq(sha256("{ users { id } }"))})
    assert still_unknown.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_get_by_hash_is_cacheable_public_for_guests_private_for_users(
    make_router: RouterFactory,
) -> None:
    router = await make_router(APQ_ON)
    await post(router, {"query": QUERY, "extensions": apq(sha256(QUERY))})
    url = "/graphql?" + urlencode({"extensions": json.dumps(apq(sha256(QUERY)))})
    guest = await router.client.get(url)
    assert guest.json()["data"]["products"][0]["upc"] == "p1"
    assert guest.headers["cache-control"] == "public, max-age=300"
    token = make_token(sub="3")
    user = await router.client.get(url, headers={"authorization": f"Bearer {token}"})
    assert user.headers["cache-control"] == "private, max-age=300"


async def test_without_persisted_queries_a_hash_alone_is_a_bad_request(
    make_router: RouterFactory,
) -> None:
    router = await make_router()
    response = await post(router, {"extensions": apq(sha256(QUERY))})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_redis_store_is_shared_between_routers(
    make_router: RouterFactory, redis_keys: str
) -> None:
    config = {**APQ_ON, "redis": {"url": REDIS_URL, "key_prefix": redis_keys}}
    first, second = await make_router(config), await make_router(config)
    await post(first, {"query": QUERY, "extensions": apq(sha256(QUERY))})
    found = await post(second, {"extensions": apq(sha256(QUERY))})
    assert found.json()["data"]["products"][0]["upc"] == "p1"
    redis = await redis_or_fail()
    try:
        stored = await redis.get(f"{redis_keys}apq:{sha256(QUERY)}")
        assert stored == QUERY.encode()
        assert 0 < await redis.ttl(f"{redis_keys}apq:{sha256(QUERY)}") <= 86_400
    finally:
        await redis.aclose()


async def test_an_unreachable_redis_store_is_a_miss_not_a_failure(
    make_router: RouterFactory,
) -> None:
    router = await make_router({**APQ_ON, "redis": {"url": "redis://127.0.0.1:1/0"}})
    registered = await post(router, {"query": QUERY, "extensions": apq(sha256(QUERY))})
    assert registered.json()["data"]["products"][0]["upc"] == "p1"
    by_hash = await post(router, {"extensions": apq(sha256(QUERY))})
    assert by_hash.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
