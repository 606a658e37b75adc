"""`python -m shared.dev run [--port-offset N] [--pg-port N] [--pgdata DIR]`."""

from __future__ import annotations

import argparse
import asyncio
import os
from pathlib import Path
from typing import Any

from shared.dev.runner import DevRunner
from shared.dev.settings import DevSettings
from shared.dev.supervisor import Console


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m shared.dev", description="Run the Go2Asia supergraph locally."
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser(
        "run",
        help="start PostgreSQL (unless DATABASE_URL is set), every subgraph and the router",
        description="Every option also has an environment variable; see docs/dev-runner.md.",
    )
    run.add_argument("--port-offset", type=int, help="add N to every port (DEV_PORT_OFFSET)")
    run.add_argument("--pg-port", type=int, help="embedded PostgreSQL port (DEV_PG_PORT)")
    run.add_argument("--pgdata", type=Path, help="embedded PostgreSQL data dir (DEV_PGDATA)")
    run.add_argument("--run-dir", type=Path, help="generated files (DEV_RUN_DIR)")
    return parser


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    overrides: dict[str, Any] = {
        name: value
        for name, value in {
            "dev_port_offset": arguments.port_offset,
            "dev_pg_port": arguments.pg_port,
            "dev_pgdata": arguments.pgdata,
            "dev_run_dir": arguments.run_dir,
        }.items()
        if value is not None
    }
    settings = DevSettings(**overrides)
    runner = DevRunner(settings=settings, environ=os.environ, console=Console())
    return asyncio.run(runner.run())


if __name__ == "__main__":
    raise SystemExit(main())
