"""Upgrade: federation 1 subgraphs rewritten as the federation 2 subgraphs they mean.

Apollo's steps, in its order: check extensions have a base somewhere; drop `@external` on
interface fields and on object types; key fields of type extensions stop being external; type
extensions become plain definitions; `@key` on interfaces and `@provides`/`@requires` on
interface fields are dropped, as is `@provides` on non-composite fields; unused `@external`
fields are removed; fields (entities, root types) or types (value types) that other subgraphs also
define become `@shareable`.
"""

from __future__ import annotations

from router.composition.errors import CompositionError
from router.composition.fieldsets import parse_field_set, top_level_names
from router.composition.metadata import compute_metadata
from router.composition.model import Directive, Kind, TypeDef, base_type
from router.composition.subgraph import Subgraph


def upgrade_subgraphs(subgraphs: list[Subgraph]) -> list[CompositionError]:
    """Upgrade every fed1 subgraph in place; errors stop composition (as in Apollo)."""
    if all(s.fed2 for s in subgraphs):
        return []
    originals = {s.name: _snapshot(s) for s in subgraphs}
    interface_objects = {
        t.name: s.name
        for s in subgraphs
        if s.fed2
        for t in s.types.values()
        if t.kind == Kind.OBJECT and t.has("interfaceObject")
    }
    interface_keys: dict[str, list[str]] = {}
    for subgraph in subgraphs:
        if not subgraph.fed2:
            for typedef in subgraph.types.values():
                if typedef.kind == Kind.INTERFACE and typedef.applied("key"):
                    interface_keys.setdefault(typedef.name, []).append(subgraph.name)
    errors: list[CompositionError] = []
    for subgraph in subgraphs:
        if not subgraph.fed2:
            errors += _Upgrader(subgraph, subgraphs, originals).run()
    for name, users in interface_keys.items():
        if name in interface_objects:
            errors.append(_interface_object_on_fed1_key(name, interface_objects[name], users))
    return errors


def _interface_object_on_fed1_key(
    type_name: str, interface_object_subgraph: str, fed1_subgraphs: list[str]
) -> CompositionError:
    listed = ", ".join(f'"{n}"' for n in fed1_subgraphs)
    plural = "subgraphs" if len(fed1_subgraphs) > 1 else "subgraph"
    return CompositionError(
        "INTERFACE_OBJECT_USAGE_ERROR",
        f'The @interfaceObject directive is used on type "{type_name}" in subgraph '
        f'"{interface_object_subgraph}", which requires other subgraphs to resolve its type name '
        "via an interface @key. However, @key on an interface in a federation 1 subgraph does "
        f"not mean it can fulfill the __typename-resolution requirement that @interfaceObject "
        f"depends on. For {plural} {listed}, either upgrade them to federation 2 subgraphs or "
        "remove @key from the type.",
        type=type_name,
    )


def _snapshot(subgraph: Subgraph) -> dict[str, tuple[bool, set[str], set[str]]]:
    """Per composite type: (plain definition?, fields not fully external, original shareables)."""
    meta = compute_metadata(subgraph)
    result: dict[str, tuple[bool, set[str], set[str]]] = {}
    for typedef in subgraph.types.values():
        if typedef.kind not in (Kind.OBJECT, Kind.INTERFACE):
            continue
        owned = {
            f.name
            for f in typedef.fields.values()
            if not meta.is_external(typedef, f) or meta.is_partially_external(typedef, f)
        }
        shareable = {f.name for f in typedef.fields.values() if meta.is_shareable(typedef, f)}
        result[typedef.name] = (not typedef.extension_only, owned, shareable)
    return result


