"""Which subgraphs to run and where: supergraph.yaml, resolved the way the composer reads it.

`routing_url` values may use `${env.NAME:-default}` (rover's syntax); they are expanded from
the environment, then DEV_PORT_OFFSET shifts their ports. The resolved configuration is
written to the run directory, so the composer, the router and the subgraphs all see the same
URLs the runner bound.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import yaml

__all__ = [
    "Subgraph",
    "SupergraphConfigError",
    "expand_env",
    "load_subgraphs",
    "shift_port",
    "write_resolved_config",
]

_ENV_REFERENCE = re.compile(r"\$\{env\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class SupergraphConfigError(ValueError):
    """supergraph.yaml cannot be used to start the subgraphs."""


@dataclass(frozen=True, slots=True)
class Subgraph:
    """One subgraph to start: its name and the URL the router will call."""

    name: str
    routing_url: str

    @property
    def host(self) -> str:
        return urlsplit(self.routing_url).hostname or "127.0.0.1"

    @property
    def port(self) -> int:
        parts = urlsplit(self.routing_url)
        return parts.port or _DEFAULT_PORTS[parts.scheme]

    @property
    def base_url(self) -> str:
        """The URL without its path, where /health and /ready live."""
        parts = urlsplit(self.routing_url)
        return urlunsplit((parts.scheme, parts.netloc, "", "", ""))

    @property
    def app_factory(self) -> str:
        return f"subgraphs.{self.name}.app:create_app"

    @property
    def url_variable(self) -> str:
        """The environment variable supergraph.yaml reads this subgraph's URL from."""
        return f"{self.name.upper()}_URL"


def expand_env(text: str, environ: Mapping[str, str]) -> str:
    """Expand `${env.NAME}` and `${env.NAME:-default}` like rover (and our composer) do."""

    def replace(match: re.Match[str]) -> str:
        name, default = match["name"], match["default"]
        if name in environ:
            return environ[name]
        if default is None:
            raise SupergraphConfigError(f"${{env.{name}}} is used but {name} is not set")
        return default

    return _ENV_REFERENCE.sub(replace, text)


def shift_port(url: str, offset: int) -> str:
    """`url` with `offset` added to its port."""
    if offset == 0:
        return url
    parts = urlsplit(url)
    port = (parts.port or _DEFAULT_PORTS[parts.scheme]) + offset
    netloc = f"{parts.hostname}:{port}"
    if parts.hostname and ":" in parts.hostname:  # an IPv6 literal keeps its brackets
        netloc = f"[{parts.hostname}]:{port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _read(config_path: Path) -> dict[str, Any]:
    try:
        document = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise SupergraphConfigError(f"cannot read {config_path}: {error}") from error
    if not isinstance(document, dict) or not isinstance(document.get("subgraphs"), dict):
        raise SupergraphConfigError(f"{config_path} has no `subgraphs:` mapping")
    return document


def load_subgraphs(
    config_path: Path, *, environ: Mapping[str, str], port_offset: int = 0
) -> list[Subgraph]:
    """The subgraphs listed in `config_path`, with expanded, offset routing URLs."""
    subgraphs: list[Subgraph] = []
    for name, entry in _read(config_path)["subgraphs"].items():
        routing_url = entry.get("routing_url") if isinstance(entry, dict) else None
        if not isinstance(routing_url, str):
            raise SupergraphConfigError(f"subgraph {name!r} has no routing_url")
        url = shift_port(expand_env(routing_url, environ), port_offset)
        if urlsplit(url).scheme not in _DEFAULT_PORTS:
            raise SupergraphConfigError(f"subgraph {name!r}: routing_url {url!r} is not http(s)")
        subgraphs.append(Subgraph(name=name, routing_url=url))
    return subgraphs


def write_resolved_config(
    config_path: Path,
    output_path: Path,
    *,
    environ: Mapping[str, str],
    port_offset: int = 0,
) -> Path:
    """Write `config_path` with every URL expanded and offset, and schema files made absolute."""
    document = _read(config_path)
    for entry in document["subgraphs"].values():
        entry["routing_url"] = shift_port(expand_env(entry["routing_url"], environ), port_offset)
        schema = entry.get("schema")
        if not isinstance(schema, dict):
            continue
        if isinstance(schema.get("subgraph_url"), str):
            url = expand_env(schema["subgraph_url"], environ)
            schema["subgraph_url"] = shift_port(url, port_offset)
        if isinstance(schema.get("file"), str):
            schema_file = Path(expand_env(schema["file"], environ))
            schema["file"] = str((config_path.parent / schema_file).resolve())
    output_path.parent.mkdir(parents=True, exist_ok=True)
    output_path.write_text(
        f"# Generated by `python -m shared.dev run` from {config_path}; do not edit.\n"
        + yaml.safe_dump(document, sort_keys=False),
        encoding="utf-8",
    )
    return output_path
