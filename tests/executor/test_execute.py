"""Executor behaviour on recorded subgraph replies: a fake fetcher answers canned JSON and
records every request, so merge, null propagation, error paths and failures are observable."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from graphql import parse

from router.executor import SubgraphFetchError, execute
from router.planner import QueryPlanner
from router.supergraph import Supergraph

FIXTURES = Path(__file__).parents[1] / "planner" / "fixtures"

Reply = dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | Exception


class RecordedSubgraphs:
    def __init__(self, replies: dict[str, Reply]) -> None:
        self.replies = replies
        self.requests: list[tuple[str, dict[str, Any]]] = []

    async def __call__(self, subgraph: str, request: dict[str, Any]) -> dict[str, Any]:
        self.requests.append((subgraph, request))
        reply = self.replies[subgraph]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            return reply(request)
        return reply


async def _run(
    case: str, query: str, replies: dict[str, Reply], variables: dict[str, Any] | None = None
) -> tuple[dict[str, Any], RecordedSubgraphs]:
    supergraph = Supergraph.parse((FIXTURES / case / "supergraph.graphql").read_text())
    plan = QueryPlanner(supergraph).plan(parse(query), None)
    subgraphs = RecordedSubgraphs(replies)
    result = await execute(plan, variables=variables or {}, fetcher=subgraphs)
    return result, subgraphs


def _entities(build: Callable[[dict[str, Any]], dict[str, Any] | None]) -> Reply:
    def reply(request: dict[str, Any]) -> dict[str, Any]:
        reps = request["variables"]["representations"]
        return {"data": {"_entities": [build(rep) for rep in reps]}}

    return reply


async def test_entity_results_merge_into_the_root_result_in_request_order() -> None:
    result, _ = await _run(
        "entity-single-key",
        "{ me { reviews { body } name } }",
        {
            "users": {"data": {"me": {"name": "Ann", "id": "u1", "__typename": "User"}}},
            "reviews": _entities(lambda rep: {"reviews": [{"body": f"by {rep['id']}"}]}),
        },
    )
    assert result == {"data": {"me": {"reviews": [{"body": "by u1"}], "name": "Ann"}}}
    assert list(result["data"]["me"]) == ["reviews", "name"]


async def test_identical_representations_are_sent_once_and_merged_everywhere() -> None:
    feed = [
        {"__typename": "Book", "id": "b1"},
        {"__typename": "Film", "id": "f1"},
        {"__typename": "Book", "id": "b1"},
    ]
    result, subgraphs = await _run(
        "union-members-in-two-subgraphs",
        "{ feed { ... on Book { title } ... on Film { director } } }",
        {
            "media": {"data": {"feed": feed}},
            "books": _entities(lambda rep: {"title": f"T-{rep['id']}"}),
            "films": _entities(lambda rep: {"director": f"D-{rep['id']}"}),
        },
    )
    assert result == {
        "data": {"feed": [{"title": "T-b1"}, {"director": "D-f1"}, {"title": "T-b1"}]}
    }
    books = [r for s, r in subgraphs.requests if s == "books"]
    assert books[0]["variables"]["representations"] == [{"__typename": "Book", "id": "b1"}]


async def test_entity_error_paths_are_rewritten_to_client_paths_with_aliases() -> None:
    def reviews(request: dict[str, Any]) -> dict[str, Any]:
        return {
            "data": {"_entities": [None]},
            "errors": [{"message": "boom", "path": ["_entities", 0, "reviews"]}],
        }

    result, _ = await _run(
        "entity-single-key",
        "{ who: me { name reviews { body } } }",
        {
            "users": {"data": {"who": {"name": "Ann", "id": "u1", "__typename": "User"}}},
            "reviews": reviews,
        },
    )
    # reviews is [Review!]! so the null bubbles up to the nullable `who`
    assert result["data"] == {"who": None}
    [error] = result["errors"]
    assert error["path"] == ["who", "reviews"]
    assert error["extensions"] == {"code": "SUBGRAPH_ERROR", "serviceName": "reviews"}


async def test_unreachable_subgraph_gives_partial_data_and_a_subgraph_error() -> None:
    result, _ = await _run(
        "provides-saves-a-hop",
        "{ reviews { body author { name email } } }",
        {
            "reviews": {
                "data": {
                    "reviews": [
                        {"body": "ok", "author": {"name": "Ann", "id": "u1", "__typename": "User"}}
                    ]
                }
            },
            "users": SubgraphFetchError("connection refused"),
        },
    )
    # email is String!, so author (User!) and then the list item (Review!) go null in turn,
    # and the nullable-free chain ends at the root field `reviews: [Review!]!` -> data null.
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "SUBGRAPH_ERROR"
    assert result["errors"][0]["extensions"]["serviceName"] == "users"
    # placed at the client path of the field the failed `_entities` fetch had to fill
    assert result["errors"][0]["path"] == ["reviews", 0, "author", "email"]


async def test_garbage_reply_is_contained_to_its_fields() -> None:
    result, _ = await _run(
        "parent-entity-hop",
        "{ products { category { name views } } }",
        {
            "catalog": {
                "data": {
                    "products": [{"category": {"name": "Tea"}, "id": "p1", "__typename": "Product"}]
                }
            },
            "stats": {"unexpected": True},
        },
    )
    assert result["data"] == {"products": [{"category": {"name": "Tea", "views": None}}]}
    assert result["errors"][0]["extensions"]["code"] == "SUBGRAPH_ERROR"


async def test_objects_with_null_keys_are_not_sent_as_representations() -> None:
    result, subgraphs = await _run(
        "entity-single-key",
        "{ me { name reviews { body } } }",
        {
            "users": {"data": {"me": {"name": "Ann", "id": None, "__typename": "User"}}},
            "reviews": _entities(lambda rep: {"reviews": []}),
        },
    )
    assert [s for s, _ in subgraphs.requests] == ["users"]
    assert result["data"] == {"me": None}


@pytest.mark.parametrize(("with_stock", "calls"), [(True, ["a", "b"]), (False, ["a"])])
async def test_condition_nodes_skip_fetches_by_variable(with_stock: bool, calls: list[str]) -> None:
    result, subgraphs = await _run(
        "include-skip-conditions",
        "query ($s: Boolean!) { product { name stock @include(if: $s) } }",
        {
            "a": {"data": {"product": {"name": "Tea", "id": "p1", "__typename": "Product"}}},
            "b": _entities(lambda rep: {"stock": 3}),
        },
        {"s": with_stock},
    )
    assert [s for s, _ in subgraphs.requests] == calls
    expected = {"name": "Tea", "stock": 3} if with_stock else {"name": "Tea"}
    assert result == {"data": {"product": expected}}


async def test_internal_aliases_are_merged_back_under_the_client_key() -> None:
    result, subgraphs = await _run(
        "member-type-conflict-alias",
        "{ accounts { ... on User { id } ... on Bot { id } } }",
        {
            "a": {
                "data": {
                    "accounts": [
                        {"__typename": "User", "id__alias_1": "u1"},
                        {"__typename": "Bot", "id": "b1"},
                    ]
                }
            }
        },
    )
    assert "id__alias_1: id" in subgraphs.requests[0][1]["query"]
    assert result == {"data": {"accounts": [{"id": "u1"}, {"id": "b1"}]}}


async def test_interface_object_typename_never_replaces_the_concrete_one() -> None:
    result, _ = await _run(
        "interface-object",
        "{ accounts { __typename bio ... on Admin { level } } }",
        {
            "profiles": {"data": {"accounts": [{"__typename": "Account", "bio": "hi", "id": "1"}]}},
            "accounts": _entities(lambda rep: {"__typename": "Admin", "level": 7}),
        },
    )
    assert result == {"data": {"accounts": [{"__typename": "Admin", "bio": "hi", "level": 7}]}}


async def test_enum_values_hidden_from_the_api_become_null_with_an_error() -> None:
    orders = [
        {"id": "1", "status": "OPEN", "note": "AUDITED"},
        {"id": "2", "status": "AUDITED", "note": None},
    ]
    result, _ = await _run(
        "inaccessible-enum-and-type",
        "{ orders { id status note } }",
        {"shop": {"data": {"orders": orders}}},
    )
    # note is nullable: null in place; status is non-null: [Order!]! cannot hold the item -> null
    assert result["data"] is None
    assert [e["path"] for e in result["errors"]] == [
        ["orders", 0, "note"],
        ["orders", 1, "status"],
    ]


async def test_objects_of_inaccessible_types_are_invisible() -> None:
    feed = [{"__typename": "Post", "title": "hi"}, {"__typename": "Draft", "title": "wip"}]
    result, _ = await _run(
        "inaccessible-enum-and-type",
        "{ feed { __typename ... on Post { title } } }",
        {"shop": {"data": {"feed": feed}}},
    )
    # Draft is @inaccessible: the non-null list item cannot be null, so the list goes null,
    # and `feed: [Entry!]!` takes data with it; the error says where the null started
    assert result["data"] is None
    assert [e["path"] for e in result["errors"]] == [["feed", 1]]


async def test_mutations_run_one_after_another_with_their_entity_fetches_between() -> None:
    order = {"placeOrder": {"id": "o1", "buyer": {"id": "u1", "__typename": "User"}}}

    def users(request: dict[str, Any]) -> dict[str, Any]:
        if "_entities" in request["query"]:
            return {"data": {"_entities": [{"name": "Ann"}]}}
        return {"data": {"rename": {"name": "Bea"}}}

    result, subgraphs = await _run(
        "mutation-then-entity",
        'mutation Checkout { placeOrder(sku: "tea") { id buyer { name } } '
        'rename(name: "Bea") { name } }',
        {"orders": {"data": order}, "users": users},
    )
    assert [(s, r["operationName"]) for s, r in subgraphs.requests] == [
        ("orders", "Checkout__orders__0"),
        ("users", "Checkout__users__1"),
        ("users", "Checkout__users__2"),
    ]
    assert result == {
        "data": {"placeOrder": {"id": "o1", "buyer": {"name": "Ann"}}, "rename": {"name": "Bea"}}
    }


async def test_shared_root_parts_are_deep_merged() -> None:
    result, subgraphs = await _run(
        "shared-root-without-keys",
        "{ product { id name price } }",
        {
            "names": {"data": {"product": {"id": "p1", "name": "Tea"}}},
            "prices": {"data": {"product": {"price": 3}}},
        },
    )
    assert sorted(s for s, _ in subgraphs.requests) == ["names", "prices"]
    assert result == {"data": {"product": {"id": "p1", "name": "Tea", "price": 3}}}


async def test_a_crashing_fetcher_is_contained_as_a_subgraph_error() -> None:
    result, _ = await _run(
        "parent-entity-hop",
        "{ products { category { name views } } }",
        {
            "catalog": {
                "data": {
                    "products": [{"category": {"name": "Tea"}, "id": "p1", "__typename": "Product"}]
                }
            },
            "stats": RuntimeError("bug in a transport"),
        },
    )
    assert result["data"] == {"products": [{"category": {"name": "Tea", "views": None}}]}
    assert result["errors"][0]["message"] == "request to subgraph 'stats' failed: internal error"


async def test_requirement_clash_sends_each_argument_set_in_its_own_representation() -> None:
    def catalog(request: dict[str, Any]) -> dict[str, Any]:
        product = {"price": 10, "upc": "a", "__typename": "Product", "price__req1": 9}
        return {"data": {"products": [product]}}

    def shipping(request: dict[str, Any]) -> dict[str, Any]:
        rep = request["variables"]["representations"][0]
        field = "costUsd" if "costUsd" in request["query"] else "costEur"
        return {"data": {"_entities": [{field: rep["price"] * 100}]}}

    result, subgraphs = await _run(
        "requires-argument-clash",
        '{ products { price(currency: "USD") costUsd costEur } }',
        {"catalog": catalog, "shipping": shipping},
    )
    reps = sorted(
        r["variables"]["representations"][0]["price"]
        for s, r in subgraphs.requests
        if s == "shipping"
    )
    assert reps == [9, 10]
    assert result == {"data": {"products": [{"price": 10, "costUsd": 1000, "costEur": 900}]}}


async def test_a_fetch_whose_every_selection_is_skipped_is_not_sent() -> None:
    result, subgraphs = await _run(
        "condition-hoisted-over-whole-fetch",
        "query ($on: Boolean!) { product @include(if: $on) { name stock } }",
        {"a": {"data": {}}, "b": {"data": {}}},
        {"on": False},
    )
    assert subgraphs.requests == []
    assert result == {"data": {}}


async def test_an_entity_nulled_by_its_subgraph_error_is_null_for_the_client() -> None:
    def reviews(request: dict[str, Any]) -> dict[str, Any]:
        return {
            "data": {"_entities": [None]},
            "errors": [{"message": "cannot load user", "path": ["_entities", 0]}],
        }

    result, _ = await _run(
        "entity-single-key",
        "{ me { name reviews { body } } }",
        {
            "users": {"data": {"me": {"name": "Ann", "id": "u1", "__typename": "User"}}},
            "reviews": reviews,
        },
    )
    assert result["data"] == {"me": None}
    assert result["errors"][0]["path"] == ["me"]


async def test_a_missing_entity_without_error_only_leaves_its_fields_null() -> None:
    result, subgraphs = await _run(
        "parent-entity-hop",
        "{ products { category { name views } } }",
        {
            "catalog": {
                "data": {
                    "products": [{"category": {"name": "Tea"}, "id": "p1", "__typename": "Product"}]
                }
            },
            "stats": _entities(lambda rep: None),
        },
    )
    assert [s for s, _ in subgraphs.requests] == ["catalog", "stats"]
    assert result == {"data": {"products": [{"category": {"name": "Tea", "views": None}}]}}


async def test_a_null_in_a_non_null_field_without_subgraph_error_is_reported_once() -> None:
    result, _ = await _run(
        "inaccessible-enum-and-type",
        "{ orders { id status } }",
        {"shop": {"data": {"orders": [{"id": "1", "status": None}]}}},
    )
    assert result["data"] is None
    assert result["errors"] == [
        {
            "message": "Cannot return null for non-nullable field Order.status.",
            "path": ["orders", 0, "status"],
            "extensions": {"code": "INTERNAL_SERVER_ERROR"},
        }
    ]


async def test_representations_sent_to_an_interface_object_name_the_interface() -> None:
    result, subgraphs = await _run(
        "interface-object-fields-on-concrete-types",
        "{ admins { level bio } }",
        {
            "accounts": {"data": {"admins": [{"level": 3, "id": "a1", "__typename": "Admin"}]}},
            "profiles": _entities(lambda rep: {"__typename": "Account", "bio": f"bio {rep['id']}"}),
        },
    )
    sent = subgraphs.requests[1][1]["variables"]["representations"]
    assert sent == [{"__typename": "Account", "id": "a1"}]
    assert result == {"data": {"admins": [{"level": 3, "bio": "bio a1"}]}}


async def test_representations_read_the_key_not_a_client_alias_named_like_it() -> None:
    result, subgraphs = await _run(
        "key-aliased-by-client",
        "{ me { id: name reviews { body } } }",
        {
            "users": {"data": {"me": {"id": "Ann", "id__key": "u1", "__typename": "User"}}},
            "reviews": _entities(lambda rep: {"reviews": [{"body": f"by {rep['id']}"}]}),
        },
    )
    assert result == {"data": {"me": {"id": "Ann", "reviews": [{"body": "by u1"}]}}}
    [(_, request)] = [r for r in subgraphs.requests if r[0] == "reviews"]
    assert request["variables"]["representations"] == [{"__typename": "User", "id": "u1"}]


async def test_nested_key_fields_under_internal_aliases_build_the_representation() -> None:
    orders = [{"id": 7, "region": {"code__key": "VN"}, "id__key": "o1", "__typename": "Order"}]
    result, subgraphs = await _run(
        "nested-key-aliased-by-client",
        "{ orders { id: total region { code: __typename } eta } }",
        {
            "orders": {"data": {"orders": orders}},
            "shipping": _entities(lambda rep: {"eta": f"{rep['id']}@{rep['region']['code']}"}),
        },
    )
    assert result == {"data": {"orders": [{"id": 7, "region": {"code": "Region"}, "eta": "o1@VN"}]}}
    [(_, request)] = [r for r in subgraphs.requests if r[0] == "shipping"]
    assert request["variables"]["representations"] == [
        {"__typename": "Order", "id": "o1", "region": {"code": "VN"}}
    ]


_MERGED_ACROSS_FRAGMENTS = (
    "query ($withStars: Boolean!) { me { ... on User { reviews { body } } reviews { id: body }"
    " reviews @include(if: $withStars) { stars } } }"
)


def _reviews_by_selection(request: dict[str, Any]) -> dict[str, Any]:
    """The reviews subgraph answering whichever of body / id: body / stars the fetch selects."""
    review: dict[str, Any] = {}
    if "reviews {stars}" in request["query"]:
        review["stars"] = 5
    else:
        review.update(body="Great", id="Great")
    return {"data": {"_entities": [{"reviews": [review]}]}}


@pytest.mark.parametrize(
    ("with_stars", "review"),
    [
        (True, {"body": "Great", "id": "Great", "stars": 5}),
        (False, {"body": "Great", "id": "Great"}),
    ],
)
async def test_one_response_key_in_fragments_and_directly_merges_every_sub_selection(
    with_stars: bool, review: dict[str, Any]
) -> None:
    result, _ = await _run(
        "entity-field-merged-across-fragments",
        _MERGED_ACROSS_FRAGMENTS,
        {
            "users": {"data": {"me": {"id__key": "u1", "__typename": "User"}}},
            "reviews": _reviews_by_selection,
        },
        {"withStars": with_stars},
    )
    assert result == {"data": {"me": {"reviews": [review]}}}
    assert list(result["data"]["me"]["reviews"][0]) == list(review)


async def test_a_null_in_any_merged_occurrence_nulls_the_whole_field() -> None:
    result, _ = await _run(
        "entity-field-merged-across-fragments",
        "{ me { reviews { stars } ... on User { reviews { body } } } }",
        {
            "users": {"data": {"me": {"id": "u1", "__typename": "User"}}},
            "reviews": _entities(lambda rep: {"reviews": [{"stars": 4, "body": None}]}),
        },
    )
    # body is String!: the review bubbles to the non-null list, then to the nullable `me`
    assert result["data"] == {"me": None}
    assert [e["path"] for e in result["errors"]] == [["me", "reviews", 0, "body"]]


async def test_a_pathless_error_with_data_null_is_placed_at_every_root_field_it_nulled() -> None:
    boom = {"message": "boom", "extensions": {"code": "BOOM"}}
    result, _ = await _run(
        "entity-single-key",
        "{ me { name } who: me { name } }",
        {"users": {"data": None, "errors": [boom]}},
    )
    assert result["data"] == {"me": None, "who": None}
    assert [(e["path"], e["extensions"]) for e in result["errors"]] == [
        (["me"], {"code": "BOOM", "serviceName": "users"}),
        (["who"], {"code": "BOOM", "serviceName": "users"}),
    ]


async def test_a_pathless_error_without_entities_is_placed_at_every_entity_position() -> None:
    boom = {"message": "boom", "extensions": {"code": "BOOM"}}
    result, _ = await _run(
        "provides-saves-a-hop",
        "{ reviews { author { email } } }",
        {
            "reviews": {
                "data": {
                    "reviews": [
                        {"author": {"id": "u1", "__typename": "User"}},
                        {"author": {"id": "u2", "__typename": "User"}},
                    ]
                }
            },
            "users": {"data": None, "errors": [boom]},
        },
    )
    # email is String!: each author is nulled, then the non-null author nulls its review ...
    assert result["data"] is None
    assert [e["path"] for e in result["errors"]] == [
        ["reviews", 0, "author", "email"],
        ["reviews", 1, "author", "email"],
    ]
