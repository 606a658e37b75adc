"""Features of the supergraph: the spec `@link`s and definitions its carried directives need.

Every Apollo spec in use (tag, inaccessible, authenticated, requiresScopes, policy, context,
cost, cacheTag) gets its `@link` (in the order Apollo adds them) and its definitions;
`@composeDirective`-d directives bring their own feature (the latest version wins); executable
directives defined in every subgraph keep the intersection of their locations.
"""

from __future__ import annotations

from router.composition.merge.state import CARRIED, MergeState
from router.composition.merge.types import pick_description
from router.composition.model import Directed, DirectiveDef
from router.composition.subgraph import Subgraph
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


def applied_directives(subgraph: Subgraph) -> set[str]:
    """Names of the directives applied anywhere in a subgraph's types."""
    used: set[str] = set()
    for typedef in subgraph.types.values():
        elements: list[Directed] = [typedef, *typedef.values.values()]
        elements += typedef.input_fields.values()
        for field_def in typedef.fields.values():
            elements += [field_def, *field_def.args.values()]
        for element in elements:
            used.update(d.name for d in element.directives)
    return used


def add_features(state: MergeState) -> None:
    """Feature `@link`s and definitions for every carried directive in use."""
    by_url: dict[str, FeatureLink] = {}
    for subgraph in state.subgraphs:
        used = applied_directives(subgraph)
        for name in [n for n in _SUBGRAPH_ORDER if n in used]:
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
    _drop_uncomposed_applications(state)


def _drop_uncomposed_applications(state: MergeState) -> None:
    """A custom directive is carried only from the subgraphs that `@composeDirective` it."""
    for subgraph in state.subgraphs:
        dropped = state.composed - set(subgraph.composed)
        if not dropped:
            continue
        for typedef in subgraph.types.values():
            elements: list[Directed] = [typedef, *typedef.values.values()]
            elements += typedef.input_fields.values()
            for field_def in typedef.fields.values():
                elements += [field_def, *field_def.args.values()]
            for element in elements:
                element.directives = [d for d in element.directives if d.name not in dropped]


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
        state.supergraph.directives[name] = definition
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
            description=pick_description([d.description for d in present]),
        )
        state.supergraph.directives[name] = merged
