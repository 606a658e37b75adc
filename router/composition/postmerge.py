"""Post-merge checks on the supergraph: interfaces implemented, `@inaccessible` consistent."""

from __future__ import annotations

from router.composition.errors import CompositionError
from router.composition.model import Kind, base_type
from router.composition.supergraph import Supergraph


def post_merge_checks(supergraph: Supergraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    _check_interface_fields(supergraph, errors)
    _check_inaccessible(supergraph, errors)
    return errors


def _check_interface_fields(supergraph: Supergraph, errors: list[CompositionError]) -> None:
    for typedef in supergraph.types.values():
        for interface_name in typedef.interfaces:
            interface = supergraph.types.get(interface_name)
            if interface is None:
                continue
            errors.extend(
                CompositionError(
                    "INTERFACE_FIELD_NO_IMPLEM",
                    f'Interface field "{interface_name}.{name}" is declared in some subgraph but '
                    f'type "{typedef.name}", which implements "{interface_name}" only in some '
                    "other subgraph, does not have it.",
                    type=typedef.name,
                    field=name,
                )
                for name in interface.fields
                if name not in typedef.fields
            )


def _check_inaccessible(supergraph: Supergraph, errors: list[CompositionError]) -> None:
    hidden = {t.name for t in supergraph.types.values() if t.has("inaccessible")}
    for typedef in supergraph.types.values():
        if typedef.name in hidden:
            continue
        for field_def in typedef.fields.values():
            if field_def.has("inaccessible"):
                continue
            target = base_type(field_def.type)
            if target in hidden:
                errors.append(
                    CompositionError(
                        "REFERENCED_INACCESSIBLE",
                        f'Type "{target}" is @inaccessible but is referenced by '
                        f'"{field_def.coordinate}", which is in the API schema.',
                        type=typedef.name,
                        field=field_def.name,
                    )
                )
        if (
            typedef.kind in (Kind.OBJECT, Kind.INTERFACE)
            and typedef.fields
            and all(f.has("inaccessible") for f in typedef.fields.values())
        ):
            errors.append(
                CompositionError(
                    "ONLY_INACCESSIBLE_CHILDREN",
                    f'Type "{typedef.name}" is in the API schema but all of its fields are '
                    "@inaccessible.",
                    type=typedef.name,
                )
            )
