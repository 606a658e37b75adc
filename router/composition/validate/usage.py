"""Where `@shareable`, `@cost` and `@listSize` may be applied (Apollo's rules and codes)."""

from __future__ import annotations

from graphql import value_from_ast_untyped

from router.composition.model import Directive, Field, Kind, TypeDef, base_type, is_list
from router.composition.validate.checker import Checker


def check_shareable_usage(checker: Checker) -> None:
    for typedef in checker.subgraph.types.values():
        if typedef.kind == Kind.OBJECT:
            for in_extension in (False, True):
                group = [d for d in typedef.applied("shareable") if d.in_extension == in_extension]
                if len(group) > 1:
                    _duplicate(checker, typedef, None)
            for field_def in typedef.fields.values():
                if len(field_def.applied("shareable")) > 1:
                    _duplicate(checker, typedef, field_def)
        elif typedef.kind == Kind.INTERFACE:
            for field_def in typedef.fields.values():
                if field_def.has("shareable"):
                    checker.error(
                        "INVALID_SHAREABLE_USAGE",
                        f'Invalid use of @shareable on field "{field_def.coordinate}": only '
                        "object type fields can be marked with @shareable",
                        typedef,
                        field_def,
                    )


def _duplicate(checker: Checker, typedef: TypeDef, field_def: Field | None) -> None:
    element = (
        f'field "{field_def.coordinate}"'
        if field_def
        else f'the same type declaration of "{typedef.name}"'
    )
    checker.error(
        "INVALID_SHAREABLE_USAGE",
        f"Invalid duplicate application of @shareable on {element}: @shareable is only "
        "repeatable on types so it can be used simultaneously on a type definition and its "
        "extensions, but it should not be duplicated on the same definition/extension "
        "declaration",
        typedef,
        field_def,
    )


def check_cost_and_list_size(checker: Checker) -> None:
    for typedef in checker.subgraph.types.values():
        for field_def in typedef.fields.values():
            if typedef.kind == Kind.INTERFACE and field_def.has("cost"):
                checker.error(
                    "COST_APPLIED_TO_INTERFACE_FIELD",
                    f'@cost cannot be applied to interface "{field_def.coordinate}"',
                    typedef,
                    field_def,
                )
            for list_size in field_def.applied("listSize"):
                _check_list_size(checker, typedef, field_def, list_size)


def _check_list_size(
    checker: Checker, typedef: TypeDef, field_def: Field, list_size: Directive
) -> None:
    args = {k: value_from_ast_untyped(v) for k, v in list_size.args.items()}
    sized_fields = args.get("sizedFields") or []
    coordinate = field_def.coordinate
    if not sized_fields and not is_list(field_def.type):
        checker.error(
            "LIST_SIZE_APPLIED_TO_NON_LIST", f'"{coordinate}" is not a list', typedef, field_def
        )
    assumed = args.get("assumedSize")
    if isinstance(assumed, int) and assumed < 0:
        checker.error(
            "LIST_SIZE_INVALID_ASSUMED_SIZE",
            f'Assumed size of "{coordinate}" cannot be negative',
            typedef,
            field_def,
        )
    for name in args.get("slicingArguments") or []:
        argument = field_def.args.get(name)
        if argument is None:
            message = f'Slicing argument "{name}" is not an argument of "{coordinate}"'
        elif argument.type not in ("Int", "Int!"):
            message = f'Slicing argument "{coordinate}({name}:)" must be Int or Int!'
        else:
            continue
        checker.error("LIST_SIZE_INVALID_SLICING_ARGUMENT", message, typedef, field_def)
    if sized_fields:
        _check_sized_fields(checker, typedef, field_def, sized_fields)


def _check_sized_fields(
    checker: Checker, typedef: TypeDef, field_def: Field, sized_fields: list[str]
) -> None:
    target = checker.subgraph.types.get(base_type(field_def.type))
    if target is None or not target.is_composite:
        checker.error(
            "LIST_SIZE_INVALID_SIZED_FIELD",
            f'Sized fields cannot be used because "{field_def.type}" is not a composite type',
            typedef,
            field_def,
        )
        return
    for name in sized_fields:
        sized = target.fields.get(name)
        if sized is None:
            checker.error(
                "LIST_SIZE_INVALID_SIZED_FIELD",
                f'Sized field "{name}" is not a field on type "{target.name}"',
                typedef,
                field_def,
            )
        elif not is_list(sized.type):
            checker.error(
                "LIST_SIZE_APPLIED_TO_NON_LIST",
                f'Sized field "{sized.coordinate}" is not a list',
                typedef,
                field_def,
            )
