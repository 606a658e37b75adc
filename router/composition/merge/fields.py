"""Fields of object and interface types: sharing, `@external`, `@override`, `@join__field`."""

from __future__ import annotations

from graphql.language import ValueNode

from router.composition.contexts import context_arguments, is_contextual
from router.composition.merge.arguments import merge_arguments
from router.composition.merge.directives import record_directives
from router.composition.merge.join_directives import add_join_directives
from router.composition.merge.override import OverrideOutcome, validate_override
from router.composition.merge.state import MergeState, subgraph_list
from router.composition.merge.typeref import is_strict_subtype, merge_type_reference
from router.composition.merge.types import merge_description
from router.composition.model import (
    Directive,
    Field,
    InputValue,
    Kind,
    TypeDef,
    boolean_value,
    enum_value,
    print_value,
)
from router.composition.model import string_value as string

FieldSources = dict[int, Field | None]


def merge_fields(state: MergeState, dest: TypeDef) -> None:
    for name, sources in _fields_shallow(state, dest).items():
        field_def = Field(name=name, parent=dest.name)
        dest.fields[name] = field_def
        outcome = validate_override(state, dest, sources, field_def.coordinate)
        _merge_field(state, dest, sources, field_def, outcome)
        if dest.kind == Kind.OBJECT:
            _validate_sharing(state, dest, sources, field_def, outcome)


def _fields_shallow(state: MergeState, dest: TypeDef) -> dict[str, FieldSources]:
    """Per field: every subgraph having the type (or abstracting it by an interface object)."""
    present: list[int] = []
    for index, subgraph in enumerate(state.subgraphs):
        if dest.name in subgraph.types or _abstracted_by_interface_object(state, index, dest):
            present.append(index)
    result: dict[str, FieldSources] = {}
    for index in present:
        source = state.subgraphs[index].types.get(dest.name)
        for field_def in source.fields.values() if source else ():
            sources = result.setdefault(field_def.name, dict.fromkeys(present))
            sources[index] = field_def
    return result


def _abstracted_by_interface_object(state: MergeState, index: int, dest: TypeDef) -> bool:
    if dest.kind != Kind.OBJECT:
        return False
    subgraph = state.subgraphs[index]
    return any(
        (t := subgraph.types.get(i)) is not None and state.metas[index].is_interface_object(t)
        for i in dest.interfaces
    )


def _source_type(state: MergeState, index: int, dest: TypeDef) -> TypeDef | None:
    return state.subgraphs[index].types.get(dest.name)


def _is_external(state: MergeState, index: int, dest: TypeDef, field_def: Field) -> bool:
    source_type = _source_type(state, index, dest)
    return source_type is not None and state.metas[index].is_external(source_type, field_def)


def _merge_field(
    state: MergeState,
    dest: TypeDef,
    sources: FieldSources,
    field_def: Field,
    outcome: OverrideOutcome,
) -> None:
    defined = {i: f for i, f in sources.items() if f is not None}
    if all(_is_external(state, i, dest, f) for i, f in defined.items()):
        state.error(
            "EXTERNAL_MISSING_ON_BASE",
            f'Field "{field_def.coordinate}" is marked @external on all the subgraphs in which it '
            f"is listed ({subgraph_list([state.names[i] for i in defined])}).",
            type_name=dest.name,
            field_name=field_def.name,
        )
        return
    without_external: FieldSources = {
        i: (None if f is not None and _is_external(state, i, dest, f) else f)
        for i, f in sources.items()
    }
    for index, source in defined.items():
        if _is_external(state, index, dest, source):
            for directive in source.directives:
                if state.is_carried(directive.name):
                    state.error(
                        "MERGED_DIRECTIVE_APPLICATION_ON_EXTERNAL",
                        f"[{state.names[index]}] Cannot apply merged directive {directive} to "
                        f'external field "{field_def.coordinate}"',
                        subgraph=state.names[index],
                        type_name=dest.name,
                        field_name=field_def.name,
                    )
    kept = list(without_external.values())
    merge_description(kept, field_def)
    record_directives(state, kept, field_def, dest.name, access_control_first=True)
    merge_arguments(state, without_external, field_def)
    all_equal = merge_type_reference(state, without_external, field_def, field_def.coordinate)
    if any(_is_external(state, i, dest, f) for i, f in defined.items()):
        _validate_external(state, dest, defined, field_def, all_equal=all_equal)
    _add_join_field(state, dest, sources, field_def, outcome, all_equal=all_equal)
    add_join_directives(state, sources.items(), field_def)


