"""The issue's cross-subgraph place query through the router: throughput and latency.

    .venv/bin/python -m benchmarks.place_query [--requests 2000] [--concurrency 16]
                                               [--admin-dsn postgresql://postgres@127.0.0.1/postgres]

Creates a throw-away database (dropped at the end), migrates and seeds users, atlas, media
and rf (the demo data), starts each subgraph and the router as its own process (uvicorn,
127.0.0.1, ephemeral ports, outbox dispatchers off), composes the supergraph from the
subgraphs' own SDL, then sends `--requests` guest POSTs of

    place(id) { name city { name country { name } } articles { … author { displayName } }
                rfPartner { name vouchers { … } } }

(`--concurrency` at a time, over the demo places that have a partner, articles or both)
after a warm-up. It prints requests per second and p50 / p95 / p99 latency as the client
sees it, and checks every answer is error-free. Nothing is asserted; figures depend on the
machine and its load (printed too).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import itertools
import logging
import os
import secrets
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import asyncpg
import httpx

from router.composition import SubgraphSource, compose
from shared.migrations import upgrade
from shared.seed import run_seeds
from subgraphs.media.demo import load_articles
from subgraphs.rf.demo import load_partners

SUBGRAPHS = ("users", "atlas", "media", "rf")
PLACE = """
query Place($id: ID!) {
  place(id: $id) {
    name
    city { name country { name } }
    articles(first: 5) { edges { node { title author { displayName } } } }
    rfPartner { name vouchers(first: 5) { edges { node { title pricePoints } } } }
  }
}
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _place_ids() -> list[str]:
    with_partner = {str(row.place_id) for row in load_partners() if row.place_id is not None}
    with_articles = {str(place) for row in load_articles() for place in row.place_ids}
    return sorted(with_partner | with_articles)


async def _wait_ready(url: str, processes: list[asyncio.subprocess.Process]) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(300):
            if any(process.returncode is not None for process in processes):
                raise RuntimeError("a process exited during start-up")
            try:
                if (await client.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
    raise RuntimeError(f"{url} never became ready")


def _supergraph(ports: dict[str, int], env: dict[str, str]) -> str:
    """Compose from each app's printed SDL (what `_service` serves)."""
    os.environ.update(env)
    sources = []
    for name in SUBGRAPHS:
        app = importlib.import_module(f"subgraphs.{name}.app").create_app()
        sdl = app.state.subgraph.schema.as_str()
        sources.append(SubgraphSource(name, f"http://127.0.0.1:{ports[name]}/graphql", sdl))
    result = compose(sources)
    if result.supergraph_sdl is None:
        raise RuntimeError(f"composition failed: {result.errors}")
    return result.supergraph_sdl


async def _load(url: str, requests: int, concurrency: int, place_ids: list[str]) -> list[float]:
    ids = itertools.cycle(place_ids)
    latencies: list[float] = []
    remaining = requests
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=30) as client:

        async def worker() -> None:
            nonlocal remaining
            while remaining > 0:
                remaining -= 1
                body = {"query": PLACE, "variables": {"id": next(ids)}}
                started = time.perf_counter()
                response = await client.post("/graphql", json=body)
                latencies.append(time.perf_counter() - started)
                answer = response.json()
                if response.status_code != 200 or answer.get("errors"):
                    raise RuntimeError(f"bad answer: {response.status_code} {answer}")

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def main_async(args: argparse.Namespace) -> None:
    admin = await asyncpg.connect(args.admin_dsn)
    name = f"g2a_bench_{secrets.token_hex(4)}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    database_url = f"{args.admin_dsn.rsplit('/', 1)[0]}/{name}".replace(
        "postgresql://", "postgresql+asyncpg://", 1
    )
    processes: list[asyncio.subprocess.Process] = []
    try:
        for service in SUBGRAPHS:
            await asyncio.to_thread(upgrade, service, database_url)
        await run_seeds(SUBGRAPHS, database_url=database_url)
        env = {
            "DATABASE_URL": database_url,
            "OUTBOX_DISPATCHER_ENABLED": "false",
            "MIGRATE_ON_START": "false",
            "LOG_LEVEL": "ERROR",
            "GRAPHQL_IDE": "false",
        }
        ports = {service: _free_port() for service in (*SUBGRAPHS, "router")}
        child_env = os.environ | env
        for service in SUBGRAPHS:
            command = [sys.executable, "-m", "uvicorn", "--factory"]
            command += [f"subgraphs.{service}.app:create_app", "--no-access-log"]
            command += ["--host", "127.0.0.1", "--port", str(ports[service])]
            command += ["--log-level", "error"]
            processes.append(await asyncio.create_subprocess_exec(*command, env=child_env))
        for service in SUBGRAPHS:
            await _wait_ready(f"http://127.0.0.1:{ports[service]}/ready", processes)
        with tempfile.TemporaryDirectory() as scratch:
            supergraph = Path(scratch) / "supergraph.graphql"
            supergraph.write_text(_supergraph(ports, env))
            command = [sys.executable, "-m", "router", "serve", "--supergraph", str(supergraph)]
            command += ["--host", "127.0.0.1", "--port", str(ports["router"]), "--no-watch"]
            command += ["--log-level", "error"]
            processes.append(await asyncio.create_subprocess_exec(*command, env=child_env))
            router_url = f"http://127.0.0.1:{ports['router']}"
            await _wait_ready(f"{router_url}/ready", processes)
            place_ids = _place_ids()
            await _load(router_url, min(200, args.requests), args.concurrency, place_ids)
            started = time.perf_counter()
            latencies = await _load(router_url, args.requests, args.concurrency, place_ids)
            elapsed = time.perf_counter() - started
        cuts = statistics.quantiles(latencies, n=100)
        print(  # noqa: T201
            f"{args.requests} place queries over {len(place_ids)} demo places, "
            f"concurrency {args.concurrency}, load average {os.getloadavg()[0]:.1f} on "
            f"{os.cpu_count()} CPUs\n"
            f"  {args.requests / elapsed:.0f} req/s; latency ms p50 {cuts[49] * 1000:.1f}, "
            f"p95 {cuts[94] * 1000:.1f}, p99 {cuts[98] * 1000:.1f}"
        )
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                await asyncio.wait_for(process.wait(), timeout=10)
            except TimeoutError:
                process.kill()
                await process.wait()
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.place_query", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--admin-dsn", default="postgresql://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.ERROR)
    asyncio.run(main_async(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
