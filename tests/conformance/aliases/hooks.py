"""reviews(minStars) filters a product's reviews by stars."""

from typing import Any


def reviews(product: dict[str, Any], _: Any, minStars: int) -> list[dict[str, Any]]:  # noqa: N803
    return [review for review in product["all"] if review["stars"] >= minStars]


RESOLVERS = {"reviews": {"Product.reviews": reviews}}
