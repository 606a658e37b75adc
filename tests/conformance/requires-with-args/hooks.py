"""prices converts its USD amount (1 USD = 25000 VND); tax adds a client-chosen percentage."""

from typing import Any

RATE = {"USD": 1, "VND": 25000}


def price(tour: dict[str, Any], _: Any, currency: str) -> int:
    return int(tour["usd"] * RATE[currency])


def with_tax(tour: dict[str, Any], _: Any, percent: int) -> int:
    return int(tour["price"] * (100 + percent) // 100)


RESOLVERS = {"prices": {"Tour.price": price}, "tax": {"Tour.withTax": with_tax}}
