"""Request and response bodies for consortia, trade fairs, campaigns and quality seals."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic.json_schema import SkipJsonSchema

from distretto.kit import clock
from distretto.kit.fields import DecimalIn, NotBlank
from distretto.kit.params import INT32_MAX
from distretto.models.consortia import ConsortiumKind, CostSplit, MemberStatus
from distretto.models.firms import FirmStatus

Kind = ConsortiumKind
Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200), NotBlank()
]
ConsortiumName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=160), NotBlank()
]
Place = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), NotBlank()
]
City = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NotBlank()
]
Country = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=60), NotBlank()
]
# Accepted as a string ("48500.00") or a number; cents at most.
MoneyIn = Annotated[Decimal, DecimalIn(Decimal("9999999999.99"), 2, positive=True)]
AreaIn = Annotated[Decimal, DecimalIn(Decimal(100_000), 2, positive=True)]
MoneyOut = Annotated[Decimal, PlainSerializer(lambda v: f"{v:.2f}", return_type=str)]


# Fairs, campaigns and courses are planned at most this far ahead; later dates are typos.
PLANNING_HORIZON = timedelta(days=5 * 366)


def as_utc(value: datetime) -> datetime:
    """Timestamps without an offset are taken as UTC, the platform's clock."""
    try:
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except OverflowError as exc:  # e.g. 9999-12-31T23:00-05:00
        raise ValueError("is out of range") from exc


def _within_horizon(value: date) -> date:
    day = value.date() if isinstance(value, datetime) else value
    if day > clock.today() + PLANNING_HORIZON:
        raise ValueError("is more than five years ahead")
    return value


PlannedDate = Annotated[date, AfterValidator(_within_horizon)]
PlannedMoment = Annotated[datetime, AfterValidator(as_utc), AfterValidator(_within_horizon)]


def in_future(value: datetime) -> datetime:
    value = as_utc(value)
    if value <= clock.now():
        raise ValueError("must be in the future")
    return value


def _not_before(info: ValidationInfo, earlier_field: str, value: date, message: str) -> None:
    earlier = info.data.get(earlier_field)
    if earlier is not None and value < earlier:
        raise ValueError(message)


# --- Consortia and membership --------------------------------------------------------------


class ConsortiumCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ConsortiumName
    description: str = Field(default="", max_length=4000)
    kind: Kind


class ConsortiumUpdate(BaseModel):
    """Only the fields sent change. null is not a value of any of them: the schema says
    so (``SkipJsonSchema``) and the service refuses it (422 ``validation.not_null``)."""

    model_config = ConfigDict(extra="forbid")

    name: ConsortiumName | SkipJsonSchema[None] = None
    description: Annotated[str, Field(max_length=4000)] | SkipJsonSchema[None] = None
    kind: Kind | SkipJsonSchema[None] = None


class ConsortiumOut(BaseModel):
    id: int
    # Bumped by every change; also the ETag (send it back as If-Match).
    revision: int
    name: str
    description: str
    kind: Kind
    created_at: datetime
    member_count: int
    # The caller's relation to the consortium: manager, member (through a firm) or null.
    viewer_role: Literal["manager", "member"] | None


class MemberFirmOut(BaseModel):
    firm_id: int
    firm_name: str
    region: str
    province: str | None
    phases: list[str]
    verified: bool
    firm_status: FirmStatus
    status: MemberStatus
    requested_at: datetime
    decided_at: datetime | None


class ConsortiumDetail(ConsortiumOut):
    members: list[MemberFirmOut]
    # Join requests waiting for a decision; only managers (and staff) see them.
    pending: list[MemberFirmOut] | None


class MembershipRequestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm_id: int = Field(gt=0, le=INT32_MAX)


class MembershipOut(BaseModel):
    consortium_id: int
    firm_id: int
    status: str
    requested_at: datetime
    decided_at: datetime | None


class ManagerIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr = Field(max_length=254)


class ManagerOut(BaseModel):
    user_id: int
    full_name: str
    email: str
    since: datetime


class SealBadgeOut(BaseModel):
    seal_id: int
    name: str
    consortium_id: int
    consortium_name: str


class ReputationBadgeOut(BaseModel):
    score: float | None
    contracts: int


