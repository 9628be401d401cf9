"""The contract lifecycle, shared by the contracts service, reviews and reputation.

``active → delivered → completed``; from ``active`` or ``delivered`` either firm may
open a dispute, which staff resolve as ``completed``, ``cancelled`` or ``settled`` (the
contract completes with a price reduction).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal

from distretto.kit.errors import Invalid

# The time rules reputation reads too live beside the contracts table (no cycle between
# contracts and reputation); re-exported here for the contracts feature.
from distretto.models.contracts import REVIEW_BLIND_PERIOD as REVIEW_BLIND_PERIOD
from distretto.models.contracts import Contract, ContractStatus, DisputeOutcome
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
# The client's check of the last lot completes the contract (issue 13: lots).
COMPLETE_BY_LOTS = Transition(
    "complete_by_lots",
    frozenset({ContractStatus.ACTIVE, ContractStatus.DELIVERED}),
    ContractStatus.COMPLETED,
)
# "resolved" is not a stored status: resolving sets the outcome (completed or cancelled).
RESOLVE = Transition("resolve", frozenset({ContractStatus.DISPUTED}), "resolved")


def is_overdue(status: str, due_date: date, now: datetime) -> bool:
    return status == ContractStatus.ACTIVE and now.astimezone(UTC).date() > due_date


def settlement_reduction(
    outcome: DisputeOutcome, price_reduction: Decimal | None, contract: Contract
) -> Decimal | None:
    """The discount a settlement records: required for ``settled`` and below the contract's
    total; refused with any other outcome (422 naming ``price_reduction``)."""
    if outcome != DisputeOutcome.SETTLED:
        if price_reduction is not None:
            raise Invalid(
                "price_reduction",
                "only a settlement carries a price reduction",
                code="dispute.reduction_only_settled",
            )
        return None
    if price_reduction is None:
        raise Invalid(
            "price_reduction",
            "a settlement needs the agreed price reduction",
            code="dispute.reduction_required",
        )
    if price_reduction >= contract.total_price:
        raise Invalid(
            "price_reduction",
            "must be below the contract's total (cancel the contract instead)",
            code="dispute.reduction_too_large",
            params={"total": f"{contract.total_price:.2f}"},
        )
    return price_reduction
