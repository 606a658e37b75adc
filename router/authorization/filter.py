"""Remove what the caller may not see from the operation, before it is planned.

`requirements_of` lists the distinct requirements an operation touches (cached per
document); when the caller fails some of them, `filter_operation` rewrites the operation
without the denied fields and fragments and records, as a tree of `Node`s following the
response's shape, where each removal sits. `restore.py` then puts a `null` and an error
at each of those positions in the response. Nothing denied is ever sent to a subgraph.

Rules (Apollo Router's): a field is removed when its own requirement, its return type's
or (on an interface) an implementation's field requirement is denied; a fragment (inline
or named) on a denied type is removed, its fields counting as removed for objects of that
type. A selection set left empty keeps its object with an internal `__typename` (so the
parent stays and its removed children come back `null`); an operation left empty is not
planned at all. Where a removal only applies to some runtime types of an abstract
position, the rewritten selection asks for `__typename` under the alias `TYPENAME_KEY`,
which `restore` reads and drops. Fragment definitions are rewritten once each, however
many times they are spread.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from graphql import (
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    NameNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    get_named_type,
    is_abstract_type,
    print_ast,
)

from router.authorization.requirements import AuthorizationIndex, Requirement

__all__ = [
    "TYPENAME_KEY",
    "Entry",
    "Filtered",
    "Node",
    "filter_operation",
    "requirements_of",
    "select_operation",
]

TYPENAME_KEY = "_authz__typename"
_TYPENAME_FIELD = FieldNode(alias=NameNode(value=TYPENAME_KEY), name=NameNode(value="__typename"))


@dataclass(frozen=True, slots=True)
class Entry:
    """A response key under which something was removed: here (`node` None) or deeper."""

    key: str
    type: GraphQLOutputType
    conditions: tuple[str, ...]  # type conditions the runtime type must meet
    directives: tuple[DirectiveNode, ...]  # @skip / @include on the way to the key
    node: Node | None

    def under(self, condition: str | None, directives: tuple[DirectiveNode, ...]) -> Entry:
        conditions = self.conditions if condition is None else (condition, *self.conditions)
        return replace(self, conditions=conditions, directives=(*directives, *self.directives))


@dataclass(slots=True)
class Node:
    entries: list[Entry]
    order: tuple[str, ...]  # the response keys the client asked for here, in order
    static_type: str | None  # the position's object type; None when abstract
    typename: bool = False  # the rewritten selection carries TYPENAME_KEY


@dataclass(frozen=True, slots=True)
class Filtered:
    document: DocumentNode | None  # None: nothing left to plan
    query: str  # the rewritten operation, printed (its plan-cache key)
    root: Node


@dataclass(slots=True)
class _Part:
    """A filtered selection set: what stays, what was removed beneath, the keys asked."""

    selections: tuple[SelectionNode, ...]
    entries: list[Entry] = field(default_factory=list)
    order: list[str] = field(default_factory=list)


def select_operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name is None:
        return operations[0] if len(operations) == 1 else None
    return next((o for o in operations if o.name is not None and o.name.value == name), None)


def _fragments(document: DocumentNode) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}


def _root_type(schema: GraphQLSchema, operation: OperationDefinitionNode) -> GraphQLObjectType:
    root = schema.get_root_type(operation.operation)
    assert root is not None
    return root


def requirements_of(
    schema: GraphQLSchema,
    index: AuthorizationIndex,
    document: DocumentNode,
    operation_name: str | None,
) -> frozenset[Requirement]:
    """The distinct requirements the operation's selections touch (one linear pass)."""
    operation = select_operation(document, operation_name)
    if operation is None:
        return frozenset()
    fragments = _fragments(document)
    found: set[Requirement] = set()
    seen: set[str] = set()
    pending: list[tuple[SelectionSetNode, GraphQLNamedType]] = [
        (operation.selection_set, _root_type(schema, operation))
    ]
    while pending:
        selection_set, parent = pending.pop()
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__") or not isinstance(
                    parent, GraphQLObjectType | GraphQLInterfaceType
                ):
                    continue
                requirement = index.field(parent.name, name)
                if requirement is not None:
                    found.add(requirement)
                if selection.selection_set is not None:
                    child = get_named_type(parent.fields[name].type)
                    pending.append((selection.selection_set, child))
                continue
            if isinstance(selection, InlineFragmentNode):
                inner, condition = selection.selection_set, selection.type_condition
            else:
                assert isinstance(selection, FragmentSpreadNode)
                if selection.name.value in seen:
                    continue
                seen.add(selection.name.value)
                fragment = fragments[selection.name.value]
                inner, condition = fragment.selection_set, fragment.type_condition
            target = parent if condition is None else schema.get_type(condition.name.value)
            assert target is not None
            requirement = index.type(target.name)
            if requirement is not None:
                found.add(requirement)
            pending.append((inner, target))
    return frozenset(found)


