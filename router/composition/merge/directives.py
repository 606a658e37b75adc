"""Carried directives: `@tag`, `@inaccessible`, access control, cost, and `@composeDirective` ones.

Applications are merged once every type is merged (repeatable: each distinct application once;
non-repeatable: the one used most). The supergraph gets the spec's `@link` and definitions for
every feature in use, in the order Apollo adds them.
"""

from __future__ import annotations

from collections.abc import Sequence

from graphql.language import print_ast

from router.composition.merge.state import CARRIED, MergeState
from router.composition.merge.strategies import merge_applications
from router.composition.model import (
    Directed,
    Directive,
    DirectiveDef,
    InputValue,
    string_value,
)
from router.composition.supergraph import FeatureLink

_LOCATIONS_ALL = (
    "FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | "
    "ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION"
)
_ACCESS = "FIELD_DEFINITION | OBJECT | INTERFACE | SCALAR | ENUM"
SPEC_DEFINITIONS = {
    "tag": f"directive @tag(name: String!) repeatable on {_LOCATIONS_ALL} | SCHEMA",
    "inaccessible": f"directive @inaccessible on {_LOCATIONS_ALL}",
    "authenticated": f"directive @authenticated on {_ACCESS}",
    "requiresScopes": (
        f"directive @requiresScopes(scopes: [[requiresScopes__Scope!]!]!) on {_ACCESS}"
    ),
    "policy": f"directive @policy(policies: [[policy__Policy!]!]!) on {_ACCESS}",
    "cost": (
        "directive @cost(weight: Int!) on ARGUMENT_DEFINITION | ENUM | FIELD_DEFINITION | "
        "INPUT_FIELD_DEFINITION | OBJECT | SCALAR"
    ),
    "listSize": (
        "directive @listSize(assumedSize: Int, slicingArguments: [String!], sizedFields: "
        "[String!], requireOneSlicingArgument: Boolean = true) on FIELD_DEFINITION"
    ),
    "context": "directive @context(name: String!) repeatable on INTERFACE | OBJECT | UNION",
}
# Directives a spec brings along without being applied in the supergraph (kept prefixed).
SPEC_COMPANIONS = {
    "context": {
        "context__fromContext": (
            "directive @context__fromContext(field: context__ContextFieldValue) on "
            "ARGUMENT_DEFINITION"
        )
    }
}
SPEC_SCALARS = {
    "requiresScopes": "requiresScopes__Scope",
    "policy": "policy__Policy",
    "context": "context__ContextFieldValue",
}
# Directive -> (feature URL, purpose); cost and listSize share one feature.
SPEC_FEATURES = {
    "tag": ("https://specs.apollo.dev/tag/v0.3", None),
    "inaccessible": ("https://specs.apollo.dev/inaccessible/v0.2", "SECURITY"),
    "authenticated": ("https://specs.apollo.dev/authenticated/v0.1", "SECURITY"),
    "requiresScopes": ("https://specs.apollo.dev/requiresScopes/v0.1", "SECURITY"),
    "policy": ("https://specs.apollo.dev/policy/v0.1", "SECURITY"),
    "cost": ("https://specs.apollo.dev/cost/v0.1", None),
    "listSize": ("https://specs.apollo.dev/cost/v0.1", None),
    "context": ("https://specs.apollo.dev/context/v0.1", "SECURITY"),
    "cacheTag": ("https://specs.apollo.dev/cacheTag/v0.1", "EXECUTION"),
}
_SUBGRAPH_ORDER = (
    "tag",
    "inaccessible",
    "authenticated",
    "requiresScopes",
    "policy",
    "context",
    "cost",
    "listSize",
    "cacheTag",
)


def used_directives(state: MergeState) -> set[str]:
    used: set[str] = set()
    for subgraph in state.subgraphs:
        for typedef in subgraph.types.values():
            elements = [typedef, *typedef.values.values(), *typedef.input_fields.values()]
            for field_def in typedef.fields.values():
                elements += [field_def, *field_def.args.values()]
            for element in elements:
                used |= {d.name for d in element.directives}
    return used


