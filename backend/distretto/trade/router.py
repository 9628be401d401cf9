from fastapi import APIRouter

from distretto.db import SessionDep
from distretto.trade import schemas, service

router = APIRouter(tags=["trade"])


@router.get("/units", response_model=list[schemas.UnitOut], operation_id="list_units")
async def list_units(session: SessionDep) -> list[schemas.UnitOut]:
    """The units of measure orders, tariffs and capacity calendars take (by ``code``)."""
    return await service.units(session)
