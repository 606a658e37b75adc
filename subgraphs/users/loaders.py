"""Per-request DataLoaders: every `User` reference in a request is fetched in one query."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiodataloader import DataLoader

from shared.db import SessionFactory
from subgraphs.users import service
from subgraphs.users.models import User

__all__ = ["UsersLoaders"]


@dataclass(frozen=True, slots=True)
class UsersLoaders:
    user_by_id: DataLoader[str, User | None]

    @classmethod
    def build(cls, sessions: SessionFactory) -> UsersLoaders:
        async def load_users(ids: Sequence[str]) -> list[User | None]:
            async with sessions() as session:
                return await service.load_users(session, ids)

        loader: Any = DataLoader(batch_load_fn=load_users)
        return cls(user_by_id=loader)
