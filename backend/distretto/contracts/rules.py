"""The contract lifecycle, shared by the contracts service, reviews and reputation.

``active → delivered → completed``; from ``active`` or ``delivered`` either firm may
open a dispute, which staff resolve as ``completed``, ``cancelled`` or ``settled`` (the
contract completes with a price reduction).
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from distretto.kit.errors import Invalid
from distretto.models import Contract


@dataclass(frozen=True)
class Transition:
    name: str
    from_statuses: frozenset[str]
    to_status: str


DELIVER = Transition("deliver", frozenset({"active"}), "delivered")
ACCEPT = Transition("accept", frozenset({"delivered"}), "completed")
DISPUTE = Transition("dispute", frozenset({"active", "delivered"}), "disputed")
RESOLVE = Transition("resolve", frozenset({"disputed"}), "resolved")

# Double-blind reviews: each side's review stays hidden from the other until both are
# in, or until this long after completion, so neither can answer the other's review.
REVIEW_BLIND_PERIOD = timedelta(days=14)


def delivered_on_time(delivered_at: datetime, due_date: date) -> bool:
    """On time means delivered on or before the due date (UTC calendar day)."""
    return delivered_at.astimezone(UTC).date() <= due_date


def is_overdue(status: str, due_date: date, now: datetime) -> bool:
    return status == "active" and now.astimezone(UTC).date() > due_date


def reviews_released_at(completed_at: datetime, review_times: list[datetime]) -> datetime:
    """When the reviews of a completed contract become visible to the other side."""
    deadline = completed_at + REVIEW_BLIND_PERIOD
    if len(review_times) >= 2:
        return min(deadline, max(review_times))
    return deadline


def settlement_reduction(
    outcome: str, price_reduction: Decimal | None, contract: Contract
) -> Decimal | None:
    """The discount a settlement records: required for ``settled`` and below the contract's
    total; refused with any other outcome (422 naming ``price_reduction``)."""
    if outcome != "settled":
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
