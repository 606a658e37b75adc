"""What each field and type of the supergraph requires of its caller, computed once.

The supergraph carries Apollo's access-control directives, imported by `@link` (possibly
renamed with `as:`):

- `@authenticated`: the caller must be authenticated;
- `@requiresScopes(scopes: [[String]])`: the caller's scopes must include every scope of
  at least one inner list (OR of ANDs);
- `@policy(policies: [[String]])`: every policy of at least one inner list must grant
  access (OR of ANDs; see `policies.py`).

They can sit on object and interface fields, and on object, interface, scalar and enum
types. Selecting a field needs what the field requires, what its return type requires
(a field returning an `@authenticated` type is itself guarded) and, for a field selected
on an interface, what the same field requires on every implementation (the router cannot
know before execution which one will answer). A fragment on a guarded type needs what
that type requires. Root fields also need what the root type requires.

`AuthorizationIndex` maps (type, field) and type names to a `Requirement`; equal
requirements are one shared object, so a request evaluates each distinct one once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    get_named_type,
    value_from_ast_untyped,
)
from graphql.language import ast

from router.supergraph import Supergraph
from shared.identity import Identity

__all__ = ["AuthorizationIndex", "Requirement"]

# An AND of clauses; each clause is an OR of alternatives; each alternative an AND of names.
Clauses = tuple[tuple[frozenset[str], ...], ...]

_SPECS = {"authenticated": "authenticated", "requiresScopes": "requiresScopes", "policy": "policy"}


@dataclass(frozen=True, slots=True)
class Requirement:
    authenticated: bool = False
    scopes: Clauses = ()
    policies: Clauses = ()

    def __bool__(self) -> bool:
        return self.authenticated or bool(self.scopes) or bool(self.policies)

    def combine(self, other: Requirement | None) -> Requirement:
        if not other:
            return self
        if not self:
            return other
        return Requirement(
            authenticated=self.authenticated or other.authenticated,
            scopes=_union(self.scopes, other.scopes),
            policies=_union(self.policies, other.policies),
        )

    def satisfied_by(self, identity: Identity, policy: Callable[[str], bool]) -> bool:
        """Whether `identity` meets every part; `policy(name)` says if a policy grants access."""
        if (self.authenticated or self.scopes) and not identity.is_authenticated:
            return False
        for clause in self.scopes:
            if not any(alternative <= identity.scopes for alternative in clause):
                return False
        for clause in self.policies:
            if not any(all(policy(name) for name in sorted(alt)) for alt in clause):
                return False
        return True

    def policy_names(self) -> frozenset[str]:
        return frozenset(name for clause in self.policies for alt in clause for name in alt)


def _union(a: Clauses, b: Clauses) -> Clauses:
    return a + tuple(clause for clause in b if clause not in a)


def _directive_names(supergraph: Supergraph) -> dict[str, str]:
    """Local directive name -> spec name, from the schema's `@link(url:, as:)`."""
    names = dict(_SPECS)
    schema = supergraph.schema
    nodes = [schema.ast_node, *schema.extension_ast_nodes]
    for node in nodes:
        for directive in (node.directives if node is not None else None) or ():
            if directive.name.value != "link":
                continue
            args = {
                a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()
            }
            url = str(args.get("url") or "")
            for spec in _SPECS:
                if f"/{spec}/v" in url and args.get("as"):
                    names = {k: v for k, v in names.items() if v != spec}
                    names[str(args["as"])] = spec
    return names


def _clauses(value: Any) -> tuple[frozenset[str], ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        frozenset(str(name) for name in alternative)
        for alternative in value
        if isinstance(alternative, list)
    )


def _read(nodes: Iterable[Any], names: dict[str, str]) -> Requirement | None:
    authenticated = False
    scopes: list[tuple[frozenset[str], ...]] = []
    policies: list[tuple[frozenset[str], ...]] = []
    for node in nodes:
        for directive in (getattr(node, "directives", None) if node else None) or ():
            spec = names.get(directive.name.value)
            if spec is None:
                continue
            args = {
                a.name.value: value_from_ast_untyped(a.value) for a in directive.arguments or ()
            }
            if spec == "authenticated":
                authenticated = True
            elif spec == "requiresScopes":
                scopes.append(_clauses(args.get("scopes")))
            else:
                policies.append(_clauses(args.get("policies")))
    requirement = Requirement(authenticated, tuple(scopes), tuple(policies))
    return requirement or None


def _type_nodes(named: GraphQLNamedType) -> list[ast.Node | None]:
    return [named.ast_node, *named.extension_ast_nodes]


class AuthorizationIndex:
    """Requirements of a supergraph's fields and types; `empty` when it has none."""

    def __init__(
        self, *, fields: dict[tuple[str, str], Requirement], types: dict[str, Requirement]
    ) -> None:
        self.fields = fields
        self.types = types
        self.empty = not fields and not types

    def field(self, parent: str, name: str) -> Requirement | None:
        return self.fields.get((parent, name))

    def type(self, name: str) -> Requirement | None:
        return self.types.get(name)

    @classmethod
    def from_supergraph(cls, supergraph: Supergraph) -> AuthorizationIndex:
        schema: GraphQLSchema = supergraph.api_schema
        names = _directive_names(supergraph)
        types: dict[str, Requirement] = {}
        own: dict[tuple[str, str], Requirement] = {}
        for name, named in schema.type_map.items():
            if name.startswith("__"):
                continue
            found = _read(_type_nodes(named), names)
            if found is not None:
                types[name] = found
            if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
                for field_name, field in named.fields.items():
                    found = _read([field.ast_node], names)
                    if found is not None:
                        own[(name, field_name)] = found
        if not types and not own:
            return cls(fields={}, types={})
        roots = {t.name for t in (schema.query_type, schema.mutation_type) if t is not None}
        shared: dict[Requirement, Requirement] = {}
        fields: dict[tuple[str, str], Requirement] = {}
        for name, named in schema.type_map.items():
            if name.startswith("__") or not isinstance(
                named, GraphQLObjectType | GraphQLInterfaceType
            ):
                continue
            for field_name, field in named.fields.items():
                combined = _combined(
                    schema, parent=named, field_name=field_name, field=field, own=own, types=types
                )
                if name in roots:
                    combined = combined.combine(types.get(name))
                if combined:
                    fields[(name, field_name)] = shared.setdefault(combined, combined)
        return cls(fields=fields, types={k: shared.setdefault(v, v) for k, v in types.items()})


def _combined(
    schema: GraphQLSchema,
    *,
    parent: GraphQLObjectType | GraphQLInterfaceType,
    field_name: str,
    field: GraphQLField,
    own: dict[tuple[str, str], Requirement],
    types: dict[str, Requirement],
) -> Requirement:
    combined = Requirement().combine(own.get((parent.name, field_name)))
    combined = combined.combine(types.get(get_named_type(field.type).name))
    if isinstance(parent, GraphQLInterfaceType):
        for implementation in schema.get_possible_types(parent):
            combined = combined.combine(own.get((implementation.name, field_name)))
    return combined
