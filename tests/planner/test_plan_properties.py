"""Property checks: random valid operations over every fixture supergraph must plan, and every
plan must be well formed and cover what the client asked for."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from graphql import (
    DocumentNode,
    FieldNode,
    GraphQLArgument,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLUnionType,
    Visitor,
    get_named_type,
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
# mostly none; otherwise a variable or literal condition (the operation declares $on / $off)
_DIRECTIVES = ("", "", "", " @include(if: $on)", " @skip(if: $off)", " @include(if: true)")


def _argument_text(argument_name: str, argument: GraphQLArgument) -> str | None:
    named = get_named_type(argument.type)
    literal = _LITERALS.get(named.name)
    return None if literal is None else f"{argument_name}: {literal}"


@st.composite
def _selection(draw: st.DrawFn, schema: GraphQLSchema, parent: GraphQLNamedType, depth: int) -> str:
    """A selection set on ``parent``: fragments on some members of an abstract type, up to
    four aliased fields of an object type (arguments filled when they are simple scalars)."""
    if isinstance(parent, GraphQLInterfaceType | GraphQLUnionType):
        members = [t.name for t in schema.get_possible_types(parent)]
        if not members:
            return "{ __typename }"
        chosen = draw(st.lists(st.sampled_from(members), min_size=1, unique=True))
        fragments = []
        for name in chosen:
            member = schema.get_type(name)
            assert member is not None
            directive = draw(st.sampled_from(_DIRECTIVES))
            fragments.append(f"... on {name}{directive} {draw(_selection(schema, member, depth))}")
        return "{ __typename " + " ".join(fragments) + " }"
    assert isinstance(parent, GraphQLObjectType)
    heads: list[tuple[str, GraphQLNamedType]] = []
    for name, field in parent.fields.items():
        required = [(n, a) for n, a in field.args.items() if isinstance(a.type, GraphQLNonNull)]
        texts = [_argument_text(n, a) for n, a in required]
        if any(t is None for t in texts):
            continue
        arguments = f"({', '.join(t for t in texts if t)})" if texts else ""
        named = get_named_type(field.type)
        if is_leaf_type(named) or depth > 0:
            heads.append((f"{parent.name}_{name}: {name}{arguments}", named))
    if not heads:
        return "{ __typename }"
    parts = []
    for head, named in draw(st.lists(st.sampled_from(heads), min_size=1, max_size=4, unique=True)):
        directive = draw(st.sampled_from(_DIRECTIVES))
        if is_leaf_type(named):
            parts.append(head + directive)
        else:
            parts.append(f"{head}{directive} {draw(_selection(schema, named, depth - 1))}")
    return "{ " + " ".join(parts) + " }"


@st.composite
def _operation(draw: st.DrawFn, schema: GraphQLSchema) -> tuple[str, dict[str, bool]]:
    """A query operation declaring the condition variables its selection uses, and values."""
    assert schema.query_type is not None
    body = draw(_selection(schema, schema.query_type, 3))
    used = [name for name in ("on", "off") if f"${name}" in body]
    header = f"query ({', '.join(f'${name}: Boolean!' for name in used)})" if used else "query"
    return f"{header} {body}", {name: draw(st.booleans()) for name in used}


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
    query, _ = data.draw(_operation(schema))
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
