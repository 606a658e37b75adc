"""Type references of fields, arguments and input fields: merged with Apollo's subtyping rules.

Output positions take the most general type seen (`String` over `String!`, an interface over an
implementation), input positions the most specific; unrelated types are FIELD_TYPE_MISMATCH or
ARGUMENT_TYPE_MISMATCH. Enum types note how they are used, for the enum merge.
"""

from __future__ import annotations

from collections.abc import Mapping

from router.composition.merge.state import MergeState, Position
from router.composition.model import Field, InputValue, Kind, base_type

Typed = Field | InputValue


def is_subtype(state: MergeState, supertype: str, subtype: str) -> bool:
    return supertype == subtype or is_strict_subtype(state, supertype, subtype)


def is_strict_subtype(state: MergeState, supertype: str, subtype: str) -> bool:
    if subtype.endswith("!"):
        if supertype.endswith("!"):
            return is_strict_subtype(state, supertype[:-1], subtype[:-1])
        return is_subtype(state, supertype, subtype[:-1])
    if supertype.endswith("!"):
        return False
    if subtype.startswith("[") or supertype.startswith("["):
        if subtype.startswith("[") and supertype.startswith("["):
            return is_strict_subtype(state, supertype[1:-1], subtype[1:-1])
        return False
    parent = state.supergraph.types.get(supertype)
    child = state.supergraph.types.get(subtype)
    if parent is None or child is None:
        return False
    if parent.kind == Kind.UNION:
        return subtype in parent.members
    if parent.kind == Kind.INTERFACE:
        return supertype in child.interfaces
    return False


def merge_type_reference(
    state: MergeState,
    sources: Mapping[int, Typed | None],
    dest: Typed,
    coordinate: str,
    *,
    input_position: bool = False,
    is_argument: bool = False,
) -> bool:
    """Set dest.type; True when every subgraph agrees exactly."""
    dest_type: str | None = None
    has_subtypes = False
    incompatible = False
    for source in sources.values():
        if source is None:
            continue
        if dest_type is None or dest_type == source.type:
            dest_type = source.type
        elif is_strict_subtype(state, dest_type, source.type):
            has_subtypes = True
            if input_position:
                dest_type = source.type
        elif is_strict_subtype(state, source.type, dest_type):
            has_subtypes = True
            if not input_position:
                dest_type = source.type
        else:
            incompatible = True
    assert dest_type is not None
    dest.type = dest_type
    _record_enum_usage(state, sources, dest_type, coordinate, input_position=input_position)
    if incompatible:
        kind = "argument" if is_argument else "field"
        details = _by_value(state, sources)
        state.error(
            "FIELD_ARGUMENT_TYPE_MISMATCH" if is_argument else "FIELD_TYPE_MISMATCH",
            f'Type of {kind} "{coordinate}" is incompatible across subgraphs: it has {details}',
            type_name=coordinate.split(".", maxsplit=1)[0],
            field_name=coordinate.split(".")[1] if "." in coordinate else None,
        )
        return False
    return not has_subtypes


def _by_value(state: MergeState, sources: Mapping[int, Typed | None]) -> str:
    groups: dict[str, list[str]] = {}
    for index, source in sources.items():
        if source is not None:
            groups.setdefault(source.type, []).append(state.names[index])
    parts = [
        f'type "{type_ref}" in subgraph{"s" if len(subs) > 1 else ""} '
        + " and ".join(f'"{s}"' for s in subs)
        for type_ref, subs in groups.items()
    ]
    return " but ".join(parts)


def _record_enum_usage(
    state: MergeState,
    sources: Mapping[int, Typed | None],
    type_ref: str,
    coordinate: str,
    *,
    input_position: bool,
) -> None:
    name = base_type(type_ref)
    target = state.supergraph.types.get(name)
    if target is None or target.kind != Kind.ENUM:
        return
    position: Position = "Input" if input_position else "Output"
    existing = state.enum_usage.get(name)
    state.enum_usage[name] = position if existing in (None, position) else "Both"
    examples = state.enum_examples.setdefault(name, {})
    if position not in examples and any(s is not None for s in sources.values()):
        examples[position] = coordinate
