"""`@context` / `@fromContext` (federation 2.8): values an entity field receives from an ancestor.

A type marks itself `@context(name: "c")`; an argument `@fromContext(field: "$c { selection }")`
is filled by the router from the nearest ancestor of that context. Contextual arguments leave
the supergraph's API and reappear as `@join__field(contextArguments:)`.
"""

from __future__ import annotations

import re

from graphql.language import ListValueNode, NameNode, ObjectFieldNode, ObjectValueNode

from router.composition.model import Field, string_value

# Apollo's grammar: optional ignored tokens, `$`, the context name, then the selection.
_CONTEXT = re.compile(
    r"^(?:[\n\r\t ,]|#[^\n\r]*(?![^\n\r]))*\$(?:[\n\r\t ,]|#[^\n\r]*(?![^\n\r]))*"
    r"([A-Za-z_]\w*(?!\w))([\s\S]*)$"
)


def parse_context(value: str) -> tuple[str | None, str | None]:
    """(context name, selection) of a `@fromContext(field:)` value, or (None, None)."""
    match = _CONTEXT.match(value)
    return (match[1], match[2]) if match else (None, None)


def selection_body(selection: str) -> str:
    """`{ a b }` → `a b` (a context selection is one selection set)."""
    text = selection.strip()
    if text.startswith("{") and text.endswith("}"):
        return text[1:-1]
    return text


def is_contextual(field_def: Field, argument: str) -> bool:
    arg = field_def.args.get(argument)
    return arg is not None and arg.has("fromContext")


def context_arguments(field_def: Field, subgraph: str) -> ListValueNode | None:
    """The `contextArguments` of a field's `@join__field` in this subgraph."""
    entries = []
    for arg in field_def.args.values():
        directive = arg.first("fromContext")
        if directive is None:
            continue
        context, selection = parse_context(directive.string("field") or "")
        if context is None or selection is None:
            continue
        values = {
            "context": f"{subgraph}__{context}",
            "name": arg.name,
            "type": arg.type,
            "selection": selection,
        }
        entries.append(
            ObjectValueNode(
                fields=tuple(
                    ObjectFieldNode(name=NameNode(value=k), value=string_value(v))
                    for k, v in values.items()
                )
            )
        )
    return ListValueNode(values=tuple(entries)) if entries else None
