"""shipping computes shippingCost = weight * 10 + size from the required dimensions."""

from typing import Any


def shipping_cost(parcel: dict[str, Any], _: Any) -> int:
    dimensions = parcel["dimensions"]
    return int(dimensions["weight"] * 10 + dimensions["size"])


RESOLVERS = {"shipping": {"Parcel.shippingCost": shipping_cost}}
