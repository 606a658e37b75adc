"""Print: the supergraph SDL, laid out exactly as Apollo prints it.

Definitions are sorted by name (case-insensitively), fields keep their merge order, applied
directives their application order; `link`/`join` plumbing depends on the join version.
"""

from __future__ import annotations

from router.composition.model import (
    Directive,
    DirectiveDef,
    EnumValue,
    Field,
    InputValue,
    Kind,
    TypeDef,
    print_value,
)
from router.composition.supergraph import Supergraph

INDENT = "  "
_JOIN_FIELD_ARGS = {
    (0, 3): "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, "
    "external: Boolean, override: String, usedOverridden: Boolean",
    (0, 4): "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, "
    "external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String",
    (0, 5): "graph: join__Graph, requires: join__FieldSet, provides: join__FieldSet, type: String, "
    "external: Boolean, override: String, usedOverridden: Boolean, overrideLabel: String, "
    "contextArguments: [join__ContextArgument!]",
}
_LINK_PURPOSE = '''enum link__Purpose {
  """
  `SECURITY` features provide metadata necessary to securely resolve fields.
  """
  SECURITY

  """
  `EXECUTION` features provide metadata necessary for operation execution.
  """
  EXECUTION
}'''
_CONTEXT_ARGUMENT = """input join__ContextArgument {
  name: String!
  type: String!
  context: String!
  selection: join__FieldValue!
}"""


def print_supergraph(supergraph: Supergraph) -> str:
    definitions: dict[str, str] = {}
    for name, text in _join_directives(supergraph).items():
        definitions["@" + name] = text
    for name, text in supergraph.directive_definitions.items():
        definitions["@" + name] = text
    for name, definition in supergraph.directives.items():
        definitions["@" + name] = print_directive_definition(definition)
    types: dict[str, str] = dict(supergraph.extra_types)
    types.update(_join_types(supergraph))
    for typedef in supergraph.types.values():
        types[typedef.name] = print_type(typedef)
    directive_texts = [definitions[k] for k in sorted(definitions, key=_order)]
    type_texts = [types[k] for k in sorted(types, key=_order)]
    return "\n\n".join([_schema(supergraph), *directive_texts, *type_texts])


def _order(name: str) -> tuple[str, str]:
    return (name.lower(), name.swapcase())


def _schema(supergraph: Supergraph) -> str:
    major, minor = supergraph.join_version
    links = [
        '@link(url: "https://specs.apollo.dev/link/v1.0")',
        f'@link(url: "https://specs.apollo.dev/join/v{major}.{minor}", for: EXECUTION)',
    ]
    for feature in supergraph.features:
        args = [f'url: "{feature.url}"']
        if feature.purpose:
            args.append(f"for: {feature.purpose}")
        if feature.imports:
            args.append("import: [" + ", ".join(f'"{i}"' for i in feature.imports) + "]")
        links.append(f"@link({', '.join(args)})")
    roots = "".join(f"{INDENT}{kind}: {name}\n" for kind, name in supergraph.roots.items())
    return "schema\n" + "".join(f"{INDENT}{link}\n" for link in links) + "{\n" + roots + "}"


def _join_directives(supergraph: Supergraph) -> dict[str, str]:
    version = supergraph.join_version
    directives = {
        "join__enumValue": "directive @join__enumValue(graph: join__Graph!) repeatable on "
        "ENUM_VALUE",
        "join__field": f"directive @join__field({_JOIN_FIELD_ARGS[version]}) repeatable on "
        "FIELD_DEFINITION | INPUT_FIELD_DEFINITION",
        "join__graph": "directive @join__graph(name: String!, url: String!) on ENUM_VALUE",
        "join__implements": "directive @join__implements(graph: join__Graph!, interface: String!) "
        "repeatable on OBJECT | INTERFACE",
        "join__type": "directive @join__type(graph: join__Graph!, key: join__FieldSet, extension: "
        "Boolean! = false, resolvable: Boolean! = true, isInterfaceObject: Boolean! = false) "
        "repeatable on OBJECT | INTERFACE | UNION | ENUM | INPUT_OBJECT | SCALAR",
        "join__unionMember": "directive @join__unionMember(graph: join__Graph!, member: String!) "
        "repeatable on UNION",
        "link": "directive @link(url: String, as: String, for: link__Purpose, import: "
        "[link__Import]) repeatable on SCHEMA",
    }
    if version >= (0, 4):
        directives["join__directive"] = (
            "directive @join__directive(graphs: [join__Graph!], name: String!, args: "
            "join__DirectiveArguments) repeatable on SCHEMA | OBJECT | INTERFACE | FIELD_DEFINITION"
        )
    return directives


