"""Live comparisons with @apollo/composition (need Node; always run in CI).

- Every committed golden is still what Apollo produces for its fixture (goldens are data from
  Apollo, never hand-edited).
- Randomly generated federated subgraph sets (fixed seeds, see differential.py) compose to the
  same supergraph, byte for byte, or fail with the same error codes.
"""

from __future__ import annotations

import json
import random

import pytest
from composition_support import FIXTURES, fixture_cases, fixture_sources
from differential import SupergraphGenerator, apollo_batch, difference, mutated_fixtures

pytestmark = [pytest.mark.usefixtures("require_apollo"), pytest.mark.slow]


def test_committed_goldens_are_apollos_output() -> None:
    cases = fixture_cases()
    results = apollo_batch([fixture_sources(case) for case in cases])
    stale = []
    for case, result in zip(cases, results, strict=True):
        golden_sdl = FIXTURES / case / "supergraph.graphql"
        if "errors" in result:
            golden = FIXTURES / case / "errors.json"
            expected = [{"code": e["code"], "message": e["message"]} for e in result["errors"]]
            if not golden.exists() or json.loads(golden.read_text()) != expected:
                stale.append(case)
        elif not golden_sdl.exists() or golden_sdl.read_text() != f"{result['supergraph']}\n":
            stale.append(case)
    assert stale == [], "run: node tests/composition/regenerate.mjs " + " ".join(stale)


@pytest.mark.parametrize("seed", [101, 202])
def test_random_supergraphs_compose_like_apollo(seed: int) -> None:
    rng = random.Random(seed)
    cases = [SupergraphGenerator(rng).subgraphs() for _ in range(80)]
    results = apollo_batch(cases)
    differing = {
        number: problem
        for number, (case, result) in enumerate(zip(cases, results, strict=True))
        if (problem := difference(case, result)) is not None
    }
    assert differing == {}


def test_broken_fixtures_are_rejected_like_apollo() -> None:
    cases = mutated_fixtures(random.Random(303), 150)
    results = apollo_batch(cases)
    differing = {
        number: problem
        for number, (case, result) in enumerate(zip(cases, results, strict=True))
        if (problem := difference(case, result)) is not None
    }
    assert differing == {}
