"""Gateway benchmark: The Guild's graphql-gateways-benchmark workload, side by side.

    python -m benchmarks gateway [--rounds 2] [--duration 20] [--warmup 5] [--connections 50]
                                 [--workload DIR] [--node-dir DIR] [--targets KEY,...]
                                 [--json FILE]

One run loads, in turn and in the same conditions: the subgraphs direct (their own
ceiling), our router (inbound de-duplication off, then on, plus no de-duplication at all),
Hive Gateway (de-duplication off, then its benchmark configuration) and Apollo Gateway
(one process). The workload is read from `../shared/bench-workload/` (or `--workload`,
or `$G2A_BENCH_WORKLOAD`); the Node gateways and Node 22 are installed by npm into
`.bench/node/` (or `--node-dir`, or `$G2A_BENCH_NODE_DIR`) on the first run.

Shape (as in the workload's README): the four subgraphs run in one process of ours
(`benchmarks.gateway.subgraphs`); the gateway under test is one process pinned to CPU 0;
the subgraphs and the load generator (`wrk`, `apt-get install -y wrk`) share CPU 1; 50
keep-alive connections in a closed loop, a warm-up, then a fixed measured window. Before
a target is loaded its answer is checked against `expected.json` (ours byte for byte, the
Node gateways as JSON). With several rounds the targets are interleaved (each round runs
every target, odd rounds in reverse order) and medians are printed. Printed per target:
RPS, p50/p95/p99, CPU used during the window (and RPS per CPU-second it got, which a
busy machine disturbs less), peak RSS, the 1-minute load average around it, and
the ratio to the Hive Gateway row it compares with like for like; then the router's cold
planning time for the query and the issue's targets. Every loop is bounded.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import httpx

from benchmarks.gateway.node import PACKAGES, NodeGateways, install
from benchmarks.gateway.workload import (
    ENV_VAR,
    ORIGINAL_SUBGRAPHS,
    Workload,
    WorkloadMissingError,
    default_workload_dir,
    load_workload,
)

__all__ = ["ORIGINAL_SUBGRAPHS", "Measurement", "cold_planning_ms", "main"]

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
DEFAULT_WORKLOAD = default_workload_dir()
NODE_DIR_ENV = "G2A_BENCH_NODE_DIR"
GATEWAY_CPU = 0
LOAD_CPU = 1
WRK_TIMEOUT = "10s"  # long enough that slow gateways' tails are measured, not dropped
PROBE = b'{"query":"{ __typename }"}'


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
    load: tuple[float, float] | None = None  # 1-minute load average before and after


@dataclass(frozen=True)
class Target:
    key: str
    name: str
    compare_with: str | None = None  # key of the Hive Gateway row it is compared with


TARGETS = (
    Target("subgraphs", "subgraphs direct (ops/s equivalent)"),
    Target("router-off", "router, inbound dedup off", "hive-off"),
    Target("router-on", "router, inbound dedup on", "hive-bench"),
    Target("router-none", "router, no dedup at all", "hive-off"),
    Target("hive-off", "hive-gateway, dedup off"),
    Target("hive-bench", "hive-gateway, benchmark config"),
    Target("apollo", "apollo-gateway", "hive-off"),
)
BY_KEY = {target.key: target for target in TARGETS}
BY_NAME = {target.name: target for target in TARGETS}
NODE_TARGETS = {"hive-off", "hive-bench", "apollo"}


@dataclass
class Context:
    """What every target's run needs: the workload, the files written for it, options."""

    workload: Workload
    supergraph: Path
    scratch: Path
    subgraphs_port: int
    subgraphs_pid: int
    post_env: dict[str, str]
    args: argparse.Namespace
    node: NodeGateways | None = None
    logs: list[Path] = field(default_factory=list)


