"""The e2e harness itself: tokens work through the router, statements are counted."""

from __future__ import annotations

import secrets

from e2e_stack import Stack

from shared.identity import Role

REGISTER = """
mutation Register($input: RegisterInput!) {
  register(input: $input) { user { id role } tokens { accessToken } }
}
"""
ME = "{ me { id role displayName } }"


async def test_user_registered_through_the_router_reads_itself_with_its_token(e2e: Stack) -> None:
    email = f"e2e-{secrets.token_hex(4)}@example.com"
    variables = {"input": {"email": email, "password": "e2e password!", "displayName": "E2E"}}
    registered = (await e2e.gql(REGISTER, variables)).ok()["register"]

    me = (await e2e.gql(ME, token=registered["tokens"]["accessToken"])).ok()["me"]

    assert me == {"id": registered["user"]["id"], "role": "USER", "displayName": "E2E"}


async def test_guest_reading_me_is_refused_by_the_router(e2e: Stack) -> None:
    with e2e.statements("users").capture() as statements:
        result = await e2e.gql(ME)
    assert result.codes == ["UNAUTHORIZED_FIELD_OR_TYPE"]  # `me` is @authenticated
    assert statements == []  # refused before any subgraph was asked


async def test_minted_token_for_unknown_account_is_not_found_and_costs_one_statement(
    e2e: Stack,
) -> None:
    with e2e.statements("users").capture() as statements:
        result = await e2e.gql(ME, token=e2e.token(Role.ADMIN))
    assert result.codes == ["NOT_FOUND"]
    assert len(statements) == 1, statements
