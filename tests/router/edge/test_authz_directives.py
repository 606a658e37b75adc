"""@authenticated / @requiresScopes / @policy through HTTP: removal, nulls, error paths."""

from __future__ import annotations

from typing import Any

import pytest
from router_fakes import FakeSubgraph, make_token
from router_harness import RouterFactory, RouterHarness
from security_support import with_access_control

UNAUTHORIZED = "UNAUTHORIZED_FIELD_OR_TYPE"
POLICIES = {"authorization": {"policies": {"moderator": "security_support:moderator_policy"}}}


@pytest.fixture
async def router(make_router: RouterFactory, supergraph_sdl: str) -> RouterHarness:
    return await make_router(POLICIES, sdl=with_access_control(supergraph_sdl))


def bearer(role: str = "USER", scopes: list[str] | None = None) -> dict[str, str]:
    return {"authorization": f"Bearer {make_token(sub='u-1', role=role, scopes=scopes)}"}


def denied_paths(body: dict[str, Any]) -> list[list[str | int]]:
    return [e["path"] for e in body.get("errors", []) if e["extensions"]["code"] == UNAUTHORIZED]


def sent(fake: FakeSubgraph) -> list[str]:
    return [request["query"] for request in fake.requests]


async def test_guest_gets_public_fields_and_null_for_authenticated_ones(
    router: RouterHarness, subgraphs: dict[str, FakeSubgraph]
) -> None:
    body = (await router.post("{ products { upc reviews { body } } }")).json()
    assert body["data"] == {
        "products": [{"upc": "p1", "reviews": None}, {"upc": "p2", "reviews": None}]
    }
    assert denied_paths(body) == [["products", 0, "reviews"], ["products", 1, "reviews"]]
    assert body["errors"][0]["message"] == "Unauthorized field or type"
    assert subgraphs["reviews"].requests == []  # the removed field was never planned
    assert all("reviews" not in query for query in sent(subgraphs["products"]))


async def test_authenticated_caller_gets_the_same_query_in_full(
    router: RouterHarness, subgraphs: dict[str, FakeSubgraph]
) -> None:
    body = (await router.post("{ products { upc reviews { body } } }", headers=bearer())).json()
    assert "errors" not in body
    assert body["data"]["products"][0] == {"upc": "p1", "reviews": [{"body": "Great"}]}
    assert len(subgraphs["reviews"].requests) == 1


async def test_guest_and_user_plans_do_not_leak_into_each_other(
    router: RouterHarness,
) -> None:
    query = "{ products { upc reviews { body } } }"
    guest = (await router.post(query)).json()
    user = (await router.post(query, headers=bearer())).json()
    guest_again = (await router.post(query)).json()
    assert guest["data"]["products"][0]["reviews"] is None
    assert user["data"]["products"][0]["reviews"] == [{"body": "Great"}]
    assert guest_again == guest


async def test_requires_scopes_is_an_or_of_ands(router: RouterHarness) -> None:
    query = "{ users { id } }"
    no_scope = (await router.post(query, headers=bearer(scopes=["staff"]))).json()
    assert no_scope == {
        "errors": [
            {
                "message": "Unauthorized field or type",
                "path": ["users"],
                "extensions": {"code": UNAUTHORIZED},
            }
        ],
        "data": {"users": None},
    }
    both = (await router.post(query, headers=bearer(scopes=["staff", "users:read"]))).json()
    admin = (await router.post(query, headers=bearer(scopes=["admin"]))).json()
    assert both == admin == {"data": {"users": [{"id": "1"}, {"id": "2"}]}}


async def test_everything_removed_calls_no_subgraph(
    router: RouterHarness, subgraphs: dict[str, FakeSubgraph]
) -> None:
    mutation = 'mutation { addReview(input: {productUpc: "p1", body: "x"}) { id } }'
    body = (await router.post(mutation)).json()
    assert body["data"] == {"addReview": None}
    assert denied_paths(body) == [["addReview"]]
    assert all(fake.requests == [] for fake in subgraphs.values())


