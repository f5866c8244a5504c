"""Claim storm: N Friends claim one job at once, on SQLite and PostgreSQL.

Two measurements per database:
- service: claims.claim_job from two OS processes, all claims in flight together; latency of
  each claim (own session, from start to outcome) and claims per second over the storm.
- webhook: two `python -m backend serve` processes get one signed Claim postback per Friend;
  acknowledgement latency of the webhook, and the time until every Friend has their answer
  (won / already taken) at the fake Graph API.

    .venv/bin/python -m benchmarks.claim_storm [--quick] [--friends 200]
        [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import web
from aiohttp.test_utils import TestServer

from backend.adapters.db import make_engine, make_sessionmaker, migrate
from backend.friends_chat.texts import text
from backend.services.postcodes import import_geonames
from benchmarks.backend_processes import (
    claim_in_processes,
    seed_claim_storm,
    send_claims,
    spawn_backends,
    stop_backends,
    wait_healthy,
)
from product.languages import DEFAULT_LANGUAGE
from simulator.fake_graph import FakeGraph
from simulator.fake_graph import create_app as create_graph_app
from tools import postgres


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


@asynccontextmanager
async def database(kind: str) -> AsyncIterator[str]:
    """A fresh migrated database of the kind (no postal codes needed beyond the seed's)."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp()
        url = f"sqlite+aiosqlite:///{Path(folder) / 'storm.db'}"
        await asyncio.to_thread(migrate, url)
        try:
            yield url
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    server = await asyncio.to_thread(postgres.ensure_server)
    name = postgres.unique_name("storm")
    await postgres.create_database(server, name)
    try:
        url = server.url(name)
        await asyncio.to_thread(migrate, url)
        yield url
    finally:
        await postgres.drop_database(server, name)
        if server.started_here:
            await asyncio.to_thread(postgres.stop_private)


ROOT = Path(__file__).resolve().parent.parent
GEONAMES = Path(os.environ.get("GEONAMES_DIR") or ROOT.parent / "shared" / "data" / "geonames")


async def _load_postcodes(url: str) -> None:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        await import_geonames(session, GEONAMES)
    await engine.dispose()


async def service_storm(kind: str, friends: int) -> dict[str, float]:
    async with database(kind) as url:
        await _load_postcodes(url)
        storm = await seed_claim_storm(url, friends)
        started = time.perf_counter()
        results = await asyncio.to_thread(
            claim_in_processes, url, storm.reference, list(storm.friend_ids), 2
        )
        wall = time.perf_counter() - started
    latencies = [ms for _, _, ms in results]
    winners = sum(1 for _, outcome, _ in results if outcome == "WON")
    assert winners == 1, f"{winners} winners"
    storm_s = max(latencies) / 1000  # from the common start line to the last answer
    return {
        "claim_p50_ms": statistics.median(latencies),
        "claim_p99_ms": percentile(latencies, 99),
        "claims_per_s": len(latencies) / storm_s,
        "wall_s_with_process_start": wall,
    }


async def webhook_storm(kind: str, friends: int) -> dict[str, float]:
    graph = FakeGraph()
    graph_server = TestServer(create_graph_app(graph))
    await graph_server.start_server()
    rasa = web.Application()

    async def trigger(_: web.Request) -> web.Response:
        return web.json_response({"tracker": {}, "messages": []})

    rasa.router.add_post("/conversations/{conversation_id}/trigger_intent", trigger)
    rasa_server = TestServer(rasa)
    await rasa_server.start_server()
    try:
        async with database(kind) as url:
            await _load_postcodes(url)
            storm = await seed_claim_storm(url, friends)
            taken = text("already_taken", DEFAULT_LANGUAGE, reference=storm.reference)
            with tempfile.TemporaryDirectory() as logs:
                backends = spawn_backends(
                    2,
                    url,
                    str(graph_server.make_url("")).rstrip("/"),
                    str(rasa_server.make_url("")).rstrip("/"),
                    Path(logs),
                )
                try:
                    await wait_healthy(backends)
                    started = time.perf_counter()
                    acks = await send_claims(
                        [b.url for b in backends], storm.reference, list(storm.friend_ids)
                    )
                    answered: set[str] = set()
                    while len(answered) < friends and time.perf_counter() - started < 300:
                        answered = {
                            c.recipient
                            for c in graph.calls()
                            if text_of_call(c.body) == taken or "CONTACTED:" in str(c.body)
                        }
                        await asyncio.sleep(0.02)
                    all_answered_s = time.perf_counter() - started
                finally:
                    stop_backends(backends)
    finally:
        await graph_server.close()
        await rasa_server.close()
    assert len(answered) == friends, f"only {len(answered)} of {friends} answered"
    return {
        "ack_p50_ms": statistics.median(acks),
        "ack_p99_ms": percentile(acks, 99),
        "all_answered_s": all_answered_s,
        "answers_per_s": friends / all_answered_s,
    }


def text_of_call(body: dict[str, object]) -> str:
    message = body.get("message")
    if isinstance(message, dict):
        return str(message.get("text", ""))
    return ""


async def run(kinds: list[str], friends: int) -> None:
    print(f"cpus={os.cpu_count()} friends={friends} load={os.getloadavg()[0]:.1f}")
    for kind in kinds:
        for name, bench in (("service", service_storm), ("webhook", webhook_storm)):
            numbers = await bench(kind, friends)
            shown = ", ".join(f"{k}={v:.1f}" for k, v in numbers.items())
            print(f"{kind:10} {name:8} {shown}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="50 Friends, SQLite only")
    parser.add_argument("--friends", type=int, default=200)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    kinds = ["sqlite"] if args.quick else args.databases.split(",")
    asyncio.run(run(kinds, 50 if args.quick else args.friends))


if __name__ == "__main__":
    main()
