"""Training courses: enrolment up to capacity, then a waitlist served in arrival order.

Every change to who holds a seat locks the course row first (``CourseRepository.lock``):
counting seats, choosing enrolled or waitlisted, and promoting from the waitlist then
happen one request at a time, and enrolment ids record the order requests were served.

Who may enrol: the owner or a manager of an active member firm (the firm's plain
``member`` role only reads), for anyone of its staff; a suspended firm may not (403).
The firm (owner/manager) or a consortium manager may cancel until the first session
starts; when a seat frees up, the longest-waiting waitlisted enrolment moves up.
"""

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.auth.viewer import Viewer
from distretto.consortia.service import active_member_firm_ids, get_consortium, require_member_firm
from distretto.firms.service import firms_by_id, get_firm
from distretto.kit import clock
from distretto.kit.concurrency import stale
from distretto.kit.errors import Conflict, Invalid, NotFound
from distretto.kit.events import emit, firm_key
from distretto.kit.exports import CalendarEntry, CsvDialect, csv_bytes, ics_bytes
from distretto.kit.messages import DEFAULT_LANG, Lang, text
from distretto.kit.pagination import Page, PageParams
from distretto.models import Course, CourseSession, Enrolment, SessionAttendance
from distretto.models.training import EnrolmentStatus
from distretto.training import events, policies, schemas
from distretto.training.repository import CourseRepository, EnrolmentRepository


async def _readable_course(session: AsyncSession, viewer: Viewer | None, course_id: int) -> Course:
    course = await CourseRepository(session).get_readable(viewer, course_id)
    if course is None:
        raise NotFound(
            f"Course {course_id} not found", code="course.not_found", params={"id": course_id}
        )
    return course


async def _readable_enrolment(
    session: AsyncSession, viewer: Viewer, enrolment_id: int
) -> Enrolment:
    enrolment = await EnrolmentRepository(session).get_readable(viewer, enrolment_id)
    if enrolment is None:
        raise NotFound(
            f"Enrolment {enrolment_id} not found",
            code="enrolment.not_found",
            params={"id": enrolment_id},
        )
    return enrolment


def _session_outs(sessions: Sequence[CourseSession]) -> list[schemas.SessionOut]:
    return [
        schemas.SessionOut(
            id=s.id, index=s.position, starts_at=s.starts_at, ends_at=s.ends_at, location=s.location
        )
        for s in sessions
        if s.id is not None
    ]


async def _enrolment_outs(
    session: AsyncSession, enrolments: Sequence[Enrolment]
) -> list[schemas.EnrolmentOut]:
    ids = [e.id for e in enrolments if e.id is not None]
    repo = EnrolmentRepository(session)
    firms = {
        f.id: f.name for f in await firms_by_id(session, sorted({e.firm_id for e in enrolments}))
    }
    queues = await repo.waitlist_ids(sorted({e.course_id for e in enrolments}))
    positions = {eid: n for queue in queues.values() for n, eid in enumerate(queue, start=1)}
    marks = await repo.attendance_of(ids)
    return [
        schemas.EnrolmentOut(
            id=e.id,
            course_id=e.course_id,
            firm_id=e.firm_id,
            firm_name=firms.get(e.firm_id, ""),
            participant_name=e.participant_name,
            participant_email=e.participant_email,
            status=e.status,
            waitlist_position=positions.get(e.id),
            created_at=e.created_at,
            promoted_at=e.promoted_at,
            cancelled_at=e.cancelled_at,
            attendance=[
                schemas.AttendanceOut(
                    session_id=s.id,
                    session_index=s.position,
                    present=mark.present,
                    marked_at=mark.marked_at,
                )
                for mark, s in marks.get(e.id, [])
            ],
        )
        for e in enrolments
        if e.id is not None
    ]


