"""Who is offered a job first: near, well rated, reliable."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from backend.domain.ranking import NEUTRAL_RATING, Track, reliability, score, smoothed_rating

NEWCOMER = Track()


def test_a_newcomer_is_neither_trusted_fully_nor_distrusted() -> None:
    assert reliability(NEWCOMER) == 0.8
    assert smoothed_rating(None, 0) == NEUTRAL_RATING


def test_missed_deadlines_cost_more_than_hand_backs_and_declines_cost_little() -> None:
    missed = reliability(Track(claims=1, missed_deadlines=1))
    handed = reliability(Track(claims=1, hand_backs=1))
    declined = reliability(Track(declines=1))
    assert missed < handed < declined < reliability(NEWCOMER)
    kept = reliability(Track(claims=5, contacted_in_time=5, completed_jobs=5))
    assert kept > reliability(NEWCOMER)


def test_few_ratings_count_less_than_many() -> None:
    assert smoothed_rating(5.0, 1) < smoothed_rating(5.0, 20) < 5.0
    assert smoothed_rating(1.0, 1) > smoothed_rating(1.0, 20) > 1.0


def test_closer_better_rated_and_more_reliable_each_rank_higher() -> None:
    base = score(5.0, 10.0, 4.0, 3, NEWCOMER)
    assert score(2.0, 10.0, 4.0, 3, NEWCOMER) > base
    assert score(5.0, 10.0, 5.0, 3, NEWCOMER) > base
    assert score(5.0, 10.0, 4.0, 3, Track(contacted_in_time=4, completed_jobs=4)) > base
    # Distance matters most: a neighbour with an average record beats a star 9 km further.
    star = Track(contacted_in_time=50, completed_jobs=50)
    assert score(0.5, 10.0, 4.0, 0, NEWCOMER) > score(9.5, 10.0, 5.0, 50, star)
    # But a Friend who missed many deadlines loses to a reliable one a little further away.
    flaky = Track(claims=6, missed_deadlines=6)
    assert score(3.0, 10.0, 4.0, 0, flaky) < score(4.0, 10.0, 4.0, 0, NEWCOMER)


counts = st.integers(min_value=0, max_value=10_000)


@given(
    distance=st.floats(min_value=0, max_value=100),
    radius=st.floats(min_value=0.1, max_value=100),
    rating=st.one_of(st.none(), st.floats(min_value=1, max_value=5)),
    rating_count=counts,
    track=st.builds(Track, counts, counts, counts, counts, counts, counts),
)
def test_scores_stay_between_zero_and_one(
    distance: float, radius: float, rating: float | None, rating_count: int, track: Track
) -> None:
    assert 0.0 <= reliability(track) <= 1.0
    assert 0.0 <= score(distance, radius, rating, rating_count, track) <= 1.0
