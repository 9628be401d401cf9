"""Property tests of the exact cost split (pure function, no database)."""

import random
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from distretto.consortia.costs import Claim, equal_claims, split

totals = st.integers(min_value=0, max_value=10**11).map(lambda cents: Decimal(cents) / 100)
areas = st.integers(min_value=1, max_value=100_000).map(
    lambda hundredths: Decimal(hundredths) / 100
)


@st.composite
def area_claims(draw: st.DrawFn) -> list[Claim]:
    firm_ids = draw(st.lists(st.integers(1, 10**6), min_size=1, max_size=40, unique=True))
    return [Claim(firm_id, draw(areas)) for firm_id in firm_ids]


def _exact(total: Decimal, claims: list[Claim], claim: Claim) -> Fraction:
    weight = sum((Fraction(c.weight) for c in claims), Fraction(0))
    return Fraction(total) * Fraction(claim.weight) / weight


@given(totals, area_claims())
def test_shares_sum_exactly_and_stay_within_a_cent(total: Decimal, claims: list[Claim]) -> None:
    shares = split(total, claims)
    assert set(shares) == {c.firm_id for c in claims}
    assert sum(shares.values()) == total
    for claim in claims:
        share = shares[claim.firm_id]
        assert share >= 0
        assert share == share.quantize(Decimal("0.01"))
        assert abs(Fraction(share) - _exact(total, claims, claim)) < Fraction(1, 100)


@given(totals, area_claims(), st.randoms())
def test_split_is_deterministic_whatever_the_order(
    total: Decimal, claims: list[Claim], rnd: random.Random
) -> None:
    shuffled = list(claims)
    rnd.shuffle(shuffled)
    assert split(total, shuffled) == split(total, claims)


@given(totals, st.lists(st.integers(1, 10**6), min_size=1, max_size=60, unique=True))
def test_equal_split_differs_by_at_most_one_cent(total: Decimal, firm_ids: list[int]) -> None:
    shares = split(total, equal_claims(firm_ids))
    assert sum(shares.values()) == total
    assert max(shares.values()) - min(shares.values()) <= Decimal("0.01")
    # The extra cents go to the lowest firm ids.
    ranked = sorted(firm_ids)
    assert [shares[f] for f in ranked] == sorted(shares.values(), reverse=True)


def test_thousand_over_three() -> None:
    assert split(Decimal("1000.00"), equal_claims([7, 3, 5])) == {
        3: Decimal("333.34"),
        5: Decimal("333.33"),
        7: Decimal("333.33"),
    }


def test_by_odd_areas() -> None:
    # 100.00 over 3 + 3 + 1 m²: exact 42.857…, 42.857…, 14.285…; two cents left over
    # go to the two largest remainders (.857 each), not to the 1 m² firm.
    shares = split(
        Decimal("100.00"), [Claim(1, Decimal(3)), Claim(2, Decimal(3)), Claim(3, Decimal(1))]
    )
    assert shares == {1: Decimal("42.86"), 2: Decimal("42.86"), 3: Decimal("14.28")}


def test_remainder_ties_go_to_larger_area_then_lower_id() -> None:
    # 0.10 over 1 and 3 m²: exact 2.5 and 7.5 cents, equal remainders: the larger area
    # pays the leftover cent.
    assert split(Decimal("0.10"), [Claim(1, Decimal(1)), Claim(2, Decimal(3))]) == {
        1: Decimal("0.02"),
        2: Decimal("0.08"),
    }
    # Same area, same remainder: the lower firm id pays it.
    assert split(Decimal("0.10"), equal_claims([5, 3, 4])) == {
        3: Decimal("0.04"),
        4: Decimal("0.03"),
        5: Decimal("0.03"),
    }


def test_refuses_nonsense() -> None:
    assert split(Decimal("10.00"), []) == {}
    with pytest.raises(ValueError):
        split(Decimal("10.00"), [Claim(1, Decimal(0))])
    with pytest.raises(ValueError):
        split(Decimal("10.001"), equal_claims([1]))
    with pytest.raises(ValueError):
        split(Decimal("10.00"), [Claim(1, Decimal(1)), Claim(1, Decimal(2))])
