"""Postgres advisory-lock keys, derived from readable names."""

from __future__ import annotations

import hashlib

from sqlalchemy import text
from sqlalchemy.sql.elements import TextClause

__all__ = ["advisory_key", "advisory_xact_lock"]


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (pg advisory locks take a bigint)."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def advisory_xact_lock(name: str) -> tuple[TextClause, dict[str, int]]:
    """Statement and parameters taking a lock held until the transaction ends."""
    return text("SELECT pg_advisory_xact_lock(:key)"), {"key": advisory_key(name)}
