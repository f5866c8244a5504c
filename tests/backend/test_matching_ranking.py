"""The database computes each Friend's merit (rating and reliability) for matching; it must give
the same score, and so the same order, as backend/domain/ranking.py does in Python."""

from __future__ import annotations

import math
import random

from sqlalchemy import delete

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Friend, Job
from backend.domain.geo import haversine_km
from backend.domain.ranking import Track, score
from backend.services.dispatch import find_candidates


async def test_database_scores_equal_the_ranking_rules(db_url: str) -> None:
    rng = random.Random(11)
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            await session.execute(delete(Friend))
            for i in range(60):
                rated = rng.random() < 0.7
                session.add(
                    Friend(
                        name=f"Friend {i}",
                        messenger_id=f"rank-{i}",
                        postal_code="10115",
                        country="DE",
                        latitude=52.52 + rng.uniform(-0.1, 0.1),
                        longitude=13.40 + rng.uniform(-0.15, 0.15),
                        radius_km=30.0,
                        skills=["printer", "computer"],
                        languages=["de"],
                        status="active",
                        rating=round(rng.uniform(1.0, 5.0), 2) if rated else None,
                        # A rating with no count (an old row) must count as unrated.
                        rating_count=rng.randint(0, 50) if rated else rng.choice((0, 0, 3)),
                        claims=rng.randint(0, 30),
                        contacted_in_time=rng.randint(0, 20),
                        missed_deadlines=rng.randint(0, 5),
                        hand_backs=rng.randint(0, 5),
                        declines=rng.randint(0, 40),
                        completed_jobs=rng.randint(0, 20),
                    )
                )
            await session.commit()
            job = Job(id=None, latitude=52.52, longitude=13.40, category="printer")
            found = await find_candidates(session, job, "de", 25.0, 100)
    finally:
        await engine.dispose()

    assert len(found) > 30
    for candidate in found:
        f = candidate.friend
        distance = haversine_km(52.52, 13.40, f.latitude, f.longitude)
        track = Track(
            f.claims,
            f.contacted_in_time,
            f.missed_deadlines,
            f.hand_backs,
            f.declines,
            f.completed_jobs,
        )
        expected = score(distance, 25.0, f.rating, f.rating_count, track)
        assert math.isclose(candidate.score, expected, abs_tol=1e-9), f.messenger_id
    scores = [c.score for c in found]
    assert scores == sorted(scores, reverse=True)


async def test_changed_skills_and_languages_are_matched_at_once(db_url: str) -> None:
    """The bit sets that the index tests follow the JSON lists when a Friend changes them."""
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            await session.execute(delete(Friend))
            friend = Friend(
                name="Anna",
                messenger_id="bits-1",
                postal_code="10115",
                country="DE",
                latitude=52.52,
                longitude=13.40,
                radius_km=20.0,
                skills=["computer"],
                languages=["de"],
                status="active",
            )
            session.add(friend)
            await session.commit()
            job = Job(id=None, latitude=52.53, longitude=13.41, category="printer")
            assert await find_candidates(session, job, "en", 20.0, 10) == []
            friend.skills = ["computer", "printer"]
            await session.commit()
            assert await find_candidates(session, job, "en", 20.0, 10) == []
            friend.languages = ["de", "en"]
            await session.commit()
            found = await find_candidates(session, job, "en", 20.0, 10)
            assert [c.friend.messenger_id for c in found] == ["bits-1"]
            friend.skills = ["computer"]
            await session.commit()
            assert await find_candidates(session, job, "en", 20.0, 10) == []
    finally:
        await engine.dispose()
