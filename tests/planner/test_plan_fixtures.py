"""Plan snapshots as data: one folder per case under ``fixtures/`` with ``supergraph.graphql``,
``operation.graphql``, optional ``override-labels.txt`` and the expected printed ``plan.txt``.

A new federation case is a new folder. ``G2A_UPDATE_PLANS=1 pytest tests/planner`` rewrites the
snapshots (review the diff before committing).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from graphql import OperationDefinitionNode, Visitor, parse, validate, visit
from graphql.language import VariableNode

from router.planner import QueryPlan, QueryPlanner
from router.supergraph import Supergraph

FIXTURES = Path(__file__).parent / "fixtures"
CASES = sorted(p.name for p in FIXTURES.iterdir() if (p / "operation.graphql").exists())


def _plan(case: str) -> QueryPlan:
    folder = FIXTURES / case
    supergraph = Supergraph.parse((folder / "supergraph.graphql").read_text())
    document = parse((folder / "operation.graphql").read_text())
    assert validate(supergraph.api_schema, document) == []
    labels_file = folder / "override-labels.txt"
    labels = labels_file.read_text().split() if labels_file.exists() else []
    return QueryPlanner(supergraph).plan(document, None, override_labels=labels)


@pytest.mark.parametrize("case", CASES)
def test_plan_matches_snapshot(case: str) -> None:
    printed = str(_plan(case)) + "\n"
    expected_file = FIXTURES / case / "plan.txt"
    if os.environ.get("G2A_UPDATE_PLANS") == "1":
        expected_file.write_text(printed)
    assert printed == expected_file.read_text()


class _VariableCollector(Visitor):
    def __init__(self, into: set[str]) -> None:
        super().__init__()
        self.into = into

    def enter_variable(self, node: VariableNode, *_: object) -> None:
        self.into.add(node.name.value)


def _fetches(node: dict[str, Any] | None) -> list[tuple[dict[str, Any], bool]]:
    if node is None:
        return []
    kind = node["kind"]
    if kind == "Fetch":
        return [(node, False)]
    if kind == "Flatten":
        return [(node["node"], True)]
    if kind == "Condition":
        return _fetches(node["ifClause"]) + _fetches(node["elseClause"])
    return [fetch for child in node["nodes"] for fetch in _fetches(child)]


@pytest.mark.parametrize("case", CASES)
def test_every_fetch_is_a_well_formed_subgraph_request(case: str) -> None:
    for fetch, is_entity in _fetches(_plan(case).to_json()["node"]):
        document = parse(fetch["operation"])
        operation = document.definitions[0]
        assert isinstance(operation, OperationDefinitionNode)
        declared = {v.variable.name.value for v in operation.variable_definitions or ()}
        assert declared - {"representations"} == set(fetch["variableUsages"])
        used: set[str] = set()
        visit(operation.selection_set, _VariableCollector(used))
        assert used <= declared
        if is_entity:
            assert "_entities(representations: $representations)" in fetch["operation"]
            for fragment in fetch["requires"]:
                assert fragment["kind"] == "InlineFragment"
                assert fragment["selections"][0] == {"kind": "Field", "name": "__typename"}


def test_override_label_decides_the_serving_subgraph() -> None:
    folder = FIXTURES / "override-progressive"
    supergraph = Supergraph.parse((folder / "supergraph.graphql").read_text())
    planner = QueryPlanner(supergraph)
    document = parse("{ user { name } }")
    off = planner.plan(document, None, override_labels=())
    on = planner.plan(document, None, override_labels=["percent(25)"])
    assert '"new"' not in str(off)
    assert 'Fetch(service: "new")' in str(on)
    assert planner.override_labels == frozenset({"percent(25)"})


def test_mutation_root_fields_run_strictly_in_order() -> None:
    plan = _plan("mutations-in-order").to_json()["node"]
    assert plan["kind"] == "Sequence"
    services = [node["serviceName"] for node in plan["nodes"]]
    assert services == ["a", "b", "a"]


def test_plan_json_has_apollo_node_shapes() -> None:
    node = _plan("condition-hoisted-over-whole-fetch").to_json()["node"]
    assert node["kind"] == "Condition"
    assert (node["condition"], node["elseClause"]) == ("withProduct", None)
    first, flatten = node["ifClause"]["nodes"]
    assert first["kind"] == "Fetch"
    assert (first["serviceName"], first["operationKind"]) == ("a", "query")
    assert first["variableUsages"] == ["withProduct"]
    assert flatten["kind"] == "Flatten"
    assert flatten["path"] == ["product"]
    assert flatten["node"]["requires"] == [
        {
            "kind": "InlineFragment",
            "typeCondition": "Product",
            "selections": [
                {"kind": "Field", "name": "__typename"},
                {"kind": "Field", "name": "id"},
            ],
        }
    ]


def test_representations_for_an_interface_object_carry_the_interface_name() -> None:
    sequence = _plan("interface-object-fields-on-concrete-types").to_json()["node"]
    flatten = sequence["nodes"][1]
    assert flatten["node"]["serviceName"] == "profiles"
    assert flatten["node"]["inputRewrites"] == [
        {"kind": "ValueSetter", "path": ["... on Admin", "__typename"], "setValueTo": "Account"}
    ]
