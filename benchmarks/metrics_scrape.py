"""What a Prometheus scrape costs the backend: the database gauges and the text exposition.

Seeds a fresh SQLite file or PostgreSQL database with N jobs (statuses mixed as in a running
service, a share with due deadlines) and 3 N outbox messages (1% still open), then times
`refresh_from_database` (jobs by status, outbox depth, oldest overdue deadline) and the whole
exposition (refresh + generate_latest) a number of times. Prints percentiles in ms.

    .venv/bin/python -m benchmarks.metrics_scrape [--sizes 10000,100000] [--databases …]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from prometheus_client import generate_latest
from sqlalchemy import insert

from backend.adapters.db import make_engine, make_sessionmaker
from backend.adapters.orm import Customer, Job, OutboxMessage
from backend.observability.metrics import refresh_from_database
from benchmarks.claim_storm import database

STATUSES = (
    ("completed", 0.55),
    ("cancelled", 0.15),
    ("unassigned", 0.05),
    ("contacted", 0.1),
    ("assigned", 0.1),
    ("open", 0.05),
)
CHUNK = 5000


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def _job(i: int, customer_id: int, now: datetime, rng: random.Random) -> dict[str, Any]:
    status = rng.choices([s for s, _ in STATUSES], [w for _, w in STATUSES])[0]
    # A few deadlines are due (the sweep is a little behind), most lie ahead.
    soon = now + timedelta(minutes=rng.uniform(-2, 600))
    return {
        "reference": f"TF-{i:08d}",
        "status": status,
        "category": "internet_wifi",
        "description": "WLAN",
        "package": "basic",
        "country": "DE",
        "postal_code": "10115",
        "city": "Berlin",
        "latitude": 52.53,
        "longitude": 13.38,
        "window_start": now,
        "window_end": now + timedelta(hours=4),
        "customer_id": customer_id,
        "next_wave_at": soon if status == "open" else None,
        "contact_reminder_at": soon if status == "assigned" else None,
        "contact_deadline_at": soon + timedelta(hours=4) if status == "assigned" else None,
        "rating_reminder_at": soon if status == "completed" and rng.random() < 0.1 else None,
    }


def _message(i: int, now: datetime, rng: random.Random) -> dict[str, Any]:
    open_ = rng.random() < 0.01
    return {
        "page": "friends",
        "recipient": f"friend-{i % 2000}",
        "body": {"recipient": {"id": f"friend-{i % 2000}"}, "message": {"text": "x"}},
        "created_at": now,
        "next_attempt_at": now,
        "attempts": 1,
        "sent_at": None if open_ else now,
    }


async def seed(url: str, jobs: int) -> None:
    rng = random.Random(8)
    now = datetime.now(UTC)
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as session:
        customer = Customer(channel_id="bench", name="B", phone="+49", language="de", country="DE")
        session.add(customer)
        await session.flush()
        for start in range(0, jobs, CHUNK):
            rows = [_job(i, customer.id, now, rng) for i in range(start, min(jobs, start + CHUNK))]
            await session.execute(insert(Job), rows)
        for start in range(0, 3 * jobs, CHUNK):
            rows = [_message(i, now, rng) for i in range(start, min(3 * jobs, start + CHUNK))]
            await session.execute(insert(OutboxMessage), rows)
        await session.commit()
    await engine.dispose()


async def measure(url: str, rounds: int) -> dict[str, float]:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    refresh: list[float] = []
    whole: list[float] = []
    for _ in range(rounds):
        started = time.perf_counter()
        await refresh_from_database(sessions, datetime.now(UTC), ("friends",))
        refreshed = time.perf_counter()
        generate_latest()
        done = time.perf_counter()
        refresh.append((refreshed - started) * 1000)
        whole.append((done - started) * 1000)
    await engine.dispose()
    return {
        "refresh_p50": statistics.median(refresh),
        "refresh_p99": _pct(refresh, 99),
        "scrape_p50": statistics.median(whole),
        "scrape_p99": _pct(whole, 99),
    }


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--rounds", type=int, default=100)
    args = parser.parse_args()
    for kind in args.databases.split(","):
        for size in (int(s) for s in args.sizes.split(",")):
            async with database(kind) as url:
                await seed(url, size)
                figures = await measure(url, args.rounds)
            print(
                f"{kind:10} jobs={size:>7} outbox={3 * size:>7}  "
                + "  ".join(f"{k} {v:6.1f} ms" for k, v in figures.items()),
                flush=True,
            )


if __name__ == "__main__":
    asyncio.run(main())
