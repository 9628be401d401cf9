"""Request and response bodies of the market board."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
)

from distretto.kit.fields import CENT as CENT
from distretto.kit.fields import MAX_AMOUNT as MAX_AMOUNT
from distretto.kit.fields import CalendarDate as CalendarDate
from distretto.kit.fields import (
    DecimalIn,
    NotBlank,
    PercentIn,
    PercentOut,
    QuantityIn,
    QuantityOut,
    UnitPriceIn,
    UnitPriceOut,
)
from distretto.kit.fields import MoneyIn as MoneyIn
from distretto.kit.fields import MoneyOut as MoneyOut
from distretto.kit.fields import PhaseCode as PhaseCode
from distretto.kit.fields import Unit as Unit
from distretto.kit.fields import as_utc as as_utc
from distretto.kit.terms import PaymentTerms
from distretto.models.market import OrderStatus as OrderStatus
from distretto.models.market import OrderVisibility
from distretto.models.trade import VatNature

# Firm and consortium ids are 32-bit columns, market rows 64-bit: bound them so no request
# can make the database overflow (a 500) instead of answering 404/422.
MAX_ID32 = 2_147_483_647
MAX_ID64 = 9_223_372_036_854_775_807

Visibility = OrderVisibility
Id32 = Annotated[int, Field(ge=1, le=MAX_ID32)]
Id64 = Annotated[int, Field(ge=1, le=MAX_ID64)]
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=200), NotBlank()
]
# Orders offer at most ±20% delivery tolerance (the district's usual is ±5%).
Tolerance = Annotated[Decimal, DecimalIn(Decimal(20), 2, positive=False)]
Text = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000), NotBlank()
]
AnswerText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), NotBlank()
]


Deadline = Annotated[datetime, AfterValidator(as_utc)]


# --- Orders -------------------------------------------------------------------------------


class OrderCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm_id: Id32
    title: Title
    description: str = Field(default="", max_length=8000)
    phase: PhaseCode
    quantity: QuantityIn
    unit: Unit
    target_unit_price: UnitPriceIn | None = None
    bid_deadline: Deadline
    delivery_due: CalendarDate
    # The trade terms the client proposes; a 0% VAT rate needs its nature code.
    vat_rate: PercentIn = Decimal("22.00")
    vat_nature: VatNature | None = None
    payment_terms: PaymentTerms = Field(default_factory=PaymentTerms)
    delivery_tolerance_percent: Tolerance = Decimal("0.00")
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
    quantity: QuantityIn | None = None
    unit: Unit | None = None
    target_unit_price: UnitPriceIn | None = None
    bid_deadline: Deadline | None = None
    delivery_due: CalendarDate | None = None
    vat_rate: PercentIn | None = None
    vat_nature: VatNature | None = None
    payment_terms: PaymentTerms | None = None
    delivery_tolerance_percent: Tolerance | None = None


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
    quantity: QuantityOut
    unit: str
    target_unit_price: UnitPriceOut | None
    bid_deadline: datetime
    delivery_due: date
    vat_rate: PercentOut
    vat_nature: VatNature | None
    payment_terms: PaymentTerms
    delivery_tolerance_percent: PercentOut
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
    # None unless the viewer is the asking firm, the client or staff.
    asker_firm_id: int | None
    text: str
    answer: str | None
    answered_at: datetime | None
    created_at: datetime


# --- Bids ---------------------------------------------------------------------------------


class BidCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm_id: Id32
    unit_price: UnitPriceIn
    delivery_date: CalendarDate
    notes: str = Field(default="", max_length=2000)
    # The payment terms the bidder confirms; left out, the order's.
    payment_terms: PaymentTerms | None = None


class BidUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    unit_price: UnitPriceIn | None = None
    delivery_date: CalendarDate | None = None
    notes: str | None = Field(default=None, max_length=2000)
    payment_terms: PaymentTerms | None = None


class BidOut(BaseModel):
    id: int
    order_id: int
    firm_id: int
    firm_name: str
    # null for the client while the order is sealed and bidding is still open.
    unit_price: UnitPriceOut | None
    total_price: MoneyOut | None
    amounts_hidden: bool
    payment_terms: PaymentTerms
    delivery_date: date
    notes: str
    status: str
    # The order revision the bid was made or confirmed for.
    order_revision: int
    # Below the reference tariff's minimum in force when the bid was priced; null for the
    # client while the amounts are sealed.
    below_tariff: bool | None = None
    created_at: datetime
    updated_at: datetime


# --- Award --------------------------------------------------------------------------------


class AwardIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    bid_id: Id64
