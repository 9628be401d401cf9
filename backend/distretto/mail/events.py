"""Events the mail feature writes: saved-search matches and the scheduler's reminders.

They go through the outbox like any other, so the in-app notification, the live channel
and the email of each come from one row with one audience.
"""

from datetime import date, datetime
from typing import ClassVar

from distretto.kit.events import EventPayload


class SavedSearchMatched(EventPayload):
    """A public order matched saved searches; the audience is their owners (``user:``)."""

    TYPE: ClassVar[str] = "saved_search.matched"
    order_id: int
    client_firm_id: int
    title: str
    phase: str
    quantity: str
    unit: str
    region: str
    bid_deadline: datetime


class BidDeadlineReminder(EventPayload):
    """Bidding on an order closes within a day. ``bid_count`` only in the client's copy."""

    TYPE: ClassVar[str] = "reminder.bid_deadline"
    order_id: int
    title: str
    bid_deadline: datetime
    bid_count: int | None = None


class DeliveryDueReminder(EventPayload):
    TYPE: ClassVar[str] = "reminder.delivery_due"
    contract_id: int
    order_id: int
    due_date: date


class ReviewPendingReminder(EventPayload):
    TYPE: ClassVar[str] = "reminder.review_pending"
    contract_id: int
    order_id: int
