from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from distretto.auth.viewer import OptionalViewerDep, ViewerDep
from distretto.db import SessionDep
from distretto.kit.concurrency import ExpectedRevision, set_etag
from distretto.kit.exports import CSV_MEDIA_TYPE, ICS_MEDIA_TYPE, CsvDialect, DialectQuery, download
from distretto.kit.messages import LangDep
from distretto.kit.pagination import Page, PageParams, page_params
from distretto.kit.params import BigIdPath, IdPath
from distretto.training import schemas, service

router = APIRouter(tags=["training"])
PageDep = Annotated[PageParams, Depends(page_params)]


@router.post(
    "/consortia/{consortium_id}/courses",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.CourseOut,
    operation_id="create_course",
)
async def create_course(
    consortium_id: IdPath, data: schemas.CourseCreate, viewer: ViewerDep, session: SessionDep
) -> schemas.CourseOut:
    return await service.create_course(session, viewer, consortium_id, data)


@router.get(
    "/consortia/{consortium_id}/courses",
    response_model=Page[schemas.CourseOut],
    operation_id="list_courses",
)
async def list_courses(
    consortium_id: IdPath, session: SessionDep, viewer: OptionalViewerDep, page: PageDep
) -> Page[schemas.CourseOut]:
    return await service.list_courses(session, viewer, consortium_id, page)


@router.get("/courses/{course_id}", response_model=schemas.CourseOut, operation_id="get_course")
async def get_course(
    course_id: IdPath, viewer: ViewerDep, session: SessionDep, response: Response
) -> schemas.CourseOut:
    out = await service.course_detail(session, viewer, course_id)
    set_etag(response, out.revision)
    return out


@router.patch(
    "/courses/{course_id}",
    response_model=schemas.CourseOut,
    operation_id="update_course",
    description="A manager of the course's consortium changes its title, description, "
    "capacity or enrolment deadline (only the fields sent). Send the ETag read as "
    "`If-Match`: 412 when the course changed since, 428 when the web app sends none. "
    "The capacity cannot go below the seats taken (422 `course.capacity_below_taken`); "
    "more seats promote the waitlist at once.",
)
async def update_course(
    course_id: IdPath,
    data: schemas.CourseUpdate,
    viewer: ViewerDep,
    session: SessionDep,
    expected: ExpectedRevision,
    response: Response,
) -> schemas.CourseOut:
    out = await service.update_course(session, viewer, course_id, data, expected.check())
    set_etag(response, out.revision)
    return out


@router.post(
    "/courses/{course_id}/enrolments",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.EnrolmentOut,
    operation_id="enrol_in_course",
    description="Owner or manager of an active member firm enrols one of its people: "
    "`enrolled` while seats are free, then `waitlisted` with its `waitlist_position` "
    "(arrival order). Suspended firm or non-member: 403; after the deadline: 409.",
)
async def enrol(
    course_id: IdPath, data: schemas.EnrolmentIn, viewer: ViewerDep, session: SessionDep
) -> schemas.EnrolmentOut:
    return await service.enrol(session, viewer, course_id, data)


@router.get(
    "/courses/{course_id}/enrolments",
    response_model=Page[schemas.EnrolmentOut],
    operation_id="list_course_enrolments",
    description="Arrival order. Managers see every enrolment, a firm its own.",
)
async def list_enrolments(
    course_id: IdPath,
    viewer: ViewerDep,
    session: SessionDep,
    page: PageDep,
    status: Annotated[schemas.EnrolmentStatus | None, Query()] = None,
) -> Page[schemas.EnrolmentOut]:
    return await service.course_enrolments(session, viewer, course_id, status, page)


@router.get(
    "/courses/{course_id}/calendar.ics",
    response_class=Response,
    operation_id="course_calendar",
    responses={200: {"content": {"text/calendar": {}}, "description": "iCalendar file"}},
)
async def course_calendar(
    course_id: IdPath, viewer: ViewerDep, session: SessionDep, lang: LangDep
) -> Response:
    content = await service.calendar(session, viewer, course_id, lang)
    return download(content, ICS_MEDIA_TYPE, f"course-{course_id}.ics")


@router.get(
    "/courses/{course_id}/attendance.csv",
    response_class=Response,
    operation_id="course_attendance_csv",
    responses={200: {"content": {"text/csv": {}}, "description": "Attendance register"}},
)
async def attendance_csv(
    course_id: IdPath, viewer: ViewerDep, session: SessionDep, dialect: DialectQuery = None
) -> Response:
    content = await service.attendance_register(
        session, viewer, course_id, dialect or CsvDialect.STANDARD
    )
    return download(content, CSV_MEDIA_TYPE, f"course-{course_id}-attendance.csv")


@router.get(
    "/enrolments/{enrolment_id}", response_model=schemas.EnrolmentOut, operation_id="get_enrolment"
)
async def get_enrolment(
    enrolment_id: BigIdPath, viewer: ViewerDep, session: SessionDep
) -> schemas.EnrolmentOut:
    return await service.enrolment_detail(session, viewer, enrolment_id)


@router.delete(
    "/enrolments/{enrolment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="cancel_enrolment",
    description="The firm or a consortium manager, until the first session starts. "
    "A freed seat goes to the first waitlisted enrolment.",
)
async def cancel_enrolment(
    enrolment_id: BigIdPath, viewer: ViewerDep, session: SessionDep
) -> Response:
    await service.cancel(session, viewer, enrolment_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/enrolments/{enrolment_id}/attendance",
    response_model=schemas.EnrolmentOut,
    operation_id="mark_attendance",
)
async def mark_attendance(
    enrolment_id: BigIdPath, data: schemas.AttendanceIn, viewer: ViewerDep, session: SessionDep
) -> schemas.EnrolmentOut:
    return await service.mark_attendance(session, viewer, enrolment_id, data)
