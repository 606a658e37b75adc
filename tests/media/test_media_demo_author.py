"""The demo blog's author exists in the users demo data, even in a database seeded before
demo accounts had stable ids (users seed v1)."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlalchemy import insert, select

from shared.db import create_engine, create_session_factory, transaction
from shared.seed import run_seeds
from shared.tables import platform_tables
from subgraphs.media.seed import DEMO_AUTHOR_EMAIL
from subgraphs.users.models import User
from subgraphs.users.seed import DEMO_ACCOUNTS, demo_user_id
from subgraphs.users.service import create_user


async def test_users_seed_v2_adds_the_demo_author_and_keeps_v1_accounts(
    make_database: Callable[..., Awaitable[str]],
) -> None:
    url = await make_database("users")
    engine = create_engine(url, pool_size=1, max_overflow=0)
    sessions = create_session_factory(engine, service="users")
    v1_admin_id = uuid.uuid4()
    try:
        # What users seed v1 left behind: an account with a random id, its history row.
        async with transaction(sessions) as session:
            await create_user(
                session,
                email="admin@go2asia.dev",
                password_hash="v1-hash",
                display_name="Demo Admin",
                user_id=v1_admin_id,
            )
            await session.execute(
                insert(platform_tables("users").seed_history).values(
                    name="subgraphs.users.seed:v1", applied_at=datetime.now(UTC)
                )
            )

        assert await run_seeds(["users"], database_url=url) == {"users": True}

        async with sessions() as session:
            accounts = {user.email: user.id for user in await session.scalars(select(User))}
    finally:
        await engine.dispose()

    assert set(accounts) == {email for email, *_ in DEMO_ACCOUNTS}
    assert accounts["admin@go2asia.dev"] == v1_admin_id
    assert accounts[DEMO_AUTHOR_EMAIL] == demo_user_id(DEMO_AUTHOR_EMAIL)