# --- processes -----------------------------------------------------------------------------


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
    """Wait for `GET url` to answer 200 (or, for a `/graphql` URL, a `__typename` POST)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: process exited with {process.returncode}")
        try:
            if url.endswith("/graphql"):
                headers = {"content-type": "application/json"}
                response = httpx.post(url, content=PROBE, headers=headers, timeout=1.0)
            else:
                response = httpx.get(url, timeout=1.0)
            if response.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url}: not ready after {limit:g}s")


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime + stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _peak_rss_mb(pid: int) -> float | None:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


# --- load ----------------------------------------------------------------------------------


def _wrk(
    url: str, *, script: Path, env: dict[str, str], seconds: float, connections: int, cpu: int
) -> dict[str, int]:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={WRK_TIMEOUT}",
        "-s",
        str(script),
        url,
    ]
    completed = subprocess.run(  # noqa: S603 - wrk with fixed arguments
        _pinned(command, cpu),
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
    """A warm-up, then the measured window; CPU and load average around the window."""
    _wrk(url, script=script, env=env, seconds=args.warmup, connections=args.connections, cpu=1)
    load_before = os.getloadavg()[0]
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
        load=(load_before, os.getloadavg()[0]),
    )


def _verify(url: str, body: bytes, expected: bytes, *, exact: bool = True) -> None:
    """Compare a target's answer with expected.json: byte for byte, or as JSON."""
    response = httpx.post(
        url, content=body, headers={"content-type": "application/json"}, timeout=30
    )
    if response.content == expected:
        return
    try:
        same = json.loads(response.content) == json.loads(expected)
    except ValueError:
        same = False
    if same and not exact:
        return
    raise RuntimeError(
        f"{url} answered {response.status_code} with {len(response.content)} bytes"
        f" ({'same JSON, different bytes' if same else 'WRONG DATA'}), not expected.json"
    )


# --- targets -------------------------------------------------------------------------------


def _router_config(inbound_dedup: bool, subgraph_dedup: bool) -> str:
    return (
        "traffic_shaping:\n"
        f"  router:\n    deduplicate_query: {str(inbound_dedup).lower()}\n"
        f"  all:\n    deduplicate_query: {str(subgraph_dedup).lower()}\n"
    )


Launch = tuple[list[str], dict[str, str], str, str]  # command, env, ready URL, GraphQL path


def _router_launch(inbound: bool, subgraph: bool) -> Callable[[Context, int], Launch]:
    def launch(context: Context, port: int) -> Launch:
        config = context.scratch / f"router-{int(inbound)}{int(subgraph)}.yaml"
        config.write_text(_router_config(inbound, subgraph), encoding="utf-8")
        command = [sys.executable, "-m", "router", "serve", "--supergraph"]
        command += [str(context.supergraph), "--config", str(config), "--port", str(port)]
        command += ["--no-watch", "--log-level", "warning"]
        return command, {}, f"http://127.0.0.1:{port}/health", "/graphql"

    return launch


def _hive_launch(mode: str) -> Callable[[Context, int], Launch]:
    """Hive Gateway's CLI as in its benchmark: production, `--jit`, one process."""

    def launch(context: Context, port: int) -> Launch:
        assert context.node is not None
        command = [str(context.node.node), str(context.node.hive_gateway), "supergraph"]
        command += [str(context.supergraph), "--host", "127.0.0.1", "--port", str(port)]
        command += ["--jit", "--fork", "1", "--config-path", str(HERE / "hive-gateway.config.mjs")]
        env = {"NODE_ENV": "production", "HIVE_DEDUP": mode}
        return command, env, f"http://127.0.0.1:{port}/healthcheck", "/graphql"

    return launch


def _apollo_launch(context: Context, port: int) -> Launch:
    """Apollo Gateway + Apollo Server, one process (benchmarks/gateway/apollo-gateway.cjs)."""
    assert context.node is not None
    command = [str(context.node.node), str(HERE / "apollo-gateway.cjs")]
    env = {
        "NODE_ENV": "production",
        "NODE_PATH": context.node.node_path,
        "SUPERGRAPH": str(context.supergraph),
        "PORT": str(port),
    }
    return command, env, f"http://127.0.0.1:{port}/graphql", "/graphql"


