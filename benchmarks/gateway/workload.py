"""Where the benchmark workload lives and what it holds.

The workload (The Guild's graphql-gateways-benchmark, as data) is read from outside the
repository: `../shared/bench-workload/` relative to the repo root by default, another
folder with `--workload DIR` or the `G2A_BENCH_WORKLOAD` environment variable.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ENV_VAR", "Workload", "WorkloadMissingError", "default_workload_dir", "load_workload"]

REPO = Path(__file__).resolve().parent.parent.parent
ENV_VAR = "G2A_BENCH_WORKLOAD"
REQUIRED = (
    "query.json",
    "expected.json",
    "benchmark-supergraph.graphql",
    "subgraph-requests.tsv",
    "subgraphs/data.json",
    "subgraphs/accounts.graphql",
    "subgraphs/inventory.graphql",
    "subgraphs/products.graphql",
    "subgraphs/reviews.graphql",
)
# Where the workload's supergraph routes its subgraphs (the original's hosts).
ORIGINAL_SUBGRAPHS = "http://0.0.0.0:4200"


class WorkloadMissingError(RuntimeError):
    """The workload folder, or a file in it, is not there."""


def default_workload_dir() -> Path:
    """`$G2A_BENCH_WORKLOAD`, else `../shared/bench-workload` next to the repository."""
    configured = os.environ.get(ENV_VAR)
    return Path(configured) if configured else REPO.parent / "shared" / "bench-workload"


@dataclass(frozen=True)
class Workload:
    root: Path

    @property
    def query_body(self) -> bytes:
        """The exact POST body of `TestQuery`."""
        return (self.root / "query.json").read_bytes()

    @property
    def request(self) -> dict[str, str]:
        request: dict[str, str] = json.loads(self.query_body)
        return request

    @property
    def expected(self) -> bytes:
        """The expected response, compact (as a GraphQL server writes it)."""
        return json.dumps(
            json.loads((self.root / "expected.json").read_bytes()), separators=(",", ":")
        ).encode()

    @property
    def subgraph_requests(self) -> Path:
        """TSV of the 16 subgraph requests one execution issues without de-duplication."""
        return self.root / "subgraph-requests.tsv"

    @property
    def subgraphs_dir(self) -> Path:
        return self.root / "subgraphs"

    def supergraph_sdl(self, subgraphs_url: str) -> str:
        """The workload's supergraph, routed to our subgraphs at `subgraphs_url`."""
        sdl = (self.root / "benchmark-supergraph.graphql").read_text(encoding="utf-8")
        return sdl.replace(ORIGINAL_SUBGRAPHS, subgraphs_url)


def load_workload(root: Path | None = None) -> Workload:
    """The workload at `root` (default: `default_workload_dir()`), checked to be complete."""
    folder = (root or default_workload_dir()).resolve()
    if not folder.is_dir():
        raise WorkloadMissingError(
            f"benchmark workload folder {folder} does not exist: it is the shared"
            f" graphql-gateways-benchmark workload (expected at ../shared/bench-workload"
            f" next to the repository); point --workload or ${ENV_VAR} at it"
        )
    missing = [name for name in REQUIRED if not (folder / name).is_file()]
    if missing:
        raise WorkloadMissingError(
            f"benchmark workload folder {folder} is incomplete: missing {', '.join(missing)}"
        )
    return Workload(folder)
