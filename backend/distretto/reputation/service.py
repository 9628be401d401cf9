"""Keeping reputation current: per-firm updates, the full recompute, the public read.

``refresh_firms`` runs inside the transaction that concludes a contract (or releases a
review) and recomputes just those firms; ``recompute_all`` (the daily job) computes the
day's district means and recomputes every firm. Both evaluate the same pure formula at
the given ``now`` against the district means in force, so at one instant they store
identical rows.
"""

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from distretto.kit.errors import NotFound
from distretto.models import ReputationDistrictMean, ReputationScore
from distretto.reputation import schemas
from distretto.reputation.formula import (
    ALL_PHASES,
    FORMULA_VERSION,
    HALF_LIFE_DAYS,
    PRIOR_CONTRACTS,
    PRIOR_REFERENCE_VALUE,
    PRIOR_WEIGHT,
    ROLES,
    SIGNALS,
    ContractFact,
    DistrictMeans,
    Role,
    RoleScores,
    baseline_means,
    district_means,
    score_role,
)
from distretto.reputation.repository import ReputationRepository

HISTORY_POINTS = 500
Districts = dict[Role, DistrictMeans]


def _district_row(district: DistrictMeans, now: datetime) -> ReputationDistrictMean:
    assert district.as_of is not None
    return ReputationDistrictMean(
        formula_version=FORMULA_VERSION,
        role=district.role,
        as_of=district.as_of,
        means=district.means,
        contracts=district.contracts,
        computed_at=now,
    )


async def _districts_in_force(repo: ReputationRepository, now: datetime) -> Districts:
    """The latest daily district means (the published baselines before the first).

    Only the daily recompute computes them — it reads the whole district's history,
    which no request should wait for.
    """
    result: Districts = {role: baseline_means(role) for role in ROLES}
    for row in await repo.district_means_in_force(FORMULA_VERSION, now):
        role = Role(row.role)
        result[role] = DistrictMeans(role, row.as_of, dict(row.means), row.contracts)
    return result


def _scores(
    facts: Sequence[ContractFact], firm_ids: Iterable[int], now: datetime, districts: Districts
) -> dict[tuple[int, Role], RoleScores]:
    by_firm: dict[tuple[int, Role], list[ContractFact]] = defaultdict(list)
    for fact in facts:
        for role in ROLES:
            by_firm[(fact.firm_in(role), role)].append(fact)
    result = {}
    for firm_id in sorted(set(firm_ids)):
        for role in ROLES:
            scores = score_role(
                by_firm.get((firm_id, role), []), firm_id, role, now, districts[role]
            )
            if scores is not None:
                result[(firm_id, role)] = scores
    return result


def _score_rows(
    facts: Sequence[ContractFact], firm_ids: Iterable[int], now: datetime, districts: Districts
) -> list[dict[str, Any]]:
    """The ``reputation_scores`` rows of these firms, as plain values to insert."""
    return [
        {
            "firm_id": firm_id,
            "role": role,
            "phase": phase,
            "score": score.score,
            "contracts": score.contracts,
            "components": score.components,
            "formula_version": FORMULA_VERSION,
            "updated_at": now,
        }
        for (firm_id, role), scores in _scores(facts, firm_ids, now, districts).items()
        for phase, score in [(ALL_PHASES, scores.overall), *scores.by_phase.items()]
    ]


def _snapshot(
    firm_id: int, role: str, score: float | None, contracts: int, at: datetime
) -> dict[str, Any]:
    return {"firm_id": firm_id, "role": role, "score": score, "contracts": contracts, "at": at}


async def _store(
    repo: ReputationRepository,
    firm_ids: Sequence[int] | None,
    rows: list[dict[str, Any]],
    now: datetime,
) -> int:
    """Replace the firms' rows; add a history point wherever an overall score moved."""
    before = await repo.replace_scores(firm_ids, rows)
    after = {
        (r["firm_id"], r["role"]): (r["score"], r["contracts"])
        for r in rows
        if r["phase"] == ALL_PHASES
    }
    snapshots = [
        _snapshot(firm_id, role, score, contracts, now)
        for (firm_id, role), (score, contracts) in sorted(after.items())
        if before.get((firm_id, role)) != (score, contracts)
    ] + [
        # A firm whose only contracts stopped counting (e.g. a newly declared ownership
        # group) drops back to "no score".
        _snapshot(firm_id, role, None, 0, now)
        for (firm_id, role) in sorted(before.keys() - after.keys())
    ]
    await repo.add_snapshots(snapshots)
    return len(snapshots)


async def refresh_firms(session: AsyncSession, firm_ids: Iterable[int], now: datetime) -> None:
    """Recompute these firms' scores (both roles, every phase) as of ``now``."""
    ids = sorted(set(firm_ids))
    repo = ReputationRepository(session)
    await repo.lock_firms(ids)
    districts = await _districts_in_force(repo, now)
    facts = await repo.facts(ids)
    await _store(repo, ids, _score_rows(facts, ids, now, districts), now)


