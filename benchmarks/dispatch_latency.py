"""From a job's creation to all wave-1 offers sent, with the Graph API answering in 50 ms.

A real `python -m backend serve` process on SQLite with 12 checked-in Friends near the
customer (wave 1 offers to 10); the fake Graph API runs in this process and holds every Send
API call for --graph-ms before answering (FaultPlan delay). Each round creates one job over the
API and waits until ten offers for it have been answered: that moment is the arrival of the
last offer plus the Graph delay. Target: 300 ms.

    .venv/bin/python -m benchmarks.dispatch_latency [--quick] [--rounds 30] [--graph-ms 50]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestServer
from sqlalchemy import func, select

from backend.adapters.db import make_engine, make_sessionmaker, migrate
from backend.adapters.orm import Job, JobEvent
from backend.services.postcodes import import_geonames
from benchmarks.backend_processes import (
    SECRETS,
    job_request_body,
    seed_friends,
    spawn_backends,
    stop_backends,
    wait_healthy,
)
from simulator.fake_graph import FakeGraph, FaultPlan
from simulator.fake_graph import create_app as create_graph_app

ROOT = Path(__file__).resolve().parent.parent
GEONAMES = Path(os.environ.get("GEONAMES_DIR") or ROOT.parent / "shared" / "data" / "geonames")
WAVE_ONE = 10


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def prepare(url: str) -> None:
    await asyncio.to_thread(migrate, url)
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            await import_geonames(session, GEONAMES)
            await seed_friends(session, WAVE_ONE + 2, "wave-friend")
    finally:
        await engine.dispose()


async def dispatch_committed(url: str, created: dict[str, datetime]) -> list[float]:
    """Per job: from the API call to the commit of its wave-1 offers (the 'dispatched' event)."""
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            rows = (
                await session.execute(
                    select(Job.reference, func.min(JobEvent.at))
                    .join(JobEvent, JobEvent.job_id == Job.id)
                    .where(JobEvent.kind == "dispatched", Job.reference.in_(list(created)))
                    .group_by(Job.reference)
                )
            ).all()
    finally:
        await engine.dispose()
    return [
        (at.replace(tzinfo=at.tzinfo or UTC) - created[reference]).total_seconds() * 1000
        for reference, at in rows
    ]


async def run(rounds: int, graph_ms: float, module: str = "backend") -> dict[str, float]:
    graph = FakeGraph()
    graph.faults = FaultPlan(remaining=10**9, delay=graph_ms / 1000)
    graph_server = TestServer(create_graph_app(graph))
    await graph_server.start_server()
    rasa = web.Application()
    rasa_server = TestServer(rasa)
    await rasa_server.start_server()
    folder = tempfile.mkdtemp()
    url = f"sqlite+aiosqlite:///{Path(folder) / 'dispatch.db'}"
    totals: list[float] = []
    responses: list[float] = []
    firsts: list[float] = []
    gaps: list[float] = []
    created: dict[str, datetime] = {}
    try:
        await prepare(url)
        backends = spawn_backends(
            1,
            url,
            str(graph_server.make_url("")).rstrip("/"),
            str(rasa_server.make_url("")).rstrip("/"),
            Path(folder) / "logs",
            module,
        )
        try:
            await wait_healthy(backends)
            headers = {"Authorization": f"Bearer {SECRETS['BACKEND_API_TOKEN']}"}
            async with aiohttp.ClientSession() as http:
                for i in range(rounds + 1):  # the first round warms up and is not counted
                    created_at = datetime.now(UTC)
                    started = time.perf_counter()
                    async with http.post(
                        f"{backends[0].url}/api/v1/jobs",
                        json=job_request_body(f"dispatch-customer-{i}"),
                        headers=headers,
                    ) as response:
                        assert response.status == 201, await response.text()
                        reference = (await response.json())["reference"]
                    answered_ms = (time.perf_counter() - started) * 1000
                    offers = []
                    while time.perf_counter() - started < 30:
                        offers = [c for c in graph.calls() if reference in str(c.body)]
                        if len(offers) >= WAVE_ONE:
                            break
                        await asyncio.sleep(0.01)
                    assert len(offers) >= WAVE_ONE, f"{len(offers)} offers for {reference}"
                    await asyncio.sleep(graph_ms / 1000)  # let the last answer go back
                    arrivals = sorted(c.at for c in offers)
                    total = (arrivals[-1] - created_at).total_seconds() * 1000 + graph_ms
                    if i:
                        created[reference] = created_at
                        totals.append(total)
                        responses.append(answered_ms)
                        firsts.append((arrivals[0] - created_at).total_seconds() * 1000)
                        spread = (arrivals[-1] - arrivals[0]).total_seconds() * 1000
                        gaps.append(spread / (len(arrivals) - 1))
        finally:
            stop_backends(backends)
        committed = await dispatch_committed(url, created)
    finally:
        await graph_server.close()
        await rasa_server.close()
        shutil.rmtree(folder, ignore_errors=True)
    return {
        "create_response_p50_ms": statistics.median(responses),
        # Where the time goes: until the first offer reaches Graph, then between offers.
        "offers_committed_p50_ms": statistics.median(committed),
        "first_offer_arrives_p50_ms": statistics.median(firsts),
        "gap_between_offers_p50_ms": statistics.median(gaps),
        "all_offers_sent_p50_ms": statistics.median(totals),
        "all_offers_sent_p99_ms": percentile(totals, 99),
        "all_offers_sent_max_ms": max(totals),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 rounds")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--graph-ms", type=float, default=50.0)
    args = parser.parse_args()
    rounds = 5 if args.quick else args.rounds
    print(f"cpus={os.cpu_count()} rounds={rounds} graph={args.graph_ms:.0f} ms")
    print(f"backend (load {os.getloadavg()[0]:.1f}):")
    numbers = asyncio.run(run(rounds, args.graph_ms, "backend"))
    for key, value in numbers.items():
        print(f"  {key} = {value:.1f}")


if __name__ == "__main__":
    main()
