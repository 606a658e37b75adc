"""Normalisation for parity: reorder definitions, fields, arguments and values; nothing else."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from graphql.language import Node, parse, print_ast


def _name(node: Node) -> str:
    name = getattr(node, "name", None)
    return name.value if name is not None else ""


def _sorted(nodes: Any) -> tuple[Any, ...]:
    return tuple(sorted(nodes or (), key=_name))


def _normalize(definition: Any) -> Any:
    changes: dict[str, Any] = {}
    fields = getattr(definition, "fields", None)
    if fields:
        changes["fields"] = _sorted(
            replace(f, arguments=_sorted(f.arguments)) if getattr(f, "arguments", None) else f
            for f in fields
        )
    for attribute in ("values", "arguments"):
        children = getattr(definition, attribute, None)
        if children:
            changes[attribute] = _sorted(children)
    return replace(definition, **changes) if changes else definition


def normalize_sdl(sdl: str) -> str:
    document = parse(sdl, no_location=True)
    definitions = sorted(
        (_normalize(d) for d in document.definitions), key=lambda d: (d.kind, _name(d))
    )
    return print_ast(replace(document, definitions=tuple(definitions)))
