"""Helpers for the composition tests: fixture discovery and Apollo's composer via node."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

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


def project_sources() -> list[SubgraphSource]:
    """The project's subgraphs as listed in supergraph.yaml, SDL printed from their Strawberry
    schemas (`subgraphs/<name>/schema.py`: `Query`, optional `Mutation`, optional `TYPES`)."""
    import importlib

    import yaml

    from router.composition.config import expand_env
    from shared.app import build_schema

    config = yaml.safe_load((HERE.parents[1] / "supergraph.yaml").read_text())
    sources = []
    for name, entry in config["subgraphs"].items():
        module = importlib.import_module(f"subgraphs.{name}.schema")
        schema = build_schema(
            query=module.Query,
            mutation=getattr(module, "Mutation", None),
            types=getattr(module, "TYPES", ()),
        )
        url = expand_env(entry["routing_url"], {}, where=name)
        sources.append(SubgraphSource(name, url, schema.as_str()))
    return sources
