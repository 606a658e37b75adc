"""Enums, merged by how they are used: output → union of values, input → intersection, both → equal.

An input-only enum keeps the values every subgraph defines; an enum used both ways must define the
same values everywhere (ENUM_VALUE_MISMATCH); nothing left is EMPTY_MERGED_ENUM_TYPE.
"""

from __future__ import annotations

from router.composition.merge.directives import record_directives
from router.composition.merge.state import MergeState
from router.composition.merge.types import merge_description
from router.composition.model import Directive, EnumValue, TypeDef, enum_value


def merge_enum(state: MergeState, dest: TypeDef) -> None:
    sources = state.type_sources(dest.name)
    position = state.enum_usage.get(dest.name, "Output")
    names: list[str] = []
    for source in sources:
        if source is not None:
            names += [v for v in source.values if v not in names]
    for name in names:
        value = EnumValue(name=name)
        value_sources = [s.values.get(name) if s else None for s in sources]
        merge_description(value_sources, value)
        record_directives(state, value_sources, value, dest.name, access_control_first=False)
        for index, value_source in enumerate(value_sources):
            if value_source is not None:
                value.directives.append(
                    Directive("join__enumValue", {"graph": enum_value(state.graph(index))})
                )
        missing = [
            state.names[i] for i, s in enumerate(sources) if s is not None and name not in s.values
        ]
        inaccessible = value.has("inaccessible")
        if missing and not inaccessible and position == "Both":
            examples = state.enum_examples.get(dest.name, {})
            defined = [state.names[i] for i, s in enumerate(value_sources) if s is not None]
            state.error(
                "ENUM_VALUE_MISMATCH",
                f'Enum type "{dest.name}" is used as both input type (for example, as type of '
                f'"{examples.get("Input")}") and output type (for example, as type of '
                f'"{examples.get("Output")}"), but value "{name}" is not defined in all the '
                f'subgraphs defining "{dest.name}": "{name}" is defined in '
                f"{_listing(defined)} but not in {_listing(missing)}",
                type_name=dest.name,
            )
        elif missing and not inaccessible and position == "Input":
            continue
        dest.values[name] = value
    if not dest.values:
        state.error(
            "EMPTY_MERGED_ENUM_TYPE",
            f'None of the values of enum type "{dest.name}" are defined consistently in all the '
            "subgraphs defining that type. As only values common to all subgraphs are merged, this "
            "would result in an empty type.",
            type_name=dest.name,
        )


def _listing(names: list[str]) -> str:
    label = "subgraph" if len(names) == 1 else "subgraphs"
    return f"{label} " + ", ".join(f'"{n}"' for n in names)
