"""reference tariffs (bids remember the tariff they were priced against) and capacity
calendars (declared and booked capacity per firm, phase, unit and ISO week; quantities in
thousandths)

Revision ID: 0040
Revises: 0006
Create Date: 2026-12-07 03:08:50.938211
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0040"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reference_tariffs",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("min_price", sa.Numeric(14, 2), nullable=False),
        sa.Column("typical_price", sa.Numeric(14, 2), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("published_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("min_price > 0", name=op.f("ck_reference_tariffs_min_price_positive")),
        sa.CheckConstraint(
            "typical_price >= min_price", name=op.f("ck_reference_tariffs_typical_not_below_min")
        ),
        sa.CheckConstraint(
            "valid_until IS NULL OR valid_until >= valid_from",
            name=op.f("ck_reference_tariffs_valid_period"),
        ),
        sa.ForeignKeyConstraint(
            ["phase"], ["phases.code"], name=op.f("fk_reference_tariffs_phase_phases")
        ),
        sa.ForeignKeyConstraint(
            ["published_by_user_id"],
            ["users.id"],
            name=op.f("fk_reference_tariffs_published_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reference_tariffs")),
        sa.UniqueConstraint("phase", "unit", "version", name="uq_reference_tariffs_version"),
    )
    with op.batch_alter_table("reference_tariffs", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reference_tariffs_phase_unit", ["phase", "unit", "version"], unique=False
        )

    op.create_table(
        "capacity_weeks",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("declared", sa.BigInteger(), nullable=False),
        sa.Column("booked", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("booked >= 0", name=op.f("ck_capacity_weeks_booked_not_negative")),
        sa.CheckConstraint("declared >= 0", name=op.f("ck_capacity_weeks_declared_not_negative")),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_capacity_weeks_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["phase"], ["phases.code"], name=op.f("fk_capacity_weeks_phase_phases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_weeks")),
        sa.UniqueConstraint(
            "firm_id", "phase", "unit", "week_start", name="uq_capacity_weeks_slot"
        ),
    )
    with op.batch_alter_table("capacity_weeks", schema=None) as batch_op:
        batch_op.create_index("ix_capacity_weeks_phase_week", ["phase", "week_start"], unique=False)

    op.create_table(
        "capacity_bookings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "contract_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_capacity_bookings_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_capacity_bookings_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_capacity_bookings_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["phase"], ["phases.code"], name=op.f("fk_capacity_bookings_phase_phases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_capacity_bookings")),
        sa.UniqueConstraint("contract_id", "week_start", name="uq_capacity_bookings_week"),
    )
    with op.batch_alter_table("capacity_bookings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_capacity_bookings_firm_week", ["firm_id", "week_start"], unique=False
        )

    # Plain ADD COLUMN, not a batch table copy: copying bids would have to recreate its
    # partial unique index by reflection. SQLite takes the foreign key only inline.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE bids ADD COLUMN tariff_id INTEGER "
            "CONSTRAINT fk_bids_tariff_id_reference_tariffs "
            "REFERENCES reference_tariffs (id) ON DELETE SET NULL"
        )
    else:
        op.add_column("bids", sa.Column("tariff_id", sa.BigInteger(), nullable=True))
        op.create_foreign_key(
            op.f("fk_bids_tariff_id_reference_tariffs"),
            "bids",
            "reference_tariffs",
            ["tariff_id"],
            ["id"],
            ondelete="SET NULL",
        )
    op.add_column(
        "bids", sa.Column("below_tariff", sa.Boolean(), server_default=sa.false(), nullable=False)
    )


def downgrade() -> None:
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.drop_column("below_tariff")
        batch_op.drop_column("tariff_id")

    with op.batch_alter_table("capacity_bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_capacity_bookings_firm_week")

    op.drop_table("capacity_bookings")
    with op.batch_alter_table("capacity_weeks", schema=None) as batch_op:
        batch_op.drop_index("ix_capacity_weeks_phase_week")

    op.drop_table("capacity_weeks")
    with op.batch_alter_table("reference_tariffs", schema=None) as batch_op:
        batch_op.drop_index("ix_reference_tariffs_phase_unit")

    op.drop_table("reference_tariffs")
