"""Capacity events: told to the supplier firm alone (its own calendar)."""

from typing import ClassVar

from pydantic import BaseModel

from distretto.kit.events import EventPayload


class OverbookedWeek(BaseModel):
    week: str
    declared: str
    booked: str


class CapacityOverbooked(EventPayload):
    TYPE: ClassVar[str] = "capacity.overbooked"

    firm_id: int
    contract_id: int
    phase: str
    unit: str
    weeks: list[OverbookedWeek]