LAUNCHERS: dict[str, Callable[[Context, int], Launch]] = {
    "router-off": _router_launch(inbound=False, subgraph=True),
    "router-on": _router_launch(inbound=True, subgraph=True),
    "router-none": _router_launch(inbound=False, subgraph=False),
    "hive-off": _hive_launch("off"),
    "hive-bench": _hive_launch("benchmark"),
    "apollo": _apollo_launch,
}


def _run_target(target: Target, context: Context, round_: int) -> Measurement:
    if target.key == "subgraphs":
        return _measure(
            target.name,
            f"http://127.0.0.1:{context.subgraphs_port}",
            pid=context.subgraphs_pid,
            script=HERE / "replay.lua",
            env={"BENCH_REQUESTS": str(context.workload.subgraph_requests)},
            args=context.args,
            per_operation=16,
        )
    port = _free_port()
    command, env, ready_url, path = LAUNCHERS[target.key](context, port)
    log = context.scratch / f"{target.key}-{round_}.log"
    process = _start(command, cpu=GATEWAY_CPU, log=log, env=env)
    try:
        _wait_healthy(ready_url, process, limit=120.0)
        url = f"http://127.0.0.1:{port}{path}"
        ours = target.key.startswith("router")
        _verify(url, context.workload.query_body, context.workload.expected, exact=ours)
        return _measure(
            target.name,
            url,
            pid=process.pid,
            script=HERE / "post.lua",
            env=context.post_env,
            args=context.args,
        )
    except Exception:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        print(f"--- {target.key} log ({log}) ---\n{tail}", file=sys.stderr)  # noqa: T201
        raise
    finally:
        _stop(process)


# --- results -------------------------------------------------------------------------------


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
    target = BY_NAME.get(row.target)
    if target is None or target.compare_with is None:
        return None
    wanted = BY_KEY[target.compare_with].name
    return next((other for other in rows if other.target == wanted), None)


def _table(rows: list[Measurement]) -> str:
    header = (
        f"{'target':<38} {'RPS':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
        f" {'CPU %':>5} {'RPS/CPU-s':>9} {'RSS MB':>6} {'wrong':>5} {'errors':>6} {'load':>9}"
        "  vs Hive (like for like)"
    )
    lines = [header, "-" * len(header)]
    for row in rows:
        cpu = f"{row.cpu_percent:.0f}" if row.cpu_percent is not None else "-"
        per_cpu = f"{100 * row.rps / row.cpu_percent:.0f}" if row.cpu_percent else "-"
        rss = f"{row.peak_rss_mb:.0f}" if row.peak_rss_mb is not None else "-"
        load = f"{row.load[0]:.1f}-{row.load[1]:.1f}" if row.load else "-"
        reference = _reference(row, rows)
        ratio = ""
        if reference is not None and reference.rps > 0:
            ratio = (
                f"  {row.rps / reference.rps:.2f}x RPS, p99 {row.p99_ms / reference.p99_ms:.2f}x"
                f" of {reference.target}"
            )
        lines.append(
            f"{row.target:<38} {row.rps:>7.0f} {row.p50_ms:>7.1f} {row.p95_ms:>7.1f}"
            f" {row.p99_ms:>7.1f} {cpu:>5} {per_cpu:>9} {rss:>6} {row.wrong:>5} {row.errors:>6}"
            f" {load:>9}{ratio}"
        )
    return "\n".join(lines)


