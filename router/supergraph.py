"""Load an Apollo supergraph SDL: per-subgraph metadata for the planner and the API schema.

The supergraph carries ``@link`` and ``join`` (v0.1-v0.5) machinery. ``Supergraph.parse`` reads it
once into plain lookup tables (types, fields, keys, implementations per subgraph) so that the
planner never touches the SDL again, and derives the API schema that clients validate and
introspect against: link/join definitions and ``@inaccessible`` elements removed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from graphql import (
    DirectiveNode,
    DocumentNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLNamedType,
    GraphQLSchema,
    build_ast_schema,
    is_abstract_type,
    is_interface_type,
    is_object_type,
    parse,
    value_from_ast_untyped,
)
from graphql.language import ast

__all__ = [
    "FieldInGraph",
    "FieldMeta",
    "KeyInGraph",
    "Supergraph",
    "SupergraphError",
    "TypeInGraph",
    "TypeMeta",
]

_MACHINERY_PREFIXES = ("join__", "link__")
_MACHINERY_DIRECTIVES = frozenset({"link", "core", "inaccessible", "tag"})


class SupergraphError(Exception):
    """The SDL is not a usable supergraph (syntax, unknown join version, broken references)."""


@dataclass(frozen=True, slots=True)
class KeyInGraph:
    fields: str
    resolvable: bool


@dataclass(slots=True)
class TypeInGraph:
    keys: list[KeyInGraph] = field(default_factory=list)
    extension: bool = False
    is_interface_object: bool = False

    @property
    def resolvable_keys(self) -> list[str]:
        return [key.fields for key in self.keys if key.resolvable]


@dataclass(frozen=True, slots=True)
class FieldInGraph:
    external: bool = False
    requires: str | None = None
    provides: str | None = None
    type: str | None = None
    override: str | None = None
    override_label: str | None = None
    used_overridden: bool = False


@dataclass(slots=True)
class FieldMeta:
    """Where a field lives. ``graphs`` empty with ``via_interface_object`` means: only through an
    ``@interfaceObject`` of one of the parent type's interfaces."""

    graphs: dict[str, FieldInGraph] = field(default_factory=dict)
    via_interface_object: bool = False


@dataclass(slots=True)
class TypeMeta:
    name: str
    kind: str  # "object" | "interface" | "union" | "enum" | "input" | "scalar"
    graphs: dict[str, TypeInGraph] = field(default_factory=dict)
    fields: dict[str, FieldMeta] = field(default_factory=dict)  # also input fields
    enum_values: dict[str, frozenset[str]] = field(default_factory=dict)  # value -> graphs


def _args(directive: DirectiveNode) -> dict[str, Any]:
    return {arg.name.value: value_from_ast_untyped(arg.value) for arg in directive.arguments or ()}


def _directives(node: Any, name: str) -> list[dict[str, Any]]:
    return [_args(d) for d in node.directives or () if d.name.value == name]


