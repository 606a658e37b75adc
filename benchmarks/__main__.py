"""`python -m benchmarks [gateway|edge] [options]`: on-demand benchmarks (not in `make test`)."""

from __future__ import annotations

import sys

from benchmarks.edge import main as edge
from benchmarks.gateway.run import main as gateway

BENCHMARKS = {"gateway": gateway, "edge": edge}


def main(argv: list[str]) -> int:
    name = argv[0] if argv and not argv[0].startswith("-") else "gateway"
    rest = argv[1:] if argv and argv[0] == name else argv
    if name not in BENCHMARKS:
        print(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)  # noqa: T201
        return 2
    return BENCHMARKS[name](rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
