"""Column types and helpers shared by every table."""

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer, MetaData, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import SQLModel

# Stable constraint names so alembic migrations are identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
SQLModel.metadata.naming_convention = NAMING_CONVENTION
metadata: MetaData = SQLModel.metadata

# SQLite only auto-increments a column declared exactly INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


def one_of(
    column: str, values: type[StrEnum], *, nullable: bool = False, name: str | None = None
) -> CheckConstraint:
    """The CHECK constraint that keeps ``column`` within an enum's values.

    Built from the enum so the two cannot drift; the SQL text is exactly what the
    migrations wrote (``status IN ('a','b')``), so alembic sees no change.
    """
    allowed = f"{column} IN ({','.join(repr(str(v)) for v in values)})"
    sql = f"{column} IS NULL OR {allowed}" if nullable else allowed
    # The enum rides along so a test can compare it with what the migrations created.
    return CheckConstraint(sql, name=name or column, info={"enum": values, "column": column})


class EnumText(TypeDecorator[StrEnum]):
    """A StrEnum stored as VARCHAR(length): rows load as enum members, not bare strings,
    and a value outside the enum is refused before it reaches the database."""

    impl = String
    cache_ok = True

    def __init__(self, enum: type[StrEnum], length: int) -> None:
        super().__init__(length)
        self.enum = enum

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else str(self.enum(value))

    def process_result_value(self, value: Any, dialect: Dialect) -> StrEnum | None:
        return None if value is None else self.enum(value)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware timestamps everywhere; SQLite drops the offset, so restore it."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: always store UTC-aware timestamps")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Money(TypeDecorator[Decimal]):
    """EUR amounts with cents; SQLite has no DECIMAL, so store as scaled Numeric."""

    impl = Numeric(14, 2)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return Decimal(value).quantize(Decimal("0.01"))

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(Decimal("0.01"))


class _ScaledDecimal(TypeDecorator[Decimal]):
    """An exact decimal with a fixed number of places. PostgreSQL keeps NUMERIC exactly;
    SQLite has no DECIMAL type, so values are quantized on the way in and out (the number
    of significant digits stays within what SQLite's REAL round-trips exactly)."""

    impl = Numeric(15, 3)
    cache_ok = True
    quantum = Decimal("0.001")

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        return Decimal(value).quantize(self.quantum)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return Decimal(str(value)).quantize(self.quantum)


class Quantity(_ScaledDecimal):
    """A quantity with up to three decimals (1250.5 kg, 18500 m)."""

    impl = Numeric(15, 3)
    cache_ok = True
    quantum = Decimal("0.001")


class UnitPrice(_ScaledDecimal):
    """A unit price in EUR with up to four decimals (0.035 per metre)."""

    impl = Numeric(14, 4)
    cache_ok = True
    quantum = Decimal("0.0001")


class Percent(_ScaledDecimal):
    """A percentage with two decimals (VAT 22.00, tolerance 5.00)."""

    impl = Numeric(5, 2)
    cache_ok = True
    quantum = Decimal("0.01")
