"""Request and response bodies of the market board."""

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)

from distretto.models.market import OrderStatus as OrderStatus
from distretto.models.market import OrderVisibility

# Firm and consortium ids are 32-bit columns, market rows 64-bit: bound them so no request
# can make the database overflow (a 500) instead of answering 404/422.
MAX_ID32 = 2_147_483_647
MAX_ID64 = 9_223_372_036_854_775_807
# The largest amount a ``Money`` column (NUMERIC(14, 2)) holds.
MAX_AMOUNT = Decimal("999999999999.99")

Visibility = OrderVisibility
Id32 = Annotated[int, Field(ge=1, le=MAX_ID32)]
Id64 = Annotated[int, Field(ge=1, le=MAX_ID64)]
Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200)]
Unit = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)]
PhaseCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
Quantity = Annotated[int, Field(gt=0, le=100_000_000)]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
AnswerText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
CENT = Decimal("0.01")
# Accepted as "1250.00", "1250.5" or 1250.5; never more precise than cents. Normalised to
# cents so "1250" and 1250.0 are the same request (idempotency compares requests).
MoneyIn = Annotated[
    Decimal,
    Field(gt=0, le=MAX_AMOUNT, decimal_places=2),
    AfterValidator(lambda v: v.quantize(CENT)),
]
# Always two decimals in JSON, whatever the database returned.
MoneyOut = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str)]


def as_utc(value: datetime) -> datetime:
    """A timestamp without an offset is read as UTC, the platform's clock."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _utc_date(value: Any) -> Any:
    """Dates may come as "2026-12-01" or as a full ISO timestamp; take the UTC date then."""
    if isinstance(value, datetime):
        return as_utc(value).date()
    if isinstance(value, str) and len(value.strip()) > 10:
        try:
            return as_utc(datetime.fromisoformat(value.strip())).date()
        except ValueError:
            return value  # let the date parser explain what is wrong
    return value


Deadline = Annotated[datetime, AfterValidator(as_utc)]
CalendarDate = Annotated[date, BeforeValidator(_utc_date)]


# --- Orders -------------------------------------------------------------------------------


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm_id: Id32
    title: Title
    description: str = Field(default="", max_length=8000)
    phase: PhaseCode
    quantity: Quantity
    unit: Unit
    target_unit_price: MoneyIn | None = None
    bid_deadline: Deadline
    delivery_due: CalendarDate
    visibility: Visibility = OrderVisibility.PUBLIC
    invited_firm_ids: list[Id32] | None = Field(default=None, max_length=200)
    consortium_id: Id32 | None = None
    sealed: bool = False
    parent_contract_id: Id64 | None = None
    # "draft" keeps the order to the client until ``POST /orders/{id}/publish``.
    status: Literal[OrderStatus.OPEN, OrderStatus.DRAFT] = OrderStatus.OPEN


class OrderUpdate(BaseModel):
    """The terms a client may change while the order is a draft or open for bids."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    description: str | None = Field(default=None, max_length=8000)
    quantity: Quantity | None = None
    unit: Unit | None = None
    target_unit_price: MoneyIn | None = None
    bid_deadline: Deadline | None = None
    delivery_due: CalendarDate | None = None


class CancelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)


class OrderOut(BaseModel):
    id: int
    # ``firm_id`` is the field the client posted with; ``client_firm_id`` names the same
    # firm as contracts do.
    firm_id: int
    client_firm_id: int
    client_firm_name: str
    title: str
    description: str
    phase: str
    quantity: int
    unit: str
    target_unit_price: MoneyOut | None
    bid_deadline: datetime
    delivery_due: date
    visibility: str
    # Only the client firm (and staff) learn whom it invited and which of its contracts
    # it is subcontracting; everybody else reads null.
    invited_firm_ids: list[int] | None
    consortium_id: int | None
    sealed: bool
    parent_contract_id: int | None
    region: str
    # ``closed`` once the bid deadline has passed without an award.
    status: str
    revision: int
    bid_count: int
    created_at: datetime
    updated_at: datetime


class InvitedFirmOut(BaseModel):
    firm_id: int
    firm_name: str


# --- Questions ----------------------------------------------------------------------------


class QuestionCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text
    # Needed only when the asker belongs to more than one firm that may ask.
    firm_id: Id32 | None = None


class AnswerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: AnswerText


class QuestionOut(BaseModel):
    id: int
    order_id: int
    asker_firm_id: int
    text: str
    answer: str | None
    answered_at: datetime | None
    created_at: datetime


# --- Bids ---------------------------------------------------------------------------------


class BidCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm_id: Id32
    unit_price: MoneyIn
    delivery_date: CalendarDate
    notes: str = Field(default="", max_length=2000)


class BidUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_price: MoneyIn | None = None
    delivery_date: CalendarDate | None = None
    notes: str | None = Field(default=None, max_length=2000)


class BidOut(BaseModel):
    id: int
    order_id: int
    firm_id: int
    firm_name: str
    # null for the client while the order is sealed and bidding is still open.
    unit_price: MoneyOut | None
    total_price: MoneyOut | None
    amounts_hidden: bool
    delivery_date: date
    notes: str
    status: str
    # The order revision the bid was made or confirmed for.
    order_revision: int
    created_at: datetime
    updated_at: datetime


# --- Award --------------------------------------------------------------------------------


class AwardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bid_id: Id64
