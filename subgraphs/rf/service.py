"""The rf domain: partner applications and their lifecycle, vouchers.

Every function is async and keyword-only after the session; the caller owns the
transaction. Inputs are validated (every field at once) before anything is written.

Partner lifecycle (ADMIN moves it; anything else is a CONFLICT):

    apply ──> PENDING ──verify──> VERIFIED ──suspend──> SUSPENDED
                 └──────suspend (reject)──────────────────┘  │
              VERIFIED <──────────────verify (reinstate)─────┘

Each verification emits `partner_verified` in the same transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from shared.errors import BadUserInput, Conflict, Forbidden, NotFound
from shared.geo import GeoPointInput, clean_geo_point
from shared.identity import Identity, Role, require_authenticated, require_role
from shared.money import clean_currency
from shared.validation import FieldCheck, clean_text
from subgraphs.rf.access import Viewer
from subgraphs.rf.events import emit_partner_verified
from subgraphs.rf.models import Partner, PartnerCategory, PartnerService, PartnerStatus, Voucher
from subgraphs.rf.queries import parse_uuid

__all__ = [
    "NAME_MAX_LENGTH",
    "VOUCHER_FIELDS",
    "PartnerApplication",
    "PlaceTaken",
    "ServiceOffer",
    "VoucherDraft",
    "apply_as_partner",
    "create_voucher",
    "suspend_partner",
    "update_voucher",
    "verify_partner",
]

NAME_MAX_LENGTH = 120
DESCRIPTION_MAX_LENGTH = 2000
REASON_MAX_LENGTH = 500
MAX_SERVICES = 20
MAX_PRICE_MINOR = 10**12
MAX_PRICE_POINTS = 1_000_000
MAX_STOCK = 1_000_000
MAX_USABLE_DAYS = 365
VOUCHER_FIELDS = frozenset(
    {"title", "description", "price_points", "stock", "usable_days", "valid_from", "valid_until"}
)

_clean_name = clean_text(min_length=1, max_length=NAME_MAX_LENGTH)
_clean_description = clean_text(min_length=0, max_length=DESCRIPTION_MAX_LENGTH)
_clean_reason = clean_text(min_length=1, max_length=REASON_MAX_LENGTH)


class PlaceTaken(Conflict):
    code = "PLACE_TAKEN"
    default_message = "Another partner is already registered at this place."


@dataclass(frozen=True, slots=True)
class ServiceOffer:
    title: str
    price_minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class PartnerApplication:
    name: str
    category: PartnerCategory
    description: str
    location: GeoPointInput
    russian_speaking_staff: bool
    place_id: str | None = None
    city_id: str | None = None
    services: Sequence[ServiceOffer] = ()


@dataclass(frozen=True, slots=True)
class VoucherDraft:
    title: str
    description: str
    price_points: int
    stock: int
    usable_days: int
    valid_from: datetime | None = None
    valid_until: datetime | None = None


def _int_in(low: int, high: int) -> Callable[[int], int]:
    def clean(value: int) -> int:
        if not low <= value <= high:
            raise ValueError(f"must be between {low} and {high}")
        return value

    return clean


def _clean_atlas_id(value: str) -> str:
    parsed = parse_uuid(value.strip())
    if parsed is None:
        raise ValueError("is not a valid id")
    return str(parsed)


def _aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError("must include a time zone")
    return value.astimezone(UTC)


def _clean_services(offers: Sequence[ServiceOffer], check: FieldCheck) -> list[ServiceOffer]:
    if len(offers) > MAX_SERVICES:
        check.errors["services"] = f"must have at most {MAX_SERVICES} items"
        return []
    cleaned = []
    for index, offer in enumerate(offers):
        cleaned.append(
            ServiceOffer(
                title=check(f"services.{index}.title", _clean_name, offer.title),
                price_minor=check(
                    f"services.{index}.priceMinor", _int_in(0, MAX_PRICE_MINOR), offer.price_minor
                ),
                currency=check(f"services.{index}.currency", clean_currency, offer.currency),
            )
        )
    return cleaned


# -- partners -----------------------------------------------------------------------------


async def apply_as_partner(
    session: AsyncSession,
    *,
    identity: Identity,
    application: PartnerApplication,
    status: PartnerStatus = PartnerStatus.PENDING,
    partner_id: uuid.UUID | None = None,
) -> Partner:
    """The caller applies with a business; it starts PENDING. `status` and `partner_id`
    exist for the demo seed only."""
    owner_id = require_authenticated(identity)
    check = FieldCheck()
    name = check("name", _clean_name, application.name)
    description = check("description", _clean_description, application.description)
    location = check("location", clean_geo_point, application.location)
    place_id = (
        None
        if application.place_id is None
        else check("placeId", _clean_atlas_id, application.place_id)
    )
    city_id = (
        None
        if application.city_id is None
        else check("cityId", _clean_atlas_id, application.city_id)
    )
    services = _clean_services(application.services, check)
    check.done()

    now = datetime.now(UTC)
    partner: Partner | None = await session.scalar(
        pg_insert(Partner)
        .values(
            id=partner_id or uuid.uuid4(),
            name=name,
            category=application.category,
            description=description,
            status=status,
            owner_id=uuid.UUID(owner_id),
            place_id=place_id,
            city_id=city_id,
            lat=location.lat,
            lng=location.lng,
            russian_speaking_staff=application.russian_speaking_staff,
            verified_at=now if status is PartnerStatus.VERIFIED else None,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(
            index_elements=[Partner.place_id], index_where=text("place_id IS NOT NULL")
        )
        .returning(Partner)
    )
    if partner is None:
        raise PlaceTaken
    if services:
        await session.execute(
            insert(PartnerService),
            [
                {
                    "id": uuid.uuid4(),
                    "partner_id": partner.id,
                    "title": offer.title,
                    "price_minor": offer.price_minor,
                    "currency": offer.currency,
                    "position": position,
                }
                for position, offer in enumerate(services)
            ],
        )
    return partner


async def _locked_partner(session: AsyncSession, partner_id: str) -> Partner:
    parsed = parse_uuid(partner_id)
    partner = None if parsed is None else await session.get(Partner, parsed, with_for_update=True)
    if partner is None:
        raise NotFound("No such partner.")
    return partner


async def verify_partner(session: AsyncSession, *, identity: Identity, partner_id: str) -> Partner:
    """PENDING or SUSPENDED -> VERIFIED (ADMIN only); emits `partner_verified`."""
    require_role(identity, Role.ADMIN)
    partner = await _locked_partner(session, partner_id)
    if partner.status is PartnerStatus.VERIFIED:
        raise Conflict("The partner is already verified.")
    now = datetime.now(UTC)
    partner.status = PartnerStatus.VERIFIED
    partner.status_reason = None
    partner.verified_at = now
    partner.updated_at = now
    await session.flush()
    await emit_partner_verified(session, partner=partner)
    return partner


async def suspend_partner(
    session: AsyncSession, *, identity: Identity, partner_id: str, reason: str
) -> Partner:
    """PENDING (a rejected application) or VERIFIED -> SUSPENDED (ADMIN only)."""
    require_role(identity, Role.ADMIN)
    check = FieldCheck()
    reason = check("reason", _clean_reason, reason)
    check.done()
    partner = await _locked_partner(session, partner_id)
    if partner.status is PartnerStatus.SUSPENDED:
        raise Conflict("The partner is already suspended.")
    partner.status = PartnerStatus.SUSPENDED
    partner.status_reason = reason
    partner.updated_at = datetime.now(UTC)
    await session.flush()
    return partner


# -- vouchers -----------------------------------------------------------------------------

_VOUCHER_CLEANERS: Mapping[str, tuple[str, Any]] = {
    "title": ("title", _clean_name),
    "description": ("description", clean_text(min_length=0, max_length=1000)),
    "price_points": ("pricePoints", _int_in(1, MAX_PRICE_POINTS)),
    "stock": ("stock", _int_in(0, MAX_STOCK)),
    "usable_days": ("usableDays", _int_in(1, MAX_USABLE_DAYS)),
    "valid_from": ("validFrom", _aware),
    "valid_until": ("validUntil", _aware),
}


def _clean_voucher(changes: Mapping[str, Any], *, nullable: frozenset[str]) -> dict[str, Any]:
    check = FieldCheck()
    cleaned: dict[str, Any] = {}
    for key, value in changes.items():
        field, clean = _VOUCHER_CLEANERS[key]
        if value is None:
            if key not in nullable:
                check.errors[field] = "cannot be null"
            cleaned[key] = None
        else:
            cleaned[key] = check(field, clean, value)
    check.done()
    return cleaned


def _check_validity(valid_from: datetime, valid_until: datetime | None) -> None:
    if valid_until is not None and valid_until <= valid_from:
        raise BadUserInput({"validUntil": "must be after validFrom"})


async def _managed_partner(
    session: AsyncSession, *, identity: Identity, partner_id: str
) -> Partner:
    require_authenticated(identity)
    viewer = Viewer.of(identity)
    parsed = parse_uuid(partner_id)
    partner = None if parsed is None else await session.get(Partner, parsed)
    if partner is None or not viewer.can_see(partner):
        raise NotFound("No such partner.")
    if not viewer.can_manage(partner):
        raise Forbidden("Only the partner's owner or an admin may manage its vouchers.")
    return partner


async def create_voucher(
    session: AsyncSession,
    *,
    identity: Identity,
    partner_id: str,
    draft: VoucherDraft,
    voucher_id: uuid.UUID | None = None,
) -> Voucher:
    """A voucher of the partner (its owner or an ADMIN); on sale from `valid_from` (now by
    default). A suspended partner cannot add vouchers (CONFLICT)."""
    partner = await _managed_partner(session, identity=identity, partner_id=partner_id)
    fields = {name: getattr(draft, name) for name in VOUCHER_FIELDS}
    now = datetime.now(UTC)
    cleaned = _clean_voucher(fields, nullable=frozenset({"valid_from", "valid_until"}))
    valid_from = cleaned["valid_from"] or now
    _check_validity(valid_from, cleaned["valid_until"])
    if partner.status is PartnerStatus.SUSPENDED:
        raise Conflict("A suspended partner cannot add vouchers.")
    voucher = Voucher(
        id=voucher_id or uuid.uuid4(),
        partner_id=partner.id,
        title=cleaned["title"],
        description=cleaned["description"],
        price_points=cleaned["price_points"],
        stock=cleaned["stock"],
        usable_days=cleaned["usable_days"],
        valid_from=valid_from,
        valid_until=cleaned["valid_until"],
        created_at=now,
        updated_at=now,
    )
    session.add(voucher)
    await session.flush()
    return voucher


async def update_voucher(
    session: AsyncSession, *, identity: Identity, voucher_id: str, changes: Mapping[str, Any]
) -> Voucher:
    """Apply `changes` (keys from VOUCHER_FIELDS; None clears `valid_until` only)."""
    unknown = set(changes) - VOUCHER_FIELDS
    if unknown:
        raise ValueError(f"unknown voucher fields {sorted(unknown)}")
    require_authenticated(identity)
    parsed = parse_uuid(voucher_id)
    voucher = None if parsed is None else await session.get(Voucher, parsed, with_for_update=True)
    if voucher is None:
        raise NotFound("No such voucher.")
    await _managed_partner(session, identity=identity, partner_id=str(voucher.partner_id))
    cleaned = _clean_voucher(changes, nullable=frozenset({"valid_until"}))
    _check_validity(
        cleaned.get("valid_from", voucher.valid_from),
        cleaned.get("valid_until", voucher.valid_until),
    )
    for key, value in cleaned.items():
        setattr(voucher, key, value)
    voucher.updated_at = datetime.now(UTC)
    await session.flush()
    return voucher
