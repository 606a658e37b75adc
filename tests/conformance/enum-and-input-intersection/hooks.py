"""Both root fields filter their rows by the input object and the mood."""

from typing import Any


def _select(rows: list[dict[str, Any]], args: dict[str, Any]) -> list[dict[str, Any]]:
    limit = (args.get("filter") or {}).get("maxPrice")
    return [
        row
        for row in rows
        if (limit is None or row["price"] <= limit) and args.get("mood") in (None, row["mood"])
    ]


def dishes(_: Any, info: Any, **args: Any) -> list[dict[str, Any]]:
    return _select(info.context["rows"]("Dish"), args)


def drinks(_: Any, info: Any, **args: Any) -> list[dict[str, Any]]:
    return _select(info.context["rows"]("Drink"), args)


RESOLVERS = {"food": {"Query.dishes": dishes}, "drinks": {"Query.drinks": drinks}}
