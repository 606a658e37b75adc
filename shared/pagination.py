"""Relay-style connections shared by every subgraph, with opaque keyset cursors."""

from __future__ import annotations

import base64
import binascii
from typing import Generic, TypeVar

import orjson
import strawberry
from strawberry.federation.schema_directives import ListSize

from shared.errors import BadUserInput

__all__ = [
    "CONNECTION_LIST_SIZE",
    "MAX_PAGE_SIZE",
    "Connection",
    "Edge",
    "PageInfo",
    "decode_cursor",
    "encode_cursor",
    "page_size",
]

MAX_PAGE_SIZE = 100

#: `@listSize` for every connection field, so the router's demand control sizes a page by
#: `first`. `first` has a default, so a query may omit it: no slicing argument is required.
CONNECTION_LIST_SIZE = ListSize(
    assumed_size=None,
    slicing_arguments=["first"],
    sized_fields=["edges"],
    require_one_slicing_argument=False,
)
NodeT = TypeVar("NodeT")


@strawberry.federation.type(shareable=True)
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[NodeT]):
    cursor: str
    node: NodeT


@strawberry.type
class Connection(Generic[NodeT]):
    edges: list[Edge[NodeT]]
    page_info: PageInfo
    total_count: int


def encode_cursor(*values: str | int) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values))).decode().rstrip("=")


def decode_cursor(cursor: str, *, field: str = "after") -> list[str | int]:
    """Inverse of encode_cursor; BAD_USER_INPUT on anything else."""
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError) as error:
        raise BadUserInput({field: "not a valid cursor"}) from error
    if not isinstance(values, list) or not all(isinstance(v, str | int) for v in values):
        raise BadUserInput({field: "not a valid cursor"})
    return values


def page_size(first: int, *, field: str = "first") -> int:
    """Validate a `first` argument: 1..MAX_PAGE_SIZE."""
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise BadUserInput({field: f"must be between 1 and {MAX_PAGE_SIZE}"})
    return first
