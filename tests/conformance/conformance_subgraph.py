"""A generic federated subgraph: one subgraph SDL plus its JSON data, executed by graphql-core.

The SDL is the one the composer reads (federation 2 with `@link`, or federation 1 with
`extend type`); for execution it is flattened (extensions merged into definitions, federation
directives dropped) and given `_Any`, `_Service`, `_Entity`, `_service` and `_entities`.

Data (`data/<subgraph>.json`, every key optional):

- `"Query"` / `"Mutation"`: the root objects; a root field absent there but with arguments is a
  lookup: the rows of its (named, possibly abstract) return type whose fields equal the
  arguments (`product(upc: "p1")`, `node(id: "b1")`, `productsByCategory(category: BOOKS)`).
- `"<Type>": [rows]`: the entities this subgraph stores; `_entities` finds a row whose fields
  equal the representation's (fields the row lacks, e.g. `@requires` inputs, are not compared,
  and stay on the object for hooks). A type with no rows here is answered from the
  representation alone (a subgraph that only computes fields of an entity).
- Any object value `{"$ref": "Type", <key fields>}` is replaced by the matching row; a field an
  inline object lacks is read from the row of the same entity, if this subgraph stores one.
- Any value `{"$error": "message", "code": "CODE"}` makes the field raise that GraphQL error.

Abstract values carry `__typename` (rows get theirs from the list they are in). Fields that are
computed (from `@requires` inputs or arguments) or that record something come from the case's
`hooks.py`: `RESOLVERS = {"<subgraph>": {"Type.field": resolver(obj, info, **args)}}`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from graphql import (
    GraphQLError,
    GraphQLResolveInfo,
    GraphQLSchema,
    build_schema,
    get_named_type,
    get_nullable_type,
    get_operation_ast,
    graphql,
    is_abstract_type,
    is_list_type,
    parse,
    print_ast,
)
from graphql.language import (
    DefinitionNode,
    DirectiveDefinitionNode,
    DirectiveNode,
    DocumentNode,
    EnumTypeDefinitionNode,
    EnumTypeExtensionNode,
    InputObjectTypeDefinitionNode,
    InputObjectTypeExtensionNode,
    InterfaceTypeDefinitionNode,
    InterfaceTypeExtensionNode,
    NameNode,
    ObjectTypeDefinitionNode,
    ObjectTypeExtensionNode,
    OperationType,
    SchemaDefinitionNode,
    SchemaExtensionNode,
    StringValueNode,
    TypeDefinitionNode,
    UnionTypeDefinitionNode,
    UnionTypeExtensionNode,
)

Resolver = Callable[..., Any]

_DEFINITION_OF: dict[type[DefinitionNode], type[TypeDefinitionNode]] = {
    ObjectTypeExtensionNode: ObjectTypeDefinitionNode,
    InterfaceTypeExtensionNode: InterfaceTypeDefinitionNode,
    UnionTypeExtensionNode: UnionTypeDefinitionNode,
    EnumTypeExtensionNode: EnumTypeDefinitionNode,
    InputObjectTypeExtensionNode: InputObjectTypeDefinitionNode,
}
_LISTS = ("fields", "interfaces", "types", "values")
_FEDERATION_SCALARS = {"_Any", "_FieldSet", "FieldSet", "link__Import", "link__Purpose"}


def executable_sdl(sdl: str) -> str:
    """Flatten a subgraph SDL for graphql-core and add the federation entry points."""
    merged: dict[str, TypeDefinitionNode] = {}
    entities: list[str] = []
    for node in parse(sdl).definitions:
        if isinstance(node, SchemaDefinitionNode | SchemaExtensionNode | DirectiveDefinitionNode):
            continue
        definition_type = _DEFINITION_OF.get(type(node), type(node))
        assert issubclass(definition_type, TypeDefinitionNode)
        name = node.name.value  # type: ignore[attr-defined]
        if name in _FEDERATION_SCALARS:
            continue
        if _is_resolvable_entity(node) and name not in entities:
            entities.append(name)
        merged[name] = _merge(merged.get(name), node, definition_type)
    if "Query" not in merged:
        merged["Query"] = ObjectTypeDefinitionNode(
            name=NameNode(value="Query"), fields=(), interfaces=(), directives=()
        )
    text = print_ast(DocumentNode(definitions=tuple(merged.values())))
    federation = "scalar _Any\ntype _Service { sdl: String }\n"
    federation += "extend type Query { _service: _Service!"
    objects = [name for name in entities if isinstance(merged[name], ObjectTypeDefinitionNode)]
    if objects:
        federation += " _entities(representations: [_Any!]!): [_Entity]!"
        federation = f"union _Entity = {' | '.join(objects)}\n" + federation
    return text + "\n" + federation + " }\n"


def _merge(
    current: TypeDefinitionNode | None,
    node: DefinitionNode,
    definition_type: type[TypeDefinitionNode],
) -> TypeDefinitionNode:
    values: dict[str, Any] = {"name": node.name, "directives": ()}  # type: ignore[attr-defined]
    for key in _LISTS:
        if key in definition_type.keys:
            seen = {item.name.value: item for item in getattr(current, key, None) or ()}
            for item in getattr(node, key, None) or ():
                seen.setdefault(item.name.value, _strip(item))
            values[key] = tuple(seen.values())
    return definition_type(**values)


def _strip(item: Any) -> Any:
    """Drop federation directives from a field (and its arguments) or enum value."""
    values = {key: getattr(item, key) for key in item.keys if key != "loc"}
    if "directives" in values:
        values["directives"] = ()
    if values.get("arguments"):
        values["arguments"] = tuple(_strip(argument) for argument in values["arguments"])
    return type(item)(**values)


def _is_resolvable_entity(node: DefinitionNode) -> bool:
    for directive in getattr(node, "directives", None) or ():
        if directive.name.value == "key" and _argument(directive, "resolvable") != "false":
            return True
    return False


def _argument(directive: DirectiveNode, name: str) -> str | None:
    for argument in directive.arguments or ():
        if argument.name.value == name:
            value = argument.value
            return value.value if isinstance(value, StringValueNode) else print_ast(value)
    return None


@dataclass
class CaseState:
    """What one case's subgraphs share: a log that mutation hooks append to."""

    log: list[str] = field(default_factory=list)


