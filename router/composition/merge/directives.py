"""Applied directives carried into the supergraph, merged once every type is merged.

Repeatable ones keep each distinct application; non-repeatable ones take the most used
application, or the merge strategy of their spec (see `strategies`). `@inaccessible` is applied
at once (Apollo does), access control directives first on fields and interfaces.
"""

from __future__ import annotations

from collections.abc import Sequence

from router.composition.merge.state import MergeState, PendingDirectives
from router.composition.merge.strategies import merge_applications
from router.composition.model import Directed, Directive, string_value


def record_directives(
    state: MergeState,
    sources: Sequence[Directed | None],
    dest: Directed,
    owner: str,
    *,
    access_control_first: bool,
) -> None:
    """Apply `@inaccessible` now (Apollo does) and queue the other carried directives."""
    names: list[str] = []
    for source in sources:
        if source is None:
            continue
        for directive in source.directives:
            if state.is_carried(directive.name) and directive.name not in names:
                names.append(directive.name)
    if "inaccessible" in names:
        names.remove("inaccessible")
        if any(s is not None and s.has("inaccessible") for s in sources):
            dest.directives.append(Directive("inaccessible"))
    if access_control_first:
        first = [n for n in ("authenticated", "requiresScopes", "policy") if n in names]
        names = first + [n for n in names if n not in first]
    state.pending.append(PendingDirectives(names, list(sources), dest, owner))


def merge_pending(state: MergeState) -> None:
    """Apply every queued directive to its supergraph element (after all merging)."""
    for pending in state.pending:
        if pending.owner not in state.supergraph.types:
            continue
        for name in pending.names:
            sources = pending.sources
            if name == "context":  # context names are made unique per subgraph
                sources = [_prefix_contexts(s, state.names[i]) for i, s in enumerate(sources)]
            _merge_applied(sources, pending.dest.directives, name, state)
    state.pending.clear()


def _prefix_contexts(source: Directed | None, subgraph: str) -> Directed | None:
    if source is None:
        return None
    directives = [
        Directive("context", {"name": string_value(f"{subgraph}__{d.string('name')}")})
        for d in source.applied("context")
    ]
    return Directed(name=source.name, directives=directives)


def _merge_applied(
    sources: Sequence[Directed | None], into: list[Directive], name: str, state: MergeState
) -> None:
    applications: list[Directive] = []
    for source in sources:
        if source is not None:
            applications += [d for d in source.directives if d.name == name]
    if not applications:
        return
    repeatable = name in ("tag", "context") or _is_repeatable(state, name)
    if repeatable:
        seen: list[str] = []
        for application in applications:
            printed = str(application)
            if printed not in seen:
                seen.append(printed)
                into.append(Directive(name, dict(application.args)))
        return
    counts: dict[str, int] = {}
    first: dict[str, Directive] = {}
    for application in applications:
        printed = str(application)
        counts[printed] = counts.get(printed, 0) + 1
        first.setdefault(printed, application)
    if len(first) > 1:
        merged = merge_applications(name, list(first.values()))
        if merged is not None:
            into.append(merged)
            return
    best = max(counts, key=lambda p: counts[p])
    into.append(Directive(name, dict(first[best].args)))


def _is_repeatable(state: MergeState, name: str) -> bool:
    for subgraph in state.subgraphs:
        definition = subgraph.directive_defs.get(name)
        if definition is not None:
            return definition.repeatable
    return False
