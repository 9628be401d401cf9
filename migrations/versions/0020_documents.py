"""documents: attachments and firm credentials

Revision ID: 0020
Revises: 0006
Create Date: 2026-12-07 03:08:30.891090
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The values of models.documents.FileKind when this revision was written.
CONTENT_TYPES = (
    "application/pdf",
    "image/png",
    "image/jpeg",
    "image/webp",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "image/vnd.dxf",
    "application/zip",
)
CONTENT_TYPE_CHECK = f"content_type IN ({', '.join(repr(t) for t in CONTENT_TYPES)})"
ONE_PARENT_CHECK = (
    "(CASE WHEN order_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN bid_id IS NULL THEN 0 ELSE 1 END)"
    " + (CASE WHEN contract_id IS NULL THEN 0 ELSE 1 END) = 1"
)


def upgrade() -> None:
    op.create_table(
        "firm_documents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("reviewed_by_user_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.String(length=2000), nullable=False),
        sa.Column("expiry_notified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            CONTENT_TYPE_CHECK,
            name=op.f("ck_firm_documents_content_type"),
        ),
        sa.CheckConstraint(
            "kind IN ('chamber_extract', 'durc', 'certification')",
            name=op.f("ck_firm_documents_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')", name=op.f("ck_firm_documents_status")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_firm_documents_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_user_id"],
            ["users.id"],
            name=op.f("fk_firm_documents_reviewed_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_user_id"],
            ["users.id"],
            name=op.f("fk_firm_documents_uploaded_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_documents")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_firm_documents_storage_key")),
    )
    with op.batch_alter_table("firm_documents", schema=None) as batch_op:
        batch_op.create_index("ix_firm_documents_firm", ["firm_id", "id"], unique=False)
        batch_op.create_index("ix_firm_documents_status", ["status", "id"], unique=False)
        batch_op.create_index("ix_firm_documents_valid_until", ["valid_until"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("bid_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column(
            "contract_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column(
            "message_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True
        ),
        sa.Column("uploaded_by_firm_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_user_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("thumbnail_key", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            CONTENT_TYPE_CHECK,
            name=op.f("ck_attachments_content_type"),
        ),
        sa.CheckConstraint(
            ONE_PARENT_CHECK,
            name=op.f("ck_attachments_one_parent"),
        ),
        sa.CheckConstraint(
            "message_id IS NULL OR contract_id IS NOT NULL",
            name=op.f("ck_attachments_message_of_contract"),
        ),
        sa.CheckConstraint("size >= 0", name=op.f("ck_attachments_size_not_negative")),
        sa.ForeignKeyConstraint(
            ["bid_id"], ["bids.id"], name=op.f("fk_attachments_bid_id_bids"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contract_id"],
            ["contracts.id"],
            name=op.f("fk_attachments_contract_id_contracts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["contract_messages.id"],
            name=op.f("fk_attachments_message_id_contract_messages"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_attachments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_firm_id"],
            ["firms.id"],
            name=op.f("fk_attachments_uploaded_by_firm_id_firms"),
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_user_id"],
            ["users.id"],
            name=op.f("fk_attachments_uploaded_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_attachments_storage_key")),
        sa.UniqueConstraint("thumbnail_key", name=op.f("uq_attachments_thumbnail_key")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index("ix_attachments_bid", ["bid_id", "id"], unique=False)
        batch_op.create_index("ix_attachments_contract", ["contract_id", "id"], unique=False)
        batch_op.create_index("ix_attachments_order", ["order_id", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index("ix_attachments_order")
        batch_op.drop_index("ix_attachments_contract")
        batch_op.drop_index("ix_attachments_bid")

    op.drop_table("attachments")
    with op.batch_alter_table("firm_documents", schema=None) as batch_op:
        batch_op.drop_index("ix_firm_documents_valid_until")
        batch_op.drop_index("ix_firm_documents_status")
        batch_op.drop_index("ix_firm_documents_firm")

    op.drop_table("firm_documents")