def _median_rows(rounds: list[list[Measurement]]) -> list[Measurement]:
    """Per target, the median of each figure over the rounds (peak RSS: the largest)."""
    names = [row.target for row in rounds[0]]
    names += [row.target for rows in rounds[1:] for row in rows if row.target not in names]
    medians = []
    for name in names:
        runs = [row for rows in rounds for row in rows if row.target == name]
        cpus = [row.cpu_percent for row in runs if row.cpu_percent is not None]
        rsss = [row.peak_rss_mb for row in runs if row.peak_rss_mb is not None]
        loads = [value for row in runs if row.load for value in row.load]
        medians.append(
            Measurement(
                target=name,
                rps=statistics.median(row.rps for row in runs),
                p50_ms=statistics.median(row.p50_ms for row in runs),
                p95_ms=statistics.median(row.p95_ms for row in runs),
                p99_ms=statistics.median(row.p99_ms for row in runs),
                cpu_percent=statistics.median(cpus) if cpus else None,
                peak_rss_mb=max(rsss) if rsss else None,
                requests=sum(row.requests for row in runs),
                wrong=sum(row.wrong for row in runs),
                errors=sum(row.errors for row in runs),
                load=(min(loads), max(loads)) if loads else None,
            )
        )
    return medians


def _goals(rows: list[Measurement], planning_ms: float) -> list[str]:
    """The issue's targets, checked on the given rows."""
    by_key = {BY_NAME[row.target].key: row for row in rows if row.target in BY_NAME}
    lines = []
    for ours, theirs, factor in (("router-off", "hive-off", 2.0), ("router-on", "hive-bench", 1.0)):
        if ours in by_key and theirs in by_key:
            mine, other = by_key[ours], by_key[theirs]
            ratio = mine.rps / other.rps if other.rps else float("inf")
            verdict = "met" if ratio >= factor else "MISSED"
            lines.append(
                f"{mine.target}: {ratio:.2f}x {other.target} RPS (goal >= {factor:g}x) {verdict}"
            )
            verdict = "met" if mine.p99_ms <= other.p99_ms else "MISSED"
            lines.append(
                f"{mine.target}: p99 {mine.p99_ms:.1f} ms vs {other.p99_ms:.1f} ms (goal: no worse)"
                f" {verdict}"
            )
    verdict = "met" if planning_ms < 10 else "MISSED"
    lines.append(f"cold planning of TestQuery: {planning_ms:.1f} ms (goal < 10 ms) {verdict}")
    return lines


def _machine() -> str:
    model = "unknown CPU"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_kb = int(Path("/proc/meminfo").read_text().split()[1])
    return (
        f"{os.cpu_count()} CPUs ({model}), {memory_kb / 2**20:.0f} GiB, {platform.platform()},"
        f" Python {platform.python_version()}"
    )


