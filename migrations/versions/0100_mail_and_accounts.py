"""Email delivery and account mail: per-user mail settings, saved searches, the mail
queue, single-use account tokens, firm invitations, the scheduler's run rows, and
``users.email_verified_at``.

Revision ID: 0100
Revises: 0090
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0100"
down_revision: str | None = "0090"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
ROLES = "role IN ('owner','manager','member')"


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.add_column("users", _when("email_verified_at", nullable=True))
    op.create_table(
        "mail_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("kinds", sa.JSON(), nullable=False),
        _when("updated_at"),
        sa.CheckConstraint(
            "email IN ('immediate','daily','off')", name=op.f("ck_mail_settings_email")
        ),
        sa.CheckConstraint("language IN ('it','en','zh')", name=op.f("ck_mail_settings_language")),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_mail_settings_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_mail_settings")),
    )
    op.create_table(
        "saved_searches",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("phase", sa.String(length=40), nullable=True),
        sa.Column("region", sa.String(length=60), nullable=True),
        sa.Column("province", sa.String(length=4), nullable=True),
        sa.Column("q", sa.String(length=200), nullable=True),
        sa.Column("min_quantity", sa.Integer(), nullable=True),
        _when("created_at"),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_saved_searches_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_saved_searches")),
    )
    op.create_index("ix_saved_searches_phase", "saved_searches", ["phase"])
    op.create_index(op.f("ix_saved_searches_user_id"), "saved_searches", ["user_id"])
    op.create_table(
        "emails",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("template", sa.String(length=40), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("event_id", BIG_ID, nullable=True),
        sa.Column("digest_day", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        _when("next_attempt_at"),
        _when("claimed_until", nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        _when("created_at"),
        _when("sent_at", nullable=True),
        sa.CheckConstraint("status IN ('pending','sent','failed')", name=op.f("ck_emails_status")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_emails_user_id_users"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_emails_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_emails")),
        sa.UniqueConstraint("key", name=op.f("uq_emails_key")),
        sa.UniqueConstraint("user_id", "event_id", name=op.f("uq_emails_user_id_event_id")),
        sa.UniqueConstraint("user_id", "digest_day", name=op.f("uq_emails_user_id_digest_day")),
    )
    op.create_index("ix_emails_due", "emails", ["status", "next_attempt_at"])
    op.create_table(
        "account_tokens",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        _when("expires_at"),
        _when("used_at", nullable=True),
        _when("created_at"),
        sa.CheckConstraint(
            "purpose IN ('password_reset','verify_email')", name=op.f("ck_account_tokens_purpose")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_account_tokens_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_account_tokens_token_hash")),
    )
    op.create_index(op.f("ix_account_tokens_user_id"), "account_tokens", ["user_id"])
    op.create_table(
        "firm_invitations",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("invited_by_user_id", sa.Integer(), nullable=True),
        sa.Column("accepted_by_user_id", sa.Integer(), nullable=True),
        _when("expires_at"),
        _when("created_at"),
        _when("decided_at", nullable=True),
        sa.CheckConstraint(
            "status IN ('pending','accepted','revoked')", name=op.f("ck_firm_invitations_status")
        ),
        sa.CheckConstraint(ROLES, name=op.f("ck_firm_invitations_role")),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_firm_invitations_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["invited_by_user_id"],
            ["users.id"],
            name=op.f("fk_firm_invitations_invited_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by_user_id"],
            ["users.id"],
            name=op.f("fk_firm_invitations_accepted_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_firm_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_firm_invitations_token_hash")),
    )
    op.create_index("ix_firm_invitations_firm_status", "firm_invitations", ["firm_id", "status"])
    # Mail starts now: an existing district's history is not mailed to everyone at once.
    op.execute(
        sa.text(
            "INSERT INTO outbox_cursors (name, last_event_id, updated_at)"
            " SELECT 'mail', COALESCE(MAX(id), 0), CURRENT_TIMESTAMP FROM events"
        )
    )
    op.create_table(
        "scheduled_runs",
        sa.Column("job", sa.String(length=60), nullable=False),
        sa.Column("slot", sa.String(length=40), nullable=False),
        _when("started_at"),
        _when("finished_at", nullable=True),
        sa.Column("result", sa.String(length=500), nullable=True),
        sa.PrimaryKeyConstraint("job", "slot", name=op.f("pk_scheduled_runs")),
    )


def downgrade() -> None:
    op.drop_table("scheduled_runs")
    op.execute(sa.text("DELETE FROM outbox_cursors WHERE name = 'mail'"))
    op.drop_index("ix_firm_invitations_firm_status", table_name="firm_invitations")
    op.drop_table("firm_invitations")
    op.drop_index(op.f("ix_account_tokens_user_id"), table_name="account_tokens")
    op.drop_table("account_tokens")
    op.drop_index("ix_emails_due", table_name="emails")
    op.drop_table("emails")
    op.drop_index(op.f("ix_saved_searches_user_id"), table_name="saved_searches")
    op.drop_index("ix_saved_searches_phase", table_name="saved_searches")
    op.drop_table("saved_searches")
    op.drop_table("mail_settings")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("email_verified_at")
