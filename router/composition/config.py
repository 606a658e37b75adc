"""Config: rover's `supergraph.yaml` → subgraph sources (SDL read, fetched or inline).

    federation_version: =2.11.0
    subgraphs:
      users:
        routing_url: ${env.USERS_URL:-http://127.0.0.1:4001/graphql}
        schema:
          file: ./users.graphql            # or
          subgraph_url: http://...         # fetched with `{ _service { sdl } }`
          introspection_headers: {X-Key: ...}
          # or sdl: "type Query { ... }"

`${env.NAME}` and `${env.NAME:-default}` are expanded in every string value. Unknown keys, a
missing file or an unreachable subgraph are a ConfigError naming the subgraph.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import yaml

from router.composition.errors import ConfigError
from router.composition.sources import SubgraphSource

_ENV = re.compile(r"\$\{env\.(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?::-(?P<default>[^}]*))?\}")
_VERSION = re.compile(r"^=?(?P<major>\d+)(\.\d+){0,2}$")
_TOP_KEYS = frozenset({"federation_version", "subgraphs"})
_SUBGRAPH_KEYS = frozenset({"routing_url", "schema"})
_SCHEMA_KEYS = frozenset({"file", "subgraph_url", "introspection_headers", "sdl"})
_SERVICE_QUERY = "{ _service { sdl } }"
FETCH_TIMEOUT_SECONDS = 10.0


@dataclass(frozen=True)
class SupergraphConfig:
    federation_version: str | None
    subgraphs: list[SubgraphSource]


def expand_env(value: str, env: Mapping[str, str], *, where: str) -> str:
    """Replace `${env.NAME}` / `${env.NAME:-default}`; an unset variable without default fails."""

    def substitute(match: re.Match[str]) -> str:
        name, default = match["name"], match["default"]
        if name in env:
            return env[name]
        if default is not None:
            return default
        raise ConfigError(f"{where}: environment variable {name} is not set (and has no default)")

    return _ENV.sub(substitute, value)


def load_config(
    path: Path | str,
    *,
    env: Mapping[str, str],
    transport: httpx.BaseTransport | None = None,
) -> SupergraphConfig:
    """Read, check and expand supergraph.yaml; fetch every subgraph's SDL."""
    config_path = Path(path)
    try:
        raw = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"{config_path}: cannot read the file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{config_path}: not valid YAML ({exc})") from exc
    document = _expand(raw, env, where=str(config_path))
    _check_keys(document, _TOP_KEYS, str(config_path))
    version = _federation_version(document.get("federation_version"), config_path)
    entries = document.get("subgraphs")
    if not isinstance(entries, dict) or not entries:
        raise ConfigError(f"{config_path}: `subgraphs` must map subgraph names to their settings")
    sources = [
        _subgraph(name, entry, config_path.parent, transport) for name, entry in entries.items()
    ]
    return SupergraphConfig(version, sources)


def _expand(value: Any, env: Mapping[str, str], *, where: str) -> Any:
    if isinstance(value, str):
        return expand_env(value, env, where=where)
    if isinstance(value, dict):
        return {k: _expand(v, env, where=where) for k, v in value.items()}
    if isinstance(value, list):
        return [_expand(v, env, where=where) for v in value]
    return value


def _check_keys(value: Any, allowed: frozenset[str], where: str) -> None:
    if not isinstance(value, dict):
        raise ConfigError(f"{where}: expected a mapping")
    unknown = sorted(str(k) for k in value if k not in allowed)
    if unknown:
        raise ConfigError(
            f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )


def _federation_version(value: Any, path: Path) -> str | None:
    if value is None:
        return None
    text = str(value)
    match = _VERSION.match(text)
    if match is None or match["major"] != "2":
        raise ConfigError(f"{path}: federation_version {text!r} is not supported (use =2.x)")
    return text


def _subgraph(
    name: Any, entry: Any, base: Path, transport: httpx.BaseTransport | None
) -> SubgraphSource:
    where = f"subgraph {name!r}"
    _check_keys(entry, _SUBGRAPH_KEYS, where)
    schema = entry.get("schema")
    _check_keys(schema, _SCHEMA_KEYS, f"{where}.schema")
    kinds = [k for k in ("file", "subgraph_url", "sdl") if k in schema]
    if len(kinds) != 1:
        raise ConfigError(f"{where}.schema: give exactly one of file, subgraph_url or sdl")
    routing_url = entry.get("routing_url") or schema.get("subgraph_url")
    if not isinstance(routing_url, str) or not routing_url:
        raise ConfigError(f"{where}: routing_url is required")
    if "file" in schema:
        sdl = _read_file(base / str(schema["file"]), where)
    elif "sdl" in schema:
        sdl = str(schema["sdl"])
    else:
        headers = schema.get("introspection_headers") or {}
        if not isinstance(headers, dict):
            raise ConfigError(f"{where}.schema.introspection_headers: expected a mapping")
        sdl = fetch_sdl(
            str(schema["subgraph_url"]),
            headers={str(k): str(v) for k, v in headers.items()},
            where=where,
            transport=transport,
        )
    return SubgraphSource(str(name), routing_url, sdl)


def _read_file(path: Path, where: str) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{where}: cannot read schema file {path} ({exc.strerror})") from exc


def fetch_sdl(
    url: str,
    *,
    headers: Mapping[str, str],
    where: str,
    transport: httpx.BaseTransport | None = None,
) -> str:
    """The subgraph's SDL from `{ _service { sdl } }`."""
    try:
        with httpx.Client(transport=transport, timeout=FETCH_TIMEOUT_SECONDS) as client:
            response = client.post(url, json={"query": _SERVICE_QUERY}, headers=dict(headers))
        response.raise_for_status()
        body = response.json()
    except httpx.HTTPError as exc:
        raise ConfigError(f"{where}: cannot fetch the schema from {url} ({exc})") from exc
    except ValueError as exc:
        raise ConfigError(f"{where}: {url} did not answer with JSON") from exc
    sdl = (((body or {}).get("data") or {}).get("_service") or {}).get("sdl")
    if not isinstance(sdl, str):
        errors = (body or {}).get("errors")
        raise ConfigError(f"{where}: {url} returned no `_service.sdl` (errors: {errors})")
    return sdl
