"""`@join__directive`: subgraph directives the supergraph keeps per graph (federation's
`@cacheTag`), grouped by identical arguments: `@join__directive(graphs: [A, B], name:, args:)`."""

from __future__ import annotations

from collections.abc import Iterable

from graphql.language import ListValueNode, NameNode, ObjectFieldNode, ObjectValueNode

from router.composition.merge.state import MergeState
from router.composition.model import Directed, Directive, enum_value
from router.composition.model import string_value as string

# Federation directives carried this way, with their name in `@join__directive(name:)`.
JOIN_DIRECTIVES = {"cacheTag": "federation__cacheTag"}


def add_join_directives(
    state: MergeState, sources: Iterable[tuple[int, Directed | None]], dest: Directed
) -> None:
    groups: dict[str, list[tuple[list[str], Directive]]] = {}
    for index, source in sources:
        if source is None:
            continue
        for directive in source.directives:
            name = JOIN_DIRECTIVES.get(directive.name)
            if name is None:
                continue
            existing = groups.setdefault(name, [])
            printed = directive.printed_args()
            match = next((g for g in existing if g[1].printed_args() == printed), None)
            if match is None:
                existing.append(([state.graph(index)], directive))
            else:
                match[0].append(state.graph(index))
    for name, joins in groups.items():
        for graphs, directive in joins:
            args = ObjectValueNode(
                fields=tuple(
                    ObjectFieldNode(name=NameNode(value=k), value=v)
                    for k, v in directive.args.items()
                )
            )
            dest.directives.append(
                Directive(
                    "join__directive",
                    {
                        "graphs": ListValueNode(values=tuple(enum_value(g) for g in graphs)),
                        "name": string(name),
                        "args": args,
                    },
                )
            )
