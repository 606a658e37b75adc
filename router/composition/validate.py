"""Pre-merge checks: each subgraph on its own, after the upgrade (Apollo's subgraph validation).

Field sets of `@key`, `@requires` and `@provides` are parsed and walked over the subgraph's types;
`@external` fields must be used and not sit on interfaces; interface keys must be repeated on the
implementations. Every problem is reported, coded like Apollo's.
"""

from __future__ import annotations

from graphql.language import StringValueNode, print_ast

from router.composition.errors import CompositionError
from router.composition.fieldsets import Problem, Target, parse_field_set, walk
from router.composition.metadata import Metadata, compute_metadata
from router.composition.model import Directive, Field, Kind, TypeDef, base_type
from router.composition.subgraph import Subgraph

_PROBLEM_CODES = {"has_args": "FIELDS_HAS_ARGS", "directive": "DIRECTIVE_IN_FIELDS_ARG"}


class _Abort(Exception):  # noqa: N818 - control flow, never escapes this module
    """Apollo stops validating a subgraph at some errors (a misplaced @provides)."""


def validate_subgraph(subgraph: Subgraph) -> list[CompositionError]:
    checker = _Checker(subgraph, compute_metadata(subgraph))
    try:
        checker.check_keys()
        checker.check_requires_and_provides()
    except _Abort:
        return checker.errors
    checker.check_externals()
    checker.check_interface_keys()
    checker.check_access_control_on_interfaces()
    return checker.errors


