"""The published reputation formula (see docs/reputation.md), as pure functions.

Everything here is a function of the contract facts and of ``now``: nothing reads the
clock or the database, so the same inputs at the same instant always give the same
numbers — the property that lets an incremental update equal a full recompute.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from distretto.models.contracts import (
    ContractStatus,
    DisputeOutcome,
    PartyRole,
    delivered_on_time,
    reviews_released_at,
)

FORMULA_VERSION = "2026.1"
HALF_LIFE_DAYS = 365.0
# The prior counts as much as this many contracts of this value concluded today.
PRIOR_CONTRACTS = 5
PRIOR_REFERENCE_VALUE = Decimal("10000.00")
PRIOR_WEIGHT = PRIOR_CONTRACTS * math.log1p(float(PRIOR_REFERENCE_VALUE))
ALL_PHASES = "*"

Role = PartyRole
ROLES: tuple[Role, Role] = (PartyRole.SUPPLIER, PartyRole.CLIENT)


@dataclass(frozen=True)
class Signal:
    name: str
    weight: float
    # Where the district mean starts before the district has any evidence of its own.
    baseline: float
    meaning: str


SIGNALS: dict[Role, tuple[Signal, ...]] = {
    PartyRole.SUPPLIER: (
        Signal(
            "on_time",
            0.30,
            0.85,
            "share of contracts delivered and accepted by the due date "
            "(delivered in lots: share of the quantity whose lot came on time)",
        ),
        Signal("dispute_free", 0.15, 0.95, "share of contracts without a lost dispute"),
        Signal(
            "delivery_accepted",
            0.15,
            0.97,
            "share of deliveries not rejected by the client "
            "(delivered in lots: share of the checked quantity the client accepted)",
        ),
        Signal("review_quality", 0.20, 0.75, "clients' rating of the work's quality"),
        Signal("review_timeliness", 0.10, 0.75, "clients' rating of timeliness"),
        Signal("review_communication", 0.10, 0.75, "clients' rating of communication"),
    ),
    PartyRole.CLIENT: (
        Signal("dispute_free", 0.40, 0.95, "share of contracts without a lost dispute"),
        Signal("review_quality", 0.20, 0.75, "suppliers' rating of the order's clarity"),
        Signal("review_timeliness", 0.20, 0.75, "suppliers' rating of acceptance and payment"),
        Signal("review_communication", 0.20, 0.75, "suppliers' rating of communication"),
    ),
}
REVIEW_SIGNALS = ("quality", "timeliness", "communication")


@dataclass(frozen=True)
class ReviewFact:
    reviewer_firm_id: int
    created_at: datetime
    quality: int
    timeliness: int
    communication: int
    hidden: bool = False


@dataclass(frozen=True)
class LotFact:
    """One delivered lot: its quantity, whether it came on time, what the client took."""

    quantity: Decimal
    on_time: bool
    accepted: Decimal
    rejected: Decimal
    checked: bool


@dataclass(frozen=True)
class ContractFact:
    """What the formula needs to know about one concluded contract."""

    id: int
    client_firm_id: int
    supplier_firm_id: int
    phase: str
    total_price: Decimal
    due_date: date
    status: str  # completed | cancelled
    completed_at: datetime | None = None
    cancelled_at: datetime | None = None
    delivered_at: datetime | None = None
    dispute_outcome: str | None = None
    dispute_opened_by_firm_id: int | None = None
    reviews: tuple[ReviewFact, ...] = ()
    lots: tuple[LotFact, ...] = ()

    @property
    def concluded_at(self) -> datetime:
        moment = self.completed_at if self.status == ContractStatus.COMPLETED else self.cancelled_at
        assert moment is not None, f"contract {self.id} is not concluded"
        return moment

    def firm_in(self, role: Role) -> int:
        return self.supplier_firm_id if role == PartyRole.SUPPLIER else self.client_firm_id

    @property
    def supplier_lost_dispute(self) -> bool:
        return self.status == ContractStatus.CANCELLED

    @property
    def client_lost_dispute(self) -> bool:
        return (
            self.status == ContractStatus.COMPLETED
            and self.dispute_outcome == DisputeOutcome.COMPLETED
        )

    @property
    def rejected_delivery(self) -> bool:
        """The client disputed a delivery and staff cancelled the contract."""
        return (
            self.status == ContractStatus.CANCELLED
            and self.delivered_at is not None
            and self.dispute_opened_by_firm_id == self.client_firm_id
        )

    @property
    def on_time(self) -> bool:
        if self.status != ContractStatus.COMPLETED:
            return False
        # A contract completed by staff without a recorded delivery counts the resolution.
        delivered = self.delivered_at or self.completed_at
        assert delivered is not None
        return delivered_on_time(delivered, self.due_date)

    def review_about(self, role: Role, now: datetime) -> ReviewFact | None:
        """The other side's review of the firm in ``role``, if it counts at ``now``.

        A review counts once the other firm could read it (double-blind release), so a
        score never moves in a way that betrays a review still hidden.
        """
        if self.status != ContractStatus.COMPLETED or self.completed_at is None:
            return None
        author = self.client_firm_id if role == PartyRole.SUPPLIER else self.supplier_firm_id
        written = [r for r in self.reviews if r.created_at <= now]
        review = next((r for r in written if r.reviewer_firm_id == author), None)
        if review is None or review.hidden:
            return None
        released = reviews_released_at(self.completed_at, [r.created_at for r in written])
        return review if released <= now else None


def contract_weight(fact: ContractFact, now: datetime) -> float:
    """``ln(1 + value)`` times ``0.5 ** (age / half-life)``."""
    age_days = max(0.0, (now - fact.concluded_at).total_seconds() / 86400)
    return math.log1p(float(fact.total_price)) * 0.5 ** (age_days / HALF_LIFE_DAYS)


@dataclass(frozen=True, slots=True)
class Contribution:
    """What one contract adds to a firm's evidence in one role at ``now``: its weight,
    its signals, and the counts the explanation shows. Computed once per contract and
    role, then added to the firm's overall evidence and to its phase's."""

    weight: float
    signals: dict[str, float]
    lost_dispute: bool
    late_delivery: bool
    rejected_delivery: bool


def contribution(fact: ContractFact, role: Role, now: datetime) -> Contribution:
    """One contract's part in one role; each signal's value in [0, 1], a missing key has
    no evidence."""
    values: dict[str, float] = {}
    late = rejected = False
    if role == PartyRole.SUPPLIER:
        on_time, lost, rejected = fact.on_time, fact.supplier_lost_dispute, fact.rejected_delivery
        late = fact.status == ContractStatus.COMPLETED and not on_time
        values["on_time"] = 1.0 if on_time else 0.0
        values["dispute_free"] = 0.0 if lost else 1.0
        values["delivery_accepted"] = 0.0 if rejected else 1.0
        values.update(_lot_signals(fact))
    else:
        lost = fact.client_lost_dispute
        values["dispute_free"] = 0.0 if lost else 1.0
    review = fact.review_about(role, now)
    if review is not None:
        for name in REVIEW_SIGNALS:
            values[f"review_{name}"] = (getattr(review, name) - 1) / 4
    return Contribution(contract_weight(fact, now), values, lost, late, rejected)


def _lot_signals(fact: ContractFact) -> dict[str, float]:
    """A completed contract delivered in lots is judged lot by lot: late lots weigh by
    their quantity, short ones by the quantity the client sent back."""
    if fact.status != ContractStatus.COMPLETED or not fact.lots:
        return {}
    signals: dict[str, float] = {}
    delivered = sum((lot.quantity for lot in fact.lots), Decimal(0))
    if delivered > 0:
        on_time = sum((lot.quantity for lot in fact.lots if lot.on_time), Decimal(0))
        signals["on_time"] = float(on_time / delivered)
    checked = [lot for lot in fact.lots if lot.checked]
    judged = sum((lot.accepted + lot.rejected for lot in checked), Decimal(0))
    if judged > 0:
        signals["delivery_accepted"] = float(
            sum((lot.accepted for lot in checked), Decimal(0)) / judged
        )
    return signals


@dataclass
class Evidence:
    """Value- and recency-weighted sums of each signal over a set of contracts."""

    contracts: int = 0
    weight: float = 0.0
    sums: dict[str, float] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    late_deliveries: int = 0
    disputes_lost: int = 0
    rejected_deliveries: int = 0
    reviews: int = 0

    def add(self, part: Contribution) -> None:
        self.contracts += 1
        weight = part.weight
        self.weight += weight
        sums, weights = self.sums, self.weights
        for name, value in part.signals.items():
            sums[name] = sums.get(name, 0.0) + weight * value
            weights[name] = weights.get(name, 0.0) + weight
        self.disputes_lost += part.lost_dispute
        self.late_deliveries += part.late_delivery
        self.rejected_deliveries += part.rejected_delivery
        self.reviews += "review_quality" in part.signals

    def rate(self, name: str) -> float | None:
        weight = self.weights.get(name, 0.0)
        return self.sums[name] / weight if weight > 0 else None


def day_start(moment: datetime) -> datetime:
    return datetime.combine(moment.astimezone(UTC).date(), time(0), tzinfo=UTC)


@dataclass(frozen=True)
class DistrictMeans:
    """The district's weighted mean of each signal, and the prior's centre drawn from it.

    Computed once a day as of 00:00 UTC, from contracts concluded (and reviews released)
    by then; ``as_of`` is None for the published baselines used before any computation.
    """

    role: Role
    as_of: datetime | None
    means: dict[str, float]
    contracts: int

    def centre(self, signal: Signal) -> float:
        """Where a firm without history starts: the district mean, but never above the
        published baseline — a newcomer does not inherit an excellent district's record,
        so one perfect contract cannot outrank forty good ones however good the
        district already is."""
        return min(self.means[signal.name], signal.baseline)


def baseline_means(role: Role) -> DistrictMeans:
    return DistrictMeans(role, None, {s.name: s.baseline for s in SIGNALS[role]}, 0)


def district_means(facts: Iterable[ContractFact], role: Role, now: datetime) -> DistrictMeans:
    as_of = day_start(now)
    evidence = Evidence()
    for fact in sorted(facts, key=lambda f: f.id):
        if fact.concluded_at <= as_of:
            evidence.add(contribution(fact, role, as_of))
    # The district's own mean starts from the published baseline, with the prior's weight.
    means = {
        s.name: (PRIOR_WEIGHT * s.baseline + evidence.sums[s.name])
        / (PRIOR_WEIGHT + evidence.weights[s.name])
        if s.name in evidence.weights
        else s.baseline
        for s in SIGNALS[role]
    }
    return DistrictMeans(role, as_of, means, evidence.contracts)


@dataclass(frozen=True)
class Score:
    score: float | None
    contracts: int
    components: dict[str, Any]


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def shrunk_score(
    evidence: Evidence, role: Role, district: DistrictMeans
) -> tuple[float, dict[str, Any]]:
    """Score 0 to 100: each signal pulled toward the prior's centre by ``PRIOR_WEIGHT``."""
    total = 0.0
    parts: dict[str, dict[str, Any]] = {}
    for signal in SIGNALS[role]:
        centre = district.centre(signal)
        shrunk = (PRIOR_WEIGHT * centre + evidence.sums.get(signal.name, 0.0)) / (
            PRIOR_WEIGHT + evidence.weights.get(signal.name, 0.0)
        )
        points = 100 * signal.weight * shrunk
        total += points
        parts[signal.name] = {
            "weight": signal.weight,
            "value": _r(evidence.rate(signal.name)),
            "evidence_weight": _r(evidence.weights.get(signal.name, 0.0)),
            "district_mean": _r(district.means[signal.name]),
            "prior_centre": _r(centre),
            "shrunk": _r(shrunk),
            "points": _r(points, 2),
        }
    return round(total, 1), parts


