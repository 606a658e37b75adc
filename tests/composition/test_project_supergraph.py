"""The project's own supergraph.yaml composes exactly as @apollo/composition composes it."""

from __future__ import annotations

import pytest
from composition_support import compose_with_apollo, project_sources

from router.composition import compose


@pytest.mark.usefixtures("require_apollo")
def test_project_supergraph_is_byte_equal_to_apollo() -> None:
    sources = project_sources()
    ours = compose(sources)
    apollo = compose_with_apollo(sources)
    assert "errors" not in apollo, apollo
    assert ours.errors == [], [str(e) for e in ours.errors]
    assert ours.supergraph_sdl == apollo["supergraph"]


def test_project_supergraph_composes() -> None:
    result = compose(project_sources())
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.supergraph_sdl is not None
    assert '@join__graph(name: "users"' in result.supergraph_sdl
