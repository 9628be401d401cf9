"""Events about a firm's standing with the association (a suspension and its end).

Declared with the viewer, which reads that standing on every request: a dated suspension
ends there, by the clock, when the firm's people next act (moderation emits them too)."""

from datetime import datetime
from typing import ClassVar

from distretto.kit.events import EventPayload


class FirmSuspended(EventPayload):
    TYPE: ClassVar[str] = "firm.suspended"
    firm_id: int
    firm_name: str = ""
    reason: str
    # None: until the association reinstates the firm.
    until: datetime | None = None


class FirmReinstated(EventPayload):
    TYPE: ClassVar[str] = "firm.reinstated"
    firm_id: int
    firm_name: str = ""
    # True when the suspension ended by its date rather than by a staff decision.
    expired: bool = False
