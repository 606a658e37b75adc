"""Walk a plan: Sequence in order, Parallel via ``asyncio.gather``, Condition on variables,
Fetch at the root, Flatten(Fetch) as a batched, de-duplicated ``_entities`` call."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson
from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionNode,
    parse,
)

from router.executor.errors import SubgraphFetcher, SubgraphFetchError
from router.executor.merge import (
    Path,
    Where,
    collect,
    deep_merge,
    path_of,
    project,
    set_null,
    unalias,
)
from router.executor.shape import shape_response
from router.planner import QueryPlan
from router.planner.plan import (
    ConditionNode,
    FetchNode,
    FlattenNode,
    ParallelNode,
    PlanNode,
    SequenceNode,
)
from router.planner.selection import ALIAS_MARK, KEY_MARK, OutFragment
from router.supergraph import Supergraph

__all__ = ["execute"]

_log = logging.getLogger(__name__)


class _Run:
    def __init__(
        self, supergraph: Supergraph, variables: Mapping[str, Any], fetcher: SubgraphFetcher
    ) -> None:
        self.supergraph = supergraph
        self.variables = variables
        self.fetcher = fetcher
        self.data: dict[str, Any] = {}
        self.errors: list[dict[str, Any]] = []
        self.abstract = frozenset(
            name for name, meta in supergraph.types.items() if meta.kind in {"interface", "union"}
        )

    async def node(self, node: PlanNode) -> None:
        if isinstance(node, SequenceNode):
            for child in node.nodes:
                await self.node(child)
        elif isinstance(node, ParallelNode):
            await asyncio.gather(*(self.node(child) for child in node.nodes))
        elif isinstance(node, ConditionNode):
            clause = node.if_clause if self.variables.get(node.condition) else node.else_clause
            if clause is not None:
                await self.node(clause)
        elif isinstance(node, FlattenNode):
            await self.entities(node)
        else:
            await self.root(node)

    def _request(self, fetch: FetchNode, extra: dict[str, Any] | None = None) -> dict[str, Any]:
        variables = {n: self.variables[n] for n in fetch.variable_usages if n in self.variables}
        if extra:
            variables.update(extra)
        return {
            "query": fetch.operation,
            "variables": variables,
            "operationName": fetch.operation_name,
        }

    async def _call(
        self, fetch: FetchNode, request: dict[str, Any], paths: Callable[[], list[Path]]
    ) -> dict[str, Any] | None:
        """Send one fetch; a failed one is recorded at `paths()`, the client paths it fills."""
        try:
            response = await self.fetcher(fetch.service_name, request)
        except SubgraphFetchError as exc:
            self._fail(fetch, str(exc), paths())
            return None
        except Exception:  # noqa: BLE001 - a broken fetcher must not fail the whole request
            _log.exception("subgraph fetcher failed for %s", fetch.service_name)
            self._fail(fetch, "internal error", paths())
            return None
        if not isinstance(response, dict) or not (
            ("data" in response and isinstance(response["data"], dict | None))
            or isinstance(response.get("errors"), list)
        ):
            self._fail(fetch, "invalid GraphQL response", paths())
            return None
        if ALIAS_MARK in fetch.operation and isinstance(response.get("data"), dict):
            response = {**response, "data": unalias(response["data"])}
        return response

    def _fail(self, fetch: FetchNode, message: str, paths: list[Path]) -> None:
        """One error per client path the failed fetch should have filled (or one, unplaced)."""
        extensions = {"code": "SUBGRAPH_ERROR", "serviceName": fetch.service_name}
        text = f"request to subgraph '{fetch.service_name}' failed: {message}"
        if not paths:
            self.errors.append({"message": text, "extensions": extensions})
        for path in paths:
            self.errors.append({"message": text, "path": path, "extensions": dict(extensions)})

    def _subgraph_error(self, fetch: FetchNode, error: Any, path: Path | None) -> dict[str, Any]:
        if not isinstance(error, dict):
            error = {"message": str(error)}
        result: dict[str, Any] = {"message": str(error.get("message", "subgraph error"))}
        if path is not None:
            result["path"] = path
        extensions = dict(error.get("extensions") or {})
        extensions.setdefault("code", "SUBGRAPH_ERROR")
        extensions["serviceName"] = fetch.service_name
        result["extensions"] = extensions
        return result

    async def root(self, fetch: FetchNode) -> None:
        response = await self._call(fetch, self._request(fetch), lambda: _root_paths(fetch))
        if response is None:
            return
        data = response.get("data")
        # with `data: null` a pathless error is the cause of every field this fetch fills
        unplaced = _root_paths(fetch) if data is None and response.get("errors") else []
        for error in response.get("errors") or ():
            path = error.get("path") if isinstance(error, dict) else None
            if isinstance(path, list):
                self.errors.append(self._subgraph_error(fetch, error, list(path)))
            else:
                self._place(fetch, error, unplaced)
        if isinstance(data, dict):
            deep_merge(self.data, data, self.abstract)

    def _matches(self, typename: str | None, condition: str) -> bool:
        if typename is None:
            return False
        return typename == condition or typename in self.supergraph.possible_types(condition)

    async def entities(self, node: FlattenNode) -> None:
        fetch = node.node
        assert fetch.requires is not None
        representations: list[Any] = []
        positions: list[list[tuple[dict[str, Any], Where]]] = []
        seen: dict[bytes, int] = {}
        for obj, where in collect(self.data, node.path):
            representation = self._represent(fetch, obj)
            if representation is None:
                continue
            ident = orjson.dumps(representation, option=orjson.OPT_SORT_KEYS)
            index = seen.get(ident)
            if index is None:
                seen[ident] = len(representations)
                representations.append(representation)
                positions.append([(obj, where)])
            else:
                positions[index].append((obj, where))
        if not representations:
            return
        request = self._request(fetch, {"representations": representations})
        response = await self._call(fetch, request, lambda: _entity_paths(fetch, positions))
        if response is None:
            return
        data = response.get("data")
        entities = data.get("_entities") if isinstance(data, dict) else None
        # no `_entities` at all: a pathless error is the cause at every position
        unplaced = (
            _entity_paths(fetch, positions)
            if not isinstance(entities, list) and response.get("errors")
            else []
        )
        failed = {
            index
            for error in response.get("errors") or ()
            if (index := self._entity_error(fetch, error, positions, unplaced)) is not None
        }
        if not isinstance(entities, list):
            if not response.get("errors"):
                self._fail(fetch, "no _entities in response", [path_of(positions[0][0][1])])
            return
        for index, entity in enumerate(entities[: len(positions)]):
            if isinstance(entity, dict):
                for obj, _ in positions[index]:
                    deep_merge(obj, entity, self.abstract)
            elif entity is None and index in failed:
                # an error nulled the entity inside the subgraph: the object is null here too
                for _, where in positions[index]:
                    set_null(self.data, where)

    def _represent(self, fetch: FetchNode, obj: dict[str, Any]) -> dict[str, Any] | None:
        assert fetch.requires is not None
        typename = obj.get("__typename")
        for entry in fetch.requires:
            if not isinstance(entry, OutFragment) or not self._matches(
                typename, entry.type_condition
            ):
                continue
            representation = project(obj, entry.children, self._matches)
            for key in fetch.key_fields.get(entry.type_condition, ()):
                if representation.get(key) is None:
                    return None
            rewrite = fetch.input_rewrites.get(entry.type_condition)
            if rewrite is not None:
                representation["__typename"] = rewrite
            return dict(representation)
        return None

    def _place(self, fetch: FetchNode, error: Any, paths: list[Path]) -> None:
        """A pathless subgraph error, at each client path it explains (or once, unplaced)."""
        if not paths:
            self.errors.append(self._subgraph_error(fetch, error, None))
        for path in paths:
            self.errors.append(self._subgraph_error(fetch, error, path))

    def _entity_error(
        self,
        fetch: FetchNode,
        error: Any,
        positions: list[list[tuple[dict[str, Any], Where]]],
        unplaced: list[Path],
    ) -> int | None:
        """Record a subgraph error at the client paths of its entity (a pathless one at
        ``unplaced``); returns that entity."""
        path = error.get("path") if isinstance(error, dict) else None
        if (
            isinstance(path, list)
            and len(path) >= 2
            and path[0] == "_entities"
            and isinstance(path[1], int)
            and 0 <= path[1] < len(positions)
        ):
            for _, where in positions[path[1]]:
                self.errors.append(self._subgraph_error(fetch, error, [*path_of(where), *path[2:]]))
            return path[1]
        self._place(fetch, error, unplaced)
        return None


def _selected_keys(fetch: FetchNode) -> list[str]:
    """The client response keys a fetch fills: its root fields, or for an `_entities` fetch
    the fields selected on each entity. Parsed only when a fetch failed."""
    document = parse(fetch.operation, no_location=True)
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode))
    keys: dict[str, None] = {}

    def walk(selections: Iterable[SelectionNode], *, entities: bool) -> None:
        for selection in selections:
            if isinstance(selection, FieldNode):
                if entities and selection.selection_set is not None:
                    walk(selection.selection_set.selections, entities=False)
                    continue
                key = (selection.alias or selection.name).value
                if key != "__typename" and ALIAS_MARK not in key and KEY_MARK not in key:
                    keys[key] = None
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set.selections, entities=entities)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                walk(fragment.selection_set.selections, entities=entities)

    walk(operation.selection_set.selections, entities=fetch.requires is not None)
    return list(keys)


def _root_paths(fetch: FetchNode) -> list[Path]:
    return [[key] for key in _selected_keys(fetch)]


def _entity_paths(
    fetch: FetchNode, positions: list[list[tuple[dict[str, Any], Where]]]
) -> list[Path]:
    """One path per entity position: to the first field the fetch should have filled."""
    keys = _selected_keys(fetch)
    tail: Path = [*keys[:1]]
    return [[*path_of(where), *tail] for group in positions for _, where in group]


async def execute(
    plan: QueryPlan, *, variables: Mapping[str, Any], fetcher: SubgraphFetcher
) -> dict[str, Any]:
    """Run ``plan`` and return the client response ``{"data": ..., "errors": [...]}``."""
    run = _Run(plan.supergraph, variables, fetcher)
    if plan.node is not None:
        await run.node(plan.node)
    data = shape_response(
        operation=plan.operation,
        data=run.data,
        supergraph=plan.supergraph,
        variables=variables,
        errors=run.errors,
    )
    result: dict[str, Any] = {"data": data}
    if run.errors:
        result["errors"] = run.errors
    return result