class _Upgrader:
    def __init__(
        self,
        subgraph: Subgraph,
        subgraphs: list[Subgraph],
        originals: dict[str, dict[str, tuple[bool, set[str], set[str]]]],
    ) -> None:
        self.subgraph = subgraph
        self.others = [s for s in subgraphs if s.name != subgraph.name]
        self.originals = originals
        self.errors: list[CompositionError] = []

    def run(self) -> list[CompositionError]:
        self._check_extensions_have_base()
        self._remove_external_on_interfaces_and_types()
        self._remove_external_on_extension_keys()
        self._remove_type_extensions()
        self._remove_directives_on_interfaces()
        self._remove_provides_on_leaves()
        self._remove_unused_externals()
        self._add_shareable()
        self.subgraph.fed2 = True
        return self.errors

    def _is_type_extension(self, typedef: TypeDef) -> bool:
        if typedef.kind not in (Kind.OBJECT, Kind.INTERFACE):
            return False
        return typedef.extension_only or typedef.has("extends")

    def _check_extensions_have_base(self) -> None:
        for typedef in self.subgraph.types.values():
            if not self._is_type_extension(typedef) or self.subgraph.is_root(typedef.name):
                continue
            if any(self.originals[o.name].get(typedef.name, (False,))[0] for o in self.others):
                continue
            self.errors.append(
                CompositionError(
                    "EXTENSION_WITH_NO_BASE",
                    f'[{self.subgraph.name}] Type "{typedef.name}" is an extension type, but there '
                    f'is no type definition for "{typedef.name}" in any subgraph.',
                    subgraph=self.subgraph.name,
                    type=typedef.name,
                )
            )

    def _remove_external_on_interfaces_and_types(self) -> None:
        for typedef in self.subgraph.types.values():
            if typedef.kind == Kind.INTERFACE:
                for field_def in typedef.fields.values():
                    field_def.remove("external")
            if typedef.kind == Kind.OBJECT:
                typedef.remove("external")

    def _remove_external_on_extension_keys(self) -> None:
        for typedef in self.subgraph.types.values():
            if not typedef.is_composite or not (
                self._is_type_extension(typedef) or self.subgraph.is_root(typedef.name)
            ):
                continue
            keys = typedef.applied("key")
            if keys:
                names = set().union(*(_key_names(k) for k in keys))
            else:
                names = set()
                for other in self.others:
                    other_type = other.type(typedef.name)
                    if other_type is not None and other_type.applied("key"):
                        names |= _key_names(other_type.applied("key")[0])
            for name in names:
                field_def = typedef.fields.get(name)
                if field_def is not None:
                    field_def.remove("external")

    def _remove_type_extensions(self) -> None:
        for typedef in self.subgraph.types.values():
            if self._is_type_extension(typedef) or (
                typedef.extension_only and self.subgraph.is_root(typedef.name)
            ):
                typedef.extension_only = False
                for directive in typedef.directives:
                    directive.in_extension = False
                for field_def in typedef.fields.values():
                    field_def.in_extension = False

    def _remove_directives_on_interfaces(self) -> None:
        for typedef in self.subgraph.types.values():
            if typedef.kind != Kind.INTERFACE:
                continue
            typedef.remove("key")
            for field_def in typedef.fields.values():
                field_def.remove("provides")
                field_def.remove("requires")

    def _remove_provides_on_leaves(self) -> None:
        for typedef in self.subgraph.types.values():
            for field_def in typedef.fields.values():
                target = self.subgraph.type(base_type(field_def.type))
                if target is None or not target.is_composite:
                    field_def.remove("provides")

    def _remove_unused_externals(self) -> None:
        meta = compute_metadata(self.subgraph)
        for typedef in list(self.subgraph.types.values()):
            if typedef.kind not in (Kind.OBJECT, Kind.INTERFACE):
                continue
            removed = False
            for field_def in list(typedef.fields.values()):
                if meta.is_external(typedef, field_def) and not meta.is_used(typedef, field_def):
                    del typedef.fields[field_def.name]
                    removed = True
            if typedef.fields or not removed:
                continue
            if self._is_referenced(typedef.name):
                self.errors.append(
                    CompositionError(
                        "TYPE_WITH_ONLY_UNUSED_EXTERNAL",
                        f"[{self.subgraph.name}] Type {typedef.name} contains only external fields "
                        "and all those fields are all unused (they do not appear in any @key, "
                        "@provides or @requires).",
                        subgraph=self.subgraph.name,
                        type=typedef.name,
                    )
                )
            else:
                del self.subgraph.types[typedef.name]

    def _is_referenced(self, name: str) -> bool:
        for typedef in self.subgraph.types.values():
            if name in typedef.interfaces or name in typedef.members:
                return True
            for field_def in typedef.fields.values():
                if base_type(field_def.type) == name:
                    return True
        return False

    def _add_shareable(self) -> None:
        own = self.originals[self.subgraph.name]
        for typedef in self.subgraph.types.values():
            if typedef.kind != Kind.OBJECT or typedef.name == self.subgraph.roots.get(
                "subscription"
            ):
                continue
            defined_elsewhere = [o for o in self.others if typedef.name in self.originals[o.name]]
            if typedef.applied("key") or self.subgraph.is_root(typedef.name):
                shareable = own.get(typedef.name, (True, set(), set()))[2]
                for field_def in typedef.fields.values():
                    if field_def.name in shareable or field_def.has("shareable"):
                        continue
                    if any(
                        field_def.name in self.originals[o.name][typedef.name][1]
                        for o in defined_elsewhere
                    ):
                        field_def.directives.append(Directive("shareable"))
            elif defined_elsewhere and not typedef.has("shareable"):
                typedef.directives.append(Directive("shareable"))


def _key_names(key: Directive) -> set[str]:
    selection = parse_field_set(key.string("fields") or "")
    return top_level_names(selection) if selection is not None else set()
