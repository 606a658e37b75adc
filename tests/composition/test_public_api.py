"""The composer's deliberate public surface (everything else is private to the package)."""

from __future__ import annotations

import router.composition
from router.composition import CompositionResult, SubgraphSource, compose


def test_public_names_are_exactly_these() -> None:
    assert sorted(router.composition.__all__) == [
        "CompositionError",
        "CompositionFailed",
        "CompositionResult",
        "ConfigError",
        "SubgraphSource",
        "compose",
        "compose_from_config",
    ]
    for name in router.composition.__all__:
        assert getattr(router.composition, name) is not None


def test_result_holds_a_supergraph_or_errors_never_both() -> None:
    good = compose([SubgraphSource("a", "http://a", "type Query { a: Int }")])
    bad = compose([SubgraphSource("a", "http://a", "type Query { a: Missing }")])
    assert isinstance(good, CompositionResult)
    assert good.ok
    assert good.errors == []
    assert not bad.ok
    assert bad.supergraph_sdl is None
    assert [e.code for e in bad.errors] == ["INVALID_GRAPHQL"]
    assert bad.errors[0].subgraph == "a"
