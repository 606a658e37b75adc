"""What every pre-merge check shares: the subgraph, its metadata and the errors found."""

from __future__ import annotations

from router.composition.errors import CompositionError
from router.composition.metadata import Metadata
from router.composition.model import Field, TypeDef
from router.composition.subgraph import Subgraph


class Abort(Exception):  # noqa: N818 - control flow, never escapes the validate package
    """Apollo stops validating a subgraph at some errors (a misplaced `@provides`)."""


class Checker:
    def __init__(self, subgraph: Subgraph, meta: Metadata) -> None:
        self.subgraph = subgraph
        self.meta = meta
        self.errors: list[CompositionError] = []

    def error(
        self, code: str, message: str, typedef: TypeDef, field_def: Field | None = None
    ) -> None:
        self.errors.append(
            CompositionError(
                code,
                f"[{self.subgraph.name}] {message}",
                subgraph=self.subgraph.name,
                type=typedef.name,
                field=field_def.name if field_def else None,
            )
        )
