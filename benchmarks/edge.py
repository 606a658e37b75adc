"""Edge benchmark: what the edge features cost on the gateway workload.

    python -m benchmarks edge [--duration 20] [--warmup 5] [--connections 50] [--redis URL]

Runs the gateway benchmark's setup (its subgraphs on CPU 1 with wrk, the router alone on
CPU 0, 50 keep-alive connections, a warm-up then a measured window) against the router
twice: edge features off (today's defaults), then on: demand control enforcing (estimate
and actual cost on every response), persisted queries (APQ), rate limits per IP and per
client plus a cost budget, Prometheus metrics and the JSON access log; with `--redis`
the APQ store and the rate limits live in Redis. The limits are set high enough that
nothing is refused: what is measured is the price of checking. Prints both rows and
the throughput ratio, plus the router CPU time per request: on a shared machine RPS moves
with the neighbours, CPU per request much less (the target is a cost below 15%).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import uvloop
import yaml

from benchmarks.gateway.run import (
    DEFAULT_WORKLOAD,
    HERE,
    ORIGINAL_SUBGRAPHS,
    Measurement,
    _free_port,
    _measure,
    _start,
    _stop,
    _table,
    _wait_healthy,
)

__all__ = ["main"]

BASE: dict[str, Any] = {
    "traffic_shaping": {"router": {"deduplicate_query": False}, "all": {"deduplicate_query": True}}
}
GENEROUS = {"capacity": 10_000_000, "refill_per_second": 10_000_000}


def edge_config(redis_url: str | None, *, access_log_stdout: bool = True) -> dict[str, Any]:
    config: dict[str, Any] = {
        **BASE,
        "demand_control": {
            "enabled": True,
            "mode": "enforce",
            "strategy": {"static_estimated": {"max": 1_000_000}},
        },
        "persisted_queries": {"enabled": True},
        "rate_limit": {
            "enabled": True,
            "per_ip": GENEROUS,
            "per_client": GENEROUS,
            "cost_budget": {"budget": 1e15, "window_seconds": 60},
        },
        "telemetry": {
            "metrics": {"enabled": True},
            "access_log": {"enabled": True, "stdout": access_log_stdout},
        },
    }
    if redis_url:
        config["redis"] = {"url": redis_url, "key_prefix": "g2a:bench:"}
    return config


def _check(url: str, body: bytes, expected: dict[str, Any]) -> int:
    """The router's answer has the expected data; returns its length in bytes."""
    response = httpx.post(
        url,
        content=body,
        headers={"content-type": "application/json", "apollographql-client-name": "bench"},
        timeout=30,
    )
    answer = response.json()
    if response.status_code != 200 or answer.get("data") != expected["data"]:
        raise RuntimeError(f"{url}: wrong answer ({response.status_code})")
    return len(response.content)


def _run(
    target: str,
    config: dict[str, Any],
    *,
    supergraph: Path,
    scratch: Path,
    args: argparse.Namespace,
) -> Measurement:
    path = scratch / f"router-{len(list(scratch.glob('router-*.yaml')))}.yaml"
    path.write_text(yaml.safe_dump(config), encoding="utf-8")
    port = _free_port()
    command = [sys.executable, "-m", "router", "serve", "--supergraph", str(supergraph)]
    command += ["--config", str(path), "--port", str(port), "--no-watch", "--log-level", "warning"]
    router = _start(command, cpu=0, log=path.with_suffix(".log"))
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/health", router)
        url = f"http://127.0.0.1:{port}/graphql"
        body = (args.workload / "query.json").read_bytes()
        expected = json.loads((args.workload / "expected.json").read_bytes())
        length = _check(url, body, expected)
        env = {
            "BENCH_BODY": str(args.workload / "query.json"),
            "BENCH_EXPECTED_LENGTH": str(length),
        }
        return _measure(target, url, pid=router.pid, script=HERE / "post.lua", env=env, args=args)
    finally:
        _stop(router)


def _cpu_ms(row: Measurement) -> float:
    """Router CPU time per request: what bounds throughput when the router is saturated."""
    return float("nan") if row.cpu_percent is None else row.cpu_percent * 10 / row.rps


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks edge", description=__doc__)
    parser.add_argument("--workload", type=Path, default=DEFAULT_WORKLOAD)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up seconds")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--redis", default=None, help="also run with Redis at this URL")
    parser.add_argument("--rounds", type=int, default=5, help="in-process rounds per variant")
    parser.add_argument(
        "--in-process",
        type=int,
        default=0,
        metavar="N",
        help="instead of wrk: N sequential requests straight into the ASGI app, edge off and on"
        " (with --redis: off, in memory, Redis) alternated over --rounds rounds, reporting"
        " the router's own CPU time per request",
    )
    return parser