def _stars(evidence: Evidence, name: str) -> float | None:
    rate = evidence.rate(f"review_{name}")
    return None if rate is None else round(1 + 4 * rate, 2)


def explain(
    evidence: Evidence,
    role: Role,
    parts: dict[str, Any],
    now: datetime,
    district: DistrictMeans,
) -> dict[str, Any]:
    def loss(name: str) -> float | None:
        rate = evidence.rate(name)
        return None if rate is None else round(1 - rate, 4)

    components: dict[str, Any] = {
        "as_of": now.astimezone(UTC).isoformat(),
        "contracts": evidence.contracts,
        "evidence_weight": _r(evidence.weight),
        "dispute_loss_rate": loss("dispute_free"),
        "disputes_lost": evidence.disputes_lost,
        "review_averages": {
            **{name: _stars(evidence, name) for name in REVIEW_SIGNALS},
            "count": evidence.reviews,
        },
        "signals": parts,
        "district": {
            "as_of": None if district.as_of is None else district.as_of.isoformat(),
            "contracts": district.contracts,
        },
    }
    if role == PartyRole.SUPPLIER:
        components["on_time_rate"] = _r(evidence.rate("on_time"))
        components["late_deliveries"] = evidence.late_deliveries
        components["rejected_delivery_rate"] = loss("delivery_accepted")
        components["rejected_deliveries"] = evidence.rejected_deliveries
    return components


@dataclass(frozen=True)
class RoleScores:
    overall: Score
    by_phase: dict[str, Score]


def score_role(
    facts: Iterable[ContractFact],
    firm_id: int,
    role: Role,
    now: datetime,
    district: DistrictMeans,
) -> RoleScores | None:
    """The firm's scores in ``role`` at ``now``; None when it has no concluded contract."""
    overall = Evidence()
    phases: dict[str, Evidence] = {}
    for fact in sorted(facts, key=lambda f: f.id):
        if fact.firm_in(role) != firm_id or fact.concluded_at > now:
            continue
        part = contribution(fact, role, now)
        overall.add(part)
        phases.setdefault(fact.phase, Evidence()).add(part)
    if overall.contracts == 0:
        return None
    score, parts = shrunk_score(overall, role, district)
    by_phase = {}
    for phase, evidence in sorted(phases.items()):
        phase_score, phase_parts = shrunk_score(evidence, role, district)
        by_phase[phase] = Score(
            phase_score, evidence.contracts, explain(evidence, role, phase_parts, now, district)
        )
    return RoleScores(
        Score(score, overall.contracts, explain(overall, role, parts, now, district)), by_phase
    )
