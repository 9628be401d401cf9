"""foundation: identity, firms, phases (with the default taxonomy), consortia, outbox, audit

Revision ID: 0001
Revises:
Create Date: 2026-11-22 21:39:27.073727
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from distretto.firms.taxonomy import DEFAULT_PHASES

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("target_type", sa.String(length=30), nullable=True),
        sa.Column("target_id", sa.String(length=60), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("ip", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_action"), ["action"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_audit_log_actor_user_id"), ["actor_user_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_audit_log_at"), ["at"], unique=False)

    op.create_table(
        "consortia",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('export','marketing','training','general')", name=op.f("ck_consortia_kind")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consortia")),
        sa.UniqueConstraint("name", name=op.f("uq_consortia_name")),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("type", sa.String(length=60), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    op.create_table(
        "ownership_groups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ownership_groups")),
    )
    op.create_table(
        "phases",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("name_it", sa.String(length=80), nullable=False),
        sa.Column("parent", sa.String(length=40), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["parent"], ["phases.code"], name=op.f("fk_phases_parent_phases")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_phases")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("full_name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        sa.Column("is_staff", sa.Boolean(), nullable=False),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    op.create_table(
        "consortium_managers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["consortium_id"],
            ["consortia.id"],
            name=op.f("fk_consortium_managers_consortium_id_consortia"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_consortium_managers_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consortium_managers")),
        sa.UniqueConstraint(
            "consortium_id", "user_id", name=op.f("uq_consortium_managers_consortium_id_user_id")
        ),
    )
    with op.batch_alter_table("consortium_managers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consortium_managers_consortium_id"), ["consortium_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consortium_managers_user_id"), ["user_id"], unique=False
        )

    op.create_table(
        "event_audience",
        sa.Column("event_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("audience_key", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_audience_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", "audience_key", name=op.f("pk_event_audience")),
    )
    with op.batch_alter_table("event_audience", schema=None) as batch_op:
        batch_op.create_index(
            "ix_event_audience_key_event", ["audience_key", "event_id"], unique=False
        )

    op.create_table(
        "firms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("vat_number", sa.String(length=11), nullable=False),
        sa.Column("region", sa.String(length=60), nullable=False),
        sa.Column("province", sa.String(length=2), nullable=True),
        sa.Column("size_class", sa.String(length=10), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("verified", sa.Boolean(), nullable=False),
        sa.Column("ownership_group_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "size_class IN ('micro','small','medium','large')", name=op.f("ck_firms_size_class")
        ),
        sa.CheckConstraint("status IN ('active','suspended')", name=op.f("ck_firms_status")),
        sa.ForeignKeyConstraint(
            ["ownership_group_id"],
            ["ownership_groups.id"],
            name=op.f("fk_firms_ownership_group_id_ownership_groups"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firms")),
        sa.UniqueConstraint("vat_number", name=op.f("uq_firms_vat_number")),
    )
    with op.batch_alter_table("firms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_firms_name"), ["name"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_firms_ownership_group_id"), ["ownership_group_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_firms_region"), ["region"], unique=False)

    op.create_table(
        "refresh_tokens",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("family_id", sa.String(length=36), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_refresh_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refresh_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_refresh_tokens_token_hash")),
    )
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.create_index("ix_refresh_tokens_family", ["family_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_refresh_tokens_user_id"), ["user_id"], unique=False)

    op.create_table(
        "consortium_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending','active','left','rejected')",
            name=op.f("ck_consortium_members_status"),
        ),
        sa.ForeignKeyConstraint(
            ["consortium_id"],
            ["consortia.id"],
            name=op.f("fk_consortium_members_consortium_id_consortia"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_consortium_members_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consortium_members")),
        sa.UniqueConstraint(
            "consortium_id", "firm_id", name=op.f("uq_consortium_members_consortium_id_firm_id")
        ),
    )
    with op.batch_alter_table("consortium_members", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_consortium_members_consortium_id"), ["consortium_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_consortium_members_firm_id"), ["firm_id"], unique=False
        )

    op.create_table(
        "firm_phases",
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("phase_code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_firm_phases_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["phase_code"], ["phases.code"], name=op.f("fk_firm_phases_phase_code_phases")
        ),
        sa.PrimaryKeyConstraint("firm_id", "phase_code", name=op.f("pk_firm_phases")),
    )
    with op.batch_alter_table("firm_phases", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_firm_phases_phase_code"), ["phase_code"], unique=False)

    op.create_table(
        "memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "role IN ('owner','manager','member')", name=op.f("ck_memberships_role")
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_memberships_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_memberships_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_memberships")),
        sa.UniqueConstraint("firm_id", "user_id", name=op.f("uq_memberships_firm_id_user_id")),
    )
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_memberships_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_memberships_user_id"), ["user_id"], unique=False)

    phases = sa.table(
        "phases",
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("name_it", sa.String),
        sa.column("parent", sa.String),
        sa.column("position", sa.Integer),
    )
    op.bulk_insert(
        phases,
        [
            {"code": c, "name": n, "name_it": i, "parent": p, "position": pos}
            for pos, (c, n, i, p) in enumerate(DEFAULT_PHASES)
        ],
    )


def downgrade() -> None:
    with op.batch_alter_table("memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_memberships_user_id"))
        batch_op.drop_index(batch_op.f("ix_memberships_firm_id"))

    op.drop_table("memberships")
    with op.batch_alter_table("firm_phases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_phases_phase_code"))

    op.drop_table("firm_phases")
    with op.batch_alter_table("consortium_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consortium_members_firm_id"))
        batch_op.drop_index(batch_op.f("ix_consortium_members_consortium_id"))

    op.drop_table("consortium_members")
    with op.batch_alter_table("refresh_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refresh_tokens_user_id"))
        batch_op.drop_index("ix_refresh_tokens_family")

    op.drop_table("refresh_tokens")
    with op.batch_alter_table("firms", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firms_region"))
        batch_op.drop_index(batch_op.f("ix_firms_ownership_group_id"))
        batch_op.drop_index(batch_op.f("ix_firms_name"))

    op.drop_table("firms")
    with op.batch_alter_table("event_audience", schema=None) as batch_op:
        batch_op.drop_index("ix_event_audience_key_event")

    op.drop_table("event_audience")
    with op.batch_alter_table("consortium_managers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_consortium_managers_user_id"))
        batch_op.drop_index(batch_op.f("ix_consortium_managers_consortium_id"))

    op.drop_table("consortium_managers")
    op.drop_table("users")
    op.drop_table("phases")
    op.drop_table("ownership_groups")
    op.drop_table("events")
    op.drop_table("consortia")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_at"))
        batch_op.drop_index(batch_op.f("ix_audit_log_actor_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_log_action"))

    op.drop_table("audit_log")
