"""`@link`s of a subgraph: which local names mean which federation directives.

`@link(url: ".../federation/v2.x", import: ["@key", {name: "@shareable", as: "@share"}], as:)`
maps imported names, and `<prefix>__<name>` for the rest of what that federation version
defines; standalone Apollo specs (`.../tag/v0.3`, `.../cost/v0.1`, ...) likewise. Other links
are kept for `@composeDirective`. No federation link means a federation 1 subgraph, whose
directive names are fixed.
"""

from __future__ import annotations

import re

from graphql.language import (
    DirectiveNode,
    ListValueNode,
    ObjectValueNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    print_ast,
)

from router.composition.errors import CompositionError
from router.composition.model import Directive
from router.composition.subgraph import (
    DIRECTIVE_VERSIONS,
    FEDERATION1_DIRECTIVES,
    FEDERATION_DIRECTIVES,
    FEDERATION_SPEC,
    Link,
    Subgraph,
)

_URL = re.compile(r"^(?P<identity>.*/(?P<name>[^/]+))/v(?P<major>\d+)\.(?P<minor>\d+)/?$")
_FEDERATION_TYPES = frozenset({"FieldSet", "ContextFieldValue", "Scope", "Policy"})
_APOLLO_SPECS = {
    f"https://specs.apollo.dev/{name}": directives
    for name, directives in (
        ("tag", ("tag",)),
        ("inaccessible", ("inaccessible",)),
        ("authenticated", ("authenticated",)),
        ("requiresScopes", ("requiresScopes",)),
        ("policy", ("policy",)),
        ("cost", ("cost", "listSize")),
    )
}


def invalid_graphql(subgraph: str, message: str) -> CompositionError:
    return CompositionError("INVALID_GRAPHQL", f"[{subgraph}] {message}", subgraph=subgraph)


def _directive(node: DirectiveNode) -> Directive:
    return Directive(node.name.value, {a.name.value: a.value for a in node.arguments or ()})


def resolve_links(
    subgraph: Subgraph,
    schema_nodes: list[SchemaDefinitionNode | SchemaExtensionNode],
    errors: list[CompositionError],
) -> None:
    applied = [d for node in schema_nodes for d in node.directives or ()]
    links = [d for d in applied if d.name.value == "link"]
    federation = None
    for node in links:
        directive = _directive(node)
        url = directive.string("url") or ""
        match = _URL.match(url)
        if match is None:  # not a feature URL: Apollo links nothing for it
            continue
        imports = _imports(node, errors, subgraph.name)
        prefix = directive.string("as") or match["name"]
        if match["identity"] == FEDERATION_SPEC:
            federation = (int(match["major"]), int(match["minor"]))
            imported = set(imports.values())
            available = [
                d for d in FEDERATION_DIRECTIVES if federation >= DIRECTIVE_VERSIONS.get(d, (2, 0))
            ]
            for canonical in available:
                if canonical not in imported:
                    subgraph.federation_names[f"{prefix}__{canonical}"] = canonical
            for local, original in imports.items():
                if original in available or original in _FEDERATION_TYPES:
                    subgraph.federation_names[local] = original
                else:
                    errors.append(
                        CompositionError(
                            "INVALID_LINK_DIRECTIVE_USAGE",
                            f'[{subgraph.name}] Cannot import unknown element "@{original}".',
                            subgraph=subgraph.name,
                        )
                    )
        elif match["identity"] in _APOLLO_SPECS:
            # A spec also importable from the federation spec (`@link(url: ".../tag/v0.3")`).
            for canonical in _APOLLO_SPECS[match["identity"]]:
                local = imports_by_original(imports).get(canonical, f"{prefix}__{canonical}")
                subgraph.federation_names[local] = canonical
            subgraph.federation_names.setdefault(prefix, match["name"])
        else:
            link = Link(url, match["identity"], prefix, f"v{match['major']}.{match['minor']}")
            link.imports = imports
            subgraph.links.append(link)
    if federation is None:
        subgraph.fed2 = False
        subgraph.version = (2, 0)
        subgraph.federation_names = {name: name for name in FEDERATION1_DIRECTIVES}
    else:
        subgraph.version = federation
    for node in applied:
        name = subgraph.federation_names.get(node.name.value)
        if name == "composeDirective":
            composed = _directive(node).string("name") or ""
            subgraph.composed.append(composed.removeprefix("@"))


def imports_by_original(imports: dict[str, str]) -> dict[str, str]:
    return {original: local for local, original in imports.items()}


def _imports(node: DirectiveNode, errors: list[CompositionError], name: str) -> dict[str, str]:
    imports: dict[str, str] = {}
    for argument in node.arguments or ():
        if argument.name.value != "import":
            continue
        values = argument.value.values if isinstance(argument.value, ListValueNode) else ()
        for value in values:
            if isinstance(value, StringValueNode):
                imports[value.value.removeprefix("@")] = value.value.removeprefix("@")
            elif isinstance(value, ObjectValueNode):
                fields = {
                    f.name.value: f.value.value
                    for f in value.fields
                    if isinstance(f.value, StringValueNode)
                }
                original = fields.get("name", "").removeprefix("@")
                imports[fields.get("as", original).removeprefix("@")] = original
            else:
                errors.append(
                    CompositionError(
                        "INVALID_LINK_DIRECTIVE_USAGE",
                        f'[{name}] Cannot import unknown element "{print_ast(value)}".',
                        subgraph=name,
                    )
                )
    return imports
