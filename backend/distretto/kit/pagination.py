"""Keyset pagination: ``?cursor=&limit=`` in, ``{items, next_cursor}`` out.

The cursor is the sort key of the last row returned, so any page costs the same as
the first one (no OFFSET scans).
"""

import base64
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel
from sqlalchemy import BigInteger, Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from distretto.kit.errors import Invalid

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None


class PageParams(BaseModel):
    cursor: str | None = None
    limit: int = 20


# A cursor is URL-safe base64 (what ``encode_cursor`` writes); the schema says so.
CursorQuery = Annotated[str | None, Query(max_length=200, pattern=r"^[A-Za-z0-9_-]+$")]


# async although it awaits nothing: FastAPI runs a plain ``def`` dependency in its thread
# pool, a thread hop on every list request.
async def page_params(
    cursor: CursorQuery = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> PageParams:
    return PageParams(cursor=cursor, limit=limit)


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, width: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, TypeError) as exc:
        raise Invalid(
            "cursor", "is not a cursor this list returned", code="cursor.invalid"
        ) from exc
    if not isinstance(values, list) or len(values) != width:
        raise Invalid("cursor", "is not a cursor this list returned", code="cursor.invalid")
    return values


def decode_int_cursor(cursor: str, width: int) -> list[int]:
    """A cursor of ``width`` BIGINT values; a value the column cannot hold is refused
    here, not by the database as an overflow (a 500)."""
    values = decode_cursor(cursor, width)
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**63 - 1:
            raise Invalid("cursor", "is not a cursor this list returned", code="cursor.invalid")
    return values


def decode_id_cursor(cursor: str) -> int:
    """A cursor holding one id (0 allowed: "from the start")."""
    (value,) = decode_int_cursor(cursor, 1)
    if value < 0:
        raise Invalid("cursor", "is not a cursor this list returned", code="cursor.invalid")
    return value


def _python_type(key: ColumnElement[Any]) -> type:
    # TypeDecorators (our UTCDateTime, SQLModel's AutoString) know it through their impl.
    for column_type in (getattr(key.type, "impl", None), key.type):
        try:
            found = column_type.python_type  # type: ignore[union-attr]
        except (NotImplementedError, AttributeError):
            continue
        if found is not object:
            return found
    return object


def _int_range(key: ColumnElement[Any]) -> int:
    """The largest magnitude the key column holds: a larger cursor value would overflow
    the database's parameter (a 500) instead of naming a row."""
    return 2**63 - 1 if isinstance(key.type, BigInteger) else 2**31 - 1


def _typed(values: list[Any], keys: Sequence[ColumnElement[Any]]) -> list[Any]:
    """Refuse a forged cursor whose values do not fit the key columns (a 422, not a
    database type error)."""
    typed = []
    for value, key in zip(values, keys, strict=True):
        expected = _python_type(key)
        if expected is int and (
            isinstance(value, bool) or not isinstance(value, int) or abs(value) > _int_range(key)
        ):
            raise Invalid("cursor", "is not a cursor this list returned", code="cursor.invalid")
        if expected is str and not isinstance(value, str):
            raise Invalid("cursor", "is not a cursor this list returned", code="cursor.invalid")
        if expected is datetime:
            # Timestamps travel as text; compared as text, SQLite would order them wrongly.
            try:
                value = datetime.fromisoformat(value)
            except (TypeError, ValueError) as exc:
                raise Invalid(
                    "cursor", "is not a cursor this list returned", code="cursor.invalid"
                ) from exc
            if value.tzinfo is None:
                raise Invalid("cursor", "is not a cursor this list returned", code="cursor.invalid")
        typed.append(value)
    return typed


async def keyset_page(
    session: AsyncSession,
    stmt: Select[Any],
    keys: Sequence[ColumnElement[Any]],
    params: PageParams,
    *,
    descending: bool = True,
) -> tuple[list[Any], str | None]:
    """Page ``stmt`` (which selects one entity) by ``keys``, all in one direction.

    The last key must be unique (normally the id) so the order is total.
    """
    if params.cursor:
        after = _typed(decode_cursor(params.cursor, len(keys)), keys)
        row_key = tuple_(*keys) if len(keys) > 1 else keys[0]
        bound = tuple_(*after) if len(keys) > 1 else after[0]
        stmt = stmt.where(row_key < bound if descending else row_key > bound)
    ordering = [k.desc() if descending else k.asc() for k in keys]
    rows = list((await session.scalars(stmt.order_by(*ordering).limit(params.limit + 1))).all())
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, str(k.key)) for k in keys])
    return rows, next_cursor
