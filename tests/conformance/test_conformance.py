"""Every conformance query, through the real router over HTTP, against its expected response."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conformance_cases import Query, comparable, load_queries
from conformance_harness import Conformance

QUERIES = load_queries()


def _param(query: Query) -> object:
    marks = []
    if "xfail" in query.expected:
        marks.append(pytest.mark.xfail(strict=True, reason=query.expected["xfail"]))
    return pytest.param(query, id=query.id, marks=marks)


def test_every_case_has_queries_with_expected_answers() -> None:
    cases = {query.case.name for query in QUERIES}
    assert len(cases) >= 20
    assert all("data" in query.expected or "errors" in query.expected for query in QUERIES)


@pytest.mark.parametrize("query", [_param(query) for query in QUERIES])
async def test_router_answers_as_the_spec_says(conformance: Conformance, query: Query) -> None:
    running = await conformance.start(query.case)
    faults = query.faults
    url = await conformance.router_url(
        running, frozenset(name for name, fault in faults.items() if fault == "down")
    )
    running.reset()
    for name, fault in faults.items():
        running.servers[name].fault = fault
    try:
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.post(
                url, json=query.request(), headers={"accept": "application/json"}
            )
        received = {name: len(server.requests) for name, server in running.servers.items()}
    finally:
        running.reset()
    assert response.status_code == 200, response.text
    expected: dict[str, Any] = {
        key: query.expected[key] for key in ("data", "errors") if key in query.expected
    }
    assert comparable(response.json()) == comparable(expected)
    # Round trips: how many requests the listed subgraphs received (the plan's minimality).
    wanted = query.expected.get("requests", {})
    assert {name: received[name] for name in wanted} == wanted
