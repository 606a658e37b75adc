"""Tables of the rf (Russian Friendly) subgraph, all in Postgres schema `rf`.

Places, cities and owners belong to other subgraphs: stored as their ids, never as
foreign keys.
"""

from __future__ import annotations

import enum
import uuid
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    Double,
    Enum,
    ForeignKey,
    Index,
    Integer,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import make_metadata

__all__ = [
    "SCHEMA",
    "Base",
    "Partner",
    "PartnerCategory",
    "PartnerService",
    "PartnerStatus",
    "PurchaseStatus",
    "Voucher",
    "VoucherPurchase",
    "metadata",
]

SCHEMA = "rf"
metadata = make_metadata(SCHEMA)


class PartnerCategory(enum.StrEnum):
    RESTAURANT = "RESTAURANT"
    CAFE = "CAFE"
    TOURS = "TOURS"
    TRANSPORT = "TRANSPORT"
    MEDICAL = "MEDICAL"
    EDUCATION = "EDUCATION"
    SPA = "SPA"
    SHOP = "SHOP"
    SERVICES = "SERVICES"
    REAL_ESTATE = "REAL_ESTATE"
    COWORKING = "COWORKING"


class PartnerStatus(enum.StrEnum):
    PENDING = "PENDING"
    VERIFIED = "VERIFIED"
    SUSPENDED = "SUSPENDED"


class PurchaseStatus(enum.StrEnum):
    REQUESTED = "REQUESTED"
    CONFIRMED = "CONFIRMED"
    FAILED = "FAILED"


def _enum(kind: type[enum.StrEnum], name: str) -> Enum:
    return Enum(
        kind,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=16,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )


class Base(DeclarativeBase):
    metadata = metadata


class Partner(Base):
    __tablename__ = "partners"
    __table_args__ = (
        Index("ix_partners_created_at_id", "created_at", "id"),
        # A place hosts at most one partner (`Place.rfPartner` is singular).
        Index(
            "uq_partners_place_id",
            "place_id",
            unique=True,
            postgresql_where=text("place_id IS NOT NULL"),
        ),
        CheckConstraint("lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180", name="location"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(Text)
    category: Mapped[PartnerCategory] = mapped_column(_enum(PartnerCategory, "partner_category"))
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[PartnerStatus] = mapped_column(
        _enum(PartnerStatus, "partner_status"), index=True
    )
    #: The users-subgraph account that applied and manages the partner.
    owner_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    #: Atlas `Place` / `City` ids.
    place_id: Mapped[str | None] = mapped_column(Text)
    city_id: Mapped[str | None] = mapped_column(Text, index=True)
    lat: Mapped[float] = mapped_column(Double)
    lng: Mapped[float] = mapped_column(Double)
    russian_speaking_staff: Mapped[bool] = mapped_column(Boolean)
    status_reason: Mapped[str | None] = mapped_column(Text)
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class PartnerService(Base):
    """A priced service a partner offers; `price_minor` in minor units of `currency`."""

    __tablename__ = "partner_services"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey(Partner.id, ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(Text)
    price_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(Text)
    position: Mapped[int] = mapped_column(Integer)


class Voucher(Base):
    """Sold for points between `valid_from` and `valid_until` (open-ended when null); usable
    `usable_days` after purchase."""

    __tablename__ = "vouchers"
    __table_args__ = (
        Index("ix_vouchers_partner_id_created_at", "partner_id", "created_at"),
        CheckConstraint("price_points > 0", name="price_points_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
        CheckConstraint("usable_days > 0", name="usable_days_positive"),
        CheckConstraint("valid_until IS NULL OR valid_until > valid_from", name="validity"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(Partner.id, ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    price_points: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer)
    usable_days: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    valid_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class VoucherPurchase(Base):
    """A purchase saga: REQUESTED (stock held) -> CONFIRMED when points were spent, or
    FAILED (stock returned) when they could not be."""

    __tablename__ = "voucher_purchases"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    voucher_id: Mapped[uuid.UUID] = mapped_column(ForeignKey(Voucher.id), index=True)
    buyer_id: Mapped[uuid.UUID] = mapped_column(Uuid, index=True)
    price_points: Mapped[int] = mapped_column(Integer)
    status: Mapped[PurchaseStatus] = mapped_column(_enum(PurchaseStatus, "purchase_status"))
    failure_reason: Mapped[str | None] = mapped_column(Text)
    requested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