async def _asgi_cpu_ms(app: Any, body: bytes, count: int) -> float:
    """Router CPU (process time) per request, calling the ASGI app with no HTTP around it."""
    scope = {
        "type": "http",
        "method": "POST",
        "path": "/graphql",
        "query_string": b"",
        "client": ("127.0.0.1", 50000),
        "headers": [
            (b"content-type", b"application/json"),
            (b"apollographql-client-name", b"bench"),
        ],
    }
    statuses: list[int] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    started = time.process_time()
    for _ in range(count):
        await app(scope, receive, send)
    elapsed = time.process_time() - started
    if any(status != 200 for status in statuses):
        raise RuntimeError(f"non-200 answers: {sorted(set(statuses))}")
    return elapsed * 1000 / count


async def _in_process(supergraph: Path, args: argparse.Namespace) -> dict[str, list[float]]:
    from router.app import RouterApp
    from router.config import RouterConfig
    from router.reload import FileSupergraphSource, StateHolder, build_state

    logging.getLogger("router.access").addHandler(logging.FileHandler(os.devnull))
    body = (args.workload / "query.json").read_bytes()
    apps = {}
    # In process the access log goes to a file handler (os.devnull), not to stdout.
    variants = [("off", BASE), ("on (in memory)", edge_config(None, access_log_stdout=False))]
    if args.redis:
        variants.append(("on (Redis)", edge_config(args.redis, access_log_stdout=False)))
    for name, raw in variants:
        config = RouterConfig.model_validate(raw)
        state = build_state(FileSupergraphSource(supergraph), config)
        apps[name] = RouterApp(config=config, holder=StateHolder(state), watch=False)
    results: dict[str, list[float]] = {name: [] for name in apps}
    try:
        for app in apps.values():
            await _asgi_cpu_ms(app, body, 50)  # warm caches and connections
        for _ in range(args.rounds):
            for name, app in apps.items():
                results[name].append(await _asgi_cpu_ms(app, body, args.in_process))
    finally:
        for app in apps.values():
            await app.shutdown()
    return results


def _print_in_process(cpu: dict[str, list[float]]) -> None:
    off = statistics.median(cpu["off"])
    for name, rounds in cpu.items():
        median = statistics.median(rounds)
        cost = "" if name == "off" else f"  CPU-bound throughput cost {1 - off / median:+.1%}"
        spread = ", ".join(f"{value:.3f}" for value in rounds)
        print(f"edge {name:15} {median:.3f} ms router CPU per request [{spread}]{cost}")  # noqa: T201


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")  # noqa: T201
    if shutil.which("wrk") is None:
        print("wrk is required: apt-get install -y wrk", file=sys.stderr)  # noqa: T201
        return 2
    rows: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="g2a-edge-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        sub_port = _free_port()
        command = [sys.executable, "-m", "benchmarks.gateway.subgraphs"]
        command += ["--port", str(sub_port), "--workload", str(args.workload)]
        subgraphs = _start(command, cpu=1, log=scratch / "subgraphs.log")
        try:
            _wait_healthy(f"http://127.0.0.1:{sub_port}/health", subgraphs)
            sdl = (args.workload / "benchmark-supergraph.graphql").read_text(encoding="utf-8")
            supergraph = scratch / "supergraph.graphql"
            supergraph.write_text(
                sdl.replace(ORIGINAL_SUBGRAPHS, f"http://127.0.0.1:{sub_port}"), encoding="utf-8"
            )
            if args.in_process:
                cpu = uvloop.run(_in_process(supergraph, args))  # as `router serve` runs
                _print_in_process(cpu)
                return 0
            runs = [("router, edge off", BASE), ("router, edge on (in memory)", edge_config(None))]
            if args.redis:
                runs.append(("router, edge on (Redis)", edge_config(args.redis)))
            for target, config in runs:
                rows.append(_run(target, config, supergraph=supergraph, scratch=scratch, args=args))
        finally:
            _stop(subgraphs)
    print(_table(rows))  # noqa: T201
    base = rows[0]
    for row in rows:
        print(f"{row.target}: {_cpu_ms(row):.2f} ms of router CPU per request")  # noqa: T201
    for row in rows[1:]:
        # On a busy machine RPS moves with the neighbours; CPU per request does not.
        cpu_cost = 1 - _cpu_ms(base) / _cpu_ms(row)
        print(  # noqa: T201
            f"{row.target}: {row.rps / base.rps:.3f}x the RPS; CPU-bound throughput cost"
            f" {cpu_cost:+.1%} (target < 15%)"
        )
    return 0 if all(row.wrong == 0 and row.errors == 0 for row in rows) else 1
