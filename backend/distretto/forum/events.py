"""Forum events. A consultation is public: its announcement carries only what any
member firm reads on the forum."""

from datetime import datetime
from typing import ClassVar

from distretto.kit.events import EventPayload


class ConsultationOpened(EventPayload):
    TYPE: ClassVar[str] = "consultation.opened"
    topic_id: int
    title: str
    closes_at: datetime
    options: list[str]
