"""What the users subgraph emits and consumes.

Emits `user_registered` (v1) in the registering transaction; consumes nothing (the
registry is empty, as shared.events.topology routes no events to `users`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from shared.events import ConsumerRegistry, emit
from subgraphs.users.models import User

__all__ = ["USER_REGISTERED", "consumers", "emit_user_registered"]

USER_REGISTERED = "user_registered"

consumers = ConsumerRegistry()


async def emit_user_registered(
    session: AsyncSession, *, user: User, referral_code: str | None
) -> None:
    """Payload v1: userId, displayName, locale, role, referralCode (the code the new user
    signed up with, if any, for `connect`), registeredAt. No email: consumers that need it
    ask the graph, where visibility rules apply."""
    payload: dict[str, Any] = {
        "userId": str(user.id),
        "displayName": user.display_name,
        "locale": user.locale,
        "role": user.role.value,
        "referralCode": referral_code,
        "registeredAt": user.created_at.isoformat(),
    }
    await emit(session, USER_REGISTERED, payload, version=1)
