"""Tariff events: a new tariff is news to every firm working in its phase (public facts)."""

from typing import ClassVar

from distretto.kit.events import EventPayload


class TariffPublished(EventPayload):
    TYPE: ClassVar[str] = "tariff.published"

    tariff_id: int
    phase: str
    unit: str
    version: int
    min_price: str
    typical_price: str
    valid_from: str
    valid_until: str | None
