"""200 Friends claim the same job at once from two processes: one wins, 199 hear it is taken.

Runs on SQLite and PostgreSQL (the db_url fixture). Once through two real `python -m backend
serve` processes that get signed Claim postbacks, once through the service function from two
OS processes with all 200 claims in flight together.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

from sqlalchemy import func, select

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Job, JobEvent, Offer
from backend.friends_chat.texts import text
from benchmarks.backend_processes import (
    Storm,
    claim_in_processes,
    seed_claim_storm,
    send_claims,
    spawn_backends,
    stop_backends,
    wait_healthy,
)
from simulator.fake_graph import FakeGraph, RecordedCall
from tests.backend.conftest import FakeRasa
from tests.backend.helpers import buttons_of, text_of

FRIENDS = 200


async def _assert_one_assignment(db_url: str, storm: Storm, winner: str) -> None:
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as session:
            job = await session.get(Job, storm.job_id)
            assert job is not None
            assert job.assigned_friend_id == storm.friend_ids[winner]
            assert job.status not in ("open", "cancelled", "unassigned")
            claimed_events = await session.scalar(
                select(func.count())
                .select_from(JobEvent)
                .where(JobEvent.job_id == job.id, JobEvent.kind == "claimed")
            )
            assert claimed_events == 1
            live = await session.scalar(
                select(func.count())
                .select_from(Offer)
                .where(Offer.job_id == job.id, Offer.status.in_(("queued", "sent")))
            )
            assert live == 0, "every losing offer is withdrawn"
    finally:
        await engine.dispose()


def _is_win(call: RecordedCall, reference: str) -> bool:
    return any(b.get("payload") == f"CONTACTED:{reference}" for b in buttons_of(call))


async def test_200_claims_through_two_backend_processes(
    db_url: str, fake_graph: tuple[FakeGraph, str], fake_rasa: FakeRasa, tmp_path: Path
) -> None:
    graph, graph_url = fake_graph
    storm = await seed_claim_storm(db_url, FRIENDS)
    taken = text("already_taken", "de", reference=storm.reference)
    backends = spawn_backends(2, db_url, graph_url, fake_rasa.url, tmp_path / "logs")
    try:
        await wait_healthy(backends)
        acks = await send_claims([b.url for b in backends], storm.reference, list(storm.friend_ids))
        assert len(acks) == FRIENDS

        loop = asyncio.get_running_loop()
        deadline = loop.time() + 90
        while loop.time() < deadline:
            answered = {
                c.recipient
                for c in graph.calls()
                if text_of(c) == taken or _is_win(c, storm.reference)
            }
            if len(answered) >= FRIENDS:
                break
            await asyncio.sleep(0.2)
        await asyncio.sleep(1.0)  # a duplicate answer would arrive in this time
    finally:
        stop_backends(backends)

    wins = [c.recipient for c in graph.calls() if _is_win(c, storm.reference)]
    refusals = Counter(c.recipient for c in graph.calls() if text_of(c) == taken)
    assert len(wins) == 1, f"winners told: {wins}"
    assert len(refusals) == FRIENDS - 1
    assert wins[0] not in refusals
    assert all(n == 1 for n in refusals.values()), "each loser hears it once"
    await _assert_one_assignment(db_url, storm, wins[0])
    told = [t for t in fake_rasa.triggers if t["body"].get("name") == "EXTERNAL_friend_assigned"]
    assert len(told) == 1, "the customer hears of one assignment"


async def test_200_claims_through_claim_job_from_two_processes(db_url: str) -> None:
    storm = await seed_claim_storm(db_url, FRIENDS)
    results = await asyncio.to_thread(
        claim_in_processes, db_url, storm.reference, list(storm.friend_ids), 2
    )
    outcomes = Counter(outcome for _, outcome, _ in results)
    assert outcomes == {"WON": 1, "ALREADY_TAKEN": FRIENDS - 1}
    winner = next(friend for friend, outcome, _ in results if outcome == "WON")
    await _assert_one_assignment(db_url, storm, winner)
