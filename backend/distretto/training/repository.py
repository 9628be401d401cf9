"""All SQL of training courses, enrolments and attendance.

A course is readable by its consortium's managers, the users of its active member
firms, firms that have enrolled someone in it, and staff. An enrolment is readable by
its firm, by the managers of the course's consortium, and by staff.
"""

from collections.abc import Sequence

from sqlalchemy import false, func, or_
from sqlmodel import col, select
from sqlmodel.sql.expression import SelectOfScalar

from distretto.auth.viewer import Viewer
from distretto.kit.pagination import PageParams, keyset_page
from distretto.kit.repository import Repository
from distretto.models import ConsortiumMember, Course, CourseSession, Enrolment, SessionAttendance
from distretto.models.consortia import MemberStatus
from distretto.models.training import LIVE_ENROLMENT_STATUSES, EnrolmentStatus


class CourseRepository(Repository):
    def readable(self, viewer: Viewer | None) -> SelectOfScalar[Course]:
        stmt = select(Course)
        if viewer is None:
            return stmt.where(false())
        if viewer.is_staff:
            return stmt
        return stmt.where(
            or_(
                col(Course.consortium_id).in_(sorted(viewer.managed_consortia)),
                col(Course.consortium_id).in_(member_consortium_ids(viewer.firm_ids)),
                col(Course.id).in_(
                    select(Enrolment.course_id).where(col(Enrolment.firm_id).in_(viewer.firm_ids))
                ),
            )
        )

    async def get_readable(self, viewer: Viewer | None, course_id: int) -> Course | None:
        return (
            await self.session.scalars(self.readable(viewer).where(Course.id == course_id))
        ).first()

    async def get(self, course_id: int) -> Course | None:
        return await self.session.get(Course, course_id)

    async def lock(self, course_id: int) -> Course | None:
        """Load the course holding its row lock: seat counting and the queue order rely on it.

        On PostgreSQL ``SELECT … FOR UPDATE`` makes concurrent enrolments wait their
        turn, so enrolment ids (drawn after the lock) rise in the order requests were
        served. SQLite serialises write transactions (``BEGIN IMMEDIATE``) anyway.
        """
        return (
            await self.session.scalars(
                select(Course)
                .where(Course.id == course_id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        ).first()

    async def add(self, course: Course) -> Course:
        self.session.add(course)
        await self.session.flush()
        return course

    async def add_sessions(self, sessions: Sequence[CourseSession]) -> None:
        self.session.add_all(sessions)
        await self.session.flush()

    async def page_for_consortium(
        self, viewer: Viewer | None, consortium_id: int, params: PageParams
    ) -> tuple[list[Course], str | None]:
        stmt = self.readable(viewer).where(Course.consortium_id == consortium_id)
        return await keyset_page(self.session, stmt, [Course.id], params)

    async def sessions_of(self, course_ids: Sequence[int]) -> dict[int, list[CourseSession]]:
        rows = await self.session.scalars(
            select(CourseSession)
            .where(col(CourseSession.course_id).in_(course_ids))
            .order_by(CourseSession.course_id, CourseSession.position)
        )
        result: dict[int, list[CourseSession]] = {cid: [] for cid in course_ids}
        for row in rows.all():
            result[row.course_id].append(row)
        return result

    async def session_by(
        self, course_id: int, *, session_id: int | None, position: int | None
    ) -> CourseSession | None:
        stmt = select(CourseSession).where(CourseSession.course_id == course_id)
        if session_id is not None:
            stmt = stmt.where(CourseSession.id == session_id)
        if position is not None:
            stmt = stmt.where(CourseSession.position == position)
        return (await self.session.scalars(stmt)).first()


class EnrolmentRepository(Repository):
    def readable(self, viewer: Viewer) -> SelectOfScalar[Enrolment]:
        stmt = select(Enrolment)
        if viewer.is_staff:
            return stmt
        return stmt.where(
            or_(
                col(Enrolment.firm_id).in_(viewer.firm_ids),
                col(Enrolment.course_id).in_(
                    select(Course.id).where(
                        col(Course.consortium_id).in_(sorted(viewer.managed_consortia))
                    )
                ),
            )
        )

    async def get_readable(self, viewer: Viewer, enrolment_id: int) -> Enrolment | None:
        return (
            await self.session.scalars(self.readable(viewer).where(Enrolment.id == enrolment_id))
        ).first()

    async def page_for_course(
        self, viewer: Viewer, course_id: int, status: str | None, params: PageParams
    ) -> tuple[list[Enrolment], str | None]:
        """Arrival order (enrolment id ascending)."""
        stmt = self.readable(viewer).where(Enrolment.course_id == course_id)
        if status is not None:
            stmt = stmt.where(Enrolment.status == status)
        return await keyset_page(self.session, stmt, [Enrolment.id], params, descending=False)

    async def live_of_firms(self, course_id: int, firm_ids: Sequence[int]) -> list[Enrolment]:
        return list(
            (
                await self.session.scalars(
                    select(Enrolment)
                    .where(
                        Enrolment.course_id == course_id,
                        col(Enrolment.firm_id).in_(firm_ids),
                        col(Enrolment.status).in_(LIVE_ENROLMENT_STATUSES),
                    )
                    .order_by(Enrolment.id)
                )
            ).all()
        )

    async def live_of_course(self, course_id: int) -> list[Enrolment]:
        """Enrolled and waitlisted, in arrival order (for the course's managers)."""
        return list(
            (
                await self.session.scalars(
                    select(Enrolment)
                    .where(
                        Enrolment.course_id == course_id,
                        col(Enrolment.status).in_(LIVE_ENROLMENT_STATUSES),
                    )
                    .order_by(Enrolment.id)
                )
            ).all()
        )

    async def add(self, enrolment: Enrolment) -> Enrolment:
        self.session.add(enrolment)
        await self.session.flush()
        return enrolment

    async def save(self, enrolment: Enrolment) -> None:
        self.session.add(enrolment)
        await self.session.flush()

    async def seat_counts(self, course_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
        """``{course_id: (enrolled, waitlisted)}``."""
        rows = await self.session.execute(
            select(Enrolment.course_id, Enrolment.status, func.count())
            .where(
                col(Enrolment.course_id).in_(course_ids),
                col(Enrolment.status).in_(LIVE_ENROLMENT_STATUSES),
            )
            .group_by(Enrolment.course_id, Enrolment.status)
        )
        counts = {cid: [0, 0] for cid in course_ids}
        for course_id, status, n in rows.all():
            counts[course_id][0 if status == EnrolmentStatus.ENROLLED else 1] = int(n)
        return {cid: (e, w) for cid, (e, w) in counts.items()}

    async def participant_enrolled(self, course_id: int, email: str) -> bool:
        return bool(
            await self.session.scalar(
                select(func.count())
                .select_from(Enrolment)
                .where(
                    Enrolment.course_id == course_id,
                    Enrolment.participant_email == email,
                    col(Enrolment.status).in_(LIVE_ENROLMENT_STATUSES),
                )
            )
        )

    async def waitlist(self, course_id: int, limit: int | None = None) -> list[Enrolment]:
        """Waitlisted enrolments in arrival order (the first one moves up next)."""
        stmt = (
            select(Enrolment)
            .where(Enrolment.course_id == course_id, Enrolment.status == EnrolmentStatus.WAITLISTED)
            .order_by(Enrolment.id)
        )
        if limit is not None:
            stmt = stmt.limit(limit)
        return list((await self.session.scalars(stmt)).all())

    async def waitlist_ids(self, course_ids: Sequence[int]) -> dict[int, list[int]]:
        rows = await self.session.execute(
            select(Enrolment.course_id, Enrolment.id)
            .where(
                col(Enrolment.course_id).in_(course_ids),
                Enrolment.status == EnrolmentStatus.WAITLISTED,
            )
            .order_by(Enrolment.id)
        )
        result: dict[int, list[int]] = {cid: [] for cid in course_ids}
        for course_id, enrolment_id in rows.all():
            result[course_id].append(enrolment_id)
        return result

    async def attendance_of(
        self, enrolment_ids: Sequence[int]
    ) -> dict[int, list[tuple[SessionAttendance, CourseSession]]]:
        rows = await self.session.execute(
            select(SessionAttendance, CourseSession)
            .join(CourseSession, CourseSession.id == SessionAttendance.session_id)
            .where(col(SessionAttendance.enrolment_id).in_(enrolment_ids))
            .order_by(SessionAttendance.enrolment_id, CourseSession.position)
        )
        result: dict[int, list[tuple[SessionAttendance, CourseSession]]] = {
            eid: [] for eid in enrolment_ids
        }
        for mark, course_session in rows.all():
            result[mark.enrolment_id].append((mark, course_session))
        return result

    async def attendance(self, enrolment_id: int, session_id: int) -> SessionAttendance | None:
        return await self.session.get(SessionAttendance, (enrolment_id, session_id))

    async def save_attendance(self, mark: SessionAttendance) -> None:
        self.session.add(mark)
        await self.session.flush()


def member_consortium_ids(firm_ids: Sequence[int]) -> SelectOfScalar[int]:
    """Consortia in which one of these firms is an active member."""
    return select(ConsortiumMember.consortium_id).where(
        col(ConsortiumMember.firm_id).in_(firm_ids), ConsortiumMember.status == MemberStatus.ACTIVE
    )
