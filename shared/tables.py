"""Tables every subgraph has in its own schema, next to its domain tables.

- `outbox`: events written in the same transaction as the change that caused them.
- `outbox_delivery`: one row per (event, consumer): attempts, next try, delivered or not.
- `processed_events`: the inbox — ids of events this subgraph has applied as a consumer.
- `seed_history`: which demo-data seeds ran (so `python -m shared.seed` runs each once).

Created by every subgraph's first migration through `shared.migrations.ops`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB

from shared.db import make_metadata

__all__ = ["PlatformTables", "platform_tables"]


@dataclass(frozen=True, slots=True)
class PlatformTables:
    metadata: MetaData
    outbox: Table
    outbox_delivery: Table
    processed_events: Table
    seed_history: Table


@functools.cache
def platform_tables(schema: str) -> PlatformTables:
    """The platform tables of one subgraph schema (built once per schema)."""
    metadata = make_metadata(schema)
    outbox = Table(
        "outbox",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("type", Text, nullable=False),
        Column("version", Integer, nullable=False),
        Column("occurred_at", DateTime(timezone=True), nullable=False),
        Column("payload", JSONB, nullable=False),
        # Set when the event has been fanned out into one outbox_delivery row per consumer.
        Column("dispatched_at", DateTime(timezone=True)),
        Index(
            "ix_outbox_pending",
            "occurred_at",
            postgresql_where=text("dispatched_at IS NULL"),
        ),
    )
    outbox_delivery = Table(
        "outbox_delivery",
        metadata,
        Column(
            "event_id",
            Uuid,
            ForeignKey(outbox.c.id, ondelete="CASCADE"),
            primary_key=True,
        ),
        Column("consumer", Text, primary_key=True),
        Column("attempts", Integer, nullable=False, server_default=text("0")),
        Column("next_attempt_at", DateTime(timezone=True), nullable=False),
        Column("delivered_at", DateTime(timezone=True)),
        Column("last_error", Text),
        Index(
            "ix_outbox_delivery_due",
            "next_attempt_at",
            postgresql_where=text("delivered_at IS NULL"),
        ),
    )
    processed_events = Table(
        "processed_events",
        metadata,
        Column("event_id", Uuid, primary_key=True),
        Column("type", Text, nullable=False),
        Column("source", Text, nullable=False),
        Column("processed_at", DateTime(timezone=True), nullable=False),
    )
    seed_history = Table(
        "seed_history",
        metadata,
        Column("name", Text, primary_key=True),
        Column("applied_at", DateTime(timezone=True), nullable=False),
    )
    return PlatformTables(metadata, outbox, outbox_delivery, processed_events, seed_history)
