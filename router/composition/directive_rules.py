"""Directive applications in a subgraph's SDL: known directives, known and required arguments.

Reported as INVALID_GRAPHQL, one error per application, like GraphQL's SDL validation
(`KnownDirectives`, `KnownArgumentNamesOnDirectives`, `ProvidedRequiredArgumentsOnDirectives`).
"""

from __future__ import annotations

from graphql.language import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    Node,
    TypeDefinitionNode,
    TypeExtensionNode,
    Visitor,
    visit,
)

from router.composition.errors import CompositionError
from router.composition.subgraph import FEDERATION_DIRECTIVES, Subgraph

# Arguments of each federation (and built-in) directive: name -> required?
_ARGUMENTS: dict[str, dict[str, bool]] = {
    "key": {"fields": True, "resolvable": False},
    "requires": {"fields": True},
    "provides": {"fields": True},
    "external": {"reason": False},
    "tag": {"name": True},
    "extends": {},
    "shareable": {},
    "inaccessible": {},
    "override": {"from": True, "label": False},
    "composeDirective": {"name": False},
    "interfaceObject": {},
    "authenticated": {},
    "requiresScopes": {"scopes": True},
    "policy": {"policies": True},
    "context": {"name": True},
    "fromContext": {"field": False},
    "cost": {"weight": True},
    "listSize": {
        "assumedSize": False,
        "slicingArguments": False,
        "sizedFields": False,
        "requireOneSlicingArgument": False,
    },
    "cacheTag": {"format": True},
    "deprecated": {"reason": False},
    "specifiedBy": {"url": True},
    "oneOf": {},
    "link": {"url": False, "as": False, "for": False, "import": False},
}


def check_directive_applications(
    document: DocumentNode, subgraph: Subgraph, errors: list[CompositionError]
) -> None:
    arguments = _known_arguments(document, subgraph)
    repeatable = _repeatable(document, subgraph)
    applications: list[DirectiveNode] = []
    per_type: dict[str, list[str]] = {}
    duplicates: list[str] = []

    class Collector(Visitor):
        def enter_directive(self, node: DirectiveNode, *_: object) -> None:
            applications.append(node)

        def enter(self, node: Node, *_: object) -> None:
            directives = getattr(node, "directives", None)
            if not directives or isinstance(node, DirectiveNode):
                return
            # A type's definition and extensions count as one location.
            seen: list[str] = []
            if isinstance(node, TypeDefinitionNode | TypeExtensionNode):
                seen = per_type.setdefault(node.name.value, [])
            for directive in directives:
                name = directive.name.value
                if name in seen and name not in repeatable:
                    duplicates.append(name)
                seen.append(name)

    visit(document, Collector())
    errors.extend(
        _invalid(subgraph, f'The directive "@{name}" can only be used once at this location.')
        for name in duplicates
    )
    for node in applications:
        name = node.name.value
        expected = arguments.get(name)
        if expected is None:
            errors.append(_invalid(subgraph, _unknown_directive(subgraph, name)))
            continue
        given = [a.name.value for a in node.arguments or ()]
        errors.extend(
            _invalid(subgraph, f'Unknown argument "{arg}" on directive "@{name}".')
            for arg in given
            if arg not in expected
        )
        if name == "override" and "label" in given and subgraph.version < (2, 7):
            errors.append(_invalid(subgraph, f'Unknown argument "label" on directive "@{name}".'))
        errors.extend(
            _invalid(
                subgraph,
                f'Directive "@{name}" argument "{arg}" is required, but it was not provided.',
            )
            for arg, required in expected.items()
            if required and arg not in given
        )


def _repeatable(document: DocumentNode, subgraph: Subgraph) -> set[str]:
    canonical = {"key", "tag", "context", "cacheTag", "composeDirective", "link"}
    if subgraph.version >= (2, 2):
        canonical.add("shareable")
    names = {local for local, name in subgraph.federation_names.items() if name in canonical}
    names.add("link")
    names.update(
        d.name.value
        for d in document.definitions
        if isinstance(d, DirectiveDefinitionNode) and d.repeatable
    )
    return names


def _known_arguments(document: DocumentNode, subgraph: Subgraph) -> dict[str, dict[str, bool]]:
    known: dict[str, dict[str, bool]] = {}
    for local, canonical in subgraph.federation_names.items():
        if canonical in _ARGUMENTS:
            known[local] = _ARGUMENTS[canonical]
    for name in ("deprecated", "specifiedBy", "oneOf", "link"):
        known[name] = _ARGUMENTS[name]
    for definition in document.definitions:
        if isinstance(definition, DirectiveDefinitionNode):
            known[definition.name.value] = {
                a.name.value: a.type.kind == "non_null_type" and a.default_value is None
                for a in definition.arguments or ()
            }
    return known


def _unknown_directive(subgraph: Subgraph, name: str) -> str:
    message = f'Unknown directive "@{name}".'
    if not subgraph.fed2 and name in FEDERATION_DIRECTIVES:
        message = (
            f'Unknown directive "@{name}". If you meant the "@{name}" federation 2 directive, '
            "note that this schema is a federation 1 schema. To be a federation 2 schema, it "
            "needs to @link to the federation specifcation v2."
        )
    return message


def _invalid(subgraph: Subgraph, message: str) -> CompositionError:
    return CompositionError(
        "INVALID_GRAPHQL", f"[{subgraph.name}] {message}", subgraph=subgraph.name
    )
