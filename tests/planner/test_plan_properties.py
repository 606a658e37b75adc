"""Property checks: random valid operations over every fixture supergraph must plan, and every
plan must be well formed and cover what the client asked for."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import re

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLArgument,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLSchema,
    Visitor,
    get_named_type,
    is_abstract_type,
    is_leaf_type,
    parse,
    validate,
    visit,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from router.planner import PlanningError, QueryPlanner
from router.supergraph import Supergraph

FIXTURES = Path(__file__).parent / "fixtures"
# fixtures whose supergraph can satisfy every valid query (all others included too: they are
# written that way; a new unsatisfiable fixture must be listed here)
UNSATISFIABLE: frozenset[str] = frozenset()
CASES = sorted(
    p.name
    for p in FIXTURES.iterdir()
    if (p / "supergraph.graphql").exists() and p.name not in UNSATISFIABLE
)
_LITERALS = {"String": '"x"', "ID": '"1"', "Int": "1", "Float": "1.5", "Boolean": "true"}


def _argument_text(argument_name: str, argument: GraphQLArgument) -> str | None:
    named = get_named_type(argument.type)
    literal = _LITERALS.get(named.name)
    return None if literal is None else f"{argument_name}: {literal}"


def _selection(
    schema: GraphQLSchema, parent: GraphQLNamedType, depth: int
) -> st.SearchStrategy[str]:
    if is_abstract_type(parent):
        members = [t.name for t in schema.get_possible_types(parent)]  # type: ignore[arg-type]
        fragments = st.lists(
            st.sampled_from(members), min_size=1, max_size=len(members), unique=True
        )
        return fragments.flatmap(
            lambda names: st.tuples(
                *(
                    _selection(schema, schema.get_type(n), depth).map(  # type: ignore[arg-type]
                        lambda body, n=n: f"... on {n} {body}"
                    )
                    for n in names
                )
            ).map(lambda parts: "{ __typename " + " ".join(parts) + " }")
        )
    fields: list[st.SearchStrategy[str]] = []
    for name, field in parent.fields.items():  # type: ignore[attr-defined]
        required = [(n, a) for n, a in field.args.items() if isinstance(a.type, GraphQLNonNull)]
        texts = [_argument_text(n, a) for n, a in required]
        if any(t is None for t in texts):
            continue
        head = f"{name}: {name}" + (f"({', '.join(t for t in texts if t)})" if texts else "")
        named = get_named_type(field.type)
        if is_leaf_type(named):
            fields.append(st.just(head))
        elif depth > 0:
            fields.append(
                _selection(schema, named, depth - 1).map(lambda body, h=head: f"{h} {body}")
            )
    if not fields:
        return st.just("{ __typename }")
    chosen = st.lists(st.sampled_from(range(len(fields))), min_size=1, max_size=4, unique=True)
    return chosen.flatmap(
        lambda indexes: st.tuples(*(fields[i] for i in indexes)).map(
            lambda parts: "{ " + " ".join(f"{parent.name}_{p}" for p in parts) + " }"
        )
    )


def _leaf_names(node: dict[str, Any] | None) -> set[str]:
    if node is None:
        return set()
    if node["kind"] == "Fetch":
        return {node["operation"]}
    if node["kind"] == "Flatten":
        return _leaf_names(node["node"])
    if node["kind"] == "Condition":
        return _leaf_names(node["ifClause"]) | _leaf_names(node["elseClause"])
    return set().union(*(_leaf_names(n) for n in node["nodes"]))


@pytest.mark.parametrize("case", CASES)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_queries_plan_into_well_formed_fetches(case: str, data: st.DataObject) -> None:
    supergraph = Supergraph.parse((FIXTURES / case / "supergraph.graphql").read_text())
    schema = supergraph.api_schema
    assert schema.query_type is not None
    query = data.draw(_selection(schema, schema.query_type, 3))
    document = parse(query)
    assert validate(schema, document) == []
    try:
        plan = QueryPlanner(supergraph).plan(document, None)
    except PlanningError as exc:  # pragma: no cover - reported with the query that failed
        pytest.fail(f"{case}: {query} did not plan: {exc}")
    operations = " ".join(_leaf_names(plan.to_json()["node"]))
    for operation in _leaf_names(plan.to_json()["node"]):
        parse(operation)
    for name in _field_names(document):
        assert re.search(rf"\b{name}\b", operations), (case, query, name)


def _field_names(document: DocumentNode) -> set[str]:
    names: set[str] = set()

    class Collector(Visitor):
        def enter_field(self, node: FieldNode, *_: object) -> None:
            if node.name.value != "__typename":
                names.add(node.name.value)

    visit(document, Collector())
    return names
