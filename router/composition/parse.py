"""Expand: subgraph SDL → `Subgraph`, with `@link` imports resolved to canonical names.

Federation directives are stored under their canonical names (`key`, `shareable`, ...) whatever
they are called locally (`@link(import: [{name: "@key", as: "@id"}])`, `federation__key`), so
later stages never deal with renames. Federation plumbing (`_Service`, `_entities`, `_Any`,
`link__*`, federation directive definitions) is dropped here.
"""

from __future__ import annotations

from graphql import GraphQLSyntaxError
from graphql.language import (
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    ExecutableDefinitionNode,
    FieldDefinitionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InputValueDefinitionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    ScalarTypeDefinitionNode,
    ScalarTypeExtensionNode,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
    TypeExtensionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
    parse,
    print_ast,
)

from router.composition.directive_rules import check_directive_applications
from router.composition.errors import CompositionError
from router.composition.links import invalid_graphql, resolve_links
from router.composition.model import (
    BUILT_IN_SCALARS,
    DEFAULT_ROOT_NAMES,
    Directive,
    DirectiveDef,
    EnumValue,
    Field,
    InputValue,
    Kind,
    TypeDef,
    base_type,
)
from router.composition.sources import SubgraphSource
from router.composition.subgraph import (
    Subgraph,
)

_PLUMBING_TYPES = frozenset({"_Any", "_Service", "_Entity", "FieldSet", "_FieldSet"})
_PLUMBING_FIELDS = frozenset({"_service", "_entities"})
_SPEC_PREFIXES = ("link__", "federation__", "join__")
_OBJECT_NODES = (ObjectTypeDefinitionNode, ObjectTypeExtensionNode)
_INTERFACE_NODES = (InterfaceTypeDefinitionNode, InterfaceTypeExtensionNode)
_UNION_NODES = (UnionTypeDefinitionNode, UnionTypeExtensionNode)
_ENUM_NODES = (EnumTypeDefinitionNode, EnumTypeExtensionNode)
_INPUT_NODES = (InputObjectTypeDefinitionNode, InputObjectTypeExtensionNode)
_SCALAR_NODES = (ScalarTypeDefinitionNode, ScalarTypeExtensionNode)


def parse_document(source: SubgraphSource) -> DocumentNode | CompositionError:
    """The SDL's syntax tree, or its syntax error (INVALID_GRAPHQL)."""
    try:
        return parse(source.sdl, no_location=True)
    except GraphQLSyntaxError as exc:
        return _invalid(source.name, exc.message)


def build_subgraph(
    source: SubgraphSource, document: DocumentNode
) -> Subgraph | list[CompositionError]:
    """Build the subgraph model; INVALID_GRAPHQL (and link errors) when the SDL is not usable."""
    if any(isinstance(d, ExecutableDefinitionNode) for d in document.definitions):
        return [_invalid(source.name, "Invalid executable definition found while building schema")]
    subgraph = Subgraph(name=source.name, url=source.url)
    errors: list[CompositionError] = []
    schema_nodes: list[SchemaDefinitionNode | SchemaExtensionNode] = [
        d for d in document.definitions if isinstance(d, SchemaDefinitionNode | SchemaExtensionNode)
    ]
    resolve_links(subgraph, schema_nodes, errors)
    if errors:  # Apollo stops at a broken @link before validating the rest
        return errors
    renamed_roots = _root_renames(schema_nodes)
    _check_root_names(document, renamed_roots, subgraph.name, errors)
    for definition in document.definitions:
        if isinstance(definition, TypeDefinitionNode | TypeExtensionNode):
            _add_type(subgraph, definition, renamed_roots, errors)
        elif isinstance(definition, DirectiveDefinitionNode):
            _add_directive_definition(subgraph, definition)
    # Every subgraph has a query root (federation adds `_service` and `_entities` to it).
    subgraph.types.setdefault("Query", TypeDef(name="Query", kind=Kind.OBJECT))
    for kind, default in DEFAULT_ROOT_NAMES.items():
        if default in subgraph.types:
            subgraph.roots[kind] = default
    _check_references(subgraph, errors)
    check_directive_applications(document, subgraph, errors)
    return errors or subgraph


def _invalid(subgraph: str, message: str) -> CompositionError:
    return invalid_graphql(subgraph, message)


def _root_renames(schema_nodes: list[SchemaDefinitionNode | SchemaExtensionNode]) -> dict[str, str]:
    renames: dict[str, str] = {}
    for node in schema_nodes:
        for operation in node.operation_types or ():
            kind = operation.operation.value
            renames[operation.type.name.value] = DEFAULT_ROOT_NAMES[kind]
    return renames


def _check_root_names(
    document: DocumentNode, renames: dict[str, str], name: str, errors: list[CompositionError]
) -> None:
    """A root type with a custom name forbids another type using the default name."""
    defined = {
        d.name.value
        for d in document.definitions
        if isinstance(d, TypeDefinitionNode | TypeExtensionNode)
    }
    for original, default in renames.items():
        if original != default and default in defined:
            kind = next(k for k, v in DEFAULT_ROOT_NAMES.items() if v == default)
            errors.append(
                CompositionError(
                    f"ROOT_{kind.upper()}_USED",
                    f'[{name}] The schema has a type named "{default}" but it is not set as the '
                    f'{kind} root type ("{original}" is instead): this is not supported by '
                    "federation. If a root type does not use its default name, there should be "
                    "no other type with that default name.",
                    subgraph=name,
                    type=default,
                )
            )
            renames[original] = original