class Supergraph:
    """A parsed supergraph: the full schema (planning), the API schema and join metadata."""

    def __init__(
        self,
        *,
        schema: GraphQLSchema,
        api_schema: GraphQLSchema,
        graph_names: Mapping[str, str],
        subgraph_urls: Mapping[str, str],
        types: Mapping[str, TypeMeta],
        implementations: Mapping[str, Mapping[str, frozenset[str]]],
        inaccessible_enum_values: Mapping[str, frozenset[str]],
    ) -> None:
        self.schema = schema
        self.api_schema = api_schema
        self.graph_names = graph_names
        self.subgraph_urls = subgraph_urls
        self.subgraphs: tuple[str, ...] = tuple(subgraph_urls)
        self.types = types
        self._implementations = implementations
        self.inaccessible_enum_values = inaccessible_enum_values
        self.api_enum_values: dict[str, frozenset[str]] = {
            name: frozenset(named.values)
            for name, named in api_schema.type_map.items()
            if isinstance(named, GraphQLEnumType) and not name.startswith("__")
        }
        self._possible: dict[tuple[str, str | None], frozenset[str]] = {}

    # ----------------------------------------------------------------------------- parsing
    @classmethod
    def parse(cls, sdl: str) -> Supergraph:
        try:
            document = parse(sdl)
        except GraphQLError as exc:
            raise SupergraphError(f"supergraph SDL does not parse: {exc.message}") from exc
        _check_join_version(document)
        inaccessible = _inaccessible_name(document)
        graph_names = _graph_names(document)
        if not graph_names:
            raise SupergraphError("supergraph declares no join__Graph values")
        try:
            schema = build_ast_schema(document, assume_valid_sdl=True)
            api_schema = build_ast_schema(_api_document(document, inaccessible), assume_valid=False)
        except (GraphQLError, TypeError) as exc:
            raise SupergraphError(f"supergraph schema is invalid: {exc}") from exc
        types, implementations = _read_types(document, graph_names)
        enum_hidden = _inaccessible_enum_values(document, inaccessible)
        urls = dict(graph_names.values())
        return cls(
            schema=schema,
            api_schema=api_schema,
            graph_names={enum: name for enum, (name, _) in graph_names.items()},
            subgraph_urls=urls,
            types=types,
            implementations=implementations,
            inaccessible_enum_values=enum_hidden,
        )

    # ----------------------------------------------------------------------------- queries
    def named_type(self, name: str) -> GraphQLNamedType:
        found = self.schema.get_type(name)
        if found is None:
            raise SupergraphError(f"unknown type {name}")
        return found

    def is_abstract(self, name: str) -> bool:
        return is_abstract_type(self.schema.get_type(name))

    def possible_types(self, type_name: str, graph: str | None = None) -> frozenset[str]:
        """Concrete types of ``type_name``: in the whole supergraph, or as ``graph`` knows them."""
        found = self._possible.get((type_name, graph))
        if found is None:
            found = self._possible[(type_name, graph)] = self._compute_possible(type_name, graph)
        return found

    def _compute_possible(self, type_name: str, graph: str | None) -> frozenset[str]:
        named = self.schema.get_type(type_name)
        if named is None:
            return frozenset()
        if is_object_type(named):
            return frozenset({type_name})
        if graph is None:
            return frozenset(t.name for t in self.schema.get_possible_types(named))  # type: ignore[arg-type]
        return self._implementations.get(graph, {}).get(type_name, frozenset())

    def type_in(self, type_name: str, graph: str) -> TypeInGraph | None:
        meta = self.types.get(type_name)
        return None if meta is None else meta.graphs.get(graph)

    def interfaces_of(self, type_name: str) -> list[str]:
        named = self.schema.get_type(type_name)
        if is_object_type(named) or is_interface_type(named):
            return [i.name for i in named.interfaces]
        return []


# --------------------------------------------------------------------------------- helpers
def _check_join_version(document: DocumentNode) -> None:
    for definition in document.definitions:
        if isinstance(definition, ast.SchemaDefinitionNode | ast.SchemaExtensionNode):
            for link in (*_directives(definition, "link"), *_directives(definition, "core")):
                url = str(link.get("url") or link.get("feature") or "")
                if "/join/v" in url:
                    version = url.rsplit("/v", 1)[1]
                    if version not in {"0.1", "0.2", "0.3", "0.4", "0.5"}:
                        raise SupergraphError(f"unsupported join version v{version}")
                    return
    raise SupergraphError("supergraph does not @link the join spec")


def _inaccessible_name(document: DocumentNode) -> str:
    for definition in document.definitions:
        if isinstance(definition, ast.SchemaDefinitionNode | ast.SchemaExtensionNode):
            for link in _directives(definition, "link"):
                url = str(link.get("url") or "")
                if "/inaccessible/v" in url and link.get("as"):
                    return str(link["as"])
    return "inaccessible"


def _graph_names(document: DocumentNode) -> dict[str, tuple[str, str]]:
    for definition in document.definitions:
        if isinstance(definition, ast.EnumTypeDefinitionNode) and (
            definition.name.value == "join__Graph"
        ):
            result: dict[str, tuple[str, str]] = {}
            for value in definition.values or ():
                args = _directives(value, "join__graph")
                if args:
                    name = str(args[0].get("name") or value.name.value.lower())
                    result[value.name.value] = (name, str(args[0].get("url") or ""))
            return result
    return {}


def _is_machinery(name: str) -> bool:
    return name.startswith(_MACHINERY_PREFIXES) or name in _MACHINERY_DIRECTIVES


def _hidden(node: Any, inaccessible: str) -> bool:
    return any(d.name.value == inaccessible for d in node.directives or ())


