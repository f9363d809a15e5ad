"""三随机: the stratified draw is reproducible from its seed, sized as asked and stratified
(docs/scoring.md "Random spot checks")."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assessments.scoring.sampling import allocate, draw_interviewees, draw_sample, sample_size

# Hunjiang's shape: 6 townships, 55 villages.
HUNJIANG = [(t, t * 100 + v) for t, n in enumerate([12, 10, 9, 9, 8, 7], start=1) for v in range(n)]


def test_worked_example_a_tenth_of_hunjiang():
    n = sample_size(55, share=Decimal("0.1"))
    parts = allocate({1: 12, 2: 10, 3: 9, 4: 9, 5: 8, 6: 7}, n)

    assert n == 6  # 5.5 rounds half up
    # 6·12/55 = 1.31, 6·10/55 = 1.09, 0.98, 0.98, 0.87, 0.76: floors 1,1,0,0,0,0, then the
    # four largest remainders (0.98, 0.98, 0.87, 0.76) get one each.
    assert parts == {1: 1, 2: 1, 3: 1, 4: 1, 5: 1, 6: 1}


def test_ties_go_to_the_smaller_township_id():
    assert allocate({2: 5, 1: 5}, 1) == {1: 1, 2: 0}


def test_size_as_count_is_capped_by_the_population():
    assert sample_size(3, count=10) == 3
    assert sample_size(55, count=6) == 6
    with pytest.raises(ValueError):
        sample_size(5)


def test_same_seed_and_population_give_the_same_sample_whatever_the_input_order():
    shuffled = HUNJIANG[:]
    random.Random(1).shuffle(shuffled)

    first = draw_sample(HUNJIANG, 6, seed=20241203)
    again = draw_sample(shuffled, 6, seed=20241203)

    assert first == again
    assert draw_sample(HUNJIANG, 6, seed=20241204) != first


def test_the_sample_is_pinned_for_a_known_seed():
    """If the algorithm changes, recorded draws could no longer be redone from their seeds."""
    assert draw_sample([(1, 11), (1, 12), (1, 13), (2, 21), (2, 22)], 2, seed=7) == [
        (1, 12),
        (2, 21),
    ]


def test_interviewees_come_from_the_list_without_repeats():
    pool = ["张三", "李四", "王五", "赵六"]
    chosen = draw_interviewees(pool, 2, seed=5)
    assert len(chosen) == 2 and set(chosen) <= set(pool) and len(set(chosen)) == 2
    assert draw_interviewees(pool, 2, seed=5) == chosen
    assert sorted(draw_interviewees(pool, 9, seed=5)) == sorted(pool)  # capped at the list


populations = st.dictionaries(
    st.integers(min_value=1, max_value=30), st.integers(min_value=0, max_value=25), max_size=8
).map(lambda sizes: [(t, t * 1000 + v) for t, n in sizes.items() for v in range(n)])


@given(
    population=populations, n=st.integers(min_value=0, max_value=250), seed=st.integers(0, 2**40)
)
def test_property_stratified_sizes_sum_within_townships_no_duplicates(population, n, seed):
    drawn = draw_sample(population, n, seed)
    sizes: dict[int, int] = {}
    for township, _village in population:
        sizes[township] = sizes.get(township, 0) + 1

    assert len(drawn) == min(n, len(population))
    assert len({v for _t, v in drawn}) == len(drawn)
    assert set(drawn) <= set(population)  # every village drawn within its own township
    per_township: dict[int, int] = {}
    for township, _village in drawn:
        per_township[township] = per_township.get(township, 0) + 1
    expected = allocate(sizes, min(n, len(population)))
    assert all(per_township.get(t, 0) == expected[t] <= sizes[t] for t in sizes)
    assert sum(expected.values()) == len(drawn)
    # proportional: no township is more than one village off its exact share
    total = len(population)
    for t, size in sizes.items():
        exact = Decimal(len(drawn)) * size / total if total else 0
        assert abs(per_township.get(t, 0) - exact) < 1
    assert draw_sample(list(reversed(population)), n, seed) == drawn


@given(
    share=st.decimals(min_value="0.001", max_value="1", places=3),
    population=st.integers(min_value=0, max_value=2000),
)
def test_property_share_size_is_within_the_population(share, population):
    n = sample_size(population, share=share)
    assert 0 <= n <= population
    assert abs(Decimal(n) - share * population) <= Decimal("0.5")