def _directive(node: DirectiveNode, names: dict[str, str], *, extension: bool = False) -> Directive:
    name = names.get(node.name.value, node.name.value)
    args = {a.name.value: a.value for a in node.arguments or ()}
    return Directive(name, args, in_extension=extension)


def _directives(
    nodes: tuple[DirectiveNode, ...] | None, subgraph: Subgraph, *, extension: bool = False
) -> list[Directive]:
    return [_directive(n, subgraph.federation_names, extension=extension) for n in nodes or ()]


def _description(node: object) -> str | None:
    description = getattr(node, "description", None)
    return description.value if isinstance(description, StringValueNode) else None


def _rename(type_ref: str, renames: dict[str, str]) -> str:
    name = base_type(type_ref)
    return type_ref.replace(name, renames[name], 1) if name in renames else type_ref


def _input_value(
    node: InputValueDefinitionNode, subgraph: Subgraph, renames: dict[str, str]
) -> InputValue:
    return InputValue(
        name=node.name.value,
        description=_description(node),
        directives=_directives(node.directives, subgraph),
        type=_rename(print_ast(node.type), renames),
        default=node.default_value,
    )


def _field(
    node: FieldDefinitionNode,
    subgraph: Subgraph,
    parent: str,
    renames: dict[str, str],
    *,
    extension: bool,
) -> Field:
    return Field(
        name=node.name.value,
        description=_description(node),
        directives=_directives(node.directives, subgraph, extension=extension),
        type=_rename(print_ast(node.type), renames),
        args={a.name.value: _input_value(a, subgraph, renames) for a in node.arguments or ()},
        parent=parent,
        in_extension=extension,
    )


def _kind(node: TypeDefinitionNode | TypeExtensionNode) -> Kind:
    if isinstance(node, _OBJECT_NODES):
        return Kind.OBJECT
    if isinstance(node, _INTERFACE_NODES):
        return Kind.INTERFACE
    if isinstance(node, _UNION_NODES):
        return Kind.UNION
    if isinstance(node, _ENUM_NODES):
        return Kind.ENUM
    if isinstance(node, _INPUT_NODES):
        return Kind.INPUT
    return Kind.SCALAR


def _add_type(
    subgraph: Subgraph,
    node: TypeDefinitionNode | TypeExtensionNode,
    renames: dict[str, str],
    errors: list[CompositionError],
) -> None:
    original = node.name.value
    if original in _PLUMBING_TYPES or original.startswith(_SPEC_PREFIXES):
        return
    name = renames.get(original, original)
    is_extension = isinstance(node, TypeExtensionNode)
    kind = _kind(node)
    typedef = subgraph.types.get(name)
    if typedef is None:
        typedef = TypeDef(name=name, kind=kind, extension_only=is_extension)
        subgraph.types[name] = typedef
    elif typedef.kind != kind:
        errors.append(_invalid(subgraph.name, f'Type "{name}" is defined with different kinds.'))
        return
    elif not is_extension:
        if not typedef.extension_only:
            errors.append(_invalid(subgraph.name, f'There can be only one type named "{name}".'))
            return
        typedef.extension_only = False
    if not is_extension:
        typedef.description = _description(node)
    typedef.directives += _directives(node.directives, subgraph, extension=is_extension)
    for field_node in getattr(node, "fields", None) or ():
        if isinstance(field_node, FieldDefinitionNode):
            if field_node.name.value in _PLUMBING_FIELDS:
                continue
            field_def = _field(field_node, subgraph, name, renames, extension=is_extension)
            if field_def.name in typedef.fields:
                errors.append(
                    _invalid(
                        subgraph.name, f'Field "{name}.{field_def.name}" can only be defined once.'
                    )
                )
            typedef.fields[field_def.name] = field_def
        elif isinstance(field_node, InputValueDefinitionNode):
            typedef.input_fields[field_node.name.value] = _input_value(
                field_node, subgraph, renames
            )
    typedef.interfaces += [i.name.value for i in getattr(node, "interfaces", None) or ()]
    typedef.members += [
        renames.get(m.name.value, m.name.value) for m in getattr(node, "types", None) or ()
    ]
    for value in getattr(node, "values", None) or ():
        typedef.values[value.name.value] = EnumValue(
            name=value.name.value,
            description=_description(value),
            directives=_directives(value.directives, subgraph),
        )


def _add_directive_definition(subgraph: Subgraph, node: DirectiveDefinitionNode) -> None:
    name = node.name.value
    if name in subgraph.federation_names or name == "link" or name.startswith(_SPEC_PREFIXES):
        return
    if not subgraph.fed2 and name in ("shareable", "override", "composeDirective"):
        return
    subgraph.directive_defs[name] = DirectiveDef(
        name=name,
        args={a.name.value: _input_value(a, subgraph, {}) for a in node.arguments or ()},
        locations=[loc.value for loc in node.locations],
        repeatable=node.repeatable,
        description=_description(node),
    )


def _check_references(subgraph: Subgraph, errors: list[CompositionError]) -> None:
    known = set(subgraph.types) | BUILT_IN_SCALARS
    seen: set[str] = set()

    def check(type_ref: str) -> None:
        name = base_type(type_ref)
        if name not in known and name not in seen:
            seen.add(name)
            errors.append(_invalid(subgraph.name, f'Unknown type "{name}".'))

    for typedef in subgraph.types.values():
        for field_def in typedef.fields.values():
            check(field_def.type)
            for arg in field_def.args.values():
                check(arg.type)
        for input_field in typedef.input_fields.values():
            check(input_field.type)
        for name in typedef.interfaces + typedef.members:
            check(name)