def _strip(node: Any, inaccessible: str) -> Any:
    """A copy of a definition without machinery directives and without inaccessible children."""
    changes: dict[str, Any] = {}
    if getattr(node, "directives", None):
        changes["directives"] = tuple(
            d
            for d in node.directives
            if not _is_machinery(d.name.value) and d.name.value != inaccessible
        )
    for attr in ("fields", "values", "arguments"):
        children = getattr(node, attr, None)
        if children:
            changes[attr] = tuple(
                _strip(child, inaccessible)
                for child in children
                if not _hidden(child, inaccessible)
            )
    if isinstance(node, ast.UnionTypeDefinitionNode | ast.UnionTypeExtensionNode):
        changes["types"] = node.types
    return replace(node, **changes) if changes else node


def _api_document(document: DocumentNode, inaccessible: str) -> DocumentNode:
    hidden_types = {
        d.name.value
        for d in document.definitions
        if isinstance(d, ast.TypeDefinitionNode) and _hidden(d, inaccessible)
    }
    kept: list[ast.DefinitionNode] = []
    for definition in document.definitions:
        if isinstance(definition, ast.DirectiveDefinitionNode):
            if _is_machinery(definition.name.value) or definition.name.value == inaccessible:
                continue
            kept.append(definition)
            continue
        if isinstance(definition, ast.TypeDefinitionNode | ast.TypeExtensionNode):
            name = definition.name.value
            if name in hidden_types or _is_machinery(name):
                continue
            stripped = _strip(definition, inaccessible)
            if isinstance(stripped, ast.ObjectTypeDefinitionNode | ast.InterfaceTypeDefinitionNode):
                stripped = replace(
                    stripped,
                    interfaces=tuple(
                        i for i in stripped.interfaces or () if i.name.value not in hidden_types
                    ),
                    fields=tuple(
                        f for f in stripped.fields or () if _named(f.type) not in hidden_types
                    ),
                )
            if isinstance(stripped, ast.UnionTypeDefinitionNode):
                stripped = replace(
                    stripped,
                    types=tuple(
                        t for t in stripped.types or () if t.name.value not in hidden_types
                    ),
                )
            kept.append(stripped)
            continue
        if isinstance(definition, ast.SchemaDefinitionNode | ast.SchemaExtensionNode):
            kept.append(replace(definition, directives=()))
            continue
        kept.append(definition)
    return DocumentNode(definitions=tuple(kept))


def _named(type_node: ast.TypeNode) -> str:
    while isinstance(type_node, ast.NonNullTypeNode | ast.ListTypeNode):
        type_node = type_node.type
    assert isinstance(type_node, ast.NamedTypeNode)
    return type_node.name.value


_KINDS: dict[type, str] = {
    ast.ObjectTypeDefinitionNode: "object",
    ast.ObjectTypeExtensionNode: "object",
    ast.InterfaceTypeDefinitionNode: "interface",
    ast.InterfaceTypeExtensionNode: "interface",
    ast.UnionTypeDefinitionNode: "union",
    ast.UnionTypeExtensionNode: "union",
    ast.EnumTypeDefinitionNode: "enum",
    ast.EnumTypeExtensionNode: "enum",
    ast.InputObjectTypeDefinitionNode: "input",
    ast.InputObjectTypeExtensionNode: "input",
    ast.ScalarTypeDefinitionNode: "scalar",
    ast.ScalarTypeExtensionNode: "scalar",
}


