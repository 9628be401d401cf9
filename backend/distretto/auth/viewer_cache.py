"""The viewer of a token, kept for a few seconds instead of read on every request.

Checking the token's signature and reading the viewer (a statement and a database round
trip) cost more than the rest of a board request's Python, on every authenticated
request, for facts that change a few times a year. The cache keeps each
token's ``Viewer`` for ``TTL_SECONDS`` at most, and forgets every entry at once when this
process writes to a table the viewer is read from (users, memberships, firms,
consortium managers): any statement on any connection of the engine, ORM or Core, is
seen, and the generation moves both when its transaction commits and when the connection
goes back to the pool (after the commit has landed), so a viewer read while such a
transaction was committing is never kept. Other processes forget their entries when
the change's event (a suspension, a membership approved or ended) reaches their live
dispatcher, within milliseconds; a change that sends no event reaches them at the TTL.

An entry also ends when a suspension of one of its firms reaches its end date (the
request that finds it so lifts it: ``viewer.load_viewer``) and is keyed by the token, so a
token minted anew never meets a viewer cached for another.
"""

import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

TTL_SECONDS = 2.0
MAX_ENTRIES = 20_000
# The tables ``auth.repository.VIEWER_FACTS`` reads.
VIEWER_TABLES = frozenset({"users", "memberships", "firms", "consortium_managers"})
_WRITTEN = "viewer_facts_written"


class _Generation:
    """Moves whenever viewer facts may have changed; entries of an older one are void."""

    value = 0

    @classmethod
    def bump(cls) -> None:
        cls.value += 1


@dataclass(frozen=True)
class _Entry:
    viewer: Any
    generation: int
    expires: float
    # The token's own expiry (epoch seconds): a hit skips the signature check, never this.
    token_expires: float
    # The earliest end date of a suspension of the viewer's firms: then it must be lifted.
    valid_before: datetime | None


class ViewerCache:
    def __init__(self, ttl: float = TTL_SECONDS, max_entries: int = MAX_ENTRIES) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._entries: OrderedDict[str, _Entry] = OrderedDict()

    @staticmethod
    def generation() -> int:
        return _Generation.value

    def get(self, token: str, now: datetime) -> Any | None:
        entry = self._entries.get(token)
        if entry is None:
            return None
        if (
            entry.generation != _Generation.value
            or entry.expires <= time.monotonic()
            or entry.token_expires <= time.time()
            or (entry.valid_before is not None and now >= entry.valid_before)
        ):
            del self._entries[token]
            return None
        return entry.viewer

    def put(
        self,
        token: str,
        viewer: Any,
        generation: int,
        valid_before: datetime | None,
        token_expires: datetime,
    ) -> None:
        """``token``: one whose signature and claims were just verified. ``generation``:
        as read before the viewer was loaded; a write seen since then means the viewer
        read may already be stale, and it is not kept."""
        if generation != _Generation.value:
            return
        if len(self._entries) >= self.max_entries:
            self._entries.popitem(last=False)
        self._entries[token] = _Entry(
            viewer,
            generation,
            time.monotonic() + self.ttl,
            token_expires.timestamp(),
            valid_before,
        )

    def clear(self) -> None:
        self._entries.clear()


def forget_all() -> None:
    """Void every process-local entry (another process changed some viewer's facts)."""
    _Generation.bump()


def _is_viewer_write(context: Any, statement: str) -> bool:
    if context.isinsert or context.isupdate or context.isdelete:
        table = getattr(getattr(context.compiled, "statement", None), "table", None)
        return getattr(table, "name", None) in VIEWER_TABLES if table is not None else True
    # Text statements (tests, migrations, clean-ups): judged by their words.
    if statement.lstrip()[:6].upper() not in ("INSERT", "UPDATE", "DELETE"):
        return False
    text = statement.lower()
    return any(name in text for name in VIEWER_TABLES)


def watch_engine(engine: Engine) -> None:
    """Move the generation on every write to a viewer table through ``engine``."""

    @event.listens_for(engine, "after_cursor_execute")
    def _seen(conn: Any, _cursor: Any, statement: str, _p: Any, context: Any, _m: Any) -> None:
        if _is_viewer_write(context, statement):
            conn.info[_WRITTEN] = True
            _Generation.bump()

    @event.listens_for(engine, "commit")
    def _committing(conn: Any) -> None:
        if conn.info.get(_WRITTEN):
            _Generation.bump()

    @event.listens_for(engine, "reset")
    def _returned(_dbapi: Any, record: Any, _state: Any) -> None:
        # On the connection's way back to the pool: its COMMIT has completed.
        if record.info.pop(_WRITTEN, False):
            _Generation.bump()
