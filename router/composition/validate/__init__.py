"""Pre-merge checks: each subgraph on its own (Apollo's subgraph validation), in Apollo's order.

fieldsets   @key, @requires and @provides field sets walked over the types
contexts    @context names and @fromContext arguments
externals   @external fields used, and not on interfaces
interfaces  interface keys on implementations, @interfaceObject on entities, no access
            control on interfaces
usage       @shareable, @cost and @listSize where they are allowed
"""

from __future__ import annotations

from router.composition.errors import CompositionError
from router.composition.metadata import compute_metadata
from router.composition.subgraph import Subgraph
from router.composition.validate.checker import Abort, Checker
from router.composition.validate.contexts import check_contexts
from router.composition.validate.externals import check_externals
from router.composition.validate.fieldsets import check_keys, check_requires_and_provides
from router.composition.validate.interfaces import (
    check_access_control_on_interfaces,
    check_interface_keys,
    check_interface_objects,
)
from router.composition.validate.usage import check_cost_and_list_size, check_shareable_usage

__all__ = ["validate_subgraph"]


def validate_subgraph(subgraph: Subgraph) -> list[CompositionError]:
    checker = Checker(subgraph, compute_metadata(subgraph))
    try:
        check_keys(checker)
        check_requires_and_provides(checker)
    except Abort:
        return checker.errors
    check_contexts(checker)
    check_externals(checker)
    check_interface_keys(checker)
    check_interface_objects(checker)
    check_shareable_usage(checker)
    check_cost_and_list_size(checker)
    check_access_control_on_interfaces(checker)
    return checker.errors
