"""partners, their services, vouchers and voucher purchases; platform tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-26
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from shared.migrations.ops import create_platform_tables_v1, drop_platform_tables_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SCHEMA = "rf"


def upgrade() -> None:
    op.create_table(
        "partners",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("category", sa.String(16), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("owner_id", sa.Uuid, nullable=False),
        sa.Column("place_id", sa.Text),
        sa.Column("city_id", sa.Text),
        sa.Column("lat", sa.Double, nullable=False),
        sa.Column("lng", sa.Double, nullable=False),
        sa.Column("russian_speaking_staff", sa.Boolean, nullable=False),
        sa.Column("status_reason", sa.Text),
        sa.Column("verified_at", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "lat BETWEEN -90 AND 90 AND lng BETWEEN -180 AND 180", name="ck_partners_location"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_partners"),
        sa.CheckConstraint(
            "category IN ('RESTAURANT', 'CAFE', 'TOURS', 'TRANSPORT', 'MEDICAL', 'EDUCATION',"
            " 'SPA', 'SHOP', 'SERVICES', 'REAL_ESTATE', 'COWORKING')",
            name="ck_partners_partner_category",
        ),
        sa.CheckConstraint(
            "status IN ('PENDING', 'VERIFIED', 'SUSPENDED')", name="ck_partners_partner_status"
        ),
        schema=SCHEMA,
    )
    op.create_index(("ix_partners_city_id"), "partners", ["city_id"], schema=SCHEMA)
    op.create_index("ix_partners_created_at_id", "partners", ["created_at", "id"], schema=SCHEMA)
    op.create_index(("ix_partners_owner_id"), "partners", ["owner_id"], schema=SCHEMA)
    op.create_index(("ix_partners_status"), "partners", ["status"], schema=SCHEMA)
    op.create_index(
        "uq_partners_place_id",
        "partners",
        ["place_id"],
        unique=True,
        schema=SCHEMA,
        postgresql_where=sa.text("place_id IS NOT NULL"),
    )
    op.create_table(
        "partner_services",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("partner_id", sa.Uuid, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("price_minor", sa.BigInteger, nullable=False),
        sa.Column("currency", sa.Text, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            [f"{SCHEMA}.partners.id"],
            name="fk_partner_services_partner_id_partners",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_partner_services"),
        schema=SCHEMA,
    )
    op.create_index(
        ("ix_partner_services_partner_id"), "partner_services", ["partner_id"], schema=SCHEMA
    )
    op.create_table(
        "vouchers",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("partner_id", sa.Uuid, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("price_points", sa.Integer, nullable=False),
        sa.Column("stock", sa.Integer, nullable=False),
        sa.Column("usable_days", sa.Integer, nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_until", sa.DateTime(timezone=True)),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("price_points > 0", name="ck_vouchers_price_points_positive"),
        sa.CheckConstraint("stock >= 0", name="ck_vouchers_stock_not_negative"),
        sa.CheckConstraint("usable_days > 0", name="ck_vouchers_usable_days_positive"),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_until > valid_from", name="ck_vouchers_validity"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"],
            [f"{SCHEMA}.partners.id"],
            name="fk_vouchers_partner_id_partners",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_vouchers"),
        schema=SCHEMA,
    )
    op.create_index(
        "ix_vouchers_partner_id_created_at", "vouchers", ["partner_id", "created_at"], schema=SCHEMA
    )
    op.create_table(
        "voucher_purchases",
        sa.Column("id", sa.Uuid, nullable=False),
        sa.Column("voucher_id", sa.Uuid, nullable=False),
        sa.Column("buyer_id", sa.Uuid, nullable=False),
        sa.Column("price_points", sa.Integer, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("failure_reason", sa.Text),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("settled_at", sa.DateTime(timezone=True)),
        sa.ForeignKeyConstraint(
            ["voucher_id"],
            [f"{SCHEMA}.vouchers.id"],
            name="fk_voucher_purchases_voucher_id_vouchers",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_voucher_purchases"),
        sa.CheckConstraint(
            "status IN ('REQUESTED', 'CONFIRMED', 'FAILED')",
            name="ck_voucher_purchases_purchase_status",
        ),
        schema=SCHEMA,
    )
    op.create_index(
        ("ix_voucher_purchases_buyer_id"), "voucher_purchases", ["buyer_id"], schema=SCHEMA
    )
    op.create_index(
        ("ix_voucher_purchases_voucher_id"), "voucher_purchases", ["voucher_id"], schema=SCHEMA
    )
    create_platform_tables_v1(SCHEMA)


def downgrade() -> None:
    drop_platform_tables_v1(SCHEMA)
    for table in ("voucher_purchases", "vouchers", "partner_services", "partners"):
        op.drop_table(table, schema=SCHEMA)