async def test_removed_non_null_field_nulls_its_parent_per_graphql_rules(
    router: RouterHarness,
) -> None:
    # Review.id is ID! behind a policy: each review becomes null, the rest stays.
    query = "{ products { upc reviews { id body } } }"
    body = (await router.post(query, headers=bearer())).json()
    assert body["data"]["products"] == [
        {"upc": "p1", "reviews": [None]},
        {"upc": "p2", "reviews": [None, None]},
    ]
    assert denied_paths(body) == [
        ["products", 0, "reviews", 0, "id"],
        ["products", 1, "reviews", 0, "id"],
        ["products", 1, "reviews", 1, "id"],
    ]


async def test_configured_policy_grants_access(router: RouterHarness) -> None:
    moderator = bearer(role="VIP", scopes=["moderate"])
    body = (await router.post("{ products { reviews { id } } }", headers=moderator)).json()
    assert "errors" not in body
    assert body["data"]["products"][0]["reviews"] == [{"id": "r1"}]


async def test_guarded_enum_type_guards_the_fields_returning_it(router: RouterHarness) -> None:
    body = (await router.post("{ products { name category } }")).json()
    assert body["data"]["products"][0] == {"name": "Atlas of Hanoi", "category": None}
    catalog = bearer(scopes=["catalog"])
    allowed = (await router.post("{ products { name category } }", headers=catalog)).json()
    assert allowed["data"]["products"][0]["category"] == "BOOKS"


async def test_paths_follow_aliases_and_fragments(router: RouterHarness) -> None:
    query = """
      query Shelf { shelf: products { ...Card } }
      fragment Card on Product { title: name ... on Product { critiques: reviews { body } } }
    """
    body = (await router.post(query, operation_name="Shelf")).json()
    assert body["data"]["shelf"] == [
        {"title": "Atlas of Hanoi", "critiques": None},
        {"title": "Go2Asia Quest", "critiques": None},
    ]
    assert list(body["data"]["shelf"][0]) == ["title", "critiques"]  # keys in request order
    assert denied_paths(body) == [["shelf", 0, "critiques"], ["shelf", 1, "critiques"]]


async def test_skipped_removed_field_is_not_reported(router: RouterHarness) -> None:
    query = "query($show: Boolean!) { products { upc reviews @include(if: $show) { body } } }"
    hidden = (await router.post(query, {"show": False})).json()
    assert hidden == {"data": {"products": [{"upc": "p1"}, {"upc": "p2"}]}}
    shown = (await router.post(query, {"show": True})).json()
    assert shown["data"]["products"][0] == {"upc": "p1", "reviews": None}


async def test_object_left_without_fields_is_kept_with_its_fields_null(
    router: RouterHarness, subgraphs: dict[str, FakeSubgraph]
) -> None:
    body = (await router.post('{ user(id: "1") { name } }', headers=bearer())).json()
    assert body["data"] == {"user": {"name": None}}
    assert denied_paths(body) == [["user", "name"]]
    profile = await router.post('{ user(id: "1") { name } }', headers=bearer(scopes=["profile"]))
    assert profile.json() == {"data": {"user": {"name": "Ada"}}}


async def test_introspection_next_to_removed_fields(router: RouterHarness) -> None:
    body = (await router.post("{ __typename products { reviews { body } } }")).json()
    assert body["data"] == {
        "__typename": "Query",
        "products": [{"reviews": None}, {"reviews": None}],
    }
    only_local_left = (await router.post("{ users { id } __typename }")).json()
    assert only_local_left["data"] == {"users": None, "__typename": "Query"}
    assert denied_paths(only_local_left) == [["users"]]


async def test_supergraph_without_directives_is_untouched(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    plain = await make_router()
    body = (await plain.post("{ products { upc reviews { body } } }")).json()
    assert "errors" not in body
    assert body["data"]["products"][0]["reviews"] == [{"body": "Great"}]


async def test_directives_can_be_disabled(make_router: RouterFactory, supergraph_sdl: str) -> None:
    router = await make_router(
        {"authorization": {"directives": {"enabled": False}}},
        sdl=with_access_control(supergraph_sdl),
    )
    body = (await router.post("{ products { reviews { body } } }")).json()
    assert body["data"]["products"][0]["reviews"] == [{"body": "Great"}]


async def test_require_authentication_refuses_guests(
    make_router: RouterFactory, subgraphs: dict[str, FakeSubgraph]
) -> None:
    router = await make_router({"authorization": {"require_authentication": True}})
    refused = await router.post("{ products { upc } }")
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert subgraphs["products"].requests == []
    assert (await router.post("{ products { upc } }", headers=bearer())).status_code == 200