class _Filter:
    def __init__(
        self,
        schema: GraphQLSchema,
        index: AuthorizationIndex,
        denied: frozenset[Requirement],
        fragments: dict[str, FragmentDefinitionNode],
    ) -> None:
        self.schema = schema
        self.index = index
        self.denied = denied
        self.fragments = fragments
        self.memo: dict[str, _Part] = {}

    def denies(self, requirement: Requirement | None) -> bool:
        return requirement is not None and requirement in self.denied

    def selection_set(self, selection_set: SelectionSetNode, parent: GraphQLNamedType) -> _Part:
        part = _Part(selections=())
        kept: list[SelectionNode] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                self._field(selection, parent, part, kept)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = parent if condition is None else self._type(condition.name.value)
                inner = self._fragment_body(selection.selection_set, target)
                narrowing = None if condition is None else target.name
                self._splice(inner, narrowing, tuple(selection.directives or ()), part)
                if not inner.entries:
                    kept.append(selection)
                elif inner.selections:
                    new_set = SelectionSetNode(selections=inner.selections)
                    kept.append(replace(selection, selection_set=new_set))
            else:
                assert isinstance(selection, FragmentSpreadNode)
                inner = self._named_fragment(selection.name.value)
                target_name = self.fragments[selection.name.value].type_condition.name.value
                self._splice(inner, target_name, tuple(selection.directives or ()), part)
                if inner.selections:
                    kept.append(selection)  # the definition itself is rewritten
        part.selections = tuple(kept)
        return part

    def _type(self, name: str) -> GraphQLNamedType:
        found = self.schema.get_type(name)
        assert found is not None
        return found

    def _field(
        self, selection: FieldNode, parent: GraphQLNamedType, part: _Part, kept: list[SelectionNode]
    ) -> None:
        key = (selection.alias or selection.name).value
        part.order.append(key)
        name = selection.name.value
        if name.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            kept.append(selection)
            return
        definition = parent.fields[name]
        directives = tuple(selection.directives or ())
        if self.denies(self.index.field(parent.name, name)):
            part.entries.append(Entry(key, definition.type, (), directives, None))
            return
        if selection.selection_set is None:
            kept.append(selection)
            return
        child_type = get_named_type(definition.type)
        inner = self.selection_set(selection.selection_set, child_type)
        if not inner.entries:
            kept.append(selection)
            return
        typename = not inner.selections or (
            is_abstract_type(child_type) and any(e.conditions for e in inner.entries)
        )
        selections = (*inner.selections, _TYPENAME_FIELD) if typename else inner.selections
        kept.append(replace(selection, selection_set=SelectionSetNode(selections=selections)))
        node = Node(
            entries=inner.entries,
            order=tuple(inner.order),
            static_type=None if is_abstract_type(child_type) else child_type.name,
            typename=typename,
        )
        part.entries.append(Entry(key, definition.type, (), directives, node))

    def _fragment_body(self, selection_set: SelectionSetNode, target: GraphQLNamedType) -> _Part:
        if self.denies(self.index.type(target.name)):
            removed = _Part(selections=())
            self._remove_all(selection_set, target, (), removed)
            return removed
        return self.selection_set(selection_set, target)

    def _named_fragment(self, name: str) -> _Part:
        found = self.memo.get(name)
        if found is None:
            fragment = self.fragments[name]
            target = self._type(fragment.type_condition.name.value)
            found = self.memo[name] = self._fragment_body(fragment.selection_set, target)
        return found

    @staticmethod
    def _splice(
        inner: _Part, condition: str | None, directives: tuple[DirectiveNode, ...], part: _Part
    ) -> None:
        part.order.extend(inner.order)
        part.entries.extend(entry.under(condition, directives) for entry in inner.entries)

    def _remove_all(
        self,
        selection_set: SelectionSetNode,
        target: GraphQLNamedType,
        directives: tuple[DirectiveNode, ...],
        removed: _Part,
    ) -> None:
        """Every field of a fragment on a denied type, as removals under that type."""
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                name = selection.name.value
                key = (selection.alias or selection.name).value
                removed.order.append(key)
                if name.startswith("__") or not isinstance(
                    target, GraphQLObjectType | GraphQLInterfaceType
                ):
                    continue
                own = (*directives, *(selection.directives or ()))
                removed.entries.append(
                    Entry(key, target.fields[name].type, (target.name,), own, None)
                )
                continue
            if isinstance(selection, InlineFragmentNode):
                inner_set, condition = selection.selection_set, selection.type_condition
            else:
                assert isinstance(selection, FragmentSpreadNode)
                fragment = self.fragments[selection.name.value]
                inner_set, condition = fragment.selection_set, fragment.type_condition
            inner_target = target if condition is None else self._type(condition.name.value)
            own = (*directives, *(selection.directives or ()))
            self._remove_all(inner_set, inner_target, own, removed)

    def definitions(self) -> Iterable[FragmentDefinitionNode]:
        for name, fragment in self.fragments.items():
            part = self.memo.get(name)
            if part is None or not part.entries:
                yield fragment
            elif part.selections:
                yield replace(fragment, selection_set=SelectionSetNode(selections=part.selections))


def filter_operation(
    schema: GraphQLSchema,
    index: AuthorizationIndex,
    document: DocumentNode,
    operation_name: str | None,
    denied: frozenset[Requirement],
) -> Filtered:
    """The operation without what `denied` forbids, and where the removals sit."""
    operation = select_operation(document, operation_name)
    assert operation is not None
    walker = _Filter(schema, index, denied, _fragments(document))
    root_type = _root_type(schema, operation)
    part = walker.selection_set(operation.selection_set, root_type)
    root = Node(entries=part.entries, order=tuple(part.order), static_type=root_type.name)
    if not part.selections:
        return Filtered(document=None, query="", root=root)
    new_operation = replace(operation, selection_set=SelectionSetNode(selections=part.selections))
    filtered = DocumentNode(definitions=(new_operation, *walker.definitions()))
    return Filtered(document=filtered, query=print_ast(filtered), root=root)
