"""Operation limits through HTTP: depth, height, aliases, root fields, tokens, body, cycles."""

from __future__ import annotations

from typing import Any

import pytest
from router_fakes import FakeSubgraph, make_token
from router_harness import RouterFactory

LIMITS = {"max_depth": 6, "max_height": 40, "max_aliases": 10, "max_root_fields": 3}


def nested(depth: int) -> str:
    """`users { reviews { author { reviews { ... } } } }`: `depth` fields deep."""
    fields = ["users"] + ["reviews", "author"] * depth
    inner = "id"
    for name in reversed(fields[: depth - 1]):
        inner = f"{name} {{ {inner} }}"
    return "{ " + inner + " }"


def refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert "data" not in body
    (error,) = body["errors"]
    return error  # type: ignore[no-any-return]


async def test_depth_bomb_is_refused_before_any_subgraph(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router({"limits": LIMITS})
    assert nested(6).count("{") == 6
    allowed = (await router.post(nested(6))).json()
    assert "errors" not in allowed
    for fake in subgraphs.values():
        fake.reset()
    response = await router.post(nested(40))
    assert response.status_code == 200  # application/json: errors in a 200
    error = refusal(response.json())
    assert error["extensions"] == {
        "code": "MAX_DEPTH_LIMIT",
        "limit": {"name": "max_depth", "max": 6, "measured": 40},
    }
    assert all(fake.requests == [] for fake in subgraphs.values())


async def test_graphql_response_json_gets_400(make_router: RouterFactory) -> None:
    router = await make_router({"limits": LIMITS})
    response = await router.post(
        nested(10), headers={"accept": "application/graphql-response+json"}
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "MAX_DEPTH_LIMIT"


async def test_alias_bomb_is_refused(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router({"limits": {"max_aliases": 10}})
    bomb = "{ " + " ".join(f"a{i}: users {{ id }}" for i in range(2000)) + " }"
    error = refusal((await router.post(bomb)).json())
    assert error["extensions"]["code"] == "MAX_ALIASES_LIMIT"
    assert error["extensions"]["limit"]["measured"] == 2000
    assert subgraphs["accounts"].requests == []


async def test_fragment_bomb_is_measured_in_linear_time(make_router: RouterFactory) -> None:
    """30 fragments each spreading the next twice: 2**30 fields once expanded."""
    router = await make_router({"limits": {"max_height": 1000}})
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(30)]
    fragments.append("fragment F30 on Query { users { id } }")
    error = refusal((await router.post("{ ...F0 } " + " ".join(fragments))).json())
    assert error["extensions"]["code"] == "MAX_HEIGHT_LIMIT"
    assert error["extensions"]["limit"]["measured"] == 2 * 2**30


async def test_root_fields_limit(make_router: RouterFactory) -> None:
    router = await make_router({"limits": {"max_root_fields": 2}})
    ok = (await router.post("{ users { id } products { upc } }")).json()
    assert "errors" not in ok
    error = refusal((await router.post("{ users { id } products { upc } me { id } }")).json())
    assert error["extensions"]["code"] == "MAX_ROOT_FIELDS_LIMIT"


async def test_height_counts_fragment_fields_at_every_spread(make_router: RouterFactory) -> None:
    router = await make_router({"limits": {"max_height": 5}})
    query = "{ a: users { ...U } b: users { ...U } } fragment U on User { id name }"
    error = refusal((await router.post(query)).json())
    # a, b and the fragment's two fields under each: 2 + 2 x 2.
    assert error["extensions"]["limit"] == {"name": "max_height", "max": 5, "measured": 6}


CYCLE = "{ users { ...A } } fragment A on User { id ...B } fragment B on User { name ...A }"


@pytest.mark.parametrize("limits", [{}, LIMITS])
async def test_fragment_cycles_are_refused(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph], limits: dict[str, Any]
) -> None:
    """Refused by the limits stage when limits are on, by validation otherwise."""
    router = await make_router({"limits": limits})
    error = refusal((await router.post(CYCLE)).json())
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "within itself" in error["message"]
    assert subgraphs["accounts"].requests == []


async def test_token_limit_stops_the_parser(make_router: RouterFactory) -> None:
    router = await make_router({"limits": {"parser_max_tokens": 100}})
    ok = (await router.post("{ users { id name } }")).json()
    assert "errors" not in ok
    long = "{ " + " ".join(f"f{i}: __typename" for i in range(100)) + " }"
    error = refusal((await router.post(long)).json())
    assert error["extensions"]["code"] == "MAX_TOKENS_LIMIT"
    assert "more than 100 tokens" in error["message"]
    # A plain syntax error quoting similar words is still a parse failure.
    quoted = refusal((await router.post('{ "Document contains more than" }')).json())
    assert quoted["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"


async def test_ten_megabyte_body_gets_413_with_a_graphql_error(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router()  # default limit: 2 MB, as Apollo Router
    padding = " " * (10 * 1024 * 1024)
    response = await router.post("{ users { id } }" + padding)
    assert response.status_code == 413
    assert refusal(response.json())["extensions"]["code"] == "PAYLOAD_TOO_LARGE"
    assert subgraphs["accounts"].requests == []


def _admin() -> dict[str, str]:
    return {"authorization": f"Bearer {make_token(sub='root', role='ADMIN')}"}


async def test_introspection_off_except_for_admins_and_configured_clients(
    make_router: RouterFactory,
) -> None:
    router = await make_router(
        {
            "supergraph": {
                "introspection": "false",  # as `${env.ROUTER_INTROSPECTION:-false}` expands
                "introspection_exceptions": {"roles": ["ADMIN"], "clients": ["schema-registry"]},
            }
        }
    )
    query = "{ __schema { queryType { name } } }"
    guest = refusal((await router.post(query)).json())
    assert guest["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    user = {"authorization": f"Bearer {make_token(sub='u-1')}"}
    assert "errors" in (await router.post(query, headers=user)).json()
    expected = {"data": {"__schema": {"queryType": {"name": "Query"}}}}
    assert (await router.post(query, headers=_admin())).json() == expected
    client = {"apollographql-client-name": "schema-registry"}
    assert (await router.post(query, headers=client)).json() == expected
    assert (await router.post("{ __typename }")).json() == {"data": {"__typename": "Query"}}
