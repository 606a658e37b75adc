"""The cost spec's rules, on a small schema and on the project's own supergraph."""

from __future__ import annotations

from typing import Any

import pytest
from edge_support import project_supergraph
from graphql import (
    FragmentDefinitionNode,
    GraphQLSchema,
    OperationDefinitionNode,
    build_schema,
    parse,
)

from router.cost import ActualCostCounter, CostEstimator, CostModel, SlicingArgumentError
from router.supergraph import Supergraph

SDL = """
directive @link(url: String, as: String, import: [link__Import]) repeatable on SCHEMA
scalar link__Import
schema
  @link(url: "https://specs.apollo.dev/cost/v0.1", import: [{name: "@listSize", as: "@size"}]) {
  query: Query
}
directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION
  | INPUT_FIELD_DEFINITION | OBJECT | SCALAR
directive @size(assumedSize: Int, slicingArguments: [String!], sizedFields: [String!],
  requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION

type Query {
  cities(first: Int, last: Int): CityConnection!
    @size(slicingArguments: ["first", "last"], sizedFields: ["edges"])
  search(first: Int): [Place!]!
    @size(slicingArguments: ["first"], requireOneSlicingArgument: false) @cost(weight: 10)
  node(id: ID!): Node
}
interface Node { id: ID! }
type City implements Node { id: ID! name: String places: [Place] @size(assumedSize: 4) }
type Place implements Node @cost(weight: 3) { id: ID! name: String }
type CityConnection { edges: [CityEdge!]! total: Int }
type CityEdge { node: City! }
"""


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema(SDL)


def _split(query: str) -> tuple[OperationDefinitionNode, dict[str, FragmentDefinitionNode]]:
    document = parse(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return operation, fragments


def estimate(
    schema: GraphQLSchema,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    strict: bool = True,
    sdl: str = SDL,
) -> float:
    operation, fragments = _split(query)
    estimator = CostEstimator(
        schema=schema,
        model=CostModel.from_supergraph(sdl, schema),
        fragments=fragments,
        variables=variables or {},
        list_size=10,
        strict=strict,
    )
    return estimator.operation(operation)


def actual(schema: GraphQLSchema, query: str, data: dict[str, Any]) -> float:
    operation, fragments = _split(query)
    counter = ActualCostCounter(
        schema=schema,
        model=CostModel.from_supergraph(SDL, schema),
        fragments=fragments,
        variables={},
    )
    return counter.operation(operation, data)


def test_renamed_list_size_import_is_read(schema: GraphQLSchema) -> None:
    model = CostModel.from_supergraph(SDL, schema)
    assert model.list_sizes["Query", "cities"].sized_fields == ("edges",)
    assert model.type_weights == {"Place": 3}
    assert model.field_weights == {("Query", "search"): 10}


def test_sized_fields_take_the_slicing_argument(schema: GraphQLSchema) -> None:
    # cities 1 + total 0 + 7 edges x (CityEdge 1 + City 1)
    assert estimate(schema, "{ cities(first: 7) { total edges { node { name } } } }") == 15


def test_require_one_slicing_argument(schema: GraphQLSchema) -> None:
    with pytest.raises(SlicingArgumentError, match=r"Query\.cities"):
        estimate(schema, "{ cities { total } }")
    with pytest.raises(SlicingArgumentError):
        estimate(schema, "{ cities(first: 1, last: 2) { total } }")
    # In measure mode the field falls back to the default list size.
    assert estimate(schema, "{ cities { edges { node { id } } } }", strict=False) == 1 + 10 * 2


def test_slicing_argument_from_a_variable_multiplies_the_field_weight(
    schema: GraphQLSchema,
) -> None:
    query = "query($n: Int, $skip: Boolean!) { search(first: $n) @skip(if: $skip) { id } }"
    assert estimate(schema, query, {"n": 2, "skip": False}) == 2 * 10
    assert estimate(schema, query, {"n": 2, "skip": True}) == 0


def test_fragments_on_an_abstract_type_are_summed(schema: GraphQLSchema) -> None:
    query = """
      { node(id: 1) { ...CityPlaces ... on Place { name } } }
      fragment CityPlaces on City { places { name } }
    """
    # Node 1 + City.places (assumed 4) x Place 3
    assert estimate(schema, query) == 1 + 4 * 3


def test_actual_cost_follows_the_returned_type_and_list_lengths(schema: GraphQLSchema) -> None:
    query = "{ node(id: 1) { __typename ... on City { places { name } } ... on Place { id } } }"
    city = {"node": {"__typename": "City", "places": [{"name": "a"}, {"name": "b"}]}}
    assert actual(schema, query, city) == 1 + 2 * 3
    place = {"node": {"__typename": "Place", "id": "p"}}
    assert actual(schema, query, place) == 3
    assert actual(schema, query, {"node": None}) == 0


async def test_project_supergraph_connections_are_sized_by_first() -> None:
    sdl = await project_supergraph()
    supergraph = Supergraph.parse(sdl)
    model = CostModel.from_supergraph(sdl, supergraph.api_schema)
    places = model.list_sizes["Query", "places"]
    assert places.slicing_arguments == ("first",)
    assert places.sized_fields == ("edges",)
    query = "query($n: Int!) { places(first: $n) { edges { node { id name } } } }"
    schema = supergraph.api_schema
    assert estimate(schema, query, {"n": 20}, sdl=sdl) == 1 + 20 * 2
    assert estimate(schema, query, {"n": 1_000_000}, sdl=sdl) == 1 + 1_000_000 * 2