class _Checker:
    def __init__(self, subgraph: Subgraph, meta: Metadata) -> None:
        self.subgraph = subgraph
        self.meta = meta
        self.errors: list[CompositionError] = []

    def error(
        self, code: str, message: str, typedef: TypeDef, field_def: Field | None = None
    ) -> None:
        self.errors.append(
            CompositionError(
                code,
                f"[{self.subgraph.name}] {message}",
                subgraph=self.subgraph.name,
                type=typedef.name,
                field=field_def.name if field_def else None,
            )
        )

    def check_keys(self) -> None:
        for typedef in self.subgraph.types.values():
            for key in typedef.applied("key"):
                if typedef.kind == Kind.INTERFACE and self.subgraph.version < (2, 3):
                    self.error(
                        "KEY_UNSUPPORTED_ON_INTERFACE",
                        f'Cannot use @key on interface "{typedef.name}": @key is not yet supported '
                        "on interfaces",
                        typedef,
                    )
                    continue
                self._check_field_set(typedef, None, key, typedef, allow_args=False, leaves=True)

    def check_requires_and_provides(self) -> None:
        for typedef in self.subgraph.types.values():
            for field_def in typedef.fields.values():
                for requires in field_def.applied("requires"):
                    self._check_field_set(
                        typedef, field_def, requires, typedef, allow_args=True, leaves=False
                    )
                for provides in field_def.applied("provides"):
                    self._check_provides(typedef, field_def, provides)

    def _check_provides(self, typedef: TypeDef, field_def: Field, provides: Directive) -> None:
        if self.meta.is_external(typedef, field_def):
            self.error(
                "EXTERNAL_COLLISION_WITH_ANOTHER_DIRECTIVE",
                f'Cannot have both @provides and @external on field "{field_def.coordinate}"',
                typedef,
                field_def,
            )
            raise _Abort
        target = self.subgraph.type(base_type(field_def.type))
        if target is None or not target.is_composite:
            self.error(
                "PROVIDES_ON_NON_OBJECT_FIELD",
                f'Invalid @provides directive on field "{field_def.coordinate}": field has type '
                f'"{field_def.type}" which is not a Composite Type',
                typedef,
                field_def,
            )
            raise _Abort
        self._check_field_set(typedef, field_def, provides, target, allow_args=False, leaves=False)

    def _check_field_set(
        self,
        typedef: TypeDef,
        field_def: Field | None,
        directive: Directive,
        parent: TypeDef,
        *,
        allow_args: bool,
        leaves: bool,
    ) -> None:
        prefix = directive.name.upper()
        where = f'On field "{field_def.coordinate}"' if field_def else f'On type "{typedef.name}"'
        where += f", for {_printed(directive)}"
        value = directive.args.get("fields")
        if not isinstance(value, StringValueNode):
            self.error(
                f"{prefix}_INVALID_FIELDS_TYPE",
                f'{where}: Invalid value for argument "fields": must be a string.',
                typedef,
                field_def,
            )
            return
        selection = parse_field_set(value.value)
        if selection is None:
            self.error(f"{prefix}_INVALID_FIELDS", f"{where}: Syntax error.", typedef, field_def)
            return
        items = list(walk(self.subgraph, parent, selection))
        for item in items:
            if isinstance(item, Problem):
                if item.kind == "has_args" and allow_args:
                    continue
                code = _PROBLEM_CODES.get(item.kind, "INVALID_FIELDS")
                self.error(f"{prefix}_{code}", f"{where}: {item.message}", typedef, field_def)
        targets = [t for t in items if isinstance(t, Target)]
        if directive.name == "key":
            self._check_key_targets(typedef, where, targets)
        else:
            self._check_external_targets(typedef, field_def, prefix, where, targets, leaves=leaves)

    def _check_key_targets(self, typedef: TypeDef, where: str, targets: list[Target]) -> None:
        for target in targets:
            definition = target.parent.fields[target.name]
            target_type = self.subgraph.type(base_type(definition.type))
            if target_type is not None and target_type.kind in (Kind.UNION, Kind.INTERFACE):
                kind = "Union" if target_type.kind == Kind.UNION else "Interface"
                self.error(
                    "KEY_FIELDS_SELECT_INVALID_TYPE",
                    f'{where}: field "{definition.coordinate}" is a {kind} type which is not '
                    "allowed in @key",
                    typedef,
                )

    def _check_external_targets(
        self,
        typedef: TypeDef,
        field_def: Field | None,
        prefix: str,
        where: str,
        targets: list[Target],
        *,
        leaves: bool,
    ) -> None:
        del leaves
        external_parents: list[bool] = []
        for target in targets:
            definition = target.parent.fields[target.name]
            is_external = self.meta.is_external(target.parent, definition)
            has_external_parent = self._has_external_parent(target, targets)
            external_parents.append(has_external_parent)
            if (
                target.selection.selection_set is None
                and not is_external
                and not has_external_parent
            ):
                self.error(
                    f"{prefix}_FIELDS_MISSING_EXTERNAL",
                    f'{where}: field "{definition.coordinate}" should not be part of a '
                    f"@{prefix.lower()} since it is already provided by this subgraph (it is not "
                    "marked @external)",
                    typedef,
                    field_def,
                )

    def _has_external_parent(self, target: Target, targets: list[Target]) -> bool:
        for other in targets:
            selection = other.selection.selection_set
            if selection is None or other is target:
                continue
            if _contains(selection, target.selection):
                definition = other.parent.fields[other.name]
                if self.meta.is_external(other.parent, definition):
                    return True
        return False

    def check_externals(self) -> None:
        for typedef in self.subgraph.types.values():
            if typedef.kind not in (Kind.OBJECT, Kind.INTERFACE):
                continue
            for field_def in typedef.fields.values():
                if not self.meta.is_external(typedef, field_def):
                    continue
                if not self.meta.is_used(typedef, field_def):
                    self._unused(typedef, field_def)
                if typedef.kind == Kind.INTERFACE:
                    self.error(
                        "EXTERNAL_ON_INTERFACE",
                        f'Interface type field "{field_def.coordinate}" is marked @external but '
                        "@external is not allowed on interface fields (it is nonsensical).",
                        typedef,
                        field_def,
                    )

    def _unused(self, typedef: TypeDef, field_def: Field) -> None:
        self.error(
            "EXTERNAL_UNUSED",
            f'Field "{field_def.coordinate}" is marked @external but is not used in any federation '
            "directive (@key, @provides, @requires) or to satisfy an interface; the field "
            "declaration has no use and should be removed (or the field should not be @external).",
            typedef,
            field_def,
        )

    def check_interface_keys(self) -> None:
        for interface in self.subgraph.types.values():
            if interface.kind != Kind.INTERFACE:
                continue
            implementations = [
                t for t in self.subgraph.types.values() if interface.name in t.interfaces
            ]
            for key in interface.applied("key"):
                fields = key.string("fields") or ""
                missing = [
                    t.name
                    for t in implementations
                    if not any(k.string("fields") == fields for k in t.applied("key"))
                ]
                if missing:
                    names = ", ".join(f'"{m}"' for m in missing)
                    self.error(
                        "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                        f'Key {key} on interface type "{interface.name}" is missing on '
                        f"implementation type{'s' if len(missing) > 1 else ''} {names}.",
                        interface,
                    )

    def check_access_control_on_interfaces(self) -> None:
        """@authenticated, @requiresScopes and @policy do not go on interfaces (Apollo's rule)."""
        for typedef in self.subgraph.types.values():
            is_object = self.meta.is_interface_object(typedef)
            if typedef.kind != Kind.INTERFACE and not is_object:
                continue
            kind = "interface object" if is_object else "interface"
            elements: list[tuple[str, str, Field | None, list[Directive]]] = [
                (kind, typedef.name, None, typedef.directives)
            ]
            elements += [
                ("field", f.coordinate, f, f.directives)
                for f in typedef.fields.values()
                if typedef.kind == Kind.INTERFACE
            ]
            for label, coordinate, field_def, directives in elements:
                for directive in directives:
                    if directive.name in ("authenticated", "requiresScopes", "policy"):
                        self.error(
                            "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE",
                            f'Invalid use of @{directive.name} on {label} "{coordinate}": '
                            f"@{directive.name} cannot be applied on interfaces, interface "
                            "fields and interface objects",
                            typedef,
                            field_def,
                        )


def _printed(directive: Directive) -> str:
    return (
        f"@{directive.name}("
        + ", ".join(f"{name}: {print_ast(value)}" for name, value in directive.args.items())
        + ")"
    )


def _contains(selection: object, node: object) -> bool:
    for child in getattr(selection, "selections", ()):
        if child is node:
            return True
        nested = getattr(child, "selection_set", None)
        if nested is not None and _contains(nested, node):
            return True
    return False
