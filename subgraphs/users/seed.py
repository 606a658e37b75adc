"""Demo accounts (docs/configuration.md lists them). Run once by `python -m shared.seed users`."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from shared.identity import Role
from subgraphs.users.passwords import PasswordHasher
from subgraphs.users.service import create_user

SEED_VERSION = 1

DEMO_PASSWORD = "go2asia-demo"  # noqa: S105 - public demo credentials, documented
DEMO_ACCOUNTS: tuple[tuple[str, str, Role, str], ...] = (
    ("admin@go2asia.dev", "Demo Admin", Role.ADMIN, "ru"),
    ("anna@go2asia.dev", "Анна", Role.USER, "ru"),
    ("vip@go2asia.dev", "Victor VIP", Role.VIP, "ru"),
    ("partner@go2asia.dev", "Pho Partner", Role.PARTNER, "en"),
)


async def seed(session: AsyncSession) -> None:
    hasher = PasswordHasher(time_cost=2, memory_cost_kib=19456, parallelism=1)
    password_hash = await hasher.hash(DEMO_PASSWORD)
    for email, display_name, role, locale in DEMO_ACCOUNTS:
        await create_user(
            session,
            email=email,
            password_hash=password_hash,
            display_name=display_name,
            locale=locale,
            role=role,
        )
