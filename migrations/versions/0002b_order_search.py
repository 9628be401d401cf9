"""market board: full-text search index on orders (PostgreSQL only)

A GIN index over the title and description of every order, read by the board's
``?q=`` search. SQLite has no tsvector; there the board searches with LIKE, so this
revision does nothing on SQLite.

Revision ID: 0002b
Revises: 0002
Create Date: 2026-11-23 09:12:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002b"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Same text as ``distretto.models.market.ORDER_SEARCH_DOCUMENT`` (copied: migrations
# must not change when the application code does).
SEARCH_DOCUMENT = (
    "to_tsvector('simple'::regconfig, (title::text || ' '::text) || description::text)"
)


def _is_postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    if _is_postgresql():
        op.create_index(
            "ix_orders_search", "orders", [sa.text(SEARCH_DOCUMENT)], postgresql_using="gin"
        )


def downgrade() -> None:
    if _is_postgresql():
        op.drop_index("ix_orders_search", table_name="orders", postgresql_using="gin")
