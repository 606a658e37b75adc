"""Per-subgraph facts that several stages ask about: which fields are external, shareable, used.

Computed once per (upgraded) subgraph, following Apollo's definitions:
- external: `@external` on the field (or, fed2, on its type), except "fake" externals, the key
  fields of a type extension (`extend type T @key` / `@extends`), which the subgraph does own;
- partially external: external but named by a `@provides` somewhere (fully external otherwise);
- shareable: `@shareable` on the field or on the type definition it belongs to, key fields, and
  external fields named by a `@provides`;
- used: named by a `@key`, `@requires` or `@provides`, or implementing an interface field.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from router.composition.contexts import parse_context, selection_body
from router.composition.fieldsets import targets
from router.composition.model import Field, Kind, TypeDef, base_type
from router.composition.subgraph import Subgraph

Coordinate = tuple[str, str]


@dataclass
class Metadata:
    subgraph: Subgraph
    fake_external: set[Coordinate] = field(default_factory=set)
    provided: set[Coordinate] = field(default_factory=set)
    shareable: set[Coordinate] = field(default_factory=set)
    used: set[Coordinate] = field(default_factory=set)
    key_fields: set[Coordinate] = field(default_factory=set)

    def is_external(self, typedef: TypeDef, field_def: Field) -> bool:
        marked = field_def.has("external") or (self.subgraph.fed2 and typedef.has("external"))
        return marked and (typedef.name, field_def.name) not in self.fake_external

    def is_partially_external(self, typedef: TypeDef, field_def: Field) -> bool:
        return (
            self.is_external(typedef, field_def) and (typedef.name, field_def.name) in self.provided
        )

    def is_fully_external(self, typedef: TypeDef, field_def: Field) -> bool:
        return (
            self.is_external(typedef, field_def)
            and (typedef.name, field_def.name) not in self.provided
        )

    def is_shareable(self, typedef: TypeDef, field_def: Field) -> bool:
        return (typedef.name, field_def.name) in self.shareable

    def is_used(self, typedef: TypeDef, field_def: Field) -> bool:
        return (typedef.name, field_def.name) in self.used

    def is_interface_object(self, typedef: TypeDef) -> bool:
        return typedef.kind == Kind.OBJECT and typedef.has("interfaceObject")


def compute_metadata(subgraph: Subgraph) -> Metadata:
    meta = Metadata(subgraph)
    for typedef in subgraph.types.values():
        extends = typedef.has("extends")
        for key in typedef.applied("key"):
            for target in targets(subgraph, typedef, key.string("fields") or ""):
                coordinate = (target.parent.name, target.name)
                meta.key_fields.add(coordinate)
                meta.used.add(coordinate)
                if target.parent is typedef and (key.in_extension or extends):
                    definition = typedef.fields.get(target.name)
                    if definition is not None and definition.has("external"):
                        meta.fake_external.add(coordinate)
        for field_def in typedef.fields.values():
            for requires in field_def.applied("requires"):
                for target in targets(subgraph, typedef, requires.string("fields") or ""):
                    meta.used.add((target.parent.name, target.name))
            provided_type = subgraph.type(base_type(field_def.type))
            if provided_type is None:
                continue
            for provides in field_def.applied("provides"):
                for target in targets(subgraph, provided_type, provides.string("fields") or ""):
                    for coordinate in _with_implementations(subgraph, target.parent, target.name):
                        meta.provided.add(coordinate)
                        meta.used.add(coordinate)
    _add_context_uses(subgraph, meta)
    for typedef in subgraph.types.values():
        if typedef.kind == Kind.INTERFACE:
            for implementation in _implementations(subgraph, typedef.name):
                for name in typedef.fields:
                    if name in implementation.fields:
                        meta.used.add((implementation.name, name))
        if typedef.kind != Kind.OBJECT:
            continue
        type_shareable = typedef.applied("shareable")
        for field_def in typedef.fields.values():
            coordinate = (typedef.name, field_def.name)
            in_extension = field_def.in_extension
            if (
                coordinate in meta.key_fields
                or (subgraph.fed2 and field_def.has("shareable"))
                or any(d.in_extension == in_extension for d in type_shareable)
                or (coordinate in meta.provided and meta.is_external(typedef, field_def))
            ):
                meta.shareable.add(coordinate)
    return meta


def _add_context_uses(subgraph: Subgraph, meta: Metadata) -> None:
    """Fields a `@fromContext` selection reads, on every type setting that context, are used."""
    locations: dict[str, list[TypeDef]] = {}
    for typedef in subgraph.types.values():
        for context_directive in typedef.applied("context"):
            locations.setdefault(context_directive.string("name") or "", []).append(typedef)
    for typedef in subgraph.types.values():
        for field_def in typedef.fields.values():
            for arg in field_def.args.values():
                from_context = arg.first("fromContext")
                if from_context is None:
                    continue
                context, selection = parse_context(from_context.string("field") or "")
                for location in locations.get(context or "", []):
                    for target in targets(subgraph, location, selection_body(selection or "")):
                        meta.used.update(
                            _with_implementations(subgraph, target.parent, target.name)
                        )


def _implementations(subgraph: Subgraph, interface: str) -> list[TypeDef]:
    return [t for t in subgraph.types.values() if interface in t.interfaces]


def _with_implementations(subgraph: Subgraph, parent: TypeDef, name: str) -> list[Coordinate]:
    coordinates = [(parent.name, name)]
    if parent.kind == Kind.INTERFACE:
        coordinates += [
            (t.name, name) for t in _implementations(subgraph, parent.name) if name in t.fields
        ]
    return coordinates