class ShowcaseFirmOut(BaseModel):
    id: int
    name: str
    region: str
    province: str | None
    size_class: str
    description: str
    phases: list[str]
    verified: bool
    seals: list[SealBadgeOut]
    # As a supplier, over all phases; null when the firm has no completed contract yet.
    reputation: ReputationBadgeOut | None


class ShowcaseFairOut(BaseModel):
    name: str
    venue: str
    city: str
    country: str
    starts_on: date
    ends_on: date


class ShowcaseOut(BaseModel):
    id: int
    name: str
    kind: str
    description: str
    firms: list[ShowcaseFirmOut]
    upcoming_trade_fairs: list[ShowcaseFairOut]


# --- Trade fairs -----------------------------------------------------------------------------


class TradeFairCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Title
    venue: Place
    city: City
    country: Country
    starts_on: PlannedDate
    ends_on: PlannedDate
    signup_deadline: PlannedMoment
    total_cost: MoneyIn
    booth_area_m2: AreaIn
    cost_split: CostSplit
    max_firms: int = Field(ge=1, le=500)

    @field_validator("ends_on")
    @classmethod
    def _ends_after_start(cls, value: date, info: ValidationInfo) -> date:
        _not_before(info, "starts_on", value, "must be on or after starts_on")
        return value

    @field_validator("signup_deadline")
    @classmethod
    def _deadline_before_start(cls, value: datetime, info: ValidationInfo) -> datetime:
        value = in_future(value)
        starts_on = info.data.get("starts_on")
        if starts_on is not None and value.date() >= starts_on:
            raise ValueError("must be before the day the fair starts")
        return value


class ParticipantOut(BaseModel):
    firm_id: int
    firm_name: str
    area_m2: float | None
    signed_up_at: datetime


class TradeFairOut(BaseModel):
    id: int
    consortium_id: int
    consortium_name: str
    name: str
    venue: str
    city: str
    country: str
    starts_on: date
    ends_on: date
    signup_deadline: datetime
    total_cost: MoneyOut
    booth_area_m2: float
    cost_split: str
    max_firms: int
    # "closed" once a manager closes signups; signups_open also turns false at the deadline.
    status: str
    signups_open: bool
    participant_count: int
    area_taken_m2: float
    # Firms signed up, in signup order; null in lists (ask for the fair itself).
    participants: list[ParticipantOut] | None


class ParticipationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm_id: int = Field(gt=0, le=INT32_MAX)
    area_m2: AreaIn | None = None


class CostLineOut(BaseModel):
    firm_id: int
    firm_name: str
    area_m2: float | None
    share: MoneyOut


# --- Campaigns -------------------------------------------------------------------------------


class CampaignCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: str = Field(default="", max_length=8000)
    budget: MoneyIn
    starts_on: PlannedDate
    ends_on: PlannedDate

    @field_validator("ends_on")
    @classmethod
    def _ends_after_start(cls, value: date, info: ValidationInfo) -> date:
        _not_before(info, "starts_on", value, "must be on or after starts_on")
        if value < clock.today():
            raise ValueError("the campaign would already be over")
        return value


class CampaignParticipantOut(BaseModel):
    firm_id: int
    firm_name: str
    joined_at: datetime


class CampaignOut(BaseModel):
    id: int
    consortium_id: int
    consortium_name: str
    title: str
    description: str
    budget: MoneyOut
    starts_on: date
    ends_on: date
    participant_count: int
    # Null in lists (ask for the campaign itself).
    participants: list[CampaignParticipantOut] | None


class CampaignParticipationIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm_id: int = Field(gt=0, le=INT32_MAX)


# --- Quality seals ---------------------------------------------------------------------------


class SealCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: ConsortiumName
    description: str = Field(default="", max_length=4000)
    # On the 0-100 reputation scale, as a supplier over all phases.
    min_reputation: float | None = Field(default=None, ge=0, le=100)
    require_verified: bool = False


class SealHolderOut(BaseModel):
    firm_id: int
    firm_name: str
    granted_at: datetime


class SealOut(BaseModel):
    id: int
    consortium_id: int
    consortium_name: str
    name: str
    description: str
    min_reputation: float | None
    require_verified: bool
    created_at: datetime
    holders: list[SealHolderOut]


class GrantIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm_id: int = Field(gt=0, le=INT32_MAX)


class FirmSealOut(BaseModel):
    seal_id: int
    name: str
    description: str
    consortium_id: int
    consortium_name: str
    granted_at: datetime
