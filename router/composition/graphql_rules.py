"""GraphQL validity of one subgraph (Apollo's schema validation), reported as INVALID_GRAPHQL.

Interfaces correctly implemented, no empty types, default values that fit their types, required
arguments and input fields not deprecated, reserved `__` names unused.
"""

from __future__ import annotations

from graphql.language import (
    BooleanValueNode,
    EnumValueNode,
    FloatValueNode,
    IntValueNode,
    ListValueNode,
    NullValueNode,
    ObjectValueNode,
    StringValueNode,
    ValueNode,
)

from router.composition.errors import CompositionError
from router.composition.model import (
    BUILT_IN_SCALARS,
    Field,
    InputValue,
    Kind,
    TypeDef,
    base_type,
    print_value,
)
from router.composition.subgraph import Subgraph


def check_graphql_rules(subgraph: Subgraph) -> list[CompositionError]:
    rules = _Rules(subgraph)
    for typedef in subgraph.types.values():
        rules.check_type(typedef)
    return rules.errors


class _Rules:
    def __init__(self, subgraph: Subgraph) -> None:
        self.subgraph = subgraph
        self.errors: list[CompositionError] = []

    def error(self, message: str, typedef: TypeDef, field: str | None = None) -> None:
        self.errors.append(
            CompositionError(
                "INVALID_GRAPHQL",
                f"[{self.subgraph.name}] {message}",
                subgraph=self.subgraph.name,
                type=typedef.name,
                field=field,
            )
        )

    def check_type(self, typedef: TypeDef) -> None:
        if typedef.name.startswith("__"):
            self.error(
                f'Name "{typedef.name}" must not begin with "__", which is reserved by GraphQL '
                "introspection.",
                typedef,
            )
        if typedef.kind in (Kind.OBJECT, Kind.INTERFACE):
            if not typedef.fields and not (typedef.name == "Query" and not typedef.directives):
                self.error(f"Type {typedef.name} must define one or more fields.", typedef)
            for interface in typedef.interfaces:
                self._check_implementation(typedef, interface)
            for field_def in typedef.fields.values():
                for arg in field_def.args.values():
                    self._check_input_value(typedef, arg, f"{field_def.coordinate}({arg.name}:)")
        elif typedef.kind == Kind.INPUT:
            if not typedef.input_fields:
                self.error(
                    f"Input Object type {typedef.name} must define one or more fields.", typedef
                )
            for input_field in typedef.input_fields.values():
                self._check_input_value(
                    typedef, input_field, f"{typedef.name}.{input_field.name}", input_field=True
                )
        elif typedef.kind == Kind.UNION and not typedef.members:
            self.error(f"Union type {typedef.name} must define one or more member types.", typedef)
        elif typedef.kind == Kind.ENUM:
            if not typedef.values:
                self.error(f"Enum type {typedef.name} must define one or more values.", typedef)
            for value in typedef.values:
                if value in ("true", "false", "null"):
                    self.error(f"Enum type {typedef.name} cannot include value: {value}.", typedef)

    def _check_implementation(self, typedef: TypeDef, interface_name: str) -> None:
        interface = self.subgraph.types.get(interface_name)
        if interface is None or interface.kind != Kind.INTERFACE:
            return
        if interface_name == typedef.name:
            self.error(
                f"Type {typedef.name} cannot implement itself because it would create a circular "
                "reference.",
                typedef,
            )
            return
        for name, expected in interface.fields.items():
            field_def = typedef.fields.get(name)
            if field_def is None:
                self.error(
                    f"Interface field {interface_name}.{name} expected but {typedef.name} does "
                    "not provide it.",
                    typedef,
                    name,
                )
                continue
            if not self._is_subtype(expected.type, field_def.type):
                self.error(
                    f"Interface field {interface_name}.{name} expects type {expected.type} but "
                    f"{field_def.coordinate} of type {field_def.type} is not a proper subtype.",
                    typedef,
                    name,
                )
            self._check_implementation_args(typedef, interface_name, expected, field_def)
        for grand in interface.interfaces:
            if grand not in typedef.interfaces and grand != typedef.name:
                self.error(
                    f"Type {typedef.name} must implement {grand} because it is implemented by "
                    f"{interface_name}.",
                    typedef,
                )

    def _check_implementation_args(
        self, typedef: TypeDef, interface_name: str, expected: Field, field_def: Field
    ) -> None:
        for arg_name, arg in expected.args.items():
            own = field_def.args.get(arg_name)
            if own is None:
                self.error(
                    f"Interface field argument {interface_name}.{expected.name}({arg_name}:) "
                    f"expected but {field_def.coordinate} does not provide it.",
                    typedef,
                    field_def.name,
                )
            elif own.type != arg.type:
                self.error(
                    f"Interface field argument {interface_name}.{expected.name}({arg_name}:) "
                    f"expects type {arg.type} but {field_def.coordinate}({arg_name}:) is type "
                    f"{own.type}.",
                    typedef,
                    field_def.name,
                )
        for arg_name, arg in field_def.args.items():
            if arg_name not in expected.args and arg.is_required:
                self.error(
                    f"Field {field_def.coordinate} includes required argument {arg_name} that is "
                    f"missing from the Interface field {interface_name}.{expected.name}.",
                    typedef,
                    field_def.name,
                )

    def _is_subtype(self, expected: str, actual: str) -> bool:
        if expected == actual:
            return True
        if actual.endswith("!"):
            inner = expected.removesuffix("!")
            return self._is_subtype(inner, actual[:-1])
        if expected.endswith("!"):
            return False
        if actual.startswith("[") and expected.startswith("["):
            return self._is_subtype(expected[1:-1], actual[1:-1])
        if actual.startswith("[") or expected.startswith("["):
            return False
        parent = self.subgraph.types.get(expected)
        child = self.subgraph.types.get(actual)
        if parent is None or child is None:
            return False
        if parent.kind == Kind.UNION:
            return actual in parent.members
        return parent.kind == Kind.INTERFACE and expected in child.interfaces

    def _check_input_value(
        self, typedef: TypeDef, value: InputValue, coordinate: str, *, input_field: bool = False
    ) -> None:
        what = "input field" if input_field else "argument"
        if value.is_required and value.has("deprecated"):
            label = "Required input field" if input_field else "Required argument"
            self.error(f"{label} {coordinate} cannot be deprecated.", typedef, value.name)
        if value.default is not None and not self._valid(value.default, value.type):
            self.error(
                f"Invalid default value (got: {print_value(value.default)}) provided for {what} "
                f"{coordinate} of type {value.type}.",
                typedef,
                value.name,
            )

    def _valid(self, value: ValueNode, type_ref: str) -> bool:
        if isinstance(value, NullValueNode):
            return not type_ref.endswith("!")
        type_ref = type_ref.removesuffix("!")
        if type_ref.startswith("["):
            item = type_ref[1:-1]
            if isinstance(value, ListValueNode):
                return all(self._valid(v, item) for v in value.values)
            return self._valid(value, item)
        name = base_type(type_ref)
        typedef = self.subgraph.types.get(name)
        if name in BUILT_IN_SCALARS:
            return _valid_scalar(value, name)
        if typedef is None or typedef.kind == Kind.SCALAR:
            return True
        if typedef.kind == Kind.ENUM:
            return isinstance(value, EnumValueNode) and value.value in typedef.values
        if typedef.kind == Kind.INPUT and isinstance(value, ObjectValueNode):
            given = {f.name.value: f.value for f in value.fields}
            if any(n not in typedef.input_fields for n in given):
                return False
            # Like Apollo's check: given fields must fit; missing required ones are not flagged.
            return all(self._valid(v, typedef.input_fields[n].type) for n, v in given.items())
        return False


def _valid_scalar(value: ValueNode, name: str) -> bool:
    if name == "Int":
        return isinstance(value, IntValueNode)
    if name == "Float":
        return isinstance(value, IntValueNode | FloatValueNode)
    if name == "Boolean":
        return isinstance(value, BooleanValueNode)
    if name == "ID":
        return isinstance(value, StringValueNode | IntValueNode)
    return isinstance(value, StringValueNode)
