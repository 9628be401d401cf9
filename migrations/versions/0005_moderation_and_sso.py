"""moderation: flags, firm warnings, OIDC identities; the audit log becomes append-only

Revision ID: 0005
Revises: 0002
Create Date: 2026-11-22 21:54:47.472029
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The audit log refuses UPDATE and DELETE at the database level. PostgreSQL's TRUNCATE
# does not fire row triggers; it needs table ownership, which the app role should not have.
POSTGRES_AUDIT_GUARD = (
    """
    CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
            USING ERRCODE = 'insufficient_privilege';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change()
    """,
)
POSTGRES_AUDIT_UNGUARD = (
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_refuse_change()",
)
SQLITE_AUDIT_GUARD = (
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE refused'); END
    """,
    """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE refused'); END
    """,
)
SQLITE_AUDIT_UNGUARD = (
    "DROP TRIGGER IF EXISTS audit_log_no_update",
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
)


def _run(statements: Sequence[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    op.create_table(
        "oidc_identities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("provider", sa.String(length=40), nullable=False),
        sa.Column("subject", sa.String(length=255), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_oidc_identities_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_oidc_identities")),
        sa.UniqueConstraint(
            "provider", "subject", name=op.f("uq_oidc_identities_provider_subject")
        ),
    )
    with op.batch_alter_table("oidc_identities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_oidc_identities_user_id"), ["user_id"], unique=False)

    op.create_table(
        "flags",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("target_type", sa.String(length=10), nullable=False),
        sa.Column("target_id", sa.BigInteger(), nullable=False),
        sa.Column("reporter_user_id", sa.Integer(), nullable=False),
        sa.Column("reporter_firm_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("details", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("resolution", sa.String(length=10), nullable=True),
        sa.Column("resolved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("resolution_note", sa.String(length=2000), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "resolution IS NULL OR resolution IN ('dismiss','hide','warn','suspend')",
            name=op.f("ck_flags_resolution"),
        ),
        sa.CheckConstraint("status IN ('open','resolved')", name=op.f("ck_flags_status")),
        sa.CheckConstraint(
            "target_type IN ('order','bid','review','message','firm')",
            name=op.f("ck_flags_target_type"),
        ),
        sa.ForeignKeyConstraint(
            ["reporter_firm_id"],
            ["firms.id"],
            name=op.f("fk_flags_reporter_firm_id_firms"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["reporter_user_id"], ["users.id"], name=op.f("fk_flags_reporter_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_user_id"], ["users.id"], name=op.f("fk_flags_resolved_by_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_flags")),
    )
    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.create_index(
            "ix_flags_reporter_status", ["reporter_user_id", "status"], unique=False
        )
        batch_op.create_index(
            "ix_flags_status_target", ["status", "target_type", "target_id"], unique=False
        )
        batch_op.create_index(
            "uq_flags_one_open_per_reporter",
            ["target_type", "target_id", "reporter_user_id"],
            unique=True,
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )

    op.create_table(
        "firm_warnings",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("flag_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("issued_by_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_firm_warnings_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["flag_id"],
            ["flags.id"],
            name=op.f("fk_firm_warnings_flag_id_flags"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_user_id"],
            ["users.id"],
            name=op.f("fk_firm_warnings_issued_by_user_id_users"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_warnings")),
    )
    with op.batch_alter_table("firm_warnings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_firm_warnings_firm_id"), ["firm_id"], unique=False)

    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index(
            "ix_audit_log_target", ["target_type", "target_id", "id"], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        _run(POSTGRES_AUDIT_GUARD)
    else:
        _run(SQLITE_AUDIT_GUARD)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        _run(POSTGRES_AUDIT_UNGUARD)
    else:
        _run(SQLITE_AUDIT_UNGUARD)
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_target")

    with op.batch_alter_table("firm_warnings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_firm_warnings_firm_id"))
    op.drop_table("firm_warnings")

    with op.batch_alter_table("flags", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_flags_one_open_per_reporter",
            sqlite_where=sa.text("status = 'open'"),
            postgresql_where=sa.text("status = 'open'"),
        )
        batch_op.drop_index("ix_flags_status_target")
        batch_op.drop_index("ix_flags_reporter_status")
    op.drop_table("flags")

    with op.batch_alter_table("oidc_identities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_oidc_identities_user_id"))
    op.drop_table("oidc_identities")
