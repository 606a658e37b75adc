"""products: topProducts(first); inventory: shippingEstimate from the required price and weight
(free above 1000, else half the weight)."""

from typing import Any


def top_products(_: Any, info: Any, first: int) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = info.context["rows"]("Product")
    return rows[:first]


def shipping_estimate(product: dict[str, Any], _: Any) -> int:
    return 0 if product["price"] > 1000 else int(product["weight"] // 2)


RESOLVERS = {
    "products": {"Query.topProducts": top_products},
    "inventory": {"Product.shippingEstimate": shipping_estimate},
}
