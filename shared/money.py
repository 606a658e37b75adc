"""`Money { amount currency }`: an amount in minor units of an ISO-4217 currency."""

from __future__ import annotations

import re

import strawberry

__all__ = ["Money", "clean_currency"]

_CURRENCY = re.compile(r"^[A-Z]{3}$")


@strawberry.federation.type(
    shareable=True,
    description="`amount` in minor units of `currency` (ISO 4217): 25000 THB = 250.00 baht.",
)
class Money:
    amount: int
    currency: str


def clean_currency(value: str) -> str:
    """An ISO-4217 alphabetic code such as `THB` (three upper-case letters)."""
    code = value.strip().upper()
    if not _CURRENCY.fullmatch(code):
        raise ValueError("must be a three-letter ISO 4217 code such as 'THB'")
    return code