def _join_types(supergraph: Supergraph) -> dict[str, str]:
    graphs = "".join(
        f'{INDENT}{g.enum} @join__graph(name: "{g.name}", url: "{g.url}")\n'
        for g in supergraph.graphs
    )
    types = {
        "join__FieldSet": "scalar join__FieldSet",
        "join__Graph": "enum join__Graph {\n" + graphs + "}",
        "link__Import": "scalar link__Import",
        "link__Purpose": _LINK_PURPOSE,
    }
    if supergraph.join_version >= (0, 4):
        types["join__DirectiveArguments"] = "scalar join__DirectiveArguments"
    if supergraph.join_version >= (0, 5):
        types["join__ContextArgument"] = _CONTEXT_ARGUMENT
        types["join__FieldValue"] = "scalar join__FieldValue"
    return types


def print_type(typedef: TypeDef) -> str:
    header = _description(typedef.description, "")
    header += f"{typedef.kind.value} {typedef.name}"
    if typedef.interfaces:
        header += " implements " + " & ".join(typedef.interfaces)
    directives = _directives_block(typedef.directives)
    if typedef.kind == Kind.SCALAR:
        return header + directives.rstrip("\n")
    if typedef.kind == Kind.UNION:
        if not typedef.members:
            return header + directives.rstrip("\n")
        return header + directives + " = " + " | ".join(typedef.members)
    if typedef.kind == Kind.ENUM:
        body = [_enum_value(v, i == 0) for i, v in enumerate(typedef.values.values())]
    elif typedef.kind == Kind.INPUT:
        body = [_input_field(f, i == 0) for i, f in enumerate(typedef.input_fields.values())]
    else:
        body = [_field(f, i == 0) for i, f in enumerate(typedef.fields.values())]
    opener = directives or " "
    return header + opener + "{\n" + "\n".join(body) + "\n}"


def _directives_block(directives: list[Directive]) -> str:
    if not directives:
        return ""
    return "\n" + "".join(f"{INDENT}{d}\n" for d in directives)


def _inline(directives: list[Directive]) -> str:
    return "".join(f" {d}" for d in directives)


def _field(field_def: Field, first: bool) -> str:
    text = _description(field_def.description, INDENT, first=first) + INDENT + field_def.name
    text += _arguments(list(field_def.args.values()))
    return text + f": {field_def.type}" + _inline(field_def.directives)


def _input_field(field_def: InputValue, first: bool) -> str:
    text = _description(field_def.description, INDENT, first=first) + INDENT
    return text + _input_value(field_def)


def _enum_value(value: EnumValue, first: bool) -> str:
    text = _description(value.description, INDENT, first=first)
    return text + INDENT + value.name + _inline(value.directives)


def _input_value(value: InputValue) -> str:
    default = f" = {print_value(value.default)}" if value.default is not None else ""
    return f"{value.name}: {value.type}{default}" + _inline(value.directives)


def _arguments(args: list[InputValue], indentation: str = INDENT) -> str:
    if not args:
        return ""
    if all(not a.description for a in args):
        return "(" + ", ".join(_input_value(a) for a in args) + ")"
    inner = INDENT + indentation
    lines = [
        _description(a.description, inner, first=i == 0) + inner + _input_value(a)
        for i, a in enumerate(args)
    ]
    return "(\n" + "\n".join(lines) + "\n" + indentation + ")"


def print_directive_definition(definition: DirectiveDef) -> str:
    repeatable = " repeatable" if definition.repeatable else ""
    return (
        _description(definition.description, "")
        + f"directive @{definition.name}"
        + _arguments(list(definition.args.values()), "")
        + f"{repeatable} on {' | '.join(definition.locations)}"
    )


def _description(description: str | None, indentation: str, *, first: bool = True) -> str:
    if description is None:
        return ""
    block = block_string(description, prefer_multiple_lines=len(description) > 70)
    prefix = "\n" + indentation if indentation and not first else indentation
    return prefix + block.replace("\n", "\n" + indentation) + "\n"


def block_string(value: str, *, prefer_multiple_lines: bool) -> str:
    single_line = "\n" not in value
    leading_space = value[:1] in (" ", "\t")
    multiple = not single_line or value.endswith(('"', "\\")) or prefer_multiple_lines
    result = ""
    if multiple and not (single_line and leading_space):
        result += "\n"
    result += value
    if multiple:
        result += "\n"
    return '"""' + result.replace('"""', '\\"""') + '"""'