@dataclass(frozen=True)
class RecomputeSummary:
    as_of: datetime
    firms_scored: int
    rows: int
    snapshots: int
    contracts: int
    district_means: dict[str, dict[str, float]]
    seconds: float

    def describe(self) -> str:
        means = "; ".join(
            f"{role}: " + ", ".join(f"{k} {v:.3f}" for k, v in values.items())
            for role, values in self.district_means.items()
        )
        return (
            f"reputation {FORMULA_VERSION} recomputed as of {self.as_of.isoformat()}: "
            f"{self.firms_scored} firms scored from {self.contracts} concluded contracts, "
            f"{self.rows} score rows, {self.snapshots} history points added "
            f"in {self.seconds:.2f} s\ndistrict means — {means}"
        )


async def recompute_all(session: AsyncSession, now: datetime) -> RecomputeSummary:
    """Recompute every firm and the day's district means from scratch."""
    started = time.perf_counter()
    repo = ReputationRepository(session)
    await repo.lock_firms(None)
    facts = await repo.facts()
    districts: Districts = {role: district_means(facts, role, now) for role in ROLES}
    for district in districts.values():
        await repo.save_district_means(_district_row(district, now))
    firm_ids = {fact.firm_in(role) for fact in facts for role in ROLES}
    rows = _score_rows(facts, firm_ids, now, districts)
    snapshots = await _store(repo, None, rows, now)
    return RecomputeSummary(
        as_of=now,
        firms_scored=len({r["firm_id"] for r in rows}),
        rows=len(rows),
        snapshots=snapshots,
        contracts=len(facts),
        district_means={
            role: {k: round(v, 4) for k, v in d.means.items()} for role, d in districts.items()
        },
        seconds=time.perf_counter() - started,
    )


async def backfill_history(session: AsyncSession, instants: Sequence[datetime]) -> int:
    """History points as the formula would have scored everyone at past instants.

    Used by the demo seed so a young database still shows a year of reputation chart;
    only inputs that existed at each instant count (the formula filters by ``now``).
    """
    repo = ReputationRepository(session)
    facts = await repo.facts()
    firm_ids = sorted({fact.firm_in(role) for fact in facts for role in ROLES})
    last: dict[tuple[int, str], tuple[float | None, int]] = {}
    snapshots = []
    for instant in sorted(instants):
        districts: Districts = {role: district_means(facts, role, instant) for role in ROLES}
        for (firm_id, role), scores in _scores(facts, firm_ids, instant, districts).items():
            value = (scores.overall.score, scores.overall.contracts)
            if last.get((firm_id, role)) != value:
                last[(firm_id, role)] = value
                snapshots.append(_snapshot(firm_id, role, value[0], value[1], instant))
    await repo.add_snapshots(snapshots)
    return len(snapshots)


def formula_description() -> dict[str, Any]:
    return {
        "version": FORMULA_VERSION,
        "document": "docs/reputation.md",
        "value_weight": "ln(1 + total_price)",
        "half_life_days": HALF_LIFE_DAYS,
        "prior_weight": round(PRIOR_WEIGHT, 4),
        "prior_contracts": PRIOR_CONTRACTS,
        "prior_reference_value": f"{PRIOR_REFERENCE_VALUE:.2f}",
        "signals": {
            role: {
                s.name: {"weight": s.weight, "baseline": s.baseline, "meaning": s.meaning}
                for s in signals
            }
            for role, signals in SIGNALS.items()
        },
    }


def _role_out(rows: list[ReputationScore], role: str) -> schemas.RoleReputationOut:
    overall = next((r for r in rows if r.role == role and r.phase == ALL_PHASES), None)
    return schemas.RoleReputationOut(
        score=overall.score if overall else None,
        contracts=overall.contracts if overall else 0,
        by_phase={
            r.phase: schemas.PhaseScoreOut(score=r.score, contracts=r.contracts)
            for r in rows
            if r.role == role and r.phase != ALL_PHASES
        },
    )


async def firm_reputation(session: AsyncSession, firm_id: int) -> schemas.FirmReputationOut:
    repo = ReputationRepository(session)
    if not await repo.firm_exists(firm_id):
        raise NotFound(f"Firm {firm_id} not found", code="firm.not_found", params={"id": firm_id})
    rows = await repo.scores_of(firm_id)
    components: dict[str, Any] = {"formula": formula_description()}
    for role in ROLES:
        overall = next((r for r in rows if r.role == role and r.phase == ALL_PHASES), None)
        components[f"as_{role}"] = overall.components if overall else None
    return schemas.FirmReputationOut(
        firm_id=firm_id,
        formula_version=FORMULA_VERSION,
        as_supplier=_role_out(rows, "supplier"),
        as_client=_role_out(rows, "client"),
        components=components,
        history=[
            schemas.HistoryPointOut(at=s.at, role=s.role, score=s.score, contracts=s.contracts)
            for s in await repo.history(firm_id, HISTORY_POINTS)
        ],
    )


async def summaries(session: AsyncSession, firm_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Each firm's reputation at a glance (for the firm directory)."""
    return await ReputationRepository(session).summaries(firm_ids)