async def _course_outs(
    session: AsyncSession,
    viewer: Viewer | None,
    courses: Sequence[Course],
    *,
    with_my_enrolments: bool,
) -> list[schemas.CourseOut]:
    ids = [c.id for c in courses if c.id is not None]
    sessions = await CourseRepository(session).sessions_of(ids)
    enrolments = EnrolmentRepository(session)
    seats = await enrolments.seat_counts(ids)
    now = clock.now()
    outs = []
    for course in courses:
        assert course.id is not None
        consortium = await get_consortium(session, course.consortium_id)
        taken, waiting = seats[course.id]
        mine = (
            await _enrolment_outs(
                session, await enrolments.live_of_firms(course.id, viewer.firm_ids)
            )
            if with_my_enrolments and viewer is not None
            else []
        )
        outs.append(
            schemas.CourseOut(
                id=course.id,
                revision=course.revision,
                consortium_id=course.consortium_id,
                consortium_name=consortium.name,
                title=course.title,
                description=course.description,
                capacity=course.capacity,
                enrol_deadline=course.enrol_deadline,
                enrolment_open=now < course.enrol_deadline,
                sessions=_session_outs(sessions[course.id]),
                seats_taken=taken,
                seats_free=max(course.capacity - taken, 0),
                waitlist_length=waiting,
                created_at=course.created_at,
                my_enrolments=mine,
            )
        )
    return outs


# --- Courses ---------------------------------------------------------------------------------


async def create_course(
    session: AsyncSession, viewer: Viewer, consortium_id: int, data: schemas.CourseCreate
) -> schemas.CourseOut:
    consortium = await get_consortium(session, consortium_id)
    policies.require_manager(viewer, consortium_id)
    chronological = sorted(data.sessions, key=lambda s: (s.starts_at, s.ends_at))
    courses = CourseRepository(session)
    course = await courses.add(
        Course(
            consortium_id=consortium_id,
            created_by_user_id=viewer.user_id,
            title=data.title,
            description=data.description,
            capacity=data.capacity,
            enrol_deadline=data.enrol_deadline,
        )
    )
    assert course.id is not None
    await courses.add_sessions(
        [
            CourseSession(
                course_id=course.id,
                position=index,
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                location=s.location,
            )
            for index, s in enumerate(chronological)
        ]
    )
    members = await active_member_firm_ids(session, consortium_id)
    await emit(
        session,
        events.CourseCreated(
            course_id=course.id,
            consortium_id=consortium_id,
            consortium_name=consortium.name,
            title=course.title,
            first_session_at=chronological[0].starts_at,
            enrol_deadline=course.enrol_deadline,
        ),
        [firm_key(firm_id) for firm_id in members],
    )
    return (await _course_outs(session, viewer, [course], with_my_enrolments=True))[0]


async def list_courses(
    session: AsyncSession, viewer: Viewer | None, consortium_id: int, params: PageParams
) -> Page[schemas.CourseOut]:
    await get_consortium(session, consortium_id)
    rows, cursor = await CourseRepository(session).page_for_consortium(
        viewer, consortium_id, params
    )
    items = await _course_outs(session, viewer, rows, with_my_enrolments=False)
    return Page(items=items, next_cursor=cursor)


async def course_detail(session: AsyncSession, viewer: Viewer, course_id: int) -> schemas.CourseOut:
    course = await _readable_course(session, viewer, course_id)
    return (await _course_outs(session, viewer, [course], with_my_enrolments=True))[0]


async def update_course(
    session: AsyncSession,
    viewer: Viewer,
    course_id: int,
    data: schemas.CourseUpdate,
    expected: int | None = None,
) -> schemas.CourseOut:
    """A manager of the course's consortium changes what the course says. The course row
    is locked first, as every change to seats is: an enrolment racing a smaller capacity
    is counted before the capacity is judged."""
    await _readable_course(session, viewer, course_id)
    courses = CourseRepository(session)
    course = await courses.lock(course_id)
    assert course is not None and course.id is not None
    policies.require_manager(viewer, course.consortium_id)
    changes = data.model_dump(exclude_unset=True)
    taken, _ = (await EnrolmentRepository(session).seat_counts([course.id]))[course.id]
    if data.capacity is not None and data.capacity < taken:
        raise Invalid(
            "capacity",
            f"cannot be below the {taken} seats already taken",
            code="course.capacity_below_taken",
            params={"taken": taken},
        )
    if data.enrol_deadline is not None:
        first = min(s.starts_at for s in (await courses.sessions_of([course.id]))[course.id])
        if data.enrol_deadline > first:
            raise Invalid(
                "enrol_deadline",
                "must not be after the first session starts",
                code="course.deadline_after_start",
            )
    if not await courses.bump_revision(course, expected):
        stale(expected, course.revision + 1)  # another change committed since it was read
    for field, value in changes.items():
        setattr(course, field, value)
    await courses.add_and_flush(course)
    # More seats: the longest-waiting enrolments move up into them at once.
    await _fill_free_seats(session, course)
    return (await _course_outs(session, viewer, [course], with_my_enrolments=True))[0]


