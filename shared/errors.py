"""Domain errors shared by every subgraph.

Services raise these; `shared.error_mapping` turns them into GraphQL errors with a stable
`extensions.code` (the one place that does so). Anything else that escapes a resolver is
masked as INTERNAL_SERVER_ERROR.

    DomainError                     (abstract; never raised directly)
     ├── BadUserInput               BAD_USER_INPUT  (+ extensions.fields)
     ├── Unauthenticated            UNAUTHENTICATED
     ├── Forbidden                  FORBIDDEN
     ├── NotFound                   NOT_FOUND
     ├── Conflict                   CONFLICT
     └── RateLimited                RATE_LIMITED

A subgraph refines a code by subclassing, e.g. `class EmailTaken(Conflict): code = "EMAIL_TAKEN"`.
This module depends on the standard library only (the router imports it via shared.identity).
"""

# The GraphQL error catalogue names these (NotFound, Forbidden, ...); an "Error" suffix adds noise.
# ruff: noqa: N818

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

__all__ = [
    "BadUserInput",
    "Conflict",
    "DomainError",
    "Forbidden",
    "NotFound",
    "RateLimited",
    "Unauthenticated",
]


class DomainError(Exception):
    """An expected failure whose message is safe to show to the client."""

    code: ClassVar[str] = "INTERNAL_SERVER_ERROR"
    default_message: ClassVar[str] = "Request failed."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)

    def extensions(self) -> dict[str, object]:
        """The `extensions` object sent to the client."""
        return {"code": self.code}


class BadUserInput(DomainError):
    """One or more input fields are invalid; `fields` maps each field to what is wrong."""

    code = "BAD_USER_INPUT"
    default_message = "Invalid input."

    def __init__(self, fields: Mapping[str, str], message: str | None = None) -> None:
        self.fields = dict(fields)
        super().__init__(message or f"Invalid input: {', '.join(sorted(self.fields))}.")

    def extensions(self) -> dict[str, object]:
        return {"code": self.code, "fields": dict(self.fields)}


class Unauthenticated(DomainError):
    code = "UNAUTHENTICATED"
    default_message = "Authentication required."


class Forbidden(DomainError):
    code = "FORBIDDEN"
    default_message = "Not allowed."


class NotFound(DomainError):
    code = "NOT_FOUND"
    default_message = "Not found."


class Conflict(DomainError):
    code = "CONFLICT"
    default_message = "Conflicting state."


class RateLimited(DomainError):
    code = "RATE_LIMITED"
    default_message = "Too many requests."
