"""The pure formula: weights, signals, shrinkage, and the documented worked example."""

import math
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from distretto.reputation.formula import (
    PRIOR_WEIGHT,
    ContractFact,
    ReviewFact,
    baseline_means,
    contract_weight,
    contribution,
    district_means,
    score_role,
)

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
DOC = Path(__file__).resolve().parents[2] / "docs" / "reputation.md"
SUPPLIER, CLIENT_A, CLIENT_B, CLIENT_C = 7, 1, 2, 3


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def worked_example() -> list[ContractFact]:
    """The three contracts of docs/reputation.md, "Worked example"."""
    return [
        ContractFact(
            1,
            CLIENT_A,
            SUPPLIER,
            "dyeing",
            Decimal("24000.00"),
            ago(367).date(),
            "completed",
            completed_at=ago(365),
            delivered_at=ago(368),
            reviews=(ReviewFact(CLIENT_A, ago(360), 5, 4, 5),),
        ),
        ContractFact(
            2,
            CLIENT_B,
            SUPPLIER,
            "dyeing",
            Decimal("5000.00"),
            ago(36).date(),
            "completed",
            completed_at=ago(30),
            delivered_at=ago(33),
            reviews=(
                ReviewFact(CLIENT_B, ago(29), 4, 2, 3),
                ReviewFact(SUPPLIER, ago(28), 4, 4, 4),
            ),
        ),
        ContractFact(
            3,
            CLIENT_C,
            SUPPLIER,
            "finishing",
            Decimal("8000.00"),
            ago(110).date(),
            "cancelled",
            cancelled_at=ago(100),
            delivered_at=ago(112),
            dispute_outcome="cancelled",
            dispute_opened_by_firm_id=CLIENT_C,
        ),
    ]


def test_worked_example_matches_the_document() -> None:
    facts = worked_example()
    scores = score_role(facts, SUPPLIER, "supplier", NOW, district_means([], "supplier", NOW))
    assert scores is not None
    assert scores.overall.score == 75.4
    assert {phase: s.score for phase, s in scores.by_phase.items()} == {
        "dyeing": 81.1,
        "finishing": 76.8,
    }
    assert [round(contract_weight(f, NOW), 4) for f in facts] == [5.0429, 8.0457, 7.4329]
    text = DOC.read_text()
    example = text[text.index("## Worked example") :]
    assert "**75.4**" in example and "dyeing 81.1, finishing 76.8" in example
    for weight in ("**5.0429**", "**8.0457**", "**7.4329**"):
        assert weight in example
    points = scores.overall.components["signals"]
    documented = dict(re.findall(r"\| (\w+) \| 0\.\d+ \|.*\| (\d+\.\d{3}) \|", example))
    assert documented.keys() == points.keys()
    for name, part in points.items():  # the API rounds points to cents, the document to 3 places
        assert math.isclose(float(documented[name]), part["points"], abs_tol=0.006), name
    assert math.isclose(sum(float(v) for v in documented.values()), 75.4, abs_tol=0.05)


def test_contract_weight_is_value_log_and_halves_each_year() -> None:
    fact = worked_example()[0]
    assert math.isclose(contract_weight(fact, ago(365)), math.log1p(24000))
    assert math.isclose(contract_weight(fact, NOW), math.log1p(24000) / 2)
    assert math.isclose(contract_weight(fact, NOW + timedelta(days=365)), math.log1p(24000) / 4)
    # A conclusion "in the future" of the computation never weighs more than today's.
    assert math.isclose(contract_weight(fact, ago(400)), math.log1p(24000))


def test_signals_of_outcomes() -> None:
    on_time, late, rejected = worked_example()
    assert contribution(on_time, "supplier", NOW).signals["on_time"] == 1.0
    assert contribution(late, "supplier", NOW).signals["on_time"] == 0.0
    assert contribution(rejected, "supplier", NOW).signals == {
        "on_time": 0.0,
        "dispute_free": 0.0,
        "delivery_accepted": 0.0,
    }
    # The client lost nothing when the supplier's delivery was rejected.
    assert contribution(rejected, "client", NOW).signals == {"dispute_free": 1.0}
    upheld = ContractFact(
        9,
        CLIENT_A,
        SUPPLIER,
        "dyeing",
        Decimal("100.00"),
        NOW.date(),
        "completed",
        completed_at=NOW,
        delivered_at=NOW,
        dispute_outcome="completed",
        dispute_opened_by_firm_id=CLIENT_A,
    )
    assert contribution(upheld, "client", NOW).signals == {"dispute_free": 0.0}
    assert contribution(upheld, "supplier", NOW).signals["dispute_free"] == 1.0


def test_a_blind_review_does_not_count_until_released() -> None:
    one_review = ContractFact(
        4,
        CLIENT_A,
        SUPPLIER,
        "dyeing",
        Decimal("1000.00"),
        ago(6).date(),
        "completed",
        completed_at=ago(5),
        delivered_at=ago(6),
        reviews=(ReviewFact(CLIENT_A, ago(4), 1, 1, 1),),
    )
    assert "review_quality" not in contribution(one_review, "supplier", NOW).signals
    assert (
        contribution(one_review, "supplier", ago(5) + timedelta(days=14)).signals["review_quality"]
        == 0.0
    )
    # The supplier's own review of the client is not about the supplier.
    later = NOW + timedelta(days=30)
    assert "review_quality" not in contribution(one_review, "client", later).signals


def test_district_mean_starts_at_baseline_and_ignores_today() -> None:
    facts = worked_example()
    empty = district_means([], "supplier", NOW)
    assert empty.means == baseline_means("supplier").means
    district = district_means(facts, "supplier", NOW)
    assert district.as_of == datetime(2026, 6, 15, tzinfo=UTC) and district.contracts == 3
    assert district.means["on_time"] < 0.85
    today = ContractFact(
        5,
        CLIENT_A,
        SUPPLIER,
        "dyeing",
        Decimal("1000000.00"),
        NOW.date(),
        "cancelled",
        cancelled_at=NOW - timedelta(hours=1),
        dispute_outcome="cancelled",
    )
    assert district_means([*facts, today], "supplier", NOW) == district


def test_prior_weight_is_five_contracts_of_ten_thousand() -> None:
    assert math.isclose(PRIOR_WEIGHT, 5 * math.log(10001))
