"""Shared pieces of the market repositories: row locks, cursors, unique keys."""

import re
from typing import Any, Literal

from sqlalchemy.exc import IntegrityError

from distretto.kit.errors import Invalid
from distretto.kit.pagination import PageParams, decode_cursor

Lock = Literal["share", "update"] | None
# Words of a board search: letters and digits only, so nothing needs escaping for
# LIKE or for to_tsquery; a few words are plenty and keep the query cheap.
_WORD = re.compile(r"[^\W_]+")
MAX_SEARCH_WORDS = 8


def _locked(stmt: Any, lock: Lock, of: Any = None) -> Any:
    """``of``: lock only this table's rows when the statement joins others."""
    if lock is None:
        return stmt
    # SQLite ignores FOR UPDATE / FOR SHARE: there BEGIN IMMEDIATE serialises writers.
    return stmt.with_for_update(read=lock == "share", of=of).execution_options(
        populate_existing=True
    )


def _checked_cursor(params: PageParams) -> int | None:
    """The id a cursor points after; a forged cursor is a 422, never a database error."""
    if not params.cursor:
        return None
    (after,) = decode_cursor(params.cursor, 1)
    # Market tables are keyed by BIGINT: a larger value would overflow the parameter.
    if not isinstance(after, int) or isinstance(after, bool) or abs(after) > 2**63 - 1:
        raise Invalid("cursor", "is not a cursor this list returned", code="cursor.invalid")
    return after


# How each unique key the market relies on is reported: PostgreSQL names the constraint,
# SQLite lists its columns.
UNIQUE_KEYS = {
    "uq_bids_one_live_per_firm": "bids.order_id, bids.firm_id",
    "uq_contracts_order_id": "contracts.order_id",
    "uq_contracts_bid_id": "contracts.bid_id",
}


def is_unique_violation(exc: IntegrityError, constraint: str) -> bool:
    message = str(exc.orig)
    return f'"{constraint}"' in message or message.endswith(
        f"UNIQUE constraint failed: {UNIQUE_KEYS[constraint]}"
    )
