"""consortia activity and training: trade fairs and participations, campaigns and
participations, quality seals and grants, courses, sessions, enrolments, attendance

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 21:59:47.771488
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=8000), nullable=False),
        sa.Column("budget", sa.Numeric(14, 2), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("budget > 0", name=op.f("ck_campaigns_budget_positive")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_campaigns_dates_ordered")),
        sa.ForeignKeyConstraint(
            ["consortium_id"],
            ["consortia.id"],
            name=op.f("fk_campaigns_consortium_id_consortia"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_campaigns_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.create_index("ix_campaigns_consortium", ["consortium_id", "id"], unique=False)

    op.create_table(
        "courses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=8000), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("enrol_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("capacity > 0", name=op.f("ck_courses_capacity_positive")),
        sa.ForeignKeyConstraint(
            ["consortium_id"],
            ["consortia.id"],
            name=op.f("fk_courses_consortium_id_consortia"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_courses_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_courses")),
    )
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.create_index("ix_courses_consortium", ["consortium_id", "id"], unique=False)

    op.create_table(
        "quality_seals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=160), nullable=False),
        sa.Column("description", sa.String(length=4000), nullable=False),
        sa.Column("min_reputation", sa.Float(), nullable=True),
        sa.Column("require_verified", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "min_reputation IS NULL OR (min_reputation >= 0 AND min_reputation <= 100)",
            name=op.f("ck_quality_seals_min_reputation_range"),
        ),
        sa.ForeignKeyConstraint(
            ["consortium_id"],
            ["consortia.id"],
            name=op.f("fk_quality_seals_consortium_id_consortia"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_seals")),
        sa.UniqueConstraint(
            "consortium_id", "name", name=op.f("uq_quality_seals_consortium_id_name")
        ),
    )
    with op.batch_alter_table("quality_seals", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_seals_consortium_id"), ["consortium_id"], unique=False
        )

    op.create_table(
        "trade_fairs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consortium_id", sa.Integer(), nullable=False),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=False),
        sa.Column("country", sa.String(length=60), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("signup_deadline", sa.DateTime(timezone=True), nullable=False),
        sa.Column("total_cost", sa.Numeric(14, 2), nullable=False),
        sa.Column("booth_area_m2", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("cost_split", sa.String(length=10), nullable=False),
        sa.Column("max_firms", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "cost_split IN ('equal','by_area')", name=op.f("ck_trade_fairs_cost_split")
        ),
        sa.CheckConstraint("status IN ('open','closed')", name=op.f("ck_trade_fairs_status")),
        sa.CheckConstraint("booth_area_m2 > 0", name=op.f("ck_trade_fairs_booth_area_positive")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_trade_fairs_dates_ordered")),
        sa.CheckConstraint("max_firms > 0", name=op.f("ck_trade_fairs_max_firms_positive")),
        sa.CheckConstraint("total_cost > 0", name=op.f("ck_trade_fairs_total_cost_positive")),
        sa.ForeignKeyConstraint(
            ["consortium_id"],
            ["consortia.id"],
            name=op.f("fk_trade_fairs_consortium_id_consortia"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["users.id"],
            name=op.f("fk_trade_fairs_created_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_fairs")),
    )
    with op.batch_alter_table("trade_fairs", schema=None) as batch_op:
        batch_op.create_index("ix_trade_fairs_consortium", ["consortium_id", "id"], unique=False)

    op.create_table(
        "campaign_participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("joined_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_participations_campaign_id_campaigns"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_campaign_participations_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["joined_by_user_id"],
            ["users.id"],
            name=op.f("fk_campaign_participations_joined_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaign_participations")),
        sa.UniqueConstraint(
            "campaign_id", "firm_id", name=op.f("uq_campaign_participations_campaign_id_firm_id")
        ),
    )
    with op.batch_alter_table("campaign_participations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_campaign_participations_campaign_id"), ["campaign_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_campaign_participations_firm_id"), ["firm_id"], unique=False
        )

    op.create_table(
        "course_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_course_sessions_times_ordered")),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_course_sessions_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_course_sessions")),
        sa.UniqueConstraint(
            "course_id", "position", name=op.f("uq_course_sessions_course_id_position")
        ),
    )
    with op.batch_alter_table("course_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_course_sessions_course_id"), ["course_id"], unique=False
        )

    op.create_table(
        "enrolments",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("enrolled_by_user_id", sa.Integer(), nullable=True),
        sa.Column("participant_name", sa.String(length=120), nullable=False),
        sa.Column("participant_email", sa.String(length=254), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("promoted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "status IN ('enrolled','waitlisted','cancelled')", name=op.f("ck_enrolments_status")
        ),
        sa.ForeignKeyConstraint(
            ["course_id"],
            ["courses.id"],
            name=op.f("fk_enrolments_course_id_courses"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["enrolled_by_user_id"],
            ["users.id"],
            name=op.f("fk_enrolments_enrolled_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_enrolments_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enrolments")),
    )
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_enrolments_course_status", ["course_id", "status", "id"], unique=False
        )
        batch_op.create_index("ix_enrolments_firm", ["firm_id", "id"], unique=False)
        batch_op.create_index(
            "uq_enrolments_live_participant",
            ["course_id", "participant_email"],
            unique=True,
            sqlite_where=sa.text("status IN ('enrolled','waitlisted')"),
            postgresql_where=sa.text("status IN ('enrolled','waitlisted')"),
        )

    op.create_table(
        "seal_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seal_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("granted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["firm_id"], ["firms.id"], name=op.f("fk_seal_grants_firm_id_firms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_user_id"],
            ["users.id"],
            name=op.f("fk_seal_grants_granted_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["seal_id"],
            ["quality_seals.id"],
            name=op.f("fk_seal_grants_seal_id_quality_seals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_seal_grants")),
        sa.UniqueConstraint("seal_id", "firm_id", name=op.f("uq_seal_grants_seal_id_firm_id")),
    )
    with op.batch_alter_table("seal_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seal_grants_firm_id"), ["firm_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_seal_grants_seal_id"), ["seal_id"], unique=False)

    op.create_table(
        "trade_fair_participations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("trade_fair_id", sa.Integer(), nullable=False),
        sa.Column("firm_id", sa.Integer(), nullable=False),
        sa.Column("area_m2", sa.Numeric(precision=10, scale=2), nullable=True),
        sa.Column("signed_up_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "area_m2 IS NULL OR area_m2 > 0",
            name=op.f("ck_trade_fair_participations_area_positive"),
        ),
        sa.ForeignKeyConstraint(
            ["firm_id"],
            ["firms.id"],
            name=op.f("fk_trade_fair_participations_firm_id_firms"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["signed_up_by_user_id"],
            ["users.id"],
            name=op.f("fk_trade_fair_participations_signed_up_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["trade_fair_id"],
            ["trade_fairs.id"],
            name=op.f("fk_trade_fair_participations_trade_fair_id_trade_fairs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trade_fair_participations")),
        sa.UniqueConstraint(
            "trade_fair_id",
            "firm_id",
            name=op.f("uq_trade_fair_participations_trade_fair_id_firm_id"),
        ),
    )
    with op.batch_alter_table("trade_fair_participations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_trade_fair_participations_firm_id"), ["firm_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_trade_fair_participations_trade_fair_id"),
            ["trade_fair_id"],
            unique=False,
        )

    op.create_table(
        "session_attendance",
        sa.Column(
            "enrolment_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=False),
        sa.Column("marked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("marked_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["enrolments.id"],
            name=op.f("fk_session_attendance_enrolment_id_enrolments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["marked_by_user_id"],
            ["users.id"],
            name=op.f("fk_session_attendance_marked_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["course_sessions.id"],
            name=op.f("fk_session_attendance_session_id_course_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("enrolment_id", "session_id", name=op.f("pk_session_attendance")),
    )
    with op.batch_alter_table("session_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_session_attendance_session_id"), ["session_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("session_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_session_attendance_session_id"))

    op.drop_table("session_attendance")
    with op.batch_alter_table("trade_fair_participations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trade_fair_participations_trade_fair_id"))
        batch_op.drop_index(batch_op.f("ix_trade_fair_participations_firm_id"))

    op.drop_table("trade_fair_participations")
    with op.batch_alter_table("seal_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seal_grants_seal_id"))
        batch_op.drop_index(batch_op.f("ix_seal_grants_firm_id"))

    op.drop_table("seal_grants")
    with op.batch_alter_table("enrolments", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_enrolments_live_participant",
            sqlite_where=sa.text("status IN ('enrolled','waitlisted')"),
            postgresql_where=sa.text("status IN ('enrolled','waitlisted')"),
        )
        batch_op.drop_index("ix_enrolments_firm")
        batch_op.drop_index("ix_enrolments_course_status")

    op.drop_table("enrolments")
    with op.batch_alter_table("course_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_course_sessions_course_id"))

    op.drop_table("course_sessions")
    with op.batch_alter_table("campaign_participations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaign_participations_firm_id"))
        batch_op.drop_index(batch_op.f("ix_campaign_participations_campaign_id"))

    op.drop_table("campaign_participations")
    with op.batch_alter_table("trade_fairs", schema=None) as batch_op:
        batch_op.drop_index("ix_trade_fairs_consortium")

    op.drop_table("trade_fairs")
    with op.batch_alter_table("quality_seals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quality_seals_consortium_id"))

    op.drop_table("quality_seals")
    with op.batch_alter_table("courses", schema=None) as batch_op:
        batch_op.drop_index("ix_courses_consortium")

    op.drop_table("courses")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index("ix_campaigns_consortium")

    op.drop_table("campaigns")