def add_features(state: MergeState) -> None:
    """Feature `@link`s and definitions for every carried directive in use."""
    used = used_directives(state)
    by_url: dict[str, FeatureLink] = {}
    for subgraph in state.subgraphs:
        for name in _SUBGRAPH_ORDER:
            if name not in used or not _applied_in(subgraph, name):
                continue
            url, purpose = SPEC_FEATURES[name]
            link = by_url.get(url)
            if link is None:
                link = by_url[url] = FeatureLink(url, purpose)
                state.supergraph.features.append(link)
            if name == "listSize" and "@listSize" not in link.imports:
                link.imports.append("@listSize")
            if name not in ("cost", "listSize", "cacheTag"):
                state.supergraph.directive_definitions[name] = SPEC_DEFINITIONS[name]
                state.supergraph.directive_definitions.update(SPEC_COMPANIONS.get(name, {}))
            if name in SPEC_SCALARS:
                scalar = SPEC_SCALARS[name]
                state.supergraph.extra_types[scalar] = f"scalar {scalar}"
    cost = by_url.get(SPEC_FEATURES["cost"][0])
    if cost is not None:
        # The cost feature brings both its directives; a non-imported one keeps its prefix.
        definitions = state.supergraph.directive_definitions
        definitions["cost"] = SPEC_DEFINITIONS["cost"]
        if "@listSize" in cost.imports:
            definitions["listSize"] = SPEC_DEFINITIONS["listSize"]
        else:
            definitions["cost__listSize"] = SPEC_DEFINITIONS["listSize"].replace(
                "@listSize", "@cost__listSize"
            )
    _add_composed(state)


def _applied_in(subgraph: object, name: str) -> bool:
    types = getattr(subgraph, "types", {})
    for typedef in types.values():
        elements = [typedef, *typedef.values.values(), *typedef.input_fields.values()]
        for field_def in typedef.fields.values():
            elements += [field_def, *field_def.args.values()]
        if any(e.has(name) for e in elements):
            return True
    return False


def _add_composed(state: MergeState) -> None:
    """`@composeDirective`-d directives: the latest version of their feature wins (link and
    definition), like Apollo's compose-directive manager."""
    latest: dict[str, tuple[tuple[int, ...], str, DirectiveDef]] = {}
    order: list[str] = []
    for subgraph in state.subgraphs:
        for name in subgraph.composed:
            if name in CARRIED or name not in subgraph.directive_defs:
                continue
            state.composed.add(name)
            link = next((lk for lk in subgraph.links if name in lk.imports), None)
            version = _version(link.version) if link else (0,)
            url = link.url if link else ""
            if name not in latest:
                order.append(name)
            if name not in latest or version > latest[name][0]:
                latest[name] = (version, url, subgraph.directive_defs[name])
    for name in order:
        _, url, definition = latest[name]
        state.supergraph.directive_definitions[name] = print_directive_definition(definition)
        if not url:
            continue
        existing = next((f for f in state.supergraph.features if f.url == url), None)
        if existing is None:
            existing = FeatureLink(url)
            state.supergraph.features.append(existing)
        if f"@{name}" not in existing.imports:
            existing.imports.append(f"@{name}")


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.lstrip("v").split("."))


_EXECUTABLE_LOCATIONS = frozenset(
    {
        "QUERY",
        "MUTATION",
        "SUBSCRIPTION",
        "FIELD",
        "FRAGMENT_DEFINITION",
        "FRAGMENT_SPREAD",
        "INLINE_FRAGMENT",
        "VARIABLE_DEFINITION",
    }
)


def merge_executable_definitions(state: MergeState) -> None:
    """Executable directives defined in every subgraph: intersection of their locations."""
    names = [
        n
        for n, d in state.subgraphs[0].directive_defs.items()
        if n not in state.composed and _EXECUTABLE_LOCATIONS.intersection(d.locations)
    ]
    for name in names:
        definitions = [s.directive_defs.get(name) for s in state.subgraphs]
        present = [d for d in definitions if d is not None]
        if len(present) != len(definitions):
            continue
        locations = sorted(_EXECUTABLE_LOCATIONS.intersection(present[0].locations))
        for definition in present[1:]:
            locations = [loc for loc in locations if loc in definition.locations]
        if not locations:
            continue
        args = [a for a in present[0].args.values() if all(a.name in d.args for d in present[1:])]
        merged = DirectiveDef(
            name=name,
            args={a.name: a for a in args},
            locations=locations,
            repeatable=all(d.repeatable for d in present),
            description=present[0].description,
        )
        state.supergraph.directive_definitions[name] = print_directive_definition(merged)


def print_directive_definition(definition: DirectiveDef) -> str:
    args = ""
    if definition.args:
        args = "(" + ", ".join(_print_arg(a) for a in definition.args.values()) + ")"
    repeatable = " repeatable" if definition.repeatable else ""
    return f"directive @{definition.name}{args}{repeatable} on {' | '.join(definition.locations)}"


def _print_arg(arg: InputValue) -> str:
    default = f" = {print_ast(arg.default)}" if arg.default is not None else ""
    return f"{arg.name}: {arg.type}{default}"


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
