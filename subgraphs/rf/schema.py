"""GraphQL surface of the rf subgraph. Resolvers only translate: validation, rules and
persistence live in `service`, reads in `queries` (batched through `loaders`)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated, TypeAlias

import strawberry
from strawberry.federation.schema_directives import Authenticated, Key
from strawberry.federation.types import FieldSet

from shared.context import SubgraphContext
from shared.geo import GeoPoint, GeoPointInput
from shared.identity import require_authenticated
from shared.keyset import connection
from shared.money import Money
from shared.pagination import CONNECTION_LIST_SIZE, Connection
from subgraphs.rf import models, queries, service
from subgraphs.rf.access import Viewer
from subgraphs.rf.loaders import RfLoaders

__all__ = ["Mutation", "PartnerType", "Place", "Query", "VoucherType"]

RfContext: TypeAlias = SubgraphContext[RfLoaders, None]
Info: TypeAlias = strawberry.Info[RfContext, None]

PAGE_DIRECTIVES = [CONNECTION_LIST_SIZE]


def _viewer(info: Info) -> Viewer:
    return Viewer.of(info.context.identity)


# -- references to other subgraphs' entities ----------------------------------------------


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class User:
    """An account of the users subgraph; referenced here by id only."""

    id: strawberry.ID


@strawberry.federation.type(keys=[Key(fields=FieldSet("id"), resolvable=False)])
class City:
    """An atlas city; referenced here by id only."""

    id: strawberry.ID


# -- own types ----------------------------------------------------------------------------


@strawberry.enum(name="PartnerCategory")
class PartnerCategoryType(Enum):
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


@strawberry.enum(name="PartnerStatus")
class PartnerStatusType(Enum):
    PENDING = "PENDING"
    VERIFIED = "VERIFIED"
    SUSPENDED = "SUSPENDED"


@strawberry.type(name="PartnerService", description="A priced service a partner offers.")
class PartnerServiceType:
    id: strawberry.ID
    title: str
    price: Money

    @classmethod
    def from_model(cls, offer: models.PartnerService) -> PartnerServiceType:
        return cls(
            id=strawberry.ID(str(offer.id)),
            title=offer.title,
            price=Money(amount=offer.price_minor, currency=offer.currency),
        )


@strawberry.federation.type(
    keys=["id"],
    name="Voucher",
    description="Bought with points between validFrom and validUntil; usable for usableDays.",
)
class VoucherType:
    id: strawberry.ID
    title: str
    description: str
    price_points: int
    stock: int
    usable_days: int
    valid_from: datetime
    valid_until: datetime | None
    model: strawberry.Private[models.Voucher]

    @strawberry.field
    async def partner(self, info: Info) -> PartnerType:
        partner = await info.context.loaders.partner_by_id.load(str(self.model.partner_id))
        assert partner is not None  # a foreign key; visibility was checked to reach the voucher
        return PartnerType.from_model(partner, viewer=_viewer(info))

    @classmethod
    def from_model(cls, voucher: models.Voucher) -> VoucherType:
        return cls(
            id=strawberry.ID(str(voucher.id)),
            title=voucher.title,
            description=voucher.description,
            price_points=voucher.price_points,
            stock=voucher.stock,
            usable_days=voucher.usable_days,
            valid_from=voucher.valid_from,
            valid_until=voucher.valid_until,
            model=voucher,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> VoucherType | None:  # noqa: A002 - the key field is `id`
        voucher = await info.context.loaders.voucher_by_id.load(str(id))
        if voucher is None:
            return None
        partner = await info.context.loaders.partner_by_id.load(str(voucher.partner_id))
        if partner is None or not _viewer(info).can_see(partner):
            return None
        return cls.from_model(voucher)


async def resolve_partner_vouchers(
    root: PartnerType, info: Info, first: int = 20, after: str | None = None
) -> Connection[VoucherType]:
    page = await info.context.loaders.vouchers_by_partner.load((str(root.id), (first, after)))
    return connection(page, VoucherType.from_model)


@strawberry.federation.type(
    keys=["id"],
    name="Partner",
    description=(
        "A Russian-Friendly business. VERIFIED partners are public; PENDING and SUSPENDED "
        "ones are visible to their owner and admins only."
    ),
)
class PartnerType:
    id: strawberry.ID
    name: str
    category: PartnerCategoryType
    description: str
    status: PartnerStatusType
    location: GeoPoint
    russian_speaking_staff: bool
    status_reason: str | None = strawberry.field(
        description="Why it was suspended (owner and admins only)."
    )
    verified_at: datetime | None
    created_at: datetime
    model: strawberry.Private[models.Partner]
    vouchers: Connection[VoucherType] = strawberry.field(
        resolver=resolve_partner_vouchers,
        directives=PAGE_DIRECTIVES,
        description="On-sale and upcoming vouchers, cheapest first. `first` is 1..100.",
    )

    @strawberry.field
    async def services(self, info: Info) -> list[PartnerServiceType]:
        offers = await info.context.loaders.services_by_partner.load(self.model.id)
        return [PartnerServiceType.from_model(offer) for offer in offers]

    @strawberry.field
    def place(self) -> Place | None:
        return Place(id=strawberry.ID(self.model.place_id)) if self.model.place_id else None

    @strawberry.field
    def city(self) -> City | None:
        return City(id=strawberry.ID(self.model.city_id)) if self.model.city_id else None

    @strawberry.field
    def owner(self, info: Info) -> User | None:
        """The account managing the partner (owner and admins only)."""
        if not _viewer(info).can_manage(self.model):
            return None
        return User(id=strawberry.ID(str(self.model.owner_id)))

    @classmethod
    def from_model(cls, partner: models.Partner, *, viewer: Viewer) -> PartnerType:
        return cls(
            id=strawberry.ID(str(partner.id)),
            name=partner.name,
            category=PartnerCategoryType(partner.category.value),
            description=partner.description,
            status=PartnerStatusType(partner.status.value),
            location=GeoPoint(lat=partner.lat, lng=partner.lng),
            russian_speaking_staff=partner.russian_speaking_staff,
            status_reason=partner.status_reason if viewer.can_manage(partner) else None,
            verified_at=partner.verified_at,
            created_at=partner.created_at,
            model=partner,
        )

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> PartnerType | None:  # noqa: A002 - the key field is `id`
        partner = await info.context.loaders.partner_by_id.load(str(id))
        viewer = _viewer(info)
        if partner is None or not viewer.can_see(partner):
            return None
        return cls.from_model(partner, viewer=viewer)


async def resolve_place_rf_partner(root: Place, info: Info) -> PartnerType | None:
    partner = await info.context.loaders.partner_by_place.load(str(root.id))
    return None if partner is None else PartnerType.from_model(partner, viewer=_viewer(info))


@strawberry.federation.type(keys=["id"])
class Place:
    """An atlas place; rf adds the verified Russian-Friendly partner located there."""

    id: strawberry.ID
    rf_partner: PartnerType | None = strawberry.field(
        resolver=resolve_place_rf_partner,
        description="The VERIFIED partner at this place, if any.",
    )

    @classmethod
    def resolve_reference(cls, id: strawberry.ID) -> Place:  # noqa: A002 - the key field is `id`
        return cls(id=id)


# -- queries ------------------------------------------------------------------------------


@strawberry.input
class PartnerFilter:
    category: PartnerCategoryType | None = None
    city_id: strawberry.ID | None = None
    status: PartnerStatusType | None = strawberry.field(
        default=None, description="Non-VERIFIED statuses list only what the caller may see."
    )
    russian_speaking_staff: bool | None = None

    def to_query(self) -> queries.PartnerFilter:
        return queries.PartnerFilter(
            category=None if self.category is None else models.PartnerCategory(self.category.value),
            city_id=None if self.city_id is None else str(self.city_id),
            status=None if self.status is None else models.PartnerStatus(self.status.value),
            russian_speaking_staff=self.russian_speaking_staff,
        )


async def resolve_partner(info: Info, id: strawberry.ID) -> PartnerType | None:  # noqa: A002 - GraphQL argument
    return await PartnerType.resolve_reference(info, id)


async def resolve_partners(
    info: Info,
    first: int = 20,
    after: str | None = None,
    filter_: Annotated[PartnerFilter | None, strawberry.argument(name="filter")] = None,
) -> Connection[PartnerType]:
    viewer = _viewer(info)
    where = filter_.to_query() if filter_ is not None else queries.PartnerFilter()
    async with info.context.transaction() as session:
        page = await queries.list_partners(
            session, viewer=viewer, where=where, first=first, after=after
        )
    return connection(page, lambda partner: PartnerType.from_model(partner, viewer=viewer))


async def resolve_my_partners(info: Info) -> list[PartnerType]:
    owner_id = require_authenticated(info.context.identity)
    async with info.context.transaction() as session:
        partners = await queries.partners_of(session, owner_id=owner_id)
    viewer = _viewer(info)
    return [PartnerType.from_model(partner, viewer=viewer) for partner in partners]


@strawberry.input
class VoucherFilter:
    city_id: strawberry.ID | None = None
    partner_id: strawberry.ID | None = None
    max_price_points: int | None = None

    def to_query(self) -> queries.VoucherFilter:
        return queries.VoucherFilter(
            city_id=None if self.city_id is None else str(self.city_id),
            partner_id=None if self.partner_id is None else str(self.partner_id),
            max_price_points=self.max_price_points,
        )


async def resolve_vouchers(
    info: Info,
    first: int = 20,
    after: str | None = None,
    filter_: Annotated[VoucherFilter | None, strawberry.argument(name="filter")] = None,
) -> Connection[VoucherType]:
    where = filter_.to_query() if filter_ is not None else queries.VoucherFilter()
    async with info.context.transaction() as session:
        page = await queries.list_vouchers(session, where=where, first=first, after=after)
    return connection(page, VoucherType.from_model)


async def resolve_voucher(info: Info, id: strawberry.ID) -> VoucherType | None:  # noqa: A002 - GraphQL argument
    return await VoucherType.resolve_reference(info, id)


@strawberry.type
class Query:
    partner: PartnerType | None = strawberry.field(
        resolver=resolve_partner, description="Null when absent or not visible to the caller."
    )
    partners: Connection[PartnerType] = strawberry.field(
        resolver=resolve_partners,
        directives=PAGE_DIRECTIVES,
        description="Partners the caller may see, newest first. `first` is 1..100.",
    )
    my_partners: list[PartnerType] = strawberry.field(
        resolver=resolve_my_partners,
        directives=[Authenticated()],
        description="The partners the caller applied for, in any status.",
    )
    voucher: VoucherType | None = strawberry.field(resolver=resolve_voucher)
    vouchers: Connection[VoucherType] = strawberry.field(
        resolver=resolve_vouchers,
        directives=PAGE_DIRECTIVES,
        description=(
            "On-sale and upcoming vouchers of verified partners, cheapest first. `first` is 1..100."
        ),
    )


# -- mutations ----------------------------------------------------------------------------

InputArg = strawberry.argument(name="input")


@strawberry.input
class PartnerServiceInput:
    title: str = strawberry.field(description=f"1 to {service.NAME_MAX_LENGTH} characters.")
    price_minor: int = strawberry.field(description="In minor units of `currency`.")
    currency: str = strawberry.field(description="ISO 4217, e.g. THB.")


@strawberry.input
class ApplyAsPartnerInput:
    name: str = strawberry.field(description=f"1 to {service.NAME_MAX_LENGTH} characters.")
    category: PartnerCategoryType
    description: str = strawberry.field(
        description=f"At most {service.DESCRIPTION_MAX_LENGTH} characters."
    )
    location: GeoPointInput
    russian_speaking_staff: bool
    place_id: strawberry.ID | None = strawberry.field(
        default=None, description="The atlas place the business is at (one partner per place)."
    )
    city_id: strawberry.ID | None = None
    services: list[PartnerServiceInput] = strawberry.field(
        default_factory=list, description=f"At most {service.MAX_SERVICES}."
    )


@strawberry.type
class ApplyAsPartnerPayload:
    partner: PartnerType


@strawberry.input
class VerifyPartnerInput:
    id: strawberry.ID


@strawberry.type
class VerifyPartnerPayload:
    partner: PartnerType


@strawberry.input
class SuspendPartnerInput:
    id: strawberry.ID
    reason: str = strawberry.field(description=f"1 to {service.REASON_MAX_LENGTH} characters.")


@strawberry.type
class SuspendPartnerPayload:
    partner: PartnerType


@strawberry.input
class CreateVoucherInput:
    partner_id: strawberry.ID
    title: str = strawberry.field(description=f"1 to {service.NAME_MAX_LENGTH} characters.")
    description: str = strawberry.field(description="At most 1000 characters.")
    price_points: int = strawberry.field(description=f"1 to {service.MAX_PRICE_POINTS}.")
    stock: int = strawberry.field(description=f"0 to {service.MAX_STOCK}.")
    usable_days: int = strawberry.field(
        description=f"Days a bought voucher stays usable, 1 to {service.MAX_USABLE_DAYS}."
    )
    valid_from: datetime | None = strawberry.field(default=None, description="Now when omitted.")
    valid_until: datetime | None = strawberry.field(default=None, description="Open-ended if null.")


@strawberry.type
class CreateVoucherPayload:
    voucher: VoucherType


@strawberry.input(description="Omitted fields stay as they are; null clears `validUntil`.")
class UpdateVoucherInput:
    id: strawberry.ID
    title: str | None = strawberry.UNSET
    description: str | None = strawberry.UNSET
    price_points: int | None = strawberry.UNSET
    stock: int | None = strawberry.UNSET
    usable_days: int | None = strawberry.UNSET
    valid_from: datetime | None = strawberry.UNSET
    valid_until: datetime | None = strawberry.UNSET


@strawberry.type
class UpdateVoucherPayload:
    voucher: VoucherType


async def resolve_apply_as_partner(
    info: Info, input_: Annotated[ApplyAsPartnerInput, InputArg]
) -> ApplyAsPartnerPayload:
    application = service.PartnerApplication(
        name=input_.name,
        category=models.PartnerCategory(input_.category.value),
        description=input_.description,
        location=input_.location,
        russian_speaking_staff=input_.russian_speaking_staff,
        place_id=None if input_.place_id is None else str(input_.place_id),
        city_id=None if input_.city_id is None else str(input_.city_id),
        services=[
            service.ServiceOffer(title=s.title, price_minor=s.price_minor, currency=s.currency)
            for s in input_.services
        ],
    )
    async with info.context.transaction() as session:
        partner = await service.apply_as_partner(
            session, identity=info.context.identity, application=application
        )
    return ApplyAsPartnerPayload(partner=PartnerType.from_model(partner, viewer=_viewer(info)))


async def resolve_verify_partner(
    info: Info, input_: Annotated[VerifyPartnerInput, InputArg]
) -> VerifyPartnerPayload:
    async with info.context.transaction() as session:
        partner = await service.verify_partner(
            session, identity=info.context.identity, partner_id=str(input_.id)
        )
    return VerifyPartnerPayload(partner=PartnerType.from_model(partner, viewer=_viewer(info)))


async def resolve_suspend_partner(
    info: Info, input_: Annotated[SuspendPartnerInput, InputArg]
) -> SuspendPartnerPayload:
    async with info.context.transaction() as session:
        partner = await service.suspend_partner(
            session, identity=info.context.identity, partner_id=str(input_.id), reason=input_.reason
        )
    return SuspendPartnerPayload(partner=PartnerType.from_model(partner, viewer=_viewer(info)))


async def resolve_create_voucher(
    info: Info, input_: Annotated[CreateVoucherInput, InputArg]
) -> CreateVoucherPayload:
    draft = service.VoucherDraft(
        title=input_.title,
        description=input_.description,
        price_points=input_.price_points,
        stock=input_.stock,
        usable_days=input_.usable_days,
        valid_from=input_.valid_from,
        valid_until=input_.valid_until,
    )
    async with info.context.transaction() as session:
        voucher = await service.create_voucher(
            session, identity=info.context.identity, partner_id=str(input_.partner_id), draft=draft
        )
    return CreateVoucherPayload(voucher=VoucherType.from_model(voucher))


async def resolve_update_voucher(
    info: Info, input_: Annotated[UpdateVoucherInput, InputArg]
) -> UpdateVoucherPayload:
    changes = {
        name: value
        for name in service.VOUCHER_FIELDS
        if (value := getattr(input_, name)) is not strawberry.UNSET
    }
    async with info.context.transaction() as session:
        voucher = await service.update_voucher(
            session, identity=info.context.identity, voucher_id=str(input_.id), changes=changes
        )
    return UpdateVoucherPayload(voucher=VoucherType.from_model(voucher))


@strawberry.type
class Mutation:
    apply_as_partner: ApplyAsPartnerPayload = strawberry.mutation(
        resolver=resolve_apply_as_partner,
        directives=[Authenticated()],
        description="The caller applies with a business; it starts PENDING.",
    )
    verify_partner: VerifyPartnerPayload = strawberry.mutation(
        resolver=resolve_verify_partner,
        directives=[Authenticated()],
        description="ADMIN: PENDING or SUSPENDED -> VERIFIED; emits partner_verified.",
    )
    suspend_partner: SuspendPartnerPayload = strawberry.mutation(
        resolver=resolve_suspend_partner,
        directives=[Authenticated()],
        description="ADMIN: PENDING (rejected) or VERIFIED -> SUSPENDED.",
    )
    create_voucher: CreateVoucherPayload = strawberry.mutation(
        resolver=resolve_create_voucher,
        directives=[Authenticated()],
        description="The partner's owner or an ADMIN adds a voucher.",
    )
    update_voucher: UpdateVoucherPayload = strawberry.mutation(
        resolver=resolve_update_voucher,
        directives=[Authenticated()],
        description="The partner's owner or an ADMIN changes a voucher.",
    )
