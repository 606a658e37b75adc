"""`@context` names and `@fromContext` arguments (federation 2.8), with Apollo's codes."""

from __future__ import annotations

import re

from graphql.language import FieldNode

from router.composition.contexts import parse_context, selection_body
from router.composition.fieldsets import Problem, parse_field_set, walk
from router.composition.model import Field, InputValue, Kind, TypeDef
from router.composition.validate.checker import Checker

_NAME = re.compile(r"^[A-Za-z]\w*$")


def context_locations(checker: Checker) -> dict[str, list[TypeDef]]:
    locations: dict[str, list[TypeDef]] = {}
    for typedef in checker.subgraph.types.values():
        for directive in typedef.applied("context"):
            locations.setdefault(directive.string("name") or "", []).append(typedef)
    return locations


def check_contexts(checker: Checker) -> None:
    locations = context_locations(checker)
    for name, types in locations.items():
        if "_" in name:
            checker.error(
                "CONTEXT_NAME_INVALID",
                f'Context name "{name}" may not contain an underscore.',
                types[0],
            )
        elif not _NAME.match(name):
            checker.error(
                "CONTEXT_NAME_INVALID",
                f'Context name "{name}" is invalid. It should have only alphanumeric characters.',
                types[0],
            )
    for typedef in checker.subgraph.types.values():
        for field_def in typedef.fields.values():
            for arg in field_def.args.values():
                if arg.has("fromContext"):
                    _check_argument(checker, typedef, field_def, arg, locations)


def _check_argument(
    checker: Checker,
    typedef: TypeDef,
    field_def: Field,
    arg: InputValue,
    locations: dict[str, list[TypeDef]],
) -> None:
    coordinate = f"{field_def.coordinate}({arg.name}:)"
    if typedef.kind != Kind.OBJECT:
        checker.error(
            "CONTEXT_NOT_SET",
            f"@fromContext argument cannot be used on a field that exists on an abstract type "
            f'"{coordinate}".',
            typedef,
            field_def,
        )
        return
    for interface in typedef.interfaces:
        declared = checker.subgraph.types.get(interface)
        if declared is not None and field_def.name in declared.fields:
            checker.error(
                "CONTEXT_NOT_SET",
                "@fromContext argument cannot be used on a field implementing an interface field "
                f'"{interface}.{field_def.name}".',
                typedef,
                field_def,
            )
    if arg.default is not None:
        checker.error(
            "CONTEXT_NOT_SET",
            f'@fromContext arguments may not have a default value: "{coordinate}".',
            typedef,
            field_def,
        )
    directive = arg.first("fromContext")
    value = (directive.string("field") if directive else None) or ""
    context, selection = parse_context(value)
    if context is None or selection is None:
        checker.error(
            "NO_CONTEXT_IN_SELECTION",
            f'@fromContext argument does not reference a context "{value}".',
            typedef,
            field_def,
        )
    elif context not in locations:
        checker.error(
            "CONTEXT_NOT_SET",
            f'Context "{context}" is used at location "{coordinate}" but is never set.',
            typedef,
            field_def,
        )
    else:
        for problem in _selection_problems(checker, selection, locations[context]):
            checker.error(
                "CONTEXT_INVALID_SELECTION",
                f'Context "{context}" is used in "{coordinate}" but the selection is invalid: '
                f"{problem}",
                typedef,
                field_def,
            )
    if not any(k.boolean("resolvable", default=True) for k in typedef.applied("key")):
        checker.error(
            "CONTEXT_NO_RESOLVABLE_KEY",
            f'Object "{typedef.name}" has no resolvable key but has a field with a contextual '
            "argument.",
            typedef,
        )


def _selection_problems(checker: Checker, selection: str, locations: list[TypeDef]) -> list[str]:
    """What is wrong with a context selection, once per type setting the context."""
    parsed = parse_field_set(selection_body(selection))
    if parsed is None or not parsed.selections:
        return ["no selection is made"]
    fields = [s for s in parsed.selections if isinstance(s, FieldNode)]
    if len(fields) > 1 or (fields and len(parsed.selections) > 1):
        return ["multiple selections are made"]
    problems = []
    for location in locations:
        problem = next(
            (p for p in walk(checker.subgraph, location, parsed) if isinstance(p, Problem)), None
        )
        if problem is not None:
            problems.append(f"for type {location.name}. Error: {problem.message}")
    return problems
