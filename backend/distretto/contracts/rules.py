"""The contract lifecycle, shared by the contracts service, reviews and reputation.

``active → delivered → completed``; from ``active`` or ``delivered`` either firm may
open a dispute, which staff resolve as ``completed`` or ``cancelled``.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

# The time rules reputation reads too live beside the contracts table (no cycle between
# contracts and reputation); re-exported here for the contracts feature.
from distretto.models.contracts import REVIEW_BLIND_PERIOD as REVIEW_BLIND_PERIOD
from distretto.models.contracts import ContractStatus
from distretto.models.contracts import delivered_on_time as delivered_on_time
from distretto.models.contracts import reviews_released_at as reviews_released_at


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


def is_overdue(status: str, due_date: date, now: datetime) -> bool:
    return status == ContractStatus.ACTIVE and now.astimezone(UTC).date() > due_date
