"""How fast the Friends' webhook answers Meta: verify, store every event, 200.

Runs the real backend app (a fresh SQLite file or PostgreSQL database, fake Graph API
in-process) and posts signed single-event and 10-event batches sequentially and concurrently.
Prints percentiles.

    .venv/bin/python -m benchmarks.webhook_ack [--requests 500] [--databases sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from aiohttp.test_utils import TestClient, TestServer

from backend.app import create_app
from backend.config import Settings
from benchmarks.claim_storm import database
from simulator.fake_graph import FakeGraph
from simulator.fake_graph import create_app as create_graph_app
from simulator.webhook_bodies import encode_signed, page_body, text_event

SECRET = "bench-secret"


def _pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def run(requests: int, batch: int, concurrency: int, url: str) -> dict[str, float]:
    graph_server = TestServer(create_graph_app(FakeGraph()))
    await graph_server.start_server()
    settings = Settings(
        database_url=url,
        api_token="a",
        admin_token="b",
        graph_url=str(graph_server.make_url("")).rstrip("/"),
        graph_version="v21.0",
        friends_page_access_token="t",
        friends_app_secret=SECRET,
        friends_verify_token="v",
        rasa_url="http://127.0.0.1:9",
        rasa_token="",
        geonames_dir=None,
    )
    bodies = [
        encode_signed(
            page_body(
                "friends-page",
                [text_event(f"bench-{i % 50}", "friends-page", "hallo") for _ in range(batch)],
            ),
            SECRET,
        )
        for i in range(requests)
    ]
    latencies: list[float] = []
    async with TestClient(TestServer(create_app(settings))) as client:
        semaphore = asyncio.Semaphore(concurrency)

        async def one(raw: bytes, headers: dict[str, str]) -> None:
            async with semaphore:
                start = time.perf_counter()
                response = await client.post("/webhooks/friends", data=raw, headers=headers)
                await response.read()
                latencies.append((time.perf_counter() - start) * 1000)
                assert response.status == 200

        started = time.perf_counter()
        await asyncio.gather(*(one(raw, headers) for raw, headers in bodies))
        elapsed = time.perf_counter() - started
    await graph_server.close()
    return {
        "p50_ms": statistics.median(latencies),
        "p99_ms": _pct(latencies, 99),
        "max_ms": max(latencies),
        "requests_per_s": requests / elapsed,
    }


async def _on(kind: str, requests: int, batch: int, concurrency: int) -> dict[str, float]:
    async with database(kind) as url:
        return await run(requests, batch, concurrency, url)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args()
    print("| database | events per POST | concurrent POSTs | p50 ms | p99 ms | max ms | POSTs/s |")
    print("|---|---|---|---|---|---|---|")
    for kind in args.databases.split(","):
        for batch, concurrency in ((1, 1), (1, 10), (10, 10)):
            r = asyncio.run(_on(kind, args.requests, batch, concurrency))
            print(
                f"| {kind} | {batch} | {concurrency} | {r['p50_ms']:.1f} | {r['p99_ms']:.1f} "
                f"| {r['max_ms']:.1f} | {r['requests_per_s']:.0f} |"
            )


if __name__ == "__main__":
    main()
