"""Guarantee events: requests reach the confidi's managers, decisions the firm."""

from datetime import date
from typing import ClassVar

from distretto.kit.events import EventPayload
from distretto.models.guarantees import GuaranteeStatus


class GuaranteeRequested(EventPayload):
    TYPE: ClassVar[str] = "guarantee.requested"
    guarantee_id: int
    consortium_id: int
    firm_id: int
    firm_name: str
    amount: str


class GuaranteeDecided(EventPayload):
    TYPE: ClassVar[str] = "guarantee.decided"
    guarantee_id: int
    consortium_id: int
    status: GuaranteeStatus
    amount: str | None = None
    guaranteed_percent: str | None = None
    expires_on: date | None = None
    reason: str | None = None
