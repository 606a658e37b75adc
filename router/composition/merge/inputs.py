"""Input objects: the intersection of their fields (a required one missing somewhere: error)."""

from __future__ import annotations

from router.composition.merge.arguments import merge_default_value
from router.composition.merge.directives import record_directives
from router.composition.merge.state import MergeState, subgraph_list
from router.composition.merge.typeref import merge_type_reference
from router.composition.merge.types import merge_description
from router.composition.model import Directive, InputValue, TypeDef, enum_value
from router.composition.model import string_value as string


def merge_input(state: MergeState, dest: TypeDef) -> None:
    sources = state.type_sources(dest.name)
    present = [i for i, s in enumerate(sources) if s is not None]
    names: list[str] = []
    for index in present:
        source = sources[index]
        assert source is not None
        names += [n for n in source.input_fields if n not in names]
    for name in names:
        field_sources: dict[int, InputValue | None] = {}
        for index in present:
            source = sources[index]
            assert source is not None
            field_sources[index] = source.input_fields.get(name)
        field_def = InputValue(name=name)
        coordinate = f"{dest.name}.{name}"
        values = list(field_sources.values())
        merge_description(values, field_def)
        record_directives(state, values, field_def, dest.name, access_control_first=False)
        all_equal = merge_type_reference(
            state, field_sources, field_def, coordinate, input_position=True
        )
        if not all_equal:
            for index, input_field in field_sources.items():
                if input_field is not None:
                    field_def.directives.append(
                        Directive(
                            "join__field",
                            {
                                "graph": enum_value(state.graph(index)),
                                "type": string(input_field.type),
                            },
                        )
                    )
        merge_default_value(state, field_sources, field_def, coordinate, kind="Input field")
        missing = [state.names[i] for i, f in field_sources.items() if f is None]
        if missing and not field_def.has("inaccessible"):
            required = [state.names[i] for i, f in field_sources.items() if f and f.is_required]
            if required:
                state.error(
                    "REQUIRED_INPUT_FIELD_MISSING_IN_SOME_SUBGRAPH",
                    f'Input object field "{coordinate}" is required in some subgraphs but does not '
                    f"appear in all subgraphs: it is required in {subgraph_list(required)} but "
                    f"does not appear in {subgraph_list(missing)}",
                    type_name=dest.name,
                    field_name=name,
                )
            continue
        dest.input_fields[name] = field_def
    if not dest.input_fields:
        state.error(
            "EMPTY_MERGED_INPUT_TYPE",
            f'None of the fields of input object type "{dest.name}" are consistently defined in '
            "all the subgraphs defining that type. As only fields common to all subgraphs are "
            "merged, this would result in an empty type.",
            type_name=dest.name,
        )