class DataStore:
    """The rows of one subgraph, and lookups by field values."""

    def __init__(self, data: dict[str, Any], schema: GraphQLSchema) -> None:
        self.schema = schema
        self.roots = {name: data.get(name, {}) for name in ("Query", "Mutation")}
        self.rows: dict[str, list[dict[str, Any]]] = {
            name: [{"__typename": name, **row} for row in rows]
            for name, rows in data.items()
            if name not in self.roots
        }

    def rows_of(self, typename: str) -> list[dict[str, Any]]:
        return self.rows.get(typename, [])

    def _candidates(self, typename: str) -> list[str] | None:
        """The types whose rows may answer for `typename`; None when none are stored."""
        named = self.schema.get_type(typename)
        names = [typename]
        if named is not None and is_abstract_type(named):
            names = [t.name for t in self.schema.get_possible_types(named)]
        stored = [name for name in names if name in self.rows]
        return stored or None

    def find_all(self, typename: str, match: dict[str, Any]) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        for name in self._candidates(typename) or ():
            found += [row for row in self.rows[name] if _matches(row, match)]
        return found

    def entity(self, representation: dict[str, Any]) -> dict[str, Any] | None:
        typename = str(representation.get("__typename"))
        if self._candidates(typename) is None:
            return dict(representation)
        found = self.find_all(typename, representation)
        if not found:
            return None
        return {**representation, **found[0]}

    def resolve_refs(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve_refs(item) for item in value]
        if isinstance(value, dict) and "$ref" in value:
            match = {k: v for k, v in value.items() if k != "$ref"}
            return self.entity({"__typename": value["$ref"], **match})
        return value


def _matches(row: dict[str, Any], match: dict[str, Any]) -> bool:
    compared = False
    for key, wanted in match.items():
        if key == "__typename" or key not in row:
            continue
        if not _contains(row[key], wanted):
            return False
        compared = True
    return compared


def _contains(have: Any, wanted: Any) -> bool:
    if isinstance(wanted, dict) and isinstance(have, dict):
        return all(k in have and _contains(have[k], v) for k, v in wanted.items())
    return bool(have == wanted)


