"""Directive applications in a subgraph's SDL: known directives, known and required arguments.

Reported as INVALID_GRAPHQL, one error per application, like GraphQL's SDL validation
(`KnownDirectives`, `KnownArgumentNamesOnDirectives`, `ProvidedRequiredArgumentsOnDirectives`).
"""

from __future__ import annotations

from typing import Any

from graphql.language import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    InputValueDefinitionNode,
    Node,
    SchemaDefinitionNode,
    SchemaExtensionNode,
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
    locations = _known_locations(document, subgraph)
    repeatable = _repeatable(document, subgraph)
    applications: list[DirectiveNode] = []
    misplaced: list[tuple[str, str]] = []
    per_type: dict[str, list[str]] = {}
    duplicates: list[str] = []

    class Collector(Visitor):
        def enter(
            self, node: Node, _key: object, _parent: object, _path: object, ancestors: list[Any]
        ) -> None:
            directives = getattr(node, "directives", None)
            if not directives or isinstance(node, DirectiveNode):
                return
            location = _location(node, ancestors)
            # A type's definition and extensions count as one location.
            seen: list[str] = []
            if isinstance(node, TypeDefinitionNode | TypeExtensionNode):
                seen = per_type.setdefault(node.name.value, [])
            for directive in directives:
                name = directive.name.value
                applications.append(directive)
                if name not in arguments:
                    continue
                if location not in locations.get(name, (location,)):
                    misplaced.append((name, location))
                if name in seen and name not in repeatable:
                    duplicates.append(name)
                seen.append(name)

    visit(document, Collector())
    unknown = [n.name.value for n in applications if n.name.value not in arguments]
    on_schema = [
        d.name.value
        for definition in document.definitions
        if isinstance(definition, SchemaDefinitionNode | SchemaExtensionNode)
        for d in definition.directives or ()
        if d.name.value not in arguments
    ]
    if on_schema:  # Apollo stops at the first unknown directive of the schema definition
        unknown = on_schema[:1]
    if unknown:  # reported alone, like GraphQL's first SDL validation pass in Apollo
        errors.extend(_invalid(subgraph, _unknown_directive(subgraph, name)) for name in unknown)
        return
    errors.extend(
        _invalid(subgraph, f'Directive "@{name}" may not be used on {location}.')
        for name, location in misplaced
    )
    errors.extend(
        _invalid(subgraph, f'The directive "@{name}" can only be used once at this location.')
        for name in duplicates
    )
    for node in applications:
        _check_arguments(node, arguments.get(node.name.value), subgraph, errors)


def _check_arguments(
    node: DirectiveNode,
    expected: dict[str, bool] | None,
    subgraph: Subgraph,
    errors: list[CompositionError],
) -> None:
    name = node.name.value
    if expected is None:
        errors.append(_invalid(subgraph, _unknown_directive(subgraph, name)))
        return
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
            subgraph, f'Directive "@{name}" argument "{arg}" is required, but it was not provided.'
        )
        for arg, required in expected.items()
        if required and arg not in given
    )


_NODE_LOCATIONS = {
    "schema_definition": "SCHEMA",
    "schema_extension": "SCHEMA",
    "object_type_definition": "OBJECT",
    "object_type_extension": "OBJECT",
    "interface_type_definition": "INTERFACE",
    "interface_type_extension": "INTERFACE",
    "union_type_definition": "UNION",
    "union_type_extension": "UNION",
    "enum_type_definition": "ENUM",
    "enum_type_extension": "ENUM",
    "enum_value_definition": "ENUM_VALUE",
    "input_object_type_definition": "INPUT_OBJECT",
    "input_object_type_extension": "INPUT_OBJECT",
    "scalar_type_definition": "SCALAR",
    "scalar_type_extension": "SCALAR",
    "field_definition": "FIELD_DEFINITION",
}


