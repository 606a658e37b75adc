"""Post-merge checks on the supergraph: interfaces implemented, `@inaccessible` consistent."""

from __future__ import annotations

from router.composition.errors import CompositionError
from router.composition.inaccessible import check_inaccessible
from router.composition.supergraph import Supergraph


def post_merge_checks(supergraph: Supergraph) -> list[CompositionError]:
    errors: list[CompositionError] = []
    _check_interface_fields(supergraph, errors)
    errors += check_inaccessible(supergraph)
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
