"""One head: join the branches that grew from 0002 (search, reputation means, consortia,
notifications, moderation). Every later revision descends from this one.

Revision ID: 0006
"""

from collections.abc import Sequence

revision: str = "0006"
down_revision: str | tuple[str, ...] | None = ("0002c", "0002d", "0003", "0004", "0005")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
