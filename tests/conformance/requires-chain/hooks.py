"""tax: gross = price + 10%; menu: label shows gross."""

from typing import Any


def gross(dish: dict[str, Any], _: Any) -> int:
    return int(dish["price"] * 11 // 10)


def label(dish: dict[str, Any], _: Any) -> str:
    return f"{dish['id']}: {dish['gross']}k"


RESOLVERS = {"tax": {"Dish.gross": gross}, "menu": {"Dish.label": label}}
