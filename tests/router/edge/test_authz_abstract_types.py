"""Authorization over interfaces and unions: the rewrite, then the response restored.

The fake subgraphs of the HTTP tests have no abstract types, so these cases run the
rewrite (`filter_operation`) and the restoration (`restore`) on a supergraph that does,
with the data a subgraph would return for the rewritten operation.
"""

from __future__ import annotations

from typing import Any

from graphql import parse

from router.authorization import (
    AuthorizationIndex,
    Requirement,
    filter_operation,
    requirements_of,
    restore,
)
from router.authorization.filter import TYPENAME_KEY
from router.supergraph import Supergraph
from shared.identity import GUEST, Identity, Role

SUPERGRAPH = """
schema
  @link(url: "https://specs.apollo.dev/link/v1.0")
  @link(url: "https://specs.apollo.dev/join/v0.3", for: EXECUTION)
  @link(url: "https://specs.apollo.dev/authenticated/v0.1", as: "signedIn", for: SECURITY)
  @link(url: "https://specs.apollo.dev/requiresScopes/v0.1", for: SECURITY) {
  query: Query
}
directive @join__field(graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet,
  type: String, external: Boolean, override: String, usedOverridden: Boolean
) repeatable on FIELD_DEFINITION | INPUT_FIELD_DEFINITION
directive @join__graph(name: String!, url: String!) on ENUM_VALUE
directive @join__implements(graph: join__Graph!, interface: String!
) repeatable on OBJECT | INTERFACE
directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: Boolean! = false,
  resolvable: Boolean! = true, isInterfaceObject: Boolean! = false
) repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR
directive @join__unionMember(graph: join__Graph!, member: String!) repeatable on UNION
directive @link(url: String, as: String, for: link__Purpose, import: [link__Import]
) repeatable on SCHEMA
directive @signedIn on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!)
  on FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM
scalar join__FieldSet
scalar link__Import
scalar requiresScopes__Scope
enum link__Purpose { SECURITY EXECUTION }
enum join__Graph { GEO @join__graph(name: "geo", url: "http://geo.test/graphql") }

type Query @join__type(graph: GEO) {
  nearby: [Nearby!]!
  node(id: ID!): Node
}
interface Node @join__type(graph: GEO) { id: ID! label: String }
type Place implements Node
  @join__type(graph: GEO) @join__implements(graph: GEO, interface: "Node") {
  id: ID!
  label: String @signedIn
  name: String
  secretNote: String @signedIn
}
type Partner implements Node
  @join__type(graph: GEO) @join__implements(graph: GEO, interface: "Node")
  @requiresScopes(scopes: [["partner"]]) {
  id: ID!
  label: String
  name: String
}
union Nearby @join__type(graph: GEO) @join__unionMember(graph: GEO, member: "Place")
  @join__unionMember(graph: GEO, member: "Partner") = Place | Partner
"""

SUPER = Supergraph.parse(SUPERGRAPH)
INDEX = AuthorizationIndex.from_supergraph(SUPER)
SCHEMA = SUPER.api_schema


def run(
    query: str, identity: Identity, data_for_rewritten: dict[str, Any]
) -> tuple[str, dict[str, Any] | None, list[dict[str, Any]]]:
    document = parse(query)
    touched = requirements_of(SCHEMA, INDEX, document, None)
    denied = frozenset(r for r in touched if not r.satisfied_by(identity, lambda _: False))
    filtered = filter_operation(SCHEMA, INDEX, document, None, denied)
    data, errors = restore(data_for_rewritten, root=filtered.root, schema=SCHEMA, variables={})
    return filtered.query, data, errors


def paths(errors: list[dict[str, Any]]) -> list[list[str | int]]:
    assert {e["extensions"]["code"] for e in errors} <= {"UNAUTHORIZED_FIELD_OR_TYPE"}
    return [e["path"] for e in errors]


def test_renamed_directive_and_type_level_requirements_are_indexed() -> None:
    assert INDEX.field("Place", "secretNote") == Requirement(authenticated=True)
    assert INDEX.type("Partner") == Requirement(scopes=((frozenset({"partner"}),),))
    # Selected on the interface, `label` needs what any implementation's `label` needs.
    assert INDEX.field("Node", "label") == Requirement(authenticated=True)
    assert INDEX.field("Place", "name") is None


def test_union_members_are_filtered_per_runtime_type() -> None:
    query = "{ nearby { ... on Place { name secretNote } ... on Partner { name } } }"
    rewritten, data, errors = run(
        query,
        GUEST,
        {
            "nearby": [
                {"name": "Wat Phra Singh", TYPENAME_KEY: "Place"},
                {TYPENAME_KEY: "Partner"},
            ]
        },
    )
    assert "secretNote" not in rewritten
    assert "Partner" not in rewritten
    assert f"{TYPENAME_KEY}: __typename" in rewritten
    assert data == {"nearby": [{"name": "Wat Phra Singh", "secretNote": None}, {"name": None}]}
    assert paths(errors) == [["nearby", 0, "secretNote"], ["nearby", 1, "name"]]


def test_nothing_is_rewritten_for_a_caller_who_may_see_everything() -> None:
    partner = Identity(user_id="p-1", role=Role.PARTNER, scopes=frozenset({"partner"}))
    document = parse("{ nearby { ... on Place { secretNote } ... on Partner { name } } }")
    touched = requirements_of(SCHEMA, INDEX, document, None)
    assert len(touched) == 2
    assert all(r.satisfied_by(partner, lambda _: False) for r in touched)


def test_interface_field_guarded_by_an_implementation() -> None:
    rewritten, data, errors = run(
        '{ node(id: "1") { id label } }',
        GUEST,
        {"node": {"id": "1"}},
    )
    assert "label" not in rewritten
    assert data == {"node": {"id": "1", "label": None}}
    assert paths(errors) == [["node", "label"]]


def test_non_null_list_items_bubble_to_the_root_when_nothing_is_nullable() -> None:
    query = "{ nearby { ... on Partner { id } } }"
    rewritten, data, errors = run(query, GUEST, {"nearby": [{TYPENAME_KEY: "Partner"}]})
    assert "Partner" not in rewritten
    # Partner.id is ID!: its removal nulls the Partner, a non-null item of a non-null list,
    # so `nearby` cannot be null either and the whole data becomes null.
    assert data is None
    assert paths(errors) == [["nearby", 0, "id"]]