def _location(node: Node, ancestors: list[Any]) -> str:
    if isinstance(node, InputValueDefinitionNode):
        owner = next((a for a in reversed(ancestors) if isinstance(a, Node)), None)
        is_input_field = owner is not None and owner.kind.startswith("input_object_type")
        return "INPUT_FIELD_DEFINITION" if is_input_field else "ARGUMENT_DEFINITION"
    return _NODE_LOCATIONS.get(node.kind, node.kind.upper())


_ALL = (
    "FIELD_DEFINITION",
    "OBJECT",
    "INTERFACE",
    "UNION",
    "ARGUMENT_DEFINITION",
    "SCALAR",
    "ENUM",
    "ENUM_VALUE",
    "INPUT_OBJECT",
    "INPUT_FIELD_DEFINITION",
)
_ACCESS = ("FIELD_DEFINITION", "OBJECT", "INTERFACE", "SCALAR", "ENUM")
_LOCATIONS: dict[str, tuple[str, ...]] = {
    "key": ("OBJECT", "INTERFACE"),
    "requires": ("FIELD_DEFINITION",),
    "provides": ("FIELD_DEFINITION",),
    "external": ("OBJECT", "FIELD_DEFINITION"),
    "tag": (*_ALL, "SCHEMA"),
    "extends": ("OBJECT", "INTERFACE"),
    "shareable": ("OBJECT", "FIELD_DEFINITION"),
    "inaccessible": _ALL,
    "override": ("FIELD_DEFINITION",),
    "composeDirective": ("SCHEMA",),
    "interfaceObject": ("OBJECT",),
    "authenticated": _ACCESS,
    "requiresScopes": _ACCESS,
    "policy": _ACCESS,
    "context": ("INTERFACE", "OBJECT", "UNION"),
    "fromContext": ("ARGUMENT_DEFINITION",),
    "cost": (
        "ARGUMENT_DEFINITION",
        "ENUM",
        "FIELD_DEFINITION",
        "INPUT_FIELD_DEFINITION",
        "OBJECT",
        "SCALAR",
    ),
    "listSize": ("FIELD_DEFINITION",),
    "cacheTag": ("OBJECT", "FIELD_DEFINITION"),
    "deprecated": (
        "FIELD_DEFINITION",
        "ARGUMENT_DEFINITION",
        "INPUT_FIELD_DEFINITION",
        "ENUM_VALUE",
    ),
    "specifiedBy": ("SCALAR",),
    "oneOf": ("INPUT_OBJECT",),
    "link": ("SCHEMA",),
}


def _known_locations(document: DocumentNode, subgraph: Subgraph) -> dict[str, tuple[str, ...]]:
    known: dict[str, tuple[str, ...]] = {}
    for local, canonical in subgraph.federation_names.items():
        if canonical in _LOCATIONS:
            known[local] = _LOCATIONS[canonical]
    for name in ("deprecated", "specifiedBy", "oneOf", "link"):
        known[name] = _LOCATIONS[name]
    for definition in document.definitions:
        if isinstance(definition, DirectiveDefinitionNode):
            known[definition.name.value] = tuple(loc.value for loc in definition.locations)
    return known


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
    if name not in FEDERATION_DIRECTIVES:
        return message
    if not subgraph.fed2:
        return (
            f'{message[:-1]}. If you meant the "@{name}" federation 2 directive, note that this '
            "schema is a federation 1 schema. To be a federation 2 schema, it needs to @link to "
            "the federation specifcation v2."
        )
    qualified = next(
        (local for local, canonical in subgraph.federation_names.items() if canonical == name),
        None,
    )
    if qualified is None:
        return message
    return (
        f'{message[:-1]}. If you meant the "@{name}" federation directive, you should use '
        f'fully-qualified name "@{qualified}" or add "@{name}" to the `import` argument of the '
        "@link to the federation specification."
    )


def _invalid(subgraph: Subgraph, message: str) -> CompositionError:
    return CompositionError(
        "INVALID_GRAPHQL", f"[{subgraph.name}] {message}", subgraph=subgraph.name
    )
