"""addToCart answers the new line; the product is a reference the products subgraph completes."""

from typing import Any


def add_to_cart(_: Any, info: Any, upc: str, quantity: int) -> dict[str, Any]:
    info.context["state"].log.append(f"{upc}x{quantity}")
    return {"quantity": quantity, "product": {"upc": upc}}


RESOLVERS = {"cart": {"Mutation.addToCart": add_to_cart}}
