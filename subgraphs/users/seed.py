"""Demo accounts (docs/configuration.md lists them). Run once by `python -m shared.seed users`."""

from __future__ import annotations

import uuid
from typing import Final

from sqlalchemy.ext.asyncio import AsyncSession

from shared.identity import Role
from subgraphs.users.passwords import PasswordHasher
from subgraphs.users.service import EmailTaken, create_user

#: v2: deterministic ids and the PRO editor. A database seeded by v1 keeps its accounts
#: (random ids) and gains the missing ones.
SEED_VERSION = 2

DEMO_NAMESPACE: Final = uuid.UUID("6f1c1c9e-2f4b-5d0a-9b7e-0a5e1a7a0000")
"""uuid5 namespace of the demo accounts' ids (other subgraphs' demo data refers to them)."""

DEMO_PASSWORD = "go2asia-demo"  # noqa: S105 - public demo credentials, documented
DEMO_ACCOUNTS: tuple[tuple[str, str, Role, str], ...] = (
    ("admin@go2asia.dev", "Demo Admin", Role.ADMIN, "ru"),
    ("anna@go2asia.dev", "Анна", Role.USER, "ru"),
    ("vip@go2asia.dev", "Victor VIP", Role.VIP, "ru"),
    ("partner@go2asia.dev", "Pho Partner", Role.PARTNER, "en"),
    ("editor@go2asia.dev", "Ольга Редактор", Role.PRO, "ru"),
)


def demo_user_id(email: str) -> uuid.UUID:
    """The stable id of the demo account with `email` (the media and rf seeds use it)."""
    return uuid.uuid5(DEMO_NAMESPACE, f"user:{email}")


async def seed(session: AsyncSession) -> None:
    hasher = PasswordHasher(time_cost=2, memory_cost_kib=19456, parallelism=1)
    password_hash = await hasher.hash(DEMO_PASSWORD)
    for email, display_name, role, locale in DEMO_ACCOUNTS:
        try:
            await create_user(
                session,
                email=email,
                password_hash=password_hash,
                display_name=display_name,
                locale=locale,
                role=role,
                user_id=demo_user_id(email),
            )
        except EmailTaken:
            continue  # seeded by v1 (insert-or-nothing: the transaction is unharmed)
