"""Russian-Friendly partners and their vouchers, for the rf subgraph's demo seed.

The partners are fictional businesses placed in real cities: each one either sits at an
atlas place (``place_slug``/``place_id`` set, and ``lat``/``lng`` copied from that place)
or has its own coordinates. Prices are in minor units of an ISO-4217 currency
(:data:`MINOR_UNITS` gives each currency's exponent). ``build.py`` assigns every id,
resolves atlas references to atlas demo ids and rewrites the files in canonical form,
so a seed never needs the atlas data and reloading is idempotent.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from typing import ClassVar, Final, Literal, TypeVar

from pydantic import ConfigDict, TypeAdapter

__all__ = [
    "MINOR_UNITS",
    "NAMESPACE",
    "PartnerCategory",
    "PartnerRow",
    "PartnerStatus",
    "ServiceRow",
    "VoucherRow",
    "demo_id",
    "load_partners",
    "load_vouchers",
    "service_id",
]

NAMESPACE: Final = uuid.UUID("6f1c1c9e-2f4b-5d0a-9b7e-0a5e1a7a0003")
"""uuid5 namespace of every rf demo id."""

MINOR_UNITS: Final[Mapping[str, int]] = {
    "BND": 2,
    "IDR": 2,
    "LAK": 2,
    "MMK": 2,
    "MYR": 2,
    "PHP": 2,
    "SGD": 2,
    "THB": 2,
    "USD": 2,
    "VND": 0,
}
"""ISO-4217 exponent of every currency the demo prices use (1 THB = 100 minor units)."""

PartnerCategory = Literal[
    "RESTAURANT",
    "CAFE",
    "TOURS",
    "TRANSPORT",
    "MEDICAL",
    "EDUCATION",
    "SPA",
    "SHOP",
    "SERVICES",
    "REAL_ESTATE",
    "COWORKING",
]
PartnerStatus = Literal["PENDING", "VERIFIED", "SUSPENDED"]

_STRICT: Final = ConfigDict(extra="forbid", strict=True)
_Row = TypeVar("_Row")


def demo_id(kind: str, slug: str) -> uuid.UUID:
    """The stable id of the demo row of ``kind`` (``partner``, ``voucher``) named ``slug``."""
    return uuid.uuid5(NAMESPACE, f"{kind}:{slug}")


def service_id(partner_slug: str, title_ru: str) -> uuid.UUID:
    """The stable id of a partner's service, keyed by its title (services have no slug)."""
    return demo_id("service", f"{partner_slug}/{title_ru}")


@dataclass(frozen=True, slots=True, kw_only=True)
class ServiceRow:
    """A priced service; ``price_minor`` is in minor units of ``currency``."""

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    id: uuid.UUID
    title_ru: str
    price_minor: int
    currency: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PartnerRow:
    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    id: uuid.UUID
    slug: str
    name: str
    category: PartnerCategory
    status: PartnerStatus
    city_slug: str
    city_id: uuid.UUID
    place_slug: str | None
    place_id: uuid.UUID | None
    lat: float
    lng: float
    russian_speaking_staff: bool
    description_ru: str
    services: tuple[ServiceRow, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class VoucherRow:
    """A voucher bought with points, usable ``validity_days`` after purchase."""

    __pydantic_config__: ClassVar[ConfigDict] = _STRICT

    id: uuid.UUID
    slug: str
    partner_slug: str
    partner_id: uuid.UUID
    title_ru: str
    description_ru: str
    price_points: int
    stock: int
    validity_days: int


def _read(name: str, adapter: TypeAdapter[tuple[_Row, ...]]) -> list[_Row]:
    return list(adapter.validate_json(files(__name__).joinpath(name).read_bytes()))


def load_partners() -> list[PartnerRow]:
    return _read("partners.json", TypeAdapter(tuple[PartnerRow, ...]))


def load_vouchers() -> list[VoucherRow]:
    return _read("vouchers.json", TypeAdapter(tuple[VoucherRow, ...]))
