"""Conformance cases as data: one folder per federation feature, one file pair per query.

    <case>/subgraphs/<name>.graphql   subgraph SDLs, composed by `router.composition` at test time
    <case>/data/<name>.json           what each subgraph answers (see conformance_subgraph)
    <case>/hooks.py                   optional: computed fields, `RESOLVERS = {subgraph: {...}}`
    <case>/case.json                  optional: {"router": {<router.yaml sections>}}
    <case>/queries/<q>.graphql        the operation sent to the router
    <case>/queries/<q>.json           the expected response, derived by hand from the spec:
        {"data": ..., "errors": [{"path": [...], "extensions": {"code": ...}}],
         "variables": {...}, "operationName": "...",             (request, optional)
         "faults": {"<subgraph>": "down|hang|http500|invalid-json|errors"},  (optional)
         "requests": {"<subgraph>": <how many requests it should receive>},  (optional)
         "xfail": "why the router is known to answer differently"}          (optional)

Errors are compared as a multiset of `path` and `extensions.code` (messages are for humans).
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from conformance_subgraph import Resolver

ROOT = Path(__file__).parent


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    subgraphs: dict[str, str]
    data: dict[str, dict[str, Any]]
    router: dict[str, Any] = field(default_factory=dict)

    def resolvers(self) -> dict[str, dict[str, Resolver]]:
        path = self.folder / "hooks.py"
        if not path.exists():
            return {}
        spec = importlib.util.spec_from_file_location(f"conformance_hooks_{self.name}", path)
        assert spec is not None
        assert spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        resolvers: dict[str, dict[str, Resolver]] = module.RESOLVERS
        return resolvers


@dataclass(frozen=True)
class Query:
    case: Case
    name: str
    document: str
    expected: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.case.name}/{self.name}"

    @property
    def faults(self) -> dict[str, str]:
        faults: dict[str, str] = self.expected.get("faults", {})
        return faults

    def request(self) -> dict[str, Any]:
        body: dict[str, Any] = {"query": self.document}
        if "variables" in self.expected:
            body["variables"] = self.expected["variables"]
        if "operationName" in self.expected:
            body["operationName"] = self.expected["operationName"]
        return body


def _json(path: Path) -> Any:
    return orjson.loads(path.read_bytes())


def load_case(folder: Path) -> Case:
    subgraphs = {
        path.stem: path.read_text(encoding="utf-8")
        for path in sorted((folder / "subgraphs").glob("*.graphql"))
    }
    data = {name: _json(folder / "data" / f"{name}.json") for name in subgraphs}
    config = _json(folder / "case.json") if (folder / "case.json").exists() else {}
    return Case(folder.name, folder, subgraphs, data, config.get("router", {}))


def load_queries(root: Path = ROOT) -> list[Query]:
    queries: list[Query] = []
    for folder in sorted(p for p in root.iterdir() if (p / "subgraphs").is_dir()):
        case = load_case(folder)
        for path in sorted((folder / "queries").glob("*.graphql")):
            expected = _json(path.with_suffix(".json"))
            queries.append(Query(case, path.stem, path.read_text(encoding="utf-8"), expected))
    return queries


def comparable(body: dict[str, Any]) -> dict[str, Any]:
    """The parts of a response the suite checks: data, and each error's path and code."""
    shape: dict[str, Any] = {"data": body.get("data")}
    errors = []
    for error in body.get("errors") or ():
        item: dict[str, Any] = {}
        if "path" in error:
            item["path"] = error["path"]
        item["extensions"] = {"code": (error.get("extensions") or {}).get("code")}
        errors.append(item)
    if errors:
        shape["errors"] = sorted(errors, key=lambda e: orjson.dumps(e, option=orjson.OPT_SORT_KEYS))
    return shape
