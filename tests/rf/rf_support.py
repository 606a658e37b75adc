"""GraphQL documents and helpers for the rf subgraph tests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from subgraph_support import gql

PARTNER_FIELDS = """
id name category description status statusReason russianSpeakingStaff verifiedAt
location { lat lng } place { id } city { id } owner { id }
services { title price { amount currency } }
"""
APPLY = f"""
mutation Apply($input: ApplyAsPartnerInput!) {{
  applyAsPartner(input: $input) {{ partner {{ {PARTNER_FIELDS} }} }}
}}
"""
VERIFY = """
mutation Verify($input: VerifyPartnerInput!) {
  verifyPartner(input: $input) { partner { id status verifiedAt } }
}
"""
SUSPEND = """
mutation Suspend($input: SuspendPartnerInput!) {
  suspendPartner(input: $input) { partner { id status statusReason } }
}
"""
PARTNER = f"query Partner($id: ID!) {{ partner(id: $id) {{ {PARTNER_FIELDS} }} }}"
PARTNERS = """
query Partners($first: Int!, $after: String, $filter: PartnerFilter) {
  partners(first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { id name status } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
VOUCHER_FIELDS = "id title description pricePoints stock usableDays validFrom validUntil"
CREATE_VOUCHER = f"""
mutation CreateVoucher($input: CreateVoucherInput!) {{
  createVoucher(input: $input) {{ voucher {{ {VOUCHER_FIELDS} partner {{ id }} }} }}
}}
"""
UPDATE_VOUCHER = f"""
mutation UpdateVoucher($input: UpdateVoucherInput!) {{
  updateVoucher(input: $input) {{ voucher {{ {VOUCHER_FIELDS} }} }}
}}
"""
PARTNER_VOUCHERS = """
query Vouchers($id: ID!, $first: Int!, $after: String) {
  partner(id: $id) {
    vouchers(first: $first, after: $after) {
      totalCount
      edges { cursor node { id title pricePoints } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
PLACE_ENTITIES = """
query Places($representations: [_Any!]!) {
  _entities(representations: $representations) {
    ... on Place {
      id
      rfPartner {
        id name status
        services { title }
        vouchers(first: 2) { totalCount edges { node { title pricePoints } } }
      }
    }
  }
}
"""


def new_id() -> str:
    return str(uuid.uuid4())


def application(**overrides: Any) -> dict[str, Any]:
    """A valid ApplyAsPartnerInput (at its own fresh place), with `overrides` applied."""
    values: dict[str, Any] = {
        "name": "Кафе «Самовар»",
        "category": "CAFE",
        "description": "Блины и чай на пляже.",
        "location": {"lat": 12.93, "lng": 100.88},
        "russianSpeakingStaff": True,
        "placeId": new_id(),
        "cityId": new_id(),
        "services": [{"title": "Блины", "priceMinor": 15000, "currency": "THB"}],
    }
    return values | overrides


def voucher_input(partner_id: str, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "partnerId": partner_id,
        "title": "Чай в подарок",
        "description": "Подходит для любого заказа.",
        "pricePoints": 100,
        "stock": 10,
        "usableDays": 30,
    }
    return values | overrides


async def apply(
    client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any
) -> dict[str, Any]:
    body = await gql(client, APPLY, {"input": application(**overrides)}, headers)
    assert "errors" not in body, body
    partner: dict[str, Any] = body["data"]["applyAsPartner"]["partner"]
    return partner


async def verify(client: httpx.AsyncClient, admin: dict[str, str], partner_id: str) -> None:
    body = await gql(client, VERIFY, {"input": {"id": partner_id}}, admin)
    assert "errors" not in body, body


async def create_voucher(
    client: httpx.AsyncClient, headers: dict[str, str], partner_id: str, **overrides: Any
) -> dict[str, Any]:
    body = await gql(
        client, CREATE_VOUCHER, {"input": voucher_input(partner_id, **overrides)}, headers
    )
    assert "errors" not in body, body
    voucher: dict[str, Any] = body["data"]["createVoucher"]["voucher"]
    return voucher
