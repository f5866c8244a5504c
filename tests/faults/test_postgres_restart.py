"""A PostgreSQL crash and restart under traffic: two backend processes keep running, what they
refused while the database was away is retried by its sender, and afterwards every job booked
exists once, every claim is answered once, and the background work (webhook inbox, outbox,
deadline sweep) carries on without a restart of the backends.

The cluster is this session's private one (tests/faults/cluster.py), never the machine's.
"""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from datetime import datetime
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from backend.adapters.orm import Job, JobEvent
from benchmarks.backend_processes import job_request_body, seed_friends, stop_backends, wait_healthy
from simulator.fake_graph import FakeGraph
from simulator.webhook_bodies import now_ms
from tests.backend.conftest import FakeRasa
from tests.faults.cluster import PrivateCluster
from tests.faults.processes import (
    API_HEADERS,
    Meta,
    count,
    delivered,
    describe_open,
    doubled_only_across,
    message_key,
    open_work,
    query,
    spawn,
    text_of,
    wait_until,
)

# Meta's time of the claims: now, or the webhooks refuse them as replays (issue 21).
SENT_AT = now_ms()

pytestmark = pytest.mark.faults

FRIENDS = 8
JOBS = 30
CLAIMS_PER_JOB = 3
DOWN_SECONDS = 8.0


async def test_postgres_crash_and_restart_under_traffic(
    cluster: PrivateCluster,
    fault_db_url: str,
    fake_graph: tuple[FakeGraph, str],
    fake_rasa: FakeRasa,
    tmp_path: Path,
) -> None:
    graph, graph_url = fake_graph
    await query(fault_db_url, lambda s: seed_friends(s, FRIENDS, "pg"))
    backends = spawn(
        2,
        fault_db_url,
        graph_url,
        fake_rasa.url,
        tmp_path / "logs",
        WAVE_SIZE=str(FRIENDS),
        DEADLINE_SWEEP_SECONDS="1",
    )
    rng = random.Random(5)
    references: list[str] = []
    claims: list[tuple[str, str]] = []
    try:
        await wait_healthy(backends)
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as http:
            # A partner (the action server) retries a refused booking with the same key.
            meta = Meta(http, [b.url for b in backends], attempts=200)

            async def book_and_claim(i: int) -> None:
                response = await meta.post(
                    "/api/v1/jobs",
                    i,
                    json=job_request_body(f"pg-customer-{i:02d}"),
                    headers={**API_HEADERS, "Idempotency-Key": f"pg-job-{i}"},
                )
                assert response is not None and response.status in (200, 201), i
                reference = (await response.json())["reference"]
                references.append(reference)
                # Friends claim what they were offered: after the database is back, a job
                # booked during the outage is offered by the next sweep.
                offered: set[str] = set()
                for _ in range(600):
                    offered = {
                        c.recipient for c in graph.calls() if f"CLAIM:{reference}" in text_of(c)
                    }
                    if len(offered) >= CLAIMS_PER_JOB:
                        break
                    await asyncio.sleep(0.2)
                assert len(offered) >= CLAIMS_PER_JOB, f"{reference} offered to {offered}"
                rivals = rng.sample(sorted(offered), CLAIMS_PER_JOB)
                claims.extend((f, reference) for f in rivals)
                await asyncio.gather(
                    *(
                        meta.claim(f, reference, SENT_AT + i * 10 + n, i + n)
                        for n, f in enumerate(rivals)
                    )
                )

            async def traffic() -> None:
                # A booking every 0.4 s, each racing three claims: about 12 s of traffic.
                running = []
                for i in range(JOBS):
                    running.append(asyncio.create_task(book_and_claim(i)))
                    await asyncio.sleep(0.4)
                await asyncio.gather(*running)

            flowing = asyncio.create_task(traffic())
            await asyncio.sleep(3.0)
            refused_before = meta.redelivered
            outage = await asyncio.to_thread(cluster.restart, DOWN_SECONDS, "immediate")
            back_at = datetime.now().astimezone()
            await flowing
            refused = meta.redelivered - refused_before

            async def settled() -> bool:
                # Notices too: one whose first attempt met the outage goes with a later sweep.
                return (await open_work(fault_db_url)).settled

            recovery = await wait_until(settled, 240, lambda: describe_open(fault_db_url))
            await asyncio.sleep(2.0)  # a late duplicate would arrive in this time
            alive = [b.process.poll() is None for b in backends]
            # The sweep runs on: it still answers, and the health check says so.
            async with http.get(f"{backends[0].url}/healthz") as health:
                healthy = health.status
    finally:
        stop_backends(backends)

    assert alive == [True, True], "a backend process died with the database"
    assert healthy == 200
    assert len(references) == len(set(references)) == JOBS

    calls = delivered(graph)
    resent = doubled_only_across(calls, back_at)
    unique = list({message_key(c): c for c in calls}.values())
    unanswered = [
        (f, r)
        for f, r in claims
        if not any(
            c.recipient == f and r in text_of(c) and "CLAIM:" not in text_of(c) for c in unique
        )
    ]
    assert not unanswered, f"claims never answered: {unanswered}"

    async def check(session: AsyncSession) -> None:
        assert await count(session, Job) == JOBS, "a retried booking made a second job"
        for ref in references:
            job = await session.scalar(select(Job).where(Job.reference == ref))
            assert job is not None and job.status == "assigned", ref
            claimed = await count(
                session, JobEvent, JobEvent.job_id == job.id, JobEvent.kind == "claimed"
            )
            assert claimed == 1, (ref, claimed)

    await query(fault_db_url, check)
    told = Counter(
        t["body"]["entities"]["job_reference"]
        for t in fake_rasa.triggers
        if t["body"]["name"] == "EXTERNAL_friend_assigned"
    )
    assert told == dict.fromkeys(references, 1), f"customers told of their Friend: {told}"
    print(
        f"\npostgres restart: down {outage:.1f} s (crash, {DOWN_SECONDS:g} s away) under "
        f"{JOBS} bookings and {len(claims)} claims; {refused} requests refused and retried; "
        f"settled {recovery:.1f} s after the traffic; {len(unique)} messages, {resent} resent"
    )
