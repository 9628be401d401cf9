"""Exact cost split between the firms sharing a booth or a campaign.

The rule (published in the API description, keep the two in step):

1. Work in euro cents. Each firm's exact share is ``total * weight / sum of weights``;
   the weight is 1 for an equal split and the firm's booth area (m²) for a split by area.
2. Every firm first gets its exact share rounded *down* to the cent.
3. The cents still missing (always fewer than the number of firms) go one each to the
   firms with the largest fractional remainders.
4. Ties on the remainder go to the larger weight (more area pays the extra cent),
   then to the lower firm id.

So the shares sum exactly to the total, none is negative, each differs from the exact
proportion by less than one cent, and the same inputs always give the same table.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Claim:
    """One firm's part in the split: its id and its weight (1, or its area)."""

    firm_id: int
    weight: Decimal


def to_cents(amount: Decimal) -> int:
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has fractions of a cent")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def split(total: Decimal, claims: Sequence[Claim]) -> dict[int, Decimal]:
    """``{firm_id: share}`` with shares summing exactly to ``total`` (see module rule)."""
    if not claims:
        return {}
    if total < 0:
        raise ValueError("the total to split cannot be negative")
    if any(c.weight <= 0 for c in claims):
        raise ValueError("every weight must be positive")
    if len({c.firm_id for c in claims}) != len(claims):
        raise ValueError("a firm appears twice in the split")
    total_cents = to_cents(total)
    total_weight = sum((Fraction(c.weight) for c in claims), Fraction(0))
    exact = {c.firm_id: total_cents * Fraction(c.weight) / total_weight for c in claims}
    cents = {firm_id: int(share) for firm_id, share in exact.items()}  # floor: shares ≥ 0
    missing = total_cents - sum(cents.values())
    by_priority = sorted(
        claims, key=lambda c: (-(exact[c.firm_id] - cents[c.firm_id]), -c.weight, c.firm_id)
    )
    for claim in by_priority[:missing]:
        cents[claim.firm_id] += 1
    return {firm_id: from_cents(value) for firm_id, value in cents.items()}


def equal_claims(firm_ids: Sequence[int]) -> list[Claim]:
    return [Claim(firm_id, Decimal(1)) for firm_id in firm_ids]
