"""market board: full-text search index of the open orders only (PostgreSQL only)

The board searches open orders (``?status=open&q=``). With only the index over every
order (0002b), a selective word's few GIN matches were intersected with a bitmap of all
open orders from ``ix_orders_status_id``; this partial index holds the open orders alone,
so such a search reads its GIN entries and nothing else. The predicate is written as the
board query writes it (``status = 'open'``, a constant) so the planner can prove the
index applies. SQLite has no tsvector (the board searches with LIKE there): a no-op.

Revision ID: 0002d
Revises: 0002b
Create Date: 2026-11-23 12:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002d"
down_revision: str | None = "0002b"
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
            "ix_orders_open_search",
            "orders",
            [sa.text(SEARCH_DOCUMENT)],
            postgresql_using="gin",
            postgresql_where=sa.text("status::text = 'open'::text"),
        )


def downgrade() -> None:
    if _is_postgresql():
        op.drop_index("ix_orders_open_search", table_name="orders", postgresql_using="gin")
