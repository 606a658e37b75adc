"""`@inaccessible` consistency on the merged supergraph (Apollo's API-schema rules).

What is hidden must not be needed by what stays: an inaccessible type referenced by a visible
field, argument or input field (REFERENCED_INACCESSIBLE), a visible type left without visible
children (ONLY_INACCESSIBLE_CHILDREN), a hidden field or argument implementing a visible
interface one (IMPLEMENTED_BY_INACCESSIBLE), a hidden required argument or input field
(REQUIRED_INACCESSIBLE), a hidden value used by a visible default (DEFAULT_VALUE_USES_INACCESSIBLE),
a hidden query root (QUERY_ROOT_TYPE_INACCESSIBLE).
"""

from __future__ import annotations

from collections.abc import Iterator

from graphql.language import EnumValueNode, ListValueNode, ObjectValueNode, ValueNode

from router.composition.errors import CompositionError
from router.composition.model import Field, InputValue, Kind, TypeDef, base_type
from router.composition.supergraph import Supergraph


def check_inaccessible(supergraph: Supergraph) -> list[CompositionError]:
    return _Rules(supergraph).run()


class _Rules:
    def __init__(self, supergraph: Supergraph) -> None:
        self.supergraph = supergraph
        self.types = supergraph.types
        self.errors: list[CompositionError] = []

    def error(self, code: str, message: str, type_name: str, field: str | None = None) -> None:
        self.errors.append(CompositionError(code, message, type=type_name, field=field))

    def hidden_type(self, name: str) -> bool:
        typedef = self.types.get(name)
        return typedef is not None and typedef.has("inaccessible")

    def run(self) -> list[CompositionError]:
        for typedef in self.types.values():
            if typedef.has("inaccessible"):
                self._check_hidden_type(typedef)
                continue
            self._check_children(typedef)
            if typedef.kind in (Kind.OBJECT, Kind.INTERFACE):
                self._check_fields(typedef)
            elif typedef.kind == Kind.INPUT:
                self._check_input_fields(typedef)
            elif typedef.kind == Kind.ENUM:
                self._check_enum_values(typedef)
        return self.errors

    def _visible_references(self) -> Iterator[tuple[str, str, str]]:
        """(referenced type, referencer coordinate, referencer's type) for API elements."""
        for typedef in self.types.values():
            if typedef.has("inaccessible"):
                continue
            for field_def in typedef.fields.values():
                if field_def.has("inaccessible"):
                    continue
                yield base_type(field_def.type), field_def.coordinate, typedef.name
                for arg in field_def.args.values():
                    if not arg.has("inaccessible"):
                        yield (
                            base_type(arg.type),
                            f"{field_def.coordinate}({arg.name}:)",
                            typedef.name,
                        )
            for input_field in typedef.input_fields.values():
                if not input_field.has("inaccessible"):
                    coordinate = f"{typedef.name}.{input_field.name}"
                    yield base_type(input_field.type), coordinate, typedef.name

    def _check_hidden_type(self, typedef: TypeDef) -> None:
        for referenced, coordinate, owner in self._visible_references():
            if referenced == typedef.name:
                self.error(
                    "REFERENCED_INACCESSIBLE",
                    f'Type "{typedef.name}" is @inaccessible but is referenced by '
                    f'"{coordinate}", which is in the API schema.',
                    owner,
                )
        if self.supergraph.roots.get("query") == typedef.name:
            self.error(
                "QUERY_ROOT_TYPE_INACCESSIBLE",
                f'Type "{typedef.name}" is @inaccessible but is the root query type, which must '
                "be in the API schema.",
                typedef.name,
            )

    def _check_children(self, typedef: TypeDef) -> None:
        if typedef.kind in (Kind.OBJECT, Kind.INTERFACE, Kind.INPUT):
            children: list[Field | InputValue] = [*typedef.fields.values()]
            children += typedef.input_fields.values()
            what = "input fields" if typedef.kind == Kind.INPUT else "fields"
            empty = all(c.has("inaccessible") for c in children)
        elif typedef.kind == Kind.UNION:
            what = "members"
            empty = all(self.hidden_type(m) for m in typedef.members)
        elif typedef.kind == Kind.ENUM:
            what = "values"
            empty = all(v.has("inaccessible") for v in typedef.values.values())
        else:
            return
        if empty:
            self.error(
                "ONLY_INACCESSIBLE_CHILDREN",
                f'Type "{typedef.name}" is in the API schema but all of its {what} are '
                "@inaccessible.",
                typedef.name,
            )

    def _check_fields(self, typedef: TypeDef) -> None:
        interfaces = [self.types[i] for i in typedef.interfaces if i in self.types]
        implementers = [t for t in self.types.values() if typedef.name in t.interfaces]
        for field_def in typedef.fields.values():
            if field_def.has("inaccessible"):
                for interface in interfaces:
                    implemented = interface.fields.get(field_def.name)
                    if implemented is not None and self._field_visible(interface, implemented):
                        self.error(
                            "IMPLEMENTED_BY_INACCESSIBLE",
                            f'Field "{field_def.coordinate}" is @inaccessible but implements the '
                            f'interface field "{implemented.coordinate}", which is in the API '
                            "schema.",
                            typedef.name,
                            field_def.name,
                        )
                continue
            for arg in field_def.args.values():
                if arg.has("inaccessible"):
                    self._check_hidden_argument(typedef, field_def, arg, interfaces, implementers)

    def _check_hidden_argument(
        self,
        typedef: TypeDef,
        field_def: Field,
        arg: InputValue,
        interfaces: list[TypeDef],
        implementers: list[TypeDef],
    ) -> None:
        coordinate = f"{field_def.coordinate}({arg.name}:)"
        if arg.is_required:
            self.error(
                "REQUIRED_INACCESSIBLE",
                f'Argument "{coordinate}" is @inaccessible but is a required argument of its '
                "field.",
                typedef.name,
                field_def.name,
            )
        for implementer in implementers:
            other = implementer.fields.get(field_def.name)
            other_arg = other.args.get(arg.name) if other else None
            if (
                other is not None
                and other_arg is not None
                and self._argument_visible(implementer, other, other_arg)
                and other_arg.is_required
            ):
                self.error(
                    "REQUIRED_INACCESSIBLE",
                    f'Argument "{coordinate}" is @inaccessible but is implemented by the '
                    f'required argument "{other.coordinate}({arg.name}:)", which is in the API '
                    "schema.",
                    typedef.name,
                    field_def.name,
                )
        for interface in interfaces:
            other = interface.fields.get(field_def.name)
            other_arg = other.args.get(arg.name) if other else None
            if other and other_arg and self._argument_visible(interface, other, other_arg):
                self.error(
                    "IMPLEMENTED_BY_INACCESSIBLE",
                    f'Argument "{coordinate}" is @inaccessible but implements the interface '
                    f'argument "{other.coordinate}({arg.name}:)", which is in the API schema.',
                    typedef.name,
                    field_def.name,
                )

    def _field_visible(self, owner: TypeDef, field_def: Field) -> bool:
        return not owner.has("inaccessible") and not field_def.has("inaccessible")

    def _argument_visible(self, owner: TypeDef, field_def: Field, arg: InputValue) -> bool:
        return self._field_visible(owner, field_def) and not arg.has("inaccessible")

    def _check_input_fields(self, typedef: TypeDef) -> None:
        for input_field in typedef.input_fields.values():
            if not input_field.has("inaccessible"):
                continue
            coordinate = f"{typedef.name}.{input_field.name}"
            if input_field.is_required:
                self.error(
                    "REQUIRED_INACCESSIBLE",
                    f'Input field "{coordinate}" is @inaccessible but is a required input field '
                    "of its type.",
                    typedef.name,
                    input_field.name,
                )
            for referencer in self._default_referencers((typedef.name, input_field.name)):
                self.error(
                    "DEFAULT_VALUE_USES_INACCESSIBLE",
                    f'Input field "{coordinate}" is @inaccessible but is used in the default value '
                    f'of "{referencer}", which is in the API schema.',
                    typedef.name,
                    input_field.name,
                )

    def _check_enum_values(self, typedef: TypeDef) -> None:
        for value in typedef.values.values():
            if not value.has("inaccessible"):
                continue
            for referencer in self._default_referencers((typedef.name, value.name)):
                self.error(
                    "DEFAULT_VALUE_USES_INACCESSIBLE",
                    f'Enum value "{typedef.name}.{value.name}" is @inaccessible but is used in the '
                    f'default value of "{referencer}", which is in the API schema.',
                    typedef.name,
                )

    def _default_referencers(self, element: tuple[str, str]) -> Iterator[str]:
        """API arguments and input fields whose default value uses the element."""
        for typedef in self.types.values():
            if typedef.has("inaccessible"):
                continue
            for field_def in typedef.fields.values():
                if field_def.has("inaccessible"):
                    continue
                for arg in field_def.args.values():
                    if arg.has("inaccessible") or arg.default is None:
                        continue
                    if element in _value_references(self.types, arg.default, arg.type):
                        yield f"{field_def.coordinate}({arg.name}:)"
            for input_field in typedef.input_fields.values():
                if input_field.has("inaccessible") or input_field.default is None:
                    continue
                used = _value_references(self.types, input_field.default, input_field.type)
                if element in used:
                    yield f"{typedef.name}.{input_field.name}"


def _value_references(
    types: dict[str, TypeDef], value: ValueNode, type_ref: str
) -> Iterator[tuple[str, str]]:
    """(enum, value) and (input type, field) pairs a default value uses, following its type."""
    type_ref = type_ref.removesuffix("!")
    if type_ref.startswith("["):
        item = type_ref[1:-1]
        values = value.values if isinstance(value, ListValueNode) else (value,)
        for element in values:
            yield from _value_references(types, element, item)
        return
    typedef = types.get(type_ref)
    if typedef is None:
        return
    if typedef.kind == Kind.ENUM and isinstance(value, EnumValueNode):
        yield typedef.name, value.value
    elif typedef.kind == Kind.INPUT and isinstance(value, ObjectValueNode):
        for field in value.fields:
            yield typedef.name, field.name.value
            declared = typedef.input_fields.get(field.name.value)
            if declared is not None:
                yield from _value_references(types, field.value, declared.type)
