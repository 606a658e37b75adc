"""`@external` fields must be used (by a key, requires, provides or an interface) and never sit
on interface fields."""

from __future__ import annotations

from router.composition.model import Kind
from router.composition.validate.checker import Checker


def check_externals(checker: Checker) -> None:
    for typedef in checker.subgraph.types.values():
        if typedef.kind not in (Kind.OBJECT, Kind.INTERFACE):
            continue
        for field_def in typedef.fields.values():
            if not checker.meta.is_external(typedef, field_def):
                continue
            if not checker.meta.is_used(typedef, field_def):
                checker.error(
                    "EXTERNAL_UNUSED",
                    f'Field "{field_def.coordinate}" is marked @external but is not used in any '
                    "federation directive (@key, @provides, @requires) or to satisfy an "
                    "interface; the field declaration has no use and should be removed (or the "
                    "field should not be @external).",
                    typedef,
                    field_def,
                )
            if typedef.kind == Kind.INTERFACE:
                checker.error(
                    "EXTERNAL_ON_INTERFACE",
                    f'Interface type field "{field_def.coordinate}" is marked @external but '
                    "@external is not allowed on interface fields (it is nonsensical).",
                    typedef,
                    field_def,
                )
