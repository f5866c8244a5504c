"""Who gets an offer first: near, well rated and reliable Friends.

The score is a weighted sum of three parts, each between 0 and 1, so no single part can
drown the others: closeness within the wave's radius, the rating (pulled towards a neutral
prior while a Friend has few ratings) and reliability (pulled towards a prior for newcomers,
so a new Friend is neither first nor last).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

WEIGHT_DISTANCE = 0.5
WEIGHT_RATING = 0.25
WEIGHT_RELIABILITY = 0.25

NEUTRAL_RATING = 4.0
RATING_PRIOR_COUNT = 3
# A newcomer counts as four kept and one broken promise: reliability 0.8.
RELIABILITY_PRIOR_GOOD = 4.0
RELIABILITY_PRIOR_BAD = 1.0
# A missed contact deadline leaves a customer waiting for half a day: it weighs double.
MISSED_DEADLINE_WEIGHT = 2.0
# Declining is allowed and honest; it weighs little.
DECLINE_WEIGHT = 0.1


@dataclass(frozen=True)
class Track:
    """A Friend's reliability counters (the columns of the same name on Friend)."""

    claims: int = 0
    contacted_in_time: int = 0
    missed_deadlines: int = 0
    hand_backs: int = 0
    declines: int = 0
    completed_jobs: int = 0


def reliability(track: Track) -> float:
    """Between 0 and 1: kept promises over all promises, with a prior for newcomers."""
    kept, broken = promises(track)
    return float(kept / (kept + broken))


def smoothed_rating(rating: float | None, rating_count: int) -> float:
    """The mean rating pulled towards NEUTRAL_RATING while there are few ratings."""
    if rating is None or rating_count <= 0:
        return NEUTRAL_RATING
    return float(pulled_to_neutral(rating, rating_count))


# The formulas below take numbers, or the Friend table's columns: dispatch has the database
# compute a Friend's merit with them (backend/services/dispatch.py), so it is written once.


def promises(counters: Any) -> tuple[Any, Any]:
    """(kept, broken) promises, weighted, each with its prior: from a Track or the columns."""
    kept = counters.contacted_in_time + counters.completed_jobs + RELIABILITY_PRIOR_GOOD
    broken = (
        MISSED_DEADLINE_WEIGHT * counters.missed_deadlines
        + counters.hand_backs
        + DECLINE_WEIGHT * counters.declines
        + RELIABILITY_PRIOR_BAD
    )
    return kept, broken


def pulled_to_neutral(rating: Any, rating_count: Any) -> Any:
    return (rating * rating_count + NEUTRAL_RATING * RATING_PRIOR_COUNT) / (
        rating_count + RATING_PRIOR_COUNT
    )


def merit_of(smoothed: Any, kept: Any, broken: Any) -> Any:
    """The rating's part (1 to 5 stars as 0 to 1) and reliability's, weighted."""
    return WEIGHT_RATING * ((smoothed - 1.0) / 4.0) + WEIGHT_RELIABILITY * (kept / (kept + broken))


def closeness_score(distance_km: float, radius_km: float) -> float:
    """The distance part of the score: the whole weight at the door, none at the radius."""
    closeness = max(0.0, 1.0 - distance_km / radius_km) if radius_km > 0 else 0.0
    return WEIGHT_DISTANCE * closeness


def merit(rating: float | None, rating_count: int, track: Track) -> float:
    """The part of the score that is the Friend's own, whatever the job."""
    return float(merit_of(smoothed_rating(rating, rating_count), *promises(track)))


def score(
    distance_km: float, radius_km: float, rating: float | None, rating_count: int, track: Track
) -> float:
    """Higher is better; between 0 and 1."""
    return closeness_score(distance_km, radius_km) + merit(rating, rating_count, track)
