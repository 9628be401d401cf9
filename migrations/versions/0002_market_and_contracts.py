"""market and contracts: orders, invitations, bids, questions, idempotency, contracts,
messages, reviews, reputation

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 21:45:53.554207
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "idempotency_records",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_idempotency_records_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_records")),
        sa.UniqueConstraint(
            "user_id", "scope", "key", name=op.f("uq_idempotency_records_user_id_scope_key")
        ),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_firm_id", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=8000), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("target_unit_price", sa.Numeric(14, 2), nullable=True),
        sa.Column("bid_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivery_due", sa.Date(), nullable=False),
        sa.Column("visibility", sa.String(length=12), nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=True),
        sa.Column("sealed", sa.Boolean(), nullable=False),
        sa.Column(
            "parent_contract_id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            nullable=True,
        ),
        sa.Column("region", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft','open','awarded','closed','cancelled')",
            name=op.f("ck_orders_status"),
        ),
        sa.CheckConstraint(
            "visibility IN ('public','invited','consortium')", name=op.f("ck_orders_visibility")
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_orders_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["client_firm_id"], ["firms.id"], name=op.f("fk_orders_client_firm_id_firms")
        ),
        sa.ForeignKeyConstraint(
            ["consortium_id"], ["consortia.id"], name=op.f("fk_orders_consortium_id_consortia")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_orders_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["phase"], ["phases.code"], name=op.f("fk_orders_phase_phases")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_client_id", ["client_firm_id", "id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_orders_consortium_id"), ["consortium_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_orders_parent_contract_id"), ["parent_contract_id"], unique=False
        )
        batch_op.create_index("ix_orders_phase_id", ["phase", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_orders_region"), ["region"], unique=False)
        batch_op.create_index("ix_orders_status_id", ["status", "id"], unique=False)

    op.create_table(
        "reputation_scores",
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("contracts", sa.Integer(), nullable=False),
        sa.Column("components", sa.JSON(), nullable=False),
        sa.Column("formula_version", sa.String(length=20), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_reputation_scores_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("firm_id", "role", "phase", name=op.f("pk_reputation_scores")),
    )
    op.create_table(
        "reputation_snapshots",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("contracts", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_reputation_snapshots_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reputation_snapshots")),
    )
    with op.batch_alter_table("reputation_snapshots", schema=None) as batch_op:
        batch_op.create_index(
            "ix_reputation_snapshots_firm", ["firm_id", "role", "at"], unique=False
        )

    op.create_table(
        "bids",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("unit_price", sa.Numeric(14, 2), nullable=False),
        sa.Column("total_price", sa.Numeric(14, 2), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=False),
        sa.Column("notes", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("order_revision", sa.Integer(), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "status IN ('active','needs_confirmation','withdrawn','rejected','awarded')",
            name=op.f("ck_bids_status"),
        ),
        sa.CheckConstraint("unit_price > 0", name=op.f("ck_bids_unit_price_positive")),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_bids_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["firm_id"], ["firms.id"], name=op.f("fk_bids_firm_id_firms")),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_bids_order_id_orders"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bids")),
    )
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.create_index("ix_bids_firm_id", ["firm_id", "id"], unique=False)
        batch_op.create_index("ix_bids_order_id", ["order_id", "id"], unique=False)
        batch_op.create_index(
            "uq_bids_one_live_per_firm",
            ["order_id", "firm_id"],
            unique=True,
            sqlite_where=sa.text("status IN ('active','needs_confirmation','awarded')"),
            postgresql_where=sa.text("status IN ('active','needs_confirmation','awarded')"),
        )

    op.create_table(
        "order_invitations",
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_order_invitations_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_invitations_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("order_id", "firm_id", name=op.f("pk_order_invitations")),
    )
    with op.batch_alter_table("order_invitations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_invitations_firm_id"), ["firm_id"], unique=False)

    op.create_table(
        "order_questions",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("asker_firm_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.Column("answer", sa.String(length=4000), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asked_by_user_id"],
            ["users.id"],
            name=op.f("fk_order_questions_asked_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["asker_firm_id"], ["firms.id"], name=op.f("fk_order_questions_asker_firm_id_firms")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_questions_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_questions")),
    )
    with op.batch_alter_table("order_questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_questions_order_id"), ["order_id"], unique=False)

    op.create_table(
        "contracts",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bid_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_firm_id", sa.Integer(), nullable=False),
        sa.Column("supplier_firm_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("unit_price", sa.Numeric(14, 2), nullable=False),
        sa.Column("total_price", sa.Numeric(14, 2), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("disputed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dispute_reason", sa.String(length=4000), nullable=True),
        sa.Column("dispute_opened_by_firm_id", sa.Integer(), nullable=True),
        sa.Column("dispute_outcome", sa.String(length=12), nullable=True),
        sa.Column("dispute_resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("dispute_note", sa.String(length=4000), nullable=True),
        sa.CheckConstraint(
            "dispute_outcome IS NULL OR dispute_outcome IN ('completed','cancelled')",
            name=op.f("ck_contracts_dispute_outcome"),
        ),
        sa.CheckConstraint(
            "status IN ('active','delivered','completed','disputed','cancelled')",
            name=op.f("ck_contracts_status"),
        ),
        sa.ForeignKeyConstraint(["bid_id"], ["bids.id"], name=op.f("fk_contracts_bid_id_bids")),
        sa.ForeignKeyConstraint(
            ["client_firm_id"], ["firms.id"], name=op.f("fk_contracts_client_firm_id_firms")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_contracts_order_id_orders")
        ),
        sa.ForeignKeyConstraint(["phase"], ["phases.code"], name=op.f("fk_contracts_phase_phases")),
        sa.ForeignKeyConstraint(
            ["supplier_firm_id"], ["firms.id"], name=op.f("fk_contracts_supplier_firm_id_firms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint("bid_id", name=op.f("uq_contracts_bid_id")),
        sa.UniqueConstraint("order_id", name=op.f("uq_contracts_order_id")),
    )
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.create_index("ix_contracts_client", ["client_firm_id", "id"], unique=False)
        batch_op.create_index("ix_contracts_supplier", ["supplier_firm_id", "id"], unique=False)

    op.create_table(
        "contract_messages",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "contract_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("text", sa.String(length=4000), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_contract_messages_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_contract_messages_firm_id_firms")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_contract_messages_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_messages")),
    )
    with op.batch_alter_table("contract_messages", schema=None) as batch_op:
        batch_op.create_index("ix_contract_messages_contract", ["contract_id", "id"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column(
            "contract_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("reviewer_firm_id", sa.Integer(), nullable=False),
        sa.Column("reviewee_firm_id", sa.Integer(), nullable=False),
        sa.Column("reviewee_role", sa.String(length=10), nullable=False),
        sa.Column("quality", sa.Integer(), nullable=False),
        sa.Column("timeliness", sa.Integer(), nullable=False),
        sa.Column("communication", sa.Integer(), nullable=False),
        sa.Column("comment", sa.String(length=2000), nullable=False),
        sa.Column("hidden", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "reviewee_role IN ('supplier','client')", name=op.f("ck_reviews_reviewee_role")
        ),
        sa.CheckConstraint("communication BETWEEN 1 AND 5", name=op.f("ck_reviews_communication")),
        sa.CheckConstraint("quality BETWEEN 1 AND 5", name=op.f("ck_reviews_quality")),
        sa.CheckConstraint("timeliness BETWEEN 1 AND 5", name=op.f("ck_reviews_timeliness")),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_reviews_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewee_firm_id"], ["firms.id"], name=op.f("fk_reviews_reviewee_firm_id_firms")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_firm_id"], ["firms.id"], name=op.f("fk_reviews_reviewer_firm_id_firms")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint(
            "contract_id", "reviewer_firm_id", name=op.f("uq_reviews_contract_id_reviewer_firm_id")
        ),
    )
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reviews_contract_id"), ["contract_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_reviews_reviewee_firm_id"), ["reviewee_firm_id"], unique=False
        )
    # Orders and contracts refer to each other (sub-orders of a contract): add this one
    # after both tables exist.
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_foreign_key(
            op.f("fk_orders_parent_contract_id_contracts"),
            "contracts",
            ["parent_contract_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("fk_orders_parent_contract_id_contracts"), type_="foreignkey")
    with op.batch_alter_table("reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reviews_reviewee_firm_id"))
        batch_op.drop_index(batch_op.f("ix_reviews_contract_id"))

    op.drop_table("reviews")
    with op.batch_alter_table("contract_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_contract_messages_contract")

    op.drop_table("contract_messages")
    with op.batch_alter_table("contracts", schema=None) as batch_op:
        batch_op.drop_index("ix_contracts_supplier")
        batch_op.drop_index("ix_contracts_client")

    op.drop_table("contracts")
    with op.batch_alter_table("order_questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_questions_order_id"))

    op.drop_table("order_questions")
    with op.batch_alter_table("order_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_invitations_firm_id"))

    op.drop_table("order_invitations")
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_bids_one_live_per_firm",
            sqlite_where=sa.text("status IN ('active','needs_confirmation','awarded')"),
            postgresql_where=sa.text("status IN ('active','needs_confirmation','awarded')"),
        )
        batch_op.drop_index("ix_bids_order_id")
        batch_op.drop_index("ix_bids_firm_id")

    op.drop_table("bids")
    with op.batch_alter_table("reputation_snapshots", schema=None) as batch_op:
        batch_op.drop_index("ix_reputation_snapshots_firm")

    op.drop_table("reputation_snapshots")
    op.drop_table("reputation_scores")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_status_id")
        batch_op.drop_index(batch_op.f("ix_orders_region"))
        batch_op.drop_index("ix_orders_phase_id")
        batch_op.drop_index(batch_op.f("ix_orders_parent_contract_id"))
        batch_op.drop_index(batch_op.f("ix_orders_consortium_id"))
        batch_op.drop_index("ix_orders_client_id")

    op.drop_table("orders")
    op.drop_table("idempotency_records")
