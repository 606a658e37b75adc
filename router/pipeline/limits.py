"""Stage: operation limits (Apollo's `limits`), measured before validation and planning.

One linear pass over the selected operation measures, with fragments expanded:

- depth: the deepest field nesting (a root field is at depth 1),
- height: field selections, counting a fragment's fields each time it is spread,
- aliases: aliased field selections, counted the same way,
- root fields: field selections of the root selection set (through root fragments).

Each fragment definition is measured once and its figures reused at every spread, so a
"fragment bomb" (fragments spreading each other twice, 30 levels deep) costs 30 steps and
measures 2**30: the pass is linear in the document, not in its expansion. It runs before
validation on purpose: graphql-core's overlapping-fields rule is quadratic in the number of
fields, so an alias bomb must be refused before it gets there. A fragment cycle is refused
here too (validation would refuse it later, at a higher price).

Refusals carry their own code and `extensions.limit` {name, max, measured}:
`MAX_DEPTH_LIMIT`, `MAX_HEIGHT_LIMIT`, `MAX_ALIASES_LIMIT`, `MAX_ROOT_FIELDS_LIMIT`.
Measurements are cached by (document text, operation name): the same text always
measures the same. `MAX_TOKENS_LIMIT` (parse) and `PAYLOAD_TOO_LARGE` (HTTP body, 413)
are the other two limits, enforced where the text and the body are read.
"""

from __future__ import annotations

from dataclasses import dataclass

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

from router.config import LimitsConfig
from router.pipeline.cache import LruCache
from router.pipeline.chain import Handler
from router.pipeline.context import GraphQLResponse, RequestContext
from router.pipeline.errors import GRAPHQL_VALIDATION_FAILED, RequestError

__all__ = [
    "MAX_ALIASES_LIMIT",
    "MAX_DEPTH_LIMIT",
    "MAX_HEIGHT_LIMIT",
    "MAX_ROOT_FIELDS_LIMIT",
    "MAX_TOKENS_LIMIT",
    "Measurement",
    "OperationLimits",
    "measure",
]

MAX_DEPTH_LIMIT = "MAX_DEPTH_LIMIT"
MAX_HEIGHT_LIMIT = "MAX_HEIGHT_LIMIT"
MAX_ALIASES_LIMIT = "MAX_ALIASES_LIMIT"
MAX_ROOT_FIELDS_LIMIT = "MAX_ROOT_FIELDS_LIMIT"
MAX_TOKENS_LIMIT = "MAX_TOKENS_LIMIT"


# Spreads nested inside spreads: far beyond any real document, and a bound on recursion.
MAX_FRAGMENT_NESTING = 100


class UnmeasurableError(Exception):
    """A fragment spreads itself, or fragments nest beyond `MAX_FRAGMENT_NESTING`."""


@dataclass(frozen=True, slots=True)
class Measurement:
    """What a selection set weighs; `fields` are its own top-level field selections."""

    depth: int = 0
    height: int = 0
    aliases: int = 0
    fields: int = 0


_EMPTY = Measurement()


class _Measurer:
    def __init__(self, document: DocumentNode) -> None:
        self.fragments = {
            definition.name.value: definition
            for definition in document.definitions
            if isinstance(definition, FragmentDefinitionNode)
        }
        self.done: dict[str, Measurement] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, selection_set: SelectionSetNode | None) -> Measurement:
        if selection_set is None:
            return _EMPTY
        depth = height = aliases = fields = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                inner = self.selection_set(selection.selection_set)
                depth = max(depth, inner.depth + 1)
                height += inner.height + 1
                aliases += inner.aliases + (selection.alias is not None)
                fields += 1
                continue
            if isinstance(selection, InlineFragmentNode):
                inner = self.selection_set(selection.selection_set)
            else:
                assert isinstance(selection, FragmentSpreadNode)
                inner = self.fragment(selection.name.value)
            depth = max(depth, inner.depth)
            height += inner.height
            aliases += inner.aliases
            fields += inner.fields
        return Measurement(depth=depth, height=height, aliases=aliases, fields=fields)

    def fragment(self, name: str) -> Measurement:
        found = self.done.get(name)
        if found is not None:
            return found
        definition = self.fragments.get(name)
        if definition is None:
            return _EMPTY  # unknown fragment: validation reports it
        if name in self.in_progress:
            raise UnmeasurableError(f"Cannot spread fragment '{name}' within itself.")
        if len(self.in_progress) >= MAX_FRAGMENT_NESTING:
            raise UnmeasurableError(f"Fragments nest more than {MAX_FRAGMENT_NESTING} deep.")
        self.in_progress.add(name)
        measured = self.selection_set(definition.selection_set)
        self.in_progress.discard(name)
        self.done[name] = measured
        return measured


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


def measure(document: DocumentNode, operation_name: str | None) -> Measurement:
    """The operation's figures; `_EMPTY` when the operation cannot be selected (reported later).

    Raises `UnmeasurableError` when a fragment spreads itself (directly or not) or when
    fragments nest deeper than `MAX_FRAGMENT_NESTING`.
    """
    operation = _operation(document, operation_name)
    if operation is None:
        return _EMPTY
    return _Measurer(document).selection_set(operation.selection_set)


def _refusal(code: str, name: str, maximum: int, measured: int, what: str) -> RequestError:
    return RequestError.single(
        f"Operation exceeds the {what} limit: {measured} > {maximum}",
        code=code,
        extensions={"limit": {"name": name, "max": maximum, "measured": measured}},
    )


class OperationLimits:
    """Refuse operations deeper, higher, more aliased or wider at the root than configured."""

    def __init__(self, config: LimitsConfig, *, cache_size: int = 1024) -> None:
        self._checks = [
            (MAX_DEPTH_LIMIT, "max_depth", config.max_depth, "depth"),
            (MAX_HEIGHT_LIMIT, "max_height", config.max_height, "height"),
            (MAX_ALIASES_LIMIT, "max_aliases", config.max_aliases, "aliases"),
            (MAX_ROOT_FIELDS_LIMIT, "max_root_fields", config.max_root_fields, "root fields"),
        ]
        self._cache: LruCache[tuple[str, str | None], Measurement] = LruCache(cache_size)

    @staticmethod
    def enabled(config: LimitsConfig) -> bool:
        limits = (config.max_depth, config.max_height, config.max_aliases, config.max_root_fields)
        return any(limit is not None for limit in limits)

    def check(self, measured: Measurement) -> None:
        values = (measured.depth, measured.height, measured.aliases, measured.fields)
        for (code, name, maximum, what), value in zip(self._checks, values, strict=True):
            if maximum is not None and value > maximum:
                raise _refusal(code, name, maximum, value, what)

    async def __call__(self, ctx: RequestContext, call_next: Handler) -> GraphQLResponse:
        assert ctx.document is not None
        assert ctx.request is not None
        key = (ctx.query, ctx.request.operation_name)
        measured = self._cache.get(key)
        if measured is None:
            try:
                measured = measure(ctx.document, ctx.request.operation_name)
            except UnmeasurableError as error:
                raise RequestError.single(str(error), code=GRAPHQL_VALIDATION_FAILED) from None
            self._cache.put(key, measured)
        self.check(measured)
        return await call_next(ctx)
