"""Who gets an offer first: near, well rated and reliable Friends.

The score is a weighted sum of three parts, each between 0 and 1, so no single part can
drown the others: closeness within the wave's radius, the rating (pulled towards a neutral
prior while a Friend has few ratings) and reliability (pulled towards a prior for newcomers,
so a new Friend is neither first nor last).
"""

from __future__ import annotations

from dataclasses import dataclass

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
    good = track.contacted_in_time + track.completed_jobs + RELIABILITY_PRIOR_GOOD
    bad = (
        MISSED_DEADLINE_WEIGHT * track.missed_deadlines
        + track.hand_backs
        + DECLINE_WEIGHT * track.declines
        + RELIABILITY_PRIOR_BAD
    )
    return good / (good + bad)


def smoothed_rating(rating: float | None, rating_count: int) -> float:
    """The mean rating pulled towards NEUTRAL_RATING while there are few ratings."""
    if rating is None or rating_count <= 0:
        return NEUTRAL_RATING
    return (rating * rating_count + NEUTRAL_RATING * RATING_PRIOR_COUNT) / (
        rating_count + RATING_PRIOR_COUNT
    )


def closeness_score(distance_km: float, radius_km: float) -> float:
    """The distance part of the score: the whole weight at the door, none at the radius."""
    closeness = max(0.0, 1.0 - distance_km / radius_km) if radius_km > 0 else 0.0
    return WEIGHT_DISTANCE * closeness


def merit(rating: float | None, rating_count: int, track: Track) -> float:
    """The part of the score that is the Friend's own, whatever the job."""
    stars = (smoothed_rating(rating, rating_count) - 1.0) / 4.0
    return WEIGHT_RATING * stars + WEIGHT_RELIABILITY * reliability(track)


def score(
    distance_km: float, radius_km: float, rating: float | None, rating_count: int, track: Track
) -> float:
    """Higher is better; between 0 and 1."""
    return closeness_score(distance_km, radius_km) + merit(rating, rating_count, track)
