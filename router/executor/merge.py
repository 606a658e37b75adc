"""The merged data tree: locating entity objects, projecting representations, deep merges."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from router.planner.selection import ALIAS_MARK, OutField, OutFragment, OutSet

__all__ = [
    "Path",
    "Where",
    "collect",
    "deep_merge",
    "path_of",
    "project",
    "set_null",
    "unalias",
]

Path = list[str | int]
# A response path as a linked list (parent, segment): O(1) to extend while walking a Flatten
# path; turned into a list only when an error needs it.
Where = tuple["Where", str | int] | None


def path_of(where: Where) -> Path:
    segments: Path = []
    while where is not None:
        where, segment = where
        segments.append(segment)
    segments.reverse()
    return segments


def set_null(root: dict[str, Any], where: Where) -> None:
    """Replace the value at ``where`` with null in the merged tree."""
    segments = path_of(where)
    if not segments:
        return
    container: Any = root
    for segment in segments[:-1]:
        container = container[segment]
    container[segments[-1]] = None


def collect(root: Any, path: tuple[str, ...]) -> list[tuple[dict[str, Any], Where]]:
    """Objects at a Flatten path (``@`` = every list item, nested lists included), in response
    order, each with its concrete client path."""
    found: list[tuple[dict[str, Any], Where]] = []
    _collect(root, path, 0, None, found)
    return found


def _collect(
    value: Any,
    path: tuple[str, ...],
    depth: int,
    where: Where,
    found: list[tuple[dict[str, Any], Where]],
) -> None:
    while True:
        if isinstance(value, list):
            for index, item in enumerate(value):
                if item is not None:
                    _collect(item, path, depth, (where, index), found)
            return
        if not isinstance(value, dict):
            return
        if depth == len(path):
            found.append((value, where))
            return
        segment = path[depth]
        depth += 1
        if segment != "@":
            value = value.get(segment)
            where = (where, segment)


def project(value: Any, selection: OutSet, matches: Callable[[str | None, str], bool]) -> Any:
    """The part of ``value`` a representation selection names (nested objects and lists kept)."""
    if value is None:
        return None
    if isinstance(value, list):
        return [project(item, selection, matches) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    _project_into(value, selection, matches, result)
    return result


def _project_into(
    value: dict[str, Any],
    selection: OutSet,
    matches: Callable[[str | None, str], bool],
    result: dict[str, Any],
) -> None:
    for entry in selection:
        if isinstance(entry, OutFragment):
            if matches(value.get("__typename"), entry.type_condition):
                _project_into(value, entry.children, matches, result)
            continue
        _project_field(value, entry, matches, result)


def _project_field(
    value: dict[str, Any],
    entry: OutField,
    matches: Callable[[str | None, str], bool],
    result: dict[str, Any],
) -> None:
    if entry.key not in value:
        return
    found = value[entry.key]
    if entry.children is None:
        result[entry.name] = found
    else:
        projected = project(found, entry.children, matches)
        existing = result.get(entry.name)
        if isinstance(existing, dict) and isinstance(projected, dict):
            existing.update(projected)
        else:
            result[entry.name] = projected


def deep_merge(target: dict[str, Any], source: dict[str, Any], abstract: frozenset[str]) -> None:
    """Merge a subgraph object into the tree. An interface name (from an ``@interfaceObject``)
    never replaces a concrete ``__typename``."""
    for key, value in source.items():
        existing = target.get(key)
        if key == "__typename":
            if existing is None or value not in abstract:
                target[key] = value
        elif isinstance(existing, dict) and isinstance(value, dict):
            deep_merge(existing, value, abstract)
        elif isinstance(existing, list) and isinstance(value, list) and len(existing) == len(value):
            _merge_lists(existing, value, abstract)
        else:
            target[key] = value


def _merge_lists(target: list[Any], source: list[Any], abstract: frozenset[str]) -> None:
    for i, item in enumerate(source):
        current = target[i]
        if isinstance(current, dict) and isinstance(item, dict):
            deep_merge(current, item, abstract)
        elif isinstance(current, list) and isinstance(item, list) and len(current) == len(item):
            _merge_lists(current, item, abstract)
        else:
            target[i] = item


def unalias(value: Any) -> Any:
    """Rename internal aliases (``id__alias_1``) in a subgraph response back to client keys."""
    if isinstance(value, list):
        return [unalias(item) for item in value]
    if not isinstance(value, dict):
        return value
    result: dict[str, Any] = {}
    for key, item in value.items():
        real = key.partition(ALIAS_MARK)[0]
        if real in result and isinstance(result[real], dict) and isinstance(item, dict):
            result[real].update(unalias(item))
        else:
            result[real] = unalias(item)
    return result
