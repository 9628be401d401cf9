"""Request and response bodies for training courses, enrolments and attendance."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from distretto.consortia.schemas import PlannedMoment, in_future
from distretto.kit.fields import NotBlank
from distretto.kit.params import INT32_MAX
from distretto.models.training import EnrolmentStatus

Title = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200), NotBlank()
]
PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=120), NotBlank()
]
Location = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200), NotBlank()
]


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_at: PlannedMoment
    ends_at: PlannedMoment
    location: Location

    @field_validator("ends_at")
    @classmethod
    def _ends_after_start(cls, value: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")
        if starts_at is not None and value <= starts_at:
            raise ValueError("must be after starts_at")
        return value


class CourseCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: Title
    description: str = Field(default="", max_length=8000)
    capacity: int = Field(ge=1, le=1000)
    # Declared before enrol_deadline so the deadline can be checked against them.
    sessions: list[SessionIn] = Field(min_length=1, max_length=60)
    enrol_deadline: PlannedMoment

    @field_validator("enrol_deadline")
    @classmethod
    def _deadline(cls, value: datetime, info: ValidationInfo) -> datetime:
        value = in_future(value)
        sessions = info.data.get("sessions")
        if sessions and value > min(s.starts_at for s in sessions):
            raise ValueError("must not be after the first session starts")
        return value


def _never_null(schema: dict[str, Any]) -> None:
    """A PATCH field may be left out, never sent as null: its schema offers no null."""
    [only] = [branch for branch in schema.pop("anyOf") if branch.get("type") != "null"]
    schema.update(only)


class CourseUpdate(BaseModel):
    """Only the fields sent change (the sessions stay as planned). null is not a value of
    any of them (refused naming the field; None here only means "not sent"). The rules
    that need the course (seats already taken, the first session's start) are the
    service's."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = Field(default=None, json_schema_extra=_never_null)
    description: str | None = Field(default=None, max_length=8000, json_schema_extra=_never_null)
    capacity: int | None = Field(default=None, ge=1, le=1000, json_schema_extra=_never_null)
    enrol_deadline: Annotated[PlannedMoment, AfterValidator(in_future)] | None = Field(
        default=None, json_schema_extra=_never_null
    )

    @field_validator("*", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null")
        return value


class SessionOut(BaseModel):
    id: int
    # 0-based place in chronological order; attendance may name a session by it.
    index: int
    starts_at: datetime
    ends_at: datetime
    location: str


class AttendanceOut(BaseModel):
    session_id: int
    session_index: int
    present: bool
    marked_at: datetime


class EnrolmentOut(BaseModel):
    id: int
    course_id: int
    firm_id: int
    firm_name: str
    participant_name: str
    participant_email: str
    status: EnrolmentStatus
    # 1 = next in line; null unless waitlisted.
    waitlist_position: int | None
    created_at: datetime
    promoted_at: datetime | None
    cancelled_at: datetime | None
    attendance: list[AttendanceOut]


class CourseOut(BaseModel):
    id: int
    # Bumped by every change; also the ETag (send it back as If-Match).
    revision: int
    consortium_id: int
    consortium_name: str
    title: str
    description: str
    capacity: int
    enrol_deadline: PlannedMoment
    enrolment_open: bool
    sessions: list[SessionOut]
    seats_taken: int
    seats_free: int
    waitlist_length: int
    created_at: datetime
    # The caller's firms' live enrolments in this course (detail only).
    my_enrolments: list[EnrolmentOut]


class EnrolmentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    firm_id: int = Field(gt=0, le=INT32_MAX)
    participant_name: PersonName
    participant_email: EmailStr = Field(max_length=254)

    @field_validator("participant_email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.lower()


class AttendanceIn(BaseModel):
    """Name the session by ``session_id`` or by ``session_index`` (0-based), not both."""

    model_config = ConfigDict(extra="forbid")

    session_id: int | None = Field(default=None, gt=0, le=INT32_MAX)
    session_index: int | None = Field(default=None, ge=0, le=59)
    present: bool
