"""Security edge benchmark: what authentication, authorization, limits and HTTP hygiene cost.

    python -m benchmarks.edge_security [--duration 20] [--warmup 5] [--connections 50]

Same setup as `python -m benchmarks edge` (the gateway workload, router alone on CPU 0,
subgraphs and wrk on CPU 1), three router configurations:

- off: CSRF, traceparent propagation, the authorization stage and the parser token
  limit all disabled (the pipeline as it was before these features);
- defaults: an empty router.yaml (CSRF check, traceparent, authorization stage with its
  no-directive fast path, parser token limit);
- on: every operation limit set (generous), CORS for an origin, header propagation rules,
  introspection off with an ADMIN exception, plus the defaults.

Prints RPS, latency percentiles and router CPU per request for each, and the CPU-bound
throughput cost of each row against "off".
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.edge import BASE, _cpu_ms, _parser, _run
from benchmarks.gateway.run import (
    ORIGINAL_SUBGRAPHS,
    Measurement,
    _free_port,
    _start,
    _stop,
    _table,
    _wait_healthy,
)

__all__ = ["main"]

OFF: dict[str, Any] = {
    **BASE,
    "csrf": {"unsafe_disabled": True},
    "headers": {"propagate_traceparent": False},
    "authorization": {"directives": {"enabled": False}},
    "limits": {"parser_max_tokens": None},
}
ON: dict[str, Any] = {
    **BASE,
    "limits": {"max_depth": 50, "max_height": 5000, "max_aliases": 500, "max_root_fields": 50},
    "cors": {"origins": ["https://go2asia.app"], "allow_credentials": True},
    "headers": {
        "all": {
            "request": [
                {"propagate": {"named": "accept-language"}},
                {"propagate": {"matching": "^x-g2a-client-.*"}},
                {"insert": {"name": "x-router", "value": "go2asia"}},
            ]
        }
    },
    "supergraph": {"introspection": False},
}


def main(argv: list[str] | None = None) -> int:
    args: argparse.Namespace = _parser().parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is required: apt-get install -y wrk", file=sys.stderr)  # noqa: T201
        return 2
    rows: list[Measurement] = []
    with tempfile.TemporaryDirectory(prefix="g2a-security-bench-") as scratch_dir:
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
            runs = [("security off", OFF), ("security defaults", BASE), ("security on", ON)]
            for target, config in runs:
                rows.append(_run(target, config, supergraph=supergraph, scratch=scratch, args=args))
        finally:
            _stop(subgraphs)
    print(_table(rows))  # noqa: T201
    base = rows[0]
    for row in rows:
        print(f"{row.target}: {_cpu_ms(row):.2f} ms of router CPU per request")  # noqa: T201
    for row in rows[1:]:
        cost = 1 - _cpu_ms(base) / _cpu_ms(row)
        print(  # noqa: T201
            f"{row.target}: {row.rps / base.rps:.3f}x the RPS;"
            f" CPU-bound throughput cost {cost:+.1%}"
        )
    return 0 if all(row.wrong == 0 and row.errors == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
