"""Composition benchmark: how long composing the supergraph takes (target: < 2 s).

    .venv/bin/python -m benchmarks.compose [--rounds 20]

Two workloads, each composed `rounds` times (median and worst printed):
- project: the subgraphs of supergraph.yaml, SDL printed from their Strawberry schemas;
- synthetic: 12 subgraphs sharing 40 entities each (keys, @shareable, @requires, @provides,
  @override, interfaces, unions, enums, inputs), to see how composition scales.
Nothing is asserted; the figures are printed.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import yaml

from router.composition import SubgraphSource, compose
from router.composition.config import expand_env

REPO = Path(__file__).resolve().parents[1]


def project_sources() -> list[SubgraphSource]:
    """Each subgraph's SDL as it serves it (`{ _service { sdl } }` over httpx's ASGI transport,
    no database needed), for the subgraphs listed in supergraph.yaml."""
    return asyncio.run(_fetch_project_sources())


async def _fetch_project_sources() -> list[SubgraphSource]:
    config = yaml.safe_load((REPO / "supergraph.yaml").read_text())
    sources = []
    for name, entry in config["subgraphs"].items():
        app = importlib.import_module(f"subgraphs.{name}.app").create_app()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://subgraph") as client:
            response = await client.post("/graphql", json={"query": "{ _service { sdl } }"})
        await app.state.subgraph.engine.dispose()
        sdl = response.json()["data"]["_service"]["sdl"]
        url = expand_env(entry["routing_url"], {}, where=name)
        sources.append(SubgraphSource(name, url, sdl))
    return sources


def synthetic_sources(subgraphs: int = 12, entities: int = 40) -> list[SubgraphSource]:
    header = (
        'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", '
        '"@shareable", "@external", "@requires", "@provides", "@override", "@tag"])\n'
    )
    sources = []
    for s in range(subgraphs):
        parts = [header, "enum Status { ACTIVE ARCHIVED }"]
        parts.append("input Page { first: Int after: String }")
        parts.append("interface Node { id: ID! }")
        query = []
        for e in range(entities):
            fields = [
                "id: ID!",
                "name: String @shareable",
                f"own{s}: Int",
                "status: Status @shareable",
                f"weight{s}: Int @external" if s else "weight0: Int",
            ]
            if s:
                fields.append(f'shipping{s}: Int @requires(fields: "weight{s}")')
            parts.append(
                f'type Entity{e} implements Node @key(fields: "id") @tag(name: "t{s}") '
                "{ " + " ".join(fields) + " }"
            )
            query.append(f"entity{e}_{s}(id: ID!, page: Page): Entity{e}")
        members = " | ".join(f"Entity{e}" for e in range(entities))
        parts.append(f"union Anything = {members}")
        parts.append("type Query { " + " ".join(query) + f" any{s}: [Anything] }}")
        sources.append(SubgraphSource(f"sg{s}", f"http://sg{s}.example/graphql", "\n".join(parts)))
    # weightN is external in sgN: sg0 owns every weight field, so each @requires can be met.
    return [_own_weights(s, subgraphs) if s.name == "sg0" else s for s in sources]


def _own_weights(source: SubgraphSource, subgraphs: int) -> SubgraphSource:
    extra = " ".join(f"weight{s}: Int @shareable" for s in range(1, subgraphs))
    sdl = source.sdl.replace("weight0: Int", "weight0: Int " + extra)
    return SubgraphSource(source.name, source.url, sdl)


def measure(label: str, sources: Callable[[], list[SubgraphSource]], rounds: int) -> None:
    inputs = sources()
    timings = []
    cpu = []
    for _ in range(rounds):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = compose(inputs)
        timings.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if result.errors:
            raise SystemExit(f"{label}: composition failed: {result.errors[0]}")
    size = len(result.supergraph_sdl or "")
    print(  # noqa: T201 - a benchmark prints its figures
        f"{label:10s} {len(inputs):3d} subgraphs  {size:8d} chars  "
        f"median {statistics.median(timings) * 1000:8.1f} ms  worst {max(timings) * 1000:8.1f} ms"
        f"  (cpu median {statistics.median(cpu) * 1000:8.1f} ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # the subgraph apps log their start-up
    measure("project", project_sources, args.rounds)
    measure("synthetic", synthetic_sources, max(1, args.rounds // 4))


if __name__ == "__main__":
    main()
