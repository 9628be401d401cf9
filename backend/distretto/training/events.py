"""Training's live events."""

from datetime import datetime
from typing import ClassVar

from distretto.kit.events import EventPayload


class CourseCreated(EventPayload):
    """Told to every member firm of the organising consortium."""

    TYPE: ClassVar[str] = "course.created"
    course_id: int
    consortium_id: int
    consortium_name: str
    title: str
    first_session_at: datetime
    enrol_deadline: datetime


class EnrolmentPromoted(EventPayload):
    """A waitlisted enrolment got a seat: told to the enrolled firm only."""

    TYPE: ClassVar[str] = "enrolment.promoted"
    enrolment_id: int
    course_id: int
    course_title: str
    participant_name: str
