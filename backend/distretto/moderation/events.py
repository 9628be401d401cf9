"""Moderation's live events: staff hear of reports, firms of what staff decided."""

from typing import ClassVar

from distretto.kit.events import EventPayload
from distretto.models.moderation import FlagTarget


class FlagCreated(EventPayload):
    TYPE: ClassVar[str] = "flag.created"
    flag_id: int
    target_type: FlagTarget
    target_id: int


class ContentHidden(EventPayload):
    TYPE: ClassVar[str] = "content.hidden"
    target_type: FlagTarget
    target_id: int


# A suspension and its end are declared with the viewer (distretto.auth.events): a dated
# suspension ends by the clock when the firm's people next act, outside moderation.


class FirmWarned(EventPayload):
    TYPE: ClassVar[str] = "firm.warned"
    firm_id: int
    warning_id: int
    reason: str


class FirmVerified(EventPayload):
    TYPE: ClassVar[str] = "firm.verified"
    firm_id: int
