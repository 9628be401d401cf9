"""The contract lifecycle, shared by the contracts service, reviews and reputation.

``active → delivered → completed``; from ``active`` or ``delivered`` either firm may
open a dispute, which staff resolve as ``completed`` or ``cancelled``.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from distretto.models.contracts import ContractStatus


@dataclass(frozen=True)
class Transition:
    name: str
    from_statuses: frozenset[ContractStatus]
    to_status: str


DELIVER = Transition("deliver", frozenset({ContractStatus.ACTIVE}), ContractStatus.DELIVERED)
ACCEPT = Transition("accept", frozenset({ContractStatus.DELIVERED}), ContractStatus.COMPLETED)
DISPUTE = Transition(
    "dispute", frozenset({ContractStatus.ACTIVE, ContractStatus.DELIVERED}), ContractStatus.DISPUTED
)
# "resolved" is not a stored status: resolving sets the outcome (completed or cancelled).
RESOLVE = Transition("resolve", frozenset({ContractStatus.DISPUTED}), "resolved")

# Double-blind reviews: each side's review stays hidden from the other until both are
# in, or until this long after completion, so neither can answer the other's review.
REVIEW_BLIND_PERIOD = timedelta(days=14)


def delivered_on_time(delivered_at: datetime, due_date: date) -> bool:
    """On time means delivered on or before the due date (UTC calendar day)."""
    return delivered_at.astimezone(UTC).date() <= due_date


def is_overdue(status: str, due_date: date, now: datetime) -> bool:
    return status == ContractStatus.ACTIVE and now.astimezone(UTC).date() > due_date


def reviews_released_at(completed_at: datetime, review_times: list[datetime]) -> datetime:
    """When the reviews of a completed contract become visible to the other side."""
    deadline = completed_at + REVIEW_BLIND_PERIOD
    if len(review_times) >= 2:
        return min(deadline, max(review_times))
    return deadline
