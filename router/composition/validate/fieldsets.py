"""`@key`, `@requires` and `@provides`: their field sets must fit the subgraph's types.

Codes are Apollo's, prefixed by the directive: `KEY_INVALID_FIELDS`, `REQUIRES_FIELDS_HAS_ARGS`,
`PROVIDES_FIELDS_MISSING_EXTERNAL`, `KEY_FIELDS_SELECT_INVALID_TYPE`, ...
"""

from __future__ import annotations

from graphql.language import SelectionSetNode, StringValueNode, print_ast

from router.composition.fieldsets import Problem, Target, parse_field_set, walk
from router.composition.model import Directive, Field, Kind, TypeDef, base_type
from router.composition.validate.checker import Abort, Checker

_PROBLEM_CODES = {"has_args": "FIELDS_HAS_ARGS", "directive": "DIRECTIVE_IN_FIELDS_ARG"}


def check_keys(checker: Checker) -> None:
    for typedef in checker.subgraph.types.values():
        for key in typedef.applied("key"):
            if typedef.kind == Kind.INTERFACE and checker.subgraph.version < (2, 3):
                checker.error(
                    "KEY_UNSUPPORTED_ON_INTERFACE",
                    f'Cannot use @key on interface "{typedef.name}": @key is not yet supported '
                    "on interfaces",
                    typedef,
                )
                continue
            _check_field_set(checker, typedef, None, key, typedef, allow_args=False)


def check_requires_and_provides(checker: Checker) -> None:
    for typedef in checker.subgraph.types.values():
        for field_def in typedef.fields.values():
            for requires in field_def.applied("requires"):
                _check_field_set(checker, typedef, field_def, requires, typedef, allow_args=True)
            for provides in field_def.applied("provides"):
                _check_provides(checker, typedef, field_def, provides)


def _check_provides(
    checker: Checker, typedef: TypeDef, field_def: Field, provides: Directive
) -> None:
    if checker.meta.is_external(typedef, field_def):
        checker.error(
            "EXTERNAL_COLLISION_WITH_ANOTHER_DIRECTIVE",
            f'Cannot have both @provides and @external on field "{field_def.coordinate}"',
            typedef,
            field_def,
        )
        raise Abort
    target = checker.subgraph.type(base_type(field_def.type))
    if target is None or not target.is_composite:
        checker.error(
            "PROVIDES_ON_NON_OBJECT_FIELD",
            f'Invalid @provides directive on field "{field_def.coordinate}": field has type '
            f'"{field_def.type}" which is not a Composite Type',
            typedef,
            field_def,
        )
        raise Abort
    _check_field_set(checker, typedef, field_def, provides, target, allow_args=False)


def _check_field_set(
    checker: Checker,
    typedef: TypeDef,
    field_def: Field | None,
    directive: Directive,
    parent: TypeDef,
    *,
    allow_args: bool,
) -> None:
    prefix = directive.name.upper()
    where = f'On field "{field_def.coordinate}"' if field_def else f'On type "{typedef.name}"'
    where += f", for {_printed(directive)}"
    value = directive.args.get("fields")
    if not isinstance(value, StringValueNode):
        checker.error(
            f"{prefix}_INVALID_FIELDS_TYPE",
            f'{where}: Invalid value for argument "fields": must be a string.',
            typedef,
            field_def,
        )
        return
    selection = parse_field_set(value.value)
    if selection is None:
        checker.error(f"{prefix}_INVALID_FIELDS", f"{where}: Syntax error.", typedef, field_def)
        return
    items = list(walk(checker.subgraph, parent, selection))
    for item in items:
        if isinstance(item, Problem):
            if item.kind == "has_args" and allow_args:
                continue
            code = _PROBLEM_CODES.get(item.kind, "INVALID_FIELDS")
            checker.error(f"{prefix}_{code}", f"{where}: {item.message}", typedef, field_def)
    targets = [t for t in items if isinstance(t, Target)]
    if directive.name == "key":
        _check_key_targets(checker, typedef, where, targets)
    else:
        _check_external_targets(checker, typedef, field_def, targets, prefix=prefix, where=where)


def _check_key_targets(
    checker: Checker, typedef: TypeDef, where: str, targets: list[Target]
) -> None:
    for target in targets:
        definition = target.parent.fields[target.name]
        target_type = checker.subgraph.type(base_type(definition.type))
        if target_type is not None and target_type.kind in (Kind.UNION, Kind.INTERFACE):
            kind = "Union" if target_type.kind == Kind.UNION else "Interface"
            checker.error(
                "KEY_FIELDS_SELECT_INVALID_TYPE",
                f'{where}: field "{definition.coordinate}" is a {kind} type which is not '
                "allowed in @key",
                typedef,
            )


def _check_external_targets(
    checker: Checker,
    typedef: TypeDef,
    field_def: Field | None,
    targets: list[Target],
    *,
    prefix: str,
    where: str,
) -> None:
    """Leaves of `@requires`/`@provides` must be external (or under an external field)."""
    for target in targets:
        definition = target.parent.fields[target.name]
        is_external = checker.meta.is_external(target.parent, definition)
        if (
            target.selection.selection_set is None
            and not is_external
            and not _has_external_parent(checker, target, targets)
        ):
            checker.error(
                f"{prefix}_FIELDS_MISSING_EXTERNAL",
                f'{where}: field "{definition.coordinate}" should not be part of a '
                f"@{prefix.lower()} since it is already provided by this subgraph (it is not "
                "marked @external)",
                typedef,
                field_def,
            )


def _has_external_parent(checker: Checker, target: Target, targets: list[Target]) -> bool:
    for other in targets:
        selection = other.selection.selection_set
        if selection is None or other is target:
            continue
        if _contains(selection, target.selection):
            definition = other.parent.fields[other.name]
            if checker.meta.is_external(other.parent, definition):
                return True
    return False


def _printed(directive: Directive) -> str:
    args = ", ".join(f"{name}: {print_ast(value)}" for name, value in directive.args.items())
    return f"@{directive.name}({args})"


def _contains(selection: SelectionSetNode, node: object) -> bool:
    for child in selection.selections:
        if child is node:
            return True
        nested = getattr(child, "selection_set", None)
        if nested is not None and _contains(nested, node):
            return True
    return False
