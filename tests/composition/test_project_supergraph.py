"""The project's own supergraph.yaml composes exactly as @apollo/composition composes it."""

from __future__ import annotations

import pytest
from composition_support import compose_with_apollo, listed_subgraphs, project_sources

from router.composition import compose


@pytest.mark.usefixtures("require_apollo")
async def test_project_supergraph_is_byte_equal_to_apollo() -> None:
    sources = await project_sources()
    ours = compose(sources)
    apollo = compose_with_apollo(sources)
    assert "errors" not in apollo, apollo
    assert ours.errors == [], [str(e) for e in ours.errors]
    assert ours.supergraph_sdl == apollo["supergraph"]


async def test_project_supergraph_composes() -> None:
    sources = await project_sources()
    result = compose(sources)
    assert result.errors == [], [str(e) for e in result.errors]
    assert result.supergraph_sdl is not None
    for name in listed_subgraphs():
        assert f'@join__graph(name: "{name}"' in result.supergraph_sdl