# --- Enrolments ------------------------------------------------------------------------------


async def enrol(
    session: AsyncSession, viewer: Viewer, course_id: int, data: schemas.EnrolmentIn
) -> schemas.EnrolmentOut:
    policies.require_firm_acting(viewer, data.firm_id)
    course = await CourseRepository(session).lock(course_id)
    if course is None:
        raise NotFound(
            f"Course {course_id} not found", code="course.not_found", params={"id": course_id}
        )
    consortium = await get_consortium(session, course.consortium_id)
    firm = await get_firm(session, data.firm_id)
    await require_member_firm(session, consortium, firm)
    if clock.now() >= course.enrol_deadline:
        raise Conflict(
            "The enrolment deadline for this course has passed", code="course.deadline_passed"
        )
    repo = EnrolmentRepository(session)
    if await repo.participant_enrolled(course_id, data.participant_email):
        raise Conflict(
            f"{data.participant_email} is already enrolled or waitlisted in this course",
            code="enrolment.duplicate",
            params={"email": data.participant_email},
        )
    taken, _ = (await repo.seat_counts([course_id]))[course_id]
    enrolment = await repo.add(
        Enrolment(
            course_id=course_id,
            firm_id=data.firm_id,
            enrolled_by_user_id=viewer.user_id,
            participant_name=data.participant_name,
            participant_email=data.participant_email,
            status=EnrolmentStatus.ENROLLED
            if taken < course.capacity
            else EnrolmentStatus.WAITLISTED,
        )
    )
    return (await _enrolment_outs(session, [enrolment]))[0]


async def enrolment_detail(
    session: AsyncSession, viewer: Viewer, enrolment_id: int
) -> schemas.EnrolmentOut:
    enrolment = await _readable_enrolment(session, viewer, enrolment_id)
    return (await _enrolment_outs(session, [enrolment]))[0]


async def _fill_free_seats(session: AsyncSession, course: Course) -> None:
    """Move the longest-waiting enrolments up into free seats (course row locked)."""
    assert course.id is not None
    repo = EnrolmentRepository(session)
    taken, _ = (await repo.seat_counts([course.id]))[course.id]
    free = course.capacity - taken
    if free <= 0:
        return
    now = clock.now()
    for waiting in await repo.waitlist(course.id, limit=free):
        waiting.status, waiting.promoted_at = EnrolmentStatus.ENROLLED, now
        await repo.save(waiting)
        await emit(
            session,
            events.EnrolmentPromoted(
                enrolment_id=waiting.id,
                course_id=course.id,
                course_title=course.title,
                participant_name=waiting.participant_name,
            ),
            [firm_key(waiting.firm_id)],
        )


async def cancel(session: AsyncSession, viewer: Viewer, enrolment_id: int) -> None:
    enrolment = await _readable_enrolment(session, viewer, enrolment_id)
    course = await CourseRepository(session).lock(enrolment.course_id)
    assert course is not None and course.id is not None
    policies.require_firm_or_manager(viewer, enrolment.firm_id, course.consortium_id)
    # Read again under the lock: a promotion may have changed it meanwhile.
    await EnrolmentRepository(session).reload_row(enrolment)
    if enrolment.status == EnrolmentStatus.CANCELLED:
        raise Conflict("This enrolment is already cancelled", code="enrolment.already_cancelled")
    sessions = (await CourseRepository(session).sessions_of([course.id]))[course.id]
    now = clock.now()
    if sessions and now >= sessions[0].starts_at:
        raise Conflict(
            "The course has started: enrolments can no longer be cancelled",
            code="enrolment.course_started",
        )
    held_a_seat = enrolment.status == EnrolmentStatus.ENROLLED
    enrolment.status, enrolment.cancelled_at = EnrolmentStatus.CANCELLED, now
    await EnrolmentRepository(session).save(enrolment)
    if held_a_seat:
        await _fill_free_seats(session, course)


