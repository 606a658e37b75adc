"""Interfaces: keys repeated on implementations, `@interfaceObject` only on entities, no access
control directives on interfaces."""

from __future__ import annotations

from router.composition.model import Directive, Field, Kind
from router.composition.validate.checker import Checker

_ACCESS_CONTROL = ("authenticated", "requiresScopes", "policy")


def check_interface_keys(checker: Checker) -> None:
    types = checker.subgraph.types.values()
    for interface in [t for t in types if t.kind == Kind.INTERFACE]:
        implementations = [t for t in types if interface.name in t.interfaces]
        for key in interface.applied("key"):
            fields = key.string("fields") or ""
            missing = [
                t.name
                for t in implementations
                if not any(k.string("fields") == fields for k in t.applied("key"))
            ]
            if missing:
                names = ", ".join(f'"{m}"' for m in missing)
                checker.error(
                    "INTERFACE_KEY_NOT_ON_IMPLEMENTATION",
                    f'Key {key} on interface type "{interface.name}" is missing on '
                    f"implementation type{'s' if len(missing) > 1 else ''} {names}.",
                    interface,
                )


def check_interface_objects(checker: Checker) -> None:
    for typedef in checker.subgraph.types.values():
        if typedef.has("interfaceObject") and not typedef.applied("key"):
            checker.error(
                "INTERFACE_OBJECT_USAGE_ERROR",
                "The @interfaceObject directive can only be applied to entity types but type "
                f'"{typedef.name}" has no @key in this subgraph.',
                typedef,
            )


def check_access_control_on_interfaces(checker: Checker) -> None:
    """@authenticated, @requiresScopes and @policy do not go on interfaces (Apollo's rule)."""
    for typedef in checker.subgraph.types.values():
        is_object = checker.meta.is_interface_object(typedef)
        if typedef.kind != Kind.INTERFACE and not is_object:
            continue
        kind = "interface object" if is_object else "interface"
        elements: list[tuple[str, str, Field | None, list[Directive]]] = [
            (kind, typedef.name, None, typedef.directives)
        ]
        if typedef.kind == Kind.INTERFACE:
            elements += [("field", f.coordinate, f, f.directives) for f in typedef.fields.values()]
        for label, coordinate, field_def, directives in elements:
            for directive in directives:
                if directive.name in _ACCESS_CONTROL:
                    checker.error(
                        "AUTH_REQUIREMENTS_APPLIED_ON_INTERFACE",
                        f'Invalid use of @{directive.name} on {label} "{coordinate}": '
                        f"@{directive.name} cannot be applied on interfaces, interface fields "
                        "and interface objects",
                        typedef,
                        field_def,
                    )
