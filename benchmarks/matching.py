"""Matching latency: find_candidates on SQLite with 1k, 10k and 100k Friends.

Friends live at random postal-code centroids of DE, AT and CH (so cities are dense, as in
life) with a little jitter, random skills, languages, radii 5–50 km, four in five active.
Each query is a job at a random postal code, timed around find_candidates alone (its own
session), for the first wave's radius (10 km) and the furthest (50 km), in wall-clock and in
CPU time. Also prints how many rows the bounding box holds and SQLite's plan for the statement
find_candidates sends (on SQLite it searches the friend_reach R*Tree, migration 0011).

    .venv/bin/python -m benchmarks.matching [--quick] [--sizes 1000,10000,100000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import event, func, insert, select, text

from backend.adapters.db import make_engine, make_sessionmaker, migrate
from backend.adapters.orm import Friend, Job, PostalCode
from backend.domain.geo import bounding_box
from backend.services.dispatch import find_candidates
from backend.services.postcodes import import_geonames
from product.categories import CATEGORIES
from product.languages import DEFAULT_LANGUAGE, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
RADII = (10.0, 50.0)
WAVE_SIZE = 10


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def friend_rows(
    places: list[tuple[float, float]], count: int, rng: random.Random
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for i in range(count):
        lat, lon = rng.choice(places)
        rows.append(
            {
                "name": f"Friend {i}",
                "messenger_id": f"bench-{i}",
                "postal_code": "00000",
                "country": "DE",
                "latitude": lat + rng.uniform(-0.02, 0.02),
                "longitude": lon + rng.uniform(-0.03, 0.03),
                "radius_km": float(rng.choice((5, 10, 15, 20, 30, 50))),
                "skills": rng.sample(CATEGORIES, rng.randint(1, 4)),
                "languages": list(LANGUAGES) if rng.random() < 0.4 else [DEFAULT_LANGUAGE],
                "status": "active" if rng.random() < 0.8 else rng.choice(("paused", "vetted")),
                "rating": round(rng.uniform(3.0, 5.0), 1) if rng.random() < 0.7 else None,
                "rating_count": rng.randint(0, 40),
            }
        )
    return rows


async def build(url: str, geonames: Path, count: int, seed: int) -> list[tuple[float, float]]:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            await import_geonames(session, geonames)
            places = [
                (float(lat), float(lon))
                for lat, lon in (
                    await session.execute(select(PostalCode.latitude, PostalCode.longitude))
                ).all()
            ]
            rng = random.Random(seed)
            rows = friend_rows(places, count, rng)
            for start in range(0, len(rows), 5000):
                await session.execute(insert(Friend), rows[start : start + 5000])
            await session.commit()
            await session.execute(text("ANALYZE"))
        return places
    finally:
        await engine.dispose()


async def measure(
    url: str, places: list[tuple[float, float]], queries: int, seed: int
) -> dict[str, float]:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    rng = random.Random(seed + 1)
    result: dict[str, float] = {}
    try:
        for radius in RADII:
            times: list[float] = []
            cpu: list[float] = []
            boxed: list[int] = []
            found: list[int] = []
            for _ in range(queries):
                lat, lon = rng.choice(places)
                job = Job(latitude=lat, longitude=lon, category=rng.choice(CATEGORIES))
                # The default language twice as often as each other one.
                language = rng.choice((DEFAULT_LANGUAGE, *LANGUAGES))
                async with sessions() as session:
                    started, started_cpu = time.perf_counter(), time.process_time()
                    candidates = await find_candidates(session, job, language, radius, WAVE_SIZE)
                    times.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                    min_lat, max_lat, min_lon, max_lon = bounding_box(lat, lon, radius)
                    boxed.append(
                        int(
                            await session.scalar(
                                select(func.count()).where(
                                    Friend.status == "active",
                                    Friend.latitude.between(min_lat, max_lat),
                                    Friend.longitude.between(min_lon, max_lon),
                                )
                            )
                            or 0
                        )
                    )
                found.append(len(candidates))
            key = f"r{int(radius)}"
            result[f"{key}_p50_ms"] = statistics.median(times)
            result[f"{key}_p99_ms"] = percentile(times, 99)
            result[f"{key}_max_ms"] = max(times)
            # CPU time of this process (both threads): comparable on a busy machine, where
            # the wall-clock figures above mostly measure the other processes.
            result[f"{key}_cpu_p50_ms"] = statistics.median(cpu)
            result[f"{key}_cpu_p99_ms"] = percentile(cpu, 99)
            result[f"{key}_box_rows_mean"] = statistics.mean(boxed)
            result[f"{key}_box_rows_p99"] = percentile([float(b) for b in boxed], 99)
            result[f"{key}_found_mean"] = statistics.mean(found)
        # SQLite's plan for the statement find_candidates really sends (Berlin, 50 km).
        statements: list[tuple[str, Any]] = []

        def grab(*args: Any) -> None:
            statement, parameters = args[2], args[3]
            # The candidate query: friend_reach on SQLite (migration 0011), friends elsewhere.
            if statement.lstrip().upper().startswith("SELECT") and "friend" in statement:
                statements.append((statement, parameters))

        event.listen(engine.sync_engine, "before_cursor_execute", grab)
        async with sessions() as session:
            job = Job(latitude=52.52, longitude=13.40, category=CATEGORIES[0])
            await find_candidates(session, job, DEFAULT_LANGUAGE, 50.0, WAVE_SIZE)
        event.remove(engine.sync_engine, "before_cursor_execute", grab)
        async with engine.connect() as conn:
            statement, parameters = statements[0]
            plan = await conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            print("  plan:", " | ".join(str(row[-1]) for row in plan.all()))
    finally:
        await engine.dispose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1k and 10k Friends, 50 queries")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    sizes = [1000, 10000] if args.quick else [int(s) for s in args.sizes.split(",")]
    queries = 50 if args.quick else args.queries
    geonames = Path(os.environ.get("GEONAMES_DIR") or ROOT.parent / "shared" / "data" / "geonames")
    print(f"cpus={os.cpu_count()} queries={queries} per radius, wave size {WAVE_SIZE}")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            url = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            migrate(url)
            places = asyncio.run(build(url, geonames, size, args.seed))
            print(f"{size} Friends:")
            numbers = asyncio.run(measure(url, places, queries, args.seed))
            for key, value in numbers.items():
                print(f"  {key} = {value:.2f}")


if __name__ == "__main__":
    main()
