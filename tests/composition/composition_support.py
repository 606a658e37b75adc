"""Helpers for the composition tests: fixture discovery and Apollo's composer via node."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from router.composition import SubgraphSource

HERE = Path(__file__).parent
FIXTURES = HERE / "fixtures"
REGENERATE = HERE / "regenerate.mjs"


def fixture_cases() -> list[str]:
    return sorted(p.name for p in FIXTURES.iterdir() if (p / "subgraphs").is_dir())


def fixture_sources(case: str) -> list[SubgraphSource]:
    return [
        SubgraphSource(path.stem, f"http://{path.stem}.example/graphql", path.read_text())
        for path in sorted((FIXTURES / case / "subgraphs").glob("*.graphql"))
    ]


def apollo_available() -> bool:
    """Node is there and @apollo/composition is installed (or CI, where it must be installed)."""
    if shutil.which("node") is None:
        return False
    if os.environ.get("CI") == "true":
        return True
    directory = Path(os.environ.get("APOLLO_COMPOSITION_DIR", HERE / ".node"))
    return (directory / "node_modules" / "@apollo" / "composition").is_dir()


def compose_with_apollo(sources: list[SubgraphSource]) -> dict[str, object]:
    """Run Apollo's composer through regenerate.mjs --stdin (it installs the package if needed)."""
    payload = json.dumps([{"name": s.name, "url": s.url, "sdl": s.sdl} for s in sources])
    node = shutil.which("node")
    assert node is not None
    completed = subprocess.run(
        [node, str(REGENERATE), "--stdin"],
        input=payload,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result: dict[str, object] = json.loads(completed.stdout)
    return result


@pytest.fixture
def require_apollo() -> None:
    if not apollo_available():
        if os.environ.get("CI") == "true":
            pytest.fail("node is required in CI to compare with @apollo/composition")
        pytest.skip("node or @apollo/composition not available (set APOLLO_COMPOSITION_DIR)")
