"""In-flight de-duplication: subgraph requests (on by default) and inbound queries (opt-in).

Subgraphs are held behind a gate until every request has reached the point where it
either starts or joins an exchange, so the assertions do not depend on timing.
"""

from __future__ import annotations

import asyncio

import httpx
from router_fakes import FakeSubgraph, make_token, wait_until
from router_harness import RouterFactory, RouterHarness

from router.pipeline.dedup import DeduplicateInbound

USERS = {"users": [{"name": "Ada"}, {"name": "Linus"}]}


def _inbound(router: RouterHarness) -> DeduplicateInbound:
    return next(s for s in router.app.pipeline.stages if isinstance(s, DeduplicateInbound))


def _bearer(sub: str) -> dict[str, str]:
    return {"authorization": f"Bearer {make_token(sub=sub)}"}


async def _gather(calls: list[asyncio.Task[httpx.Response]]) -> list[httpx.Response]:
    return list(await asyncio.gather(*calls))


async def test_identical_subgraph_requests_share_one_exchange(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    accounts = subgraphs["accounts"]
    accounts.gate = asyncio.Event()
    transport = router.app.transport
    calls = [asyncio.create_task(router.post("{ users { name } }")) for _ in range(5)]
    await wait_until(lambda: transport.exchanges == 1 and transport.joins == 4)
    accounts.gate.set()
    responses = await _gather(calls)
    assert [r.json() for r in responses] == [{"data": USERS}] * 5
    assert len(accounts.requests) == 1


async def test_subgraph_dedup_can_be_turned_off(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router({"traffic_shaping": {"all": {"deduplicate_query": False}}})
    accounts = subgraphs["accounts"]
    accounts.gate = asyncio.Event()
    calls = [asyncio.create_task(router.post("{ users { name } }")) for _ in range(4)]
    await wait_until(lambda: len(accounts.requests) == 4)
    accounts.gate.set()
    responses = await _gather(calls)
    assert [r.json() for r in responses] == [{"data": USERS}] * 4
    assert router.app.transport.joins == 0


async def test_subgraph_dedup_never_shares_across_identities(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()
    accounts = subgraphs["accounts"]
    accounts.gate = asyncio.Event()
    transport = router.app.transport
    callers = [_bearer("u-a")] * 3 + [_bearer("u-b")] * 3 + [{}] * 2
    calls = [
        asyncio.create_task(router.post("{ me { id } }", headers=headers)) for headers in callers
    ]
    await wait_until(lambda: transport.exchanges == 3 and transport.joins == 5)
    accounts.gate.set()
    bodies = [r.json() for r in await _gather(calls)]
    assert bodies == (
        [{"data": {"me": {"id": "u-a"}}}] * 3
        + [{"data": {"me": {"id": "u-b"}}}] * 3
        + [{"data": {"me": None}}] * 2
    )
    # One exchange per identity; the guest's carries no identity header at all.
    identities = sorted(str(h.get("x-g2a-identity", "guest"))[:2] for h in accounts.headers_seen)
    assert identities == ["gu", "v1", "v1"]


async def test_mutations_are_never_deduplicated(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router({"traffic_shaping": {"router": {"deduplicate_query": True}}})
    reviews = subgraphs["reviews"]
    reviews.gate = asyncio.Event()
    mutation = 'mutation { addReview(input: {productUpc: "p1", body: "Same"}) { body } }'
    calls = [asyncio.create_task(router.post(mutation)) for _ in range(3)]
    await wait_until(lambda: len(reviews.requests) == 3)
    reviews.gate.set()
    responses = await _gather(calls)
    assert [r.json() for r in responses] == [{"data": {"addReview": {"body": "Same"}}}] * 3
    assert router.app.transport.joins == 0
    assert _inbound(router).executions == 0


async def test_inbound_dedup_is_off_by_default(make_router: RouterFactory) -> None:
    router = await make_router()
    assert not any(isinstance(s, DeduplicateInbound) for s in router.app.pipeline.stages)


async def test_inbound_dedup_answers_identical_queries_with_one_execution(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router({"traffic_shaping": {"router": {"deduplicate_query": True}}})
    accounts = subgraphs["accounts"]
    accounts.gate = asyncio.Event()
    inbound = _inbound(router)
    query = "query ($id: ID!) { user(id: $id) { name } }"
    calls = [asyncio.create_task(router.post(query, {"id": "1"})) for _ in range(4)]
    calls.append(asyncio.create_task(router.post(query, {"id": "2"})))
    await wait_until(lambda: inbound.executions == 2 and inbound.joins == 3)
    accounts.gate.set()
    bodies = [r.json() for r in await _gather(calls)]
    assert bodies == [{"data": {"user": {"name": "Ada"}}}] * 4 + [
        {"data": {"user": {"name": "Linus"}}}
    ]
    assert len(accounts.requests) == 2


async def test_inbound_dedup_never_shares_across_identities(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router({"traffic_shaping": {"router": {"deduplicate_query": True}}})
    accounts = subgraphs["accounts"]
    accounts.gate = asyncio.Event()
    inbound = _inbound(router)
    callers = [_bearer("u-a"), _bearer("u-b"), _bearer("u-a"), {}, _bearer("u-b"), {}]
    calls = [
        asyncio.create_task(router.post("{ me { id } }", headers=headers)) for headers in callers
    ]
    await wait_until(lambda: inbound.executions == 3 and inbound.joins == 3)
    accounts.gate.set()
    ids = [r.json()["data"]["me"] for r in await _gather(calls)]
    assert ids == [{"id": "u-a"}, {"id": "u-b"}, {"id": "u-a"}, None, {"id": "u-b"}, None]


async def test_inbound_dedup_followers_survive_the_first_caller_going_away(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router({"traffic_shaping": {"router": {"deduplicate_query": True}}})
    accounts = subgraphs["accounts"]
    accounts.gate = asyncio.Event()
    inbound = _inbound(router)
    first = asyncio.create_task(router.post("{ users { name } }"))
    await wait_until(lambda: inbound.executions == 1)
    second = asyncio.create_task(router.post("{ users { name } }"))
    await wait_until(lambda: inbound.joins == 1)
    first.cancel()
    accounts.gate.set()
    assert (await second).json() == {"data": USERS}


async def test_inbound_dedup_never_shares_across_forwarded_header_values(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router(
        {
            "traffic_shaping": {"router": {"deduplicate_query": True}},
            "headers": {"all": {"request": [{"propagate": {"named": "accept-language"}}]}},
        }
    )
    accounts = subgraphs["accounts"]
    accounts.gate = asyncio.Event()
    inbound = _inbound(router)
    languages = ["ru", "en", "ru", "en", "ru"]
    calls = [
        asyncio.create_task(router.post("{ users { name } }", headers={"accept-language": lang}))
        for lang in languages
    ]
    await wait_until(lambda: inbound.executions == 2 and inbound.joins == 3)
    accounts.gate.set()
    assert [r.json() for r in await _gather(calls)] == [{"data": USERS}] * 5
    # One exchange per language, each carrying its own value to the subgraph.
    seen = sorted(h.get("accept-language", "") for h in accounts.headers_seen)
    assert seen == ["en", "ru"]