def _read_types(
    document: DocumentNode, graph_names: Mapping[str, tuple[str, str]]
) -> tuple[dict[str, TypeMeta], dict[str, dict[str, frozenset[str]]]]:
    def graph(enum_value: Any) -> str:
        if enum_value not in graph_names:
            raise SupergraphError(f"unknown join__Graph value {enum_value}")
        return graph_names[str(enum_value)][0]

    all_graphs = [name for name, _ in graph_names.values()]
    types: dict[str, TypeMeta] = {}
    impls: dict[str, dict[str, set[str]]] = {g: {} for g in all_graphs}
    union_nodes: list[ast.UnionTypeDefinitionNode | ast.UnionTypeExtensionNode] = []
    object_nodes: list[Any] = []
    for definition in document.definitions:
        kind = _KINDS.get(type(definition))
        if kind is None:
            continue
        name = definition.name.value  # type: ignore[attr-defined]
        if _is_machinery(name):
            continue
        meta = types.setdefault(name, TypeMeta(name=name, kind=kind))
        owners = [graph(a["graph"]) for a in _directives(definition, "join__owner")]
        for args in _directives(definition, "join__type"):
            in_graph = meta.graphs.setdefault(graph(args["graph"]), TypeInGraph())
            if args.get("key"):
                resolvable = args.get("resolvable", True) is not False
                in_graph.keys.append(KeyInGraph(str(args["key"]), resolvable))
            in_graph.extension = in_graph.extension or bool(args.get("extension"))
            in_graph.is_interface_object = in_graph.is_interface_object or bool(
                args.get("isInterfaceObject")
            )
        if not _directives(definition, "join__type") and kind in {"object", "interface", "union"}:
            for g in all_graphs:  # join v0.1 value types live everywhere
                meta.graphs.setdefault(g, TypeInGraph())
        default_graphs = owners or list(meta.graphs)
        for field_node in getattr(definition, "fields", None) or ():
            fmeta = meta.fields.setdefault(field_node.name.value, FieldMeta())
            joins = _directives(field_node, "join__field")
            if not joins:
                for g in default_graphs:
                    fmeta.graphs.setdefault(g, FieldInGraph())
                continue
            for args in joins:
                if args.get("graph") is None:
                    fmeta.via_interface_object = True
                    continue
                fmeta.graphs[graph(args["graph"])] = FieldInGraph(
                    external=bool(args.get("external")),
                    requires=args.get("requires"),
                    provides=args.get("provides"),
                    type=args.get("type"),
                    override=args.get("override"),
                    override_label=args.get("overrideLabel"),
                    used_overridden=bool(args.get("usedOverridden")),
                )
        for value in getattr(definition, "values", None) or ():
            in_graphs = [graph(a["graph"]) for a in _directives(value, "join__enumValue")]
            meta.enum_values[value.name.value] = frozenset(in_graphs or meta.graphs)
        if kind == "union":
            union_nodes.append(definition)  # type: ignore[arg-type]
        if kind in {"object", "interface"}:
            object_nodes.append(definition)
    # Implementations and union members per subgraph (join v0.2+), else from the schema itself.
    for node in object_nodes:
        name = node.name.value
        declared = _directives(node, "join__implements")
        if declared:
            for args in declared:
                impls[graph(args["graph"])].setdefault(str(args["interface"]), set()).add(name)
        else:
            for interface in node.interfaces or ():
                for g in types[name].graphs:
                    if g in types.get(interface.name.value, TypeMeta("", "")).graphs:
                        impls[g].setdefault(interface.name.value, set()).add(name)
    for node in union_nodes:
        name = node.name.value
        declared_members = _directives(node, "join__unionMember")
        if declared_members:
            for args in declared_members:
                impls[graph(args["graph"])].setdefault(name, set()).add(str(args["member"]))
        else:
            for member in node.types or ():
                for g in types[name].graphs:
                    if g in types.get(member.name.value, TypeMeta("", "")).graphs:
                        impls[g].setdefault(name, set()).add(member.name.value)
    # Interfaces implemented by interfaces: expand to concrete types.
    for per_graph in impls.values():
        for interface, members in list(per_graph.items()):
            stack = [m for m in members if types.get(m) and types[m].kind == "interface"]
            while stack:
                nested = stack.pop()
                for implementation in per_graph.get(nested, ()):
                    if implementation not in members:
                        members.add(implementation)
                        if types[implementation].kind == "interface":
                            stack.append(implementation)
            per_graph[interface] = {m for m in members if types[m].kind == "object"}
    frozen = {g: {i: frozenset(m) for i, m in per.items()} for g, per in impls.items()}
    return types, frozen


def _inaccessible_enum_values(
    document: DocumentNode, inaccessible: str
) -> dict[str, frozenset[str]]:
    hidden: dict[str, frozenset[str]] = {}
    for definition in document.definitions:
        if isinstance(definition, ast.EnumTypeDefinitionNode):
            values = [v.name.value for v in definition.values or () if _hidden(v, inaccessible)]
            if values:
                hidden[definition.name.value] = frozenset(values)
    return hidden
