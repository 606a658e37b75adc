"""Helpers for the composition tests: fixture discovery and Apollo's composer via node."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

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


async def project_sources() -> list[SubgraphSource]:
    """The project's subgraphs as listed in supergraph.yaml, each SDL fetched the way the
    composer fetches it (`{ _service { sdl } }`) from the subgraph's own app
    (`subgraphs.<name>.app:create_app`, the dev runner's convention) over httpx's ASGI
    transport: what the subgraph really serves, without a database."""
    import importlib

    import httpx

    from router.composition.config import expand_env

    sources = []
    for name, entry in _project_config()["subgraphs"].items():
        app = importlib.import_module(f"subgraphs.{name}.app").create_app()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://subgraph") as client:
            response = await client.post("/graphql", json={"query": "{ _service { sdl } }"})
        await app.state.subgraph.engine.dispose()
        response.raise_for_status()
        sdl = response.json()["data"]["_service"]["sdl"]
        url = expand_env(entry["routing_url"], {}, where=name)
        sources.append(SubgraphSource(name, url, sdl))
    return sources


def _project_config() -> dict[str, Any]:
    import yaml

    config: dict[str, Any] = yaml.safe_load((HERE.parents[1] / "supergraph.yaml").read_text())
    return config


def listed_subgraphs() -> list[str]:
    return list(_project_config()["subgraphs"])
