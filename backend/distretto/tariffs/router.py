from typing import Annotated

from fastapi import APIRouter, Query, status

from distretto.auth.viewer import StaffDep
from distretto.db import SessionDep
from distretto.kit.clock import ClockDep
from distretto.kit.fields import CalendarDate
from distretto.tariffs import schemas, service

router = APIRouter(tags=["tariffs"])
PhaseQuery = Annotated[str | None, Query(max_length=40)]


@router.post(
    "/tariffs",
    status_code=status.HTTP_201_CREATED,
    response_model=schemas.TariffVersionOut,
    operation_id="publish_tariff",
)
async def publish_tariff(
    data: schemas.TariffIn, staff: StaffDep, session: SessionDep, clock: ClockDep
) -> schemas.TariffVersionOut:
    """A new version of the phase and unit's tariff (staff); earlier versions stay."""
    return await service.publish(session, staff, data, clock())


@router.get("/tariffs", response_model=schemas.TariffList, operation_id="list_tariffs")
async def list_tariffs(
    session: SessionDep, clock: ClockDep, phase: PhaseQuery = None
) -> schemas.TariffList:
    """The tariffs in force today, each with its history and the observed median. Public."""
    return await service.current(session, phase, clock())


@router.get(
    "/moderation/below-tariff",
    response_model=schemas.BelowTariffReport,
    operation_id="below_tariff_report",
)
async def below_tariff_report(
    _: StaffDep,
    session: SessionDep,
    phase: PhaseQuery = None,
    since: Annotated[CalendarDate | None, Query(alias="from")] = None,
    until: Annotated[CalendarDate | None, Query(alias="to")] = None,
) -> schemas.BelowTariffReport:
    """Awards whose winning bid was below the tariff minimum, by phase (staff)."""
    return await service.below_tariff_report(session, phase, since, until)