async def course_enrolments(
    session: AsyncSession,
    viewer: Viewer,
    course_id: int,
    status: str | None,
    params: PageParams,
) -> Page[schemas.EnrolmentOut]:
    """Managers and staff see every enrolment; a firm sees its own."""
    await _readable_course(session, viewer, course_id)
    rows, cursor = await EnrolmentRepository(session).page_for_course(
        viewer, course_id, status, params
    )
    return Page(items=await _enrolment_outs(session, rows), next_cursor=cursor)


async def mark_attendance(
    session: AsyncSession, viewer: Viewer, enrolment_id: int, data: schemas.AttendanceIn
) -> schemas.EnrolmentOut:
    enrolment = await _readable_enrolment(session, viewer, enrolment_id)
    courses = CourseRepository(session)
    course = await courses.get(enrolment.course_id)
    assert course is not None and course.id is not None
    policies.require_manager(viewer, course.consortium_id)
    if (data.session_id is None) == (data.session_index is None):
        raise Invalid(
            "session_id",
            "give either session_id or session_index (not both)",
            code="attendance.session_ambiguous",
        )
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise Conflict(
            f"Only enrolled participants attend; this enrolment is {enrolment.status}",
            code="attendance.not_enrolled",
            params={"status": enrolment.status},
        )
    course_session = await courses.session_by(
        course.id, session_id=data.session_id, position=data.session_index
    )
    if course_session is None or course_session.id is None:
        field = "session_id" if data.session_id is not None else "session_index"
        raise Invalid(field, "this course has no such session", code="attendance.no_such_session")
    repo = EnrolmentRepository(session)
    assert enrolment.id is not None
    mark = await repo.attendance(enrolment.id, course_session.id) or SessionAttendance(
        enrolment_id=enrolment.id, session_id=course_session.id, present=data.present
    )
    mark.present, mark.marked_by_user_id, mark.marked_at = (
        data.present,
        viewer.user_id,
        clock.now(),
    )
    await repo.save_attendance(mark)
    return (await _enrolment_outs(session, [enrolment]))[0]


# --- Files -----------------------------------------------------------------------------------


async def calendar(
    session: AsyncSession, viewer: Viewer, course_id: int, lang: Lang = DEFAULT_LANG
) -> bytes:
    course = await _readable_course(session, viewer, course_id)
    assert course.id is not None
    consortium = await get_consortium(session, course.consortium_id)
    sessions = (await CourseRepository(session).sessions_of([course.id]))[course.id]
    return ics_bytes(
        course.title,
        [
            CalendarEntry(
                uid=f"course-{course.id}-session-{s.id}@distretto",
                summary=f"{course.title} ({s.position + 1}/{len(sessions)})",
                start=s.starts_at,
                end=s.ends_at,
                location=s.location,
                description=text("ics.course.description", lang, consortium=consortium.name),
            )
            for s in sessions
        ],
    )


async def attendance_register(
    session: AsyncSession,
    viewer: Viewer,
    course_id: int,
    dialect: CsvDialect = CsvDialect.STANDARD,
) -> bytes:
    """The register a secretary prints: every live enrolment, a column per session."""
    course = await _readable_course(session, viewer, course_id)
    assert course.id is not None
    policies.require_manager_or_staff(viewer, course.consortium_id)
    sessions = (await CourseRepository(session).sessions_of([course.id]))[course.id]
    live = await _enrolment_outs(
        session, await EnrolmentRepository(session).live_of_course(course.id)
    )
    header = ["enrolment_id", "status", "waitlist_position", "firm", "participant", "email"]
    header += [f"session_{s.position + 1}_{s.starts_at:%Y-%m-%d}" for s in sessions]
    return csv_bytes(
        header,
        [
            [
                e.id,
                e.status,
                e.waitlist_position or "",
                e.firm_name,
                e.participant_name,
                e.participant_email,
            ]
            + [_mark(e, s) for s in sessions]
            for e in live
        ],
        dialect,
    )


def _mark(enrolment: schemas.EnrolmentOut, course_session: CourseSession) -> str:
    for mark in enrolment.attendance:
        if mark.session_id == course_session.id:
            return "present" if mark.present else "absent"
    return ""