class SubgraphExecutor:
    """Executes operations against one subgraph's schema and data."""

    def __init__(
        self,
        *,
        name: str,
        sdl: str,
        data: dict[str, Any],
        hooks: dict[str, Resolver],
        state: CaseState,
    ) -> None:
        self.name = name
        self.sdl = sdl
        self.schema = build_schema(executable_sdl(sdl))
        self.store = DataStore(data, self.schema)
        self.hooks = hooks
        self.state = state

    async def execute(self, body: dict[str, Any]) -> dict[str, Any]:
        source = str(body.get("query", ""))
        document = parse(source)
        operation = get_operation_ast(document, body.get("operationName"))
        is_mutation = operation is not None and operation.operation == OperationType.MUTATION
        result = await graphql(
            self.schema,
            source,
            root_value=self.store.roots["Mutation" if is_mutation else "Query"],
            variable_values=body.get("variables"),
            operation_name=body.get("operationName"),
            context_value={"state": self.state, "subgraph": self.name, "rows": self.store.rows_of},
            field_resolver=self._resolve,
            type_resolver=_resolve_type,
        )
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [dict(error.formatted) for error in result.errors]
        return payload

    async def _resolve(self, source: Any, info: GraphQLResolveInfo[Any], **args: Any) -> Any:
        coordinate = f"{info.parent_type.name}.{info.field_name}"
        hook = self.hooks.get(coordinate)
        if hook is not None:
            value = hook(source, info, **args)
            if asyncio.iscoroutine(value):
                value = await value
        elif coordinate == "Query._entities":
            value = [self.store.entity(rep) for rep in args["representations"]]
        elif coordinate == "Query._service":
            value = {"sdl": self.sdl}
        elif isinstance(source, dict) and info.field_name in source:
            value = source[info.field_name]
        elif info.parent_type is info.schema.query_type and args:
            value = self._lookup(info, args)
        elif isinstance(source, dict):
            value = self._from_row(info.parent_type.name, source, info.field_name)
        else:
            value = None
        if isinstance(value, dict) and "$error" in value:
            raise GraphQLError(str(value["$error"]), extensions=_code(value))
        return self.store.resolve_refs(value)

    def _from_row(self, typename: str, source: dict[str, Any], field_name: str) -> Any:
        """A field an inline object lacks, read from the stored row of the same entity."""
        found = self.store.find_all(typename, source)
        return found[0].get(field_name) if found else None

    def _lookup(self, info: GraphQLResolveInfo[Any], args: dict[str, Any]) -> Any:
        found = self.store.find_all(get_named_type(info.return_type).name, args)
        if is_list_type(get_nullable_type(info.return_type)):
            return found
        return found[0] if found else None


def _code(value: dict[str, Any]) -> dict[str, Any] | None:
    return {"code": value["code"]} if "code" in value else None


def _resolve_type(value: Any, *_: Any) -> str | None:
    return value.get("__typename") if isinstance(value, dict) else None


@dataclass
class SubgraphServer:
    """ASGI front of one subgraph; `fault` makes it misbehave for the current query.

    Faults: `http500`, `invalid-json`, `errors` (`data: null` with an error), `hang` (until
    `release` is set, past the router's timeout for this subgraph).
    """

    executor: SubgraphExecutor
    fault: str | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)
    requests: list[dict[str, Any]] = field(default_factory=list)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = orjson.loads(b"".join([chunk async for chunk in _body(receive)]))
        self.requests.append(body)
        if self.fault == "hang":
            await self.release.wait()
        if self.fault == "http500":
            await _send(send, 500, b"Internal Server Error")
        elif self.fault == "invalid-json":
            await _send(send, 200, b'{"data": {"oops"')
        elif self.fault == "errors":
            reply = {"data": None, "errors": [{"message": "boom", "extensions": {"code": "BOOM"}}]}
            await _send(send, 200, orjson.dumps(reply))
        else:
            await _send(send, 200, orjson.dumps(await self.executor.execute(body)))

    def reset(self) -> None:
        self.fault = None
        self.release.set()
        self.release = asyncio.Event()
        self.requests.clear()


async def _body(receive: Any) -> Any:
    while True:
        message = await receive()
        yield message.get("body", b"")
        if not message.get("more_body"):
            return


async def _send(send: Any, status: int, body: bytes) -> None:
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
