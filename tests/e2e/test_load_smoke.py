"""The load test's core at smoke size on the end-to-end system: 5 customers book by chat while
20 Friends race for the offers; the invariants hold, and the checker sees planted breaches."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Customer, Friend, Job, Offer
from backend.domain.jobs import new_reference
from benchmarks.load.figures import LoadResult, report
from benchmarks.load.invariants import check_invariants
from benchmarks.load.topologies import target_from_system
from benchmarks.load_test import run_load
from tests.e2e.conftest import System

pytestmark = pytest.mark.e2e


async def _plant_duplicate_job(database_url: str, psid: str) -> str:
    """A second job for a customer who was told one reference, as a double submit would."""
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            job = await session.scalar(
                select(Job)
                .join(Customer, Customer.id == Job.customer_id)
                .where(Customer.channel_id == psid)
            )
            assert job is not None
            copy = Job(
                **{
                    c.key: getattr(job, c.key)
                    for c in Job.__table__.columns
                    if c.key not in ("id", "reference", "idempotency_key", "status_token")
                },
                reference=new_reference(),
            )
            # Cancelled, so no sweep dispatches it for the tests running after this one.
            copy.status, copy.next_wave_at, copy.assigned_friend_id = "cancelled", None, None
            session.add(copy)
            await session.commit()
            return copy.reference
    finally:
        await engine.dispose()


async def _plant_second_winner(database_url: str, reference: str) -> None:
    """Another Friend's offer of an assigned job marked won, as a lost race gone wrong would."""
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            job = await session.scalar(select(Job).where(Job.reference == reference))
            assert job is not None and job.assigned_friend_id is not None
            loser = await session.scalar(
                select(Offer.id).where(
                    Offer.job_id == job.id, Offer.friend_id != job.assigned_friend_id
                )
            )
            assert loser is not None, "the smoke run offered the job to one Friend only"
            await session.execute(update(Offer).where(Offer.id == loser).values(status="won"))
            await session.commit()
    finally:
        await engine.dispose()


async def _retire_friends(database_url: str, prefix: str) -> None:
    """The run's Friends live near the other tests' customers on the same system: paused, they
    get none of the later tests' offers."""
    engine = make_engine(database_url)
    try:
        async with make_sessionmaker(engine)() as session:
            await session.execute(
                update(Friend)
                .where(Friend.messenger_id.startswith(f"{prefix}-f"))
                .values(status="paused")
            )
            await session.commit()
    finally:
        await engine.dispose()


async def test_smoke_load_keeps_the_invariants_and_the_checker_sees_breaches(
    system: System,
) -> None:
    target = target_from_system(system)
    result = await run_load(target, 5, 20, ramp_seconds=2, turn_timeout=120, settle_seconds=60)
    try:
        await _check(target.database_url, result)
    finally:
        await _retire_friends(target.database_url, result.prefix)


async def _check(database_url: str, result: LoadResult) -> None:
    summary = report(result)
    assert result.booked == 5 and not result.failures, summary
    assert result.invariants.ok, summary
    counts = result.invariants.counts
    assert counts["jobs"] == counts["confirmed_bookings"] == 5, summary
    # Every job was raced for and won by one of the run's Friends.
    assert counts["assigned_jobs"] == 5 and result.figures["claims"] > 5, summary
    assert result.figures["bot_turn_ms_p99"] > 0 and result.figures["bookings_per_min"] > 0

    first = f"{result.prefix}-c000"
    duplicate = await _plant_duplicate_job(database_url, first)
    [claimed] = result.observed.confirmations[f"{result.prefix}-c001"]
    await _plant_second_winner(database_url, claimed)
    planted = await check_invariants(database_url, result.prefix, result.observed)
    found = "\n".join(planted.violations)
    assert any(first in v and duplicate in v and "2 jobs" in v for v in planted.violations), found
    assert any(claimed in v and "2 won offers" in v for v in planted.violations), found
    # What was planted, and nothing else.
    assert all(duplicate in v or claimed in v for v in planted.violations), found
