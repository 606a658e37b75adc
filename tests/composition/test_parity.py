"""Parity with @apollo/composition: every fixture composes to its committed golden.

A fixture folder holds subgraph SDLs; its golden (supergraph.graphql or errors.json) was produced
by Apollo's composer through regenerate.mjs. Supergraphs must be equal after reordering
definitions, fields, arguments and enum values; failures must have the same error codes.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest
from composition_normalize import normalize_sdl
from composition_support import FIXTURES, fixture_cases, fixture_sources

from router.composition import compose

CASES = fixture_cases()


@pytest.mark.parametrize("case", CASES)
def test_fixture_composes_like_apollo(case: str) -> None:
    result = compose(fixture_sources(case))
    golden_sdl = FIXTURES / case / "supergraph.graphql"
    golden_errors = FIXTURES / case / "errors.json"
    if golden_sdl.exists():
        assert result.errors == [], [str(e) for e in result.errors]
        assert result.supergraph_sdl is not None
        assert normalize_sdl(result.supergraph_sdl) == normalize_sdl(golden_sdl.read_text())
    else:
        expected = Counter(e["code"] for e in json.loads(golden_errors.read_text()))
        assert result.supergraph_sdl is None
        assert Counter(e.code for e in result.errors) == expected, [str(e) for e in result.errors]


def test_every_fixture_has_a_golden() -> None:
    missing = [
        case
        for case in CASES
        if not (FIXTURES / case / "supergraph.graphql").exists()
        and not (FIXTURES / case / "errors.json").exists()
    ]
    assert missing == []


@pytest.mark.parametrize(
    "case", [c for c in CASES if (FIXTURES / c / "supergraph.graphql").exists()]
)
def test_valid_fixture_is_printed_byte_equal_to_apollo(case: str) -> None:
    result = compose(fixture_sources(case))
    assert result.supergraph_sdl is not None
    assert result.supergraph_sdl + "\n" == (FIXTURES / case / "supergraph.graphql").read_text()


def test_errors_name_the_subgraph_type_and_field() -> None:
    result = compose(fixture_sources("error-invalid-field-sharing"))
    [error] = result.errors
    assert (error.code, error.type, error.field) == ("INVALID_FIELD_SHARING", "Product", "name")
    assert '"a" and "b"' in error.message
