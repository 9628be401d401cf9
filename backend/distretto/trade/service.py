"""The units catalogue as the API lists it (orders, tariffs and capacity calendars check
units against the same catalogue through ``kit.units``)."""

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.trade import schemas
from distretto.trade.repository import UnitRepository


async def units(session: AsyncSession) -> list[schemas.UnitOut]:
    rows = await UnitRepository(session).all()
    return [schemas.UnitOut.model_validate(u, from_attributes=True) for u in rows]