# --- command line --------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks gateway",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--workload",
        type=Path,
        default=None,
        help=f"workload folder (default: ${ENV_VAR} or {DEFAULT_WORKLOAD})",
    )
    parser.add_argument(
        "--node-dir",
        type=Path,
        default=Path(os.environ.get(NODE_DIR_ENV, REPO / ".bench" / "node")),
        help=f"where npm installs the Node gateways (default: ${NODE_DIR_ENV} or .bench/node)",
    )
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (median)")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--warmup", type=float, default=5.0, help="warm-up seconds")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument(
        "--targets",
        default=",".join(target.key for target in TARGETS),
        help=f"comma-separated, from: {', '.join(BY_KEY)}",
    )
    parser.add_argument("--json", type=Path, default=None, help="write the results here")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    keys = [key.strip() for key in args.targets.split(",") if key.strip()]
    unknown = [key for key in keys if key not in BY_KEY]
    if unknown or args.rounds < 1:
        print(f"unknown targets {unknown}; choose from {', '.join(BY_KEY)}", file=sys.stderr)  # noqa: T201
        return 2
    if shutil.which("wrk") is None:
        print("wrk is required: apt-get install -y wrk", file=sys.stderr)  # noqa: T201
        return 2
    try:
        workload = load_workload(args.workload)
    except WorkloadMissingError as error:
        print(error, file=sys.stderr)  # noqa: T201
        return 2
    node = None
    if NODE_TARGETS.intersection(keys):
        node_dir = args.node_dir.resolve()
        print(f"Node gateways: {PACKAGES} in {node_dir} (npm install on first use)")  # noqa: T201
        node = install(node_dir, log=node_dir.parent / "npm-install.log")
    targets = [BY_KEY[key] for key in keys]
    rounds: list[list[Measurement]] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="g2a-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        body_file = scratch / "query.json"
        body_file.write_bytes(workload.query_body)
        post_env = {
            "BENCH_BODY": str(body_file),
            "BENCH_EXPECTED_LENGTH": str(len(workload.expected)),
        }
        sub_port = _free_port()
        command = [sys.executable, "-m", "benchmarks.gateway.subgraphs"]
        command += ["--port", str(sub_port), "--workload", str(workload.root)]
        subgraphs = _start(command, cpu=LOAD_CPU, log=scratch / "subgraphs.log")
        try:
            _wait_healthy(f"http://127.0.0.1:{sub_port}/health", subgraphs)
            sdl = workload.supergraph_sdl(f"http://127.0.0.1:{sub_port}")
            supergraph = scratch / "supergraph.graphql"
            supergraph.write_text(sdl, encoding="utf-8")
            request = workload.request
            planning = [
                cold_planning_ms(sdl, request["query"], request.get("operationName"))
                for _ in range(5)
            ]
            context = Context(
                workload, supergraph, scratch, sub_port, subgraphs.pid, post_env, args
            )
            context.node = node
            for round_ in range(args.rounds):
                order = targets if round_ % 2 == 0 else targets[::-1]
                rows = []
                for target in order:
                    print(f"round {round_ + 1}: {target.name} ...", flush=True)  # noqa: T201
                    try:
                        rows.append(_run_target(target, context, round_))
                    except (RuntimeError, subprocess.SubprocessError, httpx.HTTPError) as error:
                        failures.append(f"round {round_ + 1}, {target.name}: {error}")
                        print(f"FAILED: {failures[-1]}", file=sys.stderr)  # noqa: T201
                rows.sort(key=lambda row: keys.index(BY_NAME[row.target].key))
                rounds.append(rows)
                print(f"\nround {round_ + 1}\n{_table(rows)}\n", flush=True)  # noqa: T201
        finally:
            _stop(subgraphs)
    summary = _median_rows([rows for rows in rounds if rows]) if any(rounds) else []
    print(  # noqa: T201
        f"machine: {_machine()}\nworkload: {workload.root} · {args.connections} connections"
        f" · warm-up {args.warmup:g}s · window {args.duration:g}s · {args.rounds} round(s)"
        f" · gateway on CPU {GATEWAY_CPU}, subgraphs + wrk on CPU {LOAD_CPU}"
    )
    title = f"medians of {len(rounds)} interleaved rounds" if len(rounds) > 1 else "results"
    print(f"\n{title}\n{_table(summary)}\n")  # noqa: T201
    cold = statistics.median(planning)
    print(  # noqa: T201
        f"cold planning of TestQuery (fresh planner, 5 runs): first {planning[0]:.1f} ms,"
        f" median {cold:.1f} ms"
    )
    print("\n".join(_goals(summary, planning[0])))  # noqa: T201
    for row in summary:
        if row.wrong or row.errors:
            print(f"WARNING: {row.target}: {row.wrong} wrong, {row.errors} errors")  # noqa: T201
    for failure in failures:
        print(f"FAILED: {failure}")  # noqa: T201
    if args.json is not None:
        payload = {
            "machine": _machine(),
            "rounds": [[asdict(row) for row in rows] for rows in rounds],
            "medians": [asdict(row) for row in summary],
            "cold_planning_ms": planning,
        }
        args.json.write_text(json.dumps(payload, indent=2), encoding="utf-8")
    clean = all(row.wrong == 0 and row.errors == 0 for row in summary)
    return 0 if clean and not failures else 1
