"""weather: a hotel is rainy when its city's forecast is mist or rain."""

from typing import Any

FORECAST = {"SAP": "mist", "MNE": "sun"}


def rainy(hotel: dict[str, Any], _: Any) -> bool:
    return FORECAST[hotel["city"]["code"]] in {"mist", "rain"}


RESOLVERS = {"weather": {"Hotel.rainy": rainy}}
