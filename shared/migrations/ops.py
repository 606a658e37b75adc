"""Migration operations every subgraph's first revision runs: the platform tables.

A frozen snapshot of `shared.tables` as of v1 (migrations must not follow later code
changes); a change to the platform tables adds `create_..._v2` here and one revision per
subgraph calling it.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

__all__ = ["create_platform_tables_v1", "drop_platform_tables_v1"]


def create_platform_tables_v1(schema: str) -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("payload", JSONB, nullable=False),
        sa.Column("dispatched_at", sa.DateTime(timezone=True)),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_pending",
        "outbox",
        ["occurred_at"],
        schema=schema,
        postgresql_where=sa.text("dispatched_at IS NULL"),
    )
    op.create_table(
        "outbox_delivery",
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("consumer", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True)),
        sa.Column("last_error", sa.Text),
        sa.PrimaryKeyConstraint("event_id", "consumer", name="pk_outbox_delivery"),
        sa.ForeignKeyConstraint(
            ["event_id"],
            [f"{schema}.outbox.id"],
            name="fk_outbox_delivery_event_id_outbox",
            ondelete="CASCADE",
        ),
        schema=schema,
    )
    op.create_index(
        "ix_outbox_delivery_due",
        "outbox_delivery",
        ["next_attempt_at"],
        schema=schema,
        postgresql_where=sa.text("delivered_at IS NULL"),
    )
    op.create_table(
        "processed_events",
        sa.Column("event_id", sa.Uuid, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_processed_events"),
        schema=schema,
    )
    op.create_table(
        "seed_history",
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_seed_history"),
        schema=schema,
    )


def drop_platform_tables_v1(schema: str) -> None:
    for table in ("seed_history", "processed_events", "outbox_delivery", "outbox"):
        op.drop_table(table, schema=schema)
