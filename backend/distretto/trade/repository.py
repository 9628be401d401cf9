"""Reads of the units catalogue."""

from sqlmodel import col, select

from distretto.kit.repository import Repository
from distretto.models.trade import UnitOfMeasure


class UnitRepository(Repository):
    async def all(self) -> list[UnitOfMeasure]:
        stmt = select(UnitOfMeasure).order_by(col(UnitOfMeasure.kind), col(UnitOfMeasure.code))
        return list((await self.session.scalars(stmt)).all())