def _validate_external(
    state: MergeState,
    dest: TypeDef,
    defined: dict[int, Field],
    field_def: Field,
    *,
    all_equal: bool,
) -> None:
    """External definitions must agree with the merged field: one error per problem, listing
    the subgraphs at fault (Apollo's mismatch reports)."""
    bad_types: list[str] = []
    missing: dict[str, list[str]] = {}
    bad_arg_types: dict[str, list[str]] = {}
    bad_defaults: dict[str, list[str]] = {}
    for index, source in defined.items():
        if not _is_external(state, index, dest, source):
            continue
        name = state.names[index]
        if source.type != field_def.type and (
            all_equal or not is_strict_subtype(state, field_def.type, source.type)
        ):
            bad_types.append(name)
        for arg_name, arg in field_def.args.items():
            own = source.args.get(arg_name)
            if own is None:
                missing.setdefault(arg_name, []).append(name)
                continue
            if own.type != arg.type and not is_strict_subtype(state, arg.type, own.type):
                bad_arg_types.setdefault(arg_name, []).append(name)
            if _printed(own) != _printed(arg):
                bad_defaults.setdefault(arg_name, []).append(name)
    where = {"type_name": dest.name, "field_name": field_def.name}
    if bad_types:
        state.error(
            "EXTERNAL_TYPE_MISMATCH",
            f'Type of field "{field_def.coordinate}" is incompatible across subgraphs (where '
            f'marked @external): it has type "{field_def.type}" in the supergraph but a '
            f"different type in {subgraph_list(bad_types)}",
            **where,
        )
    for arg_name, names in missing.items():
        state.error(
            "EXTERNAL_ARGUMENT_MISSING",
            f'Field "{field_def.coordinate}" is missing argument '
            f'"{field_def.coordinate}({arg_name}:)" in some subgraphs where it is marked '
            f"@external: {subgraph_list(names)}",
            **where,
        )
    for arg_name, names in bad_arg_types.items():
        state.error(
            "EXTERNAL_ARGUMENT_TYPE_MISMATCH",
            f'Type of argument "{field_def.coordinate}({arg_name}:)" is incompatible across '
            f'subgraphs (where "{field_def.coordinate}" is marked @external) in '
            f"{subgraph_list(names)}",
            **where,
        )
    for arg_name, names in bad_defaults.items():
        state.error(
            "EXTERNAL_ARGUMENT_DEFAULT_MISMATCH",
            f'Argument "{field_def.coordinate}({arg_name}:)" has incompatible defaults across '
            f'subgraphs (where "{field_def.coordinate}" is marked @external) in '
            f"{subgraph_list(names)}",
            **where,
        )


def _printed(arg: InputValue) -> str | None:
    return print_value(arg.default) if arg.default is not None else None


def _needs_join_field(
    state: MergeState,
    dest: TypeDef,
    sources: FieldSources,
    outcome: OverrideOutcome,
    *,
    all_equal: bool,
) -> bool:
    if not all_equal or outcome.any_label_or_used():
        return True
    if any(s is not None and any(is_contextual(s, a) for a in s.args) for s in sources.values()):
        return True
    for index, source in sources.items():
        if source is not None and index not in outcome.unused_overridden:
            if (
                _is_external(state, index, dest, source)
                or source.has("provides")
                or source.has("requires")
            ):
                return True
        elif dest.name in state.subgraphs[index].types:
            return True
    return False


def _add_join_field(
    state: MergeState,
    dest: TypeDef,
    sources: FieldSources,
    field_def: Field,
    outcome: OverrideOutcome,
    *,
    all_equal: bool,
) -> None:
    if not _needs_join_field(state, dest, sources, outcome, all_equal=all_equal):
        return
    for index, source in sources.items():
        label = outcome.labels.get(index)
        if source is None or (index in outcome.unused_overridden and not label):
            continue
        args: dict[str, ValueNode] = {"graph": enum_value(state.graph(index))}
        requires = source.first("requires")
        if requires is not None:
            args["requires"] = requires.args["fields"]
        provides = source.first("provides")
        if provides is not None:
            args["provides"] = provides.args["fields"]
        if not all_equal:
            args["type"] = string(source.type)
        if _is_external(state, index, dest, source):
            args["external"] = boolean_value(True)
        override = source.first("override") if state.subgraphs[index].fed2 else None
        if override is not None:
            args["override"] = override.args["from"]
        if index in outcome.used_overridden:
            args["usedOverridden"] = boolean_value(True)
        if label:
            args["overrideLabel"] = string(label)
        contexts = context_arguments(source, state.names[index])
        if contexts is not None:
            args["contextArguments"] = contexts
        field_def.directives.append(Directive("join__field", args))


def _validate_sharing(
    state: MergeState,
    dest: TypeDef,
    sources: FieldSources,
    field_def: Field,
    outcome: OverrideOutcome,
) -> None:
    shareable: list[int] = []
    non_shareable: list[int] = []
    for index, source in sources.items():
        candidates: list[tuple[TypeDef, Field]] = []
        if source is None:
            candidates = _interface_object_fields(state, index, dest, field_def.name)
        elif index in outcome.used_overridden or index in outcome.unused_overridden:
            continue
        else:
            source_type = _source_type(state, index, dest)
            assert source_type is not None
            candidates = [(source_type, source)]
        for owner, candidate in candidates:
            meta = state.metas[index]
            if meta.is_fully_external(owner, candidate):
                continue
            (shareable if meta.is_shareable(owner, candidate) else non_shareable).append(index)
    if non_shareable and (shareable or len(non_shareable) > 1):
        resolving = [state.names[i] for i in sorted(shareable + non_shareable)]
        culprits = (
            subgraph_list([state.names[i] for i in non_shareable]) if shareable else "all of them"
        )
        state.error(
            "INVALID_FIELD_SHARING",
            f'Non-shareable field "{field_def.coordinate}" is resolved from multiple subgraphs: it '
            f"is resolved from {subgraph_list(resolving)} and defined as non-shareable in "
            f"{culprits}",
            type_name=dest.name,
            field_name=field_def.name,
        )


def _interface_object_fields(
    state: MergeState, index: int, dest: TypeDef, name: str
) -> list[tuple[TypeDef, Field]]:
    if dest.name in state.subgraphs[index].types:
        return []
    result: list[tuple[TypeDef, Field]] = []
    for interface in dest.interfaces:
        typedef = state.subgraphs[index].types.get(interface)
        if typedef is not None and state.metas[index].is_interface_object(typedef):
            found = typedef.fields.get(name)
            if found is not None:
                result.append((typedef, found))
    return result
