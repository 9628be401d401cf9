"""Training courses a consortium runs for the staff of its member firms.

A course has dated sessions and a capacity; enrolments beyond it wait in a queue whose
order is the enrolment id (ids are drawn while the course row is locked, so they rise
in the order the requests were served).
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from distretto.kit import clock
from distretto.models.base import BigId, EnumText, UTCDateTime, one_of


class EnrolmentStatus(StrEnum):
    """Where a firm stands with a course."""

    ENROLLED = "enrolled"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


# Statuses that hold a seat or a place in the queue.
LIVE_ENROLMENT_STATUSES = (EnrolmentStatus.ENROLLED, EnrolmentStatus.WAITLISTED)


class Course(SQLModel, table=True):
    __tablename__ = "courses"
    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        Index("ix_courses_consortium", "consortium_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    consortium_id: int = Field(
        sa_column=Column(ForeignKey("consortia.id", ondelete="CASCADE"), nullable=False)
    )
    created_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    title: str = Field(max_length=200)
    description: str = Field(default="", max_length=8000)
    capacity: int
    enrol_deadline: datetime = Field(sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    # Raised by every PATCH: the ETag clients send back in If-Match (kit.concurrency).
    revision: int = Field(default=1)


class CourseSession(SQLModel, table=True):
    """One dated lesson; ``position`` is its 0-based place in chronological order."""

    __tablename__ = "course_sessions"
    __table_args__ = (
        UniqueConstraint("course_id", "position"),
        CheckConstraint("ends_at > starts_at", name="times_ordered"),
    )

    id: int | None = Field(default=None, primary_key=True)
    course_id: int = Field(
        sa_column=Column(ForeignKey("courses.id", ondelete="CASCADE"), nullable=False, index=True)
    )
    position: int
    starts_at: datetime = Field(sa_type=UTCDateTime)
    ends_at: datetime = Field(sa_type=UTCDateTime)
    location: str = Field(max_length=200)


class Enrolment(SQLModel, table=True):
    __tablename__ = "enrolments"
    __table_args__ = (
        one_of("status", EnrolmentStatus),
        # One live seat or queue place per person per course, whatever races happen.
        Index(
            "uq_enrolments_live_participant",
            "course_id",
            "participant_email",
            unique=True,
            sqlite_where=text("status IN ('enrolled','waitlisted')"),
            postgresql_where=text("status IN ('enrolled','waitlisted')"),
        ),
        Index("ix_enrolments_course_status", "course_id", "status", "id"),
        Index("ix_enrolments_firm", "firm_id", "id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    course_id: int = Field(
        sa_column=Column(ForeignKey("courses.id", ondelete="CASCADE"), nullable=False)
    )
    firm_id: int = Field(
        sa_column=Column(ForeignKey("firms.id", ondelete="CASCADE"), nullable=False)
    )
    enrolled_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    participant_name: str = Field(max_length=120)
    participant_email: str = Field(max_length=254)
    status: EnrolmentStatus = Field(sa_type=EnumText(EnrolmentStatus, 12))
    created_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
    promoted_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    cancelled_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class SessionAttendance(SQLModel, table=True):
    __tablename__ = "session_attendance"

    enrolment_id: int = Field(
        sa_column=Column(BigId, ForeignKey("enrolments.id", ondelete="CASCADE"), primary_key=True)
    )
    session_id: int = Field(
        sa_column=Column(
            ForeignKey("course_sessions.id", ondelete="CASCADE"), primary_key=True, index=True
        )
    )
    present: bool
    marked_by_user_id: int | None = Field(
        default=None, sa_column=Column(ForeignKey("users.id", ondelete="SET NULL"), nullable=True)
    )
    marked_at: datetime = Field(default_factory=clock.now, sa_type=UTCDateTime)
