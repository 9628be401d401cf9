"""reputation: the district's daily mean of each signal (the Bayesian prior's centre)

Revision ID: 0002c
Revises: 0002
Create Date: 2026-11-23 10:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002c"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reputation_district_means",
        sa.Column("formula_version", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("means", sa.JSON(), nullable=False),
        sa.Column("contracts", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "formula_version", "role", "as_of", name=op.f("pk_reputation_district_means")
        ),
    )


def downgrade() -> None:
    op.drop_table("reputation_district_means")
