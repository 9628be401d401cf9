"""Dispute settlements with a price reduction; suspensions with an end date.

Revision ID: 0070
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0070"
down_revision: str | None = "0050"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OUTCOMES_BEFORE = "dispute_outcome IS NULL OR dispute_outcome IN ('completed','cancelled')"
OUTCOMES_AFTER = "dispute_outcome IS NULL OR dispute_outcome IN ('completed','cancelled','settled')"


def upgrade() -> None:
    # Batch mode: SQLite rebuilds the table to change a CHECK constraint.
    with op.batch_alter_table("contracts") as batch_op:
        batch_op.add_column(sa.Column("price_reduction", sa.Numeric(14, 2), nullable=True))
        batch_op.drop_constraint(op.f("ck_contracts_dispute_outcome"), type_="check")
        batch_op.create_check_constraint("dispute_outcome", OUTCOMES_AFTER)
    with op.batch_alter_table("firms") as batch_op:
        batch_op.add_column(sa.Column("suspended_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("firms") as batch_op:
        batch_op.drop_column("suspended_until")
    with op.batch_alter_table("contracts") as batch_op:
        batch_op.drop_constraint(op.f("ck_contracts_dispute_outcome"), type_="check")
        batch_op.create_check_constraint("dispute_outcome", OUTCOMES_BEFORE)
        batch_op.drop_column("price_reduction")
