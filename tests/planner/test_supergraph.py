"""Supergraph loading: join metadata per subgraph and the API schema clients see."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import print_schema

from router.supergraph import Supergraph, SupergraphError

FIXTURES = Path(__file__).parent / "fixtures"


def _load(case: str) -> Supergraph:
    return Supergraph.parse((FIXTURES / case / "supergraph.graphql").read_text())


def test_subgraph_urls_are_keyed_by_join_graph_name() -> None:
    supergraph = _load("entity-single-key")
    assert dict(supergraph.subgraph_urls) == {
        "users": "http://users.test/graphql",
        "reviews": "http://reviews.test/graphql",
    }


def test_api_schema_drops_join_machinery_and_inaccessible_elements() -> None:
    printed = print_schema(_load("inaccessible-enum-and-type").api_schema)
    for hidden in ("join__", "link__", "@inaccessible", "AUDITED", "Draft", "secret"):
        assert hidden not in printed
    assert "union Entry = Post" in printed
    assert "enum Status {\n  OPEN\n  CLOSED\n}" in printed


def test_join_metadata_per_subgraph() -> None:
    supergraph = _load("interface-object")
    account = supergraph.types["Account"]
    assert account.graphs["profiles"].is_interface_object
    assert account.graphs["accounts"].resolvable_keys == ["id"]
    assert supergraph.types["Admin"].fields["bio"].via_interface_object
    assert supergraph.possible_types("Account", "accounts") == {"Admin", "Member"}
    assert supergraph.possible_types("Account", "profiles") == frozenset()


def test_field_join_arguments_are_read() -> None:
    provides = _load("provides-saves-a-hop").types
    assert provides["Review"].fields["author"].graphs["reviews"].provides == "name"
    assert provides["User"].fields["name"].graphs["reviews"].external
    override = _load("override-progressive").types["User"].fields["name"].graphs["new"]
    assert (override.override, override.override_label) == ("old", "percent(25)")
    typed = _load("member-type-conflict-alias").types["User"].fields["id"].graphs["a"]
    assert typed.type == "ID!"


def test_enum_values_know_their_subgraphs() -> None:
    status = _load("inaccessible-enum-and-type").types["Status"]
    assert status.enum_values == {
        "OPEN": frozenset({"shop"}),
        "CLOSED": frozenset({"shop"}),
        "AUDITED": frozenset({"shop"}),
    }


def test_join_v01_owner_serves_fields_without_join_field() -> None:
    supergraph = _load("fed1-join-v01")
    assert set(supergraph.types["Review"].fields["body"].graphs) == {"accounts", "reviews"}
    assert set(supergraph.types["User"].fields["reviews"].graphs) == {"reviews"}


@pytest.mark.parametrize(
    ("sdl", "message"),
    [
        ("type Query {", "does not parse"),
        ("type Query { a: Int }", "does not @link the join spec"),
        (
            (
                'schema @link(url: "https://specs.apollo.dev/join/v0.9") { query: Query }\n'
                "type Query { a: Int }"
            ),
            "unsupported join version v0.9",
        ),
    ],
)
def test_unusable_supergraphs_are_refused(sdl: str, message: str) -> None:
    with pytest.raises(SupergraphError, match=message):
        Supergraph.parse(sdl)
