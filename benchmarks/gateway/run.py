"""Gateway benchmark: The Guild's graphql-gateways-benchmark workload against our router.

    python -m benchmarks gateway [--duration 20] [--warmup 5] [--connections 50]
                                 [--workload DIR] [--modes off,on] [--hive-gateway BIN]

Shape (as measured in the workload's README): the four subgraphs run in one process of
ours (`benchmarks.gateway.subgraphs`), the router is one process pinned to CPU 0, the
subgraphs and the load generator (`wrk`, Debian package) share CPU 1; 50 keep-alive
connections in a closed loop; a warm-up, then a fixed measured window. Before loading a
target its answer is checked byte for byte against `expected.json`; during the window
the wrk script checks every response's status and length. Printed per target: RPS,
p50/p95/p99, CPU used during the window, peak RSS; plus the subgraphs' own ceiling and
the router's cold planning time for the query. Everything is bounded and stops itself.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import httpx

__all__ = ["main"]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_WORKLOAD = HERE / "workload"
ORIGINAL_SUBGRAPHS = "http://0.0.0.0:4200"


@dataclass
class Measurement:
    target: str
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    cpu_percent: float | None
    peak_rss_mb: float | None
    requests: int
    wrong: int
    errors: int


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _pinned(command: list[str], cpu: int | None) -> list[str]:
    if cpu is None or shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        return command
    return ["taskset", "-c", str(cpu), *command]


def _start(
    command: list[str], *, cpu: int | None, log: Path, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    with log.open("wb") as sink:
        return subprocess.Popen(  # noqa: S603 - our own processes, fixed arguments
            _pinned(command, cpu),
            cwd=REPO,
            stdout=sink,
            stderr=subprocess.STDOUT,
            env={**os.environ, **(env or {})},
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def _wait_healthy(url: str, process: subprocess.Popen[bytes], *, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url}: not healthy after {limit:g}s")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float | None:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def _wrk(
    url: str, *, script: Path, env: dict[str, str], seconds: float, connections: int, cpu: int
) -> dict[str, int]:
    command = _pinned(
        ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "-s", str(script), url],
        cpu,
    )
    completed = subprocess.run(  # noqa: S603 - wrk with fixed arguments
        command,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=seconds + 60,
        check=True,
    )
    for line in completed.stdout.splitlines():
        if line.startswith("BENCH_RESULT "):
            result: dict[str, int] = json.loads(line.removeprefix("BENCH_RESULT "))
            return result
    raise RuntimeError(f"wrk printed no result:\n{completed.stdout}\n{completed.stderr}")


def _measure(
    target: str,
    url: str,
    *,
    pid: int | None,
    script: Path,
    env: dict[str, str],
    args: argparse.Namespace,
    per_operation: int = 1,
) -> Measurement:
    _wrk(url, script=script, env=env, seconds=args.warmup, connections=args.connections, cpu=1)
    cpu_before = _cpu_seconds(pid) if pid else None
    started = time.monotonic()
    raw = _wrk(
        url, script=script, env=env, seconds=args.duration, connections=args.connections, cpu=1
    )
    elapsed = time.monotonic() - started
    cpu_percent = None
    if pid and cpu_before is not None:
        cpu_percent = 100 * (_cpu_seconds(pid) - cpu_before) / elapsed
    errors = sum(raw[key] for key in ("connect_errors", "read_errors", "timeouts", "status_errors"))
    return Measurement(
        target=target,
        rps=raw["requests"] / (raw["duration_us"] / 1e6) / per_operation,
        p50_ms=raw["p50_us"] / 1000,
        p95_ms=raw["p95_us"] / 1000,
        p99_ms=raw["p99_us"] / 1000,
        cpu_percent=cpu_percent,
        peak_rss_mb=_peak_rss_mb(pid) if pid else None,
        requests=raw["requests"],
        wrong=raw["wrong"],
        errors=errors,
    )


def _verify(url: str, body: bytes, expected: bytes, *, exact: bool = True) -> None:
    """Compare a target's answer with expected.json: byte for byte, or as JSON."""
    response = httpx.post(
        url, content=body, headers={"content-type": "application/json"}, timeout=30
    )
    if response.content == expected:
        return
    same = json.loads(response.content) == json.loads(expected)
    if same and not exact:
        return
    raise RuntimeError(
        f"{url} answered {len(response.content)} bytes"
        f" ({'same JSON, different bytes' if same else 'WRONG DATA'})"
    )


