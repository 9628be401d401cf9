"""Request and response bodies of contracts, their messages, reviews and disputes."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

from distretto.models.contracts import ContractStatus as ContractStatus
from distretto.models.contracts import DisputeOutcome
from distretto.models.contracts import PartyRole as PartyRole

DisputeState = Literal["open", "resolved"]
FirmId = Annotated[int, Field(ge=1, le=2**31 - 1)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
MessageText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
]
Rating = Annotated[int, Field(strict=True, ge=1, le=5)]
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
    quantity: int
    unit: str
    unit_price: MoneyOut
    total_price: MoneyOut
    due_date: date
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
    price_reduction: Annotated[Decimal, Field(gt=0, max_digits=14, decimal_places=2)] | None = None


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
