"""Hot reload: a new supergraph swaps in atomically; a broken one is refused."""

from __future__ import annotations

import asyncio
import logging

import pytest
from router_fakes import FakeSubgraph, wait_until
from router_harness import RouterFactory, RouterHarness

PRODUCTS_FIELD = "  products(first: Int = 5, category: Category): [Product]"


def _without_products(sdl: str) -> str:
    lines = [line for line in sdl.splitlines() if not line.startswith(PRODUCTS_FIELD)]
    assert len(lines) == len(sdl.splitlines()) - 1
    return "\n".join(lines)


async def _products_status(router: RouterHarness) -> str:
    body = (await router.post("{ products { upc } }")).json()
    if "errors" in body:
        return str(body["errors"][0]["extensions"]["code"])
    return "OK"


async def test_file_change_is_picked_up_by_the_watcher(
    make_router: RouterFactory, supergraph_sdl: str
) -> None:
    router = await make_router(watch=True)
    assert await _products_status(router) == "OK"
    before = router.app.holder.current.generation
    new_sdl = _without_products(supergraph_sdl)
    for _ in range(20):  # the watcher may start after the first write; bounded retries
        router.supergraph_path.write_text(new_sdl, encoding="utf-8")
        try:
            await wait_until(lambda: router.app.holder.current.generation != before, limit=1.0)
            break
        except TimeoutError:
            continue
    assert router.app.holder.current.generation != before
    assert await _products_status(router) == "GRAPHQL_VALIDATION_FAILED"


async def test_broken_file_is_refused_and_the_old_supergraph_keeps_serving(
    make_router: RouterFactory, caplog: pytest.LogCaptureFixture
) -> None:
    router = await make_router(watch=True)
    watcher = router.app.watcher
    assert watcher is not None
    before = router.app.holder.current.generation
    caplog.set_level(logging.ERROR, logger="router.reload")
    for _ in range(20):
        router.supergraph_path.write_text("type Query { broken", encoding="utf-8")
        try:
            await wait_until(lambda: watcher.failures > 0, limit=1.0)
            break
        except TimeoutError:
            continue
    assert watcher.failures > 0
    assert router.app.holder.current.generation == before
    assert "supergraph reload refused" in caplog.text
    assert str(router.supergraph_path) in caplog.text
    assert await _products_status(router) == "OK"


async def test_in_flight_request_finishes_on_the_state_it_started_with(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph], supergraph_sdl: str
) -> None:
    router = await make_router()
    watcher = router.app.watcher
    assert watcher is not None
    products = subgraphs["products"]
    products.gate = asyncio.Event()
    in_flight = asyncio.create_task(router.post("{ products { upc } }"))
    await wait_until(lambda: len(products.requests) == 1)

    router.supergraph_path.write_text(_without_products(supergraph_sdl), encoding="utf-8")
    assert await watcher.reload() is True
    assert await _products_status(router) == "GRAPHQL_VALIDATION_FAILED"

    products.gate.set()
    assert (await in_flight).json() == {"data": {"products": [{"upc": "p1"}, {"upc": "p2"}]}}


async def test_reloading_an_identical_file_keeps_the_state_and_its_caches(
    make_router: RouterFactory,
) -> None:
    router = await make_router()
    watcher = router.app.watcher
    assert watcher is not None
    state = router.app.holder.current
    assert await watcher.reload() is False
    assert router.app.holder.current is state
