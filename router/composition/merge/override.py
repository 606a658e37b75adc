"""`@override(from:, label:)`: who resolves a field, and the errors Apollo reports for it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from router.composition.merge.state import MergeState
from router.composition.model import Field, Kind, TypeDef

_LABEL = re.compile(r"^[a-zA-Z][a-zA-Z0-9_\-:./]*$")
_PERCENT = re.compile(r"^percent\((\d{1,2}(\.\d{1,8})?|100)\)$")


@dataclass
class OverrideOutcome:
    """Per subgraph index: overridden but still used, overridden and unused, label, bad target."""

    used_overridden: set[int] = field(default_factory=set)
    unused_overridden: set[int] = field(default_factory=set)
    labels: dict[int, str] = field(default_factory=dict)
    unknown_target: set[int] = field(default_factory=set)

    def any_label_or_used(self) -> bool:
        return bool(self.used_overridden or self.labels)


def validate_override(
    state: MergeState, parent: TypeDef, sources: Mapping[int, Field | None], coordinate: str
) -> OverrideOutcome:
    outcome = OverrideOutcome()
    overrides = {
        i: f.first("override")
        for i, f in sources.items()
        if f is not None and state.subgraphs[i].fed2 and f.has("override")
    }
    with_override = {state.names[i] for i in overrides}
    for index, directive in overrides.items():
        if directive is None:
            continue
        name = state.names[index]
        source_type = state.subgraphs[index].types[parent.name]
        field_def = sources[index]
        assert field_def is not None
        where = {"subgraph": name, "type_name": parent.name, "field_name": field_def.name}
        if source_type.kind == Kind.INTERFACE:
            state.error(
                "OVERRIDE_ON_INTERFACE",
                f'@override cannot be used on field "{coordinate}" on subgraph "{name}": @override '
                "is not supported on interface type fields.",
                **where,
            )
            continue
        if state.metas[index].is_interface_object(source_type):
            state.error(
                "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                f"@override is not yet supported on fields of @interfaceObject types: cannot be "
                f'used on field "{coordinate}" on subgraph "{name}".',
                **where,
            )
            continue
        source_name = directive.string("from") or ""
        if source_name not in state.names:
            outcome.unknown_target.add(index)
            state.hints.append(
                f'Source subgraph "{source_name}" for field "{coordinate}" does not exist.'
            )
            continue
        if source_name == name:
            state.error(
                "OVERRIDE_FROM_SELF_ERROR",
                f'Source and destination subgraphs "{name}" are the same for overridden field '
                f'"{coordinate}"',
                **where,
            )
            continue
        if source_name in with_override:
            state.error(
                "OVERRIDE_SOURCE_HAS_OVERRIDE",
                f'Field "{coordinate}" on subgraph "{name}" is also marked with directive '
                f'@override in subgraph "{source_name}". Only one @override directive is allowed '
                "per field.",
                **where,
            )
            continue
        from_index = state.names.index(source_name)
        from_field = sources.get(from_index)
        if from_field is None:
            continue
        from_type = state.subgraphs[from_index].types[parent.name]
        conflict = next((d for d in ("requires", "provides") if from_field.has(d)), None)
        conflict_in = source_name
        if conflict is None and state.metas[index].is_external(source_type, field_def):
            conflict, conflict_in = "external", name
        if conflict is not None:
            state.error(
                "OVERRIDE_COLLISION_WITH_ANOTHER_DIRECTIVE",
                f'@override cannot be used on field "{coordinate}" on subgraph "{name}" since '
                f'"{coordinate}" on "{conflict_in}" is marked with directive "@{conflict}"',
                **where,
            )
            continue
        from_meta = state.metas[from_index]
        if from_meta.is_external(from_type, from_field):
            pass
        elif from_meta.is_used(from_type, from_field):
            outcome.used_overridden.add(from_index)
        else:
            outcome.unused_overridden.add(from_index)
        label = directive.string("label")
        if label is not None:
            _apply_label(state, outcome, (index, from_index), label, where=where)
    return outcome


def _apply_label(
    state: MergeState,
    outcome: OverrideOutcome,
    indexes: tuple[int, int],
    label: str,
    *,
    where: dict[str, str],
) -> None:
    index, from_index = indexes
    coordinate = f"{where['type_name']}.{where['field_name']}"
    match = _PERCENT.match(label)
    if _LABEL.match(label) or (match and 0 <= float(match[1]) <= 100):
        outcome.labels[index] = label
        outcome.labels[from_index] = label
        return
    state.error(
        "OVERRIDE_LABEL_INVALID",
        f'Invalid @override label "{label}" on field "{coordinate}" on subgraph '
        f'"{where["subgraph"]}": labels must start with a letter and after that may contain '
        "alphanumerics, underscores, minuses, colons, periods, or slashes. Alternatively, labels "
        'may be of the form "percent(x)" where x is a float between 0-100 inclusive.',
        subgraph=where["subgraph"],
        type_name=where["type_name"],
        field_name=where["field_name"],
    )
