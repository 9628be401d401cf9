from typing import Annotated

from fastapi import APIRouter, Body, Query

from distretto.auth.viewer import ViewerDep
from distretto.capacity import schemas, service
from distretto.db import SessionDep
from distretto.kit.clock import ClockDep
from distretto.kit.params import IdPath

router = APIRouter(tags=["capacity"])
Entries = Annotated[list[schemas.CapacityEntryIn], Body(max_length=2000)]


@router.put(
    "/firms/{firm_id}/capacity",
    response_model=schemas.FirmCapacityOut,
    operation_id="declare_capacity",
)
async def declare_capacity(
    firm_id: IdPath, entries: Entries, viewer: ViewerDep, session: SessionDep, clock: ClockDep
) -> schemas.FirmCapacityOut:
    """Replace the firm's declared capacity from this week on (owner or manager); what
    awards have booked stays. Answers the calendar from this week on."""
    return await service.declare(session, viewer, firm_id, entries, clock())


@router.get(
    "/firms/{firm_id}/capacity",
    response_model=schemas.FirmCapacityOut,
    operation_id="firm_capacity",
)
async def firm_capacity(
    firm_id: IdPath,
    _: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
    since: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    until: Annotated[str | None, Query(alias="to", max_length=10)] = None,
) -> schemas.FirmCapacityOut:
    """Declared, booked, free and overbooked capacity per week (signed-in users); from
    this week on unless ``from`` says otherwise."""
    return await service.firm_calendar(session, firm_id, clock(), since, until)


@router.get(
    "/capacity/summary",
    response_model=schemas.CapacitySummaryOut,
    operation_id="capacity_summary",
)
async def capacity_summary(
    _: ViewerDep,
    session: SessionDep,
    clock: ClockDep,
    phase: Annotated[str, Query(min_length=1, max_length=40)],
    unit: Annotated[str | None, Query(max_length=20)] = None,
    since: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    until: Annotated[str | None, Query(alias="to", max_length=10)] = None,
) -> schemas.CapacitySummaryOut:
    """The district's free capacity per week for a phase (signed-in users): null where
    fewer than 3 firms stand behind a figure. 12 weeks from this one by default."""
    return await service.district_summary(session, phase, unit, since, until, clock())
