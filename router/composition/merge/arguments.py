"""Arguments and default values: intersection of optional arguments, equal defaults."""

from __future__ import annotations

from collections.abc import Mapping

from router.composition.contexts import is_contextual
from router.composition.merge.directives import record_directives
from router.composition.merge.state import MergeState, subgraph_list
from router.composition.merge.typeref import merge_type_reference
from router.composition.merge.types import merge_description
from router.composition.model import Field, InputValue, print_value


def merge_arguments(state: MergeState, sources: Mapping[int, Field | None], dest: Field) -> None:
    names: list[str] = []
    for source in sources.values():
        if source is not None:
            names += [n for n in source.args if n not in names]
    for name in names:
        if any(s is not None and is_contextual(s, name) for s in sources.values()):
            _check_contextual(state, sources, dest, name)
            continue
        arg_sources = {i: (s.args.get(name) if s else None) for i, s in sources.items() if s}
        missing = [state.names[i] for i, a in arg_sources.items() if a is None]
        if missing:
            required = [state.names[i] for i, a in arg_sources.items() if a and a.is_required]
            if required:
                state.error(
                    "REQUIRED_ARGUMENT_MISSING_IN_SOME_SUBGRAPH",
                    f'Argument "{dest.coordinate}({name}:)" is required in some subgraphs but does '
                    f"not appear in all subgraphs: it is required in {subgraph_list(required)} but "
                    f"does not appear in {subgraph_list(missing)}",
                    type_name=dest.parent,
                    field_name=dest.name,
                )
            continue
        arg = InputValue(name=name)
        dest.args[name] = arg
        coordinate = f"{dest.coordinate}({name}:)"
        merge_description(list(arg_sources.values()), arg)
        record_directives(
            state, list(arg_sources.values()), arg, dest.parent, access_control_first=False
        )
        merge_type_reference(
            state, arg_sources, arg, coordinate, input_position=True, is_argument=True
        )
        merge_default_value(state, arg_sources, arg, coordinate, kind="Argument")


def _check_contextual(
    state: MergeState, sources: Mapping[int, Field | None], dest: Field, name: str
) -> None:
    """A contextual argument leaves the API; elsewhere it must be optional."""
    for source in sources.values():
        arg = source.args.get(name) if source is not None else None
        if source is None or arg is None or is_contextual(source, name):
            continue
        if arg.is_required:
            state.error(
                "CONTEXTUAL_ARGUMENT_NOT_CONTEXTUAL_IN_ALL_SUBGRAPHS",
                f'Argument "{dest.coordinate}({name}:)" is contextual in at least one subgraph '
                f'but in "{source.coordinate}({name}:)" it does not have @fromContext, is not '
                "nullable and has no default value.",
                type_name=dest.parent,
                field_name=dest.name,
            )


def merge_default_value(
    state: MergeState,
    sources: Mapping[int, InputValue | None],
    dest: InputValue,
    coordinate: str,
    *,
    kind: str,
) -> None:
    """Same default everywhere, or none anywhere; a default in some only is dropped."""
    dest_default = None
    printed: str | None = None
    seen = inconsistent = incompatible = False
    for source in sources.values():
        if source is None:
            continue
        value = print_value(source.default) if source.default is not None else None
        if printed is None:
            if seen and value is not None:
                inconsistent = True
            printed, dest_default = value, source.default
        elif printed != value:
            inconsistent = True
            if value is not None:
                incompatible = True
        seen = True
    if not inconsistent or incompatible:
        dest.default = dest_default
    if incompatible:
        state.error(
            "FIELD_ARGUMENT_DEFAULT_MISMATCH"
            if kind == "Argument"
            else "INPUT_FIELD_DEFAULT_MISMATCH",
            f'{kind} "{coordinate}" has incompatible default values across subgraphs',
            type_name=coordinate.split(".", maxsplit=1)[0],
        )
