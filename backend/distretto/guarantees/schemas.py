"""Request and response bodies of the confidi's guarantees."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from distretto.consortia.schemas import MoneyIn, MoneyOut
from distretto.kit.fields import DecimalIn, NotBlank
from distretto.kit.params import INT32_MAX, INT64_MAX
from distretto.models.guarantees import MAX_GUARANTEED_PERCENT, GuaranteeStatus

StatusFilter = GuaranteeStatus

Purpose = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000), NotBlank()
]
Reason = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000), NotBlank()
]
# Up to two decimals (62.50); above the confidi's ceiling the service refuses with its
# own code (guarantees.percent_too_high), which the schema states as the maximum.
Percent = Annotated[
    Decimal,
    DecimalIn(Decimal(100), 2, positive=True, published_maximum=MAX_GUARANTEED_PERCENT),
]
CapIn = Annotated[Decimal, DecimalIn(Decimal("9999999999.99"), 2, positive=False)]


class GuaranteeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm_id: Annotated[int, Field(ge=1, le=INT32_MAX)]
    amount: MoneyIn
    purpose: Purpose
    # An active contract the firm supplies: the guarantee backs an advance on it.
    contract_id: Annotated[int, Field(ge=1, le=INT64_MAX)] | None = None


class ApproveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    guaranteed_percent: Percent
    amount: MoneyIn
    expires_on: date


class RejectIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Reason


class CapPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cap: CapIn


class GuaranteeOut(BaseModel):
    id: int
    consortium_id: int
    consortium_name: str
    firm_id: int
    firm_name: str
    contract_id: int | None
    requested_amount: MoneyOut
    purpose: str
    # pending, approved, rejected, expired (an approval past its expiry reads expired).
    status: GuaranteeStatus
    amount: MoneyOut | None
    guaranteed_percent: Decimal | None
    expires_on: date | None
    # What the guarantee commits the confidi to now: amount * percent / 100 while live.
    exposure: MoneyOut
    reject_reason: str | None
    created_at: datetime
    decided_at: datetime | None


class CapOut(BaseModel):
    consortium_id: int
    firm_id: int
    firm_name: str
    cap: MoneyOut | None
    exposure: MoneyOut
    available: MoneyOut | None
    pending_requests: int
