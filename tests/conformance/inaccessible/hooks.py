"""trips(role) counts a user's trips in a role (fixed figures per user and role)."""

from typing import Any

TRIPS = {("u1", "GUIDE"): 12, ("u2", "ADMIN"): 1}


def trips(user: dict[str, Any], _: Any, role: str | None = None) -> int:
    if role is None:
        return sum(n for (uid, _role), n in TRIPS.items() if uid == user["id"])
    return TRIPS.get((user["id"], role), 0)


RESOLVERS = {"trips": {"User.trips": trips}}