def cold_planning_ms(supergraph_sdl: str, query: str, operation_name: str | None) -> float:
    """Time to plan the workload's query on a fresh planner (no cache)."""
    from graphql import parse

    from router.planner import QueryPlanner
    from router.supergraph import Supergraph

    planner = QueryPlanner(Supergraph.parse(supergraph_sdl))
    document = parse(query)
    started = time.perf_counter()
    planner.plan(document, operation_name)
    return (time.perf_counter() - started) * 1000


def _reference(row: Measurement, rows: list[Measurement]) -> Measurement | None:
    """Like with like: no inbound dedup vs Hive without dedup; with it vs Hive's config."""
    wanted = {
        "router, inbound dedup off": "hive-gateway, dedup off",
        "router, inbound dedup on": "hive-gateway, benchmark config",
    }.get(row.target)
    return next((other for other in rows if other.target == wanted), None)


def _table(rows: list[Measurement]) -> str:
    header = (
        f"{'target':<44} {'RPS':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
        f" {'CPU %':>6} {'RSS MB':>7} {'wrong':>6} {'errors':>6}"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        cpu = f"{row.cpu_percent:.0f}" if row.cpu_percent is not None else "-"
        rss = f"{row.peak_rss_mb:.0f}" if row.peak_rss_mb is not None else "-"
        reference = _reference(row, rows)
        ratio = f"  {row.rps / reference.rps:.2f}x {reference.target}" if reference else ""
        lines.append(
            f"{row.target:<44} {row.rps:>9.0f} {row.p50_ms:>8.1f} {row.p95_ms:>8.1f}"
            f" {row.p99_ms:>8.1f} {cpu:>6} {rss:>7} {row.wrong:>6} {row.errors:>6}{ratio}"
        )
    return "\n".join(lines)


def _router_config(inbound_dedup: bool, subgraph_dedup: bool) -> str:
    return (
        "traffic_shaping:\n"
        f"  router:\n    deduplicate_query: {str(inbound_dedup).lower()}\n"
        f"  all:\n    deduplicate_query: {str(subgraph_dedup).lower()}\n"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m benchmarks gateway", description=__doc__)
    parser.add_argument("--workload", type=Path, default=DEFAULT_WORKLOAD)
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up seconds")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--modes",
        default="off,on",
        help="inbound de-duplication modes to run: off, on (comma-separated)",
    )
    parser.add_argument(
        "--no-subgraph-dedup", action="store_true", help="also turn subgraph dedup off"
    )
    parser.add_argument("--hive-gateway", type=Path, default=None, help="hive-gateway binary")
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is required: apt-get install -y wrk", file=sys.stderr)  # noqa: T201
        return 2
    workload: Path = args.workload
    query_body = (workload / "query.json").read_bytes()
    expected = json.dumps(
        json.loads((workload / "expected.json").read_bytes()), separators=(",", ":")
    ).encode()
    request = json.loads(query_body)
    rows: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="g2a-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        body_file = scratch / "query.json"
        body_file.write_bytes(query_body)
        post_env = {"BENCH_BODY": str(body_file), "BENCH_EXPECTED_LENGTH": str(len(expected))}

        sub_port = _free_port()
        subgraphs = _start(
            [
                sys.executable,
                "-m",
                "benchmarks.gateway.subgraphs",
                "--port",
                str(sub_port),
                "--workload",
                str(workload),
            ],
            cpu=1,
            log=scratch / "subgraphs.log",
        )
        try:
            _wait_healthy(f"http://127.0.0.1:{sub_port}/health", subgraphs)
            sdl = (workload / "benchmark-supergraph.graphql").read_text(encoding="utf-8")
            sdl = sdl.replace(ORIGINAL_SUBGRAPHS, f"http://127.0.0.1:{sub_port}")
            supergraph = scratch / "supergraph.graphql"
            supergraph.write_text(sdl, encoding="utf-8")
            planning = cold_planning_ms(sdl, request["query"], request.get("operationName"))

            rows.append(
                _measure(
                    "subgraphs direct (ops/s equivalent)",
                    f"http://127.0.0.1:{sub_port}",
                    pid=subgraphs.pid,
                    script=HERE / "replay.lua",
                    env={"BENCH_REQUESTS": str(workload / "subgraph-requests.tsv")},
                    args=args,
                    per_operation=16,
                )
            )
            for mode in [m.strip() for m in args.modes.split(",") if m.strip()]:
                inbound = mode == "on"
                config = scratch / f"router-{mode}.yaml"
                config.write_text(
                    _router_config(inbound, not args.no_subgraph_dedup), encoding="utf-8"
                )
                rows.append(
                    _run_router(
                        f"router, inbound dedup {mode}",
                        supergraph=supergraph,
                        config=config,
                        args=args,
                        post_env=post_env,
                        expected=expected,
                    )
                )
            if args.hive_gateway is not None:
                rows.extend(
                    _run_hive(
                        args.hive_gateway,
                        supergraph=supergraph,
                        args=args,
                        post_env=post_env,
                        scratch=scratch,
                        expected=expected,
                        dedup=dedup,
                    )
                    for dedup in (False, True)
                )
        finally:
            _stop(subgraphs)
        for row in rows:
            if row.wrong or row.errors:
                print(f"WARNING: {row.target}: {row.wrong} wrong, {row.errors} errors")  # noqa: T201
    print(  # noqa: T201
        f"\nworkload: {workload} · {args.connections} connections · warm-up {args.warmup:g}s"
        f" · window {args.duration:g}s · {os.cpu_count()} CPUs (router on CPU 0)"
    )
    print(_table(rows))  # noqa: T201
    print(f"cold planning of the query: {planning:.1f} ms")  # noqa: T201
    if args.json is not None:
        payload = {"rows": [asdict(row) for row in rows], "cold_planning_ms": planning}
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    return 0 if all(row.wrong == 0 and row.errors == 0 for row in rows) else 1


def _run_router(
    target: str,
    *,
    supergraph: Path,
    config: Path,
    args: argparse.Namespace,
    post_env: dict[str, str],
    expected: bytes,
) -> Measurement:
    port = _free_port()
    router = _start(
        [
            sys.executable,
            "-m",
            "router",
            "serve",
            "--supergraph",
            str(supergraph),
            "--config",
            str(config),
            "--port",
            str(port),
            "--no-watch",
            "--log-level",
            "warning",
        ],
        cpu=0,
        log=config.with_suffix(".log"),
    )
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/health", router)
        url = f"http://127.0.0.1:{port}/graphql"
        _verify(url, Path(post_env["BENCH_BODY"]).read_bytes(), expected)
        return _measure(
            target,
            url,
            pid=router.pid,
            script=HERE / "post.lua",
            env=post_env,
            args=args,
        )
    finally:
        _stop(router)


_HIVE_NO_DEDUP = """export const gatewayConfig = {
  transportEntries: { "*.http": { options: { deduplicateInflightRequests: false } } },
};
"""


def _run_hive(
    binary: Path,
    *,
    supergraph: Path,
    args: argparse.Namespace,
    post_env: dict[str, str],
    scratch: Path,
    expected: bytes,
    dedup: bool,
) -> Measurement:
    """Hive Gateway's CLI as in its benchmark (production, JIT, one process)."""
    port = _free_port()
    command = [str(binary), "supergraph", str(supergraph), "--port", str(port)]
    command += ["--host", "127.0.0.1", "--jit", "--fork", "1"]
    if not dedup:
        config = scratch / "gateway.config.mjs"
        config.write_text(_HIVE_NO_DEDUP, encoding="utf-8")
        command += ["--config-path", str(config)]
    target = "hive-gateway, benchmark config" if dedup else "hive-gateway, dedup off"
    hive = _start(command, cpu=0, log=scratch / f"hive-{dedup}.log", env={"NODE_ENV": "production"})
    try:
        _wait_healthy(f"http://127.0.0.1:{port}/healthcheck", hive)
        url = f"http://127.0.0.1:{port}/graphql"
        _verify(url, Path(post_env["BENCH_BODY"]).read_bytes(), expected, exact=False)
        return _measure(
            target, url, pid=hive.pid, script=HERE / "post.lua", env=post_env, args=args
        )
    finally:
        _stop(hive)
