"""Request and response bodies of contracts, their messages, reviews and disputes."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)

from distretto.kit.fields import (
    MAX_QUANTITY,
    CalendarDate,
    DecimalIn,
    MoneyIn,
    NotBlank,
    PercentOut,
    QuantityIn,
    QuantityOut,
    UnitPriceOut,
    WholeNumber,
)
from distretto.kit.terms import PaymentTerms
from distretto.models.contracts import ContractStatus as ContractStatus
from distretto.models.contracts import DisputeOutcome
from distretto.models.contracts import PartyRole as PartyRole
from distretto.models.trade import LotStatus

DisputeState = Literal["open", "resolved"]
FirmId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), NotBlank()
]
MessageText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000), NotBlank()
]
# A whole number of stars: 4 and 4.0 are the same JSON number; "4" and true are refused.
Rating = Annotated[int, Field(ge=1, le=5), WholeNumber]
# Two decimals in JSON, whatever the database returned.
MoneyOut = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str)]


class ContractOut(BaseModel):
    id: int
    order_id: int
    order_title: str
    bid_id: int
    client_firm_id: int
    client_firm_name: str
    supplier_firm_id: int
    supplier_firm_name: str
    phase: str
    quantity: QuantityOut
    unit: str
    unit_price: UnitPriceOut
    # quantity times unit_price, half-up to the cent (``kit.money.line_total``).
    total_price: MoneyOut
    due_date: date
    # Fixed at the award (issue 13).
    vat_rate: PercentOut
    vat_nature: str | None
    payment_terms: PaymentTerms
    delivery_tolerance_percent: PercentOut
    # The quantity the client accepted so far, over every delivered lot.
    accepted_quantity: QuantityOut = Decimal(0)
    status: str
    created_at: datetime
    delivered_at: datetime | None
    completed_at: datetime | None
    disputed_at: datetime | None
    cancelled_at: datetime | None
    dispute_reason: str | None
    dispute_opened_by_firm_id: int | None
    dispute_outcome: str | None
    dispute_note: str | None
    dispute_resolved_at: datetime | None
    # A settlement's discount; the client pays total_price - price_reduction.
    price_reduction: MoneyOut | None = None
    # Recorded by the system from the delivery time; null until delivered.
    on_time: bool | None
    # Still active after its due date.
    overdue: bool


class PartyAction(BaseModel):
    """For people in both firms of a contract: on whose behalf they act."""

    model_config = ConfigDict(extra="forbid")

    firm_id: FirmId | None = None


class DisputeIn(PartyAction):
    reason: Reason


class ResolveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # completed: the delivery stands; cancelled: the contract falls; settled: the parties
    # agree on a lower price (price_reduction) and the contract completes.
    outcome: DisputeOutcome
    note: Reason
    price_reduction: MoneyIn | None = None


class MessageIn(PartyAction):
    text: MessageText


class MessageOut(BaseModel):
    id: int
    contract_id: int
    firm_id: int
    firm_name: str
    user_id: int | None
    author_name: str | None
    text: str
    hidden: bool
    created_at: datetime


class ReviewIn(PartyAction):
    quality: Rating
    timeliness: Rating
    communication: Rating
    comment: str = Field(default="", max_length=2000)


class ReviewOut(BaseModel):
    id: int
    contract_id: int
    reviewer_firm_id: int
    reviewee_firm_id: int
    reviewee_role: str
    quality: int
    timeliness: int
    communication: int
    comment: str
    hidden: bool
    created_at: datetime


class ContractReviewsOut(BaseModel):
    """The reviews of one contract the caller may read (a list page of at most two)."""

    items: list[ReviewOut]
    next_cursor: str | None = None
    # When each side's review becomes readable by the other: as soon as both are in,
    # at the latest 14 days after completion. Null while the contract is not completed.
    released_at: datetime | None


# --- Delivery lots (issue 13) ---------------------------------------------------------

DdtNumber = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40), NotBlank()
]


class LotIn(PartyAction):
    """A lot the supplier delivered, with its transport document (DDT)."""

    quantity: QuantityIn
    ddt_number: DdtNumber
    ddt_date: CalendarDate


# What a client's check of a lot takes or sends back: none of it is allowed.
CheckedQuantity = Annotated[Decimal, DecimalIn(MAX_QUANTITY, 3, positive=False)]


class LotCheckIn(PartyAction):
    """The client's check of a lot: what it takes and what it sends back."""

    accepted_quantity: CheckedQuantity
    rejected_quantity: CheckedQuantity = Decimal(0)
    note: str = Field(default="", max_length=2000)


class LotOut(BaseModel):
    id: int
    contract_id: int
    quantity: QuantityOut
    ddt_number: str
    ddt_date: date
    delivered_at: datetime
    status: LotStatus
    accepted_quantity: QuantityOut
    rejected_quantity: QuantityOut
    note: str
    # Delivered on or before the contract's due date.
    on_time: bool
    checked_at: datetime | None
